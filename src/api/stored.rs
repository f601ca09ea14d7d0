//! Records written whole, for the state file.
//!
//! The control API shows a record's times in Beijing time to the second and leaves out the
//! bookkeeping the server keeps for itself (a notification's retry plan, say). The state file
//! needs both exactly. Instead of a second declaration of every record for the file, one
//! declaration serves both: while a value is serialised inside [`scope`], the time adapters of
//! [`crate::api::time`] write full-precision UTC, and fields marked
//! `skip_serializing_if = "crate::api::stored::shown_only"` are written too. Reading needs no
//! mode: the adapters read either form, and the bookkeeping fields are read when present.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use serde::Serialize;
//!
//! #[derive(Serialize)]
//! struct Record {
//!     #[serde(with = "chinaums_mock::api::time::beijing")]
//!     at: chrono::DateTime<Utc>,
//! }
//! let at = Utc.with_ymd_and_hms(2026, 11, 25, 4, 0, 0).unwrap()
//!     + chrono::Duration::milliseconds(250);
//! let record = Record { at };
//! assert_eq!(serde_json::to_string(&record)?, r#"{"at":"2026-11-25T12:00:00+08:00"}"#);
//! let whole = chinaums_mock::api::stored::scope(|| serde_json::to_string(&record))?;
//! assert_eq!(whole, r#"{"at":"2026-11-25T04:00:00.250Z"}"#);
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::cell::Cell;

use serde::{Serialize, Serializer};

thread_local! {
    static STORING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` (a serialisation) with records written whole, as the state file keeps them.
pub fn scope<R>(f: impl FnOnce() -> R) -> R {
    /// Puts the previous mode back, also when `f` panics.
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            STORING.with(|s| s.set(self.0));
        }
    }
    let _restore = Restore(STORING.with(|s| s.replace(true)));
    f()
}

/// Whether records are being written whole (inside [`scope`]).
pub fn active() -> bool {
    STORING.with(Cell::get)
}

/// For `skip_serializing_if`: a field that only the state file holds is left out of what the
/// control API shows.
pub fn shown_only<T>(_: &T) -> bool {
    !active()
}

/// For `serialize_with`: writes a value whole, whatever the mode around it.
pub fn serialize<T: Serialize + ?Sized, S: Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    scope(|| value.serialize(serializer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mode_is_on_inside_the_scope_only_and_survives_nesting_and_panics() {
        assert!(!active());
        scope(|| {
            assert!(active());
            scope(|| assert!(active()));
            assert!(active(), "still on after a nested scope");
        });
        assert!(!active());
        let caught = std::panic::catch_unwind(|| scope(|| panic!("in the scope")));
        assert!(caught.is_err());
        assert!(!active(), "off again after a panic");
    }
}
