//! Hostile parts of a request: path parameters, query strings, Authorization headers.

use rand::RngExt;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

use crate::helpers::{APP_ID, VECTOR_TS};

/// Path parameters: a real fixture id, an unknown one, or garbage that still stays one segment.
pub fn substitute(path: &str, rng: &mut StdRng) -> String {
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
pub fn query(names: &[String], rng: &mut StdRng) -> String {
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

pub fn garbage_authorization(rng: &mut StdRng) -> Vec<u8> {
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
