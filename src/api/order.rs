//! Netpay orders, their refunds and QR bills, as the control API shows them (docs/payments.md).
//! Amounts are integers of fen; times are RFC 3339 in Beijing time.
//!
//! ```
//! use chinaums_mock::api::order::{Order, OrderStatus};
//! let order: Order = serde_json::from_value(serde_json::json!({
//!     "appId": "10037e6f66f2d0f901672aa27d690006", "mid": "898201612345678",
//!     "merOrderId": "3194202611251200001", "path": "/v1/netpay/wx/unified-order",
//!     "instMid": "MINIDEFAULT", "totalAmount": 288, "status": "WAIT_BUYER_PAY",
//!     "createdAt": "2026-11-25T12:00:00+08:00", "updatedAt": "2026-11-25T12:00:00+08:00"
//! }))?;
//! assert_eq!(order.status, OrderStatus::WaitBuyerPay);
//! assert_eq!(order.refundable(), 0, "nothing paid, nothing to refund");
//! let shown = serde_json::to_value(&order)?;
//! assert_eq!(shown["payTime"], serde_json::Value::Null);
//! assert!(shown.get("orderDesc").is_none(), "what the request lacked stays out");
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::api::time;

mod bill;
mod payer;
pub use bill::{Bill, BillFilter, BillList, BillPaid, BillStatus};
pub use payer::{OrderPaid, OrderRefunded, PayOutcome, PayRequest, RefundRequest};

wire_names! {
    /// An order's `status`.
    pub enum OrderStatus {
        /// Created, not scanned or opened yet (QR and H5 orders).
        NewOrder = "NEW_ORDER",
        /// Waiting for the buyer to pay in the wallet.
        WaitBuyerPay = "WAIT_BUYER_PAY",
        /// Paid.
        TradeSuccess = "TRADE_SUCCESS",
        /// Closed unpaid: the payment failed, the merchant closed it, or it expired.
        TradeClosed = "TRADE_CLOSED",
        /// Paid and fully refunded.
        TradeRefund = "TRADE_REFUND",
        /// The platform does not know.
        Unknown = "UNKNOWN",
    }
}

impl OrderStatus {
    /// Whether the order can still be paid (`NEW_ORDER`, `WAIT_BUYER_PAY`).
    ///
    /// ```
    /// use chinaums_mock::api::order::OrderStatus;
    /// assert!(OrderStatus::NewOrder.is_unpaid());
    /// assert!(!OrderStatus::TradeClosed.is_unpaid());
    /// ```
    pub fn is_unpaid(self) -> bool {
        matches!(self, OrderStatus::NewOrder | OrderStatus::WaitBuyerPay)
    }
}

wire_names! {
    /// A refund's `refundStatus`.
    pub enum RefundStatus {
        /// Refunded.
        Success = "SUCCESS",
        /// The channel refused.
        Fail = "FAIL",
        /// Accepted, settling later.
        Processing = "PROCESSING",
        /// The platform does not know.
        Unknown = "UNKNOWN",
    }
}

/// One refund of an order.
///
/// ```
/// use chinaums_mock::api::order::{Refund, RefundStatus};
/// let r: Refund = serde_json::from_value(serde_json::json!({
///     "refundOrderId": "3194R1", "refundAmount": 50, "refundStatus": "SUCCESS",
///     "refundTargetOrderId": "50300000012026112500000000001",
///     "refundPayTime": "2026-11-25T12:00:10+08:00", "refundSettleDate": "2026-11-25"
/// }))?;
/// assert_eq!(r.refund_status, RefundStatus::Success);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Refund {
    /// The merchant's number for the refund (generated when the request named none).
    pub refund_order_id: String,
    /// Fen.
    pub refund_amount: u64,
    /// Where it stands.
    pub refund_status: RefundStatus,
    /// The channel's number for the refund.
    pub refund_target_order_id: String,
    /// When it was made, in the app's sandbox time.
    #[serde(with = "time::beijing")]
    pub refund_pay_time: DateTime<Utc>,
    /// `yyyy-MM-dd`.
    pub refund_settle_date: String,
    /// The merchant's reason, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_desc: Option<String>,
    /// When a `PROCESSING` refund settles, in the app's sandbox time.
    #[serde(
        default,
        with = "time::beijing_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub settles_at: Option<DateTime<Utc>>,
}

