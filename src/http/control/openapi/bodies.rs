//! What the route table alone cannot say: the bodies of the routes that read JSON ad hoc, the
//! rules that tie one field to another, and the exact types of query parameters. Written as JSON
//! Schema and laid over the generated document, so a client or a test generator that follows the
//! document builds requests the server accepts, and nothing it rejects.

use serde_json::{Map, Value, json};

/// Visible ASCII, what ids and keys are made of.
const VISIBLE: &str = "^[!-~]+$";
/// An http(s) URL with a host; the server accepts any such URL, the pattern a plain subset.
const URL: &str = "^https?://[a-z][a-z0-9-]{0,30}(\\.[a-z][a-z0-9-]{0,30})*(:[1-9][0-9]{0,3})?(/[A-Za-z0-9._~/-]*)?$";

fn text(min: u64, max: u64, pattern: Option<&str>) -> Value {
    let mut s = json!({ "type": ["string", "null"], "minLength": min, "maxLength": max });
    if let Some(p) = pattern {
        s["pattern"] = json!(p);
    }
    s
}

fn url() -> Value {
    json!({ "type": ["string", "null"], "pattern": URL, "description": "An http or https URL with a host." })
}

fn object(required: &[&str], properties: Value) -> Value {
    json!({ "type": "object", "required": required, "properties": properties, "additionalProperties": false })
}

/// Request bodies of routes without a typed request, by component name.
pub fn request_schemas() -> Vec<(&'static str, Value)> {
    let string = json!({ "type": ["string", "null"] });
    let timeout = json!({ "type": ["integer", "null"], "minimum": 1, "maximum": 600_000 });
    vec![
        (
            "ClockSet",
            object(
                &[],
                json!({
                    "now": { "type": ["string", "null"], "format": "date-time", "description": "RFC 3339, from 0000-01-01T00:00:00+08:00 to 9999-12-31T23:59:59+08:00." },
                    "frozen": { "type": ["boolean", "null"] },
                }),
            ),
        ),
        (
            "ClockAdvance",
            object(
                &["seconds"],
                json!({
                    "seconds": { "type": "number", "minimum": 0, "maximum": 315_360_000, "description": "Sandbox seconds, fractions allowed; at most ten years." },
                }),
            ),
        ),
        (
            "PayScoreOpen",
            object(
                &["appId"],
                json!({
                    "appId": { "type": "string" },
                    "openId": text(1, 128, Some(VISIBLE)),
                    "subOpenId": text(1, 128, Some(VISIBLE)),
                    "authorizationCode": text(1, 32, Some(VISIBLE)),
                    "callbackUrl": url(),
                }),
            ),
        ),
        (
            "PayScoreClose",
            object(
                &["appId", "openId"],
                json!({
                    "appId": { "type": "string" },
                    "openId": { "type": "string", "minLength": 1, "maxLength": 128, "pattern": VISIBLE },
                    "callbackUrl": url(),
                }),
            ),
        ),
        ("Redeliver", object(&[], json!({ "callbackUrl": url() }))),
        // The cashier page's buttons post an empty form.
        ("CashierForm", object(&[], json!({}))),
        (
            "ConformanceRun",
            object(
                &["appId"],
                json!({
                    "appId": { "type": "string" },
                    "callbackUrl": url(),
                    "timeoutMs": timeout,
                    "battery": {
                        "type": ["string", "null"],
                        "enum": ["payscore", "payment", null],
                        "description": "The probes: Pay Score authorisation notifications (`payscore`, the default) or netpay payment-result and refund notifications (`payment`).",
                    },
                }),
            ),
        ),
        (
            "ScenarioRun",
            json!({
                "type": "object",
                "required": ["name"],
                "properties": { "name": { "type": "string", "description": "A fixture scenario (GET /__mock/scenarios)." } },
                "additionalProperties": false,
                "description": "A fixture scenario by name; a whole scenario object (see docs/scenarios.md) is accepted too. The run follows a clock of its own (its report's `clock`) unless the scenario's `clock` is `default` or a clock's id.",
            }),
        ),
        ("ToolSign", tools(false, &string)),
        ("ToolVerify", tools(true, &string)),
        (
            "SinkNotification",
            json!({
                "type": "object",
                "description": "A notification as ChinaUMS sends it, form-encoded or JSON; anything else is answered FAILED.",
            }),
        ),
    ]
}

