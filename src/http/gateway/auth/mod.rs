//! Authentication of business calls: OPEN-ACCESS-TOKEN, OPEN-BODY-SIG and OPEN-FORM-PARAM.

use std::sync::Arc;

use actix_web::HttpRequest;
use actix_web::http::header::AUTHORIZATION;
use chrono::{DateTime, Utc};
use serde::Serialize;

pub use crate::protocol::header::{Credentials, HeaderError, SignedParams, parse_authorization};

use super::error::AuthError;
use crate::api::journal::TimestampWindow;
use crate::domain::apps::App;
use crate::domain::clock::Clock;
use crate::domain::tokens::TokenLookup;
use crate::protocol::signing::open_body_signature_matches;
use crate::protocol::timefmt::parse_compact;
use crate::sandbox::Sandbox;

/// How a call authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AuthMethod {
    /// A token from `/v1/token/access`.
    #[serde(rename = "OPEN-ACCESS-TOKEN")]
    AccessToken,
    /// An HMAC over the body, in the header.
    #[serde(rename = "OPEN-BODY-SIG")]
    BodySig,
    /// An HMAC over `content`, in the query string.
    #[serde(rename = "OPEN-FORM-PARAM")]
    FormParam,
}

impl AuthMethod {
    /// The scheme's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMethod::AccessToken => "OPEN-ACCESS-TOKEN",
            AuthMethod::BodySig => "OPEN-BODY-SIG",
            AuthMethod::FormParam => "OPEN-FORM-PARAM",
        }
    }
}

/// The outcome of a successful authentication: which app is calling, and how.
#[derive(Debug, Clone)]
pub struct AuthContext {
    /// The calling app.
    pub app: Arc<App>,
    /// The scheme it used.
    pub method: AuthMethod,
    /// For a signed timestamp: which time it matched.
    pub window: Option<TimestampWindow>,
    /// OPEN-FORM-PARAM: the decoded `content`, which carries the request's members in place of
    /// a body.
    pub content: Option<String>,
}

impl AuthContext {
    /// The bytes holding the request's members: the form's `content`, else the body.
    pub fn members<'a>(&'a self, body: &'a [u8]) -> &'a [u8] {
        self.content.as_deref().map_or(body, str::as_bytes)
    }
}

/// The app a request is authenticated as, or why it is not.
///
/// `body` is the exact bytes received: OPEN-BODY-SIG covers them, never a re-serialisation.
/// Only the credentials are judged here; what the members say (whose `mid`) is the business
/// layer's question.
pub fn authenticate(
    state: &Sandbox,
    req: &HttpRequest,
    body: &[u8],
) -> Result<AuthContext, AuthError> {
    match req.headers().get(AUTHORIZATION) {
        Some(value) => {
            let value = value.to_str().map_err(|_| {
                AuthError::MalformedAuthorization("header is not visible ASCII".into())
            })?;
            match parse_authorization(value).map_err(header_error)? {
                Credentials::AccessToken(token) => by_token(state, &token),
                Credentials::BodySig(params) => {
                    let (app, window) = by_signature(state, &params, body)?;
                    Ok(AuthContext {
                        app,
                        method: AuthMethod::BodySig,
                        window: Some(window),
                        content: None,
                    })
                }
            }
        }
        None => match form_params(req.query_string())? {
            Some((params, content)) => {
                let (app, window) = by_signature(state, &params, content.as_bytes())?;
                Ok(AuthContext {
                    app,
                    method: AuthMethod::FormParam,
                    window: Some(window),
                    content: Some(content),
                })
            }
            None => Err(AuthError::MissingAuthorization),
        },
    }
}

/// The existing app a refused call's credentials name: the appId it signed with, or the app of
/// an expired or superseded token.
pub fn claimed_app(state: &Sandbox, req: &HttpRequest) -> Option<String> {
    let app_id = match req.headers().get(AUTHORIZATION) {
        Some(value) => match parse_authorization(value.to_str().ok()?).ok()? {
            Credentials::AccessToken(token) => {
                match state.tokens.lookup(&token, |app| state.clock_of(app).now()) {
                    TokenLookup::Valid(record) | TokenLookup::Expired(record) => record.app_id,
                    TokenLookup::Superseded(app_id) => app_id,
                    TokenLookup::Unknown => return None,
                }
            }
            Credentials::BodySig(params) => params.app_id,
        },
        None => form_params(req.query_string()).ok()??.0.app_id,
    };
    state.apps.contains(&app_id).then_some(app_id)
}

fn header_error(e: HeaderError) -> AuthError {
    match e {
        HeaderError::UnknownScheme(s) => AuthError::UnsupportedScheme(s),
        other => AuthError::MalformedAuthorization(other.to_string()),
    }
}

fn by_token(state: &Sandbox, token: &str) -> Result<AuthContext, AuthError> {
    match state
        .tokens
        .lookup(token, |app_id| state.clock_of(app_id).now())
    {
        TokenLookup::Valid(record) => state
            .apps
            .get(&record.app_id)
            .map(|app| AuthContext {
                app,
                method: AuthMethod::AccessToken,
                window: None,
                content: None,
            })
            .ok_or(AuthError::UnknownToken),
        TokenLookup::Expired(_) => Err(AuthError::ExpiredToken),
        TokenLookup::Superseded(_) => {
            Err(AuthError::SupersededToken(state.config.max_tokens_per_app))
        }
        TokenLookup::Unknown => Err(AuthError::UnknownToken),
    }
}

