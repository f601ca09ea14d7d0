//! The built-in merchant sink: `/__mock/sink/{appId}` takes notifications the way a correct
//! merchant does — it checks `sign` with the app's md5Key and answers `SUCCESS` or `FAILED` —
//! so a scenario can point an app's callback at the sandbox itself and stay self-contained.
//!
//! It takes only what the sandbox itself sends ([`own`]) or, with `--admin-token`, a request
//! that carries it; and what it keeps is bounded: [`KEPT_PER_APP`] receipts per app, each of
//! their texts cut at [`KEPT_TEXT_BYTES`].

mod judge;
mod own;

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use parking_lot::Mutex;

use crate::domain::changes::{Changed, Tracked};

pub use crate::api::sink::{Receipt, SinkAnswer};
pub use judge::judge;
pub use own::{MarkedTransport, OwnDeliveries};

/// Receipts kept per app; older ones are dropped first.
pub const KEPT_PER_APP: usize = 1000;

/// A receipt's `id`, `eventType` and `problem` are each kept up to this many bytes (cut at a
/// character boundary, ending in `…`): what a notification says there is the sender's choice.
pub const KEPT_TEXT_BYTES: usize = 256;

/// What the sink received, per app, and what the sandbox is sending right now. One per
/// sandbox instance.
#[derive(Debug, Default)]
pub struct SinkStore {
    by_app: Mutex<Tracked<HashMap<String, VecDeque<Receipt>>>>,
    own: Arc<OwnDeliveries>,
}

/// `text` cut to [`KEPT_TEXT_BYTES`] at a character boundary, marked with `…` when cut.
fn bounded(text: Option<String>) -> Option<String> {
    text.map(|mut t| {
        if t.len() > KEPT_TEXT_BYTES {
            let mut end = KEPT_TEXT_BYTES - '…'.len_utf8();
            while !t.is_char_boundary(end) {
                end -= 1;
            }
            t.truncate(end);
            t.push('…');
        }
        t
    })
}

impl SinkStore {
    /// Records a receipt, its texts bounded, dropping the app's oldest beyond
    /// [`KEPT_PER_APP`].
    pub fn record(&self, app_id: &str, receipt: Receipt) {
        let receipt = Receipt {
            id: bounded(receipt.id),
            event_type: bounded(receipt.event_type),
            problem: bounded(receipt.problem),
            ..receipt
        };
        let mut by_app = self.by_app.lock();
        if !by_app.contains_key(app_id) {
            by_app.insert(app_id.to_owned(), VecDeque::new());
        }
        let Some(list) = by_app.get_mut(app_id) else {
            return;
        };
        list.push_back(receipt);
        while list.len() > KEPT_PER_APP {
            list.pop_front();
        }
    }

    /// The app's receipts, oldest first.
    pub fn received(&self, app_id: &str) -> Vec<Receipt> {
        self.by_app
            .lock()
            .get(app_id)
            .map(|l| l.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Forgets the app's receipts.
    pub fn clear(&self, app_id: &str) {
        self.by_app.lock().remove(app_id);
    }

    /// Forgets every receipt (a reset of the sandbox).
    pub fn clear_all(&self) {
        self.by_app.lock().clear();
    }

    /// Starts marking the apps whose receipts changed, for [`Self::changed`].
    pub fn track_changes(&self) {
        self.by_app.lock().track();
    }

    /// The receipts of every app whose receipts changed since the last call, by app (`None`:
    /// none kept).
    pub fn changed(&self) -> Changed<Vec<Receipt>> {
        let mut by_app = self.by_app.lock();
        let taken = by_app.take();
        Changed::read(taken, |app| {
            let list = by_app.get(app).filter(|l| !l.is_empty())?;
            Some(list.iter().cloned().collect())
        })
    }

    /// The deliveries the sandbox is making: the only ones the sink takes without the admin
    /// token.
    pub fn own(&self) -> &Arc<OwnDeliveries> {
        &self.own
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::apps::NotifyFormat;

    fn receipt(id: String) -> Receipt {
        Receipt {
            id: Some(id),
            event_type: None,
            sign_valid: None,
            format: NotifyFormat::Form,
            answer: SinkAnswer::Success,
            problem: None,
            at: String::new(),
        }
    }

    #[test]
    fn the_store_keeps_only_the_newest_receipts_per_app() {
        let store = SinkStore::default();
        for n in 0..KEPT_PER_APP + 5 {
            store.record("a", receipt(n.to_string()));
        }
        let kept = store.received("a");
        assert_eq!(kept.len(), KEPT_PER_APP);
        assert_eq!(kept[0].id.as_deref(), Some("5"));
        assert!(store.received("b").is_empty());
    }

    #[test]
    fn a_receipts_texts_are_cut_at_a_character_boundary() {
        let store = SinkStore::default();
        store.record("a", receipt("茶".repeat(1000)));
        store.record("a", receipt("x".repeat(KEPT_TEXT_BYTES)));
        let kept = store.received("a");
        let cut = kept[0].id.clone().unwrap_or_default();
        assert!(cut.len() <= KEPT_TEXT_BYTES, "{}", cut.len());
        assert!(cut.ends_with("茶…"), "{cut}");
        assert_eq!(kept[1].id.as_ref().map(String::len), Some(KEPT_TEXT_BYTES));
    }
}
