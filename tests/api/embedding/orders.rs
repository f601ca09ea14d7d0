//! The typed client's orders and bills over real HTTP: orders created through the gateway,
//! paid, refunded, listed and read; QR bills paid; the refusals as typed errors.

use chinaums_mock::api::app::AppSpec;
use chinaums_mock::api::order::{
    BillFilter, BillStatus, OrderFilter, OrderStatus, PayOutcome, PayRequest, RefundRequest,
    RefundStatus,
};
use chinaums_mock::client::ClientError;
use serde_json::json;

use super::frozen;
use crate::helpers::{APP_ID, QR_APP_ID};

#[track_caller]
fn assert_refused(result: Result<impl std::fmt::Debug, ClientError>, status: u16, code: &str) {
    let err = result.expect_err("refused");
    assert_eq!(
        (err.status(), err.code()),
        (Some(status), Some(code)),
        "{err}"
    );
}

#[tokio::test]
async fn an_order_created_through_the_gateway_is_paid_refunded_and_listed_by_the_typed_client() {
    let server = frozen().await;
    let c = server.client();
    let app = server.default_app();
    let order = c.create_order(&app, 300).await.expect("created");
    assert_eq!(order.path, "/v1/netpay/wx/unified-order");
    assert!(
        order.mer_order_id.starts_with("319420261125120000"),
        "{}",
        order.mer_order_id
    );
    assert_eq!(order.status, OrderStatus::WaitBuyerPay);

    let number = order.mer_order_id.clone();
    let paid = c
        .pay_order(&number, PayRequest::default())
        .await
        .expect("paid");
    assert_eq!(paid.order.status, OrderStatus::TradeSuccess);
    let notification = paid.notification.expect("a payment notification");
    assert_eq!(notification.event_type, "NETPAY.PAYMENT");

    for (amount, status) in [
        (100, OrderStatus::TradeSuccess),
        (200, OrderStatus::TradeRefund),
    ] {
        let request = RefundRequest {
            app_id: Some(APP_ID.into()),
            refund_amount: Some(amount),
            ..RefundRequest::default()
        };
        let refunded = c.refund_order(&number, request).await.expect("refunded");
        assert_eq!(refunded.refund.refund_status, RefundStatus::Success);
        assert_eq!(refunded.order.status, status);
    }
    assert_refused(
        c.refund_order(&number, RefundRequest::default()).await,
        409,
        "ORDER_CONFLICT",
    );

    let refunded = OrderFilter {
        status: Some(OrderStatus::TradeRefund),
        ..OrderFilter::default()
    };
    let listed = c.orders(&refunded).await.expect("listed");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].refunds.len(), 2);
    assert_eq!(listed[0].notifications, [notification.id]);
    let query = json!({ "mid": app.mid, "merOrderId": number });
    let answer = c
        .business_call(&app, "/v1/netpay/query", &query)
        .await
        .expect("queried");
    assert_eq!(answer["status"], "TRADE_REFUND");
}

#[tokio::test]
async fn a_failed_or_pending_payment_and_an_unknown_or_shared_number_are_typed_answers() {
    let server = frozen().await;
    let c = server.client();
    let app = server.default_app();
    let body = json!({ "merOrderId": "3194SHARED", "totalAmount": 5 });
    let path = "/v1/netpay/trade/precreate";
    let first = c.create_order_with(&app, path, body.clone()).await;
    assert_eq!(first.expect("created").status, OrderStatus::NewOrder);
    let other = c.create_app(AppSpec::default()).await.expect("another app");
    let theirs = json!({ "merOrderId": "3194SHARED", "totalAmount": 5 });
    c.create_order_with(&other, path, theirs)
        .await
        .expect("the same number in another app");

    assert_refused(c.order("3194SHARED", None).await, 409, "ORDER_AMBIGUOUS");
    assert_refused(c.order("3194NONE", None).await, 404, "ORDER_NOT_FOUND");
    let pending = PayRequest {
        app_id: Some(APP_ID.into()),
        outcome: PayOutcome::Pending,
        ..PayRequest::default()
    };
    let waiting = c.pay_order("3194SHARED", pending).await.expect("pending");
    assert_eq!(waiting.order.status, OrderStatus::WaitBuyerPay);
    assert!(waiting.notification.is_none());
    let fail = PayRequest {
        app_id: Some(other.app_id.clone()),
        outcome: PayOutcome::Fail,
        ..PayRequest::default()
    };
    let closed = c.pay_order("3194SHARED", fail).await.expect("failed");
    assert_eq!(closed.order.status, OrderStatus::TradeClosed);

    let again = json!({ "merOrderId": "3194SHARED", "totalAmount": 6 });
    assert_refused(
        c.create_order_with(&app, path, again).await,
        200,
        "DUP_ORDER",
    );
    let mut stranger = app.clone();
    stranger.app_key = "0".repeat(32);
    assert_refused(c.create_order(&stranger, 1).await, 401, "BAD_SIGN");
}

#[tokio::test]
async fn a_qr_bill_is_read_and_paid_by_the_typed_client() {
    let server = frozen().await;
    let c = server.client();
    let qr = server
        .fixture_apps()
        .into_iter()
        .find(|a| a.app_id == QR_APP_ID)
        .expect("the QR fixture app");
    let body = json!({ "mid": qr.mid, "billNo": "3194BILL1", "totalAmount": 20 });
    let answer = c
        .business_call(&qr, "/v1/netpay/bills/get-qrcode", &body)
        .await
        .expect("created");
    assert_eq!(answer["errCode"], "SUCCESS");
    let bill = c.bill("3194BILL1", Some(QR_APP_ID)).await.expect("read");
    assert_eq!(bill.bill_status, BillStatus::Unpaid);
    let paid = c
        .pay_bill("3194BILL1", PayRequest::default())
        .await
        .expect("paid");
    assert_eq!(paid.bill.bill_status, BillStatus::Paid);
    let event = paid.notification.map(|n| n.event_type);
    assert_eq!(event.as_deref(), Some("NETPAY.BILL_PAYMENT"));
    let listed = c.bills(&BillFilter::default()).await.expect("listed");
    assert_eq!(listed.len(), 1);
    assert_refused(
        c.pay_bill("3194BILL1", PayRequest::default()).await,
        409,
        "BILL_NOT_PAYABLE",
    );
}
