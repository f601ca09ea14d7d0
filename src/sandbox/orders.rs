//! Netpay use cases (docs/payments.md): a merchant creates, refunds, closes and voids orders
//! through the gateway; a payer pays them through the control API or the cashier page. Every
//! time is the app's own sandbox time; every generated value comes from the instance's
//! generator.

use chrono::{DateTime, Duration, Utc};

use super::Sandbox;
use crate::api::app::App;
use crate::api::order::{Order, OrderPaid, OrderStatus, PayOutcome, PayRequest};
use crate::domain::apps::AppError;
use crate::domain::orders::facts::payment_facts;
use crate::domain::orders::machine::split_amount;
use crate::domain::orders::{OrderError, Payment};
use crate::protocol::generate::{hex32, platform_order_id, wallet_request};
use crate::protocol::netpay::Product;

/// Why a payer's payment was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayError {
    /// The named app does not exist.
    #[error(transparent)]
    App(#[from] AppError),
    /// No such order or bill, several, not payable, or amounts that do not add up.
    #[error(transparent)]
    Order(#[from] OrderError),
}

/// An order as the merchant's create request describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewOrder {
    /// The create path (it names the product).
    pub path: String,
    /// Merchant number.
    pub mid: String,
    /// Terminal number.
    pub tid: Option<String>,
    /// Institution merchant type (default: the product's).
    pub inst_mid: Option<String>,
    /// The merchant's number for it.
    pub mer_order_id: String,
    /// Fen.
    pub total_amount: u64,
    /// Where the payment notification goes.
    pub notify_url: Option<String>,
    /// Where the H5 cashier sends the payer back.
    pub return_url: Option<String>,
    /// Description.
    pub order_desc: Option<String>,
    /// Attached data.
    pub attached_data: Option<String>,
    /// Reserved field.
    pub src_reserve: Option<String>,
    /// When it closes unless paid (default: the app's `payer.orderExpirySeconds` from now).
    pub expire_time: Option<DateTime<Utc>>,
}

/// A setting's seconds as chrono takes them (settings are at most ten years).
pub(super) fn seconds(s: u64) -> i64 {
    i64::try_from(s)
        .unwrap_or(i64::MAX / 1000)
        .min(i64::MAX / 1000)
}

impl Sandbox {
    /// The app's time now.
    pub(super) fn now_of(&self, app: &App) -> DateTime<Utc> {
        self.clock_of(&app.app_id).now()
    }

    /// The cashier page's URL for a token.
    pub fn cashier_url(&self, token: &str) -> String {
        format!("{}/__mock/cashier/{token}", self.control_url)
    }

    /// A merchant creates an order (or repeats the create of one): recorded as `NEW_ORDER` or
    /// `WAIT_BUYER_PAY` with the wallet parameters its product answers with, and a cashier
    /// page for an order that waits for a scan (H5, Alipay QR). The same number with the same
    /// amount for the same product answers the order on record; anything else under that
    /// number is `DUP_ORDER`.
    pub fn create_order(&self, app: &App, new: NewOrder) -> Result<Order, OrderError> {
        let product = Product::of_path(&new.path)
            .ok_or_else(|| OrderError::Invalid(format!("{} creates no order", new.path)))?;
        if let Some(url) = &new.notify_url {
            self.check_notify_url(url)?;
        }
        // A repeated create answers the order on record without generating anything.
        if let Ok(existing) = self.orders.order(&app.app_id, &new.mer_order_id)
            && existing.total_amount == new.total_amount
            && Product::of_path(&existing.path) == Some(product)
        {
            return Ok(existing);
        }
        let now = self.now_of(app);
        let (wallet, cashier, platform) = {
            let mut rng = self.rng.lock();
            let wallet = product
                .wallet()
                .map(|(kind, _)| wallet_request(&mut *rng, kind, &app.sub_app_id, now));
            let cashier = product.awaits_scan().then(|| hex32(&mut *rng));
            let platform = (product == Product::Poslink).then(|| platform_order_id(&mut *rng, now));
            (wallet, cashier, platform)
        };
        let order = Order {
            app_id: app.app_id.clone(),
            mid: new.mid,
            mer_order_id: new.mer_order_id,
            tid: new.tid,
            inst_mid: new
                .inst_mid
                .unwrap_or_else(|| product.inst_mid().to_owned()),
            total_amount: new.total_amount,
            status: if product.awaits_scan() {
                OrderStatus::NewOrder
            } else {
                OrderStatus::WaitBuyerPay
            },
            created_at: now,
            updated_at: now,
            notify_url: new.notify_url,
            return_url: new.return_url,
            order_desc: new.order_desc,
            attached_data: new.attached_data,
            src_reserve: new.src_reserve,
            platform_order_id: platform,
            cashier_url: cashier.map(|token| self.cashier_url(&token)),
            expire_time: Some(new.expire_time.unwrap_or_else(|| {
                now + Duration::seconds(seconds(app.payer.order_expiry_seconds))
            })),
            auto_pay_at: app
                .payer
                .auto_pay_seconds
                .map(|s| now + Duration::seconds(seconds(s))),
            wallet_request: wallet,
            path: new.path,
            ..Order::default()
        };
        let waits_for_payer = order.auto_pay_at.is_some();
        let order = self.orders.create(order)?;
        if waits_for_payer {
            self.wake_payer();
        }
        Ok(order)
    }

