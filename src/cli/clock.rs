//! `clock list|show|create|set|advance|delete`: the clocks of a running sandbox, each verb one
//! call of the control API, its answer printed as JSON.

use std::time::Duration;

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use serde_json::json;

use super::ServerArg;
use super::client::{answer, control, usage};
use crate::api::clock::{ClockList, NewClock};

/// How long one clock call may take. An advance makes every delivery attempt due on the way
/// before it answers, so it gets longer.
const TIMEOUT: Duration = Duration::from_secs(30);
const ADVANCE_TIMEOUT: Duration = Duration::from_secs(600);

/// The `clock` verbs.
#[derive(Debug, Subcommand)]
pub enum ClockCommand {
    /// Every clock, default first (`GET /__mock/clocks`).
    List(ServerArg),
    /// One clock; without an id, the default clock.
    Show(ShowArgs),
    /// Create a clock for a group of apps (`POST /__mock/clocks`).
    Create(CreateArgs),
    /// Set a clock's time and/or whether it stands still (`PUT /__mock/clocks/{id}`).
    Set(SetArgs),
    /// Advance a clock by SECONDS (the default clock without an ID), making every delivery
    /// attempt due on the way.
    #[command(override_usage = "chinaums-mock clock advance [OPTIONS] [ID] <SECONDS>")]
    Advance(AdvanceArgs),
    /// Delete a clock no app is on (`DELETE /__mock/clocks/{id}`).
    Delete(DeleteArgs),
}

/// Options of `clock show`.
#[derive(Debug, Clone, Args)]
pub struct ShowArgs {
    /// The clock's id (`default` when absent).
    #[arg(value_name = "ID")]
    pub id: Option<String>,
    /// The sandbox.
    #[command(flatten)]
    pub server: ServerArg,
}

/// Options of `clock create`.
#[derive(Debug, Clone, Args)]
pub struct CreateArgs {
    /// A name to recognise it by (a test job, a scenario).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Where its time starts, RFC 3339 (default: now, by the wall clock).
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Stand still from the start.
    #[arg(long)]
    pub frozen: bool,
    /// The sandbox.
    #[command(flatten)]
    pub server: ServerArg,
}

/// Options of `clock set`.
#[derive(Debug, Clone, Args)]
pub struct SetArgs {
    /// The clock's id (`default` for the instance's own).
    #[arg(value_name = "ID")]
    pub id: String,
    /// Jump to this time, RFC 3339 (nothing due on the way is replayed).
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Stand still (`true`) or run (`false`).
    #[arg(long, value_name = "true|false")]
    pub frozen: Option<bool>,
    /// The sandbox.
    #[command(flatten)]
    pub server: ServerArg,
}

/// Options of `clock advance`.
#[derive(Debug, Clone, Args)]
pub struct AdvanceArgs {
    /// `[ID] SECONDS`: the clock (the default one when only seconds are given) and how far to
    /// move it, in seconds (fractions allowed).
    #[arg(value_name = "ID|SECONDS", num_args = 1..=2, required = true)]
    pub args: Vec<String>,
    /// The sandbox.
    #[command(flatten)]
    pub server: ServerArg,
}

/// Options of `clock delete`.
#[derive(Debug, Clone, Args)]
pub struct DeleteArgs {
    /// The clock's id.
    #[arg(value_name = "ID")]
    pub id: String,
    /// The sandbox.
    #[command(flatten)]
    pub server: ServerArg,
}

fn time(text: Option<&str>) -> Result<Option<DateTime<Utc>>, i32> {
    text.map(|t| {
        DateTime::parse_from_rfc3339(t)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| {
                usage(&format!(
                    "--now must be an RFC 3339 time such as 2026-11-25T12:00:00+08:00, not {t:?} ({e})"
                ))
            })
    })
    .transpose()
}

/// `[ID] SECONDS` as the clock (none: the default one) and the seconds.
fn advance_args(args: &[String]) -> Result<(Option<&str>, f64), i32> {
    let (id, seconds) = match args {
        [seconds] => (None, seconds),
        [id, seconds] => (Some(id.as_str()), seconds),
        _ => return Err(usage("clock advance takes [ID] SECONDS")),
    };
    let seconds = seconds.parse::<f64>().map_err(|_| {
        usage(&format!(
            "clock advance: SECONDS must be a number, not {seconds:?}"
        ))
    })?;
    Ok((id, seconds))
}

/// Runs a `clock` verb.
pub async fn run(command: ClockCommand) -> i32 {
    match execute(command).await {
        Ok(code) | Err(code) => code,
    }
}

async fn execute(command: ClockCommand) -> Result<i32, i32> {
    Ok(match command {
        ClockCommand::List(server) => {
            let c = control(&server, TIMEOUT)?;
            answer(c.clocks().await.map(|clocks| ClockList { clocks }))
        }
        ClockCommand::Show(args) => {
            let c = control(&args.server, TIMEOUT)?;
            match args.id.as_deref() {
                None => answer(c.clock().await),
                Some(id) => answer(c.clock_by_id(id).await),
            }
        }
        ClockCommand::Create(args) => {
            let spec = NewClock {
                name: args.name,
                now: time(args.now.as_deref())?,
                frozen: args.frozen.then_some(true),
            };
            let c = control(&args.server, TIMEOUT)?;
            answer(c.create_clock(spec).await)
        }
        ClockCommand::Set(args) => {
            let now = time(args.now.as_deref())?;
            if now.is_none() && args.frozen.is_none() {
                return Err(usage(
                    "clock set needs --now TIME and/or --frozen true|false",
                ));
            }
            let c = control(&args.server, TIMEOUT)?;
            answer(c.set_clock_by_id(&args.id, now, args.frozen).await)
        }
        ClockCommand::Advance(args) => {
            let (id, seconds) = advance_args(&args.args)?;
            let c = control(&args.server, ADVANCE_TIMEOUT)?;
            match id {
                None => answer(c.advance_secs(seconds).await),
                Some(id) => answer(c.advance_clock_secs(id, seconds).await),
            }
        }
        ClockCommand::Delete(args) => {
            let c = control(&args.server, TIMEOUT)?;
            answer(
                c.delete_clock(&args.id)
                    .await
                    .map(|()| json!({ "deleted": args.id })),
            )
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_takes_seconds_alone_or_a_clock_and_seconds() {
        let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(advance_args(&args(&["90"])), Ok((None, 90.0)));
        assert_eq!(
            advance_args(&args(&["clk_1", "0.5"])),
            Ok((Some("clk_1"), 0.5))
        );
        assert_eq!(advance_args(&args(&["clk_1"])), Err(2));
    }

    #[test]
    fn a_time_that_is_not_rfc_3339_is_a_usage_error() {
        assert_eq!(time(Some("tomorrow")), Err(2));
        assert!(time(Some("2026-11-25T12:00:00+08:00")).is_ok_and(|t| t.is_some()));
        assert_eq!(time(None), Ok(None));
    }
}
