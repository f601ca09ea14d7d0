//! The conformance check of a merchant's notification handler, `POST /__mock/conformance`:
//! which battery of probe notifications to send, and where.

use serde::{Deserialize, Serialize};

wire_names! {
    /// The notifications a conformance run probes the merchant's handler with.
    ///
    /// ```
    /// use chinaums_mock::api::conformance::Battery;
    /// assert_eq!(Battery::default(), Battery::PayScore);
    /// assert_eq!(serde_json::to_value(Battery::Payment)?, "payment");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub enum Battery {
        /// Pay Score authorisation notifications (the default).
        PayScore = "payscore",
        /// Netpay payment-result and refund notifications.
        Payment = "payment",
    }
}

/// Pay Score, what a run probes when the request names no battery.
impl Default for Battery {
    fn default() -> Self {
        Battery::PayScore
    }
}

/// A conformance run: `POST /__mock/conformance`. Everything but the appId has a default.
///
/// ```
/// use chinaums_mock::api::conformance::{Battery, ConformanceRequest};
/// let request = ConformanceRequest::new("10037e6f66f2d0f901672aa27d690006")
///     .battery(Battery::Payment)
///     .callback_url("http://127.0.0.1:9000/notify");
/// let body = serde_json::to_value(&request)?;
/// assert_eq!(body["battery"], "payment");
/// assert!(body.get("timeoutMs").is_none());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConformanceRequest {
    /// The app whose settings (format, signature, md5Key, ack rule) the probes use.
    pub app_id: String,
    /// Where the probes go (default: the app's callback URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    /// How long each probe may take, 1 to 600000 ms (default: the app's `notify.timeoutMs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// Which notifications to probe with (default: Pay Score).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub battery: Option<Battery>,
}

impl ConformanceRequest {
    /// A run of the default battery against `app_id`'s callback URL.
    ///
    /// ```
    /// # use chinaums_mock::api::conformance::ConformanceRequest;
    /// assert_eq!(ConformanceRequest::new("app").app_id, "app");
    /// ```
    pub fn new(app_id: impl Into<String>) -> Self {
        Self {
            app_id: app_id.into(),
            ..Self::default()
        }
    }

    /// Probes `url` instead of the app's callback URL.
    ///
    /// ```
    /// # use chinaums_mock::api::conformance::ConformanceRequest;
    /// let request = ConformanceRequest::new("app").callback_url("http://127.0.0.1:1/");
    /// assert!(request.callback_url.is_some());
    /// ```
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }

    /// Probes with `battery`.
    ///
    /// ```
    /// # use chinaums_mock::api::conformance::{Battery, ConformanceRequest};
    /// let request = ConformanceRequest::new("app").battery(Battery::Payment);
    /// assert_eq!(request.battery, Some(Battery::Payment));
    /// ```
    pub fn battery(mut self, battery: Battery) -> Self {
        self.battery = Some(battery);
        self
    }
}
