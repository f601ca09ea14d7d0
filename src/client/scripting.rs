//! Control client: faults, stubs, the request journal, reset and scenarios.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::control::{ControlClient, segment};
use super::error::ClientError;
use super::types::ScenarioReport;
use crate::api::fault::Fault;
use crate::api::journal::{Entry, RequestFilter};
use crate::api::stub::Stub;

impl ControlClient {
    /// `POST /__mock/faults`: adds a fault, given as JSON or as a
    /// [`FaultSpec`](crate::api::fault::FaultSpec).
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use serde_json::json;
    /// let client = server.client();
    /// let fault = client
    ///     .add_fault(&json!({"target": "token", "action": "error", "times": 1, "errCode": "9200"}))
    ///     .await?;
    /// assert_eq!(fault.remaining, Some(1));
    /// let refused = client.token(&server.default_app()).await.unwrap_err();
    /// assert_eq!(refused.code(), Some("9200"));
    /// assert_eq!(client.token(&server.default_app()).await?.len(), 32);
    /// # Ok(()) }
    /// ```
    pub async fn add_fault<S: Serialize + ?Sized>(&self, spec: &S) -> Result<Fault, ClientError> {
        self.call(self.request(Method::POST, "/faults").json(spec))
            .await
    }

    /// `GET /__mock/faults`, with how often each acted.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// assert!(server.client().faults().await?.is_empty());
    /// # Ok(()) }
    /// ```
    pub async fn faults(&self) -> Result<Vec<Fault>, ClientError> {
        #[derive(Deserialize)]
        struct List {
            faults: Vec<Fault>,
        }
        let list: List = self.call(self.request(Method::GET, "/faults")).await?;
        Ok(list.faults)
    }

    /// `DELETE /__mock/faults/{id}`.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// let client = server.client();
    /// let fault = client.add_fault(&serde_json::json!({"target": "notification", "action": "drop"})).await?;
    /// client.remove_fault(&fault.id).await?;
    /// assert_eq!(client.remove_fault(&fault.id).await.unwrap_err().code(), Some("FAULT_NOT_FOUND"));
    /// # Ok(()) }
    /// ```
    pub async fn remove_fault(&self, id: &str) -> Result<(), ClientError> {
        let path = format!("/faults/{}", segment(id));
        self.call_empty(self.request(Method::DELETE, &path)).await
    }

    /// `DELETE /__mock/faults`: removes every fault.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// let client = server.client();
    /// client.add_fault(&serde_json::json!({"target": "notification", "action": "drop"})).await?;
    /// client.clear_faults().await?;
    /// assert!(client.faults().await?.is_empty());
    /// # Ok(()) }
    /// ```
    pub async fn clear_faults(&self) -> Result<(), ClientError> {
        self.call_empty(self.request(Method::DELETE, "/faults"))
            .await
    }

    /// `POST /__mock/stubs`: programs the answer of a business path, given as JSON or as a
    /// [`StubSpec`](crate::api::stub::StubSpec).
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use serde_json::json;
    /// let stub = server.client().add_stub(&json!({
    ///     "method": "POST",
    ///     "path": "/v1/netpay/refund",
    ///     "response": {"body": {"errCode": "SUCCESS", "refundStatus": "PROCESSING"}}
    /// })).await?;
    /// assert!(stub.id.starts_with("stb-"));
    /// # Ok(()) }
    /// ```
    pub async fn add_stub<S: Serialize + ?Sized>(&self, spec: &S) -> Result<Stub, ClientError> {
        self.call(self.request(Method::POST, "/stubs").json(spec))
            .await
    }

    /// `GET /__mock/stubs`, fixture stubs included.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// let client = server.client();
    /// client.add_stub(&serde_json::json!({"path": "/v1/netpay/refund", "response": {}})).await?;
    /// let stubs = client.stubs().await?;
    /// assert!(stubs.iter().any(|s| !s.fixture && s.path == "/v1/netpay/refund"));
    /// # Ok(()) }
    /// ```
    pub async fn stubs(&self) -> Result<Vec<Stub>, ClientError> {
        #[derive(Deserialize)]
        struct List {
            stubs: Vec<Stub>,
        }
        let list: List = self.call(self.request(Method::GET, "/stubs")).await?;
        Ok(list.stubs)
    }

