//! The QR bills notification: fields, order, and `billPayment` signed as the text sent.

use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::Value;

use super::tests::{names, value};
use super::*;
use crate::protocol::encode::{NotifyFormat, NotifySigning, encode};
use crate::protocol::events::{Merchant, NotificationEvent};
use crate::protocol::generate::{notify_id, random_field};
use crate::protocol::signing::{NotifySignType, notify_sign, notify_signed_string};
use crate::protocol::timefmt::{date_beijing, parse_compact};

const KEY: &str = "impARTxrQcfwmRijpDNCw6hPxaWCddKEpYxjaKXDhCaTCXJ6";

fn payment() -> BillPayment {
    let paid = parse_compact("20220924005758").unwrap_or_default();
    BillPayment {
        pay_time: paid,
        pay_seq_id: "01175500115N".into(),
        invoice_amount: 20,
        settle_date: date_beijing(paid),
        buyer_id: "o8wNP0agr1roauVXTWpuLhT2VL0M".into(),
        receipt_amount: 20,
        total_amount: 20,
        buyer_pay_amount: 20,
        target_order_id: "4200001567202209249273711154".into(),
        mer_order_id: "8888b4f-178e-4a04-8ad4-79fa00".into(),
        status: TradeStatus::TradeSuccess,
        target_sys: "WXPay".into(),
        pay_detail: None,
    }
}

/// The 2022 test-environment bill of `real-notifications.json`, as a notice.
pub(super) fn bill() -> BillNotice {
    let created = parse_compact("20220924005738").unwrap_or_default();
    BillNotice {
        mid: "898201612345678".into(),
        tid: "88880001".into(),
        inst_mid: "QRPAYDEFAULT".into(),
        bill_no: "8888b4f-178e-4a04-8ad4-79fa0".into(),
        bill_date: date_beijing(created),
        bill_desc: "中保付测试商户(中保付测试商户)".into(),
        bill_qr_code: "https://qr-test3.chinaums.com/bills/qrCode.do?id=10002209241195738009194596"
            .into(),
        qr_code_id: "10002209241195738009194596".into(),
        bill_status: BillStatus::Paid,
        create_time: created,
        total_amount: 20,
        receipt_amount: 20,
        mer_name: "中保付测试商户(中保付测试商户)".into(),
        member_id: "fc95d158f8e54fe7ba2e923961440652".into(),
        mchnt_uuid: "6d47dc12a4c847eaba2eb456d201d5cd".into(),
        sub_inst: "100200".into(),
        seq_id: "01175500115N".into(),
        bill_payment: payment(),
        notify_id: "7df96f1d-0a73-41af-8c33-ec1ebe968dd7".into(),
        random_field: RandomField::new("JL", "DbkZ"),
    }
}

#[test]
fn a_bills_notification_has_exactly_the_documented_fields_in_order() {
    let fields = bill().fields();
    assert_eq!(
        names(&fields),
        [
            "mid",
            "tid",
            "instMid",
            "billNo",
            "billDate",
            "billDesc",
            "billQRCode",
            "qrCodeId",
            "billStatus",
            "createTime",
            "totalAmount",
            "receiptAmount",
            "merName",
            "memberId",
            "mchntUuid",
            "subInst",
            "seqId",
            "qrCodeType",
            "billPayment",
            "notifyId",
            "JL",
        ]
    );
    let v = |name| value(&fields, name);
    assert_eq!(v("billStatus"), Some("PAID"));
    assert_eq!(v("qrCodeType"), Some("BILLPAY"));
    assert_eq!(v("billDate"), Some("2022-09-24"));
    assert_eq!(v("createTime"), Some("2022-09-24 00:57:38"));
    assert_eq!(v("JL"), Some("DbkZ"));
}