/// An order: what the merchant created, and what the payer and the merchant did to it since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    /// The app that created it.
    pub app_id: String,
    /// Merchant number.
    pub mid: String,
    /// The merchant's order number, unique per app.
    pub mer_order_id: String,
    /// The path that created it, e.g. `/v1/netpay/wx/unified-order`.
    pub path: String,
    /// Terminal number, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tid: Option<String>,
    /// Institution merchant type, as sent or the product's default.
    pub inst_mid: String,
    /// Fen.
    pub total_amount: u64,
    /// Where it stands.
    pub status: OrderStatus,
    /// Created, in the app's sandbox time.
    #[serde(with = "time::beijing")]
    pub created_at: DateTime<Utc>,
    /// Last changed.
    #[serde(with = "time::beijing")]
    pub updated_at: DateTime<Utc>,
    /// When it was paid.
    #[serde(default, with = "time::beijing_opt")]
    pub pay_time: Option<DateTime<Utc>>,
    /// The channel's order number, once paid.
    #[serde(default)]
    pub target_order_id: Option<String>,
    /// The channel that took the payment: `WXPay`, `Alipay 2.0`, `UAC`, `ACP`, `QMF`.
    #[serde(default)]
    pub target_sys: Option<String>,
    /// The platform's trace number of the payment.
    #[serde(default)]
    pub seq_id: Option<String>,
    /// `yyyy-MM-dd`, once paid.
    #[serde(default)]
    pub settle_date: Option<String>,
    /// The payer, once paid.
    #[serde(default)]
    pub buyer_id: Option<String>,
    /// What the payer paid, fen.
    #[serde(default)]
    pub buyer_pay_amount: Option<u64>,
    /// Paid by coupons, fen.
    #[serde(default)]
    pub coupon_amount: Option<u64>,
    /// Where the payment notification goes: the request's `notifyUrl` (none: the app's
    /// callback URL).
    #[serde(default)]
    pub notify_url: Option<String>,
    /// Where the H5 cashier sends the payer back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    /// The merchant's description, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_desc: Option<String>,
    /// The merchant's attached data, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attached_data: Option<String>,
    /// The merchant's reserved field, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub src_reserve: Option<String>,
    /// The QR bill this order paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_no: Option<String>,
    /// The platform's own order number (B-scan-C `orderId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform_order_id: Option<String>,
    /// The page where a person pays or cancels it (H5 orders).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cashier_url: Option<String>,
    /// When the order closes unless paid: the create's `expireTime`, else the app's
    /// `payer.orderExpirySeconds` after creation.
    #[serde(
        default,
        with = "time::beijing_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub expire_time: Option<DateTime<Utc>>,
    /// When the app's automatic payer pays it (`payer.autoPaySeconds`), while unpaid.
    #[serde(
        default,
        with = "time::beijing_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub auto_pay_at: Option<DateTime<Utc>>,
    /// The wallet parameters the create answer carried (`miniPayRequest` / `appPayRequest`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wallet_request: Option<BTreeMap<String, String>>,
    /// Refunds, oldest first.
    #[serde(default)]
    pub refunds: Vec<Refund>,
    /// The notifications this order caused.
    #[serde(default)]
    pub notifications: Vec<String>,
}

