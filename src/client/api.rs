//! The control API as one trait: [`ControlClient`] answers it over HTTP, and the server's own
//! sandbox answers it in process (a scenario run by the server never calls its own port for a
//! control step). The scenario runner is written against this trait only.

use std::future::Future;
use std::time::Duration;

use super::error::ClientError;
use super::requests::{NotificationFilter, WaitFor};
use super::{ControlClient, RequestFilter};
use crate::api::app::{App, AppSpec};
use crate::api::clock::{Advanced, ClockView, NewClock};
use crate::api::fault::{Fault, FaultSpec};
use crate::api::journal::Entry;
use crate::api::notification::Notification;
use crate::api::order::{
    Bill, BillFilter, BillList, BillPaid, Order, OrderFilter, OrderList, OrderPaid, OrderRefunded,
    PayRequest, RefundRequest,
};
use crate::api::payscore::{
    AuthorizationFilter, AuthorizationList, CloseRequest, OpenRequest, Transition,
};
use crate::api::sink::Receipt;
use crate::api::stub::{Stub, StubSpec};

/// What a call of the control API answers: the typed value, or a [`ClientError`] — for a
/// refusal, [`ClientError::Control`] with the HTTP status and code the route answers.
pub type Answer<T> = Result<T, ClientError>;

/// The typed calls of the control API (`/__mock`) a script needs. Each method names its route.
///
/// ```
/// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use chinaums_mock::client::{Control, ControlClient};
/// use chinaums_mock::api::payscore::OpenRequest;
///
/// // Written once against the trait: works over HTTP and in process alike.
/// async fn open_one(control: &impl Control, app_id: &str) -> Result<String, Box<dyn std::error::Error>> {
///     let opened = control.open(OpenRequest::new(app_id)).await?;
///     Ok(opened.notification.id)
/// }
///
/// let server = chinaums_mock::MockServer::start().await?;
/// let id = open_one(&ControlClient::new(server.uri()), &server.default_app().app_id).await?;
/// assert!(id.starts_with("EV-"));
/// # Ok(()) }
/// ```
pub trait Control: Send + Sync {
    /// `GET /__mock/clock`.
    fn clock(&self) -> impl Future<Output = Answer<ClockView>> + Send;
    /// `POST /__mock/clock/advance`: makes every attempt due on the way, in order.
    fn advance_secs(&self, seconds: f64) -> impl Future<Output = Answer<Advanced>> + Send;
    /// `POST /__mock/clocks`: a clock for a group of apps (a scenario run makes its own).
    fn create_clock(&self, spec: NewClock) -> impl Future<Output = Answer<ClockView>> + Send;
    /// `GET /__mock/clocks/{id}`.
    fn clock_by_id(&self, id: &str) -> impl Future<Output = Answer<ClockView>> + Send;
    /// `POST /__mock/clocks/{id}/advance`: makes every attempt due on the way for the apps on
    /// that clock, in order.
    fn advance_clock_secs(
        &self,
        id: &str,
        seconds: f64,
    ) -> impl Future<Output = Answer<Advanced>> + Send;
    /// `POST /__mock/apps`.
    fn create_app(&self, spec: AppSpec) -> impl Future<Output = Answer<App>> + Send;
    /// `GET /__mock/apps/{appId}`.
    fn app(&self, app_id: &str) -> impl Future<Output = Answer<App>> + Send;
    /// `PATCH /__mock/apps/{appId}`.
    fn update_app(&self, app_id: &str, spec: AppSpec) -> impl Future<Output = Answer<App>> + Send;
    /// `POST /__mock/payscore/open`.
    fn open(&self, request: OpenRequest) -> impl Future<Output = Answer<Transition>> + Send;
    /// `POST /__mock/payscore/close`.
    fn close_with(&self, request: CloseRequest) -> impl Future<Output = Answer<Transition>> + Send;
    /// `GET /__mock/payscore/authorizations`.
    fn authorization_list(
        &self,
        filter: &AuthorizationFilter,
    ) -> impl Future<Output = Answer<AuthorizationList>> + Send;
    /// `GET /__mock/notifications/{id}`.
    fn notification(&self, id: &str) -> impl Future<Output = Answer<Notification>> + Send;
    /// `GET /__mock/notifications`, newest first.
    fn notifications(
        &self,
        filter: &NotificationFilter,
    ) -> impl Future<Output = Answer<Vec<Notification>>> + Send;
    /// `GET /__mock/notifications/{id}/wait`: the notification once it is `wanted`, or
    /// [`ClientError::WaitTimedOut`] with it as it stands after `timeout`.
    fn wait_for_notification(
        &self,
        id: &str,
        wanted: WaitFor,
        timeout: Duration,
    ) -> impl Future<Output = Answer<Notification>> + Send;
    /// `POST /__mock/faults`.
    fn add_fault(&self, spec: FaultSpec) -> impl Future<Output = Answer<Fault>> + Send;
    /// `DELETE /__mock/faults/{id}`.
    fn remove_fault(&self, id: &str) -> impl Future<Output = Answer<()>> + Send;
    /// `DELETE /__mock/faults`.
    fn clear_faults(&self) -> impl Future<Output = Answer<()>> + Send;
    /// `POST /__mock/stubs`.
    fn add_stub(&self, spec: StubSpec) -> impl Future<Output = Answer<Stub>> + Send;
    /// `DELETE /__mock/stubs/{id}`.
    fn remove_stub(&self, id: &str) -> impl Future<Output = Answer<()>> + Send;
    /// `DELETE /__mock/stubs`.
    fn clear_stubs(&self) -> impl Future<Output = Answer<()>> + Send;
    /// `GET /__mock/requests`, newest first.
    fn requests(&self, filter: &RequestFilter) -> impl Future<Output = Answer<Vec<Entry>>> + Send;
    /// `GET /__mock/sink/{appId}`: what the built-in sink received for the app, oldest first.
    fn sink(&self, app_id: &str) -> impl Future<Output = Answer<Vec<Receipt>>> + Send;
    /// `GET /__mock/orders`, newest first.
    fn order_list(&self, filter: &OrderFilter) -> impl Future<Output = Answer<OrderList>> + Send;
    /// `GET /__mock/orders/{merOrderId}` (`appId` when two apps hold the number).
    fn order(
        &self,
        mer_order_id: &str,
        app_id: Option<&str>,
    ) -> impl Future<Output = Answer<Order>> + Send;
    /// `POST /__mock/orders/{merOrderId}/pay`.
    fn pay_order(
        &self,
        mer_order_id: &str,
        request: PayRequest,
    ) -> impl Future<Output = Answer<OrderPaid>> + Send;
    /// `POST /__mock/orders/{merOrderId}/refund`.
    fn refund_order(
        &self,
        mer_order_id: &str,
        request: RefundRequest,
    ) -> impl Future<Output = Answer<OrderRefunded>> + Send;
    /// `GET /__mock/bills`, newest first.
    fn bill_list(&self, filter: &BillFilter) -> impl Future<Output = Answer<BillList>> + Send;
    /// `GET /__mock/bills/{billNo}` (`appId` when two apps hold the number).
    fn bill(
        &self,
        bill_no: &str,
        app_id: Option<&str>,
    ) -> impl Future<Output = Answer<Bill>> + Send;
    /// `POST /__mock/bills/{billNo}/pay`.
    fn pay_bill(
        &self,
        bill_no: &str,
        request: PayRequest,
    ) -> impl Future<Output = Answer<BillPaid>> + Send;
}

