//! The Pay Score battery: authorisation notifications valid, duplicated, forged, unsigned,
//! late and out of order.

use chrono::{DateTime, Duration, Utc};

use super::check::Check;
use super::probe::{PlannedCheck, Probe, forge_sign, probe};
use crate::domain::apps::{App, NotifySigning};
use crate::protocol::events::payscore::{PayScoreEvent, Subject, Transition};

/// How far in the past the late probe was created: about when the ladder's last retries go out.
pub const LATE_BY_HOURS: i64 = 23;
/// How much earlier than its close the out-of-order open was created.
pub const OPEN_BEFORE_CLOSE_SECONDS: i64 = 60;

/// The user side of a probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// `openId`
    pub open_id: String,
    /// `subOpenId`
    pub sub_open_id: String,
    /// `authorizationCode`
    pub authorization_code: String,
}

/// Where fresh ids and users come from (the instance's counter and generator in the server).
pub trait Fresh {
    /// A new notification id for an event at `at`.
    fn event_id(&mut self, at: DateTime<Utc>) -> String;
    /// A new user who authorised at `at`.
    fn user(&mut self, at: DateTime<Utc>) -> User;
}

/// The `transition` of `user` at `at`, as notification `id` signed with `signing`.
fn user_probe(
    app: &App,
    id: String,
    user: &User,
    transition: Transition,
    at: DateTime<Utc>,
    signing: NotifySigning,
) -> Probe {
    let event = PayScoreEvent {
        transition,
        subject: Subject {
            open_id: &user.open_id,
            sub_open_id: &user.sub_open_id,
            authorization_code: &user.authorization_code,
        },
    };
    probe(app, &event, id, at, signing)
}

/// A USER_OPEN_SERVICE at `at` for a new user.
fn fresh_open(
    app: &App,
    fresh: &mut impl Fresh,
    at: DateTime<Utc>,
    signing: NotifySigning,
) -> Probe {
    let user = fresh.user(at);
    let id = fresh.event_id(at);
    user_probe(app, id, &user, Transition::Open, at, signing)
}

/// Every check with its probes, in order, for `app` at sandbox time `now`.
pub fn battery(app: &App, now: DateTime<Utc>, fresh: &mut impl Fresh) -> Vec<PlannedCheck> {
    let signing = app.notify.sign_type;
    let valid = fresh_open(app, fresh, now, signing);
    let mut checks = vec![
        PlannedCheck::send(Check::AcceptsValid, vec![valid.clone()]),
        PlannedCheck::send(Check::AcceptsDuplicate, vec![valid]),
    ];
    if signing == NotifySigning::None {
        for check in [Check::RejectsForgedSign, Check::RejectsMissingSign] {
            checks.push(PlannedCheck::skip_unsigned(check));
        }
    } else {
        let forged = forge_sign(fresh_open(app, fresh, now, signing));
        checks.push(PlannedCheck::send(Check::RejectsForgedSign, vec![forged]));
        let unsigned = fresh_open(app, fresh, now, NotifySigning::None);
        checks.push(PlannedCheck::send(
            Check::RejectsMissingSign,
            vec![unsigned],
        ));
    }
    let late = fresh_open(app, fresh, now - Duration::hours(LATE_BY_HOURS), signing);
    checks.push(PlannedCheck::send(Check::AcceptsLateDelivery, vec![late]));
    // The open happened first (so its id comes first) but its delivery arrives second.
    let opened_at = now - Duration::seconds(OPEN_BEFORE_CLOSE_SECONDS);
    let user = fresh.user(opened_at);
    let open_id = fresh.event_id(opened_at);
    let close_id = fresh.event_id(now);
    let open = user_probe(app, open_id, &user, Transition::Open, opened_at, signing);
    let close = user_probe(app, close_id, &user, Transition::Close, now, signing);
    checks.push(PlannedCheck::send(
        Check::AcceptsCloseBeforeOpen,
        vec![close, open],
    ));
    checks
}
