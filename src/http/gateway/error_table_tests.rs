//! The table of error codes in docs/errors.md says what the error types answer: the same codes, HTTP
//! statuses and layers, and messages that start as the table says.

use actix_web::ResponseError;

use super::*;

/// One answer: code, HTTP status, layer (`token`, `gateway`, `business`) and, where it is an
/// error type's, its message.
type Answer = (String, u16, &'static str, Option<String>);

/// One of each token error, told apart by index so that a new variant fails to compile in
/// `index` and then fails here until it has a sample.
fn token_errors() -> Vec<TokenError> {
    fn index(e: &TokenError) -> usize {
        match e {
            TokenError::TimestampUnparsable => 0,
            TokenError::TimestampOutOfWindow { .. } => 1,
            TokenError::UnknownApp => 2,
            TokenError::BadSignature { .. } => 3,
            TokenError::UnsupportedSignMethod(_) => 4,
            TokenError::MalformedJson(_) => 5,
            TokenError::MissingField(_) => 6,
            TokenError::InvalidField { .. } => 7,
            TokenError::TooLarge(_) => 8,
            TokenError::UnsupportedContentType(_) => 9,
            TokenError::MethodNotAllowed => 10,
            TokenError::Unreadable => 11,
            TokenError::TimedOut(_) => 12,
        }
    }
    let all = vec![
        TokenError::TimestampUnparsable,
        TokenError::TimestampOutOfWindow {
            skew_secs: 700,
            window_secs: 600,
        },
        TokenError::UnknownApp,
        TokenError::BadSignature { method: "SHA256" },
        TokenError::UnsupportedSignMethod("MD5".into()),
        TokenError::MalformedJson("not an object".into()),
        TokenError::MissingField("nonce"),
        TokenError::InvalidField {
            field: "nonce",
            reason: "过长",
        },
        TokenError::TooLarge(1024),
        TokenError::UnsupportedContentType("text/plain".into()),
        TokenError::MethodNotAllowed,
        TokenError::Unreadable,
        TokenError::TimedOut(10_000),
    ];
    let indices: Vec<_> = all.iter().map(index).collect();
    assert_eq!(
        indices,
        (0..13).collect::<Vec<_>>(),
        "one sample per variant"
    );
    all
}

/// One of each gateway refusal (see [`token_errors`]).
fn auth_errors() -> Vec<AuthError> {
    fn index(e: &AuthError) -> usize {
        match e {
            AuthError::MissingAuthorization => 0,
            AuthError::MalformedAuthorization(_) => 1,
            AuthError::UnsupportedScheme(_) => 2,
            AuthError::UnknownToken => 3,
            AuthError::ExpiredToken => 4,
            AuthError::SupersededToken(_) => 5,
            AuthError::UnknownApp => 6,
            AuthError::BadSign => 7,
            AuthError::TimestampUnparsable => 8,
            AuthError::ContentSpaceAsPercent20 => 9,
            AuthError::AbnormalRequestTime { .. } => 10,
            AuthError::TooLarge(_) => 11,
            AuthError::Unreadable => 12,
            AuthError::TimedOut(_) => 13,
        }
    }
    let all = vec![
        AuthError::MissingAuthorization,
        AuthError::MalformedAuthorization("OPEN-FORM-PARAM missing nonce".into()),
        AuthError::UnsupportedScheme("Bearer".into()),
        AuthError::UnknownToken,
        AuthError::ExpiredToken,
        AuthError::SupersededToken(10),
        AuthError::UnknownApp,
        AuthError::BadSign,
        AuthError::TimestampUnparsable,
        AuthError::ContentSpaceAsPercent20,
        AuthError::AbnormalRequestTime {
            skew_secs: 700,
            window_secs: 600,
        },
        AuthError::TooLarge(1024),
        AuthError::Unreadable,
        AuthError::TimedOut(10_000),
    ];
    let indices: Vec<_> = all.iter().map(index).collect();
    assert_eq!(
        indices,
        (0..14).collect::<Vec<_>>(),
        "one sample per variant"
    );
    all
}

/// One of each business error (see [`token_errors`]).
fn business_errors() -> Vec<BusinessError> {
    fn index(e: &BusinessError) -> usize {
        match e {
            BusinessError::BadRequest { .. } => 0,
            BusinessError::NoMerchant { .. } => 1,
        }
    }
    let all = vec![
        BusinessError::BadRequest {
            field: "mid".into(),
            reason: "应为商户号字符串，收到对象".into(),
        },
        BusinessError::NoMerchant {
            mid: "898201612345678".into(),
            app_id: "10037e6f6823b20801682b6a5e5a0006".into(),
        },
    ];
    let indices: Vec<_> = all.iter().map(index).collect();
    assert_eq!(
        indices,
        (0..2).collect::<Vec<_>>(),
        "one sample per variant"
    );
    all
}

/// Everything the ChinaUMS-facing side answers with a code of its own.
fn answers() -> Vec<Answer> {
    let mut all: Vec<Answer> = vec![
        ("0000".into(), 200, "token", None),
        ("9200".into(), 412, "token", None),
        (
            "NO_SERVICE".into(),
            no_service("POST", "/v1/x").status().as_u16(),
            "gateway",
            None,
        ),
    ];
    for e in token_errors() {
        let status = e.status_code().as_u16();
        all.push((e.code().into(), status, "token", Some(e.to_string())));
    }
    for e in auth_errors() {
        let status = e.status_code().as_u16();
        all.push((e.code().into(), status, "gateway", Some(e.to_string())));
    }
    for e in business_errors() {
        let status = e.status_code().as_u16();
        all.push((e.code().into(), status, "business", Some(e.to_string())));
    }
    all
}

/// A row of the table: code, status, layer, and the message's start (up to `…` or `<`), if any.
type Row = (String, u16, String, Option<String>);

fn table_rows() -> Vec<Row> {
    let doc = include_str!("../../../docs/errors.md");
    let section = doc
        .split_once("\n### The table\n")
        .map(|(_, rest)| rest)
        .and_then(|rest| rest.split_once("\n## "))
        .map(|(section, _)| section)
        .expect("a section named The table");
    let table = section
        .split_once("**Control API**")
        .map_or(section, |(before, _)| before);
    let unquote = |cell: &str| cell.trim().trim_matches('`').to_owned();
    table
        .lines()
        .filter(|line| line.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').collect();
            assert!(cells.len() >= 6, "{line}");
            let message = unquote(cells[4]);
            let start = message
                .split(['…', '<'])
                .next()
                .unwrap_or_default()
                .to_owned();
            (
                unquote(cells[1]),
                cells[2].trim().parse().unwrap_or_else(|_| panic!("{line}")),
                cells[3].trim().to_owned(),
                (message != "—").then_some(start),
            )
        })
        .collect()
}

