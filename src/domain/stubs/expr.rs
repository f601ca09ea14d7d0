//! One `{{…}}` expression of a stub template: parsed when the stub is added, evaluated per call.

use std::borrow::Cow;

use chrono::{DateTime, Datelike, Timelike, Utc};
use rand::RngExt;
use serde_json::Value;

use super::body::Json;
use super::template::TemplateContext;
use crate::domain::apps::App;
use crate::domain::clock::BEIJING;
use crate::protocol::timefmt::{format_compact, rfc3339_beijing};

/// A parsed expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Expr {
    Now,
    NowCompact,
    NowDate,
    NowRfc3339,
    NowUnix,
    Path,
    Method,
    /// `request.body.` and the names on the way down.
    Body(Vec<String>),
    /// `app.` and the names on the way down.
    App(Vec<String>),
    /// `random.<kind> N`: N characters of the kind's alphabet.
    Random(&'static [u8], usize),
    /// Anything unknown: an empty string.
    Empty,
}

impl Expr {
    /// Reads the text between `{{` and `}}`.
    pub(super) fn parse(expr: &str) -> Self {
        let path = |p: &str| p.split('.').map(str::to_owned).collect();
        match expr.trim() {
            "now" => Expr::Now,
            "now.compact" => Expr::NowCompact,
            "now.date" => Expr::NowDate,
            "now.rfc3339" => Expr::NowRfc3339,
            "now.unix" => Expr::NowUnix,
            "request.path" => Expr::Path,
            "request.method" => Expr::Method,
            expr => {
                if let Some(p) = expr.strip_prefix("request.body.") {
                    Expr::Body(path(p))
                } else if let Some(p) = expr.strip_prefix("app.") {
                    Expr::App(path(p))
                } else if let Some((kind, n)) =
                    expr.strip_prefix("random.").and_then(|r| r.split_once(' '))
                {
                    let n = n.trim().parse::<usize>().unwrap_or(0).min(256);
                    let alphabet: &'static [u8] = match kind {
                        "digits" => b"0123456789",
                        "hex" => b"0123456789abcdef",
                        "alnum" => {
                            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                        }
                        _ => return Expr::Empty,
                    };
                    Expr::Random(alphabet, n)
                } else {
                    Expr::Empty
                }
            }
        }
    }

    /// The expression's value for one call.
    pub(super) fn eval<'a, R: RngExt + ?Sized>(
        &self,
        ctx: &mut TemplateContext<'a, '_, R>,
        clock: &mut Clock,
    ) -> Out<'a> {
        let text = match self {
            Expr::Now => clock.dashed(ctx.now),
            Expr::NowCompact => clock.compact(ctx.now),
            Expr::NowDate => clock.date(ctx.now),
            Expr::NowRfc3339 => clock.rfc3339(ctx.now),
            Expr::NowUnix => ctx.now.timestamp().to_string(),
            Expr::Path => return Out::Text(Cow::Borrowed(ctx.path)),
            Expr::Method => return Out::Text(Cow::Borrowed(ctx.method)),
            Expr::Body(path) => {
                let body: &'a Json<'a> = match ctx.body.json() {
                    Some(json) => json,
                    None => return Out::Missing,
                };
                return path
                    .iter()
                    .try_fold(body, |v, key| v.get(key))
                    .map_or(Out::Missing, Out::Body);
            }
            Expr::App(path) => return app_field(ctx.app, path).unwrap_or(Out::EMPTY),
            Expr::Random(alphabet, n) => random_chars(ctx.rng, alphabet, *n),
            Expr::Empty => return Out::EMPTY,
        };
        Out::Text(Cow::Owned(text))
    }
}

/// `app.<path>`: the app's string fields directly, anything else through the app's JSON.
pub(super) fn app_field<'a>(app: &'a App, path: &[String]) -> Option<Out<'a>> {
    let (first, rest) = path.split_first()?;
    let text = match first.as_str() {
        "appId" => &app.app_id,
        "appKey" => &app.app_key,
        "md5Key" => &app.md5_key,
        "name" => &app.name,
        "mid" => &app.mid,
        "tid" => &app.tid,
        "instMid" => &app.inst_mid,
        "msgSrcId" => &app.msg_src_id,
        "subAppId" => &app.sub_app_id,
        "serviceId" => &app.service_id,
        _ => {
            let json = serde_json::to_value(app).unwrap_or(Value::Null);
            return path
                .iter()
                .try_fold(&json, |v, key| v.get(key.as_str()))
                .cloned()
                .map(Out::Value);
        }
    };
    // A string has no members.
    rest.is_empty().then_some(Out::Text(Cow::Borrowed(text)))
}

/// An expression's value.
#[derive(Debug)]
pub(super) enum Out<'a> {
    /// A string.
    Text(Cow<'a, str>),
    /// A part of the request body.
    Body(&'a Json<'a>),
    /// Any other value.
    Value(Value),
    /// A request member the request lacks: the answer leaves out the member or element it
    /// would have been, and inside a longer string it is empty text.
    Missing,
}

impl<'a> Out<'a> {
    /// What an unknown expression or a missing member renders as.
    pub(super) const EMPTY: Out<'static> = Out::Text(Cow::Borrowed(""));

