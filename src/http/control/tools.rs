//! `POST /__mock/tools/sign` and `POST /__mock/tools/verify`: thin wrappers over the signing
//! rules and the diagnosis.

use actix_web::web::{Data, Payload};
use actix_web::{HttpRequest, HttpResponse};
use serde_json::{Value, json};

use super::tools_request::{Mode, Resolved, Rule, ToolRequest};
use crate::http::control::route::{Group, Route, SchemaRef};
use crate::http::control::{ControlError, parse_json};
use crate::protocol::diagnose::{self, Evidence};
use crate::protocol::signing::{
    TokenSignMethod, body_digest_hex, form_encode, notify_sign, notify_signed_string,
    open_body_canonical, open_body_sig_header, open_body_signature, token_canonical,
    token_signature,
};
use crate::protocol::variants::{BodyCase, NotifyCase, TokenCase};
use crate::sandbox::Sandbox;

/// The signature tools (inside the `/__mock` scope), served and documented from this table.
pub(crate) const ROUTES: Group = Group::new(
    "tools",
    &[
        Route::post("/tools/sign", |r| r.to(sign))
            .summary("Canonical string and signature for a signing rule")
            .json(SchemaRef::Named("ToolSign")),
        Route::post("/tools/verify", |r| r.to(verify))
            .summary("Expected vs received signature, where they differ, hints")
            .json(SchemaRef::Named("ToolVerify")),
    ],
);

fn method_name(method: TokenSignMethod) -> &'static str {
    match method {
        TokenSignMethod::Sha256 => "SHA256",
        TokenSignMethod::Sha1 => "SHA1",
    }
}

/// The canonical string and signature for the given inputs, with what a client would send.
pub(super) async fn sign(
    req: HttpRequest,
    payload: Payload,
    state: Data<Sandbox>,
) -> Result<HttpResponse, ControlError> {
    let request: ToolRequest = parse_json(&req, payload, &state).await?;
    let r = request.resolve(&state, Mode::Sign)?;
    let rule = r.rule.name();
    let body = match r.rule {
        Rule::Token => json!({
            "rule": rule,
            "canonical": token_canonical(&r.app_id, &r.timestamp, &r.nonce, &r.key),
            "signature": token_signature(r.method, &r.app_id, &r.timestamp, &r.nonce, &r.key),
            "signMethod": method_name(r.method),
            "timestamp": r.timestamp,
            "nonce": r.nonce,
            "keySource": r.key_source,
        }),
        Rule::OpenBodySig | Rule::OpenFormParam => {
            let bytes = r.content.as_bytes();
            let signature = open_body_signature(&r.app_id, &r.timestamp, &r.nonce, bytes, &r.key);
            let mut out = json!({
                "rule": rule,
                "canonical": open_body_canonical(&r.app_id, &r.timestamp, &r.nonce, bytes),
                "signature": signature,
                "timestamp": r.timestamp,
                "nonce": r.nonce,
                "keySource": r.key_source,
            });
            if r.rule == Rule::OpenBodySig {
                out["header"] =
                    open_body_sig_header(&r.app_id, &r.timestamp, &r.nonce, &signature).into();
                out["bodySha256Hex"] = body_digest_hex(bytes).into();
            } else {
                out["contentSha256Hex"] = body_digest_hex(bytes).into();
                out["query"] = form_query(&r, &signature).into();
            }
            out
        }
        Rule::Notify => json!({
            "rule": rule,
            "signedString": notify_signed_string(&r.fields, &r.key),
            "sign": notify_sign(&r.fields, r.sign_type, &r.key),
            "signType": r.sign_type.as_str(),
            "keySource": r.key_source,
        }),
    };
    Ok(HttpResponse::Ok().json(body))
}

/// The query string of an OPEN-FORM-PARAM GET, form-encoded.
fn form_query(r: &Resolved, signature: &str) -> String {
    form_encode(&[
        ("authorization", "OPEN-FORM-PARAM"),
        ("appId", &r.app_id),
        ("timestamp", &r.timestamp),
        ("nonce", &r.nonce),
        ("content", &r.content),
        ("signature", signature),
    ])
}

/// The expected canonical string and signature against what the client sent, with hints.
pub(super) async fn verify(
    req: HttpRequest,
    payload: Payload,
    state: Data<Sandbox>,
) -> Result<HttpResponse, ControlError> {
    let request: ToolRequest = parse_json(&req, payload, &state).await?;
    let r = request.resolve(&state, Mode::Verify)?;
    let now = state.clock_of(&r.app_id).now();
    let window = state.config.timestamp_window_secs;
    let evidence = Evidence {
        received_canonical: r.canonical.as_deref(),
        other_key: r.other_key.as_deref(),
    };
    let mut expected_extra = Vec::<(&str, Value)>::new();
    let diagnosis = match r.rule {
        Rule::Token => {
            let case = TokenCase {
                app_id: &r.app_id,
                timestamp: &r.timestamp,
                nonce: &r.nonce,
                app_key: &r.key,
                method: r.method,
            };
            diagnose::token(&case, &r.received, now, window, evidence)
        }
        Rule::OpenBodySig | Rule::OpenFormParam => {
            let is_body = r.rule == Rule::OpenBodySig;
            let case = BodyCase {
                app_id: &r.app_id,
                timestamp: &r.timestamp,
                nonce: &r.nonce,
                content: r.content.as_bytes(),
                app_key: &r.key,
                part: if is_body { "body" } else { "content" },
            };
            let d = diagnose::body(&case, &r.received, now, window, evidence);
            let digest = body_digest_hex(r.content.as_bytes());
            if is_body {
                let header =
                    open_body_sig_header(&r.app_id, &r.timestamp, &r.nonce, &d.expected_signature);
                expected_extra.push(("header", header.into()));
                expected_extra.push(("bodySha256Hex", digest.into()));
            } else {
                expected_extra.push(("contentSha256Hex", digest.into()));
            }
            d
        }
        Rule::Notify => {
            let case = NotifyCase {
                fields: &r.fields,
                md5_key: &r.key,
                sign_type: r.sign_type,
            };
            diagnose::notify(
                &case,
                &r.received,
                evidence.other_key,
                evidence.received_canonical,
            )
        }
    };
    let mut expected = json!({
        "canonical": diagnosis.expected_canonical,
        "signature": diagnosis.expected_signature,
    });
    for (k, v) in expected_extra {
        expected[k] = v;
    }
    let mut body = json!({
        "rule": diagnosis.rule,
        "valid": diagnosis.signature_matches(),
        "expected": expected,
        "received": {
            "signature": diagnosis.received_signature,
            "canonical": diagnosis.received_canonical,
        },
        "firstDifference": diagnosis.first_difference,
        "hints": diagnosis.hints,
    });
    match r.rule {
        Rule::Notify => body["signType"] = r.sign_type.as_str().into(),
        _ => {
            if r.rule == Rule::Token {
                body["signMethod"] = method_name(r.method).into();
            }
            body["timestamp"] = r.timestamp.into();
            body["nonce"] = r.nonce.into();
        }
    }
    body["keySource"] = r.key_source.into();
    Ok(HttpResponse::Ok().json(body))
}
