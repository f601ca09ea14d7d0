//! One wake per server thread and commit: the requests a server worker thread waits on are
//! told by one task of that thread, which alone waits on the writer.
//!
//! Telling a waiting request from the writer's thread wakes its worker thread's runtime, a
//! system call each time; with a dozen requests answered by one commit, those wakes were a
//! tenth of the writer's work. A relay is told once per commit and tells its thread's
//! requests itself, which costs no system call.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use tokio::sync::{Notify, oneshot};

use super::Shared;

thread_local! {
    /// The relay of each database this thread's requests wait on (a thread serves one server,
    /// but several instances may live in one process).
    static RELAYS: RefCell<Vec<Rc<Relay>>> = const { RefCell::new(Vec::new()) };
}

type Outcome = Result<(), String>;

struct Relay {
    shared: Arc<Shared>,
    waiters: RefCell<Vec<(u64, oneshot::Sender<Outcome>)>>,
    /// Pulsed when a request starts waiting.
    arrived: Notify,
}

/// Waits, on a server worker thread, for the commit covering `ticket`, through the thread's
/// relay (started on first use).
///
/// Must run on a thread with a tokio `LocalSet`, as every actix-web worker has.
pub(super) async fn wait(shared: &Arc<Shared>, ticket: u64) -> Outcome {
    if let Some(outcome) = shared.progress.borrow().outcome(ticket) {
        return outcome;
    }
    let relay = RELAYS.with_borrow_mut(|relays| {
        if let Some(relay) = relays.iter().find(|r| Arc::ptr_eq(&r.shared, shared)) {
            return Rc::clone(relay);
        }
        let relay = Rc::new(Relay {
            shared: Arc::clone(shared),
            waiters: RefCell::new(Vec::new()),
            arrived: Notify::new(),
        });
        relays.push(Rc::clone(&relay));
        tokio::task::spawn_local(run(Rc::clone(&relay)));
        relay
    });
    let (tell, answer) = oneshot::channel();
    relay.waiters.borrow_mut().push((ticket, tell));
    relay.arrived.notify_one();
    answer
        .await
        .unwrap_or_else(|_| Err("the writer has stopped".into()))
}

async fn run(relay: Rc<Relay>) {
    loop {
        let first = relay.waiters.borrow().iter().map(|(t, _)| *t).min();
        let Some(first) = first else {
            relay.arrived.notified().await;
            continue;
        };
        let outcome = relay.shared.wait(first).await;
        let progress = relay.shared.progress.borrow().clone();
        let stopped = progress.outcome(first).is_none();
        let told: Vec<_> = {
            let mut waiters = relay.waiters.borrow_mut();
            let (told, waiting) = std::mem::take(&mut *waiters)
                .into_iter()
                .partition(|(t, _)| stopped || progress.outcome(*t).is_some());
            *waiters = waiting;
            told
        };
        for (ticket, tell) in told {
            let _ = tell.send(progress.outcome(ticket).unwrap_or(outcome.clone()));
        }
        if stopped {
            // The writer is gone (its queue dropped this relay's ticket untold): a later
            // request of this thread starts a new relay.
            RELAYS.with_borrow_mut(|relays| relays.retain(|r| !Rc::ptr_eq(r, &relay)));
            return;
        }
    }
}
