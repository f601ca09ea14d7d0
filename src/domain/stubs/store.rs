//! Registered stubs and matching.

use std::sync::Arc;

use parking_lot::Mutex;

use super::answer::Answer;
use super::body::RequestBody;
use crate::api::stub::{Stub, StubResponse, StubSpec};

/// Why a stub was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidStub(pub String);

/// A stub that matched a call, with the answer to give.
#[derive(Debug, Clone)]
pub struct StubMatch {
    /// `stub:<id>`, what the journal says answered.
    pub answered_by: String,
    /// The answer (templates not yet rendered).
    pub answer: Arc<Answer>,
}

/// A stub as kept: its answers compiled.
#[derive(Debug)]
struct Slot {
    stub: Stub,
    answers: Vec<Arc<Answer>>,
    answered_by: String,
}

impl Slot {
    fn new(stub: Stub) -> Self {
        Self {
            answers: stub
                .responses
                .iter()
                .map(|r| Arc::new(Answer::new(r)))
                .collect(),
            answered_by: format!("stub:{}", stub.id),
            stub,
        }
    }
}

/// The stubs of one instance.
#[derive(Debug, Default)]
pub struct StubStore {
    inner: Mutex<(u64, Vec<Slot>)>,
}

fn check(spec: &StubSpec) -> Result<Vec<StubResponse>, InvalidStub> {
    if !spec.path.starts_with('/') {
        return Err(InvalidStub("path must start with /".into()));
    }
    if let Some(m) = &spec.method
        && m != "*"
        && (m.is_empty() || !m.bytes().all(|b| b.is_ascii_alphabetic()))
    {
        return Err(InvalidStub(
            "method must be an HTTP method such as POST, or *".into(),
        ));
    }
    let responses = match (&spec.response, &spec.responses) {
        (Some(_), Some(_)) => {
            return Err(InvalidStub("give response or responses, not both".into()));
        }
        (Some(r), None) => vec![r.clone()],
        (None, Some(rs)) if !rs.is_empty() => rs.clone(),
        _ => {
            return Err(InvalidStub(
                "a stub needs a response (or a non-empty responses list)".into(),
            ));
        }
    };
    for r in &responses {
        if !(100..=599).contains(&r.status) {
            return Err(InvalidStub("response status must be 100 to 599".into()));
        }
        if r.delay_ms > 60_000 {
            return Err(InvalidStub("delayMs must be at most 60000".into()));
        }
        if r.headers
            .keys()
            .any(|k| actix_web::http::header::HeaderName::try_from(k.as_str()).is_err())
            || r.headers
                .values()
                .any(|v| actix_web::http::header::HeaderValue::try_from(v.as_str()).is_err())
        {
            return Err(InvalidStub(
                "response headers must be valid HTTP header names and values".into(),
            ));
        }
    }
    Ok(responses)
}

impl StubStore {
    /// Registers a stub.
    pub fn add(&self, spec: StubSpec, fixture: bool) -> Result<Stub, InvalidStub> {
        let responses = check(&spec)?;
        let mut inner = self.inner.lock();
        inner.0 += 1;
        let stub = Stub {
            id: format!("stb-{}", inner.0),
            method: spec
                .method
                .map(|m| m.to_ascii_uppercase())
                .unwrap_or_else(|| "*".into()),
            path: spec.path,
            app_id: spec.app_id,
            body_contains: spec.body_contains,
            body_json: spec.body_json,
            responses,
            remaining: spec.times,
            priority: spec.priority.unwrap_or(0),
            hits: 0,
            fixture,
            description: spec.description,
        };
        inner.1.push(Slot::new(stub.clone()));
        Ok(stub)
    }

    /// Every stub, in matching order.
    pub fn list(&self) -> Vec<Stub> {
        let mut stubs: Vec<Stub> = self.inner.lock().1.iter().map(|s| s.stub.clone()).collect();
        // Stable: higher priority first, then newest first.
        stubs.reverse();
        stubs.sort_by_key(|s| std::cmp::Reverse(s.priority));
        stubs
    }

    /// One stub.
    pub fn get(&self, id: &str) -> Option<Stub> {
        self.inner
            .lock()
            .1
            .iter()
            .find(|s| s.stub.id == id)
            .map(|s| s.stub.clone())
    }

    /// Removes one stub.
    pub fn remove(&self, id: &str) -> bool {
        let mut inner = self.inner.lock();
        let before = inner.1.len();
        inner.1.retain(|s| s.stub.id != id);
        inner.1.len() != before
    }

    /// Removes every stub (of one app, when given).
    pub fn clear(&self, app_id: Option<&str>) {
        let mut inner = self.inner.lock();
        match app_id {
            Some(app) => inner.1.retain(|s| s.stub.app_id.as_deref() != Some(app)),
            None => inner.1.clear(),
        }
    }

    /// Removes every stub and starts the `stb-N` ids again at 1, so a seeded sandbox replays
    /// its ids after a reset. (Deleting stubs keeps counting: the journal may name old ids.)
    pub fn reset(&self) {
        *self.inner.lock() = Default::default();
    }

    /// The id counter and every stub, in the order they were added.
    pub fn snapshot(&self) -> (u64, Vec<Stub>) {
        let inner = self.inner.lock();
        (inner.0, inner.1.iter().map(|s| s.stub.clone()).collect())
    }

    /// Replaces every stub (given in the order they were added); `last_id` is the counter
    /// behind `stb-N` ids.
    pub fn restore(&self, last_id: u64, stubs: Vec<Stub>) {
        let slots = stubs.into_iter().map(Slot::new).collect();
        *self.inner.lock() = (last_id, slots);
    }