/// `/__mock/tools/sign` and `/verify`: one shape per signing rule, only the fields it reads.
fn tools(verify: bool, string: &Value) -> Value {
    let key = json!({ "type": "string", "minLength": 1 });
    let app_id = json!({ "type": "string", "minLength": 1 });
    let rule = |name: &str| json!({ "type": "string", "enum": [name] });
    let mut variants = Vec::new();
    for (name, extra, required) in [
        (
            "token",
            json!({ "signMethod": { "type": ["string", "null"], "enum": ["SHA256", "SHA1", null] } }),
            vec![],
        ),
        (
            "openBodySig",
            json!({ "body": { "type": "string" } }),
            vec!["body"],
        ),
        (
            "openFormParam",
            json!({ "content": { "type": "string" } }),
            vec!["content"],
        ),
    ] {
        let mut props = json!({
            "rule": rule(name), "appId": app_id, "appKey": key, "md5Key": string,
            "timestamp": string, "nonce": string,
        });
        merge(&mut props, extra);
        let mut req = vec!["rule", "appId", "appKey"];
        req.extend(required);
        if verify {
            merge(
                &mut props,
                json!({ "signature": { "type": "string" }, "canonical": string,
                "timestamp": { "type": "string" }, "nonce": { "type": "string" } }),
            );
            req.extend(["signature", "timestamp", "nonce"]);
        }
        variants.push(object(&req, props));
    }
    let mut props = json!({
        "rule": rule("notify"), "appId": string, "md5Key": key, "appKey": string,
        "fields": { "type": "object", "additionalProperties": { "type": ["string", "object", "array"] } },
        "signType": { "type": ["string", "null"], "enum": ["SHA256", "MD5", null] },
    });
    let mut req = vec!["rule", "md5Key", "fields"];
    if verify {
        merge(
            &mut props,
            json!({ "sign": { "type": "string" }, "canonical": string }),
        );
        req.push("sign");
    }
    variants.push(object(&req, props));
    json!({ "oneOf": variants })
}

fn merge(into: &mut Value, from: Value) {
    if let (Some(into), Value::Object(from)) = (into.as_object_mut(), from) {
        into.extend(from);
    }
}

/// Field limits the validators enforce, laid over the generated schemas of the typed requests.
fn limits() -> Vec<(&'static str, &'static str, Value)> {
    let printable = |max: u64| json!({ "minLength": 1, "maxLength": max, "pattern": VISIBLE });
    let alnum = json!({ "minLength": 1, "maxLength": 32, "pattern": "^[A-Za-z0-9]+$" });
    vec![
        (
            "AppSpec",
            "appId",
            json!({ "pattern": "^[0-9a-fA-F]{32}$" }),
        ),
        ("AppSpec", "appKey", printable(128)),
        ("AppSpec", "md5Key", printable(128)),
        (
            "AppSpec",
            "name",
            json!({ "minLength": 1, "maxLength": 128 }),
        ),
        ("AppSpec", "mid", alnum.clone()),
        ("AppSpec", "tid", alnum.clone()),
        ("AppSpec", "instMid", alnum),
        ("AppSpec", "msgSrcId", printable(32)),
        ("AppSpec", "subAppId", printable(32)),
        ("AppSpec", "serviceId", printable(32)),
        ("AppSpec", "callbackUrl", url()),
        (
            "NotifySpec",
            "retrySchedule",
            json!({ "maxItems": 1000, "items": { "type": "integer", "minimum": 0, "maximum": 2_592_000 } }),
        ),
        (
            "NotifySpec",
            "giveUpAfterSeconds",
            json!({ "maximum": 31_536_000 }),
        ),
        (
            "NotifySpec",
            "timeoutMs",
            json!({ "minimum": 1, "maximum": 600_000 }),
        ),
        (
            "FaultSpec",
            "httpStatus",
            json!({ "minimum": 400, "maximum": 599 }),
        ),
        (
            "FaultSpec",
            "probability",
            json!({ "minimum": 0, "maximum": 1 }),
        ),
        ("FaultSpec", "delayMs", json!({ "maximum": 60_000 })),
        (
            "FaultSpec",
            "delaySeconds",
            json!({ "maximum": 31_536_000 }),
        ),
        (
            "FaultSpec",
            "times",
            json!({ "format": null, "maximum": u32::MAX }),
        ),
        (
            "StubSpec",
            "times",
            json!({ "format": null, "maximum": u32::MAX }),
        ),
        ("StubSpec", "path", json!({ "pattern": "^/" })),
        (
            "StubSpec",
            "method",
            json!({ "pattern": "^([A-Za-z]+|\\*)$" }),
        ),
        ("StubSpec", "responses", json!({ "minItems": 1 })),
        (
            "StubResponse",
            "status",
            json!({ "minimum": 100, "maximum": 599 }),
        ),
        ("StubResponse", "delayMs", json!({ "maximum": 60_000 })),
        (
            "StubResponse",
            "headers",
            json!({
                "propertyNames": { "type": "string", "pattern": "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" },
                "additionalProperties": { "type": "string", "pattern": "^[^\\x00-\\x08\\x0a-\\x1f\\x7f]*$" },
            }),
        ),
    ]
}