#[test]
fn every_answer_code_is_in_the_error_table_with_its_status_and_layer() {
    let rows = table_rows();
    for (code, status, layer, _) in answers() {
        assert!(
            rows.iter()
                .any(|r| (r.0.as_str(), r.1, r.2.as_str()) == (&code, status, layer)),
            "docs/errors.md's Error codes table lacks `{code}` | {status} | {layer}"
        );
    }
}

#[test]
fn every_row_of_the_error_table_is_an_answer_with_the_message_it_shows() {
    let answers = answers();
    // The netpay simulation's rows (`service`) are checked against its answers by the order
    // tests, not against the gateway's error types.
    let rows = table_rows().into_iter().filter(|r| r.2 != "service");
    for (code, status, layer, start) in rows {
        let same: Vec<_> = answers
            .iter()
            .filter(|a| (a.0.as_str(), a.1, a.2) == (code.as_str(), status, layer.as_str()))
            .collect();
        assert!(
            !same.is_empty(),
            "docs/errors.md's `{code}` | {status} | {layer} is no answer of the gateway"
        );
        let messages: Vec<_> = same.iter().filter_map(|a| a.3.as_deref()).collect();
        if let (Some(start), false) = (start, messages.is_empty()) {
            assert!(
                messages.iter().any(|m| m.starts_with(&start)),
                "docs/errors.md's `{code}` says its message starts {start:?}; it is {messages:?}"
            );
        }
    }
}
