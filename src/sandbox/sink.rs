//! The built-in merchant sink: a notification is judged with its app's key and remembered.

use super::Sandbox;
use crate::api::sink::{Receipt, SinkAnswer};
use crate::domain::sink::judge;
use crate::protocol::timefmt::rfc3339_beijing;

/// Why the sink would not take a request at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SinkRefusal {
    /// Neither one of the sandbox's own deliveries nor a request with the admin token.
    #[error(
        "the built-in sink takes only the sandbox's own notification deliveries (point an app's \
         callbackUrl at it), or a request with the admin token when --admin-token is set"
    )]
    NotOwnDelivery,
}

impl Sandbox {
    /// Takes a notification for `app_id` the way a careful merchant does: checks its `sign`
    /// with the app's md5Key, records what arrived, and answers `SUCCESS` or `FAILED`.
    ///
    /// It takes only a body the sandbox is delivering at that moment, or one sent `with_admin`
    /// (the request carried the admin token, when one is set): anyone else could fill the
    /// receipts with what they like.
    pub fn receive_at_sink(
        &self,
        app_id: &str,
        body: &[u8],
        content_type: &str,
        with_admin: bool,
    ) -> Result<SinkAnswer, SinkRefusal> {
        if !with_admin && !self.sink.own().is_in_flight(body) {
            tracing::info!(app_id = %app_id, "sink: refused a notification the sandbox did not send");
            return Err(SinkRefusal::NotOwnDelivery);
        }
        let Some(app) = self.apps.get(app_id) else {
            tracing::info!(app_id = %app_id, "sink: notification for an unknown app");
            return Ok(SinkAnswer::Failed);
        };
        let verdict = judge(body, content_type, &app.md5_key, app.notify.sign_type);
        let answer = if verdict.problem.is_none() {
            SinkAnswer::Success
        } else {
            SinkAnswer::Failed
        };
        tracing::debug!(app_id = %app_id, id = ?verdict.id, answer = answer.as_str(), "sink: notification");
        self.sink.record(
            &app.app_id,
            Receipt {
                id: verdict.id,
                event_type: verdict.event_type,
                sign_valid: verdict.sign_valid,
                format: verdict.format,
                answer,
                problem: verdict.problem,
                at: rfc3339_beijing(self.clock_of(&app.app_id).now()),
            },
        );
        Ok(answer)
    }
}
