//! One delivery attempt: resolve the callback, let faults act, send, record.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};

use super::deliver::{Delivery, WireResult};
use super::engine::NotifyEngine;
use super::store::Job;
use crate::api::notification::{Attempt, DeliveryPlan, Outcome, Status, Trigger};
use crate::domain::faults::{Fired, NotificationEffect};

/// Corrupts the `sign` of a form or JSON body (flips its last character), leaving the rest
/// byte for byte. A body without `sign` is returned unchanged.
///
/// ```text
/// a=1&sign=ABC1&b=2        →  a=1&sign=ABC0&b=2
/// {"a":"1","sign":"ABCF"}  →  {"a":"1","sign":"ABC0"}
/// ```
pub fn tamper_sign(body: &str) -> String {
    let flip = |c: char| if c == '0' { '1' } else { '0' };
    let (start, end) = if let Some(i) = body.find("\"sign\":\"") {
        let from = i + "\"sign\":\"".len();
        (from, body[from..].find('"').map(|j| from + j))
    } else if let Some(i) = body
        .find("&sign=")
        .map(|i| i + 1)
        .or_else(|| body.starts_with("sign=").then_some(0))
    {
        let from = i + "sign=".len();
        (
            from,
            Some(body[from..].find('&').map_or(body.len(), |j| from + j)),
        )
    } else {
        return body.to_owned();
    };
    match end {
        Some(end) if end > start => {
            let mut out = body.to_owned();
            let last = out[..end].chars().last().unwrap_or('0');
            out.replace_range(end - last.len_utf8()..end, &flip(last).to_string());
            out
        }
        _ => body.to_owned(),
    }
}

struct Prepared {
    url: String,
    body: String,
    content_type: String,
    plan: DeliveryPlan,
    delayed_by: Option<String>,
}

impl NotifyEngine {
    pub(super) async fn attempt(&self, job: &Job) {
        let Some(prepared) = self.prepare(job) else {
            return;
        };
        if let Err(refusal) = self.deps.guard.screen(&prepared.url).await {
            let wire = WireResult {
                http_status: None,
                response_body: None,
                error: Some(format!("the callback URL {refusal}; nothing was sent")),
                outcome: Outcome::Blocked,
                duration: StdDuration::ZERO,
            };
            self.record(job, (&prepared.url, self.now(job)), wire, None);
            return;
        }
        let fault = if job.redelivery {
            None
        } else {
            let mut rng = self.deps.rng.lock();
            self.deps.faults.take_notification(&job.app_id, &mut *rng)
        };
        match fault {
            None => {
                let fault = prepared.delayed_by.clone();
                self.send_and_record(job, &prepared, prepared.body.clone(), fault)
                    .await
            }
            Some(f) => self.apply_fault(job, prepared, f).await,
        }
    }

    /// Looks up where and what to send; parks the notification when there is no callback URL.
    fn prepare(&self, job: &Job) -> Option<Prepared> {
        let app = self.deps.apps.get(&job.app_id);
        let url = job
            .callback_url
            .clone()
            .or_else(|| app.as_ref().and_then(|a| a.callback_url.clone()));
        let found = {
            let mut store = self.store.lock();
            let given_up = store
                .get(&job.id)
                .is_some_and(|n| n.status == Status::Exhausted);
            if given_up && !job.redelivery && !job.extra {
                // Given up (the pending cap) while this attempt waited its turn: not sent.
                store.abandon(job);
                return None;
            }
            store.get(&job.id).map(|n| {
                (
                    n.body.clone(),
                    n.content_type.clone(),
                    n.plan.clone(),
                    n.delayed_by_fault.clone(),
                )
            })
        };
        match (url, app, found) {
            (Some(url), Some(_), Some((body, content_type, plan, delayed_by))) => Some(Prepared {
                url,
                body,
                content_type,
                plan,
                delayed_by,
            }),
            (_, _, found) => {
                self.update(|store| store.park(job));
                if found.is_some() {
                    tracing::info!(id = %job.id, app_id = %job.app_id, "notification waits for a callback URL");
                }
                None
            }
        }
    }

