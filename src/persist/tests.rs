use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration as StdDuration;

use actix_web::web::Data;
use chrono::Duration;
use serde_json::{Value, json};

use super::*;
use crate::api::payscore::{AuthState, Authorization, HistoryEntry};
use crate::domain::apps::NotifyFormat;
use crate::domain::notify::engine::NewNotification;
use crate::domain::sink::{Receipt, SinkAnswer};
use crate::domain::tokens::TokenRecord;
use crate::sandbox::Sandbox;
use crate::sandbox::tests::{noon, sandbox as fresh_state};

/// A directory of its own under the system's temporary directory, removed on drop.
pub(super) struct TempDir(PathBuf);

impl TempDir {
    pub(super) fn new() -> Self {
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "chinaums-mock-persist-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }

    pub(super) fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A state with something in every section.
pub(super) fn busy_state() -> Sandbox {
    let state = fresh_state();
    let now = state.clock.now();
    let app = state.apps.list()[0].clone();
    state.tokens.issue(
        "tok-1".into(),
        TokenRecord {
            app_id: app.app_id.clone(),
            issued_at: now,
            expires_at: now + Duration::seconds(3600),
        },
        now,
    );
    state.payscore.restore(
        vec![Authorization {
            app_id: app.app_id.clone(),
            open_id: "o-1".into(),
            sub_open_id: "so-1".into(),
            authorization_code: "AUTH1".into(),
            state: AuthState::Open,
            history: vec![HistoryEntry {
                state: AuthState::Open,
                at: "2026-11-25T12:00:00+08:00".into(),
                notification_id: None,
            }],
        }],
        0,
    );
    let id = state.notify.next_event_id(now);
    let fields = [
        ("id".into(), id.clone()),
        ("eventType".into(), "PAYSCORE.X".to_owned()),
    ];
    state.notify.create(
        &app,
        NewNotification {
            id: id.clone(),
            event_type: "PAYSCORE.X",
            open_id: "o-1",
            fields: &fields,
            callback_url: None,
        },
        now,
    );
    state.payscore.attach_notification(&app.app_id, "o-1", &id);
    let fault = json!({"target": "notification", "action": "drop", "times": 2});
    state
        .faults
        .add(serde_json::from_value(fault).expect("fault spec"))
        .expect("fault");
    let stub = json!({"path": "/v1/x", "response": {"status": 201, "body": {"a": 1}}});
    state
        .stubs
        .add(serde_json::from_value(stub).expect("stub spec"), false)
        .expect("stub");
    state.sink.record(
        &app.app_id,
        Receipt {
            id: Some(id),
            event_type: None,
            sign_valid: Some(true),
            format: NotifyFormat::Form,
            answer: SinkAnswer::Success,
            problem: None,
            at: "2026-11-25T12:00:00+08:00".into(),
        },
    );
    state
}

/// A captured state as JSON, without what depends on the wall clock.
fn comparable(file: &StateFile) -> Value {
    let mut v = serde_json::to_value(file).expect("serialisable");
    v["savedAt"] = Value::Null;
    v["clock"]["offsetMs"] = Value::Null;
    v
}

#[test]
fn an_empty_state_file_saved_loads_back_with_its_version() {
    let dir = TempDir::new();
    let path = dir.file("state.json");
    let file = StateFile {
        format: FORMAT.into(),
        version: VERSION,
        ..StateFile::default()
    };
    save(&path, &file).unwrap();
    assert_eq!(load(&path).unwrap().map(|f| f.version), Some(VERSION));
}

#[test]
fn a_saved_state_loads_and_restores_to_the_same_state() {
    let dir = TempDir::new();
    let path = dir.file("state.json");
    let original = capture(&busy_state());
    assert_eq!(original.notifications.items.len(), 1);
    save(&path, &original).expect("saved");

    let loaded = load(&path).expect("loads").expect("exists");
    let restored = fresh_state();
    restore(&restored, loaded).expect("restores");
    assert_eq!(comparable(&capture(&restored)), comparable(&original));

    let n = &original.notifications.items[0];
    let again = restored.notify.get(&n.id).expect("notification back");
    assert_eq!(again.next_attempt_at, Some(noon()), "still due at once");
    assert_eq!(restored.stubs.list()[0].responses[0].status, 201);
}

#[test]
fn the_file_is_replaced_whole_and_no_temporary_file_is_left() {
    let dir = TempDir::new();
    let path = dir.file("state.json");
    save(&path, &capture(&fresh_state())).expect("first save");
    save(&path, &capture(&busy_state())).expect("second save");
    let names: Vec<_> = std::fs::read_dir(&dir.0)
        .expect("listable")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["state.json"]);
    let text = std::fs::read_to_string(&path).expect("readable");
    assert!(text.starts_with("{\n  \"format\": \"chinaums-mock-state\",\n  \"version\": 1,"));
}

#[test]
fn a_missing_file_is_no_state_but_a_missing_directory_is_an_error() {
    let dir = TempDir::new();
    assert!(load(&dir.file("none.json")).expect("no error").is_none());
    assert!(check_creatable(&dir.file("none.json")).is_ok());
    let err = check_creatable(&dir.file("gone/state.json")).expect_err("no directory");
    assert!(
        err.to_string().contains("directory does not exist"),
        "{err}"
    );
}

fn load_text(text: &str) -> PersistError {
    let dir = TempDir::new();
    let path = dir.file("state.json");
    std::fs::write(&path, text).expect("written");
    let err = load(&path).expect_err("refused");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "the message names the file: {err}"
    );
    err
}

