//! The QR bills notification (netpay §4): a C-scan-B bill paid, its payment as a JSON string.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::{FieldList, RandomField, TradeStatus};
use crate::protocol::events::{Field, Merchant, NotificationEvent};
use crate::protocol::timefmt::{datetime_beijing, format_date};

/// `qrCodeType` of a bills notification.
pub const QR_CODE_TYPE: &str = "BILLPAY";

/// A bill's `billStatus`.
///
/// ```
/// use chinaums_mock::protocol::events::netpay::BillStatus;
/// assert_eq!(BillStatus::Paid.as_str(), "PAID");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BillStatus {
    /// `UNPAID`.
    Unpaid,
    /// `PAID`, what a bills notification reports.
    Paid,
    /// `REFUND`.
    Refund,
    /// `CLOSED`.
    Closed,
}

impl BillStatus {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            BillStatus::Unpaid => "UNPAID",
            BillStatus::Paid => "PAID",
            BillStatus::Refund => "REFUND",
            BillStatus::Closed => "CLOSED",
        }
    }
}

/// The payment of a bill, sent as the JSON string `billPayment` and signed as exactly that
/// text: members `payTime`, `paySeqId`, `invoiceAmount`, `settleDate`, `buyerId`,
/// `receiptAmount`, `totalAmount`, `billBizType` (`bills`), `buyerPayAmount`, `targetOrderId`,
/// `merOrderId`, `status`, `targetSys`, `payDetail` (when known), amounts as JSON numbers.
///
/// ```
/// use chinaums_mock::protocol::events::netpay::{BillPayment, TradeStatus};
/// use chinaums_mock::protocol::timefmt::{date_beijing, parse_compact};
/// let paid = parse_compact("20220924005758").unwrap();
/// let payment = BillPayment {
///     pay_time: paid,
///     pay_seq_id: "01175500115N".into(),
///     invoice_amount: 20,
///     settle_date: date_beijing(paid),
///     buyer_id: "o8wNP0agr1roauVXTWpuLhT2VL0M".into(),
///     receipt_amount: 20,
///     total_amount: 20,
///     buyer_pay_amount: 20,
///     target_order_id: "4200001567202209249273711154".into(),
///     mer_order_id: "8888b4f-178e-4a04-8ad4-79fa00".into(),
///     status: TradeStatus::TradeSuccess,
///     target_sys: "WXPay".into(),
///     pay_detail: None,
/// };
/// assert!(payment.to_json().starts_with(r#"{"payTime":"2022-09-24 00:57:58","paySeqId":"01175500115N","invoiceAmount":20,"#));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillPayment {
    /// `payTime`.
    pub pay_time: DateTime<Utc>,
    /// `paySeqId`.
    pub pay_seq_id: String,
    /// `invoiceAmount`, fen.
    pub invoice_amount: u64,
    /// `settleDate`.
    pub settle_date: NaiveDate,
    /// `buyerId`.
    pub buyer_id: String,
    /// `receiptAmount`, fen.
    pub receipt_amount: u64,
    /// `totalAmount`, fen.
    pub total_amount: u64,
    /// `buyerPayAmount`, fen.
    pub buyer_pay_amount: u64,
    /// `targetOrderId`, the wallet's order number.
    pub target_order_id: String,
    /// `merOrderId`, the order the payment made.
    pub mer_order_id: String,
    /// `status`.
    pub status: TradeStatus,
    /// `targetSys`, e.g. `WXPay`.
    pub target_sys: String,
    /// `payDetail`, e.g. `现金支付0.01元。`; left out when absent.
    pub pay_detail: Option<String>,
}

/// `billPayment`'s members in sending order; empty strings are left out.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PaymentJson<'a> {
    pay_time: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    pay_seq_id: &'a str,
    invoice_amount: u64,
    settle_date: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    buyer_id: &'a str,
    receipt_amount: u64,
    total_amount: u64,
    bill_biz_type: &'static str,
    buyer_pay_amount: u64,
    #[serde(skip_serializing_if = "str::is_empty")]
    target_order_id: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    mer_order_id: &'a str,
    status: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    target_sys: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pay_detail: Option<&'a str>,
}

impl BillPayment {
    /// The compact JSON text sent (and signed) as `billPayment`.
    pub fn to_json(&self) -> String {
        let json = PaymentJson {
            pay_time: datetime_beijing(self.pay_time),
            pay_seq_id: &self.pay_seq_id,
            invoice_amount: self.invoice_amount,
            settle_date: format_date(self.settle_date),
            buyer_id: &self.buyer_id,
            receipt_amount: self.receipt_amount,
            total_amount: self.total_amount,
            bill_biz_type: "bills",
            buyer_pay_amount: self.buyer_pay_amount,
            target_order_id: &self.target_order_id,
            mer_order_id: &self.mer_order_id,
            status: self.status.as_str(),
            target_sys: &self.target_sys,
            pay_detail: self.pay_detail.as_deref().filter(|d| !d.is_empty()),
        };
        // Strings and integers only: serialising cannot fail.
        serde_json::to_string(&json).unwrap_or_default()
    }
}

