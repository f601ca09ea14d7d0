//! Control client: Pay Score transitions and notifications.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde_json::json;

use super::control::{ControlClient, checked, decode, segment};
use super::error::ClientError;
use super::requests::{NotificationFilter, WaitFor};
use crate::api::notification::Notification;
use crate::api::payscore::{
    Authorization, AuthorizationFilter, AuthorizationList, CloseRequest, OpenRequest, Transition,
};

impl ControlClient {
    /// `POST /__mock/payscore/open`: a user authorises the app's Pay Score service; the
    /// `PAYSCORE.USER_OPEN_SERVICE` notification goes out at once.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use chinaums_mock::client::OpenRequest;
    /// use chinaums_mock::api::payscore::AuthState;
    /// let app = server.default_app();
    /// let opened = server.client().open(OpenRequest::new(&app.app_id).open_id("user-1")).await?;
    /// assert_eq!(opened.authorization.state, AuthState::Open);
    /// assert_eq!(opened.notification.event_type, "PAYSCORE.USER_OPEN_SERVICE");
    /// # Ok(()) }
    /// ```
    pub async fn open(&self, request: OpenRequest) -> Result<Transition, ClientError> {
        self.call(self.request(Method::POST, "/payscore/open").json(&request))
            .await
    }

    /// `POST /__mock/payscore/close`: the user removes the authorisation; the
    /// `PAYSCORE.USER_CLOSE_SERVICE` notification goes out at once.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use chinaums_mock::client::OpenRequest;
    /// use chinaums_mock::api::payscore::AuthState;
    /// let client = server.client();
    /// let app_id = server.default_app().app_id;
    /// let opened = client.open(OpenRequest::new(&app_id)).await?;
    /// let closed = client.close(&app_id, &opened.authorization.open_id).await?;
    /// assert_eq!(closed.authorization.state, AuthState::Closed);
    /// assert_eq!(closed.authorization.history.len(), 2);
    /// # Ok(()) }
    /// ```
    pub async fn close(&self, app_id: &str, open_id: &str) -> Result<Transition, ClientError> {
        let body = CloseRequest::new(app_id, open_id);
        self.call(self.request(Method::POST, "/payscore/close").json(&body))
            .await
    }

    /// `GET /__mock/payscore/authorizations`: authorisations with their history.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use chinaums_mock::client::{AuthorizationFilter, OpenRequest};
    /// let client = server.client();
    /// client.open(OpenRequest::new(server.default_app().app_id)).await?;
    /// let all = client.authorizations(&AuthorizationFilter::default()).await?;
    /// assert_eq!(all.len(), 1);
    /// # Ok(()) }
    /// ```
    pub async fn authorizations(
        &self,
        filter: &AuthorizationFilter,
    ) -> Result<Vec<Authorization>, ClientError> {
        Ok(self.authorization_list(filter).await?.authorizations)
    }

    /// `GET /__mock/payscore/authorizations`, whole: the matching authorisations and how many
    /// the retention bound (`--authorization-retention`) has dropped.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = chinaums_mock::MockServer::builder()
    ///     .config(|c| c.authorization_retention = 1)
    ///     .start()
    ///     .await?;
    /// use chinaums_mock::client::{AuthorizationFilter, OpenRequest};
    /// let client = server.client();
    /// client.open(OpenRequest::new(server.default_app().app_id)).await?;
    /// client.open(OpenRequest::new(server.default_app().app_id)).await?;
    /// let list = client.authorization_list(&AuthorizationFilter::default()).await?;
    /// assert_eq!((list.authorizations.len(), list.dropped), (1, 1));
    /// # Ok(()) }
    /// ```
    pub async fn authorization_list(
        &self,
        filter: &AuthorizationFilter,
    ) -> Result<AuthorizationList, ClientError> {
        let request = self
            .request(Method::GET, "/payscore/authorizations")
            .query(filter);
        self.call(request).await
    }

    /// `GET /__mock/notifications`: newest first.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use chinaums_mock::client::{NotificationFilter, OpenRequest};
    /// let client = server.client();
    /// let app_id = server.default_app().app_id;
    /// client.open(OpenRequest::new(&app_id)).await?;
    /// let listed = client.notifications(&NotificationFilter::app(&app_id)).await?;
    /// assert_eq!(listed.len(), 1);
    /// assert!(listed[0].awaiting_callback_url);
    /// # Ok(()) }
    /// ```
    pub async fn notifications(
        &self,
        filter: &NotificationFilter,
    ) -> Result<Vec<Notification>, ClientError> {
        #[derive(Deserialize)]
        struct List {
            notifications: Vec<Notification>,
        }
        let request = self.request(Method::GET, "/notifications").query(filter);
        let list: List = self.call(request).await?;
        Ok(list.notifications)
    }

