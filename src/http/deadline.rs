//! `--body-timeout-ms`: a request body must arrive within a time limit.
//!
//! actix-web bounds the wait for a request's head (`client_request_timeout`, 5 s) and an idle
//! kept-alive connection (5 s), but not the body: a client that sends its headers and then one
//! byte now and then holds a connection, and a worker's attention, for as long as it likes.
//! This middleware hands every handler the body through a stream that fails once the limit
//! (counted from the moment the head was read) has passed; [`super::body::read_limited`] turns
//! that failure into [`super::body::BodyError::TimedOut`], which each side answers with a 408
//! in its own shape.
//!
//! A body the handler did not read to its end must also end the connection: left alone, actix
//! drains an unread chunked body after the answer for as long as it keeps coming. So while the
//! body is unfinished the answer holds on to it until it has been written; actix then sees an
//! unread body and closes the connection after the answer (`Connection: close`).

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::HttpMessage;
use actix_web::body::{BodySize, BoxBody, EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::middleware::Next;
use actix_web::web::{Bytes, Data};
use futures_util::{Stream, StreamExt};
use tokio::time::{Instant, Sleep};

use crate::sandbox::Sandbox;

/// The error inside the [`PayloadError`] a late body ends with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the request body did not arrive within {limit_ms} ms (--body-timeout-ms)")]
pub struct BodyTimeout {
    /// The limit, in milliseconds.
    pub limit_ms: u64,
}

impl BodyTimeout {
    /// The limit a payload error reports, when it is a late body's.
    pub fn of(error: &PayloadError) -> Option<BodyTimeout> {
        match error {
            PayloadError::Io(io) => io.get_ref()?.downcast_ref::<BodyTimeout>().copied(),
            _ => None,
        }
    }

    fn error(self) -> PayloadError {
        PayloadError::Io(std::io::Error::new(std::io::ErrorKind::TimedOut, self))
    }
}

/// The request's own body, shared between the stream the handler reads and the answer.
type Shared = Rc<RefCell<Payload>>;

/// The body as the handler sees it: the request's own, until the deadline.
struct Deadline {
    inner: Shared,
    deadline: Instant,
    limit_ms: u64,
    /// Made on the first wait only: a body that is already there sets no timer.
    sleep: Option<Pin<Box<Sleep>>>,
    /// Set once the body has been read to its end.
    finished: Rc<Cell<bool>>,
    timed_out: bool,
}

impl Stream for Deadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.timed_out {
            return Poll::Ready(None);
        }
        let polled = this.inner.borrow_mut().poll_next_unpin(cx);
        match polled {
            Poll::Ready(None) => {
                this.finished.set(true);
                Poll::Ready(None)
            }
            Poll::Ready(Some(chunk)) => Poll::Ready(Some(chunk)),
            Poll::Pending => {
                let deadline = this.deadline;
                let sleep = this
                    .sleep
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
                match sleep.as_mut().poll(cx) {
                    Poll::Ready(()) => {
                        this.timed_out = true;
                        let limit_ms = this.limit_ms;
                        Poll::Ready(Some(Err(BodyTimeout { limit_ms }.error())))
                    }
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }
}

/// An answer that keeps an unfinished request body alive until it has been written.
pub struct Holding {
    body: BoxBody,
    _body_in: Shared,
}

impl MessageBody for Holding {
    type Error = <BoxBody as MessageBody>::Error;

    fn size(&self) -> BodySize {
        self.body.size()
    }

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_next(cx)
    }
}

/// Gives the handler a body that must arrive within `--body-timeout-ms` (0: no limit), and
/// closes the connection after an answer given before the body was all there.
pub async fn body_deadline<B: MessageBody + 'static>(
    mut req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B, Holding>>, actix_web::Error> {
    let limit_ms = req
        .app_data::<Data<Sandbox>>()
        .map_or(0, |s| s.config.body_timeout_ms);
    let payload = req.take_payload();
    if limit_ms == 0 || matches!(payload, Payload::None) {
        req.set_payload(payload);
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let inner: Shared = Rc::new(RefCell::new(payload));
    let finished = Rc::new(Cell::new(false));
    let stream = Deadline {
        inner: Rc::clone(&inner),
        deadline: Instant::now() + Duration::from_millis(limit_ms),
        limit_ms,
        sleep: None,
        finished: Rc::clone(&finished),
        timed_out: false,
    };
    let stream: Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>> = Box::pin(stream);
    req.set_payload(Payload::from(stream));
    let res = next.call(req).await?;
    if finished.get() {
        return Ok(res.map_into_left_body());
    }
    Ok(res.map_body(|_, body| {
        EitherBody::right(Holding {
            body: body.boxed(),
            _body_in: inner,
        })
    }))
}
