//! Serde adapters for times: written as the control API shows them (RFC 3339 in Beijing time,
//! whole seconds: `2026-11-25T12:00:00+08:00`), or, inside [`stored::scope`], in full
//! precision UTC as the state file keeps them (`2026-11-25T04:00:00.250Z`). Either form, or any
//! other RFC 3339 offset, reads back.
//!
//! ```
//! use chrono::{DateTime, Utc};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize)]
//! struct Record {
//!     #[serde(with = "chinaums_mock::api::time::beijing")]
//!     at: DateTime<Utc>,
//!     #[serde(default, with = "chinaums_mock::api::time::beijing_opt")]
//!     until: Option<DateTime<Utc>>,
//! }
//! let r: Record = serde_json::from_str(r#"{"at": "2026-11-25T12:00:00+08:00"}"#)?;
//! assert_eq!(r.at.to_rfc3339(), "2026-11-25T04:00:00+00:00");
//! assert_eq!(r.until, None);
//! assert_eq!(serde_json::to_string(&r)?, r#"{"at":"2026-11-25T12:00:00+08:00","until":null}"#);
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! [`stored::scope`]: crate::api::stored::scope

/// A `DateTime<Utc>` field.
pub mod beijing {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::api::stored;
    use crate::protocol::timefmt::rfc3339_beijing;

    /// Beijing time to the second; full-precision UTC inside [`stored::scope`].
    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        if stored::active() {
            t.serialize(s)
        } else {
            s.serialize_str(&rfc3339_beijing(*t))
        }
    }

    /// Any RFC 3339 time.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        DateTime::<Utc>::deserialize(d)
    }
}

/// An `Option<DateTime<Utc>>` field (`null` when `None`); give it `#[serde(default)]` too, so
/// that an absent field reads as `None`.
pub mod beijing_opt {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    /// `null`, or the time as [`super::beijing`] writes it.
    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => super::beijing::serialize(t, s),
            None => s.serialize_none(),
        }
    }

    /// `null` or any RFC 3339 time.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        Option::<DateTime<Utc>>::deserialize(d)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, TimeZone, Utc};
    use serde::{Deserialize, Serialize};

    use crate::api::stored;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Times {
        #[serde(with = "super::beijing")]
        at: DateTime<Utc>,
        #[serde(default, with = "super::beijing_opt")]
        until: Option<DateTime<Utc>>,
    }

    #[test]
    fn the_api_form_is_beijing_to_the_second_and_the_stored_form_is_exact_utc() {
        let at = Utc
            .with_ymd_and_hms(2026, 11, 25, 4, 0, 0)
            .single()
            .expect("a valid time")
            + Duration::nanoseconds(7);
        let times = Times {
            at,
            until: Some(at + Duration::seconds(15)),
        };
        let shown = serde_json::to_string(&times).unwrap_or_default();
        assert_eq!(
            shown,
            r#"{"at":"2026-11-25T12:00:00+08:00","until":"2026-11-25T12:00:15+08:00"}"#
        );
        let stored = stored::scope(|| serde_json::to_string(&times)).unwrap_or_default();
        assert_eq!(
            stored,
            r#"{"at":"2026-11-25T04:00:00.000000007Z","until":"2026-11-25T04:00:15.000000007Z"}"#
        );
        let back: Times = serde_json::from_str(&stored).expect("reads the stored form");
        assert_eq!(back, times, "nothing lost");
        let shown_back: Times = serde_json::from_str(&shown).expect("reads the shown form");
        assert_eq!(shown_back.at, at - Duration::nanoseconds(7));
    }

    #[test]
    fn none_is_null_and_an_absent_optional_time_is_none() {
        let t: Times =
            serde_json::from_str(r#"{"at":"2026-11-25T04:00:00Z"}"#).expect("reads without until");
        assert_eq!(t.until, None);
        let shown = serde_json::to_string(&t).unwrap_or_default();
        assert_eq!(shown, r#"{"at":"2026-11-25T12:00:00+08:00","until":null}"#);
        assert!(serde_json::from_str::<Times>(r#"{"at":"noon"}"#).is_err());
    }
}
