//! From a running sandbox to a [`StateFile`] and back.

use std::collections::{BTreeMap, HashSet};

use chrono::Duration;
use rand::RngExt;
use rand::SeedableRng;

use super::file::*;
use crate::domain::clock::{Clock, ClockMode};
use crate::domain::notify::EngineSnapshot;
use crate::domain::orders::Snapshot as OrdersSnapshot;
use crate::domain::tokens::TokenSnapshot;
use crate::sandbox::Sandbox;

/// Why a well-formed state file cannot be restored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidState(pub String);

/// The whole state of a sandbox, ready to be saved.
///
/// Sections are read one after the other, each consistently: apps, authorisations and orders
/// before the notifications that name them, the clock last, so nothing refers to what is not
/// saved.
pub fn capture(state: &Sandbox) -> StateFile {
    let apps: Vec<_> = state.apps.list().iter().map(|a| (**a).clone()).collect();
    let sink = apps
        .iter()
        .map(|a| (a.app_id.clone(), state.sink.received(&a.app_id)))
        .filter(|(_, r)| !r.is_empty())
        .collect();
    let tokens = state.tokens.snapshot();
    let (authorizations, _) = state.payscore.snapshot();
    let orders = state.orders.snapshot();
    let engine = state.notify.snapshot();
    let (entry_id, entries) = state.journal.snapshot();
    let mut file = capture_small(state);
    file.apps = apps;
    file.tokens = TokensState {
        issued: tokens
            .tokens
            .into_iter()
            .map(|(token, record, slot)| TokenState {
                token,
                record,
                slot,
            })
            .collect(),
        superseded: tokens
            .superseded
            .into_iter()
            .map(|(number, token, app_id)| SupersededState {
                number,
                token,
                app_id,
            })
            .collect(),
    };
    file.authorizations = authorizations;
    file.orders = OrdersState {
        dropped: orders.dropped,
        items: orders.orders,
        change_order: orders.order_changes,
        bills: orders.bills,
        bill_change_order: orders.bill_changes,
    };
    file.notifications.items = engine.notifications;
    file.journal.items = entries;
    // Read before the counters, which are then never behind what the sections hold.
    file.journal.last_id = file.journal.last_id.max(entry_id);
    file.sink = sink;
    file.generator = Some(GeneratorState {
        seed: generator_seed(state.config.seed, &file),
    });
    file
}

/// The small sections, read whole each time: the clocks, faults and stubs, and every
/// counter. Read after the records, so nothing saved refers to a clock that is not, and no
/// counter is behind the records saved.
pub fn capture_small(state: &Sandbox) -> StateFile {
    let (fault_id, faults) = state.faults.snapshot();
    let (stub_id, stubs) = state.stubs.snapshot();
    let (next_event_number, next_seq) = state.notify.counters();
    let clocks = state
        .clocks
        .list()
        .iter()
        .skip(1)
        .map(|c| SavedClock {
            id: c.id().to_owned(),
            name: c.name().map(str::to_owned),
            owner: state.clocks.owner(c.id()),
            state: clock_state(c),
        })
        .collect();
    StateFile {
        format: FORMAT.to_owned(),
        version: VERSION,
        saved_at: Some(state.clock.wall_now()),
        saved_by: concat!("chinaums-mock ", env!("CARGO_PKG_VERSION")).to_owned(),
        clock: Some(clock_state(&state.clock)),
        clocks,
        generator: None,
        apps: Vec::new(),
        tokens: TokensState::default(),
        authorizations: Vec::new(),
        authorizations_dropped: state.payscore.dropped(),
        orders: OrdersState {
            dropped: state.orders.dropped(),
            ..OrdersState::default()
        },
        notifications: NotificationsState {
            next_event_number,
            next_seq,
            items: Vec::new(),
        },
        faults: Counted {
            last_id: fault_id,
            items: faults,
        },
        stubs: Counted {
            last_id: stub_id,
            items: stubs,
        },
        journal: Counted {
            last_id: state.journal.last_id(),
            items: Vec::new(),
        },
        sink: BTreeMap::new(),
    }
}

/// The seed the generator continues from after a restore. The running generator cannot be
/// read, so with `--seed` the seed is drawn from it and from the saved history's counters: the
/// same run, saved at the same point, always continues with the same values, and never with
/// the values it started with. Without `--seed` it is random.
pub(super) fn generator_seed(seed: Option<u64>, file: &StateFile) -> u64 {
    let Some(seed) = seed else {
        return rand::rng().random();
    };
    let mut counters = vec![
        file.notifications.next_event_number,
        file.notifications.next_seq,
        file.journal.last_id,
        file.faults.last_id,
        file.stubs.last_id,
        file.apps.len() as u64,
        file.authorizations.len() as u64,
        (file.tokens.issued.len() + file.tokens.superseded.len()) as u64,
    ];
    // Only when there are orders, so a file without them continues as it did before orders
    // were kept.
    if !file.orders.is_empty() {
        let orders = &file.orders;
        counters.extend([
            orders.items.len() as u64,
            orders.bills.len() as u64,
            orders.dropped,
        ]);
    }
    counters
        .iter()
        .fold(splitmix(seed ^ 0x5354_4154_4546_494c), |h, c| {
            splitmix(h ^ c)
        })
}

