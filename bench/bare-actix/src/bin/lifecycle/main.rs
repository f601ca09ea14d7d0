//! Load driver for the netpay lifecycle (see `driver.rs`). Every command prints one JSON
//! object.
//!
//! - `lifecycle run --base URL --authorization AUTH [--seconds S] [--concurrency C] [--bare]` —
//!   lifecycles (create → pay → notification → query → refund) from C concurrent workers for S
//!   seconds; AUTH is the gateway's `Authorization` header, e.g.
//!   `OPEN-ACCESS-TOKEN AccessToken=…`. With `--bare`, the same five round trips against the
//!   bare actix-web reference at URL (no AUTH needed).
//! - `lifecycle orders --base URL --authorization AUTH --n N [--concurrency C]` — creates and
//!   pays N orders, then waits until no notification is pending.

mod driver;
mod http;

use serde_json::Value;

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn num<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> Result<T, String> {
    match arg(args, name) {
        Some(v) => v.parse().map_err(|_| format!("{name}: not a number: {v}")),
        None => Ok(default),
    }
}

async fn command(name: &str, args: &[String]) -> Result<Value, String> {
    let bare = args.iter().any(|a| a == "--bare");
    let target = driver::Target {
        base: arg(args, "--base").ok_or("missing --base")?,
        authorization: match arg(args, "--authorization") {
            Some(a) => a,
            None if bare => String::new(),
            None => return Err("missing --authorization".into()),
        },
        bare,
    };
    let concurrency = num(args, "--concurrency", 32)?;
    match name {
        "run" => {
            let load = driver::Load {
                seconds: num(args, "--seconds", 10.0)?,
                concurrency,
            };
            driver::lifecycles(&target, load).await
        }
        "orders" => driver::orders(&target, num(args, "--n", 10_000)?, concurrency).await,
        other => Err(format!("unknown command {other}")),
    }
}

#[actix_web::main]
async fn main() {
    let all: Vec<String> = std::env::args().skip(1).collect();
    let Some((name, rest)) = all.split_first() else {
        eprintln!("usage: lifecycle run|orders --base URL --authorization AUTH …");
        std::process::exit(2);
    };
    match command(name, rest).await {
        Ok(v) => println!("{v}"),
        Err(e) => {
            eprintln!("lifecycle {name}: {e}");
            std::process::exit(1);
        }
    }
}