impl Control for ControlClient {
    async fn clock(&self) -> Answer<ClockView> {
        ControlClient::clock(self).await
    }
    async fn advance_secs(&self, seconds: f64) -> Answer<Advanced> {
        ControlClient::advance_secs(self, seconds).await
    }
    async fn create_clock(&self, spec: NewClock) -> Answer<ClockView> {
        ControlClient::create_clock(self, spec).await
    }
    async fn clock_by_id(&self, id: &str) -> Answer<ClockView> {
        ControlClient::clock_by_id(self, id).await
    }
    async fn advance_clock_secs(&self, id: &str, seconds: f64) -> Answer<Advanced> {
        ControlClient::advance_clock_secs(self, id, seconds).await
    }
    async fn create_app(&self, spec: AppSpec) -> Answer<App> {
        ControlClient::create_app(self, spec).await
    }
    async fn app(&self, app_id: &str) -> Answer<App> {
        ControlClient::app(self, app_id).await
    }
    async fn update_app(&self, app_id: &str, spec: AppSpec) -> Answer<App> {
        ControlClient::update_app(self, app_id, spec).await
    }
    async fn open(&self, request: OpenRequest) -> Answer<Transition> {
        ControlClient::open(self, request).await
    }
    async fn close_with(&self, request: CloseRequest) -> Answer<Transition> {
        ControlClient::close_with(self, request).await
    }
    async fn authorization_list(&self, filter: &AuthorizationFilter) -> Answer<AuthorizationList> {
        ControlClient::authorization_list(self, filter).await
    }
    async fn notification(&self, id: &str) -> Answer<Notification> {
        ControlClient::notification(self, id).await
    }
    async fn notifications(&self, filter: &NotificationFilter) -> Answer<Vec<Notification>> {
        ControlClient::notifications(self, filter).await
    }
    async fn wait_for_notification(
        &self,
        id: &str,
        wanted: WaitFor,
        timeout: Duration,
    ) -> Answer<Notification> {
        ControlClient::wait_for_notification(self, id, wanted, timeout).await
    }
    async fn add_fault(&self, spec: FaultSpec) -> Answer<Fault> {
        ControlClient::add_fault(self, &spec).await
    }
    async fn remove_fault(&self, id: &str) -> Answer<()> {
        ControlClient::remove_fault(self, id).await
    }
    async fn clear_faults(&self) -> Answer<()> {
        ControlClient::clear_faults(self).await
    }
    async fn add_stub(&self, spec: StubSpec) -> Answer<Stub> {
        ControlClient::add_stub(self, &spec).await
    }
    async fn remove_stub(&self, id: &str) -> Answer<()> {
        ControlClient::remove_stub(self, id).await
    }
    async fn clear_stubs(&self) -> Answer<()> {
        ControlClient::clear_stubs(self).await
    }
    async fn requests(&self, filter: &RequestFilter) -> Answer<Vec<Entry>> {
        ControlClient::requests(self, filter).await
    }
    async fn sink(&self, app_id: &str) -> Answer<Vec<Receipt>> {
        ControlClient::sink(self, app_id).await
    }
    async fn order_list(&self, filter: &OrderFilter) -> Answer<OrderList> {
        ControlClient::order_list(self, filter).await
    }
    async fn order(&self, mer_order_id: &str, app_id: Option<&str>) -> Answer<Order> {
        ControlClient::order(self, mer_order_id, app_id).await
    }
    async fn pay_order(&self, mer_order_id: &str, request: PayRequest) -> Answer<OrderPaid> {
        ControlClient::pay_order(self, mer_order_id, request).await
    }
    async fn refund_order(
        &self,
        mer_order_id: &str,
        request: RefundRequest,
    ) -> Answer<OrderRefunded> {
        ControlClient::refund_order(self, mer_order_id, request).await
    }
    async fn bill_list(&self, filter: &BillFilter) -> Answer<BillList> {
        ControlClient::bill_list(self, filter).await
    }
    async fn bill(&self, bill_no: &str, app_id: Option<&str>) -> Answer<Bill> {
        ControlClient::bill(self, bill_no, app_id).await
    }
    async fn pay_bill(&self, bill_no: &str, request: PayRequest) -> Answer<BillPaid> {
        ControlClient::pay_bill(self, bill_no, request).await
    }
}
