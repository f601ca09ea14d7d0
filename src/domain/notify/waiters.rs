//! Who waits for which notification, so a change wakes only the waiters of the notifications it
//! touched: a long-poll on one notification sleeps through any number of changes to others.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use parking_lot::Mutex;
use tokio::sync::watch;

/// The waiters of every watched notification, and the rare events that concern them all.
#[derive(Debug)]
pub struct Waiters {
    watched: Mutex<HashMap<String, Watched>>,
    /// How many ids are watched, read without the lock: a change with no waiter costs nothing.
    count: AtomicUsize,
    /// Reset, restore, an app's removal: every waiter looks again.
    all: watch::Sender<u64>,
}

#[derive(Debug)]
struct Watched {
    changed: watch::Sender<u64>,
    waiters: usize,
}

impl Default for Waiters {
    fn default() -> Self {
        Self {
            watched: Mutex::default(),
            count: AtomicUsize::new(0),
            all: watch::channel(0).0,
        }
    }
}

impl Waiters {
    /// Starts watching `id` until the returned [`Watch`] is dropped. Anything that changes the
    /// notification after this call wakes the watch.
    pub fn watch(&self, id: &str) -> Watch<'_> {
        let all = self.all.subscribe();
        let mut watched = self.watched.lock();
        let entry = watched.entry(id.to_owned()).or_insert_with(|| {
            self.count.fetch_add(1, Ordering::Relaxed);
            Watched {
                changed: watch::channel(0).0,
                waiters: 0,
            }
        });
        entry.waiters += 1;
        Watch {
            registry: self,
            id: id.to_owned(),
            changed: entry.changed.subscribe(),
            all,
        }
    }

    /// Wakes the waiters of these notifications.
    pub fn wake(&self, ids: &[String]) {
        if ids.is_empty() || self.count.load(Ordering::Relaxed) == 0 {
            return;
        }
        let watched = self.watched.lock();
        for id in ids {
            if let Some(w) = watched.get(id) {
                w.changed.send_modify(|n| *n = n.wrapping_add(1));
            }
        }
    }

    /// Wakes every waiter.
    pub fn wake_all(&self) {
        self.all.send_modify(|n| *n = n.wrapping_add(1));
    }

    #[cfg(test)]
    /// How many notifications are watched.
    pub fn watched(&self) -> usize {
        self.watched.lock().len()
    }
}

/// One waiter's view: woken when its notification changes or when everything does.
#[derive(Debug)]
pub struct Watch<'a> {
    registry: &'a Waiters,
    id: String,
    changed: watch::Receiver<u64>,
    all: watch::Receiver<u64>,
}

impl Watch<'_> {
    /// Forgets changes so far: call before looking at the notification.
    pub fn mark_seen(&mut self) {
        self.changed.mark_unchanged();
        self.all.mark_unchanged();
    }

    /// Waits for a change since [`Watch::mark_seen`].
    pub async fn changed(&mut self) {
        tokio::select! {
            r = self.changed.changed() => if r.is_err() { std::future::pending::<()>().await },
            r = self.all.changed() => if r.is_err() { std::future::pending::<()>().await },
        }
    }
}

impl Drop for Watch<'_> {
    fn drop(&mut self) {
        let mut watched = self.registry.watched.lock();
        if let Some(w) = watched.get_mut(&self.id) {
            w.waiters -= 1;
            if w.waiters == 0 {
                watched.remove(&self.id);
                self.registry.count.fetch_sub(1, Ordering::Relaxed);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_watch_is_woken_by_its_own_notification_and_by_global_events_only() {
        let waiters = Waiters::default();
        let mut watch = waiters.watch("EV-A");
        watch.mark_seen();
        waiters.wake(&["EV-B".to_owned()]);
        assert!(!watch.changed.has_changed().unwrap_or(true));
        waiters.wake(&["EV-A".to_owned()]);
        watch.changed().await;
        watch.mark_seen();
        waiters.wake_all();
        watch.changed().await;
    }

    #[test]
    fn an_id_is_watched_until_its_last_waiter_goes() {
        let waiters = Waiters::default();
        let first = waiters.watch("EV-A");
        let second = waiters.watch("EV-A");
        assert_eq!(waiters.watched(), 1);
        drop(first);
        assert_eq!(waiters.watched(), 1);
        drop(second);
        assert_eq!(waiters.watched(), 0);
        assert_eq!(waiters.count.load(Ordering::Relaxed), 0);
    }
}