#[test]
fn corrupt_files_are_refused_as_corrupt() {
    for text in [
        "",
        "  \n",
        "{\"format\": \"chinaums-mock-state\", \"version\": 1,",
        "nul",
    ] {
        let err = load_text(text);
        assert!(
            matches!(err, PersistError::Corrupt { .. }),
            "{text:?}: {err}"
        );
    }
    let err = load_text(r#"{"format": "chinaums-mock-state", "version": 1, "apps": "x"}"#);
    assert!(matches!(err, PersistError::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("line 1 column"), "{err}");
    let err = load_text(r#"{"format": "chinaums-mock-state", "version": "one"}"#);
    assert!(err.to_string().contains("\"version\""), "{err}");
    let err = load_text(r#"{"format": "chinaums-mock-state"}"#);
    assert!(matches!(err, PersistError::Corrupt { .. }), "{err}");
}

#[test]
fn json_that_is_not_a_state_file_is_refused_as_foreign() {
    for text in [
        r#"{"apps": []}"#,
        r#"[1, 2]"#,
        r#"{"format": "something-else", "version": 1}"#,
        r#""chinaums-mock-state""#,
    ] {
        let err = load_text(text);
        assert!(matches!(err, PersistError::Foreign { .. }), "{text}: {err}");
        assert!(
            err.to_string().contains("not a chinaums-mock state file"),
            "{err}"
        );
    }
}

#[test]
fn a_file_from_a_future_version_is_refused_and_says_so() {
    let err = load_text(r#"{"format": "chinaums-mock-state", "version": 2, "apps": []}"#);
    assert!(
        matches!(err, PersistError::FutureVersion { version: 2, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("newer"), "{err}");
}

#[test]
fn a_state_with_a_duplicate_notification_id_is_not_restored() {
    let mut file = capture(&busy_state());
    let copy = file.notifications.items[0].clone();
    file.notifications.items.push(copy);
    let err = restore(&fresh_state(), file).expect_err("refused");
    assert!(err.0.contains("appears twice"), "{err}");
}

#[test]
fn a_seeded_run_saved_at_the_same_point_continues_with_the_same_generator() {
    let a = capture(&busy_state());
    let b = capture(&busy_state());
    assert_eq!(a.generator, b.generator);
    let fresh = capture(&fresh_state());
    assert_ne!(a.generator, fresh.generator, "depends on the history");
}

#[tokio::test(start_paused = true)]
async fn the_state_is_saved_every_interval_and_not_in_between() {
    let dir = TempDir::new();
    let path = dir.file("state.json");
    let state = Data::new(fresh_state());
    let saver = Arc::new(Saver::new(path.clone()));
    let mut saves = saver.saves();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn({
        let (saver, state) = (saver.clone(), state.clone());
        async move {
            saver
                .run_periodic(state, StdDuration::from_secs(5), stopped)
                .await
        }
    });

    tokio::time::sleep(StdDuration::from_millis(4900)).await;
    assert!(!path.exists(), "nothing saved before the first interval");
    saves.changed().await.expect("first save");
    let apps = |p: &PathBuf| load(p).expect("loads").expect("exists").apps.len();
    assert_eq!(apps(&path), 2);

    state.remove_app(&state.apps.list()[0].app_id);
    let before = tokio::time::Instant::now();
    saves.changed().await.expect("second save");
    assert_eq!(before.elapsed().as_secs(), 5, "one interval later");
    assert_eq!(apps(&path), 1);

    stop.send_replace(true);
    task.await.expect("the saver stops at shutdown");
    assert_eq!(*saves.borrow(), 2);
}

#[test]
fn created_clocks_and_the_apps_on_them_come_back_from_a_save() {
    let state = fresh_state();
    let at = noon() + Duration::days(3);
    let shared = state
        .create_clock(&crate::api::clock::NewClock {
            name: Some("job 7".into()),
            now: Some(at),
            frozen: Some(true),
        })
        .expect("a clock");
    let member = state
        .create_app(&crate::api::app::AppSpec {
            clock: Some(shared.id().to_owned()),
            ..Default::default()
        })
        .expect("an app");
    let own = state
        .create_app(&crate::api::app::AppSpec {
            clock: Some("new".into()),
            ..Default::default()
        })
        .expect("an app");
    state.clock_of(&own.app_id).set(None, Some(true));

    let again = fresh_state();
    restore(&again, capture(&state)).expect("restored");
    let clock = again.clock_of(&member.app_id);
    assert_eq!(
        (clock.id(), clock.name(), clock.now(), clock.is_frozen()),
        (shared.id(), Some("job 7"), at, true)
    );
    assert_eq!(
        again.clock_of(&own.app_id).now(),
        state.clock_of(&own.app_id).now()
    );
    assert!(again.remove_app(&own.app_id));
    assert!(
        !again.clocks.contains(&own.clock),
        "still the app's own clock"
    );
}

#[test]
fn temporary_files_of_a_killed_save_are_removed_and_the_own_and_others_kept() {
    if !Path::new("/proc/self").exists() {
        return; // Without /proc only files untouched for a minute go, which a test cannot wait for.
    }
    let dir = TempDir::new();
    let path = dir.file("state.json");
    let killed = dir.file(".state.json.tmp-999999999-3");
    let own = dir.file(&format!(".state.json.tmp-{}-0", std::process::id()));
    let other = dir.file(".other.json.tmp-999999999-0");
    for f in [&killed, &own, &other] {
        std::fs::write(f, b"{").expect("written");
    }
    assert_eq!(remove_stale_temps(&path), 1);
    assert!(!killed.exists() && own.exists() && other.exists());
}

#[tokio::test]
async fn an_unchanged_state_is_not_written_again_and_a_change_is() {
    use std::os::unix::fs::MetadataExt;
    let dir = TempDir::new();
    let path = dir.file("state.json");
    let state = fresh_state();
    let saver = Saver::new(path.clone());
    let inode = |p: &PathBuf| std::fs::metadata(p).expect("saved").ino();
    saver.save(&state).await.expect("first save");
    let first = inode(&path);
    saver.save(&state).await.expect("second save");
    assert_eq!(inode(&path), first, "idle: the file was not replaced");
    state.remove_app(&state.apps.list()[0].app_id);
    saver.save(&state).await.expect("third save");
    assert_ne!(inode(&path), first, "a change is written");
    assert_eq!(load(&path).expect("loads").expect("exists").apps.len(), 1);
}
