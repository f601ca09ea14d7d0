//! The store: transitions, history, and the retention bound.

use chrono::{DateTime, Duration, Utc};

use super::store::{
    AuthState, Authorization, HISTORY_CAP, HistoryEntry, PayScoreStore, Terms, TransitionError,
};

fn terms(_: Option<&str>) -> Terms {
    Terms {
        sub_open_id: "s".into(),
        authorization_code: "c".into(),
    }
}

fn t0() -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH
}

/// openIds kept, by app then openId.
fn kept(store: &PayScoreStore) -> Vec<String> {
    let all = store.list(None, None, None);
    all.into_iter().map(|a| a.open_id).collect()
}

fn open(store: &PayScoreStore, open_id: &str) {
    store.open("a", open_id.into(), t0(), terms).expect("open");
}

fn close(store: &PayScoreStore, open_id: &str) {
    store.close("a", open_id, t0()).expect("close");
}

#[test]
fn open_close_and_reopen_keep_a_history() {
    let store = PayScoreStore::default();
    let now = t0();
    assert!(store.open("a", "o1".into(), now, terms).is_ok());
    assert_eq!(
        store.open("a", "o1".into(), now, terms).err(),
        Some(TransitionError::AlreadyOpen("o1".into()))
    );
    assert!(store.close("a", "o1", now).is_ok());
    assert_eq!(
        store.close("a", "o1", now).err(),
        Some(TransitionError::NotOpen {
            open_id: "o1".into(),
            dropped: 0
        })
    );
    let again = store.open("a", "o1".into(), now, terms).expect("reopen");
    assert_eq!(again.history.len(), 3);
    assert_eq!(again.state, AuthState::Open);
}

/// Opens `o1`, noting the subOpenId the terms are offered.
fn open_noting(
    store: &PayScoreStore,
    offered: &mut Vec<Option<String>>,
    sub: &str,
) -> Result<Authorization, TransitionError> {
    store.open("a", "o1".into(), t0(), |previous| {
        offered.push(previous.map(str::to_owned));
        Terms {
            sub_open_id: sub.into(),
            authorization_code: "c".into(),
        }
    })
}

#[test]
fn the_terms_of_an_open_are_offered_the_sub_open_id_on_record_even_when_it_is_refused() {
    let store = PayScoreStore::default();
    let mut offered = Vec::new();
    assert!(open_noting(&store, &mut offered, "sub-1").is_ok());
    assert!(open_noting(&store, &mut offered, "sub-2").is_err());
    store.close("a", "o1", t0()).expect("close");
    let again = open_noting(&store, &mut offered, "sub-3").expect("reopen");
    assert_eq!(again.sub_open_id, "sub-3");
    assert_eq!(offered, [None, Some("sub-1".into()), Some("sub-1".into())]);
}

#[test]
fn apps_do_not_share_authorisations() {
    let store = PayScoreStore::default();
    let now = t0();
    assert!(store.open("a", "o1".into(), now, terms).is_ok());
    assert!(store.open("b", "o1".into(), now, terms).is_ok());
    assert!(store.close("b", "o2", now).is_err());
    assert_eq!(store.list(Some("a"), None, None).len(), 1);
    store.remove_app("a");
    assert!(store.get("a", "o1").is_none());
    assert!(store.get("b", "o1").is_some());
}

#[test]
fn the_list_is_ordered_by_app_then_open_id_and_filtered() {
    let store = PayScoreStore::default();
    for (app, user) in [("b", "o2"), ("a", "o9"), ("b", "o1"), ("a", "o3")] {
        store.open(app, user.into(), t0(), terms).expect("open");
    }
    store.close("b", "o2", t0()).expect("close");
    let all: Vec<_> = store
        .list(None, None, None)
        .into_iter()
        .map(|a| format!("{}/{}", a.app_id, a.open_id))
        .collect();
    assert_eq!(all, ["a/o3", "a/o9", "b/o1", "b/o2"]);
    let open_b = store.list(Some("b"), None, Some(AuthState::Open));
    assert_eq!(open_b.len(), 1);
    assert_eq!(open_b[0].open_id, "o1");
    assert_eq!(store.list(Some("b"), Some("o2"), None).len(), 1);
    assert_eq!(store.list(None, Some("o2"), Some(AuthState::Open)).len(), 0);
}

