//! `order list|show|pay|refund` and `bill list|show|pay`: the netpay orders and QR bills of a
//! running sandbox, each verb one call of the control API, its answer printed as JSON.

use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};
use serde::de::DeserializeOwned;

use super::ServerArg;
use super::client::{answer, control, usage};
use crate::api::order::{BillFilter, OrderFilter, PayOutcome, PayRequest, RefundRequest};

/// How long one call may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The `order` verbs.
#[derive(Debug, Subcommand)]
pub enum OrderCommand {
    /// Orders, newest first (`GET /__mock/orders`).
    List(ListArgs),
    /// One order with its refunds (`GET /__mock/orders/{merOrderId}`).
    Show(ShowArgs),
    /// A payer pays the order, or the payment fails or stays pending
    /// (`POST /__mock/orders/{merOrderId}/pay`).
    Pay(PayArgs),
    /// Refund a paid order as the merchant's back office would, all that is left unless
    /// --amount says (`POST /__mock/orders/{merOrderId}/refund`).
    Refund(RefundArgs),
}

/// The `bill` verbs.
#[derive(Debug, Subcommand)]
pub enum BillCommand {
    /// QR bills, newest first (`GET /__mock/bills`).
    List(ListArgs),
    /// One QR bill (`GET /__mock/bills/{billNo}`).
    Show(ShowArgs),
    /// A payer scans and pays the bill, or the payment fails (`POST /__mock/bills/{billNo}/pay`).
    Pay(PayArgs),
}

/// Options of `order list` and `bill list`.
#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// Only this app's (appId).
    #[arg(long, value_name = "APPID")]
    pub app: Option<String>,
    /// Only in this status (orders: `WAIT_BUYER_PAY`, `TRADE_SUCCESS`, …; bills: `UNPAID`,
    /// `PAID`, …).
    #[arg(long, value_name = "STATUS")]
    pub status: Option<String>,
    /// Only this number (merOrderId or billNo).
    #[arg(long, value_name = "NUMBER")]
    pub number: Option<String>,
    /// At most this many (the sandbox's default is 100).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// The sandbox.
    #[command(flatten)]
    pub server: ServerArg,
}

/// Options of `order show` and `bill show`.
#[derive(Debug, Clone, Args)]
pub struct ShowArgs {
    /// The order's merOrderId, or the bill's billNo.
    #[arg(value_name = "NUMBER")]
    pub number: String,
    /// The app holding it; needed only when two apps hold the number.
    #[arg(long, value_name = "APPID")]
    pub app: Option<String>,
    /// The sandbox.
    #[command(flatten)]
    pub server: ServerArg,
}

/// What the payer does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Outcome {
    /// Pays: TRADE_SUCCESS, and the payment notification goes out.
    Success,
    /// The payment fails: an order closes (TRADE_CLOSED), a bill stays unpaid.
    Fail,
    /// Scans or opens it and does not finish: a NEW_ORDER becomes WAIT_BUYER_PAY.
    Pending,
}

/// Options of `order pay` and `bill pay`.
#[derive(Debug, Clone, Args)]
pub struct PayArgs {
    /// The order's merOrderId, or the bill's billNo.
    #[arg(value_name = "NUMBER")]
    pub number: String,
    /// The app holding it; needed only when two apps hold the number.
    #[arg(long, value_name = "APPID")]
    pub app: Option<String>,
    /// What the payer does.
    #[arg(long, value_enum, default_value_t = Outcome::Success)]
    pub outcome: Outcome,
    /// The paying channel (`WXPay`, `Alipay 2.0`, …; default: the product's).
    #[arg(long, value_name = "CHANNEL")]
    pub target_sys: Option<String>,
    /// What the payer pays, fen (default: the total less coupons).
    #[arg(long, value_name = "FEN")]
    pub buyer_pay_amount: Option<u64>,
    /// What coupons pay, fen.
    #[arg(long, value_name = "FEN")]
    pub coupon_amount: Option<u64>,
    /// The payer (default: generated for the channel).
    #[arg(long, value_name = "ID")]
    pub buyer_id: Option<String>,
    /// The sandbox.
    #[command(flatten)]
    pub server: ServerArg,
}

