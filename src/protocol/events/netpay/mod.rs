//! Netpay notifications (netpay §3–4): the payment result, the refund and the QR bill payment.
//!
//! Each kind is a plain struct of the facts it reports, which the orders simulation fills from
//! its records, and turns into its fields in one fixed order (the real platform sends them in
//! a hash map's order; any order signs the same). Every notification carries
//! ChinaUMS's **random extra field** — a two-letter name, a four-letter value, new for each
//! notification and signed like the others ([`RandomField`], made by
//! [`generate::random_field`](crate::protocol::generate::random_field)) — and a `notifyId`
//! (a UUID, [`generate::notify_id`](crate::protocol::generate::notify_id)) fixed when the
//! struct is made, so a redelivery of the stored body repeats it.
//!
//! Absent facts are left out of the fields, never sent empty: `couponAmount` when zero, the
//! echoed `orderDesc`, `attachedData` and `srcReserve` when the order had none. `signType` and
//! `sign` are added when the notification is encoded ([`encode`](crate::protocol::encode)).

use super::Field;

mod bills;
mod payment;

pub use bills::{BillNotice, BillPayment, BillStatus, QR_CODE_TYPE};
pub use payment::{PaymentNotice, Refund, RefundNotice};

/// `connectSys` of every netpay notification.
pub const CONNECT_SYS: &str = "OPENCHANNEL";

/// ChinaUMS's random extra field: a name of two letters (each upper or lower case) and a value
/// of four, different in every notification (`ns=cyuT`, `UV=AIZq`, `XY=jlBn`). A handler that
/// checks for a fixed list of fields breaks on it, which is why the platform sends it.
///
/// ```
/// use chinaums_mock::protocol::events::netpay::RandomField;
/// let field = RandomField::new("UV", "AIZq");
/// assert_eq!((field.name.as_str(), field.value.as_str()), ("UV", "AIZq"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RandomField {
    /// The field's name, two ASCII letters.
    pub name: String,
    /// Its value, four ASCII letters.
    pub value: String,
}

impl RandomField {
    /// A random field with this name and value.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// A trade's `status` (netpay §2).
///
/// ```
/// use chinaums_mock::protocol::events::netpay::TradeStatus;
/// assert_eq!(TradeStatus::TradeSuccess.as_str(), "TRADE_SUCCESS");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TradeStatus {
    /// `NEW_ORDER`: a QR or H5 order not scanned yet.
    NewOrder,
    /// `WAIT_BUYER_PAY`: created, not paid.
    WaitBuyerPay,
    /// `TRADE_SUCCESS`: paid.
    TradeSuccess,
    /// `TRADE_CLOSED`: failed, closed by the merchant or expired.
    TradeClosed,
    /// `TRADE_REFUND`: refunded (what every refund notification says).
    TradeRefund,
    /// `UNKNOWN`.
    Unknown,
}

impl TradeStatus {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            TradeStatus::NewOrder => "NEW_ORDER",
            TradeStatus::WaitBuyerPay => "WAIT_BUYER_PAY",
            TradeStatus::TradeSuccess => "TRADE_SUCCESS",
            TradeStatus::TradeClosed => "TRADE_CLOSED",
            TradeStatus::TradeRefund => "TRADE_REFUND",
            TradeStatus::Unknown => "UNKNOWN",
        }
    }
}

/// An amount in fen written in yuan with two decimals.
///
/// ```
/// use chinaums_mock::protocol::events::netpay::yuan;
/// assert_eq!((yuan(1), yuan(100), yuan(12345)), ("0.01".into(), "1.00".into(), "123.45".into()));
/// ```
pub fn yuan(fen: u64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

/// `billFunds` (or a bill's `payDetail`) of a payment made in cash, as the platform writes it.
///
/// ```
/// use chinaums_mock::protocol::events::netpay::cash_bill_funds;
/// assert_eq!(cash_bill_funds(1), "现金支付0.01元。");
/// ```
pub fn cash_bill_funds(fen: u64) -> String {
    format!("现金支付{}元。", yuan(fen))
}

/// Fields in the order pushed; absent values are left out.
#[derive(Debug, Default)]
struct FieldList(Vec<Field>);

impl FieldList {
    fn push(&mut self, name: &'static str, value: impl Into<String>) {
        self.0.push((name.into(), value.into()));
    }

    fn push_some(&mut self, name: &'static str, value: Option<&str>) {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            self.push(name, v);
        }
    }

    /// `notifyId`, then the random field: the end of every netpay notification.
    fn finish(mut self, notify_id: &str, random: &RandomField) -> Vec<Field> {
        self.push("notifyId", notify_id);
        self.0
            .push((random.name.clone().into(), random.value.clone()));
        self.0
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod bills_tests;

#[cfg(test)]
mod real_tests;
