//! What each action step sends to the sandbox. Expectations live in `expect.rs`.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Map, Value, json};

use super::client::{Answer, Sandbox, query, segment};
use super::expect::{self, describe_state};
use crate::api::scenario::Kind;
use crate::api::scenario::refs::Bindings;
use crate::protocol::signing::{
    TokenSignMethod, open_body_sig_header, open_body_signature, token_signature,
};
use crate::protocol::timefmt::format_compact;

/// A step's resolved fields.
#[derive(Debug, Clone)]
pub struct Args(pub Map<String, Value>);

impl Args {
    /// A string field, if present.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(Value::as_str)
    }

    /// A string field the step needs.
    pub fn need_str(&self, name: &str) -> Result<&str, String> {
        self.str(name).ok_or_else(|| format!("{name} is missing"))
    }

    /// A whole-number field, if present.
    pub fn u64(&self, name: &str) -> Option<u64> {
        self.0.get(name).and_then(Value::as_u64)
    }

    /// Any field, if present.
    pub fn value(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }
}

/// What steps share: the sandbox and the outputs so far.
pub struct Ctx<'a> {
    /// The sandbox the scenario runs against.
    pub sandbox: &'a Sandbox,
    /// Earlier outputs.
    pub bindings: &'a Bindings,
}

impl Ctx<'_> {
    /// `app` names an earlier step whose output has an `appId`, or is an appId itself.
    pub fn app_id(&self, app: &str) -> String {
        self.bindings
            .get(app)
            .and_then(|v| v["appId"].as_str())
            .unwrap_or(app)
            .to_owned()
    }

    /// The app's record from `GET /__mock/apps/{appId}`.
    async fn app(&self, app_id: &str) -> Result<Value, String> {
        self.sandbox
            .get_ok(&format!("/__mock/apps/{}", segment(app_id)))
            .await
            .map_err(|e| format!("cannot read app {app_id}: {e}"))
    }

    /// The sandbox's time as the gateway's `yyyyMMddHHmmss`.
    async fn timestamp(&self) -> Result<String, String> {
        Ok(format_compact(self.sandbox.now().await?))
    }
}

fn nonce() -> String {
    crate::protocol::generate::hex32(&mut rand::rng())
}

/// Checks an answer against `expect` (`httpStatus`, `errCode`); without one, against the
/// default status and code.
fn check(
    what: &str,
    answer: &Answer,
    expect: Option<&Value>,
    default: (u16, Option<&str>),
) -> Result<(), String> {
    let (status, code) = match expect {
        Some(e) => (
            e["httpStatus"].as_u64().map(|s| s as u16),
            e["errCode"].as_str(),
        ),
        None => (Some(default.0), default.1),
    };
    let status_ok = status.is_none_or(|s| s == answer.status);
    let code_ok = code.is_none_or(|c| answer.code() == Some(c));
    if status_ok && code_ok {
        return Ok(());
    }
    let wanted = match (status, code) {
        (Some(s), Some(c)) => format!("HTTP {s} {c}"),
        (Some(s), None) => format!("HTTP {s}"),
        (None, Some(c)) => c.to_owned(),
        (None, None) => "anything".to_owned(),
    };
    let mut message = format!("{what}: expected {wanted}, got {}", answer.summary());
    if answer.code() == Some("ROUTE_NOT_FOUND") {
        message.push_str(" (this sandbox does not offer that control route)");
    }
    Err(message)
}

/// A control request whose success is `ok` (or what `expect` says); answers the body.
async fn control(
    ctx: &Ctx<'_>,
    method: Method,
    path: &str,
    body: Option<Value>,
    expect: Option<&Value>,
    ok: u16,
) -> Result<Value, String> {
    let answer = ctx
        .sandbox
        .control(method.clone(), path, body.as_ref())
        .await?;
    check(&format!("{method} {path}"), &answer, expect, (ok, None))?;
    Ok(answer.body)
}

