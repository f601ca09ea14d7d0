//! Registered faults and their consumption.

use parking_lot::Mutex;
use rand::RngExt;

use crate::api::fault::{Fault, FaultSpec, FaultTarget, InvalidFault};

/// The faults of one instance.
#[derive(Debug, Default)]
pub struct FaultStore {
    inner: Mutex<(u64, Vec<Fault>)>,
}

impl FaultStore {
    /// Registers a fault; error faults show their default status and code.
    pub fn add(&self, spec: FaultSpec) -> Result<Fault, InvalidFault> {
        let effect = spec.effect()?;
        let (http_status, err_code) = match effect.error() {
            Some((status, code)) => (Some(status), Some(code.to_owned())),
            None => (spec.http_status, spec.err_code),
        };
        let mut inner = self.inner.lock();
        inner.0 += 1;
        let fault = Fault {
            id: format!("flt-{}", inner.0),
            target: spec.target,
            action: spec.action,
            app_id: spec.app_id,
            path: spec.path,
            http_status,
            err_code,
            err_msg: spec.err_msg,
            delay_ms: spec.delay_ms,
            delay_seconds: spec.delay_seconds,
            probability: spec.probability,
            remaining: spec.times,
            hits: 0,
            description: spec.description,
        };
        inner.1.push(fault.clone());
        Ok(fault)
    }

    /// Every fault, oldest first.
    pub fn list(&self) -> Vec<Fault> {
        self.inner.lock().1.clone()
    }

    /// One fault.
    pub fn get(&self, id: &str) -> Option<Fault> {
        self.inner.lock().1.iter().find(|f| f.id == id).cloned()
    }

    /// Removes one fault.
    pub fn remove(&self, id: &str) -> bool {
        let mut inner = self.inner.lock();
        let before = inner.1.len();
        inner.1.retain(|f| f.id != id);
        inner.1.len() != before
    }

    /// Removes every fault (of one app, when given).
    pub fn clear(&self, app_id: Option<&str>) {
        let mut inner = self.inner.lock();
        match app_id {
            Some(app) => inner.1.retain(|f| f.app_id.as_deref() != Some(app)),
            None => inner.1.clear(),
        }
    }

    /// The id counter and every fault, oldest first.
    pub fn snapshot(&self) -> (u64, Vec<Fault>) {
        let inner = self.inner.lock();
        (inner.0, inner.1.clone())
    }

    /// Replaces every fault; `last_id` is the counter behind `flt-N` ids.
    pub fn restore(&self, last_id: u64, faults: Vec<Fault>) {
        *self.inner.lock() = (last_id, faults);
    }

    /// The first active fault that matches and fires (probability rolled with `rng`); it is
    /// counted as acting once.
    pub fn take<R: RngExt + ?Sized>(
        &self,
        target: FaultTarget,
        app_id: Option<&str>,
        path: Option<&str>,
        rng: &mut R,
    ) -> Option<Fault> {
        let mut inner = self.inner.lock();
        for fault in inner.1.iter_mut() {
            if !fault.matches(target, app_id, path) {
                continue;
            }
            if let Some(p) = fault.probability {
                if !rng.random_bool(p) {
                    continue;
                }
            }
            fault.hits += 1;
            if let Some(n) = fault.remaining.as_mut() {
                *n -= 1;
            }
            return Some(fault.clone());
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::fault::FaultAction;
    use rand::SeedableRng;

    fn spec(target: FaultTarget, action: FaultAction) -> FaultSpec {
        serde_json::from_value(serde_json::json!({
            "target": target, "action": action, "delayMs": 1, "delaySeconds": 1
        }))
        .expect("spec")
    }

    #[test]
    fn a_fault_acts_the_given_number_of_times_then_stops() {
        let store = FaultStore::default();
        let mut s = spec(FaultTarget::Token, FaultAction::Error);
        s.times = Some(2);
        store.add(s).expect("valid");
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        assert!(
            store
                .take(FaultTarget::Token, None, None, &mut rng)
                .is_some()
        );
        assert!(
            store
                .take(FaultTarget::Token, None, None, &mut rng)
                .is_some()
        );
        assert!(
            store
                .take(FaultTarget::Token, None, None, &mut rng)
                .is_none()
        );
        assert_eq!(store.list()[0].hits, 2);
    }

    #[test]
    fn app_and_path_filters_narrow_a_fault() {
        let store = FaultStore::default();
        let mut s = spec(FaultTarget::Gateway, FaultAction::Error);
        s.app_id = Some("a".into());
        s.path = Some("/v1/netpay/*".into());
        store.add(s).expect("valid");
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        assert!(
            store
                .take(
                    FaultTarget::Gateway,
                    Some("b"),
                    Some("/v1/netpay/query"),
                    &mut rng
                )
                .is_none()
        );
        assert!(
            store
                .take(FaultTarget::Gateway, Some("a"), Some("/v2/other"), &mut rng)
                .is_none()
        );
        assert!(
            store
                .take(
                    FaultTarget::Gateway,
                    Some("a"),
                    Some("/v1/netpay/query"),
                    &mut rng
                )
                .is_some()
        );
    }

    #[test]
    fn a_probability_fault_fires_about_that_often() {
        let store = FaultStore::default();
        let mut s = spec(FaultTarget::Token, FaultAction::Error);
        s.probability = Some(0.25);
        store.add(s).expect("valid");
        let mut rng = rand::rngs::StdRng::seed_from_u64(9);
        let fired = (0..4000)
            .filter(|_| {
                store
                    .take(FaultTarget::Token, None, None, &mut rng)
                    .is_some()
            })
            .count();
        assert!((800..1200).contains(&fired), "{fired}");
    }

    #[test]
    fn actions_that_do_not_fit_the_target_are_refused() {
        let store = FaultStore::default();
        assert!(
            store
                .add(spec(FaultTarget::Token, FaultAction::Drop))
                .is_err()
        );
        assert!(
            store
                .add(spec(FaultTarget::Notification, FaultAction::Error))
                .is_err()
        );
    }

    #[test]
    fn a_notification_delay_beyond_a_year_is_refused() {
        let store = FaultStore::default();
        let mut s = spec(FaultTarget::Notification, FaultAction::Delay);
        s.delay_seconds = Some(365 * 24 * 3600);
        assert!(store.add(s.clone()).is_ok());
        s.delay_seconds = Some(1_000_000_000_000_000);
        assert!(store.add(s).is_err());
    }
}
