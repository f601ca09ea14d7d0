//! QR bill use cases (docs/payments.md): a merchant makes a code (`bills/get-qrcode`), changes
//! or closes it while unpaid, refunds it once paid; a payer scans and pays it through the
//! cashier page or the control API.

use chrono::Duration;

use super::Sandbox;
use super::orders::{PayError, seconds};
use crate::api::app::App;
use crate::api::order::{
    Bill, BillPaid, BillStatus, Order, OrderStatus, PayOutcome, PayRequest, Refund,
};
use crate::domain::orders::OrderError;
use crate::protocol::generate::qr_code_id;
use crate::protocol::netpay::Product;
use crate::protocol::timefmt::{date_beijing, format_date};

/// A bill as the merchant's `get-qrcode` request describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewBill {
    /// Merchant number.
    pub mid: String,
    /// Terminal number.
    pub tid: Option<String>,
    /// Institution merchant type (default `QRPAYDEFAULT`).
    pub inst_mid: Option<String>,
    /// The merchant's number for it.
    pub bill_no: String,
    /// `yyyy-MM-dd` (default: today in the app's time).
    pub bill_date: Option<String>,
    /// Description.
    pub bill_desc: Option<String>,
    /// Fen.
    pub total_amount: u64,
    /// Where the bill notification goes.
    pub notify_url: Option<String>,
}

/// What `update-qrcode` changes of an unpaid bill.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BillChange {
    /// A new amount.
    pub total_amount: Option<u64>,
    /// A new description.
    pub bill_desc: Option<String>,
    /// A new date.
    pub bill_date: Option<String>,
}

impl Sandbox {
    /// A merchant makes a QR bill: `UNPAID`, with a code that opens the sandbox's cashier page
    /// for it. The same number with the same amount answers the bill on record.
    pub fn create_bill(&self, app: &App, new: NewBill) -> Result<Bill, OrderError> {
        if let Some(url) = &new.notify_url {
            self.check_notify_url(url)?;
        }
        let now = self.clock_of(&app.app_id).now();
        let qr = qr_code_id(&mut *self.rng.lock(), now);
        let bill = self.orders.create_bill(Bill {
            app_id: app.app_id.clone(),
            mid: new.mid,
            tid: new.tid,
            inst_mid: new
                .inst_mid
                .unwrap_or_else(|| Product::Bill.inst_mid().to_owned()),
            bill_no: new.bill_no,
            bill_date: new
                .bill_date
                .unwrap_or_else(|| format_date(date_beijing(now))),
            bill_desc: new.bill_desc,
            total_amount: new.total_amount,
            bill_status: BillStatus::Unpaid,
            bill_qr_code: self.cashier_url(&qr),
            qr_code_id: qr,
            created_at: now,
            updated_at: now,
            mer_order_id: None,
            auto_pay_at: app
                .payer
                .auto_pay_seconds
                .map(|s| now + Duration::seconds(seconds(s))),
            notify_url: new.notify_url,
            notifications: Vec::new(),
        })?;
        if bill.auto_pay_at.is_some() {
            self.wake_payer();
        }
        Ok(bill)
    }

    /// The bill of `app` with this number.
    pub fn app_bill(&self, app: &App, bill_no: &str) -> Result<Bill, OrderError> {
        self.orders.bill(&app.app_id, bill_no)
    }

    /// The bill of `app` whose code has this id (`query-qrcode-info`).
    pub fn bill_by_code(&self, app: &App, qr_code_id: &str) -> Result<Bill, OrderError> {
        match self.orders.cashier(qr_code_id) {
            Some(crate::domain::orders::Cashier::Bill(bill)) if bill.app_id == app.app_id => {
                Ok(*bill)
            }
            _ => Err(OrderError::BillNotFound {
                bill_no: qr_code_id.to_owned(),
                dropped: self.orders.dropped(),
            }),
        }
    }

    /// The order that paid a bill, while it is kept.
    pub fn bill_order(&self, bill: &Bill) -> Option<Order> {
        self.orders.bill_order(bill)
    }

