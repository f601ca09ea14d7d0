//! One hostile request per case number, the same every run for the same seed.

use chinaums_mock::signing::{open_body_sig_header, open_body_signature};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use serde_json::Value;

use super::raw;
use super::values::{self, Kind};
use crate::helpers::{APP_ID, APP_KEY, MID, VECTOR_NONCE, VECTOR_TS};

/// A documented control route, its path parameters still in braces.
#[derive(Debug, Clone)]
pub struct Route {
    pub method: String,
    pub path: String,
    pub query: Vec<String>,
    pub fields: Vec<(String, Kind)>,
}

/// Every operation in the OpenAPI document, with the fields of its request body.
pub fn routes(doc: &Value) -> Vec<Route> {
    let schemas = &doc["components"]["schemas"];
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let query = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "query")
                .filter_map(|p| p["name"].as_str().map(str::to_owned))
                .collect();
            let schema = &op["requestBody"]["content"]["application/json"]["schema"];
            let schema = match schema["$ref"].as_str() {
                Some(r) => &schemas[r.rsplit('/').next().unwrap_or_default()],
                None => schema,
            };
            let mut fields: Vec<(String, Kind)> = schema["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(name, s)| (name.clone(), Kind::of(s)))
                .collect();
            if fields.is_empty() {
                fields = values::FIELDS
                    .iter()
                    .map(|f| ((*f).to_owned(), Kind::Any))
                    .collect();
            }
            out.push(Route {
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                query,
                fields,
            });
        }
    }
    out
}

/// One request to make.
pub enum Case {
    /// Sent with an HTTP client, so the request itself is well-formed HTTP.
    Http {
        method: reqwest::Method,
        path_and_query: String,
        headers: Vec<(String, Vec<u8>)>,
        body: Vec<u8>,
    },
    /// Bytes written to a socket as they are.
    Raw(Vec<u8>),
}

impl Case {
    /// One line for a failure message.
    pub fn describe(&self) -> String {
        let (head, body) = match self {
            Case::Http {
                method,
                path_and_query,
                headers,
                body,
            } => (
                format!("{method} {path_and_query} ({} headers)", headers.len()),
                body.as_slice(),
            ),
            Case::Raw(bytes) => ("raw".to_owned(), bytes.as_slice()),
        };
        let mut text: String = String::from_utf8_lossy(body).chars().take(160).collect();
        if body.len() > 160 {
            text.push_str(&format!("… ({} bytes)", body.len()));
        }
        format!("{head}: {text:?}")
    }
}

impl Case {
    /// Whether the request head passes what the HTTP layer reads (96 headers, 32 KiB); it is
    /// answered 431 and its connection closed.
    pub fn head_too_large(&self) -> bool {
        match self {
            Case::Raw(_) => false,
            Case::Http {
                path_and_query,
                headers,
                ..
            } => {
                let size: usize = headers.iter().map(|(k, v)| k.len() + v.len() + 4).sum();
                headers.len() > 80 || size + path_and_query.len() > 16 * 1024
            }
        }
    }

    /// The request as bytes on the wire, for what an HTTP client refuses to build.
    pub fn to_raw(&self) -> Vec<u8> {
        match self {
            Case::Raw(bytes) => bytes.clone(),
            Case::Http {
                method,
                path_and_query,
                headers,
                body,
            } => {
                let mut out = format!(
                    "{method} {path_and_query} HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n"
                )
                .into_bytes();
                for (name, value) in headers {
                    out.extend_from_slice(name.as_bytes());
                    out.extend_from_slice(b": ");
                    out.extend_from_slice(value);
                    out.extend_from_slice(b"\r\n");
                }
                out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
                out.extend_from_slice(body);
                out
            }
        }
    }
}

/// What the generator needs to know about the sandbox under test.
pub struct Target {
    pub routes: Vec<Route>,
    pub token: String,
    pub limit: usize,
    pub seed: u64,
}

const ODD_METHODS: &[&str] = &[
    "PUT",
    "PATCH",
    "DELETE",
    "OPTIONS",
    "HEAD",
    "TRACE",
    "GET",
    "POST",
    "PROPFIND",
    "X-HOSTILE",
];

const CONTENT_TYPES: &[&str] = &[
    "application/json",
    "application/json; charset=GBK",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=",
    "application/vnd.api+json",
    "application/json; charset=\"",
    ";;;",
    "*/*",
    "\u{e9}",
];

