//! A stub answer made ready to send when its stub is added.

use actix_web::HttpResponseBuilder;
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};

use super::template::Template;
use crate::api::stub::StubResponse;

/// A stub answer made ready when the stub is added: status and headers typed, body compiled.
#[derive(Debug)]
pub struct Answer {
    /// HTTP status.
    pub status: StatusCode,
    /// Extra headers.
    headers: Headers,
    /// Whether the extra headers set a `Content-Type`.
    pub sets_content_type: bool,
    /// Answer this many real milliseconds later.
    pub delay_ms: u64,
    /// The body template.
    pub body: Template,
}

#[derive(Debug)]
enum Headers {
    /// Every name and value valid (always, for stubs added through the API).
    Typed(Vec<(HeaderName, HeaderValue)>),
    /// As given, for a restored stub with an invalid one: the response builder reports it.
    Raw(Vec<(String, String)>),
}

impl Answer {
    pub(super) fn new(r: &StubResponse) -> Self {
        let typed: Result<Vec<_>, ()> = r
            .headers
            .iter()
            .map(|(k, v)| {
                match (
                    HeaderName::try_from(k.as_str()),
                    HeaderValue::try_from(v.as_str()),
                ) {
                    (Ok(k), Ok(v)) => Ok((k, v)),
                    _ => Err(()),
                }
            })
            .collect();
        let headers = match typed {
            Ok(typed) => Headers::Typed(typed),
            Err(()) => Headers::Raw(
                r.headers
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ),
        };
        Self {
            status: StatusCode::from_u16(r.status).unwrap_or(StatusCode::OK),
            headers,
            sets_content_type: r
                .headers
                .keys()
                .any(|k| k.eq_ignore_ascii_case("content-type")),
            delay_ms: r.delay_ms,
            body: Template::compile(&r.body),
        }
    }

    /// Adds the extra headers to a response.
    pub fn add_headers(&self, builder: &mut HttpResponseBuilder) {
        match &self.headers {
            Headers::Typed(headers) => {
                for (k, v) in headers {
                    builder.insert_header((k.clone(), v.clone()));
                }
            }
            Headers::Raw(headers) => {
                for (k, v) in headers {
                    builder.insert_header((k.as_str(), v.as_str()));
                }
            }
        }
    }
}
