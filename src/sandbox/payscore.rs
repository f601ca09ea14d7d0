//! Pay Score use cases: a user authorises or revokes, the authorisation changes state and the
//! transition's notification is created for the app, in one step.

use chrono::{DateTime, Utc};

use super::Sandbox;
use crate::api::app::App;
use crate::api::payscore::{Authorization, CloseRequest, OpenRequest, Transition as Transitioned};
use crate::domain::apps::AppError;
use crate::domain::payscore::store::{Terms, TransitionError};
use crate::protocol::events::payscore::{PayScoreEvent, Subject, Transition};
use crate::protocol::generate::{chars, open_id};
use crate::protocol::timefmt::format_compact;

/// Why a transition was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayScoreError {
    /// No such app, or an invalid callback URL.
    #[error(transparent)]
    App(#[from] AppError),
    /// An identifier the sandbox does not accept.
    #[error("{0}")]
    Invalid(String),
    /// Already open, or not open.
    #[error(transparent)]
    Transition(#[from] TransitionError),
}

fn check_id(field: &str, value: &str, max: usize) -> Result<(), PayScoreError> {
    if value.is_empty() || value.len() > max || !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(PayScoreError::Invalid(format!(
            "{field} must be 1 to {max} visible ASCII characters"
        )));
    }
    Ok(())
}

impl Sandbox {
    /// A user authorises the app's Pay Score service: the authorisation opens and
    /// `PAYSCORE.USER_OPEN_SERVICE` is queued for the app.
    pub fn open_authorization(&self, request: OpenRequest) -> Result<Transitioned, PayScoreError> {
        let app = self.app(&request.app_id)?;
        for (field, value, max) in [
            ("openId", &request.open_id, 128),
            ("subOpenId", &request.sub_open_id, 128),
            ("authorizationCode", &request.authorization_code, 32),
        ] {
            if let Some(v) = value {
                check_id(field, v, max)?;
            }
        }
        if let Some(url) = &request.callback_url {
            self.check_callback("callbackUrl", url)?;
        }
        let now = self.clock_of(&app.app_id).now();
        // The generator stays locked through the open, so the values it draws for one open are
        // consecutive (openId, then subOpenId, then authorizationCode).
        let auth = {
            let mut rng = self.rng.lock();
            let open = request.open_id.unwrap_or_else(|| open_id(&mut *rng));
            self.payscore
                .open(&app.app_id, open, now, |previous| Terms {
                    sub_open_id: request
                        .sub_open_id
                        .or_else(|| previous.map(str::to_owned))
                        .unwrap_or_else(|| open_id(&mut *rng)),
                    authorization_code: request.authorization_code.unwrap_or_else(|| {
                        format!(
                            "AUTH{}{}",
                            format_compact(now),
                            chars(&mut *rng, b"0123456789", 4)
                        )
                    }),
                })
        }?;
        Ok(self.emit(&app, auth, Transition::Open, request.callback_url, now))
    }

    /// A user revokes the authorisation: it closes and `PAYSCORE.USER_CLOSE_SERVICE` is queued
    /// for the app.
    pub fn close_authorization(
        &self,
        request: CloseRequest,
    ) -> Result<Transitioned, PayScoreError> {
        let app = self.app(&request.app_id)?;
        check_id("openId", &request.open_id, 128)?;
        if let Some(url) = &request.callback_url {
            self.check_callback("callbackUrl", url)?;
        }
        let now = self.clock_of(&app.app_id).now();
        let auth = self.payscore.close(&app.app_id, &request.open_id, now)?;
        Ok(self.emit(&app, auth, Transition::Close, request.callback_url, now))
    }

    /// Creates the transition's notification and links it to the authorisation's history.
    fn emit(
        &self,
        app: &App,
        mut authorization: Authorization,
        transition: Transition,
        callback_url: Option<String>,
        now: DateTime<Utc>,
    ) -> Transitioned {
        let event = PayScoreEvent {
            transition,
            subject: Subject {
                open_id: &authorization.open_id,
                sub_open_id: &authorization.sub_open_id,
                authorization_code: &authorization.authorization_code,
            },
        };
        let notification = self.notify.emit(app, &event, callback_url, now);
        // The answer shows the record as stored (also when the retention bound has just dropped
        // it), without a second copy out of the store.
        self.payscore
            .attach_notification(&app.app_id, &authorization.open_id, &notification.id);
        if let Some(last) = authorization.history.last_mut() {
            last.notification_id = Some(notification.id.clone());
        }
        tracing::info!(
            app_id = %app.app_id,
            open_id = %authorization.open_id,
            event_type = transition.event_type(),
            id = %notification.id,
            "pay score transition"
        );
        Transitioned {
            authorization,
            notification,
        }
    }
}
