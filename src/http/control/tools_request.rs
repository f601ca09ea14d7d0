//! The body of `/__mock/tools/sign` and `/__mock/tools/verify`, checked and completed: the
//! rule, the key (from the request or the app), defaults for timestamp and nonce.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::domain::apps::AppError;
use crate::http::control::ControlError;
use crate::http::gateway::auth::{Credentials, parse_authorization};
use crate::protocol::generate::hex32;
use crate::protocol::signing::{NotifySignType, TokenSignMethod};
use crate::protocol::timefmt::format_compact;
use crate::sandbox::Sandbox;

/// What a tool request may carry. `signature`, `header`, `sign` and `canonical` are what the
/// client sent, read by `verify` only.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct ToolRequest {
    rule: Option<String>,
    app_id: Option<String>,
    app_key: Option<String>,
    md5_key: Option<String>,
    timestamp: Option<String>,
    nonce: Option<String>,
    sign_method: Option<String>,
    body: Option<String>,
    content: Option<String>,
    fields: Option<Map<String, Value>>,
    sign_type: Option<String>,
    signature: Option<String>,
    header: Option<String>,
    sign: Option<String>,
    canonical: Option<String>,
}

/// The signing rules the tools know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Rule {
    Token,
    OpenBodySig,
    OpenFormParam,
    Notify,
}

impl Rule {
    const ALL: [Rule; 4] = [
        Rule::Token,
        Rule::OpenBodySig,
        Rule::OpenFormParam,
        Rule::Notify,
    ];

    pub(super) fn name(self) -> &'static str {
        match self {
            Rule::Token => "token",
            Rule::OpenBodySig => "openBodySig",
            Rule::OpenFormParam => "openFormParam",
            Rule::Notify => "notify",
        }
    }

    /// The request fields this rule reads, for error messages.
    fn inputs(self) -> &'static str {
        match self {
            Rule::Token => "appId, appKey, timestamp, nonce, signMethod",
            Rule::OpenBodySig => "appId, appKey, timestamp, nonce, body",
            Rule::OpenFormParam => "appId, appKey, timestamp, nonce, content",
            Rule::Notify => "appId, md5Key, fields, signType",
        }
    }
}

/// Whether the request is for `sign` or `verify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Sign,
    Verify,
}

/// A request's inputs, complete for its rule.
#[derive(Debug)]
pub(super) struct Resolved {
    pub rule: Rule,
    /// The appKey (token and body rules) or the md5Key (notify).
    pub key: String,
    /// `app` when the key came from the app named by `appId`, else `request`.
    pub key_source: &'static str,
    /// The app's other key, tried by the hints: md5Key for appKey rules and vice versa.
    pub other_key: Option<String>,
    pub app_id: String,
    pub timestamp: String,
    pub nonce: String,
    pub method: TokenSignMethod,
    /// `body` or `content`.
    pub content: String,
    pub fields: Vec<(String, String)>,
    pub sign_type: NotifySignType,
    /// What the client sent (verify only): the signature or sign.
    pub received: String,
    /// The string the client says it signed (verify only).
    pub canonical: Option<String>,
}

fn invalid(message: impl Into<String>) -> ControlError {
    ControlError::Validation(message.into())
}