/// An order of nobody: empty numbers, no amount, `WAIT_BUYER_PAY` since the Unix epoch, and
/// nothing paid, echoed, refunded or notified. A base for struct updates that name the rest.
///
/// ```
/// use chinaums_mock::api::order::{Order, OrderStatus};
/// let order = Order { mer_order_id: "M1".into(), total_amount: 100, ..Order::default() };
/// assert_eq!((order.status, order.refundable()), (OrderStatus::WaitBuyerPay, 0));
/// assert!(order.pay_time.is_none() && order.notifications.is_empty());
/// ```
impl Default for Order {
    fn default() -> Self {
        Self {
            app_id: String::new(),
            mid: String::new(),
            mer_order_id: String::new(),
            path: String::new(),
            tid: None,
            inst_mid: String::new(),
            total_amount: 0,
            status: OrderStatus::WaitBuyerPay,
            created_at: DateTime::default(),
            updated_at: DateTime::default(),
            pay_time: None,
            target_order_id: None,
            target_sys: None,
            seq_id: None,
            settle_date: None,
            buyer_id: None,
            buyer_pay_amount: None,
            coupon_amount: None,
            notify_url: None,
            return_url: None,
            order_desc: None,
            attached_data: None,
            src_reserve: None,
            bill_no: None,
            platform_order_id: None,
            cashier_url: None,
            expire_time: None,
            auto_pay_at: None,
            wallet_request: None,
            refunds: Vec::new(),
            notifications: Vec::new(),
        }
    }
}

impl Order {
    /// Fen refunded so far (failed refunds left out).
    ///
    /// ```
    /// use chinaums_mock::api::order::{Order, OrderStatus};
    /// let order: Order = serde_json::from_value(serde_json::json!({
    ///     "appId": "a", "mid": "898201612345678", "merOrderId": "M1",
    ///     "path": "/v1/netpay/wx/unified-order", "instMid": "MINIDEFAULT", "totalAmount": 100,
    ///     "status": "TRADE_SUCCESS", "createdAt": "2026-11-25T12:00:00+08:00",
    ///     "updatedAt": "2026-11-25T12:00:10+08:00",
    ///     "refunds": [{"refundOrderId": "R1", "refundAmount": 30, "refundStatus": "SUCCESS",
    ///                  "refundTargetOrderId": "5030", "refundPayTime": "2026-11-25T12:00:10+08:00",
    ///                  "refundSettleDate": "2026-11-25"}]
    /// }))?;
    /// assert_eq!((order.refunded(), order.refundable()), (30, 70));
    /// assert_eq!(order.refund("R1").map(|r| r.refund_amount), Some(30));
    /// assert!(order.refund("R2").is_none());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn refunded(&self) -> u64 {
        self.refunds
            .iter()
            .filter(|r| r.refund_status != RefundStatus::Fail)
            .map(|r| r.refund_amount)
            .sum()
    }

    /// Fen that can still be refunded: the paid amount less refunds (0 unless paid); see
    /// [`Order::refunded`] for an example.
    pub fn refundable(&self) -> u64 {
        match self.status {
            OrderStatus::TradeSuccess | OrderStatus::TradeRefund => {
                self.total_amount.saturating_sub(self.refunded())
            }
            _ => 0,
        }
    }

    /// The refund with this `refundOrderId` (example at [`Order::refunded`]).
    pub fn refund(&self, refund_order_id: &str) -> Option<&Refund> {
        self.refunds
            .iter()
            .find(|r| r.refund_order_id == refund_order_id)
    }
}

/// Filters of `GET /__mock/orders`; every one optional.
///
/// ```
/// use chinaums_mock::api::order::{OrderFilter, OrderStatus};
/// let f: OrderFilter = serde_json::from_value(serde_json::json!({"status": "TRADE_SUCCESS", "limit": 5}))?;
/// assert_eq!((f.status, f.limit), (Some(OrderStatus::TradeSuccess), Some(5)));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderFilter {
    /// Only this app's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// Only this order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mer_order_id: Option<String>,
    /// Only in this status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<OrderStatus>,
    /// At most this many, newest first (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
}

/// What `GET /__mock/orders` answers.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderList {
    /// Matching orders, newest first.
    pub orders: Vec<Order>,
    /// Orders and bills dropped by the retention bound (`--order-retention`) since start or the
    /// last reset.
    pub dropped: u64,
}
