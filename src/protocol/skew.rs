//! Why a signed timestamp was refused, in words that name the usual cause: UTC sent where
//! Beijing time belongs, or a clock that is simply elsewhere — and which time would be accepted.
//!
//! The text is plain ASCII, so it fits an HTTP header as well as the journal.

use chrono::{DateTime, Utc};

use super::timefmt::format_compact;

/// A timestamp the gateway refused, with the times it was held against.
#[derive(Debug, Clone, Copy)]
pub struct RefusedTimestamp<'a> {
    /// What the client signed.
    pub sent_at: DateTime<Utc>,
    /// The sandbox time of the app's clock.
    pub sandbox_now: DateTime<Utc>,
    /// Real time (the gateway accepts either).
    pub wall_now: DateTime<Utc>,
    /// The window around either time (`--timestamp-window-secs`).
    pub window_secs: u64,
    /// The app and the id of its clock, when the appId is an app's.
    pub app: Option<(&'a str, &'a str)>,
}

const EIGHT_HOURS: i64 = 8 * 3600;

/// One hint for a refused timestamp: the 8-hour slip when the timestamp is within the window (an
/// hour at most) of 8 hours off either accepted time, otherwise how far it is from each and what
/// to sign with.
///
/// ```
/// use chinaums_mock::protocol::skew::{RefusedTimestamp, window_hint};
/// use chinaums_mock::protocol::timefmt::parse_compact;
/// let now = parse_compact("20261125120000").unwrap();
/// let hint = window_hint(&RefusedTimestamp {
///     sent_at: parse_compact("20261125040012").unwrap(),
///     sandbox_now: now,
///     wall_now: now,
///     window_secs: 600,
///     app: None,
/// });
/// assert!(hint.contains("the client sent UTC"), "{hint}");
/// ```
pub fn window_hint(r: &RefusedTimestamp<'_>) -> String {
    let sent = format_compact(r.sent_at);
    let sandbox = match r.app {
        Some((app_id, clock)) => format!("the sandbox time of app {app_id} (clock {clock})"),
        None => "sandbox time".to_owned(),
    };
    let moved = !near(r.sandbox_now, r.wall_now, 1);
    let mut references = vec![(sandbox, r.sandbox_now)];
    if moved {
        references.push(("real Beijing time".to_owned(), r.wall_now));
    }
    // A wide window would call any large offset "8 hours": an hour either way at most.
    let tolerance = r.window_secs.min(3600);
    for (name, now) in &references {
        let skew = (r.sent_at - *now).num_seconds();
        let now = format_compact(*now);
        if (skew + EIGHT_HOURS).unsigned_abs() <= tolerance {
            return format!(
                "timestamp {sent} is 8 hours behind {name}, {now}: the client sent UTC, but \
                 ChinaUMS timestamps are Beijing time (UTC+8)"
            );
        }
        if (skew - EIGHT_HOURS).unsigned_abs() <= tolerance {
            return format!(
                "timestamp {sent} is 8 hours ahead of {name}, {now}: the client added 8 hours \
                 to a time that was already Beijing time (UTC+8)"
            );
        }
    }
    let apart: Vec<String> = references
        .iter()
        .map(|(name, now)| {
            let skew = (r.sent_at - *now).num_seconds();
            format!(
                "{} {} {name}, {}",
                span(skew.unsigned_abs()),
                if skew < 0 { "behind" } else { "ahead of" },
                format_compact(*now)
            )
        })
        .collect();
    let sign_with = if moved {
        "sign with either time"
    } else {
        "sign with the current Beijing time"
    };
    format!(
        "timestamp {sent} is {}: {sign_with}, within +/-{} s (yyyyMMddHHmmss, Beijing time)",
        apart.join(", and "),
        r.window_secs
    )
}

fn near(a: DateTime<Utc>, b: DateTime<Utc>, secs: u64) -> bool {
    (a - b).num_seconds().unsigned_abs() <= secs
}

