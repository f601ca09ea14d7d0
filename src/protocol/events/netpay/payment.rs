//! The payment-result notification (支付结果通知, netpay §3) and the refund notification, which
//! has the same shape with `status=TRADE_REFUND` and the refund's own fields.

use chrono::{DateTime, NaiveDate, Utc};

use super::{CONNECT_SYS, FieldList, RandomField, TradeStatus};
use crate::protocol::events::{Field, Merchant, NotificationEvent};
use crate::protocol::timefmt::{date_beijing, datetime_beijing, format_date, parse_compact};

/// What a payment-result notification reports: one order, as paid (or closed).
///
/// Its fields, in this order: `mid`, `tid`, `instMid`, `merOrderId`, `totalAmount`,
/// `buyerPayAmount`, `invoiceAmount`, `receiptAmount`, `couponAmount` (when not zero),
/// `payTime`, `createTime`, `settleDate`, `seqId`, `status`, `targetOrderId`, `targetSys`,
/// `buyerId`, `billFunds`, `merName`, `mchntUuid`, `subInst`, `connectSys`, `orderDesc`,
/// `attachedData`, `srcReserve` (each when the order had it), `notifyId`, the random field.
/// Amounts are whole fen; times are Beijing time.
///
/// ```
/// use chinaums_mock::protocol::encode::{NotifyFormat, NotifySigning, encode};
/// use chinaums_mock::protocol::events::netpay::PaymentNotice;
/// // The notification the H5 payment spec publishes, signed with the demo merchant's md5Key.
/// let notice = PaymentNotice::published();
/// let key = "fcAmtnx7MwismjWNhNKdHC44mNXtnEQeJkRrhKJwyrW2ysRR";
/// let sent = encode(&notice.fields(), NotifyFormat::Form, NotifySigning::Sha256, key);
/// assert_eq!(sent.payload["sign"], "714DAF2ACAA090E79B80F843829ED4251652742DDC44BF596EEEA6732D154C62");
/// assert!(sent.body.contains("&ns=cyuT&"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentNotice {
    /// `mid`, the merchant number.
    pub mid: String,
    /// `tid`, the terminal number.
    pub tid: String,
    /// `instMid`, e.g. `MINIDEFAULT`.
    pub inst_mid: String,
    /// `merOrderId`, the merchant's order number.
    pub mer_order_id: String,
    /// `totalAmount`, fen.
    pub total_amount: u64,
    /// `buyerPayAmount`, fen.
    pub buyer_pay_amount: u64,
    /// `invoiceAmount`, fen.
    pub invoice_amount: u64,
    /// `receiptAmount`, fen.
    pub receipt_amount: u64,
    /// `couponAmount`, fen; left out when zero.
    pub coupon_amount: u64,
    /// `payTime`.
    pub pay_time: DateTime<Utc>,
    /// `createTime`, when the order was created.
    pub create_time: DateTime<Utc>,
    /// `settleDate`.
    pub settle_date: NaiveDate,
    /// `seqId`, e.g. `01120706230N`.
    pub seq_id: String,
    /// `status`.
    pub status: TradeStatus,
    /// `targetOrderId`, the wallet's order number.
    pub target_order_id: String,
    /// `targetSys`: `WXPay`, `Alipay 2.0`, `UAC`, `ACP`, `QMF`.
    pub target_sys: String,
    /// `buyerId`, e.g. a WeChat openId.
    pub buyer_id: String,
    /// `billFunds`, e.g. `现金支付0.01元。` ([`cash_bill_funds`](super::cash_bill_funds)).
    pub bill_funds: String,
    /// `merName`.
    pub mer_name: String,
    /// `mchntUuid`, 32 hex.
    pub mchnt_uuid: String,
    /// `subInst`, e.g. `000100`.
    pub sub_inst: String,
    /// `orderDesc`, echoed when the order had one.
    pub order_desc: Option<String>,
    /// `attachedData`, echoed when the order had it.
    pub attached_data: Option<String>,
    /// `srcReserve`, echoed when the order had it.
    pub src_reserve: Option<String>,
    /// `notifyId`, a UUID made once for this notification.
    pub notify_id: String,
    /// The random extra field of this notification.
    pub random_field: RandomField,
}