    async fn apply_fault(&self, job: &Job, prepared: Prepared, fault: Fired<NotificationEffect>) {
        let id = Some(fault.id.clone());
        match fault.effect {
            NotificationEffect::Delay { delay_seconds } => {
                let secs = i64::try_from(delay_seconds).unwrap_or(i64::MAX / 2);
                let at = self.now(job) + Duration::seconds(secs);
                self.update(|store| store.defer(job, at, &fault.id));
                self.wake_dispatcher();
            }
            NotificationEffect::OutOfOrder => {
                let held = self.update(|store| store.hold(job, &fault.id));
                if !held {
                    self.send_and_record(job, &prepared, prepared.body.clone(), id)
                        .await;
                }
            }
            NotificationEffect::Drop => {
                let wire = WireResult {
                    http_status: None,
                    response_body: None,
                    error: Some(format!(
                        "dropped by fault {} (as if the network lost it)",
                        fault.id
                    )),
                    outcome: Outcome::ConnectionFailed,
                    duration: StdDuration::ZERO,
                };
                self.record(job, (&prepared.url, self.now(job)), wire, id);
            }
            NotificationEffect::TamperSign => {
                let body = tamper_sign(&prepared.body);
                self.send_and_record(job, &prepared, body, id).await;
            }
            NotificationEffect::Duplicate => {
                let copy = Job {
                    extra: true,
                    ..job.clone()
                };
                self.send_and_record(&copy, &prepared, prepared.body.clone(), id.clone())
                    .await;
                self.send_and_record(job, &prepared, prepared.body.clone(), id)
                    .await;
            }
        }
    }

    /// Sandbox time for the notification's app.
    fn now(&self, job: &Job) -> DateTime<Utc> {
        self.deps.clocks.of_app(&job.app_id).now()
    }

    async fn send_and_record(&self, job: &Job, p: &Prepared, body: String, fault: Option<String>) {
        // The lanes bound how many attempts run at once; no permit is needed here.
        let timeout = StdDuration::from_millis(p.plan.timeout_ms);
        let sent_at = self.now(job);
        let wire = self
            .deps
            .transport
            .send(Delivery {
                url: p.url.clone(),
                content_type: p.content_type.clone(),
                body,
                timeout,
                ack: p.plan.ack,
            })
            .await;
        self.record(job, (&p.url, sent_at), wire, fault);
    }

    fn record(
        &self,
        job: &Job,
        (url, sent_at): (&str, DateTime<Utc>),
        wire: WireResult,
        fault: Option<String>,
    ) {
        let now = self.now(job);
        let n = self
            .store
            .lock()
            .get(&job.id)
            .map_or(1, |n| n.attempt_count() as u32 + 1);
        tracing::info!(
            id = %job.id,
            app_id = %job.app_id,
            attempt = n,
            status = wire.http_status,
            outcome = ?wire.outcome,
            duration_ms = wire.duration.as_millis() as u64,
            error = wire.error.as_deref(),
            fault = fault.as_deref(),
            "notification attempt"
        );
        let attempt = Attempt {
            n,
            scheduled_at: job.scheduled_at,
            sent_at,
            duration_ms: wire.duration.as_millis() as u64,
            url: url.to_owned(),
            http_status: wire.http_status,
            response_body: wire.response_body,
            error: wire.error,
            outcome: wire.outcome,
            trigger: if job.extra {
                Trigger::Fault
            } else if job.redelivery {
                Trigger::Redelivery
            } else {
                Trigger::Schedule
            },
            fault,
            trimmed: false,
        };
        let planned = self.update(|store| {
            let before = store.pushes();
            if store.record(job, attempt, now) {
                store.enforce_retention(self.retention);
            }
            store.pushes() != before
        });
        // The notification's waiters hear of the attempt; the dispatcher only when a retry (or
        // a released sibling) was queued — a delivered notification plans nothing new.
        if planned {
            self.wake_dispatcher();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::tamper_sign;

    #[test]
    fn a_tampered_sign_has_its_last_character_flipped_in_a_form_or_json_body() {
        assert_eq!(tamper_sign("a=1&sign=ABC1&b=2"), "a=1&sign=ABC0&b=2");
        assert_eq!(
            tamper_sign(r#"{"a":"1","sign":"ABCF"}"#),
            r#"{"a":"1","sign":"ABC0"}"#
        );
    }
}
