//! What keeps a merchant that never acknowledges from growing the store without end: each app
//! has at most `--max-pending-per-app` unsettled notifications (beyond it the oldest is given
//! up), and each notification keeps a bounded record of its attempts.

use chrono::{DateTime, Utc};

use super::Store;
use crate::api::notification::{Attempt, GiveUpReason, Notification, Status};

/// Attempt records kept from the start of a notification's history.
const KEPT_FIRST_ATTEMPTS: usize = 10;
/// Attempt records kept from the end of it (the latest).
const KEPT_LATEST_ATTEMPTS: usize = 40;
/// The latest attempts that keep their answer and error whole (the first one does too): what
/// went wrong at first and what happens now; the answers in between are alike, mostly.
const WHOLE_LATEST_ANSWERS: usize = 1;
/// What the other attempts keep of their answer and error.
const TRIMMED_TEXT_BYTES: usize = 128;

/// Cuts `text` to at most `max` bytes, at a character boundary. Returns whether it cut.
fn cut(text: &mut Option<String>, max: usize) -> bool {
    let Some(t) = text else {
        return false;
    };
    if t.len() <= max {
        return false;
    }
    let mut end = max;
    while !t.is_char_boundary(end) {
        end -= 1;
    }
    t.truncate(end);
    t.shrink_to_fit();
    true
}

fn trim(attempt: &mut Attempt) {
    let body = cut(&mut attempt.response_body, TRIMMED_TEXT_BYTES);
    let error = cut(&mut attempt.error, TRIMMED_TEXT_BYTES);
    attempt.trimmed |= body || error;
}

/// Bounds a notification's attempt records: past 50, only the first 10 and the latest 40 stay
/// (the rest are counted in `attempts_dropped`); only the first and the latest keep their
/// answer and error whole, the others keep 128 bytes of each.
pub(super) fn bound_attempts(n: &mut Notification) {
    let kept = KEPT_FIRST_ATTEMPTS + KEPT_LATEST_ATTEMPTS;
    if n.attempts.len() > kept {
        let excess = n.attempts.len() - kept;
        n.attempts
            .drain(KEPT_FIRST_ATTEMPTS..KEPT_FIRST_ATTEMPTS + excess);
        n.attempts_dropped = n
            .attempts_dropped
            .saturating_add(u32::try_from(excess).unwrap_or(u32::MAX));
    }
    let whole_from = n.attempts.len().saturating_sub(WHOLE_LATEST_ANSWERS);
    for attempt in n.attempts.iter_mut().take(whole_from).skip(1) {
        trim(attempt);
    }
}

impl Store {
    /// Counts a new notification as unsettled for its app.
    pub(super) fn note_pending(&mut self, app_id: &str, seq: u64, id: &str) {
        self.pending
            .entry(app_id.to_owned())
            .or_default()
            .insert(seq, id.to_owned());
    }

    /// No longer counts `id` as unsettled.
    pub(super) fn forget_pending(&mut self, id: &str) {
        let Some(n) = self.by_id.get(id) else {
            return;
        };
        if let Some(ids) = self.pending.get_mut(&n.app_id) {
            ids.remove(&n.seq);
            if ids.is_empty() {
                self.pending.remove(&n.app_id);
            }
        }
    }

    /// Counts the unsettled notifications of every app again (after a restore).
    pub(super) fn recount_pending(&mut self) {
        self.pending.clear();
        let unsettled: Vec<(String, u64, String)> = self
            .by_id
            .values()
            .filter(|n| n.status == Status::Pending)
            .map(|n| (n.app_id.clone(), n.seq, n.id.clone()))
            .collect();
        for (app_id, seq, id) in unsettled {
            self.note_pending(&app_id, seq, &id);
        }
    }

    /// A scheduled attempt of a notification given up meanwhile is over without being sent.
    pub fn abandon(&mut self, job: &super::Job) {
        self.finish_flight(&job.id);
    }

