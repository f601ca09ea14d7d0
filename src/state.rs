//! The state of one sandbox instance. No globals: two instances in one process never share.

use std::sync::Arc;

use parking_lot::Mutex;
use rand::rngs::StdRng;
use rand::SeedableRng;

use crate::apps::AppRegistry;
use crate::clock::Clock;
use crate::config::Config;
use crate::tokens::TokenStore;

/// Everything the routes of one instance share.
#[derive(Debug)]
pub struct AppState {
    /// Start-up settings.
    pub config: Config,
    /// The sandbox clock.
    pub clock: Arc<Clock>,
    /// The tenants.
    pub apps: AppRegistry,
    /// Issued access tokens.
    pub tokens: TokenStore,
    /// The one generator behind every generated value, seeded by `--seed`.
    pub rng: Mutex<StdRng>,
}

impl AppState {
    /// An empty state (no apps yet) for `config`.
    pub fn new(config: Config, clock: Arc<Clock>) -> Self {
        let rng = match config.seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_rng(&mut rand::rng()),
        };
        let tokens = TokenStore::new(config.max_tokens_per_app);
        Self {
            config,
            clock,
            apps: AppRegistry::default(),
            tokens,
            rng: Mutex::new(rng),
        }
    }

    /// Removes an app and everything that belongs to it.
    pub fn remove_app(&self, app_id: &str) -> bool {
        let removed = self.apps.remove(app_id).is_some();
        self.tokens.revoke_app(app_id);
        removed
    }
}
