//! The fault store without HTTP: `times` counting down, probability, app and path matching,
//! the order faults act in, `flt-N` ids, snapshot and restore.

use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::{Value, json};

use super::*;
use crate::api::fault::FaultAction;

fn spec(value: Value) -> FaultSpec {
    serde_json::from_value(value).expect("a well-formed spec")
}

fn rng() -> StdRng {
    StdRng::seed_from_u64(7)
}

/// A store holding one fault.
fn with(value: Value) -> FaultStore {
    let store = FaultStore::default();
    store.add(spec(value)).expect("valid");
    store
}

#[test]
fn a_fault_acts_the_given_number_of_times_then_stops() {
    let store = with(json!({"target": "token", "action": "error", "times": 2}));
    let mut rng = rng();
    let first = store.take_token(None, &mut rng).expect("first");
    assert_eq!(
        first,
        Fired {
            id: "flt-1".into(),
            effect: CallEffect::Error {
                http_status: 412,
                err_code: "9200".into(),
                err_msg: None,
            },
        }
    );
    assert_eq!(store.list()[0].remaining, Some(1));
    assert!(store.take_token(None, &mut rng).is_some());
    assert!(store.take_token(None, &mut rng).is_none());
    let spent = &store.list()[0];
    assert_eq!((spent.hits, spent.remaining), (2, Some(0)));
    assert!(!spent.is_active());
}

#[test]
fn a_fault_for_zero_times_never_acts() {
    let store = with(json!({"target": "token", "action": "error", "times": 0}));
    assert!(store.take_token(None, &mut rng()).is_none());
    assert_eq!(store.list()[0].hits, 0);
}

#[test]
fn a_fault_without_times_acts_until_removed() {
    let store = with(json!({"target": "notification", "action": "drop"}));
    let mut rng = rng();
    for _ in 0..50 {
        assert!(store.take_notification("a", &mut rng).is_some());
    }
    assert_eq!(
        (store.list()[0].hits, store.list()[0].remaining),
        (50, None)
    );
    assert!(store.remove("flt-1"));
    assert!(store.take_notification("a", &mut rng).is_none());
}

#[test]
fn a_probability_of_zero_never_fires_and_one_always_does() {
    let never = with(json!({"target": "token", "action": "error", "probability": 0.0}));
    let always = with(json!({"target": "token", "action": "error", "probability": 1.0}));
    let mut rng = rng();
    for _ in 0..1000 {
        assert!(never.take_token(None, &mut rng).is_none());
        assert!(always.take_token(None, &mut rng).is_some());
    }
    assert_eq!((never.list()[0].hits, always.list()[0].hits), (0, 1000));
}

#[test]
fn a_probability_fault_fires_about_that_often() {
    let store = with(json!({"target": "token", "action": "error", "probability": 0.25}));
    let mut rng = StdRng::seed_from_u64(9);
    let fired = (0..4000)
        .filter(|_| store.take_token(None, &mut rng).is_some())
        .count();
    assert!((800..1200).contains(&fired), "{fired}");
}

#[test]
fn a_fault_acts_only_on_its_own_target() {
    let store = with(json!({"target": "gateway", "action": "error"}));
    let mut rng = rng();
    assert!(store.take_token(Some("a"), &mut rng).is_none());
    assert!(store.take_notification("a", &mut rng).is_none());
    assert!(store.take_gateway("a", "/v1/x", &mut rng).is_some());
}

#[test]
fn an_app_filter_narrows_a_fault_to_that_app() {
    let store = with(json!({"target": "token", "action": "error", "appId": "a"}));
    let mut rng = rng();
    assert!(store.take_token(Some("b"), &mut rng).is_none());
    // A token request whose appId could not be read matches no app-bound fault.
    assert!(store.take_token(None, &mut rng).is_none());
    assert!(store.take_token(Some("a"), &mut rng).is_some());
    let any = with(json!({"target": "token", "action": "error"}));
    assert!(any.take_token(None, &mut rng).is_some());
}

#[test]
fn an_exact_path_matches_that_path_only() {
    let store = with(json!({"target": "gateway", "action": "error", "path": "/v1/netpay/query"}));
    let mut rng = rng();
    for other in ["/v1/netpay/query2", "/v1/netpay", "/v1/netpay/quer"] {
        assert!(
            store.take_gateway("a", other, &mut rng).is_none(),
            "{other}"
        );
    }
    assert!(
        store
            .take_gateway("a", "/v1/netpay/query", &mut rng)
            .is_some()
    );
}

#[test]
fn a_path_ending_in_a_star_matches_every_path_with_that_prefix() {
    let store =
        with(json!({"target": "gateway", "action": "error", "appId": "a", "path": "/v1/netpay/*"}));
    let mut rng = rng();
    assert!(
        store
            .take_gateway("b", "/v1/netpay/query", &mut rng)
            .is_none()
    );
    for other in ["/v2/other", "/v1/netpay", "/v1/netpa"] {
        assert!(
            store.take_gateway("a", other, &mut rng).is_none(),
            "{other}"
        );
    }
    for path in ["/v1/netpay/query", "/v1/netpay/", "/v1/netpay/a/b"] {
        assert!(store.take_gateway("a", path, &mut rng).is_some(), "{path}");
    }
}