    /// Unsettled notifications of `app_id`.
    #[cfg(test)]
    pub fn pending_of(&self, app_id: &str) -> usize {
        self.pending.get(app_id).map_or(0, |ids| ids.len())
    }

    /// Gives up the oldest unsettled notifications of `app_id` beyond `cap`: each becomes
    /// `exhausted` at `now` with the reason `pending_cap`. Returns their ids.
    pub fn enforce_pending_cap(
        &mut self,
        app_id: &str,
        cap: usize,
        now: DateTime<Utc>,
    ) -> Vec<String> {
        let mut given_up = Vec::new();
        while let Some(ids) = self.pending.get_mut(app_id).filter(|ids| ids.len() > cap) {
            let Some((_, id)) = ids.pop_first() else {
                break;
            };
            if let Some(n) = self.by_id.get_mut(&id) {
                n.status = Status::Exhausted;
                n.give_up_reason = Some(GiveUpReason::PendingCap);
                n.next_attempt_at = None;
                n.settled_at = Some(now);
                n.awaiting_callback_url = false;
                n.held_by_fault = None;
            }
            self.held.remove(&id);
            self.touch(&id);
            self.settle(&id);
            given_up.push(id);
        }
        given_up
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::notification::{Outcome, Trigger};

    fn attempt(n: u32, answer: &str) -> Attempt {
        Attempt {
            n,
            scheduled_at: DateTime::<Utc>::UNIX_EPOCH,
            sent_at: DateTime::<Utc>::UNIX_EPOCH,
            duration_ms: 1,
            url: "http://127.0.0.1:9/notify".into(),
            http_status: Some(500),
            response_body: Some(answer.to_owned()),
            error: None,
            outcome: Outcome::Rejected,
            trigger: Trigger::Schedule,
            fault: None,
            trimmed: false,
        }
    }

    fn notification_with(attempts: u32, answer: &str) -> Notification {
        let mut n: Notification = serde_json::from_value(serde_json::json!({
            "id": "EV-1", "appId": "a", "eventType": "e", "openId": "o", "status": "pending",
            "payload": {}, "contentType": "c", "body": "", "createdAt": "2026-11-25T12:00:00+08:00",
            "attempts": [], "awaitingCallbackUrl": false
        }))
        .expect("a notification");
        for i in 1..=attempts {
            n.attempts.push(attempt(i, answer));
            bound_attempts(&mut n);
        }
        n
    }

    #[test]
    fn past_fifty_attempts_only_the_first_ten_and_the_latest_forty_are_listed() {
        let n = notification_with(120, "FAILED");
        assert_eq!(n.attempts.len(), 50);
        assert_eq!(n.attempts_dropped, 70);
        assert_eq!(n.attempt_count(), 120);
        let numbers: Vec<u32> = n.attempts.iter().map(|a| a.n).collect();
        assert_eq!(numbers[..10], (1..=10).collect::<Vec<_>>()[..]);
        assert_eq!(numbers[10..], (81..=120).collect::<Vec<_>>()[..]);
    }

    #[test]
    fn only_the_first_and_the_latest_answers_are_kept_whole() {
        let long = "x".repeat(4096);
        let n = notification_with(8, &long);
        let lengths: Vec<usize> = n
            .attempts
            .iter()
            .map(|a| a.response_body.as_ref().map_or(0, String::len))
            .collect();
        assert_eq!(lengths, [4096, 128, 128, 128, 128, 128, 128, 4096]);
        let trimmed: Vec<bool> = n.attempts.iter().map(|a| a.trimmed).collect();
        assert_eq!(trimmed, [false, true, true, true, true, true, true, false]);
    }

    #[test]
    fn a_short_answer_is_never_marked_trimmed() {
        let n = notification_with(8, "FAILED");
        assert!(n.attempts.iter().all(|a| !a.trimmed));
    }

    #[test]
    fn a_cut_never_splits_a_character() {
        let mut text = Some("支付".repeat(100));
        assert!(cut(&mut text, 128));
        let text = text.unwrap_or_default();
        assert!(text.len() <= 128 && text.len() > 120);
    }
}