/// SplitMix64's finaliser: a fast, well-spread 64-bit mix.
fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// How a clock stands, as the file keeps it.
fn clock_state(clock: &Clock) -> ClockState {
    match clock.mode() {
        ClockMode::Frozen { at } => ClockState {
            frozen: true,
            now: at,
            offset_ms: (at - clock.wall_now()).num_milliseconds(),
        },
        ClockMode::Running { offset } => ClockState {
            frozen: false,
            now: clock.now(),
            offset_ms: offset.num_milliseconds(),
        },
    }
}

/// A saved clock's mode: a running clock keeps its offset, so downtime passes for it too.
fn mode_of(clock: &ClockState) -> ClockMode {
    if clock.frozen {
        ClockMode::Frozen { at: clock.now }
    } else {
        ClockMode::Running {
            offset: Duration::milliseconds(clock.offset_ms),
        }
    }
}

/// Replaces the sandbox's state with the file's. Sections the file leaves out are emptied;
/// without `clock` or `generator` the ones from the command line stay.
pub fn restore(state: &Sandbox, file: StateFile) -> Result<(), InvalidState> {
    if let Some(clock) = file.clock {
        state.clock.restore(mode_of(&clock));
    }
    state.clocks.clear();
    for saved in file.clocks {
        let clock = state
            .clocks
            .create(saved.id, saved.name, saved.owner, None, false)
            .map_err(|e| InvalidState(format!("clocks: {e}")))?;
        clock.restore(mode_of(&saved.state));
    }
    if let Some(generator) = file.generator {
        *state.rng.lock() = rand::rngs::StdRng::seed_from_u64(generator.seed);
    }
    state.apps.clear();
    for app in file.apps {
        if !state.clocks.contains(&app.clock) {
            return Err(InvalidState(format!(
                "apps: {} is on clock {}, which the file does not hold",
                app.app_id, app.clock
            )));
        }
        state
            .apps
            .insert(app)
            .map_err(|e| InvalidState(format!("apps: {e}")))?;
    }
    state.tokens.restore(TokenSnapshot {
        tokens: file
            .tokens
            .issued
            .into_iter()
            .map(|t| (t.token, t.record, t.slot))
            .collect(),
        superseded: file
            .tokens
            .superseded
            .into_iter()
            .map(|s| (s.number, s.token, s.app_id))
            .collect(),
    });
    state
        .payscore
        .restore(file.authorizations, file.authorizations_dropped);
    state.orders.restore(orders_snapshot(file.orders)?);
    state.faults.restore(file.faults.last_id, file.faults.items);
    state.stubs.restore(file.stubs.last_id, file.stubs.items);
    state
        .journal
        .restore(file.journal.last_id, file.journal.items);
    state.sink.clear_all();
    for (app_id, receipts) in file.sink {
        for r in receipts {
            state.sink.record(&app_id, r);
        }
    }
    let mut ids = HashSet::new();
    if let Some(twice) = file
        .notifications
        .items
        .iter()
        .find(|n| !ids.insert(n.id.as_str()))
    {
        return Err(InvalidState(format!(
            "notifications: the id {} appears twice",
            twice.id
        )));
    }
    state.notify.restore(EngineSnapshot {
        notifications: file.notifications.items,
        next_event_number: file.notifications.next_event_number,
        next_seq: file.notifications.next_seq,
    });
    Ok(())
}

/// The order store's snapshot of the file's orders, once their change orders are checked.
fn orders_snapshot(orders: OrdersState) -> Result<OrdersSnapshot, InvalidState> {
    check_positions(
        "orders.changeOrder",
        &orders.change_order,
        orders.items.len(),
    )?;
    check_positions(
        "orders.billChangeOrder",
        &orders.bill_change_order,
        orders.bills.len(),
    )?;
    Ok(OrdersSnapshot {
        orders: orders.items,
        order_changes: orders.change_order,
        bills: orders.bills,
        bill_changes: orders.bill_change_order,
        dropped: orders.dropped,
    })
}

/// A change order names each record at most once, and only records that are there.
fn check_positions(name: &str, positions: &[usize], len: usize) -> Result<(), InvalidState> {
    let mut seen = HashSet::new();
    for &p in positions {
        if p >= len {
            return Err(InvalidState(format!(
                "{name}: position {p}, but there are {len} records"
            )));
        }
        if !seen.insert(p) {
            return Err(InvalidState(format!("{name}: position {p} appears twice")));
        }
    }
    Ok(())
}
