//! `scenario run FILE` and `scenario list`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::client::scenario::client::DEFAULT_TIMEOUT;
use crate::client::scenario::{Gateway, Scenario, run as run_scenario, run_with};
use crate::config::{Config, FixtureSource};
use crate::domain::fixtures::EMBEDDED_SCENARIOS;
use crate::server::Application;

/// The `scenario` verbs.
#[derive(Debug, Subcommand)]
pub enum ScenarioCommand {
    /// Run a scenario file (or a built-in scenario by name) and print the report.
    Run(ScenarioRunArgs),
    /// List the built-in scenarios.
    List,
}

/// Options of `scenario run`.
#[derive(Debug, Clone, Args)]
pub struct ScenarioRunArgs {
    /// The scenario file, or the name of a built-in scenario (see `scenario list`).
    #[arg(value_name = "FILE")]
    pub file: String,
    /// Run against this sandbox; without it, a sandbox is started for the run (port 0, the
    /// built-in fixtures, the scenario's seed, the clock frozen at the current time).
    #[arg(long, env = "CHINAUMS_MOCK_SERVER", value_name = "URL")]
    pub server: Option<String>,
    /// Access to a protected or separate control API.
    #[command(flatten)]
    pub access: super::ControlAccess,
    /// Print the report as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

fn load(file: &str) -> Result<String, String> {
    let path = PathBuf::from(file);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(text),
        Err(e) => EMBEDDED_SCENARIOS
            .iter()
            .find(|(name, _)| *name == file)
            .map(|(_, text)| (*text).to_owned())
            .ok_or_else(|| {
                format!(
                    "cannot read scenario file {file}: {e} (and no built-in scenario has that name)"
                )
            }),
    }
}

async fn run_file(args: ScenarioRunArgs) -> i32 {
    let text = match load(&args.file) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("chinaums-mock: {e}");
            return 2;
        }
    };
    let scenario = match Scenario::from_json(&text) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("chinaums-mock: invalid scenario {}: {e}", args.file);
            return 2;
        }
    };
    let report = match &args.server {
        Some(url) => {
            let clients = args
                .access
                .control_client(url, DEFAULT_TIMEOUT)
                .and_then(|control| Ok((control, Gateway::new(url)?)));
            let (control, gateway) = match clients {
                Ok(clients) => clients,
                Err(e) => {
                    eprintln!("chinaums-mock: cannot reach the sandbox at {url}: {e}");
                    return 2;
                }
            };
            if let Err(e) = control.health().await {
                eprintln!("chinaums-mock: cannot reach the sandbox at {url}: {e}");
                return 2;
            }
            run_with(&scenario, &control, &gateway).await
        }
        None => {
            let config = Config {
                port: 0,
                seed: scenario.seed,
                clock_frozen: true,
                workers: Some(2),
                fixtures: FixtureSource::Embedded,
                ..Config::default()
            };
            let app = match Application::build(config).await {
                Ok(app) => app,
                Err(e) => {
                    eprintln!("chinaums-mock: cannot start a sandbox for the run: {e}");
                    return 2;
                }
            };
            let url = app.url();
            let handle = app.handle();
            tokio::spawn(app.run_until_stopped());
            let report = run_scenario(&scenario, &url).await;
            handle.stop(false).await;
            report
        }
    };
    if args.json {
        match serde_json::to_string_pretty(&report) {
            Ok(text) => println!("{text}"),
            Err(e) => eprintln!("chinaums-mock: {e}"),
        }
    } else {
        print!("{}", report.to_text());
    }
    i32::from(!report.passed)
}

/// Runs a `scenario` verb.
pub async fn run(command: ScenarioCommand) -> i32 {
    match command {
        ScenarioCommand::Run(args) => run_file(args).await,
        ScenarioCommand::List => {
            for (name, text) in EMBEDDED_SCENARIOS {
                let description = Scenario::from_json(text)
                    .map(|s| s.description)
                    .unwrap_or_default();
                println!("{name}\n    {description}");
            }
            0
        }
    }
}