impl Target {
    /// The request for case `n`, and what kind of case it is.
    pub fn case(&self, n: u64) -> (&'static str, Case) {
        let mut rng = StdRng::seed_from_u64(self.seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        match rng.random_range(0..100) {
            0..=29 => ("control", self.control(&mut rng)),
            30..=44 => ("token", self.token_call(&mut rng)),
            45..=69 => ("business", self.business(&mut rng)),
            70..=75 => ("flood", self.flood(&mut rng)),
            76..=77 => ("oversized", self.oversized(&mut rng)),
            78..=79 => ("huge", self.huge(&mut rng)),
            _ => ("raw", Case::Raw(raw::request(&mut rng, self.limit))),
        }
    }

    fn control(&self, rng: &mut StdRng) -> Case {
        let Some(route) = self.routes.choose(rng) else {
            return Case::Raw(Vec::new());
        };
        let method = if rng.random_bool(0.85) {
            route.method.clone()
        } else {
            ODD_METHODS.choose(rng).copied().unwrap_or("GET").to_owned()
        };
        let path = substitute(&route.path, rng);
        let query = if rng.random_bool(0.3) {
            query(&route.query, rng)
        } else {
            String::new()
        };
        let mut headers = Vec::new();
        if rng.random_bool(0.8) {
            headers.push(content_type(rng));
        }
        http(
            &method,
            format!("{path}{query}"),
            headers,
            values::body(&route.fields, rng),
        )
    }

    fn token_call(&self, rng: &mut StdRng) -> Case {
        let fields: Vec<(String, Kind)> =
            ["appId", "timestamp", "nonce", "signMethod", "signature"]
                .iter()
                .map(|f| ((*f).to_owned(), Kind::Text))
                .collect();
        let method = if rng.random_bool(0.9) {
            "POST"
        } else {
            ODD_METHODS.choose(rng).copied().unwrap_or("GET")
        };
        let mut headers = Vec::new();
        if rng.random_bool(0.7) {
            headers.push(("content-type".to_owned(), b"application/json".to_vec()));
        } else if rng.random_bool(0.5) {
            headers.push(content_type(rng));
        }
        let q = if rng.random_bool(0.1) {
            query(&[], rng)
        } else {
            String::new()
        };
        http(
            method,
            format!("/v1/token/access{q}"),
            headers,
            values::body(&fields, rng),
        )
    }

    fn business(&self, rng: &mut StdRng) -> Case {
        let version = ["v1", "V2", "v0", "v99999999999999999999999"]
            .choose(rng)
            .copied()
            .unwrap_or("v1");
        let service = [
            "netpay/wx/unified-order",
            "netpay/query",
            "",
            "a/../../__mock/reset",
            "%2e%2e/%2e%2e/__mock/apps",
            "x%00y",
            "漢字/🙂",
            "a//b///c",
        ]
        .choose(rng)
        .copied()
        .unwrap_or_default();
        let method = ODD_METHODS.choose(rng).copied().unwrap_or("POST");
        let body = if rng.random_bool(0.5) {
            values::body(
                &[
                    ("mid".to_owned(), Kind::Text),
                    ("totalAmount".to_owned(), Kind::Number),
                ],
                rng,
            )
        } else {
            format!(
                "{{\"mid\":\"{MID}\",\"merOrderId\":{}}}",
                values::value_for(Kind::Text, rng)
            )
            .into_bytes()
        };
        let mut headers = vec![("content-type".to_owned(), b"application/json".to_vec())];
        let mut q = String::new();
        match rng.random_range(0..8) {
            0 => {}
            1 => headers.push((
                "authorization".to_owned(),
                format!("OPEN-ACCESS-TOKEN AccessToken={}", self.token).into_bytes(),
            )),
            2 => {
                let sig = open_body_signature(APP_ID, VECTOR_TS, VECTOR_NONCE, &body, APP_KEY);
                headers.push((
                    "authorization".to_owned(),
                    open_body_sig_header(APP_ID, VECTOR_TS, VECTOR_NONCE, &sig).into_bytes(),
                ));
            }
            3 => {
                let content = String::from_utf8_lossy(&body).into_owned();
                let sig = open_body_signature(
                    APP_ID,
                    VECTOR_TS,
                    VECTOR_NONCE,
                    content.as_bytes(),
                    APP_KEY,
                );
                q = url::form_urlencoded::Serializer::new("?".to_owned())
                    .extend_pairs([
                        ("authorization", "OPEN-FORM-PARAM"),
                        ("appId", APP_ID),
                        ("timestamp", VECTOR_TS),
                        ("nonce", VECTOR_NONCE),
                        ("content", &content),
                        ("signature", &sig),
                    ])
                    .finish();
            }
            4 => {
                q = query(
                    &[
                        "authorization",
                        "appId",
                        "timestamp",
                        "nonce",
                        "content",
                        "signature",
                    ]
                    .map(str::to_owned),
                    rng,
                )
            }
            _ => headers.push(("authorization".to_owned(), garbage_authorization(rng))),
        }
        http(method, format!("/{version}/{service}{q}"), headers, body)
    }

    fn flood(&self, rng: &mut StdRng) -> Case {
        let mut case = self.control(rng);
        if let Case::Http { headers, .. } = &mut case {
            if rng.random_bool(0.5) {
                for i in 0..rng.random_range(50..400) {
                    headers.push((
                        format!("x-flood-{i}"),
                        values::text(rng)
                            .into_bytes()
                            .into_iter()
                            .filter(|b| *b >= 0x20 && *b != 0x7f)
                            .take(200)
                            .collect(),
                    ));
                }
            } else {
                let len = *[8_000usize, 16_000, 40_000, 100_000]
                    .choose(rng)
                    .unwrap_or(&8_000);
                let name = ["authorization", "content-type", "x-long", "cookie"]
                    .choose(rng)
                    .copied()
                    .unwrap_or("x-long");
                headers.push((name.to_owned(), vec![b'a'; len]));
            }
        }
        case
    }

    fn oversized(&self, rng: &mut StdRng) -> Case {
        let mut case = if rng.random_bool(0.5) {
            self.control(rng)
        } else {
            self.business(rng)
        };
        if let Case::Http { body, method, .. } = &mut case {
            *method = reqwest::Method::POST;
            *body = vec![b'{'; self.limit + rng.random_range(1..4096)];
        }
        case
    }

    /// A body just under the limit: one huge JSON string.
    fn huge(&self, rng: &mut StdRng) -> Case {
        let mut case = if rng.random_bool(0.5) {
            self.control(rng)
        } else {
            self.token_call(rng)
        };
        if let Case::Http { body, .. } = &mut case {
            let len = self.limit.saturating_sub(rng.random_range(16..4096)).max(2);
            let mut b = vec![b'a'; len];
            b[0] = b'"';
            b[len - 1] = b'"';
            *body = b;
        }
        case
    }
}

fn http(
    method: &str,
    path_and_query: String,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
) -> Case {
    Case::Http {
        method: reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET),
        path_and_query,
        headers,
        body,
    }
}

