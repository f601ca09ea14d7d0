//! One hostile request per case number, the same every run for the same seed.

use chinaums_mock::protocol::signing::{open_body_sig_header, open_body_signature};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use serde_json::json;

pub use super::case::Case;
use super::pieces::{garbage_authorization, query, substitute};
use super::raw;
use super::schema::Route;
use super::values::{self, Field, Kind};
use crate::helpers::{APP_ID, APP_KEY, MID, QR_MID, VECTOR_NONCE, VECTOR_TS};

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
        let field = |name: &str, choices: &[&str]| Field {
            choices: choices.iter().map(|c| json!(c)).collect(),
            ..Field::new(name, Kind::Text)
        };
        let fields = [
            field("appId", &[APP_ID]),
            field(
                "timestamp",
                &[VECTOR_TS, "20261125120060", "99991231235959"],
            ),
            field("nonce", &[VECTOR_NONCE]),
            field("signMethod", &["SHA256", "SHA1", "sha256", ""]),
            field("signature", &[]),
        ];
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
            let mid = Field {
                choices: vec![json!(MID), json!(QR_MID)],
                ..Field::new("mid", Kind::Text)
            };
            values::body(&[mid, Field::new("totalAmount", Kind::Number)], rng)
        } else {
            format!(
                "{{\"mid\":\"{MID}\",\"merOrderId\":{}}}",
                values::value_for(Kind::Text, rng, 0.6)
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
