//! The command line: `serve` (the default) and the client verbs — `scenario`, `clock`,
//! `order`, `bill`, `trigger`, `conformance`, `sign`, `health`. Every option also reads an environment variable
//! `CHINAUMS_MOCK_<OPTION>`.
//!
//! Exit codes: 0 success; 1 a check failed (scenario, conformance, health) or the sandbox
//! refused the request; 2 a usage, input or I/O problem.

mod client;
mod clock;
mod order;
mod scenario;
mod serve;
mod sign;

use clap::{Args, Parser, Subcommand};

pub use client::{ConformanceArgs, TriggerArgs};
pub use clock::ClockCommand;
pub use order::{BillCommand, OrderCommand};
pub use scenario::ScenarioCommand;
pub use serve::{ServeArgs, serve};
pub use sign::SignCommand;

/// A ChinaUMS Open Platform sandbox for merchant back-end tests.
#[derive(Debug, Parser)]
#[command(
    name = "chinaums-mock",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// What to do; without one, `serve`.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options of `serve`, also accepted without the verb.
    #[command(flatten)]
    pub serve: ServeArgs,
}

/// The verbs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the sandbox (the default).
    Serve(Box<ServeArgs>),
    /// Run scenario files, against a running sandbox or one started for the run.
    #[command(subcommand)]
    Scenario(ScenarioCommand),
    /// List, create, set, advance or delete the clocks of a running sandbox; prints the answer.
    #[command(subcommand)]
    Clock(ClockCommand),
    /// List, show, pay or refund the netpay orders of a running sandbox; prints the answer.
    #[command(subcommand)]
    Order(OrderCommand),
    /// List, show or pay the QR bills of a running sandbox; prints the answer.
    #[command(subcommand)]
    Bill(BillCommand),
    /// Make a user open or close Pay Score on a running sandbox; prints the answer.
    Trigger(TriggerArgs),
    /// Check a merchant's notification handling through a running sandbox; prints the report.
    Conformance(ConformanceArgs),
    /// Compute ChinaUMS signatures locally; prints the canonical string and the signature.
    #[command(subcommand)]
    Sign(SignCommand),
    /// Exit 0 when the sandbox answers GET /__mock/health with 200, 1 otherwise.
    Health(ServerArg),
}

/// Where a running sandbox is.
#[derive(Debug, Clone, Args)]
pub struct ServerArg {
    /// Base URL of the sandbox [default: http://127.0.0.1:$CHINAUMS_MOCK_PORT, port 8080].
    #[arg(long, env = "CHINAUMS_MOCK_SERVER", value_name = "URL")]
    pub server: Option<String>,
    /// Access to the control API when it is protected or apart.
    #[command(flatten)]
    pub access: ControlAccess,
}

/// How to reach a sandbox's control API when it has its own port or an admin token.
#[derive(Debug, Clone, Default, Args)]
pub struct ControlAccess {
    /// Base URL of the control API, when the sandbox runs with `--admin-port`.
    #[arg(long, env = "CHINAUMS_MOCK_CONTROL_URL", value_name = "URL")]
    pub control_url: Option<String>,
    /// The sandbox's `--admin-token`.
    #[arg(
        long,
        env = "CHINAUMS_MOCK_ADMIN_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub admin_token: Option<String>,
}

impl ControlAccess {
    /// The control API's URL: `--control-url`, else the local `CHINAUMS_MOCK_ADMIN_PORT` when
    /// the sandbox was started with one (as in a container), else none (same as the gateway).
    pub fn control(&self) -> Option<String> {
        self.control_url.clone().or_else(|| {
            std::env::var("CHINAUMS_MOCK_ADMIN_PORT")
                .ok()
                .filter(|p| p.parse::<u16>().is_ok())
                .map(|port| format!("http://127.0.0.1:{port}"))
        })
    }

    /// The typed control client of the sandbox at `url` (its control API at `--control-url`
    /// when apart), every call bounded by `timeout`.
    pub fn control_client(
        &self,
        url: &str,
        timeout: std::time::Duration,
    ) -> Result<crate::client::ControlClient, String> {
        let base = self.control().unwrap_or_else(|| url.to_owned());
        crate::client::ControlClient::configured(base, self.admin_token.as_deref(), timeout)
            .map_err(|e| e.to_string())
    }
}

impl ServerArg {
    /// The URL given, or the local sandbox on `CHINAUMS_MOCK_PORT` (8080).
    pub fn url(&self) -> String {
        self.server.clone().unwrap_or_else(|| {
            let port = std::env::var("CHINAUMS_MOCK_PORT")
                .ok()
                .filter(|p| p.parse::<u16>().is_ok())
                .unwrap_or_else(|| "8080".to_owned());
            format!("http://127.0.0.1:{port}")
        })
    }
}

/// Runs what the command line asks for. Returns the process exit code.
pub async fn run(cli: Cli) -> i32 {
    let command = cli.command.unwrap_or(Command::Serve(Box::new(cli.serve)));
    match command {
        Command::Serve(args) => {
            crate::server::telemetry::init(args.log_format, &args.log_level);
            serve(args.to_config()).await
        }
        Command::Scenario(command) => scenario::run(command).await,
        Command::Clock(command) => clock::run(command).await,
        Command::Order(command) => order::run_order(command).await,
        Command::Bill(command) => order::run_bill(command).await,
        Command::Trigger(args) => client::trigger(args).await,
        Command::Conformance(args) => client::conformance(args).await,
        Command::Sign(command) => sign::run(command),
        Command::Health(server) => {
            let url = server.access.control().unwrap_or_else(|| server.url());
            client::health(&url).await
        }
    }
}

/// Prints JSON readably on stdout.
fn print_json(value: &serde_json::Value) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(_) => println!("{value}"),
    }
}
