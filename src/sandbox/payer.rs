//! The sandbox's own payer: what happens to orders and bills when no test steps in. Each app's
//! `payer` settings decide it; each thing falls due in the sandbox time of the app's clock:
//!
//! - the automatic payer pays (or fails) every new order and QR bill `autoPaySeconds` after it
//!   was created;
//! - an unpaid order closes at its `expireTime`;
//! - a `PROCESSING` refund settles `refundSettleSeconds` after it was made, and its refund
//!   notification goes then.
//!
//! Advancing a clock makes each of these happen at its own time, interleaved with the
//! notification attempts due on the way; in real time a worker does the same.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use tokio::sync::watch;

use super::Sandbox;
use crate::api::app::App;
use crate::api::order::{PayOutcome, PayRequest};
use crate::domain::notify::{AdvanceReport, DueWork};
use crate::protocol::timefmt::{date_beijing, format_date};

/// The longest the real-time worker sleeps before looking again (a clock set forward by hand
/// is noticed within this).
const LOOK_AGAIN: StdDuration = StdDuration::from_secs(1);

impl Sandbox {
    /// Moves the clock `clock_id` forward by `by`: every payment, expiry and refund settlement
    /// of its apps and every notification attempt due on the way happen at their own sandbox
    /// time, in time order, before this returns. An unknown clock is left alone.
    pub async fn advance_clock(&self, clock_id: &str, by: Duration) -> AdvanceReport {
        let work = OnClock {
            sandbox: self,
            clock_id,
        };
        self.notify.advance_with(clock_id, by, &work).await
    }

    /// When something next falls due by itself for an app on the clock `clock_id`.
    fn next_due_on(&self, clock_id: &str) -> Option<DateTime<Utc>> {
        self.apps_on(clock_id)
            .iter()
            .filter_map(|app| self.orders.next_due(&app.app_id))
            .min()
    }

    fn apps_on(&self, clock_id: &str) -> Vec<Arc<App>> {
        self.apps
            .list()
            .into_iter()
            .filter(|app| self.clocks.of_app(&app.app_id).id() == clock_id)
            .collect()
    }

    /// Makes everything due at `now` for the apps on `clock_id`; answers how many records
    /// it looked at.
    fn run_due_on(&self, clock_id: &str, now: DateTime<Utc>) -> usize {
        self.apps_on(clock_id)
            .iter()
            .map(|app| self.run_due_of(app, now))
            .sum()
    }

    /// Makes everything of `app` due at `now`.
    fn run_due_of(&self, app: &App, now: DateTime<Utc>) -> usize {
        let due = self.orders.due_at(&app.app_id, now);
        for number in &due.orders {
            self.run_due_order(app, number, now);
        }
        for number in &due.bills {
            self.run_due_bill(app, number, now);
        }
        let looked_at = due.orders.len() + due.bills.len();
        if looked_at > 0 {
            self.note_change();
        }
        looked_at
    }

    /// One order's due things, soonest first: its automatic payment or its expiry (whichever
    /// came first; the other then no longer applies), and refunds settling.
    fn run_due_order(&self, app: &App, number: &str, now: DateTime<Utc>) {
        let Ok(order) = self.orders.order(&app.app_id, number) else {
            return;
        };
        let pays_first = match (order.auto_pay_at, order.expire_time) {
            (Some(pay), Some(expiry)) => pay <= expiry,
            (pay, _) => pay.is_some(),
        };
        if !pays_first && let Ok(Some(_)) = self.orders.expire(&app.app_id, number, now) {
            tracing::info!(app_id = %app.app_id, mer_order_id = number, "order expired");
        }
        if self
            .orders
            .take_auto_pay(&app.app_id, number, now)
            .unwrap_or(false)
        {
            let paid = self.pay_order(number, self.auto_payment(app));
            if let Err(e) = paid {
                tracing::warn!(app_id = %app.app_id, mer_order_id = number, error = %e, "automatic payment refused");
            }
        }
        let settle_date = format_date(date_beijing(now));
        if let Ok((order, settled)) =
            self.orders
                .settle_refunds(&app.app_id, number, now, &settle_date)
        {
            for refund in &settled {
                tracing::info!(app_id = %app.app_id, mer_order_id = number, refund_order_id = %refund.refund_order_id, "refund settled");
                self.notify_refund(app, &order, refund);
            }
        }
    }

    /// A bill's automatic payment.
    fn run_due_bill(&self, app: &App, bill_no: &str, now: DateTime<Utc>) {
        if self
            .orders
            .take_bill_auto_pay(&app.app_id, bill_no, now)
            .unwrap_or(false)
            && let Err(e) = self.pay_bill(bill_no, self.auto_payment(app))
        {
            tracing::warn!(app_id = %app.app_id, bill_no, error = %e, "automatic payment refused");
        }
    }

    /// What the automatic payer of `app` does.
    fn auto_payment(&self, app: &App) -> PayRequest {
        PayRequest {
            app_id: Some(app.app_id.clone()),
            outcome: match app.payer.auto_pay_outcome {
                PayOutcome::Fail => PayOutcome::Fail,
                _ => PayOutcome::Success,
            },
            ..PayRequest::default()
        }
    }

    /// Wakes the real-time worker: something may fall due sooner than it planned.
    pub(super) fn wake_payer(&self) {
        self.payer_wake.notify_one();
    }

    /// The real-time worker: makes whatever falls due on running clocks happen as their time
    /// comes, until `shutdown` turns true (or its sender is dropped).
    pub async fn run_payer(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        let mut clock_changes = self.clocks.subscribe();
        loop {
            if *shutdown.borrow() {
                break;
            }
            clock_changes.mark_unchanged();
            let wait = self.run_due_everywhere();
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = self.payer_wake.notified() => {}
                _ = clock_changes.changed() => {}
                changed = shutdown.changed() => if changed.is_err() { break },
            }
        }
    }

    /// One look at every app with something due: makes what is due now, and answers how long
    /// until the next thing on a running clock (at most [`LOOK_AGAIN`]).
    fn run_due_everywhere(&self) -> StdDuration {
        let mut wait = LOOK_AGAIN;
        for (app_id, at) in self.orders.next_due_by_app() {
            let Some(app) = self.apps.get(&app_id) else {
                continue;
            };
            let clock = self.clock_of(&app_id);
            let now = clock.now();
            if at <= now {
                // An advance of this clock holds its turn and makes these happen itself.
                if let Some(_turn) = self.notify.try_turn(clock.id()) {
                    self.run_due_of(&app, clock.now());
                }
            } else if !clock.is_frozen() {
                let until = (at - now).to_std().unwrap_or(StdDuration::ZERO);
                wait = wait.min(until);
            }
        }
        wait
    }
}

/// The payer's work on one clock, as an advance of that clock sees it.
struct OnClock<'a> {
    sandbox: &'a Sandbox,
    clock_id: &'a str,
}

impl DueWork for OnClock<'_> {
    fn next_due(&self) -> Option<DateTime<Utc>> {
        self.sandbox.next_due_on(self.clock_id)
    }
    fn run_due(&self, now: DateTime<Utc>) {
        self.sandbox.run_due_on(self.clock_id, now);
    }
}