impl PaymentNotice {
    /// The `eventType` the sandbox lists these notifications under (they carry none).
    pub const EVENT_TYPE: &'static str = "NETPAY.PAYMENT";

    /// The payment notification published in ChinaUMS's H5 payment spec (v20221020 §1.10),
    /// signed there with the demo md5Key of merchant `898340149000005`.
    pub fn published() -> Self {
        let pay_time = parse_compact("20220621171304").unwrap_or_default();
        let order = "测试退货5(1111)";
        Self {
            mid: "898340149000005".into(),
            tid: "88880001".into(),
            inst_mid: "YUEDANDEFAULT".into(),
            mer_order_id: "3194278460076848369664".into(),
            total_amount: 1,
            buyer_pay_amount: 1,
            invoice_amount: 1,
            receipt_amount: 1,
            coupon_amount: 0,
            pay_time,
            create_time: parse_compact("20220621171253").unwrap_or_default(),
            settle_date: date_beijing(pay_time),
            seq_id: "01120706230N".into(),
            status: TradeStatus::TradeSuccess,
            target_order_id: "4200001471202206211141496123".into(),
            target_sys: "WXPay".into(),
            buyer_id: "o8wNP0RtDiUq4NzMZyAGK5psp6hs".into(),
            bill_funds: super::cash_bill_funds(1),
            mer_name: order.into(),
            mchnt_uuid: "4aa8728a06a04f7385869df8b659cd01".into(),
            sub_inst: "000100".into(),
            order_desc: Some(order.into()),
            attached_data: None,
            src_reserve: None,
            notify_id: "e82a0275-f767-4f77-90c2-614c91222275".into(),
            random_field: RandomField::new("ns", "cyuT"),
        }
    }

    /// The notification's fields in sending order (`signType` and `sign` come with encoding).
    pub fn fields(&self) -> Vec<Field> {
        self.list(self.status)
            .finish(&self.notify_id, &self.random_field)
    }

    /// Every field before `notifyId`, with `status` as given.
    fn list(&self, status: TradeStatus) -> FieldList {
        let mut f = FieldList::default();
        f.push("mid", &self.mid);
        f.push("tid", &self.tid);
        f.push("instMid", &self.inst_mid);
        f.push("merOrderId", &self.mer_order_id);
        f.push("totalAmount", self.total_amount.to_string());
        f.push("buyerPayAmount", self.buyer_pay_amount.to_string());
        f.push("invoiceAmount", self.invoice_amount.to_string());
        f.push("receiptAmount", self.receipt_amount.to_string());
        if self.coupon_amount != 0 {
            f.push("couponAmount", self.coupon_amount.to_string());
        }
        f.push("payTime", datetime_beijing(self.pay_time));
        f.push("createTime", datetime_beijing(self.create_time));
        f.push("settleDate", format_date(self.settle_date));
        f.push("seqId", &self.seq_id);
        f.push("status", status.as_str());
        f.push("targetOrderId", &self.target_order_id);
        f.push("targetSys", &self.target_sys);
        f.push("buyerId", &self.buyer_id);
        f.push("billFunds", &self.bill_funds);
        f.push("merName", &self.mer_name);
        f.push("mchntUuid", &self.mchnt_uuid);
        f.push("subInst", &self.sub_inst);
        f.push("connectSys", CONNECT_SYS);
        f.push_some("orderDesc", self.order_desc.as_deref());
        f.push_some("attachedData", self.attached_data.as_deref());
        f.push_some("srcReserve", self.src_reserve.as_deref());
        f
    }

    /// The payer when known, else the order: what keeps one subject's notifications in order.
    fn subject(&self) -> &str {
        if self.buyer_id.is_empty() {
            &self.mer_order_id
        } else {
            &self.buyer_id
        }
    }
}

