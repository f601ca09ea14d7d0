//! What each action step sends to the sandbox. Expectations live in `expect.rs`, token
//! requests and business calls in `business.rs`, the order steps in `orders.rs`, `payer.rs` and
//! `order_expect.rs`.

use std::time::Duration;

use serde_json::{Map, Value};

use super::business::{call, request_token};
use super::client::Gateway;
use super::clock::RunClock;
use super::expect::{self, describe_state};
use super::outcome::{answered, check, cleared, failed, field};
use super::{order_expect, orders, payer};
use crate::api::app::AppSpec;
use crate::api::scenario::Kind;
use crate::api::scenario::refs::Bindings;
use crate::client::{ClientError, Control, WaitFor};

/// A step's resolved fields.
#[derive(Debug, Clone)]
pub struct Args(pub Map<String, Value>);

impl Args {
    /// A string field, if present.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(Value::as_str)
    }

    /// A string field the step needs.
    pub fn need_str(&self, name: &str) -> Result<&str, String> {
        self.str(name).ok_or_else(|| format!("{name} is missing"))
    }

    /// A whole-number field, if present.
    pub fn u64(&self, name: &str) -> Option<u64> {
        self.0.get(name).and_then(Value::as_u64)
    }

    /// Any field, if present.
    pub fn value(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }
}

/// What steps share: the sandbox's control API, its gateway, and the outputs so far.
pub struct Ctx<'a, C> {
    /// The control API of the sandbox the scenario runs against.
    pub control: &'a C,
    /// Its gateway, for token requests and business calls.
    pub gateway: &'a Gateway,
    /// Earlier outputs.
    pub bindings: &'a Bindings,
    /// The clock the run follows.
    pub clock: &'a RunClock,
}

impl<C: Control> Ctx<'_, C> {
    /// `app` names an earlier step whose output has an `appId`, or is an appId itself.
    pub fn app_id(&self, app: &str) -> String {
        self.bindings
            .get(app)
            .and_then(|v| v["appId"].as_str())
            .unwrap_or(app)
            .to_owned()
    }

    /// Moves the run's clock forward (by 0: makes the attempts due now), making every attempt
    /// due on the way for the apps on it.
    pub async fn advance(&self, seconds: f64) -> Result<Value, String> {
        let (what, answer) = self.clock.advance(self.control, seconds).await;
        answered(&what, answer, None, 200)
    }
}

fn pick(args: &Args, names: &[&str]) -> Map<String, Value> {
    names
        .iter()
        .filter_map(|n| args.value(n).map(|v| ((*n).to_owned(), v.clone())))
        .collect()
}

async fn wait_notification<C: Control>(ctx: &Ctx<'_, C>, args: &Args) -> Result<Value, String> {
    let id = args.need_str("notification")?;
    let status = args.str("status").unwrap_or("delivered");
    let wanted = match status {
        "delivered" => WaitFor::Delivered,
        "exhausted" => WaitFor::Exhausted,
        "settled" => WaitFor::Settled,
        "pending" => WaitFor::Pending,
        other => {
            return Err(format!(
                "status must be one of delivered, exhausted, settled, pending, not {other:?}"
            ));
        }
    };
    let timeout_ms = args.u64("timeoutMs").unwrap_or(10_000).min(300_000);
    let waited = ctx
        .control
        .wait_for_notification(id, wanted, Duration::from_millis(timeout_ms))
        .await;
    match waited {
        Ok(n) => serde_json::to_value(n).map_err(|e| e.to_string()),
        Err(ClientError::WaitTimedOut { notification, .. }) => {
            let n = serde_json::to_value(notification).map_err(|e| e.to_string())?;
            Err(format!(
                "expected notification {id} to be {status} within {timeout_ms} ms, {}",
                describe_state(&n)
            ))
        }
        Err(e) => Err(failed(&format!("GET /__mock/notifications/{id}/wait"), &e)),
    }
}

/// Runs one step with its resolved fields and returns its output.
pub async fn execute<C: Control>(
    ctx: &Ctx<'_, C>,
    kind: Kind,
    args: &Args,
) -> Result<Value, String> {
    let expect = args.value("expect");
    let app = || args.need_str("app").map(|a| ctx.app_id(a));
    let control = ctx.control;
    match kind {
        Kind::CreateApp => {
            let mut spec: AppSpec = field(args, "app")?;
            if spec.clock.is_none() {
                spec.clock = ctx.clock.for_new_apps().map(str::to_owned);
            }
            answered(
                "POST /__mock/apps",
                control.create_app(spec).await,
                expect,
                201,
            )
        }
        Kind::UpdateApp => {
            let app_id = app()?;
            let patch = field(args, "patch")?;
            let what = format!("PATCH /__mock/apps/{app_id}");
            answered(&what, control.update_app(&app_id, patch).await, expect, 200)
        }
        Kind::Open | Kind::Close => {
            let mut body = pick(
                args,
                &["openId", "subOpenId", "authorizationCode", "callbackUrl"],
            );
            body.insert("appId".into(), Value::String(app()?));
            let body = Value::Object(body);
            let invalid = |e: serde_json::Error| format!("the step's fields are not valid: {e}");
            if kind == Kind::Open {
                let request = serde_json::from_value(body).map_err(invalid)?;
                answered(
                    "POST /__mock/payscore/open",
                    control.open(request).await,
                    expect,
                    201,
                )
            } else {
                let request = serde_json::from_value(body).map_err(invalid)?;
                let what = "POST /__mock/payscore/close";
                answered(what, control.close_with(request).await, expect, 201)
            }
        }
        Kind::Advance => {
            let seconds = args.value("seconds").and_then(Value::as_f64).unwrap_or(0.0);
            ctx.advance(seconds).await
        }
        Kind::SetFault => {
            let spec = field(args, "fault")?;
            answered(
                "POST /__mock/faults",
                control.add_fault(spec).await,
                expect,
                201,
            )
        }
        Kind::ClearFault => match args.str("fault") {
            Some(id) => {
                let what = format!("DELETE /__mock/faults/{id}");
                cleared(&what, Some(id), control.remove_fault(id).await)
            }
            None => cleared("DELETE /__mock/faults", None, control.clear_faults().await),
        },
        Kind::Stub => {
            let spec = field(args, "stub")?;
            answered(
                "POST /__mock/stubs",
                control.add_stub(spec).await,
                expect,
                201,
            )
        }
        Kind::ClearStub => match args.str("stub") {
            Some(id) => {
                let what = format!("DELETE /__mock/stubs/{id}");
                cleared(&what, Some(id), control.remove_stub(id).await)
            }
            None => cleared("DELETE /__mock/stubs", None, control.clear_stubs().await),
        },
        Kind::WaitNotification => wait_notification(ctx, args).await,
        Kind::RequestToken => {
            let answer = request_token(ctx, &app()?, args.str("signMethod")).await?;
            check(
                "POST /v1/token/access",
                &answer,
                expect,
                (200, Some("0000")),
            )?;
            Ok(answer.body)
        }
        Kind::Call => call(ctx, args).await,
        Kind::CreateOrder => orders::create(ctx, args).await,
        Kind::Pay => payer::pay(ctx, args).await,
        Kind::Refund => orders::refund(ctx, args).await,
        Kind::ExpectOrder => order_expect::expect_order(ctx, args).await,
        Kind::ExpectNotification
        | Kind::ExpectDeliveries
        | Kind::ExpectJournal
        | Kind::ExpectAuthorization
        | Kind::ExpectSink => expect::execute(ctx, kind, args).await,
    }
}
