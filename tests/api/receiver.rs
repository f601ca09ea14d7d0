//! A real HTTP/1.1 merchant callback receiver for notification tests.
//!
//! It listens on `127.0.0.1:0` (raw `TcpListener`, minimal HTTP/1.1 parser), records every
//! request before answering it, answers from a programmable [`Behavior`] script, and checks
//! each notification's `sign` independently of the sandbox's own signing code, so a bug in
//! `src/signing.rs` cannot hide itself.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use md5::Md5;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

/// How the receiver answers one request.
#[allow(dead_code)]
#[derive(Debug, Clone, PartialEq)]
pub enum Behavior {
    /// 200 with body `SUCCESS`: the merchant acknowledges.
    Success,
    /// 200 with body `FAILED`: the merchant refuses, the sandbox should retry.
    Failed,
    /// That status with body `error`.
    Status(u16),
    /// That status and body.
    Body(u16, String),
    /// Read the request and never answer (socket held open until the client gives up): the
    /// sandbox's timeout must fire.
    Hang,
    /// Read the request, then drop the connection without any response bytes.
    Close,
    /// A correct merchant: 200 `SUCCESS` when the `sign` verifies, else 200 `FAILED` (a body
    /// without `sign` included).
    Verify,
    /// `Verify`, and also `FAILED` for a body with any field not in this list: a handler that
    /// maps notifications onto a fixed set of fields and refuses the rest.
    VerifyKnownFields(&'static [&'static str]),
    /// `Verify`, and also `FAILED` for a body without `signType`: a handler that reads the hash
    /// from it instead of falling back to MD5.
    VerifyRequiringSignType,
}

/// One recorded request, decoded and with its signature checked.
#[allow(dead_code)]
#[derive(Debug, Clone)]
pub struct Received {
    /// Request path including the query.
    pub path: String,
    /// `Content-Type` header value, `""` if absent.
    pub content_type: String,
    /// `User-Agent` header value, `""` if absent.
    pub user_agent: String,
    /// The exact body bytes.
    pub body: Vec<u8>,
    /// Top-level fields: decoded form values, JSON strings as the string, other JSON values
    /// as their raw text exactly as in the body.
    pub fields: BTreeMap<String, String>,
    /// Top-level field names in body order.
    pub field_order: Vec<String>,
    /// The parsed body when it is JSON.
    pub json: Option<serde_json::Value>,
    /// The string the sign covers, computed here; `None` when the body has no fields.
    pub signed_string: Option<String>,
    /// Whether `sign` matches; `None` when the body has no `sign` field.
    pub sign_valid: Option<bool>,
    /// What the receiver did with this request.
    pub answered: Behavior,
}

struct State {
    md5_key: String,
    script: VecDeque<Behavior>,
    then: Behavior,
    received: Vec<Received>,
}

/// The state lives in a `watch` channel: a lock for writers, and a wake-up for `wait_for`.
type Shared = Arc<watch::Sender<State>>;

/// The callback receiver; dropping it stops accepting and closes its connections.
#[allow(dead_code)]
pub struct Receiver {
    port: u16,
    shared: Shared,
    task: JoinHandle<()>,
}

