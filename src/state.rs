//! The state of one sandbox instance. No globals: two instances in one process never share.

use std::sync::Arc;

use parking_lot::Mutex;
use rand::SeedableRng;
use rand::rngs::StdRng;

use rand::RngExt;

use crate::apps::AppRegistry;
use crate::clock::Clock;
use crate::config::Config;
use crate::faults::FaultStore;
use crate::journal::Journal;
use crate::notify::{EngineSettings, NotifyEngine};
use crate::payscore::PayScoreStore;
use crate::stubs::StubStore;
use crate::tokens::TokenStore;

/// Everything the routes of one instance share.
#[derive(Debug)]
pub struct AppState {
    /// Start-up settings.
    pub config: Config,
    /// The instance's own base URL, e.g. `http://127.0.0.1:8080`.
    pub base_url: String,
    /// The control API's base URL (differs from `base_url` with an admin port).
    pub control_url: String,
    /// The sandbox clock.
    pub clock: Arc<Clock>,
    /// The tenants.
    pub apps: AppRegistry,
    /// Issued access tokens.
    pub tokens: TokenStore,
    /// Pay Score authorisations.
    pub payscore: PayScoreStore,
    /// Notifications and their delivery.
    pub notify: NotifyEngine,
    /// Faults.
    pub faults: FaultStore,
    /// Stubs.
    pub stubs: StubStore,
    /// The request journal.
    pub journal: Journal,
    /// The one generator behind every generated value, seeded by `--seed`.
    pub rng: Mutex<StdRng>,
    /// What the built-in merchant sink (`/__mock/sink/{appId}`) received.
    pub sink: crate::scenario::SinkStore,
}

impl AppState {
    /// An empty state (no apps yet) for `config`.
    pub fn new(config: Config, clock: Arc<Clock>, base_url: String) -> Self {
        let mut rng = Self::new_rng(config.seed);
        let notify = NotifyEngine::new(&EngineSettings {
            max_in_flight: config.max_in_flight,
            retention: config.notification_retention,
            first_event_number: rng.random_range(10_000..90_000),
        });
        let tokens = TokenStore::new(config.max_tokens_per_app);
        let payscore = PayScoreStore::new(config.authorization_retention);
        let config_journal = config.journal_retention;
        Self {
            config,
            control_url: base_url.clone(),
            base_url,
            clock,
            apps: AppRegistry::default(),
            tokens,
            payscore,
            notify,
            faults: FaultStore::default(),
            stubs: StubStore::default(),
            journal: Journal::new(config_journal),
            rng: Mutex::new(rng),
            sink: crate::scenario::SinkStore::default(),
        }
    }

    /// A fresh generator for `seed` (or from the operating system).
    pub fn new_rng(seed: Option<u64>) -> StdRng {
        match seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_rng(&mut rand::rng()),
        }
    }

    /// Removes an app and everything that belongs to it.
    pub fn remove_app(&self, app_id: &str) -> bool {
        let removed = self.apps.remove(app_id).is_some();
        self.tokens.revoke_app(app_id);
        self.payscore.remove_app(app_id);
        self.notify.remove_app(app_id);
        self.faults.clear(Some(app_id));
        self.stubs.clear(Some(app_id));
        removed
    }
}
