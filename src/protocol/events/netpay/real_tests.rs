//! The six real notifications of `tests/data/real-notifications.json`: their signs reproduced
//! from their fields, their bodies from the form encoding, and the payments and the 2022 bill
//! from the notice structs.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::Value;

use super::bills_tests::bill;
use super::*;
use crate::protocol::encode::{NotifyFormat, NotifySigning, encode};
use crate::protocol::real_notifications;
use crate::protocol::signing::{NotifySignType, form_encode, notify_sign, notify_signed_string};
use crate::protocol::timefmt::from_beijing;

fn text<'a>(entry: &'a Value, key: &str) -> &'a str {
    entry[key].as_str().unwrap_or_default()
}

/// The body's fields, decoded, in the order received.
fn decoded(entry: &Value) -> Vec<(String, String)> {
    url::form_urlencoded::parse(text(entry, "body").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn get<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

fn entry(name: &str) -> Value {
    real_notifications()
        .into_iter()
        .find(|e| e["name"] == name)
        .unwrap_or_default()
}

fn time(s: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
        .map(from_beijing)
        .unwrap_or_default()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

fn amount(s: &str) -> u64 {
    s.parse().unwrap_or(u64::MAX)
}

/// The hash a real notification is signed with: its `signType`, MD5 without one.
fn hash_of(fields: &[(String, String)]) -> NotifySignType {
    match get(fields, "signType") {
        "SHA256" => NotifySignType::Sha256,
        _ => NotifySignType::Md5,
    }
}

#[test]
fn there_are_six_real_notifications_two_of_them_without_sign_type() {
    let all = real_notifications();
    assert_eq!(all.len(), 6);
    let legacy = all.iter().filter(|e| e["signType"].is_null()).count();
    assert_eq!(legacy, 2);
}

#[test]
fn the_signer_reproduces_every_real_sign_from_the_fields_received() {
    for entry in real_notifications() {
        let name = text(&entry, "name");
        let fields = decoded(&entry);
        let key = text(&entry, "md5Key");
        assert_eq!(
            notify_signed_string(&fields, key),
            text(&entry, "signedString"),
            "{name}"
        );
        assert_eq!(
            hash_of(&fields).as_str(),
            text(&entry, "algorithm"),
            "{name}"
        );
        assert_eq!(
            notify_sign(&fields, hash_of(&fields), key),
            text(&entry, "sign"),
            "{name}"
        );
        assert_eq!(get(&fields, "sign"), text(&entry, "sign"), "{name}");
    }
}

#[test]
fn every_real_body_is_the_form_encoding_of_its_fields_in_the_order_sent() {
    for entry in real_notifications() {
        assert_eq!(
            form_encode(&decoded(&entry)),
            text(&entry, "body"),
            "{}",
            text(&entry, "name")
        );
    }
}

/// A payment notice holding the facts of a real payment notification.
fn payment_from(fields: &[(String, String)]) -> PaymentNotice {
    let v = |name| get(fields, name).to_owned();
    let random = fields
        .iter()
        .find(|(k, _)| k.len() == 2)
        .map(|(k, v)| RandomField::new(k.clone(), v.clone()))
        .unwrap_or_else(|| RandomField::new("", ""));
    let status = match get(fields, "status") {
        "TRADE_SUCCESS" => TradeStatus::TradeSuccess,
        _ => TradeStatus::Unknown,
    };
    PaymentNotice {
        mid: v("mid"),
        tid: v("tid"),
        inst_mid: v("instMid"),
        mer_order_id: v("merOrderId"),
        total_amount: amount(get(fields, "totalAmount")),
        buyer_pay_amount: amount(get(fields, "buyerPayAmount")),
        invoice_amount: amount(get(fields, "invoiceAmount")),
        receipt_amount: amount(get(fields, "receiptAmount")),
        coupon_amount: 0,
        pay_time: time(get(fields, "payTime")),
        create_time: time(get(fields, "createTime")),
        settle_date: date(get(fields, "settleDate")),
        seq_id: v("seqId"),
        status,
        target_order_id: v("targetOrderId"),
        target_sys: v("targetSys"),
        buyer_id: v("buyerId"),
        bill_funds: v("billFunds"),
        mer_name: v("merName"),
        mchnt_uuid: v("mchntUuid"),
        sub_inst: v("subInst"),
        order_desc: Some(v("orderDesc")),
        attached_data: None,
        src_reserve: None,
        notify_id: v("notifyId"),
        random_field: random,
    }
}

fn sorted_names<K: AsRef<str>>(fields: &[(K, String)]) -> Vec<String> {
    let mut names: Vec<String> = fields.iter().map(|(k, _)| k.as_ref().to_owned()).collect();
    names.sort();
    names
}

#[test]
fn the_real_payment_notifications_are_reproduced_sign_for_sign_from_payment_notices() {
    // aq_2021_query also carries msgType, which netpay §3 does not list.
    for (name, signing) in [
        ("spec_ns", NotifySigning::Sha256),
        ("uv_2020", NotifySigning::Sha256),
        ("xy_2020_md5", NotifySigning::Md5Legacy),
    ] {
        let entry = entry(name);
        let received = decoded(&entry);
        let notice = payment_from(&received);
        let sent = encode(
            &notice.fields(),
            NotifyFormat::Form,
            signing,
            text(&entry, "md5Key"),
        );
        assert_eq!(sent.payload["sign"], entry["sign"], "{name}");
        let sent_fields: Vec<(String, String)> = url::form_urlencoded::parse(sent.body.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        assert_eq!(
            sorted_names(&sent_fields),
            sorted_names(&received),
            "{name}"
        );
        for (k, v) in &received {
            assert_eq!(get(&sent_fields, k), v, "{name}: {k}");
        }
    }
    assert_eq!(
        payment_from(&decoded(&entry("spec_ns"))),
        PaymentNotice::published()
    );
}

#[test]
fn the_real_2022_bill_is_reproduced_from_a_bill_notice_plus_its_counter_no() {
    let entry = entry("bills_2022_sha256");
    let received = decoded(&entry);
    let notice = bill();
    assert_eq!(
        notice.bill_payment.to_json(),
        get(&received, "billPayment"),
        "billPayment byte for byte"
    );
    // counterNo is not among netpay §4's fields; everything else comes from the notice.
    let mut fields = notice.fields();
    fields.push(("counterNo".into(), get(&received, "counterNo").to_owned()));
    let sent = encode(
        &fields,
        NotifyFormat::Form,
        NotifySigning::Sha256,
        text(&entry, "md5Key"),
    );
    assert_eq!(sent.payload["sign"], entry["sign"]);
    let mut received_names = sorted_names(&received);
    received_names.retain(|n| n != "sign");
    let mut sent_names = sorted_names(&fields);
    sent_names.push("signType".into());
    sent_names.sort();
    assert_eq!(sent_names, received_names);
}
