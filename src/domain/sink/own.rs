//! The sandbox's own deliveries: the sink takes a body only while the sandbox is sending it.
//!
//! Every delivery goes out through [`MarkedTransport`], which notes a digest of the body for as
//! long as the attempt lasts. A request to the sink whose body is being sent at that moment is
//! one of the sandbox's own, whatever URL it was sent to (`127.0.0.1`, a container's service
//! name, a proxy); anything else — a browser's form, a forged or replayed notification — is
//! not. Bodies are signed and carry fresh ids, so no one else can send one that is in flight.

use std::collections::HashMap;
use std::sync::Arc;

use futures_util::future::BoxFuture;
use parking_lot::Mutex;
use sha2::{Digest, Sha256};

use crate::domain::notify::deliver::{Delivery, Transport, WireResult};

type Key = [u8; 32];

fn key(body: &[u8]) -> Key {
    Sha256::digest(body).into()
}

/// The bodies being delivered right now, counted (the same body may be in flight twice).
#[derive(Debug, Default)]
pub struct OwnDeliveries {
    in_flight: Mutex<HashMap<Key, usize>>,
}

impl OwnDeliveries {
    /// Whether `body` is being delivered by the sandbox right now.
    pub fn is_in_flight(&self, body: &[u8]) -> bool {
        self.in_flight.lock().contains_key(&key(body))
    }

    /// Notes `body` as in flight until the returned mark is dropped.
    fn mark(self: &Arc<Self>, body: &[u8]) -> Mark {
        let key = key(body);
        *self.in_flight.lock().entry(key).or_default() += 1;
        Mark {
            own: Arc::clone(self),
            key,
        }
    }
}

/// One delivery in flight; dropped when the attempt ends, however it ends.
struct Mark {
    own: Arc<OwnDeliveries>,
    key: Key,
}

impl Drop for Mark {
    fn drop(&mut self) {
        let mut in_flight = self.own.in_flight.lock();
        if let Some(n) = in_flight.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                in_flight.remove(&self.key);
            }
        }
    }
}

/// A transport that notes each body in [`OwnDeliveries`] while it sends it.
pub struct MarkedTransport<T> {
    inner: T,
    own: Arc<OwnDeliveries>,
}

impl<T: Transport> MarkedTransport<T> {
    /// Sends through `inner`, noting every body in `own` while it is in flight.
    pub fn new(inner: T, own: Arc<OwnDeliveries>) -> Self {
        Self { inner, own }
    }
}

impl<T: Transport> Transport for MarkedTransport<T> {
    fn send(&self, delivery: Delivery) -> BoxFuture<'_, WireResult> {
        let mark = self.own.mark(delivery.body.as_bytes());
        let sent = self.inner.send(delivery);
        Box::pin(async move {
            let result = sent.await;
            drop(mark);
            result
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::api::notification::Outcome;
    use crate::domain::apps::AckMode;

    /// A transport that asks, while "sending", whether the body is noted.
    struct Probe(Arc<OwnDeliveries>);

    impl Transport for Probe {
        fn send(&self, delivery: Delivery) -> BoxFuture<'_, WireResult> {
            let seen = self.0.is_in_flight(delivery.body.as_bytes());
            Box::pin(async move {
                WireResult {
                    http_status: Some(200),
                    response_body: Some(seen.to_string()),
                    error: None,
                    outcome: Outcome::Delivered,
                    duration: Duration::ZERO,
                }
            })
        }
    }

    fn delivery(body: &str) -> Delivery {
        Delivery {
            url: "http://127.0.0.1:1/__mock/sink/a".into(),
            content_type: "application/x-www-form-urlencoded".into(),
            body: body.into(),
            timeout: Duration::from_secs(1),
            ack: AckMode::Chinaums,
        }
    }

    #[tokio::test]
    async fn a_body_is_the_sandboxs_own_only_while_it_is_being_sent() {
        let own = Arc::new(OwnDeliveries::default());
        let transport = MarkedTransport::new(Probe(Arc::clone(&own)), Arc::clone(&own));
        let sent = transport.send(delivery("id=EV-1&sign=ab")).await;
        assert_eq!(sent.response_body.as_deref(), Some("true"));
        assert!(!own.is_in_flight(b"id=EV-1&sign=ab"), "forgotten once sent");
        assert!(!own.is_in_flight(b"id=EV-2&sign=ab"), "never sent");
        // The same body twice at once stays noted until both are done.
        let first = transport.send(delivery("x"));
        let second = transport.send(delivery("x"));
        assert!(own.is_in_flight(b"x"));
        drop(first);
        assert!(own.is_in_flight(b"x"));
        drop(second);
        assert!(!own.is_in_flight(b"x"));
    }
}
