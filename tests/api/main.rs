//! Integration tests: each test starts its own sandbox on a free port and talks real HTTP.

mod apps;
mod auth_access_token;
mod auth_body_sig;
mod auth_form_param;
mod binary;
mod cli;
mod clock;
mod helpers;
mod independent_client;
mod notification_rules;
mod notifications;
mod payscore;
mod receiver;
mod scenarios;
mod sink;
mod token;
mod token_failures;
