//! Every clock of one instance, and which clock each app is on.
//!
//! An app names its clock (`App::clock`); this registry turns that id into the clock. The app
//! registry is the only record of the attachment, so an app and its clock cannot disagree.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use parking_lot::RwLock;
use tokio::sync::watch;

use super::Clock;
use crate::domain::apps::AppRegistry;

pub use crate::api::clock::DEFAULT_CLOCK;

/// Why a clock could not be created, found or deleted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    /// No clock has this id.
    #[error("no clock with id {0}")]
    NotFound(String),
    /// Another clock already has this id.
    #[error("a clock with id {0} already exists")]
    Duplicate(String),
    /// The default clock stays.
    #[error("the default clock cannot be deleted")]
    IsDefault,
    /// Apps are still on the clock.
    #[error("clock {id} still has {apps} app(s) on it; delete them (or the apps) first")]
    InUse {
        /// The clock.
        id: String,
        /// How many apps are on it.
        apps: usize,
    },
}

/// The clocks of one instance: `default` and any number created since, each app on one of them.
/// Cloning shares the registry.
#[derive(Debug, Clone)]
pub struct Clocks {
    inner: Arc<Inner>,
}

#[derive(Debug, Clone)]
struct Created {
    /// Creation number, for listing clocks in creation order.
    number: u64,
    clock: Arc<Clock>,
    /// The app the clock was made for (`"clock": "new"`), which takes it along when deleted.
    owner: Option<String>,
}

#[derive(Debug)]
struct Inner {
    default: Arc<Clock>,
    /// Created clocks by id.
    others: RwLock<HashMap<String, Created>>,
    created: RwLock<u64>,
    apps: Arc<AppRegistry>,
}

impl Clocks {
    /// A registry whose default clock is `default`; `apps` say which clock each app is on.
    pub fn new(default: Arc<Clock>, apps: Arc<AppRegistry>) -> Self {
        Self {
            inner: Arc::new(Inner {
                default,
                others: RwLock::new(HashMap::new()),
                created: RwLock::new(0),
                apps,
            }),
        }
    }

    /// The instance's own clock (`/__mock/clock`).
    pub fn default_clock(&self) -> &Arc<Clock> {
        &self.inner.default
    }

    /// The clock `id`.
    pub fn get(&self, id: &str) -> Option<Arc<Clock>> {
        if id == DEFAULT_CLOCK {
            return Some(Arc::clone(&self.inner.default));
        }
        self.inner
            .others
            .read()
            .get(id)
            .map(|c| Arc::clone(&c.clock))
    }

    /// The clock `id`, or why there is none.
    pub fn find(&self, id: &str) -> Result<Arc<Clock>, ClockError> {
        self.get(id)
            .ok_or_else(|| ClockError::NotFound(id.to_owned()))
    }

    /// The clock of the app `app_id`: every time-based rule about an app asks this. An unknown
    /// app (a request naming no app there is) is on the default clock.
    pub fn of_app(&self, app_id: &str) -> Arc<Clock> {
        match self.inner.apps.get(app_id) {
            Some(app) if app.clock != DEFAULT_CLOCK => self
                .get(&app.clock)
                .unwrap_or_else(|| Arc::clone(&self.inner.default)),
            _ => Arc::clone(&self.inner.default),
        }
    }

    /// Whether a clock with this id exists.
    pub fn contains(&self, id: &str) -> bool {
        id == DEFAULT_CLOCK || self.inner.others.read().contains_key(id)
    }

    /// Creates a clock `id` (running from wall time unless `now` or `frozen` say otherwise),
    /// made for the app `owner` if one asked for a clock of its own.
    pub fn create(
        &self,
        id: String,
        name: Option<String>,
        owner: Option<String>,
        now: Option<DateTime<Utc>>,
        frozen: bool,
    ) -> Result<Arc<Clock>, ClockError> {
        let mut others = self.inner.others.write();
        if id == DEFAULT_CLOCK || others.contains_key(&id) {
            return Err(ClockError::Duplicate(id));
        }
        let clock = Arc::new(self.inner.default.sibling(id.clone(), name));
        if now.is_some() || frozen {
            clock.set(now, Some(frozen));
        }
        let number = {
            let mut created = self.inner.created.write();
            *created += 1;
            *created
        };
        others.insert(
            id,
            Created {
                number,
                clock: Arc::clone(&clock),
                owner,
            },
        );
        Ok(clock)
    }

    /// Every clock, `default` first, then in creation order.
    pub fn list(&self) -> Vec<Arc<Clock>> {
        let mut others: Vec<Created> = self.inner.others.read().values().cloned().collect();
        others.sort_by_key(|c| c.number);
        std::iter::once(Arc::clone(&self.inner.default))
            .chain(others.into_iter().map(|c| c.clock))
            .collect()
    }

    /// The app a clock was made for, if it was made for one.
    pub fn owner(&self, id: &str) -> Option<String> {
        self.inner
            .others
            .read()
            .get(id)
            .and_then(|c| c.owner.clone())
    }

    /// The clock made for the app `app_id`, if there is one.
    pub fn owned_by(&self, app_id: &str) -> Option<String> {
        self.inner
            .others
            .read()
            .iter()
            .find(|(_, c)| c.owner.as_deref() == Some(app_id))
            .map(|(id, _)| id.clone())
    }

