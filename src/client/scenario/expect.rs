//! Expectation steps: they read the sandbox's records and explain any difference in words.

use chrono::DateTime;
use serde::Serialize;
use serde_json::{Value, json};

use super::outcome::failed;
use super::steps::{Args, Ctx};
use crate::api::journal::RequestFilter;
use crate::api::payscore::AuthorizationFilter;
use crate::api::scenario::Kind;
use crate::client::{ClientError, Control, NotificationFilter};

/// Makes every attempt that is due now on the run's clock and waits for those in flight (an
/// advance by 0), so an expectation sees the deliveries the previous steps set off.
async fn settle<C: Control>(ctx: &Ctx<'_, C>) -> Result<(), String> {
    ctx.advance(0.0).await.map(drop)
}

/// The JSON the control API answers for `value`, which the expectations read.
fn json_of<T: Serialize>(what: &str, value: Result<T, ClientError>) -> Result<Value, String> {
    let value = value.map_err(|e| failed(what, &e))?;
    serde_json::to_value(value).map_err(|e| format!("{what}: {e}"))
}

fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

fn attempts(n: &Value) -> &[Value] {
    n["attempts"].as_array().map(Vec::as_slice).unwrap_or(&[])
}

/// Attempts made: those listed and those dropped from a long list.
fn attempt_count(n: &Value) -> usize {
    attempts(n).len() + n["attemptsDropped"].as_u64().unwrap_or(0) as usize
}

/// "it is pending after 2 attempts (last: connection_failed, HTTP –), next attempt at …".
pub fn describe_state(n: &Value) -> String {
    let list = attempts(n);
    let mut s = format!(
        "it is {} after {}",
        n["status"].as_str().unwrap_or("unknown"),
        plural(attempt_count(n), "attempt")
    );
    if let Some(last) = list.last() {
        let status = last["httpStatus"]
            .as_u64()
            .map_or("–".to_owned(), |s| s.to_string());
        s.push_str(&format!(
            " (last: {}, HTTP {status}",
            last["outcome"].as_str().unwrap_or("?")
        ));
        if let Some(error) = last["error"].as_str() {
            s.push_str(&format!(
                ", {}",
                error.chars().take(120).collect::<String>()
            ));
        }
        s.push(')');
    }
    if n["awaitingCallbackUrl"] == true {
        s.push_str(", waiting for a callback URL");
    } else if let Some(next) = n["nextAttemptAt"].as_str() {
        s.push_str(&format!(", next attempt at {next}"));
    }
    s
}

/// Seconds after creation at which each attempt was sent.
fn offsets(n: &Value) -> Vec<i64> {
    let parse = |v: &Value| DateTime::parse_from_rfc3339(v.as_str().unwrap_or_default()).ok();
    let Some(created) = parse(&n["createdAt"]) else {
        return Vec::new();
    };
    attempts(n)
        .iter()
        .filter_map(|a| parse(&a["sentAt"]).map(|t| (t - created).num_seconds()))
        .collect()
}

