//! QR bills (`bills/get-qrcode`) as the control API shows them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Order;
use crate::api::notification::Notification;
use crate::api::time;

wire_names! {
    /// A QR bill's `billStatus`.
    pub enum BillStatus {
        /// Not paid yet.
        Unpaid = "UNPAID",
        /// Paid.
        Paid = "PAID",
        /// Paid and fully refunded.
        Refund = "REFUND",
        /// Closed unpaid.
        Closed = "CLOSED",
    }
}

/// A C-scan-B QR bill (`bills/get-qrcode`): a code a payer scans and pays once.
///
/// ```
/// use chinaums_mock::api::order::{Bill, BillStatus};
/// let bill: Bill = serde_json::from_value(serde_json::json!({
///     "appId": "10037e6f6823b20801682b6a5e5a0006", "mid": "898340149000005",
///     "instMid": "QRPAYDEFAULT", "billNo": "3194B1", "billDate": "2026-11-25",
///     "totalAmount": 20, "billStatus": "UNPAID", "qrCodeId": "10002611250000000000000001",
///     "billQRCode": "http://127.0.0.1:8080/__mock/cashier/10002611250000000000000001",
///     "createdAt": "2026-11-25T12:00:00+08:00", "updatedAt": "2026-11-25T12:00:00+08:00"
/// }))?;
/// assert_eq!((bill.bill_status, bill.mer_order_id), (BillStatus::Unpaid, None));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Bill {
    /// The app that created it.
    pub app_id: String,
    /// Merchant number.
    pub mid: String,
    /// Terminal number, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tid: Option<String>,
    /// Institution merchant type (`QRPAYDEFAULT`).
    pub inst_mid: String,
    /// The merchant's bill number, unique per app.
    pub bill_no: String,
    /// `yyyy-MM-dd`, as sent or the creation date.
    pub bill_date: String,
    /// The merchant's description, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_desc: Option<String>,
    /// Fen.
    pub total_amount: u64,
    /// Where it stands.
    pub bill_status: BillStatus,
    /// The code's id.
    pub qr_code_id: String,
    /// What the code encodes: the sandbox's cashier page for this bill.
    #[serde(rename = "billQRCode")]
    pub bill_qr_code: String,
    /// Created, in the app's sandbox time.
    #[serde(with = "time::beijing")]
    pub created_at: DateTime<Utc>,
    /// Last changed.
    #[serde(with = "time::beijing")]
    pub updated_at: DateTime<Utc>,
    /// The order of its payment (`billNo` + `0`), once paid.
    #[serde(default)]
    pub mer_order_id: Option<String>,
    /// When the app's automatic payer pays it (`payer.autoPaySeconds`), while unpaid.
    #[serde(
        default,
        with = "time::beijing_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub auto_pay_at: Option<DateTime<Utc>>,
    /// Where the bill notification goes.
    #[serde(default)]
    pub notify_url: Option<String>,
    /// The notifications this bill caused.
    #[serde(default)]
    pub notifications: Vec<String>,
}

/// What a bill's payment answers: the bill, the order of its payment, and its notification.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BillPaid {
    /// The bill after the payment.
    pub bill: Bill,
    /// The order of the payment (none when it failed).
    pub order: Option<Order>,
    /// The bill notification, when one was created.
    pub notification: Option<Notification>,
}

/// Filters of `GET /__mock/bills`; every one optional.
///
/// ```
/// use chinaums_mock::api::order::{BillFilter, BillStatus};
/// let f: BillFilter = serde_json::from_value(serde_json::json!({"status": "UNPAID"}))?;
/// assert_eq!(f.status, Some(BillStatus::Unpaid));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillFilter {
    /// Only this app's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// Only this bill.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_no: Option<String>,
    /// Only in this status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<BillStatus>,
    /// At most this many, newest first (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
}

/// What `GET /__mock/bills` answers.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BillList {
    /// Matching bills, newest first.
    pub bills: Vec<Bill>,
    /// Orders and bills dropped by the retention bound since start or the last reset.
    pub dropped: u64,
}