#[test]
fn the_oldest_matching_fault_acts_first_and_the_next_takes_over_when_it_is_spent() {
    let store = with(json!({"target": "notification", "action": "drop", "times": 1}));
    store
        .add(spec(
            json!({"target": "notification", "action": "tamperSign"}),
        ))
        .expect("valid");
    let mut rng = rng();
    let effects: Vec<_> = (0..3)
        .filter_map(|_| store.take_notification("a", &mut rng))
        .map(|f| (f.id, f.effect))
        .collect();
    assert_eq!(
        effects,
        [
            ("flt-1".to_owned(), NotificationEffect::Drop),
            ("flt-2".to_owned(), NotificationEffect::TamperSign),
            ("flt-2".to_owned(), NotificationEffect::TamperSign),
        ]
    );
}

#[test]
fn ids_count_up_and_are_never_reused() {
    let store = FaultStore::default();
    let add = || {
        store
            .add(spec(
                json!({"target": "notification", "action": "drop", "appId": "a"}),
            ))
            .expect("valid")
            .id
    };
    assert_eq!((add(), add()), ("flt-1".to_owned(), "flt-2".to_owned()));
    // A refused spec takes no id.
    assert!(
        store
            .add(spec(json!({"target": "token", "action": "drop"})))
            .is_err()
    );
    assert!(store.remove("flt-2"));
    assert!(!store.remove("flt-2"));
    store.clear(None);
    assert_eq!(add(), "flt-3");
    assert_eq!(store.get("flt-3").map(|f| f.id), Some("flt-3".into()));
    assert!(store.get("flt-1").is_none());
}

#[test]
fn a_reset_starts_the_ids_again_where_clearing_goes_on_counting() {
    let store = FaultStore::default();
    let add = || {
        store
            .add(spec(json!({"target": "token", "action": "error"})))
            .expect("valid")
            .id
    };
    add();
    store.clear(None);
    assert_eq!(add(), "flt-2");
    store.reset();
    assert!(store.list().is_empty());
    assert_eq!(add(), "flt-1");
}

#[test]
fn clearing_one_app_keeps_the_faults_of_the_others() {
    let store = with(json!({"target": "notification", "action": "drop", "appId": "a"}));
    store
        .add(spec(
            json!({"target": "notification", "action": "drop", "appId": "b"}),
        ))
        .expect("valid");
    store
        .add(spec(json!({"target": "notification", "action": "drop"})))
        .expect("valid");
    store.clear(Some("a"));
    let ids: Vec<_> = store.list().into_iter().map(|f| f.id).collect();
    assert_eq!(ids, ["flt-2", "flt-3"]);
}

#[test]
fn a_restored_store_lists_the_same_faults_acts_on_them_and_continues_the_ids() {
    let store = with(json!({"target": "token", "action": "error", "times": 3, "errMsg": "x"}));
    store
        .add(spec(
            json!({"target": "notification", "action": "delay", "delaySeconds": 60}),
        ))
        .expect("valid");
    let mut rng = rng();
    assert!(store.take_token(None, &mut rng).is_some());
    let (last_id, faults) = store.snapshot();
    assert_eq!(last_id, 2);

    let restored = FaultStore::default();
    restored.restore(last_id, faults.clone());
    let json = |f: &[Fault]| serde_json::to_value(f).expect("json");
    assert_eq!(json(&restored.list()), json(&faults));
    assert_eq!(
        restored.take_notification("a", &mut rng).map(|f| f.effect),
        Some(NotificationEffect::Delay { delay_seconds: 60 })
    );
    assert!(restored.take_token(None, &mut rng).is_some());
    assert_eq!(restored.list()[0].remaining, Some(1));
    let next = restored
        .add(spec(
            json!({"target": "token", "action": "delay", "delayMs": 1}),
        ))
        .expect("valid");
    assert_eq!(next.id, "flt-3");
}

#[test]
fn a_saved_fault_the_rule_refuses_is_left_out_of_a_restore() {
    let good = with(json!({"target": "notification", "action": "drop"})).list();
    let mut too_late = good[0].clone();
    too_late.id = "flt-2".into();
    too_late.action = FaultAction::Delay;
    too_late.delay_seconds = Some(2 * 31_536_000);
    let store = FaultStore::default();
    store.restore(2, vec![good[0].clone(), too_late]);
    let ids: Vec<_> = store.list().into_iter().map(|f| f.id).collect();
    assert_eq!(ids, ["flt-1"]);
    assert_eq!(store.snapshot().0, 2);
}
