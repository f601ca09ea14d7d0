//! The time formats ChinaUMS uses on the wire, all in Beijing time (UTC+8).

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone,
    Timelike, Utc,
};

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
/// use chinaums_mock::protocol::timefmt::parse_compact;
/// let t = parse_compact("20261125120000").unwrap();
/// assert_eq!(t.to_rfc3339(), "2026-11-25T04:00:00+00:00");
/// assert!(parse_compact("2026-11-25").is_err());
/// ```
pub fn parse_compact(s: &str) -> Result<DateTime<Utc>, TimestampError> {
    if s.len() != 14 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TimestampError::Shape(truncate(s)));
    }
    // Fourteen ASCII digits, checked above: read them by position (this runs on every request;
    // a format-string parse costs ten times as much). Second 60 is refused: chrono would read it
    // as a leap second at any minute, and a client clock never sends one.
    let d = s.as_bytes();
    let n = |from: usize, to: usize| {
        d[from..to]
            .iter()
            .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'))
    };
    let year = i32::try_from(n(0, 4)).unwrap_or(i32::MAX);
    NaiveDate::from_ymd_opt(year, n(4, 6), n(6, 8))
        .and_then(|date| date.and_hms_opt(n(8, 10), n(10, 12), n(12, 14)))
        .map(from_beijing)
        .ok_or_else(|| TimestampError::Calendar(s.to_owned()))
}

/// Formats an instant as `yyyyMMddHHmmss` in Beijing time.
///
/// ```
/// use chinaums_mock::protocol::timefmt::{format_compact, parse_compact};
/// let t = parse_compact("20261125120000").unwrap();
/// assert_eq!(format_compact(t), "20261125120000");
/// ```
pub fn format_compact(t: DateTime<Utc>) -> String {
    let b = t.with_timezone(&BEIJING);
    match u32::try_from(b.year()) {
        // Digits written by position: a format-string run costs ten times as much, and every
        // notification carries several of these.
        Ok(year) if year <= 9999 => {
            let mut out = String::with_capacity(14);
            for (value, width) in [
                (year, 4),
                (b.month(), 2),
                (b.day(), 2),
                (b.hour(), 2),
                (b.minute(), 2),
                (b.second(), 2),
            ] {
                push_digits(&mut out, value, width);
            }
            out
        }
        _ => b.format("%Y%m%d%H%M%S").to_string(),
    }
}

/// Appends `value` as exactly `width` decimal digits (`value` < 10^`width`).
fn push_digits(out: &mut String, value: u32, width: u32) {
    let mut divisor = 10u32.pow(width - 1);
    while divisor > 0 {
        out.push(char::from(b'0' + ((value / divisor) % 10) as u8));
        divisor /= 10;
    }
}

/// Formats an instant as RFC 3339 in Beijing time, whole seconds: `2026-11-25T12:00:00+08:00`.
///
/// ```
/// use chinaums_mock::protocol::timefmt::{parse_compact, rfc3339_beijing};
/// let t = parse_compact("20261125120000").unwrap();
/// assert_eq!(rfc3339_beijing(t), "2026-11-25T12:00:00+08:00");
/// ```
pub fn rfc3339_beijing(t: DateTime<Utc>) -> String {
    let b = t.with_timezone(&BEIJING);
    match u32::try_from(b.year()) {
        Ok(year) if year <= 9999 => {
            let mut out = String::with_capacity(25);
            push_digits(&mut out, year, 4);
            for (sep, value) in [
                ('-', b.month()),
                ('-', b.day()),
                ('T', b.hour()),
                (':', b.minute()),
                (':', b.second()),
            ] {
                out.push(sep);
                push_digits(&mut out, value, 2);
            }
            out.push_str("+08:00");
            out
        }
        _ => b.to_rfc3339_opts(SecondsFormat::Secs, false),
    }
}

/// Formats an instant as `yyyy-MM-dd HH:mm:ss` in Beijing time, netpay's form (`payTime`,
/// `createTime`).
///
/// ```
/// use chinaums_mock::protocol::timefmt::{datetime_beijing, parse_compact};
/// let t = parse_compact("20220621171304").unwrap();
/// assert_eq!(datetime_beijing(t), "2022-06-21 17:13:04");
/// ```
pub fn datetime_beijing(t: DateTime<Utc>) -> String {
    t.with_timezone(&BEIJING)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// The calendar day of an instant in Beijing time: the day a payment settles.
///
/// ```
/// use chinaums_mock::protocol::timefmt::{date_beijing, parse_compact};
/// let t = parse_compact("20220621235959").unwrap();
/// assert_eq!(date_beijing(t).to_string(), "2022-06-21");
/// ```
pub fn date_beijing(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&BEIJING).date_naive()
}

/// Formats a calendar day as `yyyy-MM-dd` (`settleDate`, `billDate`).
///
/// ```
/// use chinaums_mock::protocol::timefmt::format_date;
/// let d = chrono::NaiveDate::from_ymd_opt(2018, 2, 13).unwrap();
/// assert_eq!(format_date(d), "2018-02-13");
/// ```
pub fn format_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Keeps error messages short when a client sends something huge.
fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}