impl ToolRequest {
    /// Checks the request for `mode` and fills in keys and defaults.
    pub(super) fn resolve(mut self, state: &Sandbox, mode: Mode) -> Result<Resolved, ControlError> {
        let rule = self.rule()?;
        self.check_fields(rule, mode)?;
        if mode == Mode::Verify {
            self.apply_header()?;
        }
        let app_id = self.app_id.clone();
        if rule != Rule::Notify && app_id.as_deref().is_none_or(str::is_empty) {
            return Err(invalid(format!(
                "appId is required for rule {}",
                rule.name()
            )));
        }
        let app = app_id.as_deref().and_then(|id| state.apps.get(id));
        let (given, other_given, key_name) = match rule {
            Rule::Notify => (self.md5_key.take(), self.app_key.take(), "md5Key"),
            _ => (self.app_key.take(), self.md5_key.take(), "appKey"),
        };
        let from_app = |app: &crate::domain::apps::App| match rule {
            Rule::Notify => (app.md5_key.clone(), app.app_key.clone()),
            _ => (app.app_key.clone(), app.md5_key.clone()),
        };
        let (key, key_source) = match (given, &app) {
            (Some(k), _) if k.is_empty() => {
                return Err(invalid(format!("{key_name} must not be empty")));
            }
            (Some(k), _) => (k, "request"),
            (None, Some(app)) => (from_app(app).0, "app"),
            (None, None) => {
                return Err(match app_id {
                    Some(id) => AppError::NotFound(id).into(),
                    None => invalid(format!(
                        "{key_name} is required (or the appId of a known app)"
                    )),
                });
            }
        };
        let other_key = other_given.or_else(|| app.as_ref().map(|a| from_app(a).1));
        let (timestamp, nonce) =
            self.timestamp_and_nonce(state, app_id.as_deref().unwrap_or_default(), rule, mode)?;
        let (fields, sign_type) = self.notify_inputs(rule)?;
        let received = self.received(rule, mode, &fields)?;
        let content = match rule {
            Rule::OpenBodySig => self.body.take().ok_or_else(|| {
                invalid("body is required for rule openBodySig: the exact request body (\"\" for none)")
            })?,
            Rule::OpenFormParam => self.content.take().ok_or_else(|| {
                invalid("content is required for rule openFormParam: the decoded content parameter (\"\" for none)")
            })?,
            _ => String::new(),
        };
        Ok(Resolved {
            rule,
            key,
            key_source,
            other_key,
            app_id: app_id.unwrap_or_default(),
            timestamp,
            nonce,
            method: self.sign_method()?,
            content,
            fields,
            sign_type,
            received,
            canonical: self.canonical.take(),
        })
    }

    fn rule(&self) -> Result<Rule, ControlError> {
        let names = || Rule::ALL.map(Rule::name).join(", ");
        let given = self
            .rule
            .as_deref()
            .ok_or_else(|| invalid(format!("rule is required: one of {}", names())))?;
        Rule::ALL
            .into_iter()
            .find(|r| r.name().eq_ignore_ascii_case(given.trim()))
            .ok_or_else(|| invalid(format!("rule must be one of {}, got {given:?}", names())))
    }

    /// Rejects fields that the route or the rule would silently ignore: they are mistakes.
    fn check_fields(&self, rule: Rule, mode: Mode) -> Result<(), ControlError> {
        let verify_only = [
            ("signature", self.signature.is_some()),
            ("header", self.header.is_some()),
            ("sign", self.sign.is_some()),
            ("canonical", self.canonical.is_some()),
        ];
        if mode == Mode::Sign
            && let Some((field, _)) = verify_only.iter().find(|(_, given)| *given)
        {
            return Err(invalid(format!(
                "{field} is what a client sent: give it to /__mock/tools/verify"
            )));
        }
        let is = |r: Rule| rule == r;
        let unused = [
            ("signMethod", self.sign_method.is_some() && !is(Rule::Token)),
            ("body", self.body.is_some() && !is(Rule::OpenBodySig)),
            (
                "content",
                self.content.is_some() && !is(Rule::OpenFormParam),
            ),
            ("fields", self.fields.is_some() && !is(Rule::Notify)),
            ("signType", self.sign_type.is_some() && !is(Rule::Notify)),
            ("timestamp", self.timestamp.is_some() && is(Rule::Notify)),
            ("nonce", self.nonce.is_some() && is(Rule::Notify)),
            ("header", self.header.is_some() && !is(Rule::OpenBodySig)),
            ("sign", self.sign.is_some() && !is(Rule::Notify)),
            ("signature", self.signature.is_some() && is(Rule::Notify)),
        ];
        match unused.iter().find(|(_, bad)| *bad) {
            Some((field, _)) => Err(invalid(format!(
                "{field} is not used by rule {}, which reads {}",
                rule.name(),
                rule.inputs()
            ))),
            None => Ok(()),
        }
    }

    /// Takes AppId, Timestamp, Nonce and Signature from a full OPEN-BODY-SIG header.
    fn apply_header(&mut self) -> Result<(), ControlError> {
        let Some(header) = self.header.take() else {
            return Ok(());
        };
        if self.signature.is_some() {
            return Err(invalid("give signature or header, not both"));
        }
        let params = match parse_authorization(&header) {
            Ok(Credentials::BodySig(params)) => params,
            Ok(Credentials::AccessToken(_)) => {
                return Err(invalid(
                    "header must be an OPEN-BODY-SIG Authorization value",
                ));
            }
            Err(e) => return Err(invalid(format!("header cannot be read: {e}"))),
        };
        for (field, given, from_header) in [
            ("appId", &mut self.app_id, params.app_id),
            ("timestamp", &mut self.timestamp, params.timestamp),
            ("nonce", &mut self.nonce, params.nonce),
        ] {
            match given {
                Some(v) if *v != from_header => {
                    return Err(invalid(format!(
                        "{field} {v:?} differs from the header's {from_header:?}"
                    )));
                }
                _ => *given = Some(from_header),
            }
        }
        self.signature = Some(params.signature);
        Ok(())
    }

