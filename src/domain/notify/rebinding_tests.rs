//! DNS rebinding: a name that answers a harmless address to the guard's lookup and the
//! sandbox's own address to the connection still never reaches the control API, even with a
//! connection to the sandbox already open for the built-in sink.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use parking_lot::Mutex;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::{Outcome, send};
use crate::api::app::AckMode;
use crate::config::CallbackResolver;
use crate::domain::notify::client::{CallbackClient, ClientSettings};
use crate::domain::notify::guard::CallbackGuard;
use crate::domain::notify::resolve::{Lookup, Rebinding};

/// Stands in for the sandbox's listener on loopback: answers `SUCCESS` to every request and
/// notes each request line and each connection.
struct Listener {
    address: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
    connections: Arc<AtomicUsize>,
}

impl Listener {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bound");
        let address = listener.local_addr().expect("an address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let (seen, count) = (Arc::clone(&requests), Arc::clone(&connections));
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                let seen = Arc::clone(&seen);
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 16 * 1024];
                    while let Ok(n) = stream.read(&mut buf).await {
                        if n == 0 {
                            break;
                        }
                        let text = String::from_utf8_lossy(&buf[..n]).into_owned();
                        for line in text.lines().filter(|l| l.starts_with("POST ")) {
                            seen.lock().push(line.to_owned());
                            let answer = "HTTP/1.1 200 OK\r\ncontent-length: 7\r\n\r\nSUCCESS";
                            if stream.write_all(answer.as_bytes()).await.is_err() {
                                return;
                            }
                        }
                    }
                });
            }
        });
        Self {
            address,
            requests,
            connections,
        }
    }
}

async fn deliver(client: &CallbackClient, url: &str) -> super::WireResult {
    let body = "{}".to_owned();
    let timeout = Duration::from_secs(5);
    send(
        client,
        url,
        "application/json",
        body,
        timeout,
        AckMode::Chinaums,
    )
    .await
}

#[tokio::test]
async fn a_name_that_rebinds_to_the_sandbox_after_the_guard_s_lookup_is_refused_at_connect_time() {
    let sandbox = Listener::start().await;
    let port = sandbox.address.port();
    let here = vec![SocketAddr::from(([127, 0, 0, 1], 0))];
    // Looked at by the guard only, never connected to (checked below before anything is sent).
    let harmless = vec![SocketAddr::from(([192, 0, 2, 10], 0))];
    let calls = Arc::new(AtomicUsize::new(0));
    let resolver = CallbackResolver::new(Rebinding {
        answers: vec![here.clone(), harmless, here],
        calls: Arc::clone(&calls),
    });
    let guard = CallbackGuard::new(Vec::new(), false, Some(sandbox.address))
        .with_lookup(Lookup::new(Some(resolver.clone())));
    let client = CallbackClient::new(ClientSettings {
        control: Some(sandbox.address),
        resolver: Some(resolver),
        ..ClientSettings::default()
    });

    // The built-in sink by a name resolving to the sandbox is fine; its connection stays open.
    let sink = format!("http://merchant.test:{port}/__mock/sink/10037e6f66f2d0f901672aa27d690006");
    assert_eq!(guard.screen(&sink).await, Ok(()));
    let delivered = deliver(&client, &sink).await;
    assert_eq!(delivered.outcome, Outcome::Delivered, "{delivered:?}");
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "the sink's connection looked the name up"
    );

    // The guard's lookup sees the harmless answer and lets the attempt go.
    let reset = format!("http://merchant.test:{port}/__mock/reset");
    assert_eq!(guard.screen(&reset).await, Ok(()));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "the guard looked the name up"
    );

    // The connection's own lookup answers the sandbox: refused, nothing sent.
    let wire = deliver(&client, &reset).await;
    assert_eq!(wire.outcome, Outcome::Blocked, "{wire:?}");
    let error = wire.error.unwrap_or_default();
    assert!(error.contains("own control API (/__mock/reset)"), "{error}");
    assert!(
        error.contains("merchant.test resolved to 127.0.0.1"),
        "{error}"
    );
    assert!(error.contains("nothing was sent"), "{error}");
    assert_eq!(calls.load(Ordering::SeqCst), 3, "checked at connect time");
    assert_eq!(
        sandbox.requests.lock().clone(),
        ["POST /__mock/sink/10037e6f66f2d0f901672aa27d690006 HTTP/1.1"],
        "the open connection was not reused for the control API"
    );
    assert_eq!(sandbox.connections.load(Ordering::SeqCst), 1);
}
