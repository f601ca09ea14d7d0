//! The fields of a Pay Score authorisation notification, verbatim from the original document
//! (typos included: `resoruceType`, `encryptreSource`).

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::apps::App;
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
/// use chinaums_mock::domain::payscore::{event_fields, Subject, Transition};
/// # let app: chinaums_mock::domain::apps::App = serde_json::from_value(serde_json::json!({
/// #   "appId": "a", "appKey": "k", "md5Key": "m", "name": "n", "mid": "898201612345678",
/// #   "tid": "88880001", "instMid": "MINIDEFAULT", "msgSrcId": "3194",
/// #   "subAppId": "wx1234567890abcdef", "serviceId": "00004000000000157000000000000001",
/// #   "callbackUrl": null, "notify": {"format": "form", "signType": "SHA256", "ack": "chinaums",
/// #   "retrySchedule": [15], "giveUpAfterSeconds": 86400, "timeoutMs": 5000}})).unwrap();
/// let at = chinaums_mock::protocol::timefmt::parse_compact("20261125120000").unwrap();
/// let subject = Subject { open_id: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", sub_open_id: "", authorization_code: "AUTH202611250001" };
/// let fields = event_fields("EV-2026112512000012345", &app, subject, Transition::Open, at);
/// assert_eq!(fields[2], ("eventType", "PAYSCORE.USER_OPEN_SERVICE".to_string()));
/// assert!(fields[4].1.ends_with(r#""resoruceType":"encryptreSource"}"#));
/// ```
pub fn event_fields(
    id: &str,
    app: &App,
    subject: Subject<'_>,
    transition: Transition,
    at: DateTime<Utc>,
) -> Vec<(&'static str, String)> {
    let resource = Resource {
        sub_app_id: &app.sub_app_id,
        mid: &app.mid,
        service_id: &app.service_id,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::apps::{AppSpec, NotifySettings, build_app};
    use crate::protocol::signing::{NotifySignType, notify_sign};
    use rand::SeedableRng;

    #[test]
    fn the_vector_notification_is_reproduced_from_an_app_and_a_subject() {
        let v: serde_json::Value = serde_json::from_str(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/vectors.json"
        )))
        .unwrap_or_default();
        let spec: AppSpec = serde_json::from_value(serde_json::json!({
            "mid": "898201612345678", "subAppId": "wx1234567890abcdef",
            "serviceId": "00004000000000157000000000000001",
            "md5Key": v["credentials"]["md5Key"],
        }))
        .unwrap_or_default();
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let app = build_app(&spec, &NotifySettings::default(), None, &mut rng).expect("valid app");
        let at = crate::protocol::timefmt::parse_compact("20261125120000").expect("time");
        let subject = Subject {
            open_id: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
            sub_open_id: "",
            authorization_code: "AUTH202611250001",
        };
        let mut fields = event_fields(
            "EV-2026112512000012345",
            &app,
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
            notify_sign(&fields, NotifySignType::Sha256, &app.md5_key),
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
