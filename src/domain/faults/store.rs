//! Registered faults and their consumption.

use parking_lot::Mutex;
use rand::RngExt;

use crate::api::fault::{
    CallEffect, Fault, FaultEffect, FaultSpec, FaultTarget, InvalidFault, NotificationEffect,
};

/// A fault that fired: its id (for the journal and the attempt record) and what it does.
#[derive(Debug, Clone, PartialEq)]
pub struct Fired<E> {
    /// `flt-N`.
    pub id: String,
    /// What it does to this call or attempt.
    pub effect: E,
}

/// A registered fault with its effect, derived once when it was added or restored.
#[derive(Debug)]
struct Entry {
    fault: Fault,
    effect: FaultEffect,
}

/// The faults of one instance.
#[derive(Debug, Default)]
pub struct FaultStore {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// The counter behind `flt-N` ids.
    last_id: u64,
    entries: Vec<Entry>,
}

impl Inner {
    fn faults(&self) -> Vec<Fault> {
        self.entries.iter().map(|e| e.fault.clone()).collect()
    }
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
        inner.last_id += 1;
        let fault = Fault {
            id: format!("flt-{}", inner.last_id),
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
        inner.entries.push(Entry {
            fault: fault.clone(),
            effect,
        });
        Ok(fault)
    }

    /// Every fault, oldest first.
    pub fn list(&self) -> Vec<Fault> {
        self.inner.lock().faults()
    }

    /// One fault.
    pub fn get(&self, id: &str) -> Option<Fault> {
        let inner = self.inner.lock();
        inner
            .entries
            .iter()
            .find(|e| e.fault.id == id)
            .map(|e| e.fault.clone())
    }

    /// Removes one fault.
    pub fn remove(&self, id: &str) -> bool {
        let mut inner = self.inner.lock();
        let before = inner.entries.len();
        inner.entries.retain(|e| e.fault.id != id);
        inner.entries.len() != before
    }

    /// Removes every fault (of one app, when given).
    pub fn clear(&self, app_id: Option<&str>) {
        let mut inner = self.inner.lock();
        match app_id {
            Some(app) => inner
                .entries
                .retain(|e| e.fault.app_id.as_deref() != Some(app)),
            None => inner.entries.clear(),
        }
    }

    /// Removes every fault and starts the `flt-N` ids again at 1, so a seeded sandbox replays
    /// its ids after a reset. (Deleting faults keeps counting: the journal may name old ids.)
    pub fn reset(&self) {
        *self.inner.lock() = Inner::default();
    }

    /// The id counter and every fault, oldest first.
    pub fn snapshot(&self) -> (u64, Vec<Fault>) {
        let inner = self.inner.lock();
        (inner.last_id, inner.faults())
    }

    /// Replaces every fault; `last_id` is the counter behind `flt-N` ids. A fault the rule
    /// refuses (only a hand-edited file, or one saved before a limit existed, holds one) is
    /// left out with a warning: it could not act as described, and loading must not fail.
    pub fn restore(&self, last_id: u64, faults: Vec<Fault>) {
        let entries = faults
            .into_iter()
            .filter_map(|fault| match fault.effect() {
                Ok(effect) => Some(Entry { fault, effect }),
                Err(e) => {
                    tracing::warn!(id = %fault.id, reason = %e, "saved fault left out");
                    None
                }
            })
            .collect();
        *self.inner.lock() = Inner { last_id, entries };
    }

    /// The first active token fault for the app claimed in the request that fires.
    pub fn take_token<R: RngExt + ?Sized>(
        &self,
        app_id: Option<&str>,
        rng: &mut R,
    ) -> Option<Fired<CallEffect>> {
        self.take(
            FaultTarget::Token,
            app_id,
            None,
            rng,
            |effect| match effect {
                FaultEffect::Token(call) => Some(call),
                _ => None,
            },
        )
    }

    /// The first active gateway fault for this app and path that fires.
    pub fn take_gateway<R: RngExt + ?Sized>(
        &self,
        app_id: &str,
        path: &str,
        rng: &mut R,
    ) -> Option<Fired<CallEffect>> {
        self.take(
            FaultTarget::Gateway,
            Some(app_id),
            Some(path),
            rng,
            |effect| match effect {
                FaultEffect::Gateway(call) => Some(call),
                _ => None,
            },
        )
    }

    /// The first active notification fault for this app that fires.
    pub fn take_notification<R: RngExt + ?Sized>(
        &self,
        app_id: &str,
        rng: &mut R,
    ) -> Option<Fired<NotificationEffect>> {
        self.take(
            FaultTarget::Notification,
            Some(app_id),
            None,
            rng,
            |effect| match effect {
                FaultEffect::Notification(n) => Some(n),
                _ => None,
            },
        )
    }

    /// The first active fault that matches and fires (probability rolled with `rng`, only for
    /// matching faults so a seeded run draws the same numbers); it is counted as acting once.
    /// `effect_of` picks the target's own effect, so callers see only what can reach them.
    fn take<R: RngExt + ?Sized, E: Clone>(
        &self,
        target: FaultTarget,
        app_id: Option<&str>,
        path: Option<&str>,
        rng: &mut R,
        effect_of: impl Fn(&FaultEffect) -> Option<&E>,
    ) -> Option<Fired<E>> {
        let mut inner = self.inner.lock();
        for Entry { fault, effect } in inner.entries.iter_mut() {
            if !fault.matches(target, app_id, path) {
                continue;
            }
            let Some(effect) = effect_of(effect) else {
                continue;
            };
            if let Some(p) = fault.probability
                && !rng.random_bool(p)
            {
                continue;
            }
            fault.hits += 1;
            if let Some(n) = fault.remaining.as_mut() {
                *n -= 1;
            }
            return Some(Fired {
                id: fault.id.clone(),
                effect: effect.clone(),
            });
        }
        None
    }
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "spec_tests.rs"]
mod spec_tests;