/// Options of `order refund`.
#[derive(Debug, Clone, Args)]
pub struct RefundArgs {
    /// The order's merOrderId.
    #[arg(value_name = "MERORDERID")]
    pub number: String,
    /// The app holding it; needed only when two apps hold the number.
    #[arg(long, value_name = "APPID")]
    pub app: Option<String>,
    /// Fen to refund (default: all that is still refundable).
    #[arg(long, value_name = "FEN")]
    pub amount: Option<u64>,
    /// The merchant's number for the refund (default: generated); the same number again
    /// answers the refund on record.
    #[arg(long, value_name = "ID")]
    pub refund_order_id: Option<String>,
    /// The reason.
    #[arg(long, value_name = "TEXT")]
    pub desc: Option<String>,
    /// `SUCCESS`, or `PROCESSING` for a refund that settles later (default: the app's).
    #[arg(long, value_name = "STATUS")]
    pub refund_status: Option<String>,
    /// The sandbox.
    #[command(flatten)]
    pub server: ServerArg,
}

/// A wire value (`TRADE_SUCCESS`, `PROCESSING` …) given on the command line as its type.
fn wire<T: DeserializeOwned>(option: &str, text: Option<&str>) -> Result<Option<T>, i32> {
    text.map(|t| {
        serde_json::from_value(serde_json::Value::String(t.to_owned()))
            .map_err(|_| usage(&format!("{option} {t:?} is not a status the sandbox knows")))
    })
    .transpose()
}

impl PayArgs {
    fn request(&self) -> PayRequest {
        PayRequest {
            app_id: self.app.clone(),
            outcome: match self.outcome {
                Outcome::Success => PayOutcome::Success,
                Outcome::Fail => PayOutcome::Fail,
                Outcome::Pending => PayOutcome::Pending,
            },
            target_sys: self.target_sys.clone(),
            buyer_pay_amount: self.buyer_pay_amount,
            coupon_amount: self.coupon_amount,
            buyer_id: self.buyer_id.clone(),
        }
    }
}

/// Runs an `order` verb.
pub async fn run_order(command: OrderCommand) -> i32 {
    match order(command).await {
        Ok(code) | Err(code) => code,
    }
}

/// Runs a `bill` verb.
pub async fn run_bill(command: BillCommand) -> i32 {
    match bill(command).await {
        Ok(code) | Err(code) => code,
    }
}

async fn order(command: OrderCommand) -> Result<i32, i32> {
    Ok(match command {
        OrderCommand::List(args) => {
            let filter = OrderFilter {
                app_id: args.app,
                mer_order_id: args.number,
                status: wire("--status", args.status.as_deref())?,
                limit: args.limit,
            };
            answer(control(&args.server, TIMEOUT)?.order_list(&filter).await)
        }
        OrderCommand::Show(args) => {
            let c = control(&args.server, TIMEOUT)?;
            answer(c.order(&args.number, args.app.as_deref()).await)
        }
        OrderCommand::Pay(args) => {
            let c = control(&args.server, TIMEOUT)?;
            answer(c.pay_order(&args.number, args.request()).await)
        }
        OrderCommand::Refund(args) => {
            let request = RefundRequest {
                app_id: args.app,
                refund_amount: args.amount,
                refund_order_id: args.refund_order_id,
                refund_desc: args.desc,
                refund_status: wire("--refund-status", args.refund_status.as_deref())?,
            };
            let c = control(&args.server, TIMEOUT)?;
            answer(c.refund_order(&args.number, request).await)
        }
    })
}

async fn bill(command: BillCommand) -> Result<i32, i32> {
    Ok(match command {
        BillCommand::List(args) => {
            let filter = BillFilter {
                app_id: args.app,
                bill_no: args.number,
                status: wire("--status", args.status.as_deref())?,
                limit: args.limit,
            };
            answer(control(&args.server, TIMEOUT)?.bill_list(&filter).await)
        }
        BillCommand::Show(args) => {
            let c = control(&args.server, TIMEOUT)?;
            answer(c.bill(&args.number, args.app.as_deref()).await)
        }
        BillCommand::Pay(args) => {
            let c = control(&args.server, TIMEOUT)?;
            answer(c.pay_bill(&args.number, args.request()).await)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::order::{OrderStatus, RefundStatus};

    #[test]
    fn a_status_is_read_by_its_wire_name_and_an_unknown_one_is_a_usage_error() {
        assert_eq!(
            wire::<OrderStatus>("--status", Some("TRADE_REFUND")),
            Ok(Some(OrderStatus::TradeRefund))
        );
        assert_eq!(
            wire::<RefundStatus>("--refund-status", Some("PROCESSING")),
            Ok(Some(RefundStatus::Processing))
        );
        assert_eq!(wire::<OrderStatus>("--status", Some("paid")), Err(2));
        assert_eq!(wire::<OrderStatus>("--status", None), Ok(None));
    }
}
