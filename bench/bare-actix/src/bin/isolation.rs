//! Isolation measurements for `bench/isolation.sh`. Every command prints one JSON object.
//!
//! - `isolation hanging --base URL [--n 10000] [--tries 20] [--timeout-ms 5000]
//!   [--give-up-secs 60] [--concurrency 32]` — runs a merchant that accepts connections and
//!   never answers, and a sink that answers `SUCCESS`. Creates app H (callback: the hanging
//!   merchant, per-attempt timeout `--timeout-ms`) and app O (callback: the sink), opens N
//!   authorisations for H (N notifications due at once), waits until H's attempts hang, then
//!   `--tries` times opens one authorisation for O and measures open request sent → the
//!   notification received at the sink. A try not delivered within `--give-up-secs` ends the
//!   run.
//! - `isolation waiters --base URL [--waiters 2000] [--seconds 5] [--rounds 3]
//!   [--concurrency 32]` — creates app W without a callback URL and parks `--waiters`
//!   notifications on it, and app D sending to a sink. Each round measures opens per second
//!   for app D (`POST /__mock/payscore/open`, C concurrent clients, `--seconds`) first with no
//!   long-poll waiter, then with one `GET …/wait?status=delivered` per parked notification
//!   held open by the server. With `--pid`, also the server's CPU time per open (from
//!   `/proc/PID/task/*/schedstat`), which the driver's own speed does not bound.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

type Error = Box<dyn std::error::Error + Send + Sync>;

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn num(args: &[String], name: &str, default: u64) -> Result<u64, Error> {
    match arg(args, name) {
        Some(v) => Ok(v.parse()?),
        None => Ok(default),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn stats(mut values: Vec<f64>) -> Value {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let median = match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    };
    json!({ "median": median, "min": values.first(), "max": values.last(), "all": values })
}

/// Accepts every connection and holds it, never reading or answering.
async fn hanging_merchant() -> Result<(String, Arc<AtomicUsize>), Error> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/notify", listener.local_addr()?);
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::Relaxed);
            held.push(stream);
        }
    });
    Ok((url, accepted))
}

/// Answers every request `200 SUCCESS` (keep-alive) and reports when each arrived.
async fn sink() -> Result<(String, mpsc::UnboundedReceiver<Instant>), Error> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/notify", listener.local_addr()?);
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream, tx.clone()));
        }
    });
    Ok((url, rx))
}

async fn serve(mut stream: TcpStream, arrived: mpsc::UnboundedSender<Instant>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let Some(head_end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
            match stream.read(&mut chunk).await {
                Ok(n) if n > 0 => buf.extend_from_slice(&chunk[..n]),
                _ => return,
            }
            continue;
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while buf.len() < head_end + 4 + length {
            match stream.read(&mut chunk).await {
                Ok(n) if n > 0 => buf.extend_from_slice(&chunk[..n]),
                _ => return,
            }
        }
        let _ = arrived.send(Instant::now());
        buf.drain(..head_end + 4 + length);
        let answer =
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n\r\nSUCCESS";
        if stream.write_all(answer).await.is_err() {
            return;
        }
    }
}

async fn create_app(http: &reqwest::Client, base: &str, body: Value) -> Result<String, Error> {
    let v: Value = http
        .post(format!("{base}/__mock/apps"))
        .json(&body)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(v["appId"].as_str().ok_or("no appId")?.to_owned())
}

