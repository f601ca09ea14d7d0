//! Integration tests: each test starts its own sandbox on a free port and talks real HTTP.

mod apps;
mod auth_access_token;
mod auth_body_sig;
mod auth_form_param;
mod binary;
mod cli;
mod clock;
mod conformance;
mod faults;
mod helpers;
mod independent_client;
mod journal;
mod notification_rules;
mod notifications;
mod openapi;
mod payscore;
mod receiver;
mod reset;
mod robustness;
mod scenarios;
mod scenarios_pending;
mod sink;
mod stubs;
mod token;
mod token_failures;
mod tools;