/// Deletes one fault or stub (a missing one counts as cleared) or all of them.
async fn clear(ctx: &Ctx<'_>, collection: &str, id: Option<&str>) -> Result<Value, String> {
    let path = match id {
        Some(id) => format!("/__mock/{collection}/{}", segment(id)),
        None => format!("/__mock/{collection}"),
    };
    let answer = ctx.sandbox.control(Method::DELETE, &path, None).await?;
    let gone = answer.status == 404 && id.is_some() && answer.code() != Some("ROUTE_NOT_FOUND");
    if answer.status != 204 && !gone {
        check(&format!("DELETE {path}"), &answer, None, (204, None))?;
    }
    Ok(json!({ "cleared": id.unwrap_or("all"), "alreadyGone": gone }))
}

fn pick(args: &Args, names: &[&str]) -> Map<String, Value> {
    names
        .iter()
        .filter_map(|n| args.value(n).map(|v| ((*n).to_owned(), v.clone())))
        .collect()
}

/// Signs and sends a token request for `app_id`, at sandbox time.
pub async fn request_token(
    ctx: &Ctx<'_>,
    app_id: &str,
    sign_method: Option<&str>,
) -> Result<Answer, String> {
    let method = match sign_method.unwrap_or("SHA256") {
        "SHA256" => TokenSignMethod::Sha256,
        "SHA1" => TokenSignMethod::Sha1,
        other => return Err(format!("signMethod must be SHA256 or SHA1, not {other:?}")),
    };
    let app = ctx.app(app_id).await?;
    let key = app["appKey"].as_str().unwrap_or_default();
    let (timestamp, nonce) = (ctx.timestamp().await?, nonce());
    let body = json!({
        "appId": app_id,
        "timestamp": timestamp,
        "nonce": nonce,
        "signMethod": sign_method.unwrap_or("SHA256"),
        "signature": token_signature(method, app_id, &timestamp, &nonce, key),
    });
    ctx.sandbox
        .control(Method::POST, "/v1/token/access", Some(&body))
        .await
}

async fn call(ctx: &Ctx<'_>, args: &Args) -> Result<Value, String> {
    let app_id = ctx.app_id(args.need_str("app")?);
    let method_name = args.str("method").unwrap_or("POST").to_ascii_uppercase();
    let method = Method::from_bytes(method_name.as_bytes())
        .map_err(|_| format!("method {method_name:?} is not an HTTP method"))?;
    let path = args.need_str("path")?;
    if !path.starts_with('/') {
        return Err(format!("path must start with /, not {path:?}"));
    }
    let body: Vec<u8> = match args.value("body") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => s.clone().into_bytes(),
        Some(other) => other.to_string().into_bytes(),
    };
    let mut headers = Vec::new();
    if !body.is_empty() {
        headers.push(("content-type", "application/json; charset=UTF-8".to_owned()));
    }
    match args.need_str("auth")? {
        "token" => {
            let token = match args.str("token") {
                Some(name) => match ctx.bindings.get(name) {
                    Some(saved) => saved["accessToken"]
                        .as_str()
                        .ok_or_else(|| format!("step {name:?} saved no accessToken"))?
                        .to_owned(),
                    None => name.to_owned(),
                },
                None => {
                    let answer = request_token(ctx, &app_id, None).await?;
                    check("fetching a token", &answer, None, (200, Some("0000")))?;
                    answer.body["accessToken"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned()
                }
            };
            headers.push((
                "authorization",
                format!("OPEN-ACCESS-TOKEN AccessToken={token}"),
            ));
        }
        "bodySig" => {
            let app = ctx.app(&app_id).await?;
            let key = app["appKey"].as_str().unwrap_or_default();
            let (timestamp, nonce) = (ctx.timestamp().await?, nonce());
            let signature = open_body_signature(&app_id, &timestamp, &nonce, &body, key);
            headers.push((
                "authorization",
                open_body_sig_header(&app_id, &timestamp, &nonce, &signature),
            ));
        }
        "none" => {}
        other => {
            return Err(format!(
                "auth must be token, bodySig or none, not {other:?}"
            ));
        }
    }
    let answer = ctx
        .sandbox
        .request(method.clone(), path, &headers, Some(body), None)
        .await?;
    // Without `expect`, any answer passes: the output shows what came back.
    if let Some(expect) = args.value("expect") {
        check(
            &format!("{method} {path}"),
            &answer,
            Some(expect),
            (200, None),
        )?;
    }
    Ok(answer.body)
}

