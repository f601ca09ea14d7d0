//! The clock a scenario run follows: one of its own, created when the run starts, unless the
//! scenario names one (`"clock": "default"` or a clock's id). Its `advance` steps move that
//! clock alone, its apps are created on it, and its report's sandbox times are read from it.

use chrono::{DateTime, Utc};

use super::outcome::failed;
use crate::api::clock::{Advanced, ClockView, DEFAULT_CLOCK, NewClock};
use crate::api::scenario::{Scenario, ScenarioClock};
use crate::client::{ClientError, Control};

/// The clock of one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunClock {
    id: String,
}

/// Whether the answer says the sandbox does not serve the route at all (a sandbox from before
/// clocks of their own).
fn not_served(e: &ClientError) -> bool {
    matches!(e, ClientError::Control { status: 404, code, .. } if code == "ROUTE_NOT_FOUND")
}

/// Reads the clock `id`: the default one through `GET /__mock/clock`, which every sandbox serves.
pub async fn read<C: Control>(control: &C, id: &str) -> Result<ClockView, String> {
    if id == DEFAULT_CLOCK {
        control
            .clock()
            .await
            .map_err(|e| failed("GET /__mock/clock", &e))
    } else {
        control
            .clock_by_id(id)
            .await
            .map_err(|e| failed(&format!("GET /__mock/clocks/{id}"), &e))
    }
}

impl RunClock {
    /// The clock `scenario` asks for: a new one, starting at the default clock's time and
    /// standing still if that one does, named after the scenario; or the existing one it names.
    /// Against a sandbox that has only the default clock, a run that wanted its own uses that.
    pub async fn start<C: Control>(scenario: &Scenario, control: &C) -> Result<Self, String> {
        match &scenario.clock {
            ScenarioClock::Existing(id) => {
                read(control, id).await?;
                Ok(Self { id: id.clone() })
            }
            ScenarioClock::Own => {
                let default = read(control, DEFAULT_CLOCK).await?;
                let spec = NewClock {
                    name: Some(scenario.name.clone()),
                    now: Some(default.now),
                    frozen: Some(default.frozen),
                };
                match control.create_clock(spec).await {
                    Ok(clock) => Ok(Self { id: clock.id }),
                    Err(e) if not_served(&e) => Ok(Self {
                        id: DEFAULT_CLOCK.to_owned(),
                    }),
                    Err(e) => Err(failed("POST /__mock/clocks", &e)),
                }
            }
        }
    }

    /// Its id (`default` for the instance's own clock).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Its current time.
    pub async fn now<C: Control>(&self, control: &C) -> Result<DateTime<Utc>, String> {
        read(control, &self.id).await.map(|clock| clock.now)
    }

    /// The clock an app created by the run is put on when its spec names none: this one, or
    /// none at all for the default clock (what a sandbox assumes, old or new).
    pub fn for_new_apps(&self) -> Option<&str> {
        (self.id != DEFAULT_CLOCK).then_some(self.id.as_str())
    }

    /// Moves it forward: the route it calls, and the answer.
    pub async fn advance<C: Control>(
        &self,
        control: &C,
        seconds: f64,
    ) -> (String, Result<Advanced, ClientError>) {
        if self.id == DEFAULT_CLOCK {
            let what = "POST /__mock/clock/advance".to_owned();
            (what, control.advance_secs(seconds).await)
        } else {
            let what = format!("POST /__mock/clocks/{}/advance", self.id);
            (what, control.advance_clock_secs(&self.id, seconds).await)
        }
    }
}