/// Limits and cross-field rules of the typed requests, applied to their generated schemas.
pub fn refine(schemas: &mut Map<String, Value>) {
    for (schema, field, patch) in limits() {
        if let Some(Value::Object(target)) = schemas
            .get_mut(schema)
            .and_then(|s| s.pointer_mut(&format!("/properties/{field}")))
        {
            for (k, v) in patch.as_object().into_iter().flatten() {
                // `null` removes, e.g. the `int32` format utoipa gives a `u32`.
                if v.is_null() {
                    target.remove(k);
                } else {
                    target.insert(k.clone(), v.clone());
                }
            }
        }
    }
    // PATCH changes everything but the appId, which the path names.
    if let Some(mut patch) = schemas.get("AppSpec").cloned() {
        if let Some(props) = patch["properties"].as_object_mut() {
            props.remove("appId");
        }
        patch["description"] = json!("Fields to change; the appId cannot change.");
        schemas.insert("AppPatch".into(), patch);
    }
    if let Some(spec) = schemas.get("FaultSpec").cloned() {
        schemas.insert("FaultSpec".into(), fault_spec(&spec));
    }
    if let Some(spec) = schemas.get_mut("StubSpec") {
        // Exactly one of `response` and `responses`.
        let one = |k: &str, other: &str| json!({ "required": [k], "properties": { k: { "not": { "type": "null" } }, other: { "type": "null" } } });
        let rule = json!({ "oneOf": [one("response", "responses"), one("responses", "response")] });
        *spec = json!({ "allOf": [spec.clone(), rule] });
    }
}

/// A fault's fields depend on its target and action: one variant per combination the server
/// accepts. `path` is for gateway faults only; a delay needs its duration.
fn fault_spec(derived: &Value) -> Value {
    let shapes: [(&str, &[&str], Option<&str>); 6] = [
        ("token", &["error"], None),
        ("token", &["delay"], Some("delayMs")),
        ("gateway", &["error"], None),
        ("gateway", &["delay"], Some("delayMs")),
        ("notification", &["delay"], Some("delaySeconds")),
        (
            "notification",
            &["duplicate", "tamperSign", "outOfOrder", "drop"],
            None,
        ),
    ];
    let mut variants = Vec::new();
    for (target, actions, needs) in shapes {
        let mut v = derived.clone();
        v["additionalProperties"] = json!(false);
        v["properties"]["target"] = json!({ "type": "string", "enum": [target] });
        v["properties"]["action"] = json!({ "type": "string", "enum": actions });
        if target != "gateway"
            && let Some(props) = v["properties"].as_object_mut()
        {
            props.remove("path");
        }
        if let Some(field) = needs {
            let inner = v["properties"][field].clone();
            v["properties"][field] = json!({ "allOf": [inner, { "not": { "type": "null" } }] });
            if let Some(req) = v["required"].as_array_mut() {
                req.push(json!(field));
            }
        }
        variants.push(v);
    }
    json!({ "oneOf": variants, "description": derived["description"] })
}

/// Whether a request body must be sent: its schema requires fields. An empty body counts as `{}`.
pub fn body_required(schemas: &Map<String, Value>, name: &str) -> bool {
    schemas.get(name).is_some_and(|s| {
        s.get("oneOf").is_some()
            || s.get("allOf").is_some()
            || s["required"].as_array().is_some_and(|r| !r.is_empty())
    })
}

/// The schema of a query parameter, where it is more than a string.
pub fn query_schema(path: &str, name: &str) -> Option<Value> {
    let count = json!({ "type": "integer", "minimum": 0, "maximum": u64::MAX });
    match name {
        "limit" => Some(count),
        "timeoutMs" => Some(
            json!({ "type": "integer", "minimum": 0, "maximum": u64::MAX, "description": "Milliseconds; more than 300000 waits 300000." }),
        ),
        "state" => Some(json!({ "type": "string", "enum": ["OPEN", "CLOSED"] })),
        "outcome" => Some(
            json!({ "type": "string", "enum": ["ok", "auth_failed", "bad_request", "fault", "no_service"] }),
        ),
        "status" if path.ends_with("/wait") => Some(
            json!({ "type": "string", "enum": ["pending", "delivered", "exhausted", "settled"] }),
        ),
        "status" => {
            Some(json!({ "type": "string", "enum": ["pending", "delivered", "exhausted"] }))
        }
        _ => None,
    }
}
