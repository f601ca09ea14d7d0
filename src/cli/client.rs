//! Client verbs against a running sandbox: `trigger`, `conformance`, `health`; and what every
//! client verb shares (the control client, printing an answer or a refusal).

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use clap::{Args, ValueEnum};
use serde_json::{Value, json};

use super::{ServerArg, print_json};
use crate::client::{
    Battery, ClientError, CloseRequest, ConformanceRequest, ControlClient, OpenRequest,
};

/// `trigger open|close`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TriggerEvent {
    /// A user authorises the app's Pay Score service.
    Open,
    /// A user removes the authorisation (needs --open-id).
    Close,
}

/// Options of `trigger`.
#[derive(Debug, Clone, Args)]
pub struct TriggerArgs {
    /// open or close.
    #[arg(value_enum)]
    pub event: TriggerEvent,
    /// The app (appId).
    #[arg(long, value_name = "APPID")]
    pub app: String,
    /// The user; generated for open when absent.
    #[arg(long, value_name = "ID")]
    pub open_id: Option<String>,
    /// A callback URL for this notification only.
    #[arg(long, value_name = "URL")]
    pub callback_url: Option<String>,
    /// The sandbox.
    #[command(flatten)]
    pub server: ServerArg,
}

/// `conformance --battery`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum BatteryArg {
    /// Pay Score authorisation notifications.
    #[default]
    Payscore,
    /// Netpay payment-result and refund notifications.
    Payment,
}

impl From<BatteryArg> for Battery {
    fn from(arg: BatteryArg) -> Self {
        match arg {
            BatteryArg::Payscore => Battery::PayScore,
            BatteryArg::Payment => Battery::Payment,
        }
    }
}

/// Options of `conformance`.
#[derive(Debug, Clone, Args)]
pub struct ConformanceArgs {
    /// The app whose merchant is checked (appId).
    #[arg(long, value_name = "APPID")]
    pub app: String,
    /// The merchant's callback URL; default: the app's.
    #[arg(long, value_name = "URL")]
    pub callback_url: Option<String>,
    /// The notifications to probe with.
    #[arg(long, value_enum, default_value_t)]
    pub battery: BatteryArg,
    /// The sandbox.
    #[command(flatten)]
    pub server: ServerArg,
}

/// A failed control call, printed the way the control API answered it.
pub(super) fn refused(e: ClientError) -> i32 {
    match e {
        ClientError::Control { code, message, .. } => {
            print_json(&json!({ "error": { "code": code, "message": message } }));
            1
        }
        other => {
            eprintln!("chinaums-mock: {other}");
            1
        }
    }
}

/// A usage problem: said on stderr, exit code 2.
pub(super) fn usage(message: &str) -> i32 {
    eprintln!("chinaums-mock: {message}");
    2
}

/// Prints the answer as JSON (exit code 0), or the refusal the way the control API answered it.
pub(super) fn answer<T: serde::Serialize>(result: Result<T, ClientError>) -> i32 {
    match result {
        Ok(value) => {
            print_json(&serde_json::to_value(value).unwrap_or_default());
            0
        }
        Err(e) => refused(e),
    }
}

/// The typed control client of the sandbox `server` names (exit code 2 when it cannot be made).
pub(super) fn control(server: &ServerArg, timeout: Duration) -> Result<ControlClient, i32> {
    server
        .access
        .control_client(&server.url(), timeout)
        .map_err(|e| {
            eprintln!("chinaums-mock: {e}");
            2
        })
}

/// `trigger open|close`: prints the answer; 0 when the sandbox accepted it.
pub async fn trigger(args: TriggerArgs) -> i32 {
    let client = match control(&args.server, Duration::from_secs(30)) {
        Ok(client) => client,
        Err(code) => return code,
    };
    let done = match (args.event, args.open_id) {
        (TriggerEvent::Open, open_id) => {
            let mut request = OpenRequest::new(&args.app);
            request.open_id = open_id;
            request.callback_url = args.callback_url;
            client.open(request).await
        }
        (TriggerEvent::Close, Some(open_id)) => {
            let mut request = CloseRequest::new(&args.app, open_id);
            request.callback_url = args.callback_url;
            client.close_with(request).await
        }
        (TriggerEvent::Close, None) => {
            eprintln!("chinaums-mock: trigger close needs --open-id");
            return 2;
        }
    };
    match done.map(|t| serde_json::to_value(t).unwrap_or_default()) {
        Ok(answer) => {
            print_json(&answer);
            0
        }
        Err(e) => refused(e),
    }
}

/// `conformance`: prints the report; 0 when it passed.
pub async fn conformance(args: ConformanceArgs) -> i32 {
    let client = match control(&args.server, Duration::from_secs(600)) {
        Ok(client) => client,
        Err(code) => return code,
    };
    let mut request = ConformanceRequest::new(&args.app).battery(args.battery.into());
    request.callback_url = args.callback_url;
    match client.conformance_with(&request).await {
        Ok(report) => {
            print_json(&report);
            i32::from(report["passed"] != true)
        }
        Err(e) => refused(e),
    }
}

/// How long a health check may take, in all.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(2);

/// One plain HTTP/1.1 GET over a socket: no TLS stack, no connection pool, quick to fail.
fn plain_get(url: &url::Url) -> Result<(u16, String), String> {
    let host = url.host_str().ok_or("the URL has no host")?;
    let port = url.port_or_known_default().unwrap_or(80);
    let addr = (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {host}: {e}"))?
        .next()
        .ok_or_else(|| format!("{host} has no address"))?;
    let mut stream = TcpStream::connect_timeout(&addr, HEALTH_TIMEOUT)
        .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    stream
        .set_read_timeout(Some(HEALTH_TIMEOUT))
        .and_then(|_| stream.set_write_timeout(Some(HEALTH_TIMEOUT)))
        .map_err(|e| e.to_string())?;
    let request = format!(
        "GET {} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\nAccept: application/json\r\n\r\n",
        url.path()
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("cannot send: {e}"))?;
    let mut answer = Vec::new();
    stream
        .take(64 * 1024)
        .read_to_end(&mut answer)
        .map_err(|e| format!("no answer: {e}"))?;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| "the answer is not HTTP".to_owned())?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

async fn check_health(base: &str) -> Result<(), String> {
    let url = url::Url::parse(&format!("{}/__mock/health", base.trim_end_matches('/')))
        .map_err(|e| format!("{base} is not a URL: {e}"))?;
    let (status, body) = if url.scheme() == "http" {
        let url = url.clone();
        tokio::task::spawn_blocking(move || plain_get(&url))
            .await
            .map_err(|e| e.to_string())??
    } else {
        let client = reqwest::Client::builder()
            .timeout(HEALTH_TIMEOUT)
            .build()
            .map_err(|e| e.to_string())?;
        let response = client
            .get(url.clone())
            .send()
            .await
            .map_err(|e| crate::client::scenario::describe(&e))?;
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    };
    let ok = serde_json::from_str::<Value>(&body).is_ok_and(|v| v["status"] == "ok");
    if status == 200 && ok {
        Ok(())
    } else {
        Err(format!("{url} answered HTTP {status}: {}", body.trim()))
    }
}

/// `health`: 0 when `GET /__mock/health` answers 200 with `status: ok`.
pub async fn health(base: &str) -> i32 {
    match check_health(base).await {
        Ok(()) => {
            println!("ok {base}");
            0
        }
        Err(e) => {
            eprintln!("chinaums-mock: unhealthy: {e}");
            1
        }
    }
}
