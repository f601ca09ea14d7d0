//! Control client: netpay orders and QR bills (`/__mock/orders`, `/__mock/bills`), and the
//! payer who pays them and the back office that refunds them.

use reqwest::Method;

use super::control::{ControlClient, segment};
use super::error::ClientError;
use crate::api::order::{
    Bill, BillFilter, BillList, BillPaid, Order, OrderFilter, OrderList, OrderPaid, OrderRefunded,
    PayRequest, RefundRequest,
};

/// `?appId=` when it is given.
fn holder(app_id: Option<&str>) -> Vec<(&'static str, &str)> {
    app_id.map(|id| ("appId", id)).into_iter().collect()
}

impl ControlClient {
    /// `GET /__mock/orders`: the matching orders, newest first.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use chinaums_mock::api::order::OrderFilter;
    /// let client = server.client();
    /// let app = server.default_app();
    /// client.create_order(&app, 100).await?;
    /// let mine = OrderFilter { app_id: Some(app.app_id.clone()), ..OrderFilter::default() };
    /// assert_eq!(client.orders(&mine).await?.len(), 1);
    /// # Ok(()) }
    /// ```
    pub async fn orders(&self, filter: &OrderFilter) -> Result<Vec<Order>, ClientError> {
        Ok(self.order_list(filter).await?.orders)
    }

    /// `GET /__mock/orders`, whole: the matching orders and how many orders and bills the
    /// retention bound (`--order-retention`) has dropped.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use chinaums_mock::api::order::OrderFilter;
    /// let list = server.client().order_list(&OrderFilter::default()).await?;
    /// assert_eq!((list.orders.len(), list.dropped), (0, 0));
    /// # Ok(()) }
    /// ```
    pub async fn order_list(&self, filter: &OrderFilter) -> Result<OrderList, ClientError> {
        self.call(self.request(Method::GET, "/orders").query(filter))
            .await
    }

    /// `GET /__mock/orders/{merOrderId}`: one order with its refunds. `app_id` is needed only
    /// when two apps hold the number (409 `ORDER_AMBIGUOUS` without it); an unknown one is 404
    /// `ORDER_NOT_FOUND`.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// let client = server.client();
    /// let app = server.default_app();
    /// let created = client.create_order(&app, 100).await?;
    /// let order = client.order(&created.mer_order_id, Some(&app.app_id)).await?;
    /// assert_eq!(order, created);
    /// let missing = client.order("3194NONE", None).await.unwrap_err();
    /// assert_eq!((missing.status(), missing.code()), (Some(404), Some("ORDER_NOT_FOUND")));
    /// # Ok(()) }
    /// ```
    pub async fn order(
        &self,
        mer_order_id: &str,
        app_id: Option<&str>,
    ) -> Result<Order, ClientError> {
        let path = format!("/orders/{}", segment(mer_order_id));
        let request = self.request(Method::GET, &path).query(&holder(app_id));
        self.call(request).await
    }

    /// `POST /__mock/orders/{merOrderId}/pay`: a payer pays the order (or the payment fails, or
    /// stays pending); a paid order sends its payment-result notification (`NETPAY.PAYMENT`).
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use chinaums_mock::api::order::{OrderStatus, PayRequest};
    /// let client = server.client();
    /// let app = server.default_app();
    /// let order = client.create_order(&app, 288).await?;
    /// let request = PayRequest { app_id: Some(app.app_id.clone()), coupon_amount: Some(88), ..PayRequest::default() };
    /// let paid = client.pay_order(&order.mer_order_id, request).await?;
    /// assert_eq!(paid.order.status, OrderStatus::TradeSuccess);
    /// assert_eq!(paid.order.buyer_pay_amount, Some(200));
    /// assert_eq!(paid.notification.map(|n| n.event_type).as_deref(), Some("NETPAY.PAYMENT"));
    /// let again = client.pay_order(&order.mer_order_id, PayRequest::default()).await.unwrap_err();
    /// assert_eq!(again.code(), Some("ORDER_NOT_PAYABLE"));
    /// # Ok(()) }
    /// ```
    pub async fn pay_order(
        &self,
        mer_order_id: &str,
        request: PayRequest,
    ) -> Result<OrderPaid, ClientError> {
        let path = format!("/orders/{}/pay", segment(mer_order_id));
        self.call(self.request(Method::POST, &path).json(&request))
            .await
    }