#[test]
fn bill_payment_is_compact_json_with_its_members_in_the_documented_order() {
    let text = payment().to_json();
    let parsed: Value = serde_json::from_str(&text).unwrap_or_default();
    let members: Vec<&str> = parsed
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(
        members,
        [
            "payTime",
            "paySeqId",
            "invoiceAmount",
            "settleDate",
            "buyerId",
            "receiptAmount",
            "totalAmount",
            "billBizType",
            "buyerPayAmount",
            "targetOrderId",
            "merOrderId",
            "status",
            "targetSys",
        ]
    );
    assert_eq!(parsed["billBizType"], "bills");
    assert_eq!(parsed["totalAmount"], 20, "amounts are numbers");
    assert_eq!(text, parsed.to_string(), "compact, no whitespace");
    let with_detail = BillPayment {
        pay_detail: Some(cash_bill_funds(20)),
        buyer_id: String::new(),
        ..payment()
    };
    let parsed: Value = serde_json::from_str(&with_detail.to_json()).unwrap_or_default();
    assert_eq!(parsed["payDetail"], "现金支付0.20元。");
    assert!(
        parsed.get("buyerId").is_none(),
        "empty members are left out"
    );
}

#[test]
fn bill_payment_is_signed_as_the_exact_text_sent() {
    let notice = bill();
    let text = notice.bill_payment.to_json();
    let sent = encode(
        &notice.fields(),
        NotifyFormat::Form,
        NotifySigning::Sha256,
        KEY,
    );
    let received: Vec<(String, String)> = url::form_urlencoded::parse(sent.body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let got = received
        .iter()
        .find(|(k, _)| k == "billPayment")
        .map(|(_, v)| v.as_str());
    assert_eq!(got, Some(text.as_str()), "sent byte for byte");
    let signed = notify_signed_string(&received, KEY);
    assert!(
        signed.contains(&format!("&billPayment={text}&billQRCode=")),
        "{signed}"
    );
    assert_eq!(
        sent.payload["sign"].as_str(),
        Some(notify_sign(&received, NotifySignType::Sha256, KEY).as_str())
    );
    // A JSON body keeps it a string (only Pay Score's resource is nested), signed the same.
    let json = encode(
        &notice.fields(),
        NotifyFormat::Json,
        NotifySigning::Sha256,
        KEY,
    );
    assert_eq!(json.payload["billPayment"].as_str(), Some(text.as_str()));
    assert_eq!(json.payload["sign"], sent.payload["sign"]);
}

#[test]
fn a_bills_notification_has_its_own_random_field_and_can_be_sent_legacy_md5() {
    let mut rng = StdRng::seed_from_u64(21);
    let a = BillNotice {
        notify_id: notify_id(&mut rng),
        random_field: random_field(&mut rng),
        ..bill()
    };
    let b = BillNotice {
        notify_id: notify_id(&mut rng),
        random_field: random_field(&mut rng),
        ..bill()
    };
    assert_ne!(
        (&a.random_field, &a.notify_id),
        (&b.random_field, &b.notify_id)
    );
    let sent = encode(
        &a.fields(),
        NotifyFormat::Form,
        NotifySigning::Md5Legacy,
        KEY,
    );
    assert!(!sent.body.contains("signType"), "{}", sent.body);
    assert_eq!(
        sent.payload["sign"].as_str(),
        Some(notify_sign(&a.fields(), NotifySignType::Md5, KEY).as_str())
    );
    assert_eq!(
        sent.payload[a.random_field.name.as_str()].as_str(),
        Some(a.random_field.value.as_str())
    );
}

#[test]
fn a_bills_notification_is_listed_as_a_bill_payment_and_follows_its_payer() {
    let merchant = Merchant {
        mid: "",
        sub_app_id: "",
        service_id: "",
    };
    let notice = bill();
    let event: &dyn NotificationEvent = &notice;
    assert_eq!(event.event_type(), "NETPAY.BILL_PAYMENT");
    assert_eq!(event.subject(), "o8wNP0agr1roauVXTWpuLhT2VL0M");
    let at = parse_compact("20300101000000").unwrap_or_default();
    assert_eq!(event.fields("EV-1", &merchant, at), notice.fields());
    let unknown_payer = BillNotice {
        bill_payment: BillPayment {
            buyer_id: String::new(),
            ..payment()
        },
        ..bill()
    };
    assert_eq!(
        NotificationEvent::subject(&unknown_payer),
        "8888b4f-178e-4a04-8ad4-79fa0"
    );
    assert_eq!(BillStatus::Closed.as_str(), "CLOSED");
}
