//! The sandbox service: one instance's stores, and every use case that spans them (seed,
//! reset, remove an app and all it owns, open/close an authorisation, create/pay/refund/close an
//! order or a QR bill, give an app a callback URL, delete a fault, take a notification at the
//! sink, list the live tokens). No globals: two instances in one process never share.

mod bills;
mod callbacks;
mod clocks;
mod lifecycle;
mod listening;
mod orders;
mod payer;
mod payments;
mod payscore;
mod refunds;
mod sink;
mod tenants;
mod tokens;

pub use bills::{BillChange, NewBill};
pub use lifecycle::{AppReset, SeedError};
pub use listening::{Listening, reachable};
pub use orders::{NewOrder, PayError};
pub use payscore::PayScoreError;
pub use sink::SinkRefusal;

use std::sync::Arc;

use parking_lot::Mutex;
use rand::SeedableRng;
use rand::rngs::StdRng;

use rand::RngExt;

use crate::config::Config;
use crate::domain::apps::AppRegistry;
use crate::domain::clock::{Clock, Clocks};
use crate::domain::faults::FaultStore;
use crate::domain::journal::Journal;
use crate::domain::notify::{
    CallbackClient, CallbackGuard, ClientSettings, EngineDeps, EngineSettings, Lookup, NotifyEngine,
};
use crate::domain::orders::OrderStore;
use crate::domain::payscore::PayScoreStore;
use crate::domain::sink::MarkedTransport;
use crate::domain::stubs::StubStore;
use crate::domain::tokens::TokenStore;

/// One sandbox instance: its configuration, its stores and its use cases.
#[derive(Debug)]
pub struct Sandbox {
    /// Start-up settings.
    pub config: Config,
    /// The instance's own base URL, e.g. `http://127.0.0.1:8080`.
    pub base_url: String,
    /// The control API's base URL (differs from `base_url` with an admin port).
    pub control_url: String,
    /// The instance's clock.
    pub clock: Arc<Clock>,
    /// The clock of each app: ask it, not `clock`, wherever an app is concerned.
    pub clocks: Clocks,
    /// The tenants.
    pub apps: Arc<AppRegistry>,
    /// Issued access tokens.
    pub tokens: TokenStore,
    /// Pay Score authorisations.
    pub payscore: PayScoreStore,
    /// Netpay orders and QR bills.
    pub orders: OrderStore,
    /// Notifications and their delivery.
    pub notify: Arc<NotifyEngine>,
    /// Faults.
    pub faults: Arc<FaultStore>,
    /// Stubs.
    pub stubs: StubStore,
    /// The request journal.
    pub journal: Journal,
    /// The one generator behind every generated value, seeded by `--seed`.
    pub rng: Arc<Mutex<StdRng>>,
    /// What the built-in merchant sink (`/__mock/sink/{appId}`) received.
    pub sink: crate::domain::sink::SinkStore,
    /// Wakes the payer's real-time worker (see [`Sandbox::run_payer`]).
    payer_wake: tokio::sync::Notify,
    /// Bumped when background work (the payer) changed the state, for persistence.
    changes: tokio::sync::watch::Sender<u64>,
}

impl Sandbox {
    /// An empty state (no apps yet) for `config`, served where `listening` says: callbacks
    /// into its own control API are refused.
    pub fn new(config: Config, clock: Arc<Clock>, listening: Listening) -> Self {
        let mut rng = Self::new_rng(config.seed);
        let first_event_number = rng.random_range(10_000..90_000);
        let rng = Arc::new(Mutex::new(rng));
        let apps = Arc::new(AppRegistry::default());
        let clocks = Clocks::new(Arc::clone(&clock), Arc::clone(&apps));
        let faults = Arc::new(FaultStore::default());
        let sink = crate::domain::sink::SinkStore::default();
        let notify = Arc::new(NotifyEngine::new(
            &EngineSettings {
                max_in_flight: config.max_in_flight,
                max_in_flight_per_app: config.max_in_flight_per_app,
                retention: config.notification_retention,
                max_pending_per_app: config.max_pending_per_app,
                first_event_number,
            },
            EngineDeps {
                clocks: clocks.clone(),
                apps: Arc::clone(&apps),
                faults: Arc::clone(&faults),
                rng: Arc::clone(&rng),
                guard: Arc::new(
                    CallbackGuard::new(
                        config.callback_allow.clone(),
                        config.callback_allow_link_local,
                        Some(listening.control),
                    )
                    .with_lookup(Lookup::new(config.callback_resolver.clone())),
                ),
                // The HTTP client itself is built with the first attempt. Every body is noted
                // while it is in flight: the built-in sink takes only those.
                transport: Arc::new(MarkedTransport::new(
                    CallbackClient::new(ClientSettings {
                        ca_file: config.callback_ca_file.clone(),
                        allow_link_local: config.callback_allow_link_local,
                        control: Some(listening.control),
                        resolver: config.callback_resolver.clone(),
                    }),
                    Arc::clone(sink.own()),
                )),
            },
        ));
        let tokens = TokenStore::new(config.max_tokens_per_app);
        let payscore = PayScoreStore::new(config.authorization_retention);
        let orders = OrderStore::new(config.order_retention);
        let journal = Journal::new(config.journal_retention);
        Self {
            config,
            base_url: listening.gateway_url(),
            control_url: listening.control_url(),
            clock,
            clocks,
            apps,
            tokens,
            payscore,
            orders,
            notify,
            faults,
            stubs: StubStore::default(),
            journal,
            rng,
            sink,
            payer_wake: tokio::sync::Notify::new(),
            changes: tokio::sync::watch::channel(0).0,
        }
    }

    /// The clock of the app `app_id`: every time-based rule about an app asks this.
    pub fn clock_of(&self, app_id: &str) -> Arc<Clock> {
        self.clocks.of_app(app_id)
    }

    /// Notes that background work changed the state (requests are followed on their own).
    pub fn note_change(&self) {
        self.changes.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Moves each time background work changes the state.
    pub fn changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// A fresh generator for `seed` (or from the operating system).
    pub fn new_rng(seed: Option<u64>) -> StdRng {
        match seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_rng(&mut rand::rng()),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
