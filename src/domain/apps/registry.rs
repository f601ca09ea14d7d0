//! The set of apps of one sandbox instance.

use std::collections::BTreeMap;
use std::sync::Arc;

use parking_lot::RwLock;
use rand::RngExt;

use super::AppError;
use super::validate::check_spec;
use crate::api::app::{App, AppSpec, NotifySettings, PayerSettings};
use crate::domain::changes::{Changed, Tracked};
use crate::protocol::generate;

/// Builds a whole app from a partial spec, generating every missing value.
pub fn build_app<R: RngExt + ?Sized>(
    spec: &AppSpec,
    notify_defaults: &NotifySettings,
    payer_defaults: &PayerSettings,
    default_callback: Option<&str>,
    rng: &mut R,
) -> Result<App, AppError> {
    check_spec(spec)?;
    fn or_gen<R: RngExt + ?Sized>(
        given: &Option<String>,
        rng: &mut R,
        generate: impl FnOnce(&mut R) -> String,
    ) -> String {
        given.clone().unwrap_or_else(|| generate(rng))
    }
    // Generation order is fixed so that one seed always yields the same app.
    Ok(App {
        app_id: or_gen(&spec.app_id, rng, generate::hex32),
        app_key: or_gen(&spec.app_key, rng, generate::hex32),
        md5_key: or_gen(&spec.md5_key, rng, generate::md5_key),
        name: or_gen(&spec.name, rng, generate::merchant_name),
        mid: or_gen(&spec.mid, rng, generate::mid),
        tid: or_gen(&spec.tid, rng, generate::tid),
        inst_mid: or_gen(&spec.inst_mid, rng, |_| "MINIDEFAULT".to_owned()),
        msg_src_id: or_gen(&spec.msg_src_id, rng, generate::msg_src_id),
        sub_app_id: or_gen(&spec.sub_app_id, rng, generate::sub_app_id),
        service_id: or_gen(&spec.service_id, rng, generate::service_id),
        callback_url: match &spec.callback_url {
            Some(url) => url.clone(),
            None => default_callback.map(str::to_owned),
        },
        notify: spec
            .notify
            .as_ref()
            .map(|n| n.apply_to(notify_defaults))
            .unwrap_or_else(|| notify_defaults.clone()),
        payer: spec
            .payer
            .as_ref()
            .map_or_else(|| payer_defaults.clone(), |p| p.apply_to(payer_defaults)),
        clock: spec.clock.clone().unwrap_or_else(|| "default".to_owned()),
    })
}

/// Applies a PATCH to an existing app. The appId cannot change.
pub fn patch_app(app: &App, spec: &AppSpec) -> Result<App, AppError> {
    check_spec(spec)?;
    if let Some(id) = &spec.app_id
        && id != &app.app_id
    {
        return Err(AppError::Invalid {
            field: "appId".to_owned(),
            reason: "cannot be changed; create a new app instead".to_owned(),
        });
    }
    if let Some(clock) = &spec.clock
        && clock != &app.clock
    {
        return Err(AppError::Invalid {
            field: "clock".to_owned(),
            reason: format!(
                "cannot be changed (the app is on clock {}); create a new app on the other clock instead",
                app.clock
            ),
        });
    }
    let keep = |v: &Option<String>, old: &String| v.clone().unwrap_or_else(|| old.clone());
    Ok(App {
        app_id: app.app_id.clone(),
        app_key: keep(&spec.app_key, &app.app_key),
        md5_key: keep(&spec.md5_key, &app.md5_key),
        name: keep(&spec.name, &app.name),
        mid: keep(&spec.mid, &app.mid),
        tid: keep(&spec.tid, &app.tid),
        inst_mid: keep(&spec.inst_mid, &app.inst_mid),
        msg_src_id: keep(&spec.msg_src_id, &app.msg_src_id),
        sub_app_id: keep(&spec.sub_app_id, &app.sub_app_id),
        service_id: keep(&spec.service_id, &app.service_id),
        callback_url: match &spec.callback_url {
            Some(url) => url.clone(),
            None => app.callback_url.clone(),
        },
        notify: spec
            .notify
            .as_ref()
            .map(|n| n.apply_to(&app.notify))
            .unwrap_or_else(|| app.notify.clone()),
        payer: spec
            .payer
            .as_ref()
            .map_or_else(|| app.payer.clone(), |p| p.apply_to(&app.payer)),
        clock: app.clock.clone(),
    })
}

/// All apps of one instance, keyed by appId.
#[derive(Debug, Default)]
pub struct AppRegistry {
    apps: RwLock<Tracked<BTreeMap<String, Arc<App>>>>,
}

impl AppRegistry {
    /// Adds an app; its appId must be new.
    pub fn insert(&self, app: App) -> Result<Arc<App>, AppError> {
        let mut apps = self.apps.write();
        if apps.contains_key(&app.app_id) {
            return Err(AppError::Duplicate(app.app_id));
        }
        let app = Arc::new(app);
        apps.insert(app.app_id.clone(), app.clone());
        Ok(app)
    }

    /// Replaces an existing app.
    pub fn update(
        &self,
        app_id: &str,
        change: impl FnOnce(&App) -> Result<App, AppError>,
    ) -> Result<Arc<App>, AppError> {
        let mut apps = self.apps.write();
        let current = apps
            .get(app_id)
            .ok_or_else(|| AppError::NotFound(app_id.to_owned()))?;
        let updated = Arc::new(change(current)?);
        apps.insert(app_id.to_owned(), updated.clone());
        Ok(updated)
    }

    /// The app with this appId.
    pub fn get(&self, app_id: &str) -> Option<Arc<App>> {
        self.apps.read().get(app_id).cloned()
    }

    /// Whether an app with this appId exists.
    pub fn contains(&self, app_id: &str) -> bool {
        self.apps.read().contains_key(app_id)
    }

    /// Every app, ordered by appId.
    pub fn list(&self) -> Vec<Arc<App>> {
        self.apps.read().values().cloned().collect()
    }

    /// Removes an app.
    pub fn remove(&self, app_id: &str) -> Option<Arc<App>> {
        self.apps.write().remove(app_id)
    }

    /// Removes every app.
    pub fn clear(&self) {
        self.apps.write().clear();
    }

    /// The apps whose merchant number is `mid`.
    pub fn owners_of_mid(&self, mid: &str) -> Vec<String> {
        self.apps
            .read()
            .values()
            .filter(|a| a.mid == mid)
            .map(|a| a.app_id.clone())
            .collect()
    }

    /// Starts marking changed apps for [`Self::changed`].
    pub fn track_changes(&self) {
        self.apps.write().track();
    }

    /// The apps changed since the last call, as they stand.
    pub fn changed(&self) -> Changed<Arc<App>> {
        let mut apps = self.apps.write();
        let taken = apps.take();
        Changed::read(taken, |id| apps.get(id).cloned())
    }

    /// How many apps there are.
    pub fn len(&self) -> usize {
        self.apps.read().len()
    }
}
