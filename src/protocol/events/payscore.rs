//! WeChat Pay Score authorisation notifications (`PAYSCORE.USER_OPEN_SERVICE`,
//! `PAYSCORE.USER_CLOSE_SERVICE`): their fields verbatim from the original document, typos
//! included (`resoruceType`, `encryptreSource`).

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Field, Merchant, NotificationEvent};
use crate::protocol::timefmt::{format_compact, rfc3339_beijing};

/// Which transition a notification reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// 授权成功
    Open,
    /// 解除授权成功
    Close,
}

impl Transition {
    /// `eventType`.
    pub fn event_type(self) -> &'static str {
        match self {
            Transition::Open => "PAYSCORE.USER_OPEN_SERVICE",
            Transition::Close => "PAYSCORE.USER_CLOSE_SERVICE",
        }
    }

    /// `resource.userServiceStatus`.
    pub fn user_service_status(self) -> &'static str {
        match self {
            Transition::Open => "USER_OPEN_SERVICE",
            Transition::Close => "USER_CLOSE_SERVICE",
        }
    }

    /// `summary`.
    pub fn summary(self) -> &'static str {
        match self {
            Transition::Open => "授权成功",
            Transition::Close => "解除授权成功",
        }
    }
}

/// `resource`, members in the document's order; empty values are left out, never sent empty.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Resource<'a> {
    #[serde(skip_serializing_if = "str::is_empty")]
    sub_app_id: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    mid: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    service_id: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    open_id: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    sub_open_id: &'a str,
    user_service_status: &'a str,
    openorclose_time: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    authorization_code: &'a str,
    #[serde(rename = "resoruceType")]
    resoruce_type: &'a str,
}

/// The user side of an event.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// `openId`
    pub open_id: &'a str,
    /// `subOpenId`
    pub sub_open_id: &'a str,
    /// `authorizationCode`
    pub authorization_code: &'a str,
}

/// The notification's top-level fields in sending order, `resource` as compact JSON text.
///
/// ```
/// use chinaums_mock::protocol::events::Merchant;
/// use chinaums_mock::protocol::events::payscore::{Subject, Transition, event_fields};
/// let merchant = Merchant {
///     mid: "898201612345678",
///     sub_app_id: "wx1234567890abcdef",
///     service_id: "00004000000000157000000000000001",
/// };
/// let at = chinaums_mock::protocol::timefmt::parse_compact("20261125120000").unwrap();
/// let subject = Subject { open_id: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", sub_open_id: "", authorization_code: "AUTH202611250001" };
/// let fields = event_fields("EV-2026112512000012345", &merchant, subject, Transition::Open, at);
/// assert_eq!(fields[2], ("eventType", "PAYSCORE.USER_OPEN_SERVICE".to_string()));
/// assert!(fields[4].1.ends_with(r#""resoruceType":"encryptreSource"}"#));
/// ```
pub fn event_fields(
    id: &str,
    merchant: &Merchant<'_>,
    subject: Subject<'_>,
    transition: Transition,
    at: DateTime<Utc>,
) -> Vec<(&'static str, String)> {
    let resource = Resource {
        sub_app_id: merchant.sub_app_id,
        mid: merchant.mid,
        service_id: merchant.service_id,
        open_id: subject.open_id,
        sub_open_id: subject.sub_open_id,
        user_service_status: transition.user_service_status(),
        openorclose_time: format_compact(at),
        authorization_code: subject.authorization_code,
        resoruce_type: "encryptreSource",
    };
    vec![
        ("id", id.to_owned()),
        ("createTime", rfc3339_beijing(at)),
        ("eventType", transition.event_type().to_owned()),
        ("summary", transition.summary().to_owned()),
        (
            "resource",
            serde_json::to_string(&resource).unwrap_or_default(),
        ),
    ]
}

/// One Pay Score transition of one user, as a notification kind.
#[derive(Debug, Clone, Copy)]
pub struct PayScoreEvent<'a> {
    /// Opened or closed.
    pub transition: Transition,
    /// The user and the authorisation.
    pub subject: Subject<'a>,
}

impl NotificationEvent for PayScoreEvent<'_> {
    fn event_type(&self) -> &'static str {
        self.transition.event_type()
    }

    fn subject(&self) -> &str {
        self.subject.open_id
    }

    fn fields(&self, id: &str, merchant: &Merchant<'_>, at: DateTime<Utc>) -> Vec<Field> {
        event_fields(id, merchant, self.subject, self.transition, at)
            .into_iter()
            .map(|(k, v)| (k.into(), v))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::signing::{NotifySignType, notify_sign};

    #[test]
    fn the_vector_notification_is_reproduced_from_an_app_and_a_subject() {
        let v = crate::protocol::vectors();
        let merchant = Merchant {
            mid: "898201612345678",
            sub_app_id: "wx1234567890abcdef",
            service_id: "00004000000000157000000000000001",
        };
        let md5_key = v["credentials"]["md5Key"].as_str().unwrap_or_default();
        let at = crate::protocol::timefmt::parse_compact("20261125120000").expect("time");
        let subject = Subject {
            open_id: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
            sub_open_id: "",
            authorization_code: "AUTH202611250001",
        };
        let mut fields = event_fields(
            "EV-2026112512000012345",
            &merchant,
            subject,
            Transition::Open,
            at,
        );
        let case = &v["notifySign"][0]["fields"];
        for (k, val) in &fields {
            assert_eq!(case[*k].as_str(), Some(val.as_str()), "{k}");
        }
        fields.push(("signType", "SHA256".into()));
        assert_eq!(
            notify_sign(&fields, NotifySignType::Sha256, md5_key),
            v["notifySign"][0]["sign"].as_str().unwrap_or_default()
        );
    }

    #[test]
    fn a_close_reports_the_close_status_and_summary() {
        assert_eq!(Transition::Close.summary(), "解除授权成功");
        assert_eq!(
            Transition::Close.user_service_status(),
            "USER_CLOSE_SERVICE"
        );
        assert_eq!(
            Transition::Close.event_type(),
            "PAYSCORE.USER_CLOSE_SERVICE"
        );
    }
}
