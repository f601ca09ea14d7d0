//! The retry ladder, as pure arithmetic on offsets from the first attempt.

/// No notification is attempted more often than this on its ladder, whatever the settings: a
/// ladder of one-second steps over a year would otherwise be millions of attempts.
pub const MAX_SCHEDULED_ATTEMPTS: u32 = 10_000;

/// Seconds between scheduled attempt `made` and the next one: the schedule's step, or its last
/// step repeated. A repeated step of 0 would never end, so a trailing 0 does not repeat.
fn interval(schedule: &[u64], made: u32) -> Option<u64> {
    let i = usize::try_from(made).ok()?.checked_sub(1)?;
    match schedule.get(i) {
        Some(step) => Some(*step),
        None => schedule.last().copied().filter(|last| *last > 0),
    }
}

/// Offset, in seconds after the first attempt, of the attempt that follows `made` scheduled
/// attempts (`made` ≥ 1) whose last one was at `last_offset`; `None` when the ladder is over.
///
/// ```text
/// ladder 15, 15, 30, 180, 1800, 1800, 1800, 1800, 3600; give up after 86 400 s
///   after attempt 1 at 0 s        →  the next at 15 s
///   after attempt 3 at 30 s       →  the next at 60 s
///   after attempt 30 at 83 040 s  →  none
/// ```
pub fn next_offset(
    schedule: &[u64],
    made: u32,
    last_offset: u64,
    give_up_after: u64,
) -> Option<u64> {
    if made >= MAX_SCHEDULED_ATTEMPTS {
        return None;
    }
    let next = last_offset.checked_add(interval(schedule, made)?)?;
    (next <= give_up_after).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::app::DEFAULT_RETRY_SCHEDULE;

    #[test]
    fn the_next_attempt_follows_the_ladder_until_it_is_over() {
        let ladder = [15, 15, 30, 180, 1800, 1800, 1800, 1800, 3600];
        assert_eq!(next_offset(&ladder, 1, 0, 86_400), Some(15));
        assert_eq!(next_offset(&ladder, 3, 30, 86_400), Some(60));
        assert_eq!(next_offset(&ladder, 30, 83_040, 86_400), None);
    }

    fn offsets(schedule: &[u64], give_up: u64) -> Vec<u64> {
        let mut out = vec![0];
        while let Some(next) = next_offset(
            schedule,
            out.len() as u32,
            *out.last().unwrap_or(&0),
            give_up,
        ) {
            out.push(next);
        }
        out
    }

    #[test]
    fn the_default_ladder_makes_thirty_attempts_within_a_day() {
        let o = offsets(&DEFAULT_RETRY_SCHEDULE, 86_400);
        assert_eq!(
            &o[..10],
            &[0, 15, 30, 60, 240, 2040, 3840, 5640, 7440, 11_040]
        );
        assert_eq!(o[10], 14_640);
        assert_eq!(o.last(), Some(&83_040));
        assert_eq!(o.len(), 30);
        assert!(o.windows(2).skip(9).all(|w| w[1] - w[0] == 3600));
    }

    #[test]
    fn an_empty_ladder_means_one_attempt_and_a_trailing_zero_does_not_repeat() {
        assert_eq!(offsets(&[], 86_400), vec![0]);
        assert_eq!(offsets(&[0, 0], 86_400), vec![0, 0, 0]);
        assert_eq!(offsets(&[10], 35), vec![0, 10, 20, 30]);
    }

    #[test]
    fn attempts_are_capped_even_for_absurd_settings() {
        assert_eq!(
            offsets(&[1], 365 * 86_400).len(),
            MAX_SCHEDULED_ATTEMPTS as usize
        );
    }
}