fn join<T: ToString>(items: &[T]) -> String {
    items
        .iter()
        .map(T::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

async fn find_notification<C: Control>(ctx: &Ctx<'_, C>, args: &Args) -> Result<Value, String> {
    let app = args.str("app").map(|a| ctx.app_id(a));
    let filters = [
        ("appId", app),
        ("openId", args.str("openId").map(str::to_owned)),
        ("eventType", args.str("eventType").map(str::to_owned)),
    ];
    if let Some(id) = args.str("notification") {
        let what = format!("GET /__mock/notifications/{id}");
        let n = json_of(&what, ctx.control.notification(id).await)?;
        for (field, wanted) in &filters {
            if let Some(wanted) = wanted {
                let actual = n[*field].as_str().unwrap_or_default();
                if actual != wanted {
                    return Err(format!(
                        "expected notification {id} to have {field} {wanted}, it has {actual}"
                    ));
                }
            }
        }
        return Ok(n);
    }
    let wanted: Vec<String> = filters
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={v}")))
        .collect();
    let [(_, app_id), (_, open_id), (_, event_type)] = filters;
    let filter = NotificationFilter {
        app_id,
        open_id,
        event_type,
        ..NotificationFilter::default()
    };
    let list = json_of(
        "GET /__mock/notifications",
        ctx.control.notifications(&filter).await,
    )?;
    list.as_array()
        .and_then(|l| l.first().cloned())
        .ok_or_else(|| format!("no notification matches {}", wanted.join(", ")))
}

async fn expect_notification<C: Control>(ctx: &Ctx<'_, C>, args: &Args) -> Result<Value, String> {
    settle(ctx).await?;
    let n = find_notification(ctx, args).await?;
    let id = n["id"].as_str().unwrap_or("?");
    let status = args.str("status");
    let count = args.u64("attempts").map(|c| c as usize);
    let status_ok = status.is_none_or(|s| n["status"].as_str() == Some(s));
    let count_ok = count.is_none_or(|c| attempt_count(&n) == c);
    if !status_ok || !count_ok {
        let mut wanted = format!("expected notification {id}");
        if let Some(s) = status {
            wanted.push_str(&format!(" to be {s}"));
        }
        if let Some(c) = count {
            wanted.push_str(&format!(" after {}", plural(c, "attempt")));
        }
        return Err(format!("{wanted}, {}", describe_state(&n)));
    }
    if let Some(expected) = args.value("offsets") {
        let expected: Vec<i64> = serde_json::from_value(expected.clone())
            .map_err(|_| format!("offsets must be a list of whole seconds, not {expected}"))?;
        let actual = offsets(&n);
        if actual != expected {
            return Err(format!(
                "expected the attempts of {id} at {} s after creation, they were at {} s",
                join(&expected),
                join(&actual)
            ));
        }
    }
    Ok(n)
}

async fn expect_deliveries<C: Control>(ctx: &Ctx<'_, C>, args: &Args) -> Result<Value, String> {
    settle(ctx).await?;
    let app = ctx.app_id(args.need_str("app")?);
    let outcome = args.str("outcome");
    let want = args.u64("count").unwrap_or_default() as usize;
    let filter = NotificationFilter {
        app_id: Some(app.clone()),
        ..NotificationFilter::default()
    };
    let list = json_of(
        "GET /__mock/notifications",
        ctx.control.notifications(&filter).await,
    )?;
    let notifications = list.as_array().cloned().unwrap_or_default();
    let mut found = 0;
    let mut seen = Vec::new();
    for n in notifications.iter().rev() {
        let matching: Vec<&str> = attempts(n)
            .iter()
            .map(|a| a["outcome"].as_str().unwrap_or("?"))
            .filter(|o| outcome.is_none_or(|w| w == *o))
            .collect();
        found += matching.len();
        let all: Vec<&str> = attempts(n)
            .iter()
            .map(|a| a["outcome"].as_str().unwrap_or("?"))
            .collect();
        seen.push(format!(
            "{}: {}",
            n["id"].as_str().unwrap_or("?"),
            if all.is_empty() {
                "no attempt".to_owned()
            } else {
                all.join(", ")
            }
        ));
    }
    if found != want {
        let what = match outcome {
            Some(o) => format!("delivery attempts with outcome {o}"),
            None => "delivery attempts".to_owned(),
        };
        let detail = if seen.is_empty() {
            "the app has no notification".to_owned()
        } else {
            seen.join("; ")
        };
        return Err(format!(
            "expected {want} {what} for app {app}, found {found} ({detail})"
        ));
    }
    Ok(json!({ "count": found, "notifications": notifications.len() }))
}

async fn expect_journal<C: Control>(ctx: &Ctx<'_, C>, args: &Args) -> Result<Value, String> {
    let app = args.str("app").map(|a| ctx.app_id(a));
    let filters = [
        ("appId", app),
        ("path", args.str("path").map(str::to_owned)),
        ("outcome", args.str("outcome").map(str::to_owned)),
    ];
    let mut filter = RequestFilter {
        app_id: filters[0].1.clone(),
        path: filters[1].1.clone(),
        outcome: filters[2].1.clone(),
        method: None,
        limit: Some(1000),
    };
    let what = "GET /__mock/requests";
    let journal = match ctx.control.requests(&filter).await {
        // A journal with a smaller cap on `limit` refuses 1000: ask again with its default.
        Err(ClientError::Control { status: 400, .. }) => {
            filter.limit = None;
            json_of(what, ctx.control.requests(&filter).await)?
        }
        other => json_of(what, other)?,
    };
    let entries = journal.as_array().cloned().unwrap_or_default();
    let want = args.u64("count").unwrap_or_default() as usize;
    if entries.len() != want {
        let wanted: Vec<String> = filters
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={v}")))
            .collect();
        let seen: Vec<String> = entries
            .iter()
            .rev()
            .take(10)
            .map(|e| {
                format!(
                    "{} {} {} {}",
                    e["method"].as_str().unwrap_or("?"),
                    e["path"].as_str().unwrap_or("?"),
                    e["response"]["status"],
                    e["outcome"].as_str().unwrap_or("?")
                )
            })
            .collect();
        return Err(format!(
            "expected {} ({}), found {}{}",
            if want == 1 {
                "1 journal entry".to_owned()
            } else {
                format!("{want} journal entries")
            },
            if wanted.is_empty() {
                "any".to_owned()
            } else {
                wanted.join(", ")
            },
            entries.len(),
            if seen.is_empty() {
                String::new()
            } else {
                format!(": {}", seen.join("; "))
            }
        ));
    }
    Ok(json!({ "count": entries.len() }))
}

async fn expect_authorization<C: Control>(ctx: &Ctx<'_, C>, args: &Args) -> Result<Value, String> {
    let app = ctx.app_id(args.need_str("app")?);
    let open_id = args.need_str("openId")?;
    let state = args.need_str("state")?;
    let filter = AuthorizationFilter {
        app_id: Some(app.clone()),
        open_id: Some(open_id.to_owned()),
        state: None,
    };
    let list = json_of(
        "GET /__mock/payscore/authorizations",
        ctx.control.authorization_list(&filter).await,
    )?;
    let auth = list["authorizations"]
        .as_array()
        .and_then(|l| l.first().cloned())
        .ok_or_else(|| {
            format!("expected openId {open_id} of app {app} to be {state}, it has no authorisation")
        })?;
    let actual = auth["state"].as_str().unwrap_or("?");
    if !actual.eq_ignore_ascii_case(state) {
        return Err(format!(
            "expected openId {open_id} of app {app} to be {state}, it is {actual}"
        ));
    }
    Ok(auth)
}

async fn expect_sink<C: Control>(ctx: &Ctx<'_, C>, args: &Args) -> Result<Value, String> {
    settle(ctx).await?;
    let app = ctx.app_id(args.need_str("app")?);
    let what = format!("GET /__mock/sink/{app}");
    let received = json_of(&what, ctx.control.sink(&app).await)?;
    let received = received.as_array().cloned().unwrap_or_default();
    let sign_valid = args.value("signValid").and_then(Value::as_bool);
    let event_type = args.str("eventType");
    let matching = received
        .iter()
        .filter(|r| sign_valid.is_none_or(|v| r["signValid"].as_bool() == Some(v)))
        .filter(|r| event_type.is_none_or(|e| r["eventType"].as_str() == Some(e)))
        .count();
    let want = args.u64("count").unwrap_or_default() as usize;
    if matching != want {
        let mut what = "notifications".to_owned();
        if let Some(v) = sign_valid {
            what.push_str(if v {
                " with a valid sign"
            } else {
                " with an invalid sign"
            });
        }
        if let Some(e) = event_type {
            what.push_str(&format!(" of type {e}"));
        }
        return Err(format!(
            "expected the sink of app {app} to have received {want} {what}, it received {matching} (of {} in all)",
            received.len()
        ));
    }
    Ok(json!({ "count": matching, "received": received.len() }))
}

/// Runs one expectation step.
pub async fn execute<C: Control>(
    ctx: &Ctx<'_, C>,
    kind: Kind,
    args: &Args,
) -> Result<Value, String> {
    match kind {
        Kind::ExpectNotification => expect_notification(ctx, args).await,
        Kind::ExpectDeliveries => expect_deliveries(ctx, args).await,
        Kind::ExpectJournal => expect_journal(ctx, args).await,
        Kind::ExpectAuthorization => expect_authorization(ctx, args).await,
        Kind::ExpectSink => expect_sink(ctx, args).await,
        other => Err(format!("{} is not an expectation", other.name())),
    }
}
