//! Access tokens as the control API lists them: each judged by the clock of its app.

use super::Sandbox;
use crate::api::token::{LiveToken, TokenFilter, TokenList};

/// How many tokens a list holds unless it asks for another number.
const DEFAULT_LIMIT: usize = 100;

impl Sandbox {
    /// The tokens apps may still present, newest first: a token expires by its app's clock,
    /// which may stand far from the default one.
    pub fn live_tokens(&self, filter: &TokenFilter) -> TokenList {
        let mut tokens: Vec<LiveToken> = self
            .tokens
            .live(filter.app_id.as_deref(), |app| self.clock_of(app).now())
            .into_iter()
            .map(|(token, record)| {
                let now = self.clock_of(&record.app_id).now();
                LiveToken {
                    expires_in: (record.expires_at - now).num_seconds(),
                    access_token: token,
                    app_id: record.app_id,
                    issued_at: record.issued_at,
                    expires_at: record.expires_at,
                }
            })
            .collect();
        tokens.sort_by_key(|t| std::cmp::Reverse(t.issued_at));
        tokens.truncate(filter.limit.unwrap_or(DEFAULT_LIMIT));
        TokenList {
            tokens,
            max_per_app: self.config.max_tokens_per_app.max(1),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use crate::api::token::TokenFilter;
    use crate::domain::tokens::TokenRecord;
    use crate::sandbox::tests::{noon, sandbox};

    #[test]
    fn tokens_are_listed_newest_first_with_the_seconds_left() {
        let state = sandbox();
        let app = state.apps.list()[0].app_id.clone();
        for (i, token) in ["t-old", "t-new"].into_iter().enumerate() {
            let issued_at = noon() + Duration::seconds(i as i64 * 60);
            let record = TokenRecord {
                app_id: app.clone(),
                issued_at,
                expires_at: issued_at + Duration::seconds(3600),
            };
            state.tokens.issue(token.into(), record, issued_at);
        }
        let list = state.live_tokens(&TokenFilter::default());
        let names: Vec<&str> = list
            .tokens
            .iter()
            .map(|t| t.access_token.as_str())
            .collect();
        assert_eq!(names, ["t-new", "t-old"]);
        // The clock stands at noon: the newer token, issued a minute later, has a minute more.
        assert_eq!(
            (list.tokens[0].expires_in, list.tokens[1].expires_in),
            (3660, 3600)
        );
        let other = TokenFilter {
            app_id: Some("no-such-app".into()),
            limit: None,
        };
        assert!(state.live_tokens(&other).tokens.is_empty());
    }
}