    /// `DELETE /__mock/stubs/{id}`.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// let client = server.client();
    /// let stub = client.add_stub(&serde_json::json!({"path": "/v1/x", "response": {}})).await?;
    /// client.remove_stub(&stub.id).await?;
    /// assert!(client.stubs().await?.iter().all(|s| s.id != stub.id));
    /// # Ok(()) }
    /// ```
    pub async fn remove_stub(&self, id: &str) -> Result<(), ClientError> {
        let path = format!("/stubs/{}", segment(id));
        self.call_empty(self.request(Method::DELETE, &path)).await
    }

    /// `DELETE /__mock/stubs`: removes every stub, fixture stubs included.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// server.client().clear_stubs().await?;
    /// assert!(server.client().stubs().await?.is_empty());
    /// # Ok(()) }
    /// ```
    pub async fn clear_stubs(&self) -> Result<(), ClientError> {
        self.call_empty(self.request(Method::DELETE, "/stubs"))
            .await
    }

    /// `GET /__mock/requests`: the gateway requests of the journal, newest first.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use chinaums_mock::client::RequestFilter;
    /// let client = server.client();
    /// client.token(&server.default_app()).await?;
    /// let seen = client.requests(&RequestFilter::default()).await?;
    /// assert_eq!(seen[0].path, "/v1/token/access");
    /// assert_eq!(seen[0].outcome, "ok");
    /// # Ok(()) }
    /// ```
    pub async fn requests(&self, filter: &RequestFilter) -> Result<Vec<Entry>, ClientError> {
        #[derive(Deserialize)]
        struct List {
            requests: Vec<Entry>,
        }
        let request = self.request(Method::GET, "/requests").query(filter);
        let list: List = self.call(request).await?;
        Ok(list.requests)
    }

    /// `DELETE /__mock/requests`: empties the journal.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use chinaums_mock::client::RequestFilter;
    /// let client = server.client();
    /// client.token(&server.default_app()).await?;
    /// client.clear_requests().await?;
    /// assert!(client.requests(&RequestFilter::default()).await?.is_empty());
    /// # Ok(()) }
    /// ```
    pub async fn clear_requests(&self) -> Result<(), ClientError> {
        self.call_empty(self.request(Method::DELETE, "/requests"))
            .await
    }

    /// `POST /__mock/reset`: everything back to the fixtures — apps, tokens, authorisations,
    /// notifications, faults, stubs, the journal, the clock and the seeded generator.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// let client = server.client();
    /// client.create_app(Default::default()).await?;
    /// client.reset().await?;
    /// assert_eq!(client.apps().await?.len(), 2);
    /// # Ok(()) }
    /// ```
    pub async fn reset(&self) -> Result<(), ClientError> {
        self.call_empty(self.request(Method::POST, "/reset")).await
    }

    /// `POST /__mock/reset?appId=…`: one app back to its fixture definition (answers `true`),
    /// or removed when it is not a fixture app (`false`), with everything that belongs to it.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// let client = server.client();
    /// let extra = client.create_app(Default::default()).await?;
    /// assert!(!client.reset_app(&extra.app_id).await?);
    /// assert!(client.reset_app(&server.default_app().app_id).await?);
    /// # Ok(()) }
    /// ```
    pub async fn reset_app(&self, app_id: &str) -> Result<bool, ClientError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Answer {
            restored_from_fixtures: bool,
        }
        let request = self
            .request(Method::POST, "/reset")
            .query(&[("appId", app_id)]);
        let answer: Answer = self.call(request).await?;
        Ok(answer.restored_from_fixtures)
    }

    /// `POST /__mock/scenarios/run`: runs a scenario given whole, or a fixture scenario by
    /// name (`{"name": "…"}`), and answers its report. A scenario that fails is still a
    /// report (`passed: false`); a malformed one is a [`ClientError::Control`].
    ///
    /// ```no_run
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use serde_json::json;
    /// let report = server.client().run_scenario(&json!({"name": "happy-open-close"})).await?;
    /// assert!(report.passed, "{:#}", report.raw);
    /// # Ok(()) }
    /// ```
    pub async fn run_scenario(&self, scenario: &Value) -> Result<ScenarioReport, ClientError> {
        self.call(self.request(Method::POST, "/scenarios/run").json(scenario))
            .await
    }

    /// `POST /__mock/scenarios/run` with `{"name": name}`: a fixture scenario.
    ///
    /// ```no_run
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// let report = server.client().run_named_scenario("merchant-down-three-hours").await?;
    /// println!("{}: {}", report.name, report.passed);
    /// # Ok(()) }
    /// ```
    pub async fn run_named_scenario(&self, name: &str) -> Result<ScenarioReport, ClientError> {
        self.run_scenario(&json!({ "name": name })).await
    }
}
