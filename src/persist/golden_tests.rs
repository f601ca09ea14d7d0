//! A state file written by chinaums-mock 0.1.0 loads into this build with nothing lost.
//!
//! `tests/data/state-v1-0.1.0.json` was saved by the 0.1.0 binary (commit 292bd21) after
//! `tests/data/state-v1-0.1.0.py` had put something in every section: apps, tokens, open and
//! closed authorisations, notifications delivered, retrying, parked, held, delayed and given up
//! on (attempts of every outcome, by schedule, redelivery and fault), faults, stubs, journal
//! entries of every outcome, sink receipts. `…views.json` is what its control API showed then.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::golden_support::{Golden, shown};
use super::*;
use crate::api::journal::{RequestOutcome, Verdict};
use crate::api::notification::{Outcome, Status, Trigger};
use crate::api::sink::{NotifyFormat, SinkAnswer};
use crate::config::Config;
use crate::domain::apps::AckMode;
use crate::domain::journal::JournalFilter;
use crate::domain::notify::Filter;
use crate::sandbox::Sandbox;

/// The file 0.1.0 wrote; with its `--seed`, a capture derives the same generator seed.
const GOLDEN: Golden = Golden {
    name: "state-v1-0.1.0",
    seed: 20_261_125,
};
const APP_A: &str = "10037e6f66f2d0f901672aa27d690006";
const APP_C: &str = "46e6c8cb87bb611637ec365bf3a5731b";

fn golden() -> StateFile {
    GOLDEN.file()
}

fn views() -> Value {
    GOLDEN.views()
}

fn time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .expect("valid time")
}

/// An empty sandbox with the seed the file was made with, restored from the file.
fn restored() -> Sandbox {
    GOLDEN.restored(Config::default())
}

/// A state file's JSON without what depends on the wall clock.
/// A file with what may differ between two saves blanked, and what this version adds to a
/// 0.1.0 sandbox taken out (see [`without_default_clocks`]).
fn comparable(mut file: Value) -> Value {
    file["savedAt"] = Value::Null;
    // Each version signs what it saves.
    file["savedBy"] = Value::Null;
    file["clock"]["offsetMs"] = Value::Null;
    without_default_clocks(&mut file["apps"]);
    file
}

/// Takes what this version adds to a 0.1.0 app out of every app of a list, after checking it
/// has the value a 0.1.0 app gets: `"clock": "default"`, `"notify": {"refundNotify": false}`,
/// the default `"payer"`.
fn without_default_clocks(apps: &mut Value) {
    for app in apps.as_array_mut().into_iter().flatten() {
        if let Some(app) = app.as_object_mut() {
            if app.get("clock").is_some() {
                assert_eq!(app.remove("clock"), Some(Value::from("default")));
            }
            if let Some(payer) = app.remove("payer") {
                let default = serde_json::to_value(crate::api::app::PayerSettings::default());
                assert_eq!(Ok(payer), default.map_err(|e| e.to_string()));
            }
            if let Some(notify) = app.get_mut("notify").and_then(Value::as_object_mut)
                && notify.get("refundNotify").is_some()
            {
                assert_eq!(notify.remove("refundNotify"), Some(Value::Bool(false)));
            }
        }
    }
}