    fn timestamp_and_nonce(
        &mut self,
        state: &Sandbox,
        app_id: &str,
        rule: Rule,
        mode: Mode,
    ) -> Result<(String, String), ControlError> {
        if rule == Rule::Notify {
            return Ok((String::new(), String::new()));
        }
        let required =
            |field: &str| invalid(format!("{field} is required: the one the client sent"));
        let timestamp = match (self.timestamp.take(), mode) {
            (Some(t), _) => t,
            (None, Mode::Sign) => format_compact(state.clock_of(app_id).now()),
            (None, Mode::Verify) => return Err(required("timestamp")),
        };
        let nonce = match (self.nonce.take(), mode) {
            (Some(n), _) => n,
            (None, Mode::Sign) => hex32(&mut *state.rng.lock()),
            (None, Mode::Verify) => return Err(required("nonce")),
        };
        Ok((timestamp, nonce))
    }

    fn sign_method(&self) -> Result<TokenSignMethod, ControlError> {
        match self.sign_method.as_deref().map(str::trim) {
            None => Ok(TokenSignMethod::Sha256),
            Some(m) if m.eq_ignore_ascii_case("SHA256") => Ok(TokenSignMethod::Sha256),
            Some(m) if m.eq_ignore_ascii_case("SHA1") => Ok(TokenSignMethod::Sha1),
            Some(m) => Err(invalid(format!(
                "signMethod must be SHA256 or SHA1, got {m:?}"
            ))),
        }
    }

    /// The fields in the order given (objects and arrays as their compact JSON text, the way a
    /// JSON-format notification signs `resource`), and the hash: `signType`, else the fields'
    /// own `signType`, else MD5 (a notification without `signType` is a legacy MD5 one).
    fn notify_inputs(
        &mut self,
        rule: Rule,
    ) -> Result<(Vec<(String, String)>, NotifySignType), ControlError> {
        if rule != Rule::Notify {
            return Ok((Vec::new(), NotifySignType::Sha256));
        }
        let map = self.fields.take().ok_or_else(|| {
            invalid("fields is required for rule notify: the notification's fields as received")
        })?;
        let mut fields = Vec::with_capacity(map.len());
        for (k, v) in map {
            let text = match v {
                Value::String(s) => s,
                Value::Object(_) | Value::Array(_) => v.to_string(),
                _ => return Err(invalid(format!("fields.{k} must be a string"))),
            };
            fields.push((k, text));
        }
        let parse = |s: &str| match s.trim() {
            t if t.eq_ignore_ascii_case("SHA256") => Some(NotifySignType::Sha256),
            t if t.eq_ignore_ascii_case("MD5") => Some(NotifySignType::Md5),
            _ => None,
        };
        let sign_type = match self.sign_type.as_deref() {
            Some(s) => parse(s)
                .ok_or_else(|| invalid(format!("signType must be SHA256 or MD5, got {s:?}")))?,
            None => fields
                .iter()
                .find(|(k, _)| k == "signType")
                .map_or(Some(NotifySignType::Md5), |(_, v)| parse(v))
                .unwrap_or(NotifySignType::Sha256),
        };
        Ok((fields, sign_type))
    }

    /// The signature the client sent; empty for `sign`.
    fn received(
        &mut self,
        rule: Rule,
        mode: Mode,
        fields: &[(String, String)],
    ) -> Result<String, ControlError> {
        if mode == Mode::Sign {
            return Ok(String::new());
        }
        match rule {
            Rule::Notify => self
                .sign
                .take()
                .or_else(|| {
                    fields
                        .iter()
                        .find(|(k, _)| k == "sign")
                        .map(|(_, v)| v.clone())
                })
                .ok_or_else(|| invalid("sign is required (or fields.sign): the sign to check")),
            Rule::OpenBodySig => self.signature.take().ok_or_else(|| {
                invalid("signature (or header) is required: the one the client sent")
            }),
            _ => self
                .signature
                .take()
                .ok_or_else(|| invalid("signature is required: the one the client sent")),
        }
    }
}
