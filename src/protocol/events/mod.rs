//! The kinds of notification the platform sends to merchants, one file each, behind one trait:
//! the engine creates, encodes, signs and delivers any [`NotificationEvent`] the same way.
//! Pay Score authorisations are in `payscore`; the netpay payment result, refund and QR bill
//! payment in `netpay/`.
//!
//! Adding a kind: a file here implementing the trait, a sandbox use case that creates it, a
//! control route, a client method and a scenario step (docs/architecture.md).

use std::borrow::Cow;

use chrono::{DateTime, Utc};

pub mod netpay;
pub mod payscore;

/// One top-level field of a notification: its name and its value as sent. Names are owned or
/// borrowed because some are made per notification (netpay's random two-letter field).
///
/// ```
/// use chinaums_mock::protocol::events::Field;
/// let fixed: Field = ("mid".into(), "898201612345678".to_owned());
/// let random: Field = (String::from("Aq").into(), "tndP".to_owned());
/// assert_eq!((fixed.0.as_ref(), random.0.as_ref()), ("mid", "Aq"));
/// ```
pub type Field = (Cow<'static, str>, String);

/// The merchant's identifiers a notification carries, taken from its app.
#[derive(Debug, Clone, Copy)]
pub struct Merchant<'a> {
    /// `mid`.
    pub mid: &'a str,
    /// The sub-merchant's WeChat appid.
    pub sub_app_id: &'a str,
    /// The Pay Score `serviceId`.
    pub service_id: &'a str,
}

/// A kind of notification: what it is called, whom it is about, and its fields.
///
/// ```
/// use chinaums_mock::protocol::events::NotificationEvent;
/// use chinaums_mock::protocol::events::payscore::{PayScoreEvent, Subject, Transition};
/// let event = PayScoreEvent {
///     transition: Transition::Close,
///     subject: Subject { open_id: "o1", sub_open_id: "", authorization_code: "AUTH1" },
/// };
/// assert_eq!(event.event_type(), "PAYSCORE.USER_CLOSE_SERVICE");
/// assert_eq!(event.subject(), "o1");
/// ```
pub trait NotificationEvent {
    /// `eventType` (listed and filtered by it).
    fn event_type(&self) -> &'static str;

    /// Whom it is about (the user's openId): notifications about one subject keep their order
    /// under the out-of-order fault.
    fn subject(&self) -> &str;

    /// The top-level fields in sending order, nested parts as compact JSON text; `sign` and
    /// `signType` are added when it is signed.
    fn fields(&self, id: &str, merchant: &Merchant<'_>, at: DateTime<Utc>) -> Vec<Field>;
}
