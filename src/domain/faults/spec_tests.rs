//! The fault specification without HTTP: which action each target takes, the parameter checks
//! and their messages in the order they are reported, and the defaults a registered fault shows.

use serde_json::{Value, json};

use super::*;

const MISMATCH: &str = "token and gateway take error or delay; notification takes delay, duplicate, tamperSign, outOfOrder or drop";

fn spec(value: Value) -> FaultSpec {
    serde_json::from_value(value).expect("a well-formed spec")
}

fn refusal(value: Value) -> String {
    FaultStore::default()
        .add(spec(value))
        .expect_err("refused")
        .to_string()
}

fn error(http_status: u16, err_code: &str) -> CallEffect {
    CallEffect::Error {
        http_status,
        err_code: err_code.into(),
        err_msg: None,
    }
}

#[test]
fn a_token_fault_takes_only_error_or_delay() {
    for (action, effect) in [
        ("error", error(412, "9200")),
        ("delay", CallEffect::Delay { delay_ms: 5 }),
    ] {
        let added = spec(json!({"target": "token", "action": action, "delayMs": 5}));
        assert_eq!(added.effect(), Ok(FaultEffect::Token(effect)), "{action}");
    }
    for (action, debug) in [
        ("duplicate", "Duplicate"),
        ("tamperSign", "TamperSign"),
        ("outOfOrder", "OutOfOrder"),
        ("drop", "Drop"),
    ] {
        assert_eq!(
            refusal(json!({"target": "token", "action": action})),
            format!("action {debug} does not apply to target Token: {MISMATCH}")
        );
    }
}

#[test]
fn a_gateway_fault_takes_only_error_or_delay() {
    for (action, effect) in [
        ("error", error(200, "INTERNAL_ERROR")),
        ("delay", CallEffect::Delay { delay_ms: 5 }),
    ] {
        let added = spec(json!({"target": "gateway", "action": action, "delayMs": 5}));
        assert_eq!(added.effect(), Ok(FaultEffect::Gateway(effect)), "{action}");
    }
    for (action, debug) in [
        ("duplicate", "Duplicate"),
        ("tamperSign", "TamperSign"),
        ("outOfOrder", "OutOfOrder"),
        ("drop", "Drop"),
    ] {
        assert_eq!(
            refusal(json!({"target": "gateway", "action": action})),
            format!("action {debug} does not apply to target Gateway: {MISMATCH}")
        );
    }
}

#[test]
fn a_notification_fault_takes_every_action_but_error() {
    for (action, effect) in [
        ("delay", NotificationEffect::Delay { delay_seconds: 9 }),
        ("duplicate", NotificationEffect::Duplicate),
        ("tamperSign", NotificationEffect::TamperSign),
        ("outOfOrder", NotificationEffect::OutOfOrder),
        ("drop", NotificationEffect::Drop),
    ] {
        let added = spec(json!({"target": "notification", "action": action, "delaySeconds": 9}));
        assert_eq!(
            added.effect(),
            Ok(FaultEffect::Notification(effect)),
            "{action}"
        );
    }
    assert_eq!(
        refusal(json!({"target": "notification", "action": "error"})),
        format!("action Error does not apply to target Notification: {MISMATCH}")
    );
}

#[test]
fn a_delay_needs_its_own_unit_of_time() {
    for target in ["token", "gateway"] {
        assert_eq!(
            refusal(json!({"target": target, "action": "delay", "delaySeconds": 1})),
            "a delay fault needs delayMs"
        );
    }
    assert_eq!(
        refusal(json!({"target": "notification", "action": "delay", "delayMs": 1})),
        "a notification delay needs delaySeconds"
    );
}

#[test]
fn a_notification_delay_may_last_a_year_and_no_longer() {
    let year =
        spec(json!({"target": "notification", "action": "delay", "delaySeconds": 31_536_000}));
    assert_eq!(
        year.effect(),
        Ok(FaultEffect::Notification(NotificationEffect::Delay {
            delay_seconds: 31_536_000
        }))
    );
    // Far beyond any clock: refused here rather than panicking the delivery task later.
    assert_eq!(
        refusal(
            json!({"target": "notification", "action": "delay", "delaySeconds": 1_000_000_000_000_000_u64})
        ),
        "delaySeconds must be at most 31536000 (one year)"
    );
}

#[test]
fn a_path_belongs_to_gateway_faults_only() {
    for (target, action) in [("token", "error"), ("notification", "drop")] {
        assert_eq!(
            refusal(json!({"target": target, "action": action, "path": "/v1/x"})),
            "path applies to gateway faults only"
        );
    }
    let gateway = spec(json!({"target": "gateway", "action": "error", "path": "/v1/x"}));
    assert!(gateway.effect().is_ok());
}

