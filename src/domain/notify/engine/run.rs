//! One more attempt on demand (`redeliver`), and waiting for a notification's outcome.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use super::NotifyEngine;
use crate::api::notification::Notification;

/// Why a redelivery could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedeliverError {
    /// No notification has this id.
    #[error("no notification with id {0}")]
    NotFound(String),
    /// Neither the notification, the request nor the app names a callback URL.
    #[error("notification {0} has no callback URL: set the app's callbackUrl or pass one")]
    NoCallbackUrl(String),
}

impl NotifyEngine {
    /// Makes one more attempt now, outside the ladder, and returns the notification after it.
    ///
    /// It is sent at once, not queued behind the app's waiting attempts, and is bound neither
    /// by `--max-in-flight-per-app` nor by `--max-in-flight`: it is one manual attempt, which
    /// the caller waits for. It does count as in flight.
    pub async fn redeliver(
        self: &Arc<Self>,
        id: &str,
        callback_url: Option<String>,
    ) -> Result<Notification, RedeliverError> {
        let mut job = {
            let mut store = self.store.lock();
            let n = store
                .get(id)
                .ok_or_else(|| RedeliverError::NotFound(id.to_owned()))?;
            let now = self.deps.clocks.of_app(&n.app_id).now();
            let has_url = callback_url.is_some()
                || n.callback_url.is_some()
                || self
                    .deps
                    .apps
                    .get(&n.app_id)
                    .is_some_and(|a| a.callback_url.is_some());
            if !has_url {
                return Err(RedeliverError::NoCallbackUrl(id.to_owned()));
            }
            store
                .start(id, now, true)
                .ok_or_else(|| RedeliverError::NotFound(id.to_owned()))?
        };
        if callback_url.is_some() {
            job.callback_url = callback_url;
        }
        self.send_now(job).await;
        self.get(id)
            .ok_or_else(|| RedeliverError::NotFound(id.to_owned()))
    }

    /// Waits (in real time, up to `timeout`) until the notification satisfies `done`. Returns
    /// whether it did, with the notification as it stands; `None` if it does not exist.
    ///
    /// Only changes to this notification (and resets, restores and app removals) wake the
    /// waiter: it sleeps through changes to any other.
    pub async fn wait_until(
        &self,
        id: &str,
        done: impl Fn(&Notification) -> bool,
        timeout: StdDuration,
    ) -> Option<(bool, Notification)> {
        let mut watch = self.waiters.watch(id);
        let deadline = tokio::time::Instant::now() + timeout;
        let closed = self.closed.notified();
        tokio::pin!(closed);
        // Registered before the flag is read, so a close in between still wakes us.
        closed.as_mut().enable();
        loop {
            watch.mark_seen();
            let n = self.get(id)?;
            let reached = done(&n);
            if reached || self.is_closing() {
                return Some((reached, n));
            }
            tokio::select! {
                changed = tokio::time::timeout_at(deadline, watch.changed()) => {
                    if changed.is_err() {
                        return self.get(id).map(|n| (done(&n), n));
                    }
                }
                () = &mut closed => {}
            }
        }
    }

    /// The instance is stopping: every long-poll answers now with what it has, and new ones
    /// answer at once, so a shutdown never waits for a client's wait.
    pub fn close(&self) {
        self.closing
            .store(true, std::sync::atomic::Ordering::Release);
        self.closed.notify_waiters();
    }

    /// Whether [`NotifyEngine::close`] was called.
    pub fn is_closing(&self) -> bool {
        self.closing.load(std::sync::atomic::Ordering::Acquire)
    }
}
