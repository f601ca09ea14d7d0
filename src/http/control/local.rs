//! The control API in process: the sandbox answers the typed [`Control`] calls directly, through
//! the same functions as the routes and with the same refusals (status, code, message), so a
//! scenario run by the server never calls its own port for a control step.

use std::time::Duration;

use actix_web::ResponseError;

use super::{ControlError, clock, clocks, faults, journal, notify, orders, payscore, stubs};
use crate::api::app::{App, AppSpec};
use crate::api::clock::{Advanced, ClockView, DEFAULT_CLOCK, NewClock};
use crate::api::fault::{Fault, FaultSpec};
use crate::api::journal::{Entry, RequestFilter};
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
use crate::client::{Answer, ClientError, Control, NotificationFilter, WaitFor};
use crate::domain::notify::store::Filter;
use crate::sandbox::Sandbox;

/// The sandbox, answering the control API in process.
#[derive(Clone, Copy)]
pub(crate) struct InProcess<'a>(pub &'a Sandbox);

/// A refusal as a client sees it over HTTP.
fn refused(e: impl Into<ControlError>) -> ClientError {
    let e = e.into();
    ClientError::Control {
        status: e.status_code().as_u16(),
        code: e.code().to_owned(),
        message: e.to_string(),
    }
}

impl Control for InProcess<'_> {
    async fn clock(&self) -> Answer<ClockView> {
        Ok(self.0.clock.view())
    }

    async fn advance_secs(&self, seconds: f64) -> Answer<Advanced> {
        clock::advance_by(self.0, DEFAULT_CLOCK, seconds)
            .await
            .map_err(refused)
    }

    async fn create_clock(&self, spec: NewClock) -> Answer<ClockView> {
        clocks::create_clock(self.0, &spec).map_err(refused)
    }

    async fn clock_by_id(&self, id: &str) -> Answer<ClockView> {
        clocks::clock_view(self.0, id).map_err(refused)
    }

    async fn advance_clock_secs(&self, id: &str, seconds: f64) -> Answer<Advanced> {
        clock::advance_by(self.0, id, seconds)
            .await
            .map_err(refused)
    }

    async fn create_app(&self, spec: AppSpec) -> Answer<App> {
        self.0
            .create_app(&spec)
            .map(|app| (*app).clone())
            .map_err(refused)
    }

    async fn app(&self, app_id: &str) -> Answer<App> {
        self.0
            .app(app_id)
            .map(|app| (*app).clone())
            .map_err(refused)
    }

    async fn update_app(&self, app_id: &str, spec: AppSpec) -> Answer<App> {
        self.0
            .update_app(app_id, &spec)
            .map(|app| (*app).clone())
            .map_err(refused)
    }

    async fn open(&self, request: OpenRequest) -> Answer<Transition> {
        self.0
            .open_authorization(request)
            .map_err(|e| refused(payscore::refused(e)))
    }

    async fn close_with(&self, request: CloseRequest) -> Answer<Transition> {
        self.0
            .close_authorization(request)
            .map_err(|e| refused(payscore::refused(e)))
    }

    async fn authorization_list(&self, filter: &AuthorizationFilter) -> Answer<AuthorizationList> {
        Ok(payscore::authorization_list(self.0, filter))
    }

    async fn notification(&self, id: &str) -> Answer<Notification> {
        notify::notification(self.0, id).map_err(refused)
    }

    async fn notifications(&self, filter: &NotificationFilter) -> Answer<Vec<Notification>> {
        let store_filter = Filter {
            app_id: filter.app_id.clone(),
            open_id: filter.open_id.clone(),
            event_type: filter.event_type.clone(),
            status: filter.status,
        };
        Ok(notify::list_notifications(
            self.0,
            &store_filter,
            filter.limit,
        ))
    }

    async fn wait_for_notification(
        &self,
        id: &str,
        wanted: WaitFor,
        timeout: Duration,
    ) -> Answer<Notification> {
        let millis = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
        let (reached, notification) =
            notify::wait_for(self.0, id, Some(wanted.as_str()), Some(millis))
                .await
                .map_err(refused)?;
        if reached {
            Ok(notification)
        } else {
            Err(ClientError::WaitTimedOut {
                wanted,
                notification: Box::new(notification),
            })
        }
    }

    async fn add_fault(&self, spec: FaultSpec) -> Answer<Fault> {
        faults::add_fault(self.0, spec).map_err(refused)
    }

    async fn remove_fault(&self, id: &str) -> Answer<()> {
        faults::remove_fault(self.0, id).map_err(refused)
    }

    async fn clear_faults(&self) -> Answer<()> {
        self.0.clear_faults();
        Ok(())
    }

    async fn add_stub(&self, spec: StubSpec) -> Answer<Stub> {
        stubs::add_stub(self.0, spec).map_err(refused)
    }

    async fn remove_stub(&self, id: &str) -> Answer<()> {
        stubs::remove_stub(self.0, id).map_err(refused)
    }

    async fn clear_stubs(&self) -> Answer<()> {
        self.0.stubs.clear(None);
        Ok(())
    }

    async fn requests(&self, filter: &RequestFilter) -> Answer<Vec<Entry>> {
        journal::requests(self.0, filter.clone()).map_err(refused)
    }

    async fn sink(&self, app_id: &str) -> Answer<Vec<Receipt>> {
        Ok(self.0.sink.received(app_id))
    }

    async fn order_list(&self, filter: &OrderFilter) -> Answer<OrderList> {
        Ok(orders::order_list(self.0, filter))
    }

    async fn order(&self, mer_order_id: &str, app_id: Option<&str>) -> Answer<Order> {
        orders::find_order(self.0, mer_order_id, app_id).map_err(refused)
    }

    async fn pay_order(&self, mer_order_id: &str, request: PayRequest) -> Answer<OrderPaid> {
        orders::pay_order(self.0, mer_order_id, request).map_err(refused)
    }

    async fn refund_order(
        &self,
        mer_order_id: &str,
        request: RefundRequest,
    ) -> Answer<OrderRefunded> {
        orders::refund_order(self.0, mer_order_id, request).map_err(refused)
    }

    async fn bill_list(&self, filter: &BillFilter) -> Answer<BillList> {
        Ok(orders::bill_list(self.0, filter))
    }

    async fn bill(&self, bill_no: &str, app_id: Option<&str>) -> Answer<Bill> {
        orders::find_bill(self.0, bill_no, app_id).map_err(refused)
    }

    async fn pay_bill(&self, bill_no: &str, request: PayRequest) -> Answer<BillPaid> {
        orders::pay_bill(self.0, bill_no, request).map_err(refused)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::notification::Status;
    use crate::sandbox::tests::sandbox;

    #[tokio::test]
    async fn a_refusal_in_process_carries_the_status_and_code_of_the_route() {
        let state = sandbox();
        let local = InProcess(&state);
        let app_id = state.apps.list()[0].app_id.clone();

        let err = local
            .close_with(CloseRequest::new(&app_id, "nobody"))
            .await
            .expect_err("nothing is open");
        assert_eq!(err.status(), Some(409));
        assert_eq!(err.code(), Some("AUTHORIZATION_NOT_OPEN"));

        let err = local.app("ffffffffffffffffffffffffffffffff").await;
        assert_eq!(err.expect_err("unknown").code(), Some("APP_NOT_FOUND"));
        let err = local.advance_secs(-1.0).await.expect_err("negative");
        assert_eq!(
            (err.status(), err.code()),
            (Some(400), Some("VALIDATION_FAILED"))
        );
    }

    #[tokio::test]
    async fn a_clock_created_in_process_moves_alone_and_refusals_match_the_routes() {
        let state = sandbox();
        let local = InProcess(&state);
        let before = local.clock().await.expect("the default clock");
        let spec = NewClock {
            name: Some("scenario".into()),
            now: Some(before.now),
            frozen: Some(true),
        };
        let created = local.create_clock(spec).await.expect("created");
        assert!(created.id.starts_with("clk_"), "{}", created.id);
        let advanced = local
            .advance_clock_secs(&created.id, 90.0)
            .await
            .expect("advanced");
        assert_eq!((advanced.now - before.now).num_seconds(), 90);
        let read = local.clock_by_id(&created.id).await.expect("read");
        assert_eq!(read.now, advanced.now);
        assert_eq!(read.name.as_deref(), Some("scenario"));
        let default = local.clock().await.expect("the default clock");
        assert!(
            (default.now - before.now).num_seconds() < 5,
            "the default stays"
        );

        let err = local.clock_by_id("clk_missing").await.expect_err("unknown");
        assert_eq!(
            (err.status(), err.code()),
            (Some(404), Some("CLOCK_NOT_FOUND"))
        );
        let err = local
            .advance_clock_secs(&created.id, -1.0)
            .await
            .expect_err("negative");
        assert_eq!(err.code(), Some("VALIDATION_FAILED"));
    }

    #[tokio::test]
    async fn an_open_in_process_is_seen_by_the_typed_reads() {
        let state = sandbox();
        let local = InProcess(&state);
        let app_id = state.apps.list()[0].app_id.clone();

        let opened = local.open(OpenRequest::new(&app_id)).await.expect("opened");

        let n = local
            .notification(&opened.notification.id)
            .await
            .expect("the notification");
        assert_eq!(n.status, Status::Pending);
        let listed = local
            .notifications(&NotificationFilter::app(&app_id))
            .await
            .expect("listed");
        assert_eq!(listed.len(), 1);
        let auths = local
            .authorization_list(&AuthorizationFilter::default())
            .await
            .expect("listed");
        assert_eq!(auths.authorizations.len(), 1);
        let waited = local
            .wait_for_notification(&n.id, WaitFor::Delivered, Duration::from_millis(1))
            .await;
        assert!(matches!(waited, Err(ClientError::WaitTimedOut { .. })));
    }

    #[tokio::test]
    async fn orders_in_process_answer_and_refuse_as_the_routes_do() {
        use crate::api::order::OrderStatus;
        let state = sandbox();
        let local = InProcess(&state);
        let app = state.apps.list()[0].clone();
        let new = crate::sandbox::NewOrder {
            path: "/v1/netpay/wx/unified-order".into(),
            mid: app.mid.clone(),
            mer_order_id: "L1".into(),
            total_amount: 100,
            ..Default::default()
        };
        state.create_order(&app, new).expect("created");

        let paid = local.pay_order("L1", PayRequest::default()).await;
        assert_eq!(paid.expect("paid").order.status, OrderStatus::TradeSuccess);
        let err = local.pay_order("L1", PayRequest::default()).await;
        let err = err.expect_err("paid already");
        assert_eq!(
            (err.status(), err.code()),
            (Some(409), Some("ORDER_NOT_PAYABLE"))
        );
        let part = RefundRequest {
            refund_amount: Some(40),
            ..RefundRequest::default()
        };
        local.refund_order("L1", part).await.expect("refunded");
        let order = local.order("L1", Some(&app.app_id)).await.expect("found");
        assert_eq!(order.refunded(), 40);
        let mine = OrderFilter {
            app_id: Some(app.app_id.clone()),
            ..OrderFilter::default()
        };
        let list = local.order_list(&mine).await.expect("listed");
        assert_eq!((list.orders.len(), list.dropped), (1, 0));

        let err = local.bill("B404", None).await.expect_err("no such bill");
        assert_eq!(
            (err.status(), err.code()),
            (Some(404), Some("BILL_NOT_FOUND"))
        );
        let bills = local.bill_list(&BillFilter::default()).await;
        assert!(bills.expect("listed").bills.is_empty());
        let err = local.pay_bill("B404", PayRequest::default()).await;
        assert_eq!(
            err.expect_err("no such bill").code(),
            Some("BILL_NOT_FOUND")
        );
    }
}
