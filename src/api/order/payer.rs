//! What a test asks of the payer (and of the merchant's back office): pay, fail or leave
//! pending an order or a bill, refund a paid order.

use serde::{Deserialize, Serialize};

use super::{Order, Refund, RefundStatus};
use crate::api::notification::Notification;

/// The outcome a payer gives a payment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PayOutcome {
    /// Paid: `TRADE_SUCCESS`.
    #[default]
    Success,
    /// The payment failed: the order closes, `TRADE_CLOSED`.
    Fail,
    /// The payer has scanned or opened the order and not finished: a `NEW_ORDER` becomes
    /// `WAIT_BUYER_PAY`, nothing is paid and nothing is sent; pay or fail it later.
    Pending,
}

/// A payer paying an order or a bill: `POST /__mock/orders/{merOrderId}/pay`,
/// `POST /__mock/bills/{billNo}/pay`. Everything optional.
///
/// ```
/// use chinaums_mock::api::order::{PayOutcome, PayRequest};
/// let r: PayRequest = serde_json::from_value(serde_json::json!({"couponAmount": 10}))?;
/// assert_eq!(r.outcome, PayOutcome::Success);
/// assert_eq!(serde_json::to_value(&PayRequest::default())?, serde_json::json!({"outcome": "success"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PayRequest {
    /// The app holding it; needed only when two apps hold the same number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// Paid or failed.
    #[serde(default)]
    pub outcome: PayOutcome,
    /// The paying channel (default: the product's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_sys: Option<String>,
    /// What the payer pays, fen (default: the total less coupons).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_pay_amount: Option<u64>,
    /// What coupons pay, fen (default: the total less the payer's part, else 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon_amount: Option<u64>,
    /// The payer (default: generated for the channel).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_id: Option<String>,
}

/// What a payment answers: the order after it, and its notification (none yet: the payment
/// notification comes with the notification kinds of netpay).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrderPaid {
    /// The order after the payment.
    pub order: Order,
    /// The payment notification, when one was created.
    pub notification: Option<Notification>,
}

/// A refund made from the control API, as the merchant's back office would:
/// `POST /__mock/orders/{merOrderId}/refund`. Everything optional.
///
/// ```
/// use chinaums_mock::api::order::RefundRequest;
/// let r: RefundRequest = serde_json::from_value(serde_json::json!({"refundAmount": 30}))?;
/// assert_eq!(r.refund_amount, Some(30));
/// assert_eq!(serde_json::to_value(&RefundRequest::default())?, serde_json::json!({}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RefundRequest {
    /// The app holding the order; needed only when two apps hold the same number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// Fen (default: all that is still refundable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_amount: Option<u64>,
    /// The merchant's number for the refund (default: generated; the same number again
    /// answers the refund on record).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_order_id: Option<String>,
    /// The reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_desc: Option<String>,
    /// `SUCCESS`, or `PROCESSING` for a refund that settles later (default: the app's
    /// `payer.refundStatus`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_status: Option<RefundStatus>,
}

/// What a refund answers: the order after it, the refund, and its refund notification (when
/// the app asks for them and the refund has settled).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrderRefunded {
    /// The order after the refund.
    pub order: Order,
    /// The refund.
    pub refund: Refund,
    /// The refund notification, when one was created.
    pub notification: Option<Notification>,
}
