//! The state file's shape (format `chinaums-mock-state`, version 1). Records are the control
//! API's own types ([`crate::api`]), written whole ([`crate::api::stored`]): times are RFC 3339
//! UTC with their full precision, and a notification carries its delivery plan. Every section
//! may be left out of a hand-written file (it is then empty, or for `clock` and `generator`,
//! taken from the command line).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::api::app::App;
use crate::api::fault::Fault;
use crate::api::journal::Entry;
use crate::api::notification::Notification;
use crate::api::order::{Bill, Order};
use crate::api::payscore::Authorization;
use crate::api::sink::Receipt;
use crate::api::stub::Stub;
use crate::domain::tokens::TokenRecord;

/// The value of the header's `format`.
pub const FORMAT: &str = "chinaums-mock-state";

/// The version this build writes, and the newest it reads.
pub const VERSION: u64 = 1;

/// A whole saved sandbox.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StateFile {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`VERSION`] when written by this build.
    pub version: u64,
    /// Wall-clock time of the save.
    pub saved_at: Option<DateTime<Utc>>,
    /// `chinaums-mock <version>`.
    pub saved_by: String,
    /// The default clock.
    pub clock: Option<ClockState>,
    /// The clocks created since start (apps name theirs in `clock`); absent in files written
    /// before clocks could be created.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub clocks: Vec<SavedClock>,
    /// Where generated values continue from.
    pub generator: Option<GeneratorState>,
    /// Every app, as `GET /__mock/apps` shows it.
    #[serde(serialize_with = "crate::api::stored::serialize")]
    pub apps: Vec<App>,
    /// Issued tokens.
    pub tokens: TokensState,
    /// Pay Score authorisations, as `GET /__mock/payscore/authorizations` shows them, least
    /// recently changed first (the order in which the retention bound drops them).
    #[serde(serialize_with = "crate::api::stored::serialize")]
    pub authorizations: Vec<Authorization>,
    /// Authorisations dropped by the retention bound so far (0 in files that predate it).
    pub authorizations_dropped: u64,
    /// Netpay orders and QR bills; absent in files written before orders were kept, and when
    /// there are none.
    #[serde(
        skip_serializing_if = "OrdersState::is_empty",
        serialize_with = "crate::api::stored::serialize"
    )]
    pub orders: OrdersState,
    /// Notifications with their delivery plans.
    #[serde(serialize_with = "crate::api::stored::serialize")]
    pub notifications: NotificationsState,
    /// Faults, as `GET /__mock/faults` shows them.
    #[serde(serialize_with = "crate::api::stored::serialize")]
    pub faults: Counted<Fault>,
    /// Stubs (fixture stubs included), as `GET /__mock/stubs` shows them, in the order added.
    #[serde(serialize_with = "crate::api::stored::serialize")]
    pub stubs: Counted<Stub>,
    /// The request journal, oldest first.
    #[serde(serialize_with = "crate::api::stored::serialize")]
    pub journal: Counted<Entry>,
    /// What the built-in sink received, per app, oldest first.
    #[serde(serialize_with = "crate::api::stored::serialize")]
    pub sink: BTreeMap<String, Vec<Receipt>>,
}

/// The sandbox clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClockState {
    /// Whether it stands still (at `now`).
    pub frozen: bool,
    /// Sandbox time at the save.
    pub now: DateTime<Utc>,
    /// Sandbox time minus wall time, in milliseconds: what a running clock keeps.
    pub offset_ms: i64,
}

/// A created clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedClock {
    /// Its id.
    pub id: String,
    /// Its name, if it was given one.
    #[serde(default)]
    pub name: Option<String>,
    /// The app it was made for (`"clock": "new"`), which takes it along when deleted.
    #[serde(default)]
    pub owner: Option<String>,
    /// How it stands.
    #[serde(flatten)]
    pub state: ClockState,
}

/// Where the generator continues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GeneratorState {
    /// The seed of the generator after a restore. With `--seed` it is derived from that seed
    /// and the saved history, so the same run saved at the same point always continues with
    /// the same values; without, it is random.
    pub seed: u64,
}

/// A list with the counter behind its `…-N` ids.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Counted<T> {
    /// The last number given out.
    pub last_id: u64,
    /// The items.
    pub items: Vec<T>,
}

impl<T> Default for Counted<T> {
    fn default() -> Self {
        Self {
            last_id: 0,
            items: Vec::new(),
        }
    }
}

/// Issued access tokens.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TokensState {
    /// Tokens not yet pruned, each app's oldest first.
    pub issued: Vec<TokenState>,
    /// Tokens pushed out by the per-app cap, oldest first.
    pub superseded: Vec<SupersededState>,
}

/// One issued token.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenState {
    /// The token.
    pub token: String,
    /// Its app, when it was issued and when it expires (sandbox time).
    #[serde(flatten)]
    pub record: TokenRecord,
    /// Its slot among its app's tokens: the state database keys its row by it (a JSON state
    /// file keeps none; the tokens then take their app's slots in order).
    #[serde(skip)]
    pub slot: Option<usize>,
}

/// One token pushed out by the cap.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SupersededState {
    /// Its number: tokens pushed out later have higher ones (0 in files of 0.1.0, which
    /// keep them in order instead).
    #[serde(default)]
    pub number: u64,
    /// The token.
    pub token: String,
    /// Its app.
    pub app_id: String,
}

/// Notifications and the engine's counters.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NotificationsState {
    /// The running number of the next `EV-…` id.
    pub next_event_number: u64,
    /// The creation-order number of the next notification.
    pub next_seq: u64,
    /// Every notification, oldest first, with its delivery plan (an attempt in flight at the
    /// save counts as planned).
    pub items: Vec<Notification>,
}

/// Netpay orders and QR bills, with the order in which `--order-retention` drops them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OrdersState {
    /// Orders and bills dropped by the retention bound so far.
    pub dropped: u64,
    /// Every order, oldest first, as `GET /__mock/orders/{merOrderId}` shows it: refunds and
    /// the ids of the notifications it caused included. A cashier page's token is the last
    /// segment of `cashierUrl`.
    pub items: Vec<Order>,
    /// Positions in `items`, least recently changed first: the order in which the retention
    /// bound considers them (absent: as created).
    pub change_order: Vec<usize>,
    /// Every QR bill, oldest first; its cashier page's token is the last segment of
    /// `billQRCode` (its `qrCodeId`).
    pub bills: Vec<Bill>,
    /// Positions in `bills`, least recently changed first.
    pub bill_change_order: Vec<usize>,
}

impl OrdersState {
    /// No order, no bill, nothing dropped: the section is left out of the file.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.bills.is_empty() && self.dropped == 0
    }
}