    /// The order of `app` with this number.
    pub fn app_order(&self, app: &App, mer_order_id: &str) -> Result<Order, OrderError> {
        self.orders.order(&app.app_id, mer_order_id)
    }

    /// The order of `app` a B-scan-C call names: by the merchant's number, else by the
    /// platform's (`originalOrderId`).
    pub fn poslink_order(
        &self,
        app: &App,
        merchant_order_id: Option<&str>,
        original_order_id: Option<&str>,
    ) -> Result<Order, OrderError> {
        if let Some(number) = merchant_order_id {
            return self.app_order(app, number);
        }
        let number = original_order_id.unwrap_or_default();
        self.orders
            .find_where(&app.app_id, |o| {
                o.platform_order_id.as_deref() == Some(number)
            })
            .ok_or_else(|| OrderError::NotFound {
                mer_order_id: number.to_owned(),
                dropped: self.orders.dropped(),
            })
    }

    /// The facts of a payment made now for an order of `product`, from the payer's request.
    pub(super) fn payment(
        &self,
        product: Option<Product>,
        total: u64,
        request: &PayRequest,
        now: DateTime<Utc>,
    ) -> Result<Payment, OrderError> {
        let (buyer_pay_amount, coupon_amount) =
            split_amount(total, request.buyer_pay_amount, request.coupon_amount)?;
        let target_sys = match &request.target_sys {
            Some(sys) if sys.trim().is_empty() || sys.len() > 32 => {
                return Err(OrderError::Invalid(
                    "targetSys must be 1 to 32 characters, e.g. WXPay or Alipay 2.0".into(),
                ));
            }
            Some(sys) => sys.clone(),
            None => product.map_or("WXPay", Product::target_sys).to_owned(),
        };
        Ok(payment_facts(
            &mut *self.rng.lock(),
            target_sys,
            request.buyer_id.clone(),
            (buyer_pay_amount, coupon_amount),
            now,
        ))
    }

    /// A payer pays an order (or the payment fails: the order closes). The order is the one
    /// app's holding the number, or `request.appId`'s.
    pub fn pay_order(
        &self,
        mer_order_id: &str,
        request: PayRequest,
    ) -> Result<OrderPaid, PayError> {
        if let Some(app_id) = &request.app_id {
            self.app(app_id)?;
        }
        let found = self.orders.find(mer_order_id, request.app_id.as_deref())?;
        let app = self.app(&found.app_id)?;
        let now = self.now_of(&app);
        let order = match request.outcome {
            PayOutcome::Fail => self.orders.fail(&app.app_id, mer_order_id, now)?,
            PayOutcome::Pending => self.orders.start_paying(&app.app_id, mer_order_id, now)?,
            PayOutcome::Success => self.orders.pay(&app.app_id, mer_order_id, |order| {
                self.payment(
                    Product::of_path(&order.path),
                    order.total_amount,
                    &request,
                    now,
                )
            })?,
        };
        let notification = match order.status {
            OrderStatus::TradeSuccess => self.notify_payment(&app, &order),
            _ => None,
        };
        // Read again: the order now names its notification.
        let order = match notification {
            Some(_) => self
                .orders
                .order(&app.app_id, mer_order_id)
                .unwrap_or(order),
            None => order,
        };
        tracing::info!(app_id = %app.app_id, mer_order_id, status = %order.status, "order paid");
        Ok(OrderPaid {
            order,
            notification,
        })
    }

    /// The merchant closes an unpaid order (`close`).
    pub fn close_order(&self, app: &App, mer_order_id: &str) -> Result<Order, OrderError> {
        self.orders
            .close(&app.app_id, mer_order_id, self.now_of(app))
    }

    /// The merchant voids a B-scan-C payment (`voidpayment`).
    pub fn void_order(&self, app: &App, mer_order_id: &str) -> Result<Order, OrderError> {
        self.orders
            .void(&app.app_id, mer_order_id, self.now_of(app))
    }

    /// A B-scan-C payment (`poslink/transaction/pay`): the order is created and paid at once
    /// (the payer's code is taken as good); repeating it answers the order on record.
    pub fn poslink_pay(&self, app: &App, new: NewOrder) -> Result<Order, OrderError> {
        let order = self.create_order(app, new)?;
        if !order.status.is_unpaid() {
            return Ok(order);
        }
        let now = self.now_of(app);
        let paid = self.orders.pay(&app.app_id, &order.mer_order_id, |order| {
            self.payment(
                Some(Product::Poslink),
                order.total_amount,
                &PayRequest::default(),
                now,
            )
        })?;
        match self.notify_payment(app, &paid) {
            // Read again: the order now names its notification.
            Some(_) => Ok(self
                .orders
                .order(&app.app_id, &paid.mer_order_id)
                .unwrap_or(paid)),
            None => Ok(paid),
        }
    }
}

#[cfg(test)]
#[path = "orders_tests.rs"]
mod tests;
