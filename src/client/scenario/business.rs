//! The gateway side of the steps: token requests and business calls, signed as a merchant's
//! client signs them — with the app's key, at the time of the app's clock.

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use super::client::Reply;
use super::clock::read;
use super::outcome::{check, said};
use super::steps::{Args, Ctx};
use crate::api::app::App;
use crate::client::Control;
use crate::client::business::body_sig;
use crate::protocol::signing::{TokenSignMethod, token_signature};
use crate::protocol::timefmt::format_compact;

/// An app and the current time of its clock: what a merchant's client signs with.
pub struct AppAt {
    /// The app, keys included.
    pub app: App,
    /// Now, on the app's clock.
    pub now: DateTime<Utc>,
}

impl<C: Control> Ctx<'_, C> {
    /// The app `app_id` and the time of its clock.
    pub async fn app_at(&self, app_id: &str) -> Result<AppAt, String> {
        let app = self
            .control
            .app(app_id)
            .await
            .map_err(|e| format!("cannot read app {app_id}: {}", said(&e)))?;
        let now = read(self.control, &app.clock).await?.now;
        Ok(AppAt { app, now })
    }
}

fn nonce() -> String {
    crate::protocol::generate::hex32(&mut rand::rng())
}

/// Signs and sends a token request for `app_id`, at sandbox time.
pub async fn request_token<C: Control>(
    ctx: &Ctx<'_, C>,
    app_id: &str,
    sign_method: Option<&str>,
) -> Result<Reply, String> {
    let method = match sign_method.unwrap_or("SHA256") {
        "SHA256" => TokenSignMethod::Sha256,
        "SHA1" => TokenSignMethod::Sha1,
        other => return Err(format!("signMethod must be SHA256 or SHA1, not {other:?}")),
    };
    let at = ctx.app_at(app_id).await?;
    let timestamp = format_compact(at.now);
    let nonce = nonce();
    let body = json!({
        "appId": app_id,
        "timestamp": timestamp,
        "nonce": nonce,
        "signMethod": sign_method.unwrap_or("SHA256"),
        "signature": token_signature(method, app_id, &timestamp, &nonce, &at.app.app_key),
    });
    ctx.gateway
        .request(
            Method::POST,
            "/v1/token/access",
            &[("content-type", "application/json".to_owned())],
            Some(body.to_string().into_bytes()),
            None,
        )
        .await
}

/// The `Authorization` of a business call of `app_id` sending `body`: `token` (the `token`
/// field names an earlier `requestToken` step or is a token; without one a fresh token is
/// fetched), `bodySig`, or `none`.
pub async fn authorization<C: Control>(
    ctx: &Ctx<'_, C>,
    app_id: &str,
    auth: &str,
    token: Option<&str>,
    body: &[u8],
) -> Result<Option<String>, String> {
    Ok(match auth {
        "token" => {
            let token = match token {
                Some(name) => match ctx.bindings.get(name) {
                    Some(saved) => saved["accessToken"]
                        .as_str()
                        .ok_or_else(|| format!("step {name:?} saved no accessToken"))?
                        .to_owned(),
                    None => name.to_owned(),
                },
                None => {
                    let answer = request_token(ctx, app_id, None).await?;
                    check("fetching a token", &answer, None, (200, Some("0000")))?;
                    answer.body["accessToken"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned()
                }
            };
            Some(format!("OPEN-ACCESS-TOKEN AccessToken={token}"))
        }
        "bodySig" => {
            let at = ctx.app_at(app_id).await?;
            Some(body_sig(&at.app, at.now, body))
        }
        "none" => None,
        other => {
            return Err(format!(
                "auth must be token, bodySig or none, not {other:?}"
            ));
        }
    })
}

/// The `call` step: any business call, checked against `expect` when it has one.
pub async fn call<C: Control>(ctx: &Ctx<'_, C>, args: &Args) -> Result<Value, String> {
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
    let auth = args.need_str("auth")?;
    if let Some(value) = authorization(ctx, &app_id, auth, args.str("token"), &body).await? {
        headers.push(("authorization", value));
    }
    let answer = ctx
        .gateway
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