#[test]
fn beyond_the_retention_the_least_recently_changed_closed_authorisation_goes_first() {
    let store = PayScoreStore::new(3);
    for user in ["u1", "u2", "u3"] {
        open(&store, user);
    }
    close(&store, "u2");
    close(&store, "u1");
    open(&store, "u4");
    assert_eq!(kept(&store), ["u1", "u3", "u4"], "u2 closed first");
    open(&store, "u5");
    assert_eq!(kept(&store), ["u3", "u4", "u5"], "then u1");
    open(&store, "u6");
    assert_eq!(
        kept(&store),
        ["u4", "u5", "u6"],
        "no closed one left: the oldest open one"
    );
    assert_eq!(store.dropped(), 3);
    assert_eq!(store.len(), 3);
}

#[test]
fn reopening_or_closing_makes_an_authorisation_the_most_recently_changed() {
    let store = PayScoreStore::new(2);
    open(&store, "u1");
    open(&store, "u2");
    close(&store, "u1");
    open(&store, "u1");
    open(&store, "u3");
    assert_eq!(kept(&store), ["u1", "u3"], "u2 is now the oldest open one");
}

#[test]
fn attaching_a_notification_is_not_a_change() {
    let store = PayScoreStore::new(2);
    open(&store, "u1");
    open(&store, "u2");
    assert!(store.attach_notification("a", "u1", "EV-1"));
    open(&store, "u3");
    assert_eq!(kept(&store), ["u2", "u3"]);
    assert!(!store.attach_notification("a", "u1", "EV-2"));
}

#[test]
fn a_dropped_user_is_as_if_never_seen() {
    let store = PayScoreStore::new(1);
    open(&store, "u1");
    close(&store, "u1");
    open(&store, "u2");
    assert!(store.get("a", "u1").is_none());
    let err = store.close("a", "u1", t0()).expect_err("dropped");
    assert_eq!(
        err,
        TransitionError::NotOpen {
            open_id: "u1".into(),
            dropped: 1
        }
    );
    let again = store
        .open("a", "u1".into(), t0(), terms)
        .expect("fresh open");
    assert_eq!(again.history.len(), 1);
}

#[test]
fn the_not_open_message_mentions_the_retention_only_once_something_was_dropped() {
    let store = PayScoreStore::new(1);
    let before = store.close("a", "nobody", t0()).expect_err("not open");
    assert_eq!(
        before.to_string(),
        "openId nobody has no open authorisation with this app"
    );
    open(&store, "u1");
    open(&store, "u2");
    let after = store.close("a", "u1", t0()).expect_err("dropped");
    assert_eq!(
        after.to_string(),
        "openId u1 has no open authorisation with this app; it may be one of the 1 \
         authorisation(s) dropped by the retention bound (--authorization-retention)"
    );
}

#[test]
fn a_retention_of_zero_drops_an_authorisation_when_it_closes_and_never_an_open_one() {
    let store = PayScoreStore::new(0);
    for n in 0..50 {
        open(&store, &format!("u{n:02}"));
    }
    assert_eq!(store.len(), 50);
    let closed = store.close("a", "u07", t0()).expect("close");
    assert_eq!(closed.state, AuthState::Closed);
    assert_eq!(closed.history.len(), 2);
    assert!(store.get("a", "u07").is_none());
    assert_eq!((store.len(), store.dropped()), (49, 1));
}

