//! Load driver for the measurements `bench/run.sh` makes. Every command prints one JSON object.
//!
//! - `drive startup --runs N --ready listening|poll [--path P] -- CMD ARGS…` — spawns CMD N
//!   times and measures spawn → first HTTP 200. `listening`: read the first stdout line
//!   (`{"url":…}`), then GET url+P; `poll`: `{port}` in ARGS becomes a free port, GET
//!   `http://127.0.0.1:{port}`+P every millisecond. Each child is killed before the next run.
//! - `drive opens --base URL --app ID --n N --concurrency C [--callback URL] [--wait]` — N
//!   `POST /__mock/payscore/open` from C concurrent clients; with `--wait`, then waits until no
//!   notification is pending. Reports the times and notifications per second. With
//!   `--release-to URL` (the app has no callback URL, so every notification is parked), then
//!   sets the app's callbackUrl to URL and times the backlog until nothing is pending.
//! - `drive latency --base URL --app ID --n N [--warmup W]` — runs its own callback sink, makes
//!   N sequential opens (callbackUrl = the sink) and measures open request sent → notification
//!   received at the sink.
//! - `drive free-port` — prints a TCP port that was free a moment ago.

use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::{web, App, HttpResponse, HttpServer};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::mpsc;

type Error = Box<dyn std::error::Error>;

struct Args(Vec<String>);

