//! A minimal HTTP/1.1 client over one keep-alive connection, for the lifecycle driver's hot
//! path: a request is one write, an answer is read by its `Content-Length` (or chunks). A
//! general client spends several times more CPU per request, which would make the driver, not
//! the server, the limit against the bare reference. Loopback `http://` only.

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// One connection to one server, opened on first use and again after the server closes it.
pub struct Conn {
    /// `host:port`.
    authority: String,
    stream: Option<BufReader<TcpStream>>,
    request: Vec<u8>,
}

/// An answer: its status and body.
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Answer {
    /// Whether the body contains `text`.
    pub fn contains(&self, text: &str) -> bool {
        self.body.windows(text.len()).any(|w| w == text.as_bytes())
    }
}

fn invalid(what: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, what)
}

impl Conn {
    /// A connection to `base`, e.g. `http://127.0.0.1:8080`.
    pub fn new(base: &str) -> Result<Conn, String> {
        let authority = base
            .strip_prefix("http://")
            .ok_or_else(|| format!("{base}: only http:// is supported"))?;
        Ok(Conn {
            authority: authority.trim_end_matches('/').to_owned(),
            stream: None,
            request: Vec::new(),
        })
    }

    /// `POST path` with a body and optional `Authorization`.
    pub async fn post(
        &mut self,
        path: &str,
        authorization: Option<&str>,
        content_type: &str,
        body: &[u8],
    ) -> std::io::Result<Answer> {
        self.request.clear();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n",
            self.authority,
            body.len()
        );
        self.request.extend_from_slice(head.as_bytes());
        if let Some(a) = authorization {
            self.request.extend_from_slice(b"Authorization: ");
            self.request.extend_from_slice(a.as_bytes());
            self.request.extend_from_slice(b"\r\n");
        }
        self.request.extend_from_slice(b"\r\n");
        self.request.extend_from_slice(body);
        if self.stream.is_none() {
            let stream = TcpStream::connect(self.authority.as_str()).await?;
            stream.set_nodelay(true)?;
            self.stream = Some(BufReader::new(stream));
        }
        let Some(stream) = self.stream.as_mut() else {
            return Err(invalid("no connection".into()));
        };
        stream.get_mut().write_all(&self.request).await?;
        let (answer, keep) = read_answer(stream).await?;
        if !keep {
            self.stream = None;
        }
        Ok(answer)
    }
}

/// Reads one answer; also whether the connection stays open.
async fn read_answer(stream: &mut BufReader<TcpStream>) -> std::io::Result<(Answer, bool)> {
    let mut line = String::new();
    stream.read_line(&mut line).await?;
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| invalid(format!("not an HTTP status line: {line:?}")))?;
    let (mut length, mut chunked, mut keep) = (0usize, false, true);
    loop {
        line.clear();
        if stream.read_line(&mut line).await? == 0 {
            return Err(invalid("the connection closed in the headers".into()));
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        let Some((name, value)) = header.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            length = value
                .parse()
                .map_err(|_| invalid(format!("a Content-Length: {header}")))?;
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.eq_ignore_ascii_case("chunked");
        } else if name.eq_ignore_ascii_case("connection") {
            keep = !value.eq_ignore_ascii_case("close");
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            line.clear();
            stream.read_line(&mut line).await?;
            let size = usize::from_str_radix(line.trim_end().split(';').next().unwrap_or(""), 16)
                .map_err(|_| invalid(format!("a chunk size: {line:?}")))?;
            let start = body.len();
            body.resize(start + size + 2, 0);
            stream.read_exact(&mut body[start..]).await?;
            body.truncate(start + size);
            if size == 0 {
                break;
            }
        }
    } else {
        body.resize(length, 0);
        stream.read_exact(&mut body).await?;
    }
    Ok((Answer { status, body }, keep))
}