#[test]
fn the_history_keeps_the_last_hundred_transitions() {
    let store = PayScoreStore::default();
    let at = |k: i64| t0() + Duration::seconds(k);
    for k in 1..=151 {
        if k % 2 == 1 {
            store.open("a", "u".into(), at(k), terms).expect("open");
        } else {
            store.close("a", "u", at(k)).expect("close");
        }
    }
    let auth = store.get("a", "u").expect("kept");
    assert_eq!(auth.history.len(), HISTORY_CAP);
    let first = &auth.history[0];
    assert_eq!(first.at, crate::protocol::timefmt::rfc3339_beijing(at(52)));
    assert_eq!(first.state, AuthState::Closed);
    assert_eq!(auth.history[HISTORY_CAP - 1].state, AuthState::Open);
    assert_eq!(auth.state, AuthState::Open);
}

#[test]
fn many_new_users_keep_the_store_at_its_bound() {
    let store = PayScoreStore::new(100);
    for n in 0..20_000 {
        open(&store, &format!("u{n}"));
        if n % 3 == 0 {
            close(&store, &format!("u{n}"));
        }
    }
    assert_eq!(store.len(), 100);
    assert_eq!(store.dropped(), 19_900);
    assert!(store.get("a", "u19999").is_some());
}

#[test]
fn clearing_forgets_the_dropped_count_and_removing_an_app_keeps_it() {
    let store = PayScoreStore::new(1);
    open(&store, "u1");
    open(&store, "u2");
    store.remove_app("a");
    assert_eq!((store.len(), store.dropped()), (0, 1));
    open(&store, "u3");
    store.clear();
    assert_eq!((store.len(), store.dropped()), (0, 0));
}

fn auth(open_id: &str, state: AuthState, at: &str, transitions: usize) -> Authorization {
    Authorization {
        app_id: "a".into(),
        open_id: open_id.into(),
        sub_open_id: "s".into(),
        authorization_code: "c".into(),
        state,
        history: (0..transitions)
            .map(|_| HistoryEntry {
                state,
                at: at.into(),
                notification_id: None,
            })
            .collect(),
    }
}

#[test]
fn a_snapshot_restores_with_the_same_retention_order_and_dropped_count() {
    let store = PayScoreStore::new(3);
    for user in ["u3", "u1", "u2"] {
        open(&store, user);
    }
    close(&store, "u1");
    open(&store, "u0");
    let (saved, dropped) = store.snapshot();
    let order: Vec<_> = saved.iter().map(|a| a.open_id.as_str()).collect();
    assert_eq!(order, ["u3", "u2", "u0"], "least recently changed first");
    assert_eq!(dropped, 1);

    let restored = PayScoreStore::new(3);
    restored.restore(saved, dropped);
    assert_eq!(restored.dropped(), 1);
    open(&restored, "u4");
    assert_eq!(
        kept(&restored),
        ["u0", "u2", "u4"],
        "u3 was the oldest open one"
    );
}

#[test]
fn a_restore_orders_by_last_transition_time_then_applies_the_bound_and_the_history_cap() {
    let file = vec![
        auth("u1", AuthState::Open, "2026-11-25T12:00:03+08:00", 1),
        auth("u2", AuthState::Closed, "2026-11-25T12:00:02+08:00", 2),
        auth(
            "u3",
            AuthState::Open,
            "2026-11-25T04:00:01Z",
            HISTORY_CAP + 20,
        ),
        auth("u4", AuthState::Closed, "2026-11-25T12:00:04+08:00", 2),
        auth("u5", AuthState::Open, "2026-11-25T12:00:05+08:00", 1),
    ];
    let store = PayScoreStore::new(3);
    store.restore(file, 7);
    assert_eq!(kept(&store), ["u1", "u3", "u5"], "both closed ones dropped");
    assert_eq!(store.dropped(), 9);
    let u3 = store.get("a", "u3").expect("kept");
    assert_eq!(u3.history.len(), HISTORY_CAP);
    open(&store, "u6");
    assert_eq!(kept(&store), ["u1", "u5", "u6"], "u3 changed longest ago");
}
