//! Hostile JSON: values of the wrong type, edge values of the right one, broken documents.

use rand::RngExt;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use serde_json::{Value, json};

use crate::helpers::APP_ID;

/// What a field expects, as far as the generator cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Number,
    Bool,
    List,
    Object,
    Any,
}

impl Kind {
    /// Reads an OpenAPI `type` (a string or a list such as `["string", "null"]`).
    pub fn of(schema: &Value) -> Kind {
        let types: Vec<&str> = match &schema["type"] {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let first = types.into_iter().find(|t| *t != "null").unwrap_or("");
        match first {
            "string" => Kind::Text,
            "integer" | "number" => Kind::Number,
            "boolean" => Kind::Bool,
            "array" => Kind::List,
            "object" => Kind::Object,
            _ if schema.get("enum").is_some() => Kind::Text,
            _ => Kind::Any,
        }
    }
}

/// A body field: its name, the type the document gives it, and the values it lists, if any.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub kind: Kind,
    pub choices: Vec<Value>,
}

impl Field {
    pub fn new(name: &str, kind: Kind) -> Field {
        Field {
            name: name.to_owned(),
            kind,
            choices: Vec::new(),
        }
    }

    /// Often a documented value (mostly, when few wrong types are wanted), else a hostile one.
    fn value(&self, rng: &mut StdRng, wrong: f64) -> String {
        let documented = if wrong < 0.1 { 0.8 } else { 0.5 };
        match self.choices.choose(rng) {
            Some(choice) if rng.random_bool(documented) => choice.to_string(),
            _ => value_for(self.kind, rng, wrong),
        }
    }
}

/// Strings that have broken parsers, formatters and templates before.
const NASTY: &[&str] = &[
    "",
    " ",
    "\u{0}",
    "\u{0}\u{1}\u{7f}",
    "\r\n\r\nHTTP/1.1 200 OK\r\n",
    "é漢字🙂\u{202e}\u{2028}\u{feff}",
    "%00%zz%E0%A4%A",
    "../../../../etc/passwd",
    "{{request.body.mid}}{{random.hex 999999999}}{{now.compact",
    "{{random.digits -1}}{{random.alnum 18446744073709551616}}",
    "'; DROP TABLE apps; --",
    "<script>alert(1)</script>",
    "00000000000000000000000000000000",
    "99999999999999999999999999999999999999",
    "20261125120060",
    "99991231235959",
    "00000101000000",
    "9999-12-31T23:59:59+08:00",
    "0000-01-01T00:00:00Z",
    "2026-11-25T12:00:00+14:00",
    "-1",
    "NaN",
    "Infinity",
    "SHA256",
    "NONE",
    "gateway",
    "http://127.0.0.1:1/chinaums/notify",
    "http://[::1",
    "ftp://x",
    "/v1/*",
    "*",
    APP_ID,
];

const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "-1",
    "1.5",
    "-0.0",
    "1e308",
    "-1e308",
    "1e-320",
    "9007199254740993",
    "2147483648",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "340282366920938463463374607431768211456",
    "1E400",
];

/// A string, sometimes huge.
pub fn text(rng: &mut StdRng) -> String {
    match rng.random_range(0..10) {
        0 => {
            let unit = NASTY.choose(rng).copied().unwrap_or("x");
            let unit = if unit.is_empty() { "A" } else { unit };
            unit.repeat(rng.random_range(1_000..20_000) / unit.len().max(1) + 1)
        }
        1 => (0..rng.random_range(1..64))
            .map(|_| char::from_u32(rng.random_range(0..0x11_0000)).unwrap_or('\u{fffd}'))
            .collect(),
        _ => NASTY.choose(rng).copied().unwrap_or_default().to_owned(),
    }
}

/// A JSON number as text (some beyond what any Rust type holds).
pub fn number(rng: &mut StdRng) -> String {
    if rng.random_bool(0.3) {
        return rng.random::<i64>().to_string();
    }
    NUMBERS.choose(rng).copied().unwrap_or("0").to_owned()
}

/// Nested arrays and objects, sometimes past serde_json's depth limit.
pub fn deep(rng: &mut StdRng) -> String {
    let depth = *[5usize, 127, 129, 1_000, 20_000].choose(rng).unwrap_or(&5);
    let (open, close) = if rng.random_bool(0.5) {
        ("[", "]")
    } else {
        ("{\"a\":", "}")
    };
    let closed = rng.random_bool(0.7);
    let mut s = open.repeat(depth);
    s.push_str("null");
    if closed {
        s.push_str(&close.repeat(depth));
    }
    s
}