const WAIT_STATUSES: [&str; 4] = ["delivered", "exhausted", "settled", "pending"];

async fn wait_notification(ctx: &Ctx<'_>, args: &Args) -> Result<Value, String> {
    let id = args.need_str("notification")?;
    let status = args.str("status").unwrap_or("delivered");
    if !WAIT_STATUSES.contains(&status) {
        return Err(format!(
            "status must be one of {}, not {status:?}",
            WAIT_STATUSES.join(", ")
        ));
    }
    let timeout_ms = args.u64("timeoutMs").unwrap_or(10_000).min(300_000);
    let path = format!(
        "/__mock/notifications/{}/wait{}",
        segment(id),
        query(&[
            ("status", Some(status.to_owned())),
            ("timeoutMs", Some(timeout_ms.to_string())),
        ])
    );
    let answer = ctx
        .sandbox
        .request(
            Method::GET,
            &path,
            &[],
            None,
            Some(Duration::from_millis(timeout_ms) + Duration::from_secs(30)),
        )
        .await?;
    match answer.status {
        200 => Ok(answer.body),
        408 => Err(format!(
            "expected notification {id} to be {status} within {timeout_ms} ms, {}",
            describe_state(&answer.body)
        )),
        _ => Err(format!("GET {path} answered {}", answer.summary())),
    }
}

/// Runs one step with its resolved fields and returns its output.
pub async fn execute(ctx: &Ctx<'_>, kind: Kind, args: &Args) -> Result<Value, String> {
    let expect = args.value("expect");
    let app = || args.need_str("app").map(|a| ctx.app_id(a));
    match kind {
        Kind::CreateApp => {
            let body = args.value("app").cloned().unwrap_or_else(|| json!({}));
            control(ctx, Method::POST, "/__mock/apps", Some(body), expect, 201).await
        }
        Kind::UpdateApp => {
            let path = format!("/__mock/apps/{}", segment(&app()?));
            let patch = args.value("patch").cloned();
            control(ctx, Method::PATCH, &path, patch, expect, 200).await
        }
        Kind::Open | Kind::Close => {
            let mut body = pick(
                args,
                &["openId", "subOpenId", "authorizationCode", "callbackUrl"],
            );
            body.insert("appId".into(), Value::String(app()?));
            let path = if kind == Kind::Open {
                "/__mock/payscore/open"
            } else {
                "/__mock/payscore/close"
            };
            control(
                ctx,
                Method::POST,
                path,
                Some(Value::Object(body)),
                expect,
                201,
            )
            .await
        }
        Kind::Advance => {
            let body = json!({ "seconds": args.value("seconds").cloned().unwrap_or(json!(0)) });
            control(
                ctx,
                Method::POST,
                "/__mock/clock/advance",
                Some(body),
                None,
                200,
            )
            .await
        }
        Kind::SetFault => {
            let body = args.value("fault").cloned();
            control(ctx, Method::POST, "/__mock/faults", body, expect, 201).await
        }
        Kind::ClearFault => clear(ctx, "faults", args.str("fault")).await,
        Kind::Stub => {
            let body = args.value("stub").cloned();
            control(ctx, Method::POST, "/__mock/stubs", body, expect, 201).await
        }
        Kind::ClearStub => clear(ctx, "stubs", args.str("stub")).await,
        Kind::WaitNotification => wait_notification(ctx, args).await,
        Kind::RequestToken => {
            let answer = request_token(ctx, &app()?, args.str("signMethod")).await?;
            check(
                "POST /v1/token/access",
                &answer,
                expect,
                (200, Some("0000")),
            )?;
            Ok(answer.body)
        }
        Kind::Call => call(ctx, args).await,
        Kind::ExpectNotification
        | Kind::ExpectDeliveries
        | Kind::ExpectJournal
        | Kind::ExpectAuthorization
        | Kind::ExpectSink => expect::execute(ctx, kind, args).await,
    }
}