#[allow(dead_code)]
impl Receiver {
    /// Binds `127.0.0.1:0` and spawns the accept loop; answers `Success` until told otherwise.
    pub async fn start(md5_key: &str) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("receiver: bind 127.0.0.1:0");
        let port = listener.local_addr().expect("receiver: local addr").port();
        let shared = Arc::new(watch::Sender::new(State {
            md5_key: md5_key.to_string(),
            script: VecDeque::new(),
            then: Behavior::Success,
            received: Vec::new(),
        }));
        let accept_shared = Arc::clone(&shared);
        let task = tokio::spawn(async move {
            // Connection tasks live in this set, so aborting this task drops them too.
            let mut connections = JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                while connections.try_join_next().is_some() {}
                connections.spawn(serve(stream, Arc::clone(&accept_shared)));
            }
        });
        Receiver { port, shared, task }
    }

    /// The callback URL to register with the sandbox.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/chinaums/notify", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Changes the key used for the independent signature check of later requests.
    pub fn set_md5_key(&self, key: &str) {
        self.shared.send_modify(|s| s.md5_key = key.to_string());
    }

    /// The next requests take `script` in order; afterwards `then` forever.
    pub fn answer(&self, script: Vec<Behavior>, then: Behavior) {
        self.shared.send_modify(|s| {
            s.script = script.into();
            s.then = then;
        });
    }

    /// All requests so far, in arrival order.
    pub fn received(&self) -> Vec<Received> {
        self.shared.borrow().received.clone()
    }

    /// Returns once at least `n` requests were recorded; panics after `timeout`.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let mut state = self.shared.subscribe();
        let reached = state.wait_for(|s| s.received.len() >= n);
        match tokio::time::timeout(timeout, async { reached.await.map(|_| ()) }).await {
            Ok(Ok(())) => self.received(),
            Ok(Err(_)) => panic!("receiver: state channel closed while waiting for {n}"),
            Err(_) => panic!(
                "receiver: expected at least {n} request(s) within {timeout:?}, got {}",
                self.received().len()
            ),
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves one connection until the client closes it (keep-alive) or a behaviour ends it.
async fn serve(mut stream: TcpStream, shared: Shared) {
    let mut buf = Vec::new();
    while let Some((path, headers, body)) = read_request(&mut stream, &mut buf).await {
        let close = header(&headers, "connection").eq_ignore_ascii_case("close");
        // Recorded before answering, so `wait_for` also sees `Hang` and `Close` requests.
        let mut behavior = Behavior::Success;
        let mut verified = false;
        shared.send_modify(|state| {
            behavior = state
                .script
                .pop_front()
                .unwrap_or_else(|| state.then.clone());
            let received = decode(path, &headers, body, &state.md5_key, &behavior);
            verified = received.sign_valid == Some(true)
                && match &behavior {
                    Behavior::VerifyKnownFields(known) => {
                        received.fields.keys().all(|k| known.contains(&k.as_str()))
                    }
                    Behavior::VerifyRequiringSignType => received.fields.contains_key("signType"),
                    _ => true,
                };
            state.received.push(received);
        });
        let (status, body) = match behavior {
            Behavior::Success => (200, "SUCCESS".to_string()),
            Behavior::Verify
            | Behavior::VerifyKnownFields(_)
            | Behavior::VerifyRequiringSignType
                if verified =>
            {
                (200, "SUCCESS".to_string())
            }
            Behavior::Verify
            | Behavior::VerifyKnownFields(_)
            | Behavior::VerifyRequiringSignType => (200, "FAILED".to_string()),
            Behavior::Failed => (200, "FAILED".to_string()),
            Behavior::Status(status) => (status, "error".to_string()),
            Behavior::Body(status, body) => (status, body),
            Behavior::Hang => {
                // Holds the socket until the client closes it, so hung connections do not pile
                // up in long runs.
                let mut rest = [0u8; 1024];
                while matches!(stream.read(&mut rest).await, Ok(n) if n > 0) {}
                return;
            }
            Behavior::Close => return,
        };
        let connection = if close { "close" } else { "keep-alive" };
        let head = format!(
            "HTTP/1.1 {status} {}\r\nContent-Type: text/plain; charset=utf-8\r\n\
             Content-Length: {}\r\nConnection: {connection}\r\n\r\n",
            if status == 200 { "OK" } else { "Status" },
            body.len()
        );
        let bytes = [head.into_bytes(), body.into_bytes()].concat();
        if stream.write_all(&bytes).await.is_err() || close {
            return;
        }
    }
}

/// A request's path, headers (lower-cased names, trimmed values) and body.
type Request = (String, Vec<(String, String)>, Vec<u8>);

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map_or("", |(_, v)| v.as_str())
}

/// Reads more bytes into `buf`; `None` on EOF or error.
async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<()> {
    let mut chunk = [0u8; 8192];
    match stream.read(&mut chunk).await {
        Ok(0) | Err(_) => None,
        Ok(n) => {
            buf.extend_from_slice(&chunk[..n]);
            Some(())
        }
    }
}