/// Checks an HMAC-signed request (header or query form) and returns its app, with the time its
/// timestamp matched.
fn by_signature(
    state: &Sandbox,
    params: &SignedParams,
    content: &[u8],
) -> Result<(Arc<App>, TimestampWindow), AuthError> {
    let sent_at = parse_compact(&params.timestamp).map_err(|_| AuthError::TimestampUnparsable)?;
    let window = check_window(
        state.config.timestamp_window_secs,
        sent_at,
        &state.clock_of(&params.app_id),
    )?;
    let app = state
        .apps
        .get(&params.app_id)
        .ok_or(AuthError::UnknownApp)?;
    if !open_body_signature_matches(
        &params.app_id,
        &params.timestamp,
        &params.nonce,
        content,
        &app.app_key,
        &params.signature,
    ) {
        return Err(AuthError::BadSign);
    }
    Ok((app, window))
}

/// Accepts a client-signed timestamp within `window_secs` of the app's sandbox time (`clock`)
/// or of the wall clock, so real client code keeps working after its tenant's clock moved, and
/// says which matched. Farther from both: refused, the skew given against sandbox time. A window
/// of 0 disables the check.
pub fn check_window(
    window_secs: u64,
    sent_at: DateTime<Utc>,
    clock: &Clock,
) -> Result<TimestampWindow, AuthError> {
    let within = |now: DateTime<Utc>| (sent_at - now).num_seconds().unsigned_abs() <= window_secs;
    let now = clock.now();
    if window_secs == 0 || within(now) {
        Ok(TimestampWindow::Sandbox)
    } else if within(clock.wall_now()) {
        Ok(TimestampWindow::Wall)
    } else {
        Err(AuthError::AbnormalRequestTime {
            skew_secs: (sent_at - now).num_seconds(),
            window_secs,
        })
    }
}

/// Reads `?authorization=OPEN-FORM-PARAM&appId=…&timestamp=…&nonce=…&content=…&signature=…`.
/// `Ok(None)` when the query does not use OPEN-FORM-PARAM at all. A `content` that spells a space
/// `%20` is refused as the real test gateway refuses it: it expects Java `URLEncoder` form
/// encoding (a space is `+`), so the raw query is looked at before it is decoded.
pub(crate) fn form_params(query: &str) -> Result<Option<(SignedParams, String)>, AuthError> {
    let mut auth = None;
    let mut fields: [Option<String>; 5] = Default::default();
    const NAMES: [&str; 5] = ["appId", "timestamp", "nonce", "signature", "content"];
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        if key.eq_ignore_ascii_case("authorization") {
            auth = Some(value.into_owned());
        } else if let Some(i) = NAMES.iter().position(|n| n.eq_ignore_ascii_case(&key)) {
            fields[i].get_or_insert_with(|| value.into_owned());
        }
    }
    match auth {
        None => return Ok(None),
        Some(a) if !a.trim().eq_ignore_ascii_case("OPEN-FORM-PARAM") => {
            return Err(AuthError::UnsupportedScheme(a.chars().take(40).collect()));
        }
        Some(_) => {}
    }
    if raw_content(query).is_some_and(|raw| raw.contains("%20")) {
        return Err(AuthError::ContentSpaceAsPercent20);
    }
    let mut take = |i: usize| match fields[i].take() {
        Some(v) if !v.is_empty() || i == 4 => Ok(v),
        _ => Err(AuthError::MalformedAuthorization(format!(
            "OPEN-FORM-PARAM missing {}",
            NAMES[i]
        ))),
    };
    let params = SignedParams {
        app_id: take(0)?,
        timestamp: take(1)?,
        nonce: take(2)?,
        signature: take(3)?,
    };
    Ok(Some((params, take(4)?)))
}

/// The first `content` parameter of a query as it was sent, still percent-encoded (the one the
/// decoded reading keeps, too).
fn raw_content(query: &str) -> Option<&str> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (decoded, _) = url::form_urlencoded::parse(key.as_bytes()).next()?;
        decoded.eq_ignore_ascii_case("content").then_some(value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_raw_content_is_the_first_content_parameter_still_encoded() {
        assert_eq!(
            raw_content("a=1&content=%7B%22a%22%3A%22x+y%22%7D&content=2"),
            Some("%7B%22a%22%3A%22x+y%22%7D")
        );
        assert_eq!(raw_content("Content=x%20y"), Some("x%20y"));
        assert_eq!(raw_content("%63ontent=x"), Some("x"));
        assert_eq!(raw_content("contents=x&content"), Some(""));
        assert_eq!(raw_content("a=content"), None);
    }

    #[test]
    fn a_content_with_a_space_as_percent_20_is_refused_and_as_plus_is_read() {
        let query = |content: &str| {
            format!(
                "authorization=OPEN-FORM-PARAM&appId=a&timestamp=20261125120000&nonce=n&signature=s&content={content}"
            )
        };
        assert_eq!(
            form_params(&query("%7B%22a%22%3A%22x%20y%22%7D")).map(|p| p.is_some()),
            Err(AuthError::ContentSpaceAsPercent20)
        );
        let read = form_params(&query("%7B%22a%22%3A%22x+y%22%7D"));
        assert_eq!(
            read.ok().flatten().map(|(_, c)| c),
            Some(r#"{"a":"x y"}"#.to_owned())
        );
        // Only content is held to it; a query without OPEN-FORM-PARAM is none of its business.
        assert!(form_params("content=x%20y").is_ok_and(|p| p.is_none()));
        assert!(form_params(&format!("{}&extra=x%20y", query("%7B%7D"))).is_ok());
    }
}