impl Args {
    fn get(&self, name: &str) -> Option<String> {
        let end = self
            .0
            .iter()
            .position(|a| a == "--")
            .unwrap_or(self.0.len());
        self.0[..end]
            .iter()
            .position(|a| a == name)
            .and_then(|i| self.0.get(i + 1).cloned())
    }
    fn req(&self, name: &str) -> Result<String, Error> {
        self.get(name)
            .ok_or_else(|| format!("missing {name}").into())
    }
    fn num(&self, name: &str, default: usize) -> Result<usize, Error> {
        match self.get(name) {
            Some(v) => Ok(v.parse()?),
            None => Ok(default),
        }
    }
    fn flag(&self, name: &str) -> bool {
        let end = self
            .0
            .iter()
            .position(|a| a == "--")
            .unwrap_or(self.0.len());
        self.0[..end].iter().any(|a| a == name)
    }
    fn command(&self) -> Vec<String> {
        match self.0.iter().position(|a| a == "--") {
            Some(i) => self.0[i + 1..].to_vec(),
            None => Vec::new(),
        }
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("an HTTP client")
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

fn free_port() -> Result<u16, Error> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

async fn get_ok(client: &reqwest::Client, url: &str) -> bool {
    matches!(client.get(url).timeout(Duration::from_secs(2)).send().await, Ok(r) if r.status().as_u16() == 200)
}

async fn startup(args: &Args) -> Result<Value, Error> {
    let runs = args.num("--runs", 20)?;
    let ready = args.req("--ready")?;
    let path = args
        .get("--path")
        .unwrap_or_else(|| "/__mock/health".into());
    let command = args.command();
    if command.is_empty() {
        return Err("no command after --".into());
    }
    let http = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(0)
        .build()?;
    let mut times = Vec::new();
    let mut to_line = Vec::new();
    for _ in 0..runs {
        let port = free_port()?;
        let argv: Vec<String> = command
            .iter()
            .map(|a| a.replace("{port}", &port.to_string()))
            .collect();
        let started = Instant::now();
        let mut child = tokio::process::Command::new(&argv[0])
            .args(&argv[1..])
            .stdin(Stdio::null())
            .stdout(if ready == "listening" {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()?;
        let base = if ready == "listening" {
            let stdout = child.stdout.take().ok_or("no stdout")?;
            let line = BufReader::new(stdout)
                .lines()
                .next_line()
                .await?
                .ok_or("the process printed no line")?;
            to_line.push(ms(started.elapsed()));
            let v: Value = serde_json::from_str(&line)?;
            v["url"].as_str().ok_or("no url in the line")?.to_owned()
        } else {
            format!("http://127.0.0.1:{port}")
        };
        let url = format!("{base}{path}");
        let deadline = started + Duration::from_secs(120);
        loop {
            if get_ok(&http, &url).await {
                break;
            }
            if Instant::now() > deadline {
                return Err(format!("{url} never answered 200").into());
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        times.push(ms(started.elapsed()));
        child.start_kill()?;
        child.wait().await?;
    }
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    to_line.sort_by(f64::total_cmp);
    Ok(json!({
        "runs": runs,
        "medianMs": median(&sorted),
        "minMs": sorted.first(),
        "maxMs": sorted.last(),
        "medianToListeningLineMs": if to_line.is_empty() { Value::Null } else { json!(median(&to_line)) },
        "allMs": times,
    }))
}

async fn pending_left(http: &reqwest::Client, base: &str) -> Result<bool, Error> {
    let v: Value = http
        .get(format!(
            "{base}/__mock/notifications?status=pending&limit=1"
        ))
        .send()
        .await?
        .json()
        .await?;
    Ok(v["notifications"].as_array().is_some_and(|a| !a.is_empty()))
}

async fn opens(args: &Args) -> Result<Value, Error> {
    let base = args.req("--base")?;
    let app = args.req("--app")?;
    let n = args.num("--n", 20_000)?;
    let concurrency = args.num("--concurrency", 32)?.max(1);
    let callback = args.get("--callback");
    let http = client();
    let next = Arc::new(AtomicUsize::new(0));
    let mut body = json!({ "appId": app });
    if let Some(url) = &callback {
        body["callbackUrl"] = json!(url);
    }
    let body = Arc::new(body.to_string());
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (http, next, body, base) = (http.clone(), next.clone(), body.clone(), base.clone());
        tasks.push(tokio::spawn(async move {
            let mut last = None;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let r = http
                    .post(format!("{base}/__mock/payscore/open"))
                    .header("content-type", "application/json")
                    .body((*body).clone())
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                if r.status().as_u16() != 201 {
                    return Err(format!("open answered {}", r.status()));
                }
                let answer = r.bytes().await.map_err(|e| e.to_string())?;
                // Only the last notification's id is needed; parsing every answer would make
                // the driver, not the server, the bottleneck.
                if i + 1 == n {
                    let v: Value = serde_json::from_slice(&answer).map_err(|e| e.to_string())?;
                    last = v["notification"]["id"].as_str().map(str::to_owned);
                }
            }
            Ok::<_, String>(last)
        }));
    }
    let mut last = None;
    for t in tasks {
        if let Some(id) = t.await?? {
            last = Some(id);
        }
    }
    let requests = started.elapsed();
    let mut released = None;
    if let Some(url) = args.get("--release-to") {
        // The app had no callback URL: every notification is parked. Once the newest one is
        // (the dispatcher takes them in order), give the app a URL and time the backlog.
        loop {
            let v: Value = http
                .get(format!("{base}/__mock/notifications?limit=1"))
                .send()
                .await?
                .json()
                .await?;
            if v["notifications"][0]["awaitingCallbackUrl"] == json!(true) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let patched = http
            .patch(format!("{base}/__mock/apps/{app}"))
            .header("content-type", "application/json")
            .body(json!({ "callbackUrl": url }).to_string())
            .send()
            .await?;
        if !patched.status().is_success() {
            return Err(format!("PATCH app answered {}", patched.status()).into());
        }
        let from = Instant::now();
        while pending_left(&http, &base).await? {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        released = Some(from.elapsed());
    }
    let mut settled = None;
    if args.flag("--wait") {
        if let Some(id) = &last {
            http.get(format!(
                "{base}/__mock/notifications/{id}/wait?status=settled&timeoutMs=300000"
            ))
            .send()
            .await?;
        }
        while pending_left(&http, &base).await? {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        settled = Some(started.elapsed());
    }
    let total = settled.unwrap_or(requests);
    Ok(json!({
        "n": n,
        "concurrency": concurrency,
        "requestsSecs": requests.as_secs_f64(),
        "opensPerSec": n as f64 / requests.as_secs_f64(),
        "allSettledSecs": settled.map(|d| d.as_secs_f64()),
        "deliveriesPerSec": settled.map(|_| n as f64 / total.as_secs_f64()),
        "backlogSecs": released.map(|d| d.as_secs_f64()),
        "backlogDeliveriesPerSec": released.map(|d| n as f64 / d.as_secs_f64()),
    }))
}

/// The notification id at the start of a form body (`id=EV-…&…`) or in a JSON one.
fn notification_id(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    if let Some(rest) = text.strip_prefix("id=") {
        return Some(rest.split('&').next()?.to_owned());
    }
    let v: Value = serde_json::from_str(text).ok()?;
    v["id"].as_str().map(str::to_owned)
}

async fn sink_receive(
    tx: web::Data<mpsc::UnboundedSender<(String, Instant)>>,
    body: web::Bytes,
) -> HttpResponse {
    let at = Instant::now();
    if let Some(id) = notification_id(&body) {
        let _ = tx.send((id, at));
    }
    HttpResponse::Ok()
        .content_type("text/plain")
        .body("SUCCESS")
}

async fn latency(args: &Args) -> Result<Value, Error> {
    let base = args.req("--base")?;
    let app = args.req("--app")?;
    let n = args.num("--n", 200)?;
    let warmup = args.num("--warmup", 20)?;
    let (tx, mut rx) = mpsc::unbounded_channel::<(String, Instant)>();
    let tx = web::Data::new(tx);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(tx.clone())
            .default_service(web::post().to(sink_receive))
    })
    .workers(1)
    .bind(("127.0.0.1", 0))?;
    let sink = format!("http://{}/notify", server.addrs()[0]);
    let server = server.run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    let http = client();
    let body = json!({ "appId": app, "callbackUrl": sink }).to_string();
    let mut samples = Vec::new();
    for i in 0..warmup + n {
        let started = Instant::now();
        let r = http
            .post(format!("{base}/__mock/payscore/open"))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await?;
        if r.status().as_u16() != 201 {
            return Err(format!("open answered {}", r.status()).into());
        }
        let v: Value = r.json().await?;
        let id = v["notification"]["id"].as_str().ok_or("no id")?.to_owned();
        let arrived = loop {
            let (got, at) = tokio::time::timeout(Duration::from_secs(10), rx.recv())
                .await?
                .ok_or("sink closed")?;
            if got == id {
                break at;
            }
        };
        if i >= warmup {
            samples.push(ms(arrived - started));
        }
    }
    handle.stop(true).await;
    samples.sort_by(f64::total_cmp);
    Ok(json!({
        "n": n,
        "p50Ms": percentile(&samples, 50.0),
        "p90Ms": percentile(&samples, 90.0),
        "p99Ms": percentile(&samples, 99.0),
        "maxMs": samples.last(),
    }))
}

#[actix_web::main]
async fn main() {
    let all: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = all.split_first() else {
        eprintln!("usage: drive startup|opens|latency|free-port …");
        std::process::exit(2);
    };
    let args = Args(rest.to_vec());
    let result = match command.as_str() {
        "startup" => startup(&args).await,
        "opens" => opens(&args).await,
        "latency" => latency(&args).await,
        "free-port" => free_port().map(|p| json!(p)),
        other => Err(format!("unknown command {other}").into()),
    };
    match result {
        Ok(v) => println!("{v}"),
        Err(e) => {
            eprintln!("drive {command}: {e}");
            std::process::exit(1);
        }
    }
}
