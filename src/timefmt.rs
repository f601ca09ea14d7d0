//! The time formats ChinaUMS uses on the wire, all in Beijing time (UTC+8).

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};

use crate::clock::{from_beijing, BEIJING};

/// Why a `yyyyMMddHHmmss` timestamp could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    /// Not exactly 14 ASCII digits.
    #[error("timestamp must be 14 digits (yyyyMMddHHmmss), got {0:?}")]
    Shape(String),
    /// 14 digits, but not a calendar date and time.
    #[error("timestamp {0:?} is not a valid date and time")]
    Calendar(String),
}

/// Reads a `yyyyMMddHHmmss` timestamp in Beijing time.
///
/// ```
/// use chinaums_mock::timefmt::parse_compact;
/// let t = parse_compact("20261125120000").unwrap();
/// assert_eq!(t.to_rfc3339(), "2026-11-25T04:00:00+00:00");
/// assert!(parse_compact("2026-11-25").is_err());
/// ```
pub fn parse_compact(s: &str) -> Result<DateTime<Utc>, TimestampError> {
    if s.len() != 14 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TimestampError::Shape(truncate(s)));
    }
    NaiveDateTime::parse_from_str(s, "%Y%m%d%H%M%S")
        .map(from_beijing)
        .map_err(|_| TimestampError::Calendar(s.to_owned()))
}

/// Formats an instant as `yyyyMMddHHmmss` in Beijing time.
///
/// ```
/// use chinaums_mock::timefmt::{format_compact, parse_compact};
/// let t = parse_compact("20261125120000").unwrap();
/// assert_eq!(format_compact(t), "20261125120000");
/// ```
pub fn format_compact(t: DateTime<Utc>) -> String {
    t.with_timezone(&BEIJING).format("%Y%m%d%H%M%S").to_string()
}

/// Formats an instant as RFC 3339 in Beijing time, whole seconds: `2026-11-25T12:00:00+08:00`.
///
/// ```
/// use chinaums_mock::timefmt::{parse_compact, rfc3339_beijing};
/// let t = parse_compact("20261125120000").unwrap();
/// assert_eq!(rfc3339_beijing(t), "2026-11-25T12:00:00+08:00");
/// ```
pub fn rfc3339_beijing(t: DateTime<Utc>) -> String {
    t.with_timezone(&BEIJING)
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// Keeps error messages short when a client sends something huge.
fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_timestamps_round_trip_in_beijing_time() {
        let t = parse_compact("20261125235959").expect("valid");
        assert_eq!(format_compact(t), "20261125235959");
        assert_eq!(rfc3339_beijing(t), "2026-11-25T23:59:59+08:00");
    }

    #[test]
    fn malformed_timestamps_are_rejected_with_the_reason() {
        assert!(matches!(parse_compact(""), Err(TimestampError::Shape(_))));
        assert!(matches!(
            parse_compact("2026112512000"),
            Err(TimestampError::Shape(_))
        ));
        assert!(matches!(
            parse_compact("2026112512000x"),
            Err(TimestampError::Shape(_))
        ));
        assert!(matches!(
            parse_compact("+2026112512000"),
            Err(TimestampError::Shape(_))
        ));
        assert!(matches!(
            parse_compact("٢٠٢٦١١٢٥١٢٠٠٠٠"),
            Err(TimestampError::Shape(_))
        ));
        assert!(matches!(
            parse_compact("20261345120000"),
            Err(TimestampError::Calendar(_))
        ));
        assert!(matches!(
            parse_compact("20260230120000"),
            Err(TimestampError::Calendar(_))
        ));
    }
}
