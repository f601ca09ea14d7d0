//! How the sandbox's payer treats an app's orders when no test steps in: whether it pays them
//! by itself, how refunds settle, and when unpaid orders expire. All durations are sandbox
//! time on the app's clock.

use serde::{Deserialize, Serialize};

use crate::api::order::{PayOutcome, RefundStatus};

/// The longest delay a setting takes: ten years.
const MAX_SECONDS: u64 = 315_360_000;

/// The payer's settings of one app (`payer` in the app's JSON).
///
/// ```
/// use chinaums_mock::api::app::PayerSettings;
/// use chinaums_mock::api::order::RefundStatus;
/// let s = PayerSettings::default();
/// assert_eq!(s.auto_pay_seconds, None, "orders wait for a payer");
/// assert_eq!(s.refund_status, RefundStatus::Success);
/// assert_eq!(s.order_expiry_seconds, 7200);
/// assert_eq!(serde_json::to_value(&s)?, serde_json::json!({
///     "autoPayOutcome": "success", "refundStatus": "SUCCESS",
///     "refundSettleSeconds": 60, "orderExpirySeconds": 7200
/// }));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct PayerSettings {
    /// Pay every new order and QR bill by itself this many seconds after it is created; none
    /// (the default) waits for a test or a person at the cashier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_pay_seconds: Option<u64>,
    /// What the automatic payer does: `success` or `fail` (`pending` does nothing).
    pub auto_pay_outcome: PayOutcome,
    /// How the merchant's refunds answer: `SUCCESS` at once, or `PROCESSING`, settling
    /// `refundSettleSeconds` later (the refund notification comes then).
    pub refund_status: RefundStatus,
    /// Seconds until a `PROCESSING` refund settles.
    pub refund_settle_seconds: u64,
    /// Seconds an unpaid order stays open when its create names no `expireTime`; then it
    /// closes (`TRADE_CLOSED`).
    pub order_expiry_seconds: u64,
}

impl Default for PayerSettings {
    fn default() -> Self {
        Self {
            auto_pay_seconds: None,
            auto_pay_outcome: PayOutcome::Success,
            refund_status: RefundStatus::Success,
            refund_settle_seconds: 60,
            order_expiry_seconds: 2 * 3600,
        }
    }
}

/// A change to an app's payer settings (create or PATCH); what it leaves out stays.
///
/// ```
/// use chinaums_mock::api::app::{PayerSettings, PayerSpec};
/// let spec: PayerSpec = serde_json::from_value(serde_json::json!({"autoPaySeconds": 5}))?;
/// let s = spec.apply_to(&PayerSettings::default());
/// assert_eq!((s.auto_pay_seconds, s.order_expiry_seconds), (Some(5), 7200));
/// let off: PayerSpec = serde_json::from_value(serde_json::json!({"autoPaySeconds": null}))?;
/// assert_eq!(off.apply_to(&s).auto_pay_seconds, None, "null turns it off");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PayerSpec {
    /// Seconds; `null` turns the automatic payer off.
    #[serde(
        default,
        deserialize_with = "super::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<u64>)]
    pub auto_pay_seconds: Option<Option<u64>>,
    /// `success` or `fail`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_pay_outcome: Option<PayOutcome>,
    /// `SUCCESS` or `PROCESSING`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_status: Option<RefundStatus>,
    /// Seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_settle_seconds: Option<u64>,
    /// Seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_expiry_seconds: Option<u64>,
}

impl PayerSpec {
    /// The settings after this change (example at [`PayerSpec`]).
    pub fn apply_to(&self, base: &PayerSettings) -> PayerSettings {
        PayerSettings {
            auto_pay_seconds: self.auto_pay_seconds.unwrap_or(base.auto_pay_seconds),
            auto_pay_outcome: self.auto_pay_outcome.unwrap_or(base.auto_pay_outcome),
            refund_status: self.refund_status.unwrap_or(base.refund_status),
            refund_settle_seconds: self
                .refund_settle_seconds
                .unwrap_or(base.refund_settle_seconds),
            order_expiry_seconds: self
                .order_expiry_seconds
                .unwrap_or(base.order_expiry_seconds),
        }
    }

    /// Why the change cannot be made, if it cannot: `pending` is not an outcome the
    /// automatic payer can give, and a refund answers `SUCCESS` or `PROCESSING`.
    pub fn problem(&self) -> Option<(&'static str, &'static str)> {
        let too_long = |s: Option<u64>| s.is_some_and(|s| s > MAX_SECONDS);
        if too_long(self.auto_pay_seconds.flatten())
            || too_long(self.refund_settle_seconds)
            || too_long(self.order_expiry_seconds)
        {
            return Some(("payer", "seconds must be at most 315360000 (ten years)"));
        }
        if self.auto_pay_outcome == Some(PayOutcome::Pending) {
            return Some(("payer.autoPayOutcome", "must be success or fail"));
        }
        if self
            .refund_status
            .is_some_and(|s| !matches!(s, RefundStatus::Success | RefundStatus::Processing))
        {
            return Some(("payer.refundStatus", "must be SUCCESS or PROCESSING"));
        }
        None
    }
}