/// A value for a field expecting `kind`: of another type with probability `wrong`, else an
/// edge of its own.
pub fn value_for(kind: Kind, rng: &mut StdRng, wrong: f64) -> String {
    let wrong = kind == Kind::Any || rng.random_bool(wrong);
    let pick = if wrong {
        let others: Vec<Kind> = [
            Kind::Text,
            Kind::Number,
            Kind::Bool,
            Kind::List,
            Kind::Object,
        ]
        .into_iter()
        .filter(|k| *k != kind)
        .collect();
        others.choose(rng).copied().unwrap_or(Kind::Any)
    } else {
        kind
    };
    match pick {
        Kind::Text => json!(text(rng)).to_string(),
        Kind::Number => number(rng),
        Kind::Bool => ["true", "false", "null"]
            .choose(rng)
            .copied()
            .unwrap_or("null")
            .to_owned(),
        Kind::List => match rng.random_range(0..4) {
            0 => "[]".to_owned(),
            1 => deep(rng),
            _ => format!("[{}, {}]", number(rng), json!(text(rng))),
        },
        Kind::Object => match rng.random_range(0..4) {
            0 => "{}".to_owned(),
            1 => deep(rng),
            _ => format!(
                "{{\"{}\": {}}}",
                text(rng).replace(['"', '\\'], ""),
                number(rng)
            ),
        },
        Kind::Any => "null".to_owned(),
    }
}

/// Field names the control API reads somewhere, for routes without a request schema.
pub const FIELDS: &[&str] = &[
    "appId",
    "appKey",
    "md5Key",
    "openId",
    "subOpenId",
    "authorizationCode",
    "callbackUrl",
    "seconds",
    "now",
    "frozen",
    "name",
    "steps",
    "seed",
    "mid",
    "notify",
    "format",
    "ack",
    "signType",
    "signMethod",
    "retrySchedule",
    "giveUpAfterSeconds",
    "timeoutMs",
    "rule",
    "fields",
    "content",
    "body",
    "payload",
    "timestamp",
    "nonce",
    "signature",
    "id",
    "state",
    "path",
    "method",
    "response",
    "responses",
    "target",
    "action",
    "httpStatus",
    "delayMs",
];

/// A request body: a JSON object over `fields` with hostile values, or a broken document.
pub fn body(fields: &[Field], rng: &mut StdRng) -> Vec<u8> {
    let object = |members: Vec<String>| format!("{{{}}}", members.join(",")).into_bytes();
    match rng.random_range(0..24) {
        0..=8 => {
            let n = rng.random_range(1..=fields.len().clamp(1, 6));
            let mut members = Vec::new();
            for _ in 0..n {
                if let Some(f) = fields.choose(rng) {
                    members.push(format!("{}:{}", json!(f.name), f.value(rng, 0.6)));
                }
            }
            object(members)
        }
        // Plausible: every field with documented values, plus a few more of the right type with
        // edge values, so requests get past the parser into the code behind it.
        9..=12 => {
            let mut members: Vec<String> = fields
                .iter()
                .filter(|f| !f.choices.is_empty())
                .map(|f| format!("{}:{}", json!(f.name), f.value(rng, 0.05)))
                .collect();
            for _ in 0..rng.random_range(1..4) {
                if let Some(f) = fields.choose(rng) {
                    members.push(format!("{}:{}", json!(f.name), f.value(rng, 0.05)));
                }
            }
            object(members)
        }
        13 => Vec::new(),
        14 => b" \r\n\t ".to_vec(),
        15 => deep(rng).into_bytes(),
        16 => [
            b"\xff\xfe{\"appId\":\"".as_slice(),
            b"\xc0\xaf\xed\xa0\x80",
            b"\"}",
        ]
        .concat(),
        17 => b"\xef\xbb\xbf{}".to_vec(),
        18 => value_for(Kind::Any, rng, 1.0).into_bytes(),
        19 => BROKEN
            .choose(rng)
            .copied()
            .unwrap_or("{")
            .as_bytes()
            .to_vec(),
        20 => format!("[{}]", value_for(Kind::Text, rng, 0.0)).into_bytes(),
        21 => format!(
            "{{\"appId\":{},\"appId\":{}}}",
            json!(APP_ID),
            value_for(Kind::Text, rng, 0.6)
        )
        .into_bytes(),
        22 => (0..rng.random_range(1..256))
            .map(|_| rng.random::<u8>())
            .collect(),
        _ => json!(text(rng)).to_string().into_bytes(),
    }
}

/// Documents that are not JSON, or not quite.
const BROKEN: &[&str] = &[
    "[1,2",
    "{\"a\":1,}",
    "{'a':1}",
    "{\"a\":NaN}",
    "/* */{}",
    "{\"a\":1}{\"b\":2}",
    "{\"a\"",
    "nul",
    "\"",
    "{\"a\":\"\\ud800\"}",
];