fn content_type(rng: &mut StdRng) -> (String, Vec<u8>) {
    let value = CONTENT_TYPES.choose(rng).copied().unwrap_or_default();
    ("content-type".to_owned(), value.as_bytes().to_vec())
}

/// Path parameters: a real fixture id, an unknown one, or garbage that still stays one segment.
fn substitute(path: &str, rng: &mut StdRng) -> String {
    path.split('/')
        .map(|segment| {
            if !segment.starts_with('{') {
                return segment.to_owned();
            }
            let choices = [
                APP_ID.to_owned(),
                "ffffffffffffffffffffffffffffffff".to_owned(),
                "EV-2026112512000000001".to_owned(),
                "flt-1".to_owned(),
                "stb-1".to_owned(),
                "%00".to_owned(),
                "%zz%".to_owned(),
                "%E6%BC%A2%F0%9F%99%82".to_owned(),
                "..".to_owned(),
                "a".repeat(rng.random_range(1..9_000)),
            ];
            choices.choose(rng).cloned().unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// A query string: documented names with hostile values, repeats, broken escapes.
fn query(names: &[String], rng: &mut StdRng) -> String {
    let mut parts = Vec::new();
    for _ in 0..rng.random_range(1..6) {
        let name = names
            .choose(rng)
            .cloned()
            .unwrap_or_else(|| "limit".to_owned());
        let value = [
            "-1",
            "0",
            "abc",
            "18446744073709551616",
            "1e9",
            "%",
            "%zz",
            "%E0%A4%A",
            "%00",
            "a%20b+c",
            "",
            "true",
            "OPEN-FORM-PARAM",
            "delivered",
        ]
        .choose(rng)
        .copied()
        .unwrap_or_default();
        parts.push(match rng.random_range(0..5) {
            0 => name,
            1 => format!("{name}={value}&{name}={value}"),
            2 => format!("={value}"),
            _ => format!("{name}={value}"),
        });
    }
    let joiner = if rng.random_bool(0.8) { "&" } else { ";&&" };
    format!("?{}", parts.join(joiner))
}

fn garbage_authorization(rng: &mut StdRng) -> Vec<u8> {
    let options: [Vec<u8>; 12] = [
        b"".to_vec(),
        b"   ".to_vec(),
        b"Bearer x".to_vec(),
        b"OPEN-ACCESS-TOKEN".to_vec(),
        b"OPEN-ACCESS-TOKEN AccessToken=\"".to_vec(),
        b"OPEN-ACCESS-TOKEN AccessToken=a, AccessToken=b".to_vec(),
        b"OPEN-BODY-SIG AppId=\"a\", Timestamp=\"20261125120060\", Nonce=\"n\", Signature=\"!!\""
            .to_vec(),
        b"OPEN-BODY-SIG ,,,,=,=\"\"\"".to_vec(),
        format!("OPEN-BODY-SIG AppId={APP_ID}, Timestamp=99991231235959, Nonce=n, Signature=AAAA")
            .into_bytes(),
        format!(
            "OPEN-BODY-SIG AppId={APP_ID}, Timestamp={VECTOR_TS}, Nonce={}, Signature=====",
            "n".repeat(5000)
        )
        .into_bytes(),
        b"OPEN-ACCESS-TOKEN \xff\xfe\x80".to_vec(),
        b"open-body-sig\tappid=\xe6\xbc\xa2".to_vec(),
    ];
    options.choose(rng).cloned().unwrap_or_default()
}