    /// `GET /__mock/notifications/{id}`: one notification with every attempt.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use chinaums_mock::client::OpenRequest;
    /// let client = server.client();
    /// let opened = client.open(OpenRequest::new(server.default_app().app_id)).await?;
    /// let n = client.notification(&opened.notification.id).await?;
    /// assert!(n.body.contains("eventType=PAYSCORE.USER_OPEN_SERVICE"));
    /// # Ok(()) }
    /// ```
    pub async fn notification(&self, id: &str) -> Result<Notification, ClientError> {
        let path = format!("/notifications/{}", segment(id));
        self.call(self.request(Method::GET, &path)).await
    }

    /// `GET /__mock/notifications/{id}/wait`: long-polls until the notification is delivered,
    /// exhausted or either (`Settled`), at most `timeout` (the server caps it at 300 s). On
    /// timeout the error is [`ClientError::WaitTimedOut`] with the notification as it stood.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use std::time::Duration;
    /// use chinaums_mock::client::{OpenRequest, WaitFor};
    /// let client = server.client();
    /// // no callback URL: the notification stays pending
    /// let opened = client.open(OpenRequest::new(server.default_app().app_id)).await?;
    /// let waited = client
    ///     .wait_for_notification(&opened.notification.id, WaitFor::Delivered, Duration::from_millis(10))
    ///     .await;
    /// let err = waited.unwrap_err();
    /// assert_eq!(err.status(), Some(408));
    /// assert!(err.notification().is_some_and(|n| n.awaiting_callback_url));
    /// # Ok(()) }
    /// ```
    pub async fn wait_for_notification(
        &self,
        id: &str,
        wanted: WaitFor,
        timeout: Duration,
    ) -> Result<Notification, ClientError> {
        let path = format!("/notifications/{}/wait", segment(id));
        let millis = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
        let request = self
            .request(Method::GET, &path)
            .query(&[("status", wanted.as_str())])
            .query(&[("timeoutMs", millis)]);
        let response = request.send().await?;
        if response.status() == StatusCode::REQUEST_TIMEOUT {
            let notification: Notification = decode(response).await?;
            return Err(ClientError::WaitTimedOut {
                wanted,
                notification: Box::new(notification),
            });
        }
        decode(checked(response).await?).await
    }

    /// `POST /__mock/notifications/{id}/redeliver`: one more attempt now, same `id`, to the
    /// notification's or the app's callback URL; answers after the attempt.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use chinaums_mock::client::OpenRequest;
    /// let client = server.client();
    /// let opened = client.open(OpenRequest::new(server.default_app().app_id)).await?;
    /// // neither the app nor the notification has a callback URL
    /// let err = client.redeliver(&opened.notification.id).await.unwrap_err();
    /// assert_eq!(err.code(), Some("NO_CALLBACK_URL"));
    /// # Ok(()) }
    /// ```
    pub async fn redeliver(&self, id: &str) -> Result<Notification, ClientError> {
        let path = format!("/notifications/{}/redeliver", segment(id));
        self.call(self.request(Method::POST, &path).json(&json!({})))
            .await
    }

    /// Like [`redeliver`](Self::redeliver), to `callback_url` instead.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use chinaums_mock::client::OpenRequest;
    /// use chinaums_mock::api::notification::Outcome;
    /// let client = server.client();
    /// let opened = client.open(OpenRequest::new(server.default_app().app_id)).await?;
    /// // nothing listens on port 9: the attempt fails to connect
    /// let n = client.redeliver_to(&opened.notification.id, "http://127.0.0.1:9/notify").await?;
    /// assert_eq!(n.outcomes(), [Outcome::ConnectionFailed]);
    /// # Ok(()) }
    /// ```
    pub async fn redeliver_to(
        &self,
        id: &str,
        callback_url: &str,
    ) -> Result<Notification, ClientError> {
        let path = format!("/notifications/{}/redeliver", segment(id));
        let body = json!({ "callbackUrl": callback_url });
        self.call(self.request(Method::POST, &path).json(&body))
            .await
    }
}
