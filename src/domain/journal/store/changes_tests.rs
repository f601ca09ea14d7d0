//! What the journal tells the state database: entries added and dropped since it last took
//! them, without a mark per entry.

use super::tests::stored;
use super::*;

/// The taken changes as (id, present) pairs, in the order given.
fn taken(journal: &Journal) -> (bool, Vec<(u64, bool)>) {
    let changed = journal.changed();
    let records = changed.records.iter();
    let ids = records.map(|(id, _, e)| (id.parse().unwrap_or(0), e.is_some()));
    (changed.cleared, ids.collect())
}

fn record(journal: &Journal, app: &str) {
    let mut s = stored(b"", &[]);
    s.entry.app_id = Some(app.into());
    journal.record(s);
}

#[test]
fn entries_added_since_the_last_take_are_new_oldest_first() {
    let journal = Journal::new(10);
    journal.track_changes();
    record(&journal, "a");
    record(&journal, "a");
    assert_eq!(taken(&journal), (false, vec![(1, true), (2, true)]));
    assert!(!journal.has_changes());
    record(&journal, "a");
    assert!(journal.has_changes());
    assert_eq!(taken(&journal), (false, vec![(3, true)]));
    assert_eq!(taken(&journal), (false, vec![]));
}

#[test]
fn entries_dropped_past_the_retention_go_only_when_they_were_taken() {
    let journal = Journal::new(2);
    journal.track_changes();
    record(&journal, "a");
    record(&journal, "a");
    assert_eq!(taken(&journal), (false, vec![(1, true), (2, true)]));
    // 3, 4 and 5 come, 1, 2 and 3 go: 3 was never taken, so it is in neither list.
    for _ in 0..3 {
        record(&journal, "a");
    }
    assert_eq!(
        taken(&journal),
        (false, vec![(1, false), (2, false), (4, true), (5, true)])
    );
    assert_eq!(journal.last_id_taken(), 5);
}

#[test]
fn an_app_s_entries_dropped_out_of_turn_go_by_their_marks() {
    let journal = Journal::new(10);
    journal.track_changes();
    record(&journal, "a");
    record(&journal, "b");
    record(&journal, "a");
    let _ = taken(&journal);
    journal.remove_app("a");
    record(&journal, "b");
    assert_eq!(
        taken(&journal),
        (false, vec![(1, false), (3, false), (4, true)])
    );
}

#[test]
fn after_a_clear_or_a_restore_the_database_drops_what_it_held() {
    let journal = Journal::new(10);
    journal.track_changes();
    record(&journal, "a");
    let _ = taken(&journal);
    journal.clear();
    record(&journal, "a");
    assert_eq!(taken(&journal), (true, vec![(2, true)]));
    let (last_id, entries) = journal.snapshot();
    journal.restore(last_id, entries);
    assert_eq!(taken(&journal), (true, vec![(2, true)]));
}

#[test]
fn a_whole_snapshot_counts_as_taken() {
    let journal = Journal::new(10);
    journal.track_changes();
    record(&journal, "a");
    let _ = journal.snapshot();
    assert!(!journal.has_changes());
    record(&journal, "a");
    assert_eq!(taken(&journal), (false, vec![(2, true)]));
}