#[test]
fn parameters_out_of_range_are_refused_and_their_limits_accepted() {
    let token = |extra: Value| {
        let mut value = json!({"target": "token", "action": "error"});
        if let (Some(v), Some(e)) = (value.as_object_mut(), extra.as_object()) {
            v.extend(e.clone());
        }
        value
    };
    for (extra, message) in [
        (
            json!({"probability": -0.1}),
            "probability must be between 0 and 1",
        ),
        (
            json!({"probability": 1.5}),
            "probability must be between 0 and 1",
        ),
        (
            json!({"httpStatus": 399}),
            "httpStatus must be 400 to 599 (or 200 for a gateway fault)",
        ),
        (
            json!({"httpStatus": 600}),
            "httpStatus must be 400 to 599 (or 200 for a gateway fault)",
        ),
        (json!({"delayMs": 60_001}), "delayMs must be at most 60000"),
        (
            json!({"delaySeconds": 31_536_001}),
            "delaySeconds must be at most 31536000 (one year)",
        ),
    ] {
        assert_eq!(refusal(token(extra.clone())), message, "{extra}");
    }
    for extra in [
        json!({"probability": 0.0}),
        json!({"probability": 1.0}),
        json!({"httpStatus": 400}),
        json!({"httpStatus": 599}),
        json!({"delayMs": 60_000}),
        json!({"delaySeconds": 31_536_000}),
    ] {
        assert!(spec(token(extra.clone())).effect().is_ok(), "{extra}");
    }
}

#[test]
fn only_a_gateway_fault_may_answer_200_as_a_business_error() {
    let with_200 = |target: &str| json!({"target": target, "action": "error", "httpStatus": 200});
    assert_eq!(
        spec(with_200("gateway")).effect(),
        Ok(FaultEffect::Gateway(error(200, "INTERNAL_ERROR")))
    );
    assert_eq!(
        refusal(with_200("token")),
        "httpStatus must be 400 to 599 (or 200 for a gateway fault)"
    );
    assert_eq!(
        refusal(json!({"target": "gateway", "action": "error", "httpStatus": 201})),
        "httpStatus must be 400 to 599 (or 200 for a gateway fault)"
    );
}

#[test]
fn the_first_problem_is_the_one_reported() {
    // Action before parameters, parameters before a missing delay.
    assert_eq!(
        refusal(json!({"target": "token", "action": "drop", "probability": 2})),
        format!("action Drop does not apply to target Token: {MISMATCH}")
    );
    assert_eq!(
        refusal(
            json!({"target": "notification", "action": "drop", "path": "/x", "probability": 2})
        ),
        "path applies to gateway faults only"
    );
    assert_eq!(
        refusal(json!({"target": "gateway", "action": "delay", "httpStatus": 700})),
        "httpStatus must be 400 to 599 (or 200 for a gateway fault)"
    );
}

#[test]
fn unknown_fields_are_not_a_spec() {
    let parsed = serde_json::from_value::<FaultSpec>(
        json!({"target": "token", "action": "error", "status": 500}),
    );
    assert!(parsed.is_err());
}

#[test]
fn error_faults_show_their_defaults_and_keep_what_was_given() {
    let store = FaultStore::default();
    let token = store
        .add(spec(json!({"target": "token", "action": "error"})))
        .expect("valid");
    assert_eq!(
        (token.http_status, token.err_code.as_deref(), token.err_msg),
        (Some(412), Some("9200"), None)
    );
    let gateway = store
        .add(spec(json!({"target": "gateway", "action": "error"})))
        .expect("valid");
    assert_eq!(
        (gateway.http_status, gateway.err_code.as_deref()),
        (Some(200), Some("INTERNAL_ERROR"))
    );
    let given = store
        .add(spec(json!({"target": "gateway", "action": "error", "httpStatus": 503, "errCode": "BUSY", "errMsg": "忙"})))
        .expect("valid");
    assert_eq!(
        given.effect(),
        Ok(FaultEffect::Gateway(CallEffect::Error {
            http_status: 503,
            err_code: "BUSY".into(),
            err_msg: Some("忙".into()),
        }))
    );
}

#[test]
fn parameters_a_fault_does_not_use_are_shown_as_given() {
    let fault = FaultStore::default()
        .add(spec(
            json!({"target": "token", "action": "delay", "delayMs": 20, "httpStatus": 503}),
        ))
        .expect("valid");
    assert_eq!(
        (fault.http_status, fault.err_code.as_deref()),
        (Some(503), None)
    );
    assert_eq!(
        fault.effect(),
        Ok(FaultEffect::Token(CallEffect::Delay { delay_ms: 20 }))
    );
}

#[test]
fn a_registered_fault_serializes_as_the_control_api_shows_it() {
    let fault = FaultStore::default()
        .add(spec(
            json!({"target": "token", "action": "error", "times": 3}),
        ))
        .expect("valid");
    assert_eq!(
        serde_json::to_string(&fault).expect("json"),
        r#"{"id":"flt-1","target":"token","action":"error","appId":null,"path":null,"httpStatus":412,"errCode":"9200","errMsg":null,"delayMs":null,"delaySeconds":null,"probability":null,"remaining":3,"hits":0,"description":null}"#
    );
}

#[test]
fn a_registered_fault_describes_itself_as_the_spec_that_made_it() {
    let given = spec(json!({
        "target": "gateway", "action": "delay", "appId": "a", "path": "/v1/*",
        "delayMs": 10, "times": 4, "probability": 0.5, "description": "slow"
    }));
    let fault = FaultStore::default().add(given.clone()).expect("valid");
    let again = fault.spec();
    assert_eq!(
        serde_json::to_value(&again).expect("json"),
        serde_json::to_value(&given).expect("json")
    );
    assert_eq!(fault.effect(), given.effect());
}