/// What a QR bills notification reports: a bill, paid.
///
/// Its fields, in this order: `mid`, `tid`, `instMid`, `billNo`, `billDate`, `billDesc`,
/// `billQRCode`, `qrCodeId`, `billStatus`, `createTime`, `totalAmount`, `receiptAmount`,
/// `merName`, `memberId`, `mchntUuid`, `subInst`, `seqId`, `qrCodeType` (`BILLPAY`),
/// `billPayment` (a JSON string, [`BillPayment::to_json`]), `notifyId`, the random field.
///
/// ```
/// use chinaums_mock::protocol::events::netpay::*;
/// use chinaums_mock::protocol::timefmt::{date_beijing, parse_compact};
/// let paid = parse_compact("20220924005758").unwrap();
/// let notice = BillNotice {
///     mid: "898201612345678".into(),
///     tid: "88880001".into(),
///     inst_mid: "QRPAYDEFAULT".into(),
///     bill_no: "31940000201".into(),
///     bill_date: date_beijing(paid),
///     bill_desc: "停车费".into(),
///     bill_qr_code: "http://127.0.0.1:8080/bills/qrCode.do?id=10002209241195738009194596".into(),
///     qr_code_id: "10002209241195738009194596".into(),
///     bill_status: BillStatus::Paid,
///     create_time: parse_compact("20220924005738").unwrap(),
///     total_amount: 20,
///     receipt_amount: 20,
///     mer_name: "测试商户".into(),
///     member_id: "fc95d158f8e54fe7ba2e923961440652".into(),
///     mchnt_uuid: "6d47dc12a4c847eaba2eb456d201d5cd".into(),
///     sub_inst: "100200".into(),
///     seq_id: "01175500115N".into(),
///     bill_payment: BillPayment {
///         pay_time: paid,
///         pay_seq_id: "01175500115N".into(),
///         invoice_amount: 20,
///         settle_date: date_beijing(paid),
///         buyer_id: "o8wNP0agr1roauVXTWpuLhT2VL0M".into(),
///         receipt_amount: 20,
///         total_amount: 20,
///         buyer_pay_amount: 20,
///         target_order_id: "4200001567202209249273711154".into(),
///         mer_order_id: "31940000201".into(),
///         status: TradeStatus::TradeSuccess,
///         target_sys: "WXPay".into(),
///         pay_detail: Some(cash_bill_funds(20)),
///     },
///     notify_id: "7df96f1d-0a73-41af-8c33-ec1ebe968dd7".into(),
///     random_field: RandomField::new("JL", "DbkZ"),
/// };
/// let fields = notice.fields();
/// assert_eq!(fields[18].0, "billPayment");
/// assert_eq!(fields[18].1, notice.bill_payment.to_json());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillNotice {
    /// `mid`, the merchant number.
    pub mid: String,
    /// `tid`, the terminal number.
    pub tid: String,
    /// `instMid`, `QRPAYDEFAULT` for bills.
    pub inst_mid: String,
    /// `billNo`, the merchant's bill number.
    pub bill_no: String,
    /// `billDate`.
    pub bill_date: NaiveDate,
    /// `billDesc`.
    pub bill_desc: String,
    /// `billQRCode`, the URL the payer scans.
    pub bill_qr_code: String,
    /// `qrCodeId`.
    pub qr_code_id: String,
    /// `billStatus`.
    pub bill_status: BillStatus,
    /// `createTime`, when the bill was created.
    pub create_time: DateTime<Utc>,
    /// `totalAmount`, fen.
    pub total_amount: u64,
    /// `receiptAmount`, fen.
    pub receipt_amount: u64,
    /// `merName`.
    pub mer_name: String,
    /// `memberId`.
    pub member_id: String,
    /// `mchntUuid`, 32 hex.
    pub mchnt_uuid: String,
    /// `subInst`.
    pub sub_inst: String,
    /// `seqId`.
    pub seq_id: String,
    /// `billPayment`.
    pub bill_payment: BillPayment,
    /// `notifyId`, a UUID made once for this notification.
    pub notify_id: String,
    /// The random extra field of this notification.
    pub random_field: RandomField,
}

impl BillNotice {
    /// The `eventType` the sandbox lists these notifications under (they carry none).
    pub const EVENT_TYPE: &'static str = "NETPAY.BILL_PAYMENT";

    /// The notification's fields in sending order (`signType` and `sign` come with encoding).
    pub fn fields(&self) -> Vec<Field> {
        let mut f = FieldList::default();
        f.push("mid", &self.mid);
        f.push("tid", &self.tid);
        f.push("instMid", &self.inst_mid);
        f.push("billNo", &self.bill_no);
        f.push("billDate", format_date(self.bill_date));
        f.push("billDesc", &self.bill_desc);
        f.push("billQRCode", &self.bill_qr_code);
        f.push("qrCodeId", &self.qr_code_id);
        f.push("billStatus", self.bill_status.as_str());
        f.push("createTime", datetime_beijing(self.create_time));
        f.push("totalAmount", self.total_amount.to_string());
        f.push("receiptAmount", self.receipt_amount.to_string());
        f.push("merName", &self.mer_name);
        f.push("memberId", &self.member_id);
        f.push("mchntUuid", &self.mchnt_uuid);
        f.push("subInst", &self.sub_inst);
        f.push("seqId", &self.seq_id);
        f.push("qrCodeType", QR_CODE_TYPE);
        f.push("billPayment", self.bill_payment.to_json());
        f.finish(&self.notify_id, &self.random_field)
    }
}

/// The notice carries its own facts: the engine's id, merchant and time are not used.
impl NotificationEvent for BillNotice {
    fn event_type(&self) -> &'static str {
        Self::EVENT_TYPE
    }

    /// The payer when known, else the bill.
    fn subject(&self) -> &str {
        if self.bill_payment.buyer_id.is_empty() {
            &self.bill_no
        } else {
            &self.bill_payment.buyer_id
        }
    }

    fn fields(&self, _id: &str, _merchant: &Merchant<'_>, _at: DateTime<Utc>) -> Vec<Field> {
        BillNotice::fields(self)
    }
}