/// The notice carries its own facts: the engine's id, merchant and time are not used.
impl NotificationEvent for PaymentNotice {
    fn event_type(&self) -> &'static str {
        Self::EVENT_TYPE
    }

    fn subject(&self) -> &str {
        PaymentNotice::subject(self)
    }

    fn fields(&self, _id: &str, _merchant: &Merchant<'_>, _at: DateTime<Utc>) -> Vec<Field> {
        PaymentNotice::fields(self)
    }
}

/// One refund of an order: the fields a refund notification adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    /// `refundOrderId`, the merchant's refund number.
    pub refund_order_id: String,
    /// `refundAmount`, fen.
    pub refund_amount: u64,
    /// `refundTargetOrderId`, the wallet's refund number.
    pub refund_target_order_id: String,
    /// `refundPayTime`.
    pub refund_pay_time: DateTime<Utc>,
    /// `refundSettleDate`.
    pub refund_settle_date: NaiveDate,
}

/// What a refund notification reports: the order's payment fields with `status=TRADE_REFUND`,
/// then `refundOrderId`, `refundAmount`, `refundTargetOrderId`, `refundPayTime`,
/// `refundSettleDate`, then `notifyId` and the random field.
///
/// ```
/// use chinaums_mock::protocol::events::netpay::{PaymentNotice, RandomField, Refund, RefundNotice};
/// use chinaums_mock::protocol::timefmt::{date_beijing, parse_compact};
/// let refunded_at = parse_compact("20220622093000").unwrap();
/// let notice = RefundNotice {
///     order: PaymentNotice {
///         notify_id: "0b3f9a1c-5e7d-4c2f-8a6b-9c0d1e2f3a4b".into(),
///         random_field: RandomField::new("Qk", "rTzb"),
///         ..PaymentNotice::published()
///     },
///     refund: Refund {
///         refund_order_id: "31942022062200001".into(),
///         refund_amount: 1,
///         refund_target_order_id: "50300001472022062200291863541".into(),
///         refund_pay_time: refunded_at,
///         refund_settle_date: date_beijing(refunded_at),
///     },
/// };
/// let fields = notice.fields();
/// let get = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
/// assert_eq!(get("status"), Some("TRADE_REFUND"));
/// assert_eq!(get("refundPayTime"), Some("2022-06-22 09:30:00"));
/// assert_eq!(fields.last().map(|(k, v)| (k.as_ref(), v.as_str())), Some(("Qk", "rTzb")));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundNotice {
    /// The refunded order as its payment notification describes it, with this notification's
    /// own `notify_id` and `random_field`; its `status` is sent as `TRADE_REFUND`.
    pub order: PaymentNotice,
    /// The refund.
    pub refund: Refund,
}

impl RefundNotice {
    /// The `eventType` the sandbox lists these notifications under (they carry none).
    pub const EVENT_TYPE: &'static str = "NETPAY.REFUND";

    /// The notification's fields in sending order (`signType` and `sign` come with encoding).
    pub fn fields(&self) -> Vec<Field> {
        let r = &self.refund;
        let mut f = self.order.list(TradeStatus::TradeRefund);
        f.push("refundOrderId", &r.refund_order_id);
        f.push("refundAmount", r.refund_amount.to_string());
        f.push("refundTargetOrderId", &r.refund_target_order_id);
        f.push("refundPayTime", datetime_beijing(r.refund_pay_time));
        f.push("refundSettleDate", format_date(r.refund_settle_date));
        f.finish(&self.order.notify_id, &self.order.random_field)
    }
}

/// The notice carries its own facts: the engine's id, merchant and time are not used.
impl NotificationEvent for RefundNotice {
    fn event_type(&self) -> &'static str {
        Self::EVENT_TYPE
    }

    fn subject(&self) -> &str {
        self.order.subject()
    }

    fn fields(&self, _id: &str, _merchant: &Merchant<'_>, _at: DateTime<Utc>) -> Vec<Field> {
        RefundNotice::fields(self)
    }
}