    /// The text of a string value.
    pub(super) fn as_str(&self) -> Option<&str> {
        match self {
            Out::Text(text) => Some(text),
            Out::Body(json) => json.as_str(),
            Out::Value(value) => value.as_str(),
            Out::Missing => Some(""),
        }
    }

    /// Appends the value as JSON (writing to a `Vec` cannot fail).
    pub(super) fn write_json(&self, out: &mut Vec<u8>) {
        let _ = match self {
            Out::Text(text) => {
                write_json_str(text, out);
                Ok(())
            }
            Out::Body(Json::String(text)) => {
                write_json_str(text, out);
                Ok(())
            }
            Out::Body(json) => serde_json::to_writer(out, json),
            Out::Value(value) => serde_json::to_writer(out, value),
            Out::Missing => {
                out.extend_from_slice(b"\"\"");
                Ok(())
            }
        };
    }

    /// Appends the value inside a longer string: a string as it is, anything else as JSON.
    pub(super) fn push_text(&self, text: &mut String) {
        match self.as_str() {
            Some(s) => text.push_str(s),
            None => text.push_str(&String::from_utf8_lossy(&self.to_json())),
        }
    }

    /// The value as JSON text.
    pub(super) fn to_json(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_json(&mut out);
        out
    }

    #[cfg(test)]
    /// The value itself.
    pub(super) fn into_value(self) -> Value {
        match self {
            Out::Text(text) => Value::String(text.into_owned()),
            Out::Body(json) => json.to_value(),
            Out::Value(value) => value,
            Out::Missing => Value::String(String::new()),
        }
    }
}

/// Appends a JSON string. Most need no escape (serde_json escapes only control characters, `"`
/// and `\`): those are copied as they are, the others written by serde_json.
fn write_json_str(s: &str, out: &mut Vec<u8>) {
    if !s.bytes().any(|b| ESCAPED[usize::from(b)]) {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        let _ = serde_json::to_writer(out, s);
    }
}

/// The bytes serde_json escapes in a string.
const ESCAPED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// `n` characters drawn from `alphabet`: the draws of `apps::generate::chars`, collected as
/// bytes rather than one `char` at a time (every alphabet here is ASCII).
pub(super) fn random_chars<R: RngExt + ?Sized>(rng: &mut R, alphabet: &[u8], n: usize) -> String {
    let bytes: Vec<u8> = (0..n)
        .map(|_| alphabet[rng.random_range(0..alphabet.len())])
        .collect();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Sandbox time in Beijing, the way templates write it, worked out once per answer.
#[derive(Debug, Default)]
pub(super) struct Clock {
    /// `yyyyMMddHHmmss`, or `None` where chrono writes it differently (a year outside
    /// 0–9999, a leap second); not yet worked out while the outer `None`.
    digits: Option<Option<[u8; 14]>>,
}

impl Clock {
    fn digits(&mut self, now: DateTime<Utc>) -> Option<&[u8; 14]> {
        self.digits
            .get_or_insert_with(|| {
                let local = now.with_timezone(&BEIJING).naive_local();
                let year = u32::try_from(local.year()).ok().filter(|y| *y <= 9999)?;
                if local.nanosecond() >= 1_000_000_000 {
                    return None;
                }
                let mut d = [0u8; 14];
                let mut put = |at: usize, width: usize, mut n: u32| {
                    for i in (at..at + width).rev() {
                        d[i] = b'0' + (n % 10) as u8;
                        n /= 10;
                    }
                };
                put(0, 4, year);
                put(4, 2, local.month());
                put(6, 2, local.day());
                put(8, 2, local.hour());
                put(10, 2, local.minute());
                put(12, 2, local.second());
                Some(d)
            })
            .as_ref()
    }

    /// `yyyy-MM-dd HH:mm:ss`
    pub(super) fn dashed(&mut self, now: DateTime<Utc>) -> String {
        match self.digits(now) {
            Some(d) => spliced(d, b"####-##-## ##:##:##"),
            None => now
                .with_timezone(&BEIJING)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string(),
        }
    }

    /// `yyyyMMddHHmmss`
    pub(super) fn compact(&mut self, now: DateTime<Utc>) -> String {
        match self.digits(now) {
            Some(d) => spliced(d, b"##############"),
            None => format_compact(now),
        }
    }

    /// `yyyyMMdd`
    pub(super) fn date(&mut self, now: DateTime<Utc>) -> String {
        match self.digits(now) {
            Some(d) => spliced(d, b"########"),
            None => now.with_timezone(&BEIJING).format("%Y%m%d").to_string(),
        }
    }

    /// RFC 3339 with whole seconds, `+08:00`.
    pub(super) fn rfc3339(&mut self, now: DateTime<Utc>) -> String {
        match self.digits(now) {
            Some(d) => spliced(d, b"####-##-##T##:##:##+08:00"),
            None => rfc3339_beijing(now),
        }
    }
}

/// `pattern` with each `#` replaced by the next digit.
fn spliced(digits: &[u8; 14], pattern: &[u8]) -> String {
    let mut next = digits.iter();
    let bytes: Vec<u8> = pattern
        .iter()
        .map(|&c| match c {
            b'#' => next.next().copied().unwrap_or(b'0'),
            other => other,
        })
        .collect();
    // Digits and ASCII punctuation only.
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
#[path = "expr_tests.rs"]
mod tests;