    /// The merchant changes an unpaid bill (`update-qrcode`).
    pub fn update_bill(
        &self,
        app: &App,
        bill_no: &str,
        change: BillChange,
    ) -> Result<Bill, OrderError> {
        let now = self.clock_of(&app.app_id).now();
        self.orders.change_bill(&app.app_id, bill_no, now, |bill| {
            if let Some(amount) = change.total_amount {
                bill.total_amount = amount;
            }
            if let Some(desc) = change.bill_desc {
                bill.bill_desc = Some(desc);
            }
            if let Some(date) = change.bill_date {
                bill.bill_date = date;
            }
        })
    }

    /// The merchant closes an unpaid bill (`close-qrcode`); a closed one stays closed.
    pub fn close_bill(&self, app: &App, bill_no: &str) -> Result<Bill, OrderError> {
        let bill = self.app_bill(app, bill_no)?;
        if bill.bill_status == BillStatus::Closed {
            return Ok(bill);
        }
        let now = self.clock_of(&app.app_id).now();
        self.orders.change_bill(&app.app_id, bill_no, now, |bill| {
            bill.bill_status = BillStatus::Closed;
        })
    }

    /// The merchant refunds a paid bill (`bills/refund`) through the order that paid it.
    pub fn refund_bill(
        &self,
        app: &App,
        bill_no: &str,
        refund_order_id: Option<String>,
        amount: u64,
        desc: Option<String>,
    ) -> Result<(Bill, Order, Refund), OrderError> {
        let now = self.clock_of(&app.app_id).now();
        let draft = self.refund_draft(app, refund_order_id, amount, desc, None);
        self.orders
            .refund_bill(&app.app_id, bill_no, draft, |order| {
                self.refund_facts(order, now)
            })
    }

    /// A payer pays a bill: an order `billNo` + `0` is recorded as paid and the bill becomes
    /// `PAID`. A failed or pending payment leaves the bill unpaid. The bill is the one app's holding the
    /// number, or `request.appId`'s.
    pub fn pay_bill(&self, bill_no: &str, request: PayRequest) -> Result<BillPaid, PayError> {
        if let Some(app_id) = &request.app_id {
            self.app(app_id)?;
        }
        let bill = self.orders.find_bill(bill_no, request.app_id.as_deref())?;
        let app = self.app(&bill.app_id)?;
        if bill.bill_status != BillStatus::Unpaid {
            return Err(OrderError::BillNotUnpaid {
                bill_no: bill.bill_no,
                status: bill.bill_status,
            }
            .into());
        }
        if request.outcome != PayOutcome::Success {
            return Ok(BillPaid {
                bill,
                order: None,
                notification: None,
            });
        }
        let now = self.clock_of(&app.app_id).now();
        let payment = self.payment(Some(Product::Bill), bill.total_amount, &request, now)?;
        let (bill, order) = self.orders.pay_bill(&app.app_id, bill_no, |bill| {
            let mut order = Order {
                app_id: bill.app_id.clone(),
                mid: bill.mid.clone(),
                mer_order_id: format!("{}0", bill.bill_no),
                path: "/v1/netpay/bills/get-qrcode".into(),
                tid: bill.tid.clone(),
                inst_mid: bill.inst_mid.clone(),
                total_amount: bill.total_amount,
                status: OrderStatus::NewOrder,
                created_at: bill.created_at,
                updated_at: now,
                notify_url: bill.notify_url.clone(),
                order_desc: bill.bill_desc.clone(),
                bill_no: Some(bill.bill_no.clone()),
                ..Order::default()
            };
            // A new order is always payable: the transition cannot refuse it.
            let _ = crate::domain::orders::machine::pay(&mut order, payment);
            order
        })?;
        tracing::info!(app_id = %app.app_id, bill_no, "bill paid");
        let notification = self.notify_bill_payment(&app, &bill, &order);
        // Read again: the bill now names its notification.
        let bill = match notification {
            Some(_) => self.orders.bill(&app.app_id, bill_no).unwrap_or(bill),
            None => bill,
        };
        Ok(BillPaid {
            bill,
            order: Some(order),
            notification,
        })
    }
}