#[test]
fn every_section_of_a_0_1_0_state_file_comes_back() {
    let file = golden();
    assert_eq!(
        (file.version, file.saved_by.as_str()),
        (1, "chinaums-mock 0.1.0")
    );
    let clock = file.clock.expect("a clock");
    assert!(clock.frozen);
    assert_eq!(clock.now, time("2026-11-25T04:00:15.750Z"));
    assert_eq!(file.apps.len(), 4);
    assert_eq!(file.apps[3].notify.ack, AckMode::Http2xx);
    assert_eq!(file.tokens.issued.len(), 3);
    assert_eq!(file.authorizations.len(), 8);
    assert_eq!(
        (file.faults.last_id, file.faults.items.len()),
        (7, 7),
        "faults"
    );
    assert_eq!(
        (file.stubs.last_id, file.stubs.items.len()),
        (3, 3),
        "stubs"
    );

    let notifications = &file.notifications;
    assert_eq!(
        (notifications.next_event_number, notifications.next_seq),
        (53656, 9)
    );
    let items = &notifications.items;
    assert_eq!(items.len(), 9);
    let first = &items[0];
    assert_eq!(first.id, "EV-2026112512000053647");
    assert_eq!(
        first.created_at,
        time("2026-11-25T04:00:00.250Z"),
        "to the ms"
    );
    let triggers: Vec<_> = first.attempts.iter().map(|a| a.trigger).collect();
    assert_eq!(
        triggers,
        [Trigger::Fault, Trigger::Schedule, Trigger::Redelivery]
    );
    assert_eq!(first.attempts[0].fault.as_deref(), Some("flt-4"));
    let statuses: Vec<_> = items.iter().map(|n| n.status).collect();
    for status in [Status::Pending, Status::Delivered, Status::Exhausted] {
        assert!(statuses.contains(&status), "{status:?}");
    }
    let outcomes: Vec<Outcome> = items.iter().flat_map(|n| n.outcomes()).collect();
    for outcome in [
        Outcome::Delivered,
        Outcome::Rejected,
        Outcome::Timeout,
        Outcome::ConnectionFailed,
        Outcome::Blocked,
    ] {
        assert!(outcomes.contains(&outcome), "{outcome:?}");
    }
    assert!(items.iter().any(|n| n.awaiting_callback_url));
    assert!(
        items
            .iter()
            .any(|n| n.held_by_fault.as_deref() == Some("flt-7"))
    );
    assert!(
        items
            .iter()
            .any(|n| n.delayed_by_fault.as_deref() == Some("flt-6"))
    );
    let hanging = items.iter().find(|n| n.app_id == file.apps[3].app_id);
    let plan = &hanging.expect("the hanging shop's notification").plan;
    assert_eq!(
        (
            &plan.retry_schedule[..],
            plan.give_up_after_seconds,
            plan.timeout_ms
        ),
        (&[1][..], 2, 300)
    );

    let journal = &file.journal;
    assert_eq!((journal.last_id, journal.items.len()), (11, 11));
    let outcomes: Vec<_> = journal.items.iter().map(|e| e.outcome).collect();
    for outcome in [
        RequestOutcome::Ok,
        RequestOutcome::AuthFailed,
        RequestOutcome::BadRequest,
        RequestOutcome::Fault,
        RequestOutcome::NoService,
    ] {
        assert!(outcomes.contains(&outcome), "{outcome}");
    }
    let rejected = &journal.items[2];
    assert_eq!(rejected.auth.verdict, Verdict::Rejected);
    assert!(rejected.auth.diagnosis.is_some());
    assert_eq!(journal.items[0].auth.verdict, Verdict::Accepted);

    assert_eq!(file.sink[APP_A].len(), 4);
    assert!(
        file.sink[APP_A]
            .iter()
            .all(|r| r.answer == SinkAnswer::Success)
    );
    let refused = &file.sink[APP_C][0];
    assert_eq!(
        (refused.format, refused.answer),
        (NotifyFormat::Form, SinkAnswer::Failed)
    );
    assert!(refused.problem.is_some());
}

#[test]
fn restored_from_a_0_1_0_file_the_control_api_shows_what_0_1_0_showed() {
    let state = restored();
    let views = views();
    assert_eq!(
        shown(&state.notify.list(&Filter::default(), 1000)),
        views["notifications"]["notifications"]
    );
    assert_eq!(
        shown(&state.journal.list(&JournalFilter::default(), 1000)),
        views["requests"]["requests"]
    );
    assert_eq!(
        shown(&state.sink.received(APP_A)),
        views["sinkA"]["received"]
    );
    assert_eq!(
        shown(&state.sink.received(APP_C)),
        views["sinkC"]["received"]
    );
    assert_eq!(shown(&state.faults.list()), views["faults"]["faults"]);
    assert_eq!(shown(&state.stubs.list()), views["stubs"]["stubs"]);
    assert_eq!(
        shown(&state.payscore.list(None, None, None)),
        views["authorizations"]["authorizations"]
    );
    let apps: Vec<_> = state.apps.list().iter().map(|a| (**a).clone()).collect();
    let mut apps = shown(&apps);
    without_default_clocks(&mut apps);
    assert_eq!(apps, views["apps"]["apps"]);
    let clock = state.clock.view();
    assert_eq!(
        (shown(&clock)["now"].clone(), clock.frozen),
        (views["clock"]["now"].clone(), true)
    );
}

#[test]
fn a_0_1_0_file_restored_and_saved_again_is_the_same_file() {
    let text = GOLDEN.text();
    let written_by_0_1_0 = comparable(serde_json::from_str(&text).expect("JSON"));
    let again = capture(&restored());
    assert_eq!(comparable(shown(&again)), written_by_0_1_0);

    let dir = std::env::temp_dir().join(format!("chinaums-mock-golden-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("state.json");
    save(&path, &again).expect("saved");
    let reloaded = load(&path).expect("loads").expect("exists");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(comparable(shown(&reloaded)), written_by_0_1_0);
}