async fn open(http: &reqwest::Client, base: &str, app: &str) -> Result<String, Error> {
    let v: Value = http
        .post(format!("{base}/__mock/payscore/open"))
        .json(&json!({ "appId": app }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(v["notification"]["id"].as_str().ok_or("no id")?.to_owned())
}

/// Opens `n` authorisations for `app` from `concurrency` clients; returns their ids.
async fn open_many(
    http: &reqwest::Client,
    base: &str,
    app: &str,
    n: usize,
    concurrency: usize,
) -> Result<Vec<String>, Error> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (http, base, app, next) = (http.clone(), base.to_owned(), app.to_owned(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            while next.fetch_add(1, Ordering::Relaxed) < n {
                ids.push(open(&http, &base, &app).await?);
            }
            Ok::<_, Error>(ids)
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.extend(t.await??);
    }
    Ok(ids)
}

async fn hanging(args: &[String]) -> Result<Value, Error> {
    let base = arg(args, "--base").ok_or("missing --base")?;
    let n = num(args, "--n", 10_000)? as usize;
    let tries = num(args, "--tries", 20)?;
    let timeout_ms = num(args, "--timeout-ms", 5000)?;
    let give_up = Duration::from_secs(num(args, "--give-up-secs", 60)?);
    let concurrency = num(args, "--concurrency", 32)? as usize;
    let http = reqwest::Client::builder().no_proxy().build()?;
    let (hang_url, accepted) = hanging_merchant().await?;
    let (sink_url, mut arrived) = sink().await?;
    let body = json!({ "callbackUrl": hang_url, "notify": { "timeoutMs": timeout_ms } });
    let stuck = create_app(&http, &base, body).await?;
    let other = create_app(&http, &base, json!({ "callbackUrl": sink_url })).await?;
    let started = Instant::now();
    open_many(&http, &base, &stuck, n, concurrency).await?;
    let opened_in = started.elapsed();
    while accepted.load(Ordering::Relaxed) == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Lets the dispatcher take the whole backlog and the first attempts settle into hanging.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut sent_to_delivered = Vec::new();
    let mut answered_to_delivered = Vec::new();
    let mut gave_up = false;
    for _ in 0..tries {
        while arrived.try_recv().is_ok() {}
        let sent = Instant::now();
        open(&http, &base, &other).await?;
        let answered = Instant::now();
        match tokio::time::timeout(give_up, arrived.recv()).await {
            Ok(Some(at)) => {
                sent_to_delivered.push(ms(at - sent));
                answered_to_delivered.push(ms(at.saturating_duration_since(answered)));
            }
            _ => {
                gave_up = true;
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(json!({
        "n": n,
        "timeoutMs": timeout_ms,
        "openedSecs": opened_in.as_secs_f64(),
        "tries": sent_to_delivered.len(),
        "gaveUpAfterSecs": gave_up.then_some(give_up.as_secs()),
        "hangingConnections": accepted.load(Ordering::Relaxed),
        "sentToDeliveredMs": stats(sent_to_delivered),
        "answeredToDeliveredMs": stats(answered_to_delivered),
    }))
}

/// CPU time the process `pid` has used so far (all threads), in nanoseconds; 0 if unknown.
fn cpu_ns(pid: Option<u32>) -> u64 {
    let Some(pid) = pid else { return 0 };
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0;
    };
    tasks
        .filter_map(|t| t.ok())
        .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
        .filter_map(|s| {
            s.split_whitespace()
                .next()
                .and_then(|v| v.parse::<u64>().ok())
        })
        .sum()
}

/// Opens per second for `app` from `concurrency` clients during `window`, and the server's
/// CPU time per open (µs) when its `pid` is known.
async fn throughput(
    http: &reqwest::Client,
    base: &str,
    app: &str,
    concurrency: usize,
    window: Duration,
    pid: Option<u32>,
) -> Result<(f64, f64), Error> {
    let done = Arc::new(AtomicUsize::new(0));
    let body = Arc::new(json!({ "appId": app }).to_string());
    let cpu_before = cpu_ns(pid);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (http, base, body, done) = (http.clone(), base.to_owned(), body.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            while started.elapsed() < window {
                // The answer is read but not parsed: the driver must not be the bottleneck.
                let r = http
                    .post(format!("{base}/__mock/payscore/open"))
                    .header("content-type", "application/json")
                    .body((*body).clone())
                    .send()
                    .await?;
                if r.status().as_u16() != 201 {
                    return Err(Error::from(format!("open answered {}", r.status())));
                }
                r.bytes().await?;
                done.fetch_add(1, Ordering::Relaxed);
            }
            Ok::<_, Error>(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    let opens = done.load(Ordering::Relaxed) as f64;
    let rate = opens / started.elapsed().as_secs_f64();
    let cpu_us = (cpu_ns(pid).saturating_sub(cpu_before)) as f64 / 1000.0 / opens;
    Ok((rate, cpu_us))
}

async fn waiters(args: &[String]) -> Result<Value, Error> {
    let base = arg(args, "--base").ok_or("missing --base")?;
    let count = num(args, "--waiters", 2000)? as usize;
    let window = Duration::from_secs(num(args, "--seconds", 5)?);
    let rounds = num(args, "--rounds", 3)?;
    let concurrency = num(args, "--concurrency", 32)? as usize;
    let pid = arg(args, "--pid").and_then(|p| p.parse().ok());
    let http = reqwest::Client::builder().no_proxy().build()?;
    // One connection per waiter: the long-polls are held open by the server side by side.
    let waiting = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(0)
        .build()?;
    let (sink_url, mut arrived) = sink().await?;
    tokio::spawn(async move { while arrived.recv().await.is_some() {} });
    let parked = create_app(&http, &base, json!({})).await?;
    let busy = create_app(&http, &base, json!({ "callbackUrl": sink_url })).await?;
    let ids = open_many(&http, &base, &parked, count, concurrency).await?;
    throughput(
        &http,
        &base,
        &busy,
        concurrency,
        Duration::from_secs(2),
        pid,
    )
    .await?; // warm-up
    let (mut without, mut with) = (Vec::new(), Vec::new());
    let (mut cpu_without, mut cpu_with) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let (rate, cpu) = throughput(&http, &base, &busy, concurrency, window, pid).await?;
        without.push(rate);
        cpu_without.push(cpu);
        // Each long-poll ends by itself shortly after the measurement.
        let timeout_ms = (window + Duration::from_secs(4)).as_millis();
        let polls: Vec<_> = ids
            .iter()
            .map(|id| {
                let url = format!(
                    "{base}/__mock/notifications/{id}/wait?status=delivered&timeoutMs={timeout_ms}"
                );
                let waiting = waiting.clone();
                tokio::spawn(async move { waiting.get(url).send().await.map(|r| r.status()) })
            })
            .collect();
        tokio::time::sleep(Duration::from_secs(2)).await;
        let (rate, cpu) = throughput(&http, &base, &busy, concurrency, window, pid).await?;
        let mut timed_out = 0;
        for p in polls {
            if matches!(p.await?, Ok(s) if s.as_u16() == 408) {
                timed_out += 1;
            }
        }
        if timed_out != count {
            return Err(format!("only {timed_out} of {count} waiters waited to the end").into());
        }
        with.push(rate);
        cpu_with.push(cpu);
    }
    let (w, wo) = (stats(with.clone()), stats(without.clone()));
    let ratio =
        w["median"].as_f64().unwrap_or(f64::NAN) / wo["median"].as_f64().unwrap_or(f64::NAN);
    Ok(json!({
        "waiters": count,
        "seconds": window.as_secs(),
        "concurrency": concurrency,
        "withoutWaitersOpensPerSec": wo,
        "withWaitersOpensPerSec": w,
        "ratio": ratio,
        "withoutWaitersServerCpuUsPerOpen": stats(cpu_without),
        "withWaitersServerCpuUsPerOpen": stats(cpu_with),
    }))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = match args.first().map(String::as_str) {
        Some("hanging") => hanging(&args).await?,
        Some("waiters") => waiters(&args).await?,
        _ => return Err("usage: isolation hanging|waiters --base URL …".into()),
    };
    println!("{out}");
    Ok(())
}