    /// How many apps are on the clock `id`.
    pub fn apps_on(&self, id: &str) -> usize {
        self.inner
            .apps
            .list()
            .iter()
            .filter(|a| a.clock == id)
            .count()
    }

    /// Deletes the clock `id`, which no app may be on any more.
    pub fn remove(&self, id: &str) -> Result<Arc<Clock>, ClockError> {
        if id == DEFAULT_CLOCK {
            return Err(ClockError::IsDefault);
        }
        if !self.contains(id) {
            return Err(ClockError::NotFound(id.to_owned()));
        }
        match self.apps_on(id) {
            0 => {}
            apps => {
                return Err(ClockError::InUse {
                    id: id.to_owned(),
                    apps,
                });
            }
        }
        self.inner
            .others
            .write()
            .remove(id)
            .map(|c| c.clock)
            .ok_or_else(|| ClockError::NotFound(id.to_owned()))
    }

    /// Deletes every clock but the default one (which is left as it is).
    pub fn clear(&self) {
        self.inner.others.write().clear();
    }

    /// A receiver told whenever any clock of the registry is moved or set.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.inner.default.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::app::App;
    use chrono::Duration;

    fn app_on(app_id: &str, clock: &str) -> App {
        let mut rng: rand::rngs::StdRng = rand::SeedableRng::seed_from_u64(7);
        let mut app = crate::domain::apps::build_app(
            &Default::default(),
            &Default::default(),
            &Default::default(),
            None,
            &mut rng,
        )
        .expect("an app");
        app.app_id = app_id.to_owned();
        app.clock = clock.to_owned();
        app
    }

    fn registry() -> (Clocks, Arc<AppRegistry>) {
        let apps = Arc::new(AppRegistry::default());
        (
            Clocks::new(Arc::new(Clock::system()), Arc::clone(&apps)),
            apps,
        )
    }

    #[test]
    fn an_app_is_on_the_clock_it_names_and_others_on_the_default() {
        let (clocks, apps) = registry();
        clocks
            .create("clk_a".into(), Some("A".into()), None, None, true)
            .expect("created");
        apps.insert(app_on("A", "clk_a")).expect("inserted");
        apps.insert(app_on("B", DEFAULT_CLOCK)).expect("inserted");
        assert_eq!(clocks.of_app("A").id(), "clk_a");
        assert_eq!(clocks.of_app("B").id(), DEFAULT_CLOCK);
        assert_eq!(clocks.of_app("nobody").id(), DEFAULT_CLOCK);
    }

    #[test]
    fn moving_one_clock_leaves_the_others_where_they_were() {
        let (clocks, _) = registry();
        let at = DateTime::from_timestamp(2_000_000_000, 0).unwrap_or_default();
        let a = clocks
            .create("clk_a".into(), None, None, Some(at), true)
            .expect("created");
        let b = clocks
            .create("clk_b".into(), None, None, Some(at), true)
            .expect("created");
        a.advance(Duration::hours(3));
        assert_eq!(a.now(), at + Duration::hours(3));
        assert_eq!(b.now(), at);
        assert!(clocks.default_clock().now() < at);
    }

    #[test]
    fn a_change_to_any_clock_is_announced_to_the_registry_s_subscribers() {
        let (clocks, _) = registry();
        let a = clocks
            .create("clk_a".into(), None, None, None, false)
            .expect("created");
        let rx = clocks.subscribe();
        a.set(None, Some(true));
        assert!(rx.has_changed().unwrap_or(false));
    }

    #[test]
    fn clocks_are_listed_default_first_then_in_creation_order() {
        let (clocks, _) = registry();
        for id in ["clk_z", "clk_a", "clk_m"] {
            clocks
                .create(id.into(), None, None, None, false)
                .expect("created");
        }
        let ids: Vec<String> = clocks.list().iter().map(|c| c.id().to_owned()).collect();
        assert_eq!(ids, ["default", "clk_z", "clk_a", "clk_m"]);
    }

    #[test]
    fn a_clock_with_apps_on_it_or_the_default_clock_cannot_be_deleted() {
        let (clocks, apps) = registry();
        clocks
            .create("clk_a".into(), None, None, None, false)
            .expect("created");
        apps.insert(app_on("A", "clk_a")).expect("inserted");
        assert_eq!(
            clocks.remove("clk_a").map(|_| ()),
            Err(ClockError::InUse {
                id: "clk_a".into(),
                apps: 1
            })
        );
        assert_eq!(
            clocks.remove(DEFAULT_CLOCK).map(|_| ()),
            Err(ClockError::IsDefault)
        );
        apps.remove("A");
        assert!(clocks.remove("clk_a").is_ok());
        assert_eq!(
            clocks.remove("clk_a").map(|_| ()),
            Err(ClockError::NotFound("clk_a".into()))
        );
    }

    #[test]
    fn ids_are_unique_and_default_is_taken() {
        let (clocks, _) = registry();
        clocks
            .create("clk_a".into(), None, None, None, false)
            .expect("created");
        assert!(matches!(
            clocks.create("clk_a".into(), None, None, None, false),
            Err(ClockError::Duplicate(_))
        ));
        assert!(matches!(
            clocks.create(DEFAULT_CLOCK.into(), None, None, None, false),
            Err(ClockError::Duplicate(_))
        ));
    }
}
