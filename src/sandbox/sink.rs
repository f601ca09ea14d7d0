//! The built-in merchant sink: a notification is judged with its app's key and remembered.

use super::Sandbox;
use crate::api::sink::{Receipt, SinkAnswer};
use crate::domain::sink::judge;
use crate::protocol::timefmt::rfc3339_beijing;

impl Sandbox {
    /// Takes a notification for `app_id` the way a careful merchant does: checks its `sign`
    /// with the app's md5Key, records what arrived, and answers `SUCCESS` or `FAILED`.
    pub fn receive_at_sink(&self, app_id: &str, body: &[u8], content_type: &str) -> SinkAnswer {
        let Some(app) = self.apps.get(app_id) else {
            tracing::info!(app_id = %app_id, "sink: notification for an unknown app");
            return SinkAnswer::Failed;
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
        answer
    }
}