    /// The answer for a call, from the first matching stub; counts the match.
    pub fn find(
        &self,
        method: &str,
        path: &str,
        app_id: &str,
        body: &RequestBody<'_>,
    ) -> Option<StubMatch> {
        let mut inner = self.inner.lock();
        let mut order: Vec<usize> = (0..inner.1.len()).rev().collect();
        order.sort_by_key(|i| std::cmp::Reverse(inner.1[*i].stub.priority));
        let index = order.into_iter().find(|i| {
            let s = &inner.1[*i].stub;
            s.remaining != Some(0)
                && (s.method == "*" || s.method.eq_ignore_ascii_case(method))
                && match s.path.strip_suffix('*') {
                    Some(prefix) => path.starts_with(prefix),
                    None => s.path == path,
                }
                && s.app_id.as_ref().is_none_or(|a| a == app_id)
                && s.body_contains
                    .as_ref()
                    .is_none_or(|c| body.text().contains(c.as_str()))
                && s.body_json
                    .as_ref()
                    .is_none_or(|w| body.json().is_some_and(|p| p.contains(w)))
        })?;
        let slot = &mut inner.1[index];
        let stub = &mut slot.stub;
        let n = usize::try_from(stub.hits).unwrap_or(usize::MAX);
        // The last answer repeats.
        let answer = slot.answers.get(n).or(slot.answers.last())?.clone();
        stub.hits += 1;
        if let Some(r) = stub.remaining.as_mut() {
            *r -= 1;
        }
        Some(StubMatch {
            answered_by: slot.answered_by.clone(),
            answer,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn spec(v: Value) -> StubSpec {
        serde_json::from_value(v).expect("spec")
    }

    #[test]
    fn a_reset_starts_the_ids_again_where_clearing_goes_on_counting() {
        let store = StubStore::default();
        let add = || {
            let stub = spec(json!({"path": "/v1/x", "response": {}}));
            store.add(stub, false).expect("valid").id
        };
        add();
        store.clear(None);
        assert_eq!(add(), "stb-2");
        store.reset();
        assert!(store.list().is_empty());
        assert_eq!(add(), "stb-1");
    }

    #[test]
    fn sequences_advance_and_the_last_answer_repeats() {
        let store = StubStore::default();
        store
            .add(
                spec(json!({"path": "/v1/x", "responses": [{"status": 500}, {"status": 200}]})),
                false,
            )
            .expect("valid");
        let statuses: Vec<u16> = (0..3)
            .filter_map(|_| store.find("POST", "/v1/x", "a", &RequestBody::new(b"{}")))
            .map(|m| m.answer.status.as_u16())
            .collect();
        assert_eq!(statuses, [500, 200, 200]);
    }

    #[test]
    fn body_app_and_times_filters_apply() {
        let store = StubStore::default();
        store
            .add(spec(json!({"path": "/v1/*", "appId": "a", "bodyJson": {"mid": "1", "x": {"y": 2}}, "times": 1, "response": {"status": 201}})), false)
            .expect("valid");
        assert!(
            store
                .find(
                    "POST",
                    "/v1/q",
                    "b",
                    &RequestBody::new(br#"{"mid":"1","x":{"y":2}}"#)
                )
                .is_none()
        );
        assert!(
            store
                .find(
                    "POST",
                    "/v1/q",
                    "a",
                    &RequestBody::new(br#"{"mid":"2","x":{"y":2}}"#)
                )
                .is_none()
        );
        assert!(
            store
                .find(
                    "POST",
                    "/v1/q",
                    "a",
                    &RequestBody::new(br#"{"mid":"1","x":{"y":2,"z":3},"w":0}"#)
                )
                .is_some()
        );
        assert!(
            store
                .find(
                    "POST",
                    "/v1/q",
                    "a",
                    &RequestBody::new(br#"{"mid":"1","x":{"y":2}}"#)
                )
                .is_none(),
            "times: 1"
        );
    }

    #[test]
    fn higher_priority_then_newer_stubs_win() {
        let store = StubStore::default();
        store
            .add(
                spec(json!({"path": "/v1/x", "response": {"status": 201}})),
                false,
            )
            .expect("valid");
        store
            .add(
                spec(json!({"path": "/v1/x", "response": {"status": 202}})),
                false,
            )
            .expect("valid");
        assert_eq!(
            store
                .find("GET", "/v1/x", "a", &RequestBody::new(b""))
                .map(|m| m.answer.status.as_u16()),
            Some(202)
        );
        store
            .add(
                spec(json!({"path": "/v1/x", "priority": -1, "response": {"status": 203}})),
                false,
            )
            .expect("valid");
        assert_eq!(
            store
                .find("GET", "/v1/x", "a", &RequestBody::new(b""))
                .map(|m| m.answer.status.as_u16()),
            Some(202)
        );
    }

    #[test]
    fn malformed_stubs_are_refused() {
        let store = StubStore::default();
        for bad in [
            json!({"path": "v1/x", "response": {}}),
            json!({"path": "/v1/x"}),
            json!({"path": "/v1/x", "responses": []}),
            json!({"path": "/v1/x", "response": {"status": 700}}),
            json!({"path": "/v1/x", "method": "P OST", "response": {}}),
            json!({"path": "/v1/x", "response": {"headers": {"bad header": "x"}}}),
        ] {
            assert!(store.add(spec(bad.clone()), false).is_err(), "{bad}");
        }
    }
}