/// A distance in the largest units that keep it readable: `90 s`, `45 min`, `7 h 59 min`,
/// `3 d 2 h`.
fn span(secs: u64) -> String {
    let (m, h, d) = (secs / 60, secs / 3600, secs / 86_400);
    if secs < 120 {
        format!("{secs} s")
    } else if h < 2 {
        format!("{m} min")
    } else if d < 2 {
        format!("{h} h {} min", m % 60)
    } else {
        format!("{d} d {} h", h % 24)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::timefmt::parse_compact;

    fn at(s: &str) -> DateTime<Utc> {
        parse_compact(s).expect("a timestamp")
    }

    fn hint(sent: &str, sandbox: &str, wall: &str) -> String {
        window_hint(&RefusedTimestamp {
            sent_at: at(sent),
            sandbox_now: at(sandbox),
            wall_now: at(wall),
            window_secs: 600,
            app: Some(("app-1", "default")),
        })
    }

    const NOON: &str = "20261125120000";

    #[test]
    fn utc_where_beijing_time_belongs_is_named_within_the_window_of_eight_hours() {
        for sent in ["20261125040000", "20261125035100", "20261125040959"] {
            let h = hint(sent, NOON, NOON);
            assert!(h.starts_with(&format!("timestamp {sent} is 8 hours behind the sandbox time of app app-1 (clock default), 20261125120000: the client sent UTC")), "{h}");
            assert!(h.contains("Beijing time (UTC+8)"), "{h}");
        }
        let h = hint("20261125034959", NOON, NOON);
        assert!(
            !h.contains("8 hours"),
            "beyond the window it is some other slip: {h}"
        );
    }

    #[test]
    fn a_wide_window_does_not_call_nine_and_a_half_hours_eight() {
        let h = window_hint(&RefusedTimestamp {
            sent_at: at("20261125023000"),
            sandbox_now: at(NOON),
            wall_now: at(NOON),
            window_secs: 7200,
            app: None,
        });
        assert!(h.contains("is 9 h 30 min behind"), "{h}");
    }

    #[test]
    fn eight_hours_ahead_is_beijing_time_shifted_twice() {
        let h = hint("20261125200500", NOON, NOON);
        assert!(
            h.contains("is 8 hours ahead of the sandbox time of app app-1"),
            "{h}"
        );
        assert!(h.contains("already Beijing time"), "{h}");
    }

    #[test]
    fn the_eight_hour_slip_is_found_against_real_time_when_the_app_s_clock_moved() {
        let h = hint("20261125040000", "20300101000000", NOON);
        assert!(
            h.starts_with("timestamp 20261125040000 is 8 hours behind real Beijing time, 20261125120000: the client sent UTC"),
            "{h}"
        );
    }

    #[test]
    fn another_offset_names_the_distance_and_the_time_that_would_be_accepted() {
        assert_eq!(
            hint("20261125100000", NOON, NOON),
            "timestamp 20261125100000 is 2 h 0 min behind the sandbox time of app app-1 (clock \
             default), 20261125120000: sign with the current Beijing time, within +/-600 s \
             (yyyyMMddHHmmss, Beijing time)"
        );
        let moved = hint("20261125121500", "20261126120000", NOON);
        assert_eq!(
            moved,
            "timestamp 20261125121500 is 23 h 45 min behind the sandbox time of app app-1 (clock \
             default), 20261126120000, and 15 min ahead of real Beijing time, 20261125120000: \
             sign with either time, within +/-600 s (yyyyMMddHHmmss, Beijing time)"
        );
        assert!(moved.is_ascii(), "fits a header");
    }

    #[test]
    fn without_an_app_the_hint_speaks_of_sandbox_time() {
        let h = window_hint(&RefusedTimestamp {
            sent_at: at("20261125110000"),
            sandbox_now: at(NOON),
            wall_now: at(NOON),
            window_secs: 600,
            app: None,
        });
        assert!(
            h.starts_with("timestamp 20261125110000 is 60 min behind sandbox time, 20261125120000"),
            "{h}"
        );
    }

    #[test]
    fn spans_read_in_the_largest_sensible_units() {
        let spans: Vec<String> = [90, 2700, 28_740, 266_400].into_iter().map(span).collect();
        assert_eq!(spans, ["90 s", "45 min", "7 h 59 min", "3 d 2 h"]);
    }
}