    /// `POST /__mock/orders/{merOrderId}/refund`: refunds a paid order as the merchant's back
    /// office would (all that is left unless the request names an amount); an app with
    /// `notify.refundNotify` gets a refund notification.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use chinaums_mock::api::order::{OrderStatus, PayRequest, RefundRequest};
    /// let client = server.client();
    /// let order = client.create_order(&server.default_app(), 100).await?;
    /// client.pay_order(&order.mer_order_id, PayRequest::default()).await?;
    /// let part = RefundRequest { refund_amount: Some(30), ..RefundRequest::default() };
    /// let refunded = client.refund_order(&order.mer_order_id, part).await?;
    /// assert_eq!((refunded.refund.refund_amount, refunded.order.refunded()), (30, 30));
    /// let rest = client.refund_order(&order.mer_order_id, RefundRequest::default()).await?;
    /// assert_eq!(rest.order.status, OrderStatus::TradeRefund);
    /// # Ok(()) }
    /// ```
    pub async fn refund_order(
        &self,
        mer_order_id: &str,
        request: RefundRequest,
    ) -> Result<OrderRefunded, ClientError> {
        let path = format!("/orders/{}/refund", segment(mer_order_id));
        self.call(self.request(Method::POST, &path).json(&request))
            .await
    }

    /// `GET /__mock/bills`: the matching QR bills, newest first.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use chinaums_mock::api::order::BillFilter;
    /// assert!(server.client().bills(&BillFilter::default()).await?.is_empty());
    /// # Ok(()) }
    /// ```
    pub async fn bills(&self, filter: &BillFilter) -> Result<Vec<Bill>, ClientError> {
        Ok(self.bill_list(filter).await?.bills)
    }

    /// `GET /__mock/bills`, whole: the matching bills and how many orders and bills the
    /// retention bound has dropped.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use chinaums_mock::api::order::BillFilter;
    /// assert_eq!(server.client().bill_list(&BillFilter::default()).await?.dropped, 0);
    /// # Ok(()) }
    /// ```
    pub async fn bill_list(&self, filter: &BillFilter) -> Result<BillList, ClientError> {
        self.call(self.request(Method::GET, "/bills").query(filter))
            .await
    }

    /// `GET /__mock/bills/{billNo}`: one QR bill (`app_id` as for [`order`](Self::order)).
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use chinaums_mock::api::order::BillStatus;
    /// use serde_json::json;
    /// let client = server.client();
    /// let qr = &server.fixture_apps()[1];
    /// let body = json!({"mid": qr.mid, "billNo": "3194B1", "totalAmount": 20});
    /// client.business_call(qr, "/v1/netpay/bills/get-qrcode", &body).await?;
    /// let bill = client.bill("3194B1", Some(&qr.app_id)).await?;
    /// assert_eq!((bill.total_amount, bill.bill_status), (20, BillStatus::Unpaid));
    /// # Ok(()) }
    /// ```
    pub async fn bill(&self, bill_no: &str, app_id: Option<&str>) -> Result<Bill, ClientError> {
        let path = format!("/bills/{}", segment(bill_no));
        let request = self.request(Method::GET, &path).query(&holder(app_id));
        self.call(request).await
    }

    /// `POST /__mock/bills/{billNo}/pay`: a payer scans and pays the bill (or the payment
    /// fails); a paid bill sends the bills notification (`NETPAY.BILL_PAYMENT`).
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use chinaums_mock::api::order::{BillStatus, PayRequest};
    /// use serde_json::json;
    /// let client = server.client();
    /// let qr = &server.fixture_apps()[1];
    /// let body = json!({"mid": qr.mid, "billNo": "3194B2", "totalAmount": 20});
    /// client.business_call(qr, "/v1/netpay/bills/get-qrcode", &body).await?;
    /// let paid = client.pay_bill("3194B2", PayRequest::default()).await?;
    /// assert_eq!(paid.bill.bill_status, BillStatus::Paid);
    /// assert_eq!(paid.order.map(|o| o.mer_order_id).as_deref(), Some("3194B20"));
    /// assert_eq!(paid.notification.map(|n| n.event_type).as_deref(), Some("NETPAY.BILL_PAYMENT"));
    /// # Ok(()) }
    /// ```
    pub async fn pay_bill(
        &self,
        bill_no: &str,
        request: PayRequest,
    ) -> Result<BillPaid, ClientError> {
        let path = format!("/bills/{}/pay", segment(bill_no));
        self.call(self.request(Method::POST, &path).json(&request))
            .await
    }
}