/// Reads one request (head, then a `Content-Length` body); `None` when the client is gone
/// or sent something unparseable. Leftover bytes stay in `buf` for the next request.
async fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<Request> {
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
        read_more(stream, buf).await?;
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let (_method, path) = (request_line.next()?, request_line.next()?.to_string());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let len: usize = header(&headers, "content-length").parse().unwrap_or(0);
    let end = head_end + 4 + len;
    if buf.len() < end && header(&headers, "expect").eq_ignore_ascii_case("100-continue") {
        stream
            .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
            .await
            .ok()?;
    }
    while buf.len() < end {
        read_more(stream, buf).await?;
    }
    let body = buf[head_end + 4..end].to_vec();
    buf.drain(..end);
    Some((path, headers, body))
}

/// Decodes a request body into fields and checks its sign with `md5_key`.
fn decode(
    path: String,
    headers: &[(String, String)],
    body: Vec<u8>,
    md5_key: &str,
    answered: &Behavior,
) -> Received {
    let content_type = header(headers, "content-type").to_string();
    let media = content_type.split(';').next().unwrap_or("").trim();
    let json: Option<serde_json::Value> = serde_json::from_slice(&body).ok();
    let members: Vec<(String, String)> =
        if media.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            url::form_urlencoded::parse(&body).into_owned().collect()
        } else if json.is_some() {
            json_members(&body).unwrap_or_default()
        } else {
            Vec::new()
        };
    let field_order: Vec<String> = members.iter().map(|(k, _)| k.clone()).collect();
    let fields: BTreeMap<String, String> = members.into_iter().collect();
    let signed_string = (!fields.is_empty()).then(|| {
        let pairs: Vec<String> = fields
            .iter()
            .filter(|(k, v)| k.as_str() != "sign" && !v.is_empty())
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        pairs.join("&") + md5_key
    });
    let expected = signed_string.as_ref().and_then(|s| {
        // No signType: a legacy channel, MD5.
        match fields.get("signType").map_or("MD5", String::as_str) {
            "SHA256" => Some(hex::encode_upper(Sha256::digest(s.as_bytes()))),
            "MD5" => Some(hex::encode_upper(Md5::digest(s.as_bytes()))),
            _ => None, // unknown signType: no sign can be valid
        }
    });
    let sign_valid = fields
        .get("sign")
        .map(|sign| expected.as_deref() == Some(sign.as_str()));
    Received {
        path,
        user_agent: header(headers, "user-agent").to_string(),
        content_type,
        body,
        fields,
        field_order,
        json,
        signed_string,
        sign_valid,
        answered: answered.clone(),
    }
}

/// Top-level members of a JSON object body, in order: strings decoded, any other value as
/// its raw text exactly as in the body (`serde_json::Map` would re-sort and re-format).
/// Each value is parsed by a `StreamDeserializer`, whose `byte_offset` gives where it ends.
fn json_members(body: &[u8]) -> Option<Vec<(String, String)>> {
    let ws = |mut i: usize| {
        while body.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        i
    };
    let value_at = |i: usize| {
        let mut values = serde_json::Deserializer::from_slice(body.get(i..)?).into_iter();
        let value: serde_json::Value = values.next()?.ok()?;
        Some((i + values.byte_offset(), value))
    };
    let mut members = Vec::new();
    let mut i = ws(0);
    if body.get(i) != Some(&b'{') {
        return None;
    }
    i = ws(i + 1);
    if body.get(i) == Some(&b'}') {
        return Some(members);
    }
    loop {
        let (end, serde_json::Value::String(key)) = value_at(i)? else {
            return None;
        };
        i = ws(end);
        if body.get(i) != Some(&b':') {
            return None;
        }
        let start = ws(i + 1);
        let (end, value) = value_at(start)?;
        let value = match value {
            serde_json::Value::String(s) => s,
            _ => String::from_utf8_lossy(&body[start..end]).into_owned(),
        };
        members.push((key, value));
        i = ws(end);
        match body.get(i)? {
            b',' => i = ws(i + 1),
            b'}' => return Some(members),
            _ => return None,
        }
    }
}
