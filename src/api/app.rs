//! What an app (one merchant tenant) is, and how a request describes one.

use serde::{Deserialize, Deserializer, Serialize};

mod payer;
pub use crate::protocol::encode::{NotifyFormat, NotifySigning};
use crate::protocol::events::Merchant;
pub use payer::{PayerSettings, PayerSpec};

/// What counts as an acknowledged delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AckMode {
    /// HTTP 2xx and the trimmed body is `SUCCESS`.
    #[default]
    Chinaums,
    /// Any HTTP 2xx.
    Http2xx,
}

/// The default retry ladder: seconds to wait after each failed attempt. After the last step the
/// last interval repeats until the give-up time.
pub const DEFAULT_RETRY_SCHEDULE: [u64; 9] = [15, 15, 30, 180, 1800, 1800, 1800, 1800, 3600];

/// How one app's notifications are encoded, signed, acknowledged and retried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NotifySettings {
    /// Body encoding.
    pub format: NotifyFormat,
    /// Signature.
    pub sign_type: NotifySigning,
    /// Acknowledgement rule.
    pub ack: AckMode,
    /// Seconds between attempts; the last repeats.
    pub retry_schedule: Vec<u64>,
    /// Stop retrying this many seconds after the first attempt.
    pub give_up_after_seconds: u64,
    /// Per-attempt timeout.
    pub timeout_ms: u64,
    /// Whether each netpay refund sends a refund notification (`status=TRADE_REFUND`), as
    /// merchants who asked ChinaUMS for them receive. Off unless set.
    #[serde(default)]
    pub refund_notify: bool,
}

impl Default for NotifySettings {
    fn default() -> Self {
        Self {
            format: NotifyFormat::default(),
            sign_type: NotifySigning::default(),
            ack: AckMode::default(),
            retry_schedule: DEFAULT_RETRY_SCHEDULE.to_vec(),
            give_up_after_seconds: 24 * 3600,
            timeout_ms: 5000,
            refund_notify: false,
        }
    }
}

/// One merchant tenant: its credentials, merchant identifiers and notification settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct App {
    /// 32 hex characters.
    pub app_id: String,
    /// Key for token and OPEN-BODY-SIG signatures.
    pub app_key: String,
    /// Communication key (通讯密钥) for notification signatures.
    pub md5_key: String,
    /// Merchant's display name.
    pub name: String,
    /// Merchant number (商户号), `898` + 12 digits.
    pub mid: String,
    /// Terminal number (终端号).
    pub tid: String,
    /// Institution merchant type, e.g. `MINIDEFAULT`.
    pub inst_mid: String,
    /// Message source id, 4 characters.
    pub msg_src_id: String,
    /// WeChat sub-merchant app id, `wx` + 16 hex.
    pub sub_app_id: String,
    /// Pay Score service id, 32 digits.
    pub service_id: String,
    /// Where notifications go; none keeps them pending.
    pub callback_url: Option<String>,
    /// Notification settings.
    pub notify: NotifySettings,
    /// What the sandbox's payer does with its orders.
    #[serde(default)]
    pub payer: PayerSettings,
    /// The id of the clock the app is on (`default` unless it asked for another): its token
    /// expiry, notification times and retries all follow that clock.
    #[serde(default = "default_clock")]
    pub clock: String,
}

fn default_clock() -> String {
    crate::api::clock::DEFAULT_CLOCK.to_owned()
}

impl App {
    /// The merchant identifiers its notifications carry.
    pub fn merchant(&self) -> Merchant<'_> {
        Merchant {
            mid: &self.mid,
            sub_app_id: &self.sub_app_id,
            service_id: &self.service_id,
        }
    }
}

/// Partial notification settings, as a request or fixture gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NotifySpec {
    /// See [`NotifySettings::format`].
    pub format: Option<NotifyFormat>,
    /// See [`NotifySettings::sign_type`].
    pub sign_type: Option<NotifySigning>,
    /// See [`NotifySettings::ack`].
    pub ack: Option<AckMode>,
    /// See [`NotifySettings::retry_schedule`].
    pub retry_schedule: Option<Vec<u64>>,
    /// See [`NotifySettings::give_up_after_seconds`].
    pub give_up_after_seconds: Option<u64>,
    /// See [`NotifySettings::timeout_ms`].
    pub timeout_ms: Option<u64>,
    /// See [`NotifySettings::refund_notify`].
    pub refund_notify: Option<bool>,
}

impl NotifySpec {
    /// These settings laid over `base`.
    pub fn apply_to(&self, base: &NotifySettings) -> NotifySettings {
        NotifySettings {
            format: self.format.unwrap_or(base.format),
            sign_type: self.sign_type.unwrap_or(base.sign_type),
            ack: self.ack.unwrap_or(base.ack),
            retry_schedule: self
                .retry_schedule
                .clone()
                .unwrap_or_else(|| base.retry_schedule.clone()),
            give_up_after_seconds: self
                .give_up_after_seconds
                .unwrap_or(base.give_up_after_seconds),
            timeout_ms: self.timeout_ms.unwrap_or(base.timeout_ms),
            refund_notify: self.refund_notify.unwrap_or(base.refund_notify),
        }
    }
}

/// An app as `POST /__mock/apps`, `PATCH /__mock/apps/{appId}` or `fixtures/apps.json` gives it:
/// every field optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppSpec {
    /// See [`App::app_id`].
    pub app_id: Option<String>,
    /// See [`App::app_key`].
    pub app_key: Option<String>,
    /// See [`App::md5_key`].
    pub md5_key: Option<String>,
    /// See [`App::name`].
    pub name: Option<String>,
    /// See [`App::mid`].
    pub mid: Option<String>,
    /// See [`App::tid`].
    pub tid: Option<String>,
    /// See [`App::inst_mid`].
    pub inst_mid: Option<String>,
    /// See [`App::msg_src_id`].
    pub msg_src_id: Option<String>,
    /// See [`App::sub_app_id`].
    pub sub_app_id: Option<String>,
    /// See [`App::service_id`].
    pub service_id: Option<String>,
    /// `Some(None)` (JSON `null`) clears the callback on PATCH.
    #[serde(default, deserialize_with = "present")]
    pub callback_url: Option<Option<String>>,
    /// See [`App::notify`].
    pub notify: Option<NotifySpec>,
    /// Payer settings to change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer: Option<PayerSpec>,
    /// The clock to put a new app on: a clock's id, or `new` for a clock of its own. Absent:
    /// `default`. An app stays on its clock; a PATCH may only repeat it.
    pub clock: Option<String>,
}

/// Tells an absent field (`None`) from an explicit `null` (`Some(None)`).
fn present<'de, D, T>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(de).map(Some)
}
