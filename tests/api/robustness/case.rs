//! One request of the hammering, and how it goes on the wire.

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