/// Beijing time (UTC+8), the zone of every ChinaUMS timestamp.
pub const BEIJING: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

/// Interprets a naive Beijing wall time as an instant.
pub fn from_beijing(naive: NaiveDateTime) -> DateTime<Utc> {
    // A fixed offset has no gaps or folds, so the mapping is always single.
    Utc.from_utc_datetime(&(naive - Duration::hours(8)))
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

    #[test]
    fn netpay_times_and_dates_are_beijing_ones_across_midnight() {
        let t = parse_compact("20220622000001").expect("valid");
        assert_eq!(t.to_rfc3339(), "2022-06-21T16:00:01+00:00");
        assert_eq!(datetime_beijing(t), "2022-06-22 00:00:01");
        assert_eq!(format_date(date_beijing(t)), "2022-06-22");
    }

    #[test]
    fn second_sixty_is_not_a_real_second() {
        for s in ["20261125120060", "20261231235960", "00000101000060"] {
            assert_eq!(parse_compact(s), Err(TimestampError::Calendar(s.into())));
        }
    }
}

#[cfg(test)]
mod properties {
    use chrono::TimeZone;
    use proptest::prelude::*;

    use super::*;

    /// 0000-01-01 00:00:00 to 9999-12-31 23:59:59, Beijing time: every instant with a 4-digit
    /// year on the wire.
    fn wire_instant() -> impl Strategy<Value = DateTime<Utc>> {
        let first = Utc
            .with_ymd_and_hms(0, 1, 1, 0, 0, 0)
            .single()
            .map_or(0, |t| t.timestamp())
            - 8 * 3600;
        let last = Utc
            .with_ymd_and_hms(9999, 12, 31, 23, 59, 59)
            .single()
            .map_or(0, |t| t.timestamp())
            - 8 * 3600;
        (first..=last).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap_or_default())
    }

    fn is_leap(y: u32) -> bool {
        y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400))
    }

    /// Whether 14 digits name a real calendar second, worked out without chrono.
    fn is_real(digits: &str) -> bool {
        let n = |a: usize, b: usize| digits[a..b].parse::<u32>().unwrap_or(u32::MAX);
        let (y, mo, d, h, mi, s) = (n(0, 4), n(4, 6), n(6, 8), n(8, 10), n(10, 12), n(12, 14));
        let days = match mo {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if is_leap(y) => 29,
            2 => 28,
            _ => return false,
        };
        (1..=days).contains(&d) && h < 24 && mi < 60 && s < 60
    }

    /// Any instant chrono can hold, sub-second parts included.
    fn any_instant() -> impl Strategy<Value = DateTime<Utc>> {
        (any::<i64>(), 0u32..1_000_000_000)
            .prop_map(|(s, n)| DateTime::from_timestamp(s % 400_000_000_000, n).unwrap_or_default())
    }

    proptest! {
        #[test]
        fn the_formats_write_what_chrono_s_format_strings_write(t in prop_oneof![wire_instant(), any_instant()]) {
            let b = t.with_timezone(&BEIJING);
            prop_assert_eq!(format_compact(t), b.format("%Y%m%d%H%M%S").to_string());
            prop_assert_eq!(rfc3339_beijing(t), b.to_rfc3339_opts(SecondsFormat::Secs, false));
        }

        #[test]
        fn formatting_then_parsing_gives_back_the_same_second(t in wire_instant()) {
            let text = format_compact(t);
            prop_assert_eq!(text.len(), 14, "{}", text);
            prop_assert_eq!(parse_compact(&text), Ok(t), "{}", text);
        }

        #[test]
        fn fourteen_digits_parse_exactly_when_they_name_a_real_second(
            digits in "[0-9]{14}",
            // Bias towards plausible dates, where the calendar rules bite.
            plausible in "[0-9]{4}(0[0-9]|1[0-3])([0-2][0-9]|3[0-2])([01][0-9]|2[0-5])[0-6][0-9][0-6][0-9]",
        ) {
            for s in [digits, plausible] {
                match parse_compact(&s) {
                    Ok(t) => {
                        prop_assert!(is_real(&s), "{} accepted", s);
                        prop_assert_eq!(format_compact(t), s.clone());
                        prop_assert_eq!(t.with_timezone(&BEIJING).year() as u32, s[..4].parse::<u32>().unwrap_or(0));
                    }
                    Err(TimestampError::Calendar(_)) => prop_assert!(!is_real(&s), "{} refused", s),
                    Err(e) => prop_assert!(false, "{}: {:?}", s, e),
                }
            }
        }

        #[test]
        fn no_string_makes_the_timestamp_parser_panic(s in any::<String>()) {
            if let Ok(t) = parse_compact(&s) {
                prop_assert_eq!(format_compact(t), s);
            }
        }
    }
}
