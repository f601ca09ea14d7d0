//! Generated values of netpay orders and notifications: channel order numbers, trace numbers,
//! payers, wallet requests, the random extra field and `notifyId`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rand::RngExt;

use super::{ALNUM, DIGITS, HEX, chars, open_id};
use crate::protocol::events::netpay::RandomField;

/// The digits of an instant's Beijing date and time, `yyyyMMddHHmmss`.
fn compact(now: DateTime<Utc>) -> String {
    crate::protocol::timefmt::format_compact(now)
}

/// The channel's own order number for a payment (`targetOrderId`), shaped like the channel's:
/// WeChat Pay `4200` + 6 digits + `yyyyMMdd` + 10 digits (28 digits), Alipay `yyyyMMdd` +
/// `22001` + 15 digits (28), anything else `yyyyMMddHHmmss` + 7 digits (21).
///
/// ```
/// use chinaums_mock::protocol::generate::target_order_id;
/// use chinaums_mock::protocol::timefmt::parse_compact;
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(1);
/// let now = parse_compact("20261125120000").unwrap();
/// let id = target_order_id(&mut rng, "WXPay", now);
/// assert!(id.len() == 28 && id.starts_with("4200") && &id[10..18] == "20261125");
/// assert!(target_order_id(&mut rng, "Alipay 2.0", now).starts_with("2026112522001"));
/// ```
pub fn target_order_id<R: RngExt + ?Sized>(
    rng: &mut R,
    target_sys: &str,
    now: DateTime<Utc>,
) -> String {
    let date = compact(now);
    match target_sys {
        "WXPay" => format!(
            "4200{}{}{}",
            chars(rng, DIGITS, 6),
            &date[..8],
            chars(rng, DIGITS, 10)
        ),
        "Alipay 2.0" => format!("{}22001{}", &date[..8], chars(rng, DIGITS, 15)),
        _ => format!("{date}{}", chars(rng, DIGITS, 7)),
    }
}

/// The channel's number for a refund (`refundTargetOrderId`): WeChat Pay `5030` + 6 digits +
/// `yyyyMMdd` + 11 digits (29), Alipay the payment's own trade number, anything else
/// `yyyyMMddHHmmss` + 7 digits.
///
/// ```
/// use chinaums_mock::protocol::generate::refund_target_order_id;
/// use chinaums_mock::protocol::timefmt::parse_compact;
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(1);
/// let now = parse_compact("20261125120000").unwrap();
/// let id = refund_target_order_id(&mut rng, "WXPay", "4200…", now);
/// assert!(id.len() == 29 && id.starts_with("5030"));
/// assert_eq!(refund_target_order_id(&mut rng, "Alipay 2.0", "2026112522001", now), "2026112522001");
/// ```
pub fn refund_target_order_id<R: RngExt + ?Sized>(
    rng: &mut R,
    target_sys: &str,
    payment_target_order_id: &str,
    now: DateTime<Utc>,
) -> String {
    let date = compact(now);
    match target_sys {
        "WXPay" => format!(
            "5030{}{}{}",
            chars(rng, DIGITS, 6),
            &date[..8],
            chars(rng, DIGITS, 11)
        ),
        "Alipay 2.0" => payment_target_order_id.to_owned(),
        _ => format!("{date}{}", chars(rng, DIGITS, 7)),
    }
}

/// The platform's trace number of a payment (`seqId`, `paySeqId`): `0` + 10 digits + `N`, as
/// in `01120706230N`.
///
/// ```
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(1);
/// let id = chinaums_mock::protocol::generate::seq_id(&mut rng);
/// assert!(id.len() == 12 && id.starts_with('0') && id.ends_with('N'));
/// ```
pub fn seq_id<R: RngExt + ?Sized>(rng: &mut R) -> String {
    format!("0{}N", chars(rng, DIGITS, 10))
}

/// The payer as the channel names them (`buyerId`): an Alipay user id (`2088` + 12 digits) for
/// Alipay, a WeChat openId (`o` + 27 of `[A-Za-z0-9_-]`) for anything else.
///
/// ```
/// use rand::SeedableRng;
/// use chinaums_mock::protocol::generate::buyer_id;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(1);
/// assert_eq!(buyer_id(&mut rng, "WXPay").len(), 28);
/// assert!(buyer_id(&mut rng, "Alipay 2.0").starts_with("2088"));
/// ```
pub fn buyer_id<R: RngExt + ?Sized>(rng: &mut R, target_sys: &str) -> String {
    match target_sys {
        "Alipay 2.0" => format!("2088{}", chars(rng, DIGITS, 12)),
        _ => open_id(rng),
    }
}

/// A merchant-side number made by the platform for the merchant (a `refundOrderId` the request
/// left out): the app's `msgSrcId`, `yyyyMMddHHmmss` and 10 digits.
///
/// ```
/// use rand::SeedableRng;
/// use chinaums_mock::protocol::timefmt::parse_compact;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(1);
/// let now = parse_compact("20261125120000").unwrap();
/// let id = chinaums_mock::protocol::generate::merchant_order_id(&mut rng, "3194", now);
/// assert!(id.len() == 28 && id.starts_with("319420261125120000"));
/// ```
pub fn merchant_order_id<R: RngExt + ?Sized>(
    rng: &mut R,
    msg_src_id: &str,
    now: DateTime<Utc>,
) -> String {
    format!("{msg_src_id}{}{}", compact(now), chars(rng, DIGITS, 10))
}

/// The platform's own order number of a B-scan-C payment (poslink `orderId`):
/// `yyyyMMddHHmmss` + 12 digits.
///
/// ```
/// use rand::SeedableRng;
/// use chinaums_mock::protocol::timefmt::parse_compact;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(1);
/// let now = parse_compact("20261125120000").unwrap();
/// let id = chinaums_mock::protocol::generate::platform_order_id(&mut rng, now);
/// assert!(id.len() == 26 && id.starts_with("20261125120000"));
/// ```
pub fn platform_order_id<R: RngExt + ?Sized>(rng: &mut R, now: DateTime<Utc>) -> String {
    format!("{}{}", compact(now), chars(rng, DIGITS, 12))
}

/// A QR bill's code id (`qrCodeId`): `1000` + `yyMMdd` + 16 digits.
///
/// ```
/// use rand::SeedableRng;
/// use chinaums_mock::protocol::timefmt::parse_compact;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(1);
/// let now = parse_compact("20261125120000").unwrap();
/// let id = chinaums_mock::protocol::generate::qr_code_id(&mut rng, now);
/// assert!(id.len() == 26 && id.starts_with("1000261125"));
/// ```
pub fn qr_code_id<R: RngExt + ?Sized>(rng: &mut R, now: DateTime<Utc>) -> String {
    format!("1000{}{}", &compact(now)[2..8], chars(rng, DIGITS, 16))
}

/// What the payer's wallet is handed: `miniPayRequest` for a WeChat mini-program or JSAPI
/// payment (`wx.requestPayment`'s parameters), `appPayRequest` for an app or Alipay payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalletKind {
    /// WeChat mini-program / JSAPI: `appId, timeStamp, nonceStr, package, signType, paySign`.
    WeChatMini,
    /// WeChat APP: `appid, partnerid, prepayid, package, noncestr, timestamp, sign`.
    WeChatApp,
    /// Alipay: `qrCode`, the link the Alipay app opens.
    Alipay,
    /// UnionPay QuickPass: `tn`, the transaction number the SDK starts with.
    UnionPay,
}

/// Generated wallet parameters for an order created at `now` (see [`WalletKind`]);
/// `sub_app_id` is the merchant's WeChat app.
///
/// ```
/// use rand::SeedableRng;
/// use chinaums_mock::protocol::generate::{WalletKind, wallet_request};
/// use chinaums_mock::protocol::timefmt::parse_compact;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(1);
/// let now = parse_compact("20261125120000").unwrap();
/// let mini = wallet_request(&mut rng, WalletKind::WeChatMini, "wx1234567890abcdef", now);
/// assert_eq!(mini["appId"], "wx1234567890abcdef");
/// assert_eq!(mini["timeStamp"], "1795579200");
/// assert!(mini["package"].starts_with("prepay_id=wx20261125120000"));
/// ```
pub fn wallet_request<R: RngExt + ?Sized>(
    rng: &mut R,
    kind: WalletKind,
    sub_app_id: &str,
    now: DateTime<Utc>,
) -> BTreeMap<String, String> {
    use base64::Engine;
    let prepay_id = format!("wx{}{}", compact(now), chars(rng, HEX, 20));
    let nonce = chars(rng, ALNUM, 32);
    let sign = |rng: &mut R| {
        let bytes: Vec<u8> = (0..256).map(|_| rng.random::<u8>()).collect();
        base64::engine::general_purpose::STANDARD.encode(bytes)
    };
    let pairs: Vec<(&str, String)> = match kind {
        WalletKind::WeChatMini => vec![
            ("appId", sub_app_id.to_owned()),
            ("timeStamp", now.timestamp().to_string()),
            ("nonceStr", nonce),
            ("package", format!("prepay_id={prepay_id}")),
            ("signType", "RSA".to_owned()),
            ("paySign", sign(rng)),
        ],
        WalletKind::WeChatApp => vec![
            ("appid", sub_app_id.to_owned()),
            ("partnerid", format!("1{}", chars(rng, DIGITS, 9))),
            ("prepayid", prepay_id),
            ("package", "Sign=WXPay".to_owned()),
            ("noncestr", nonce),
            ("timestamp", now.timestamp().to_string()),
            ("sign", sign(rng)),
        ],
        WalletKind::Alipay => vec![(
            "qrCode",
            format!(
                "https://qr.alipay.com/bax0{}",
                chars(rng, ALNUM, 20).to_lowercase()
            ),
        )],
        WalletKind::UnionPay => vec![("tn", format!("{}{}", compact(now), chars(rng, DIGITS, 7)))],
    };
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// ASCII letters, both cases.
const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// ChinaUMS's random extra field of a netpay notification: two letters and four letters, each
/// letter upper or lower case (`ns=cyuT`, `UV=AIZq`).
///
/// ```
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(1);
/// let field = chinaums_mock::protocol::generate::random_field(&mut rng);
/// assert_eq!((field.name.len(), field.value.len()), (2, 4));
/// assert!(field.name.chars().chain(field.value.chars()).all(|c| c.is_ascii_alphabetic()));
/// ```
pub fn random_field<R: RngExt + ?Sized>(rng: &mut R) -> RandomField {
    RandomField::new(chars(rng, LETTERS, 2), chars(rng, LETTERS, 4))
}

/// A random (version 4) UUID, lowercase with dashes: a netpay `notifyId`.
///
/// ```
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(1);
/// let id = chinaums_mock::protocol::generate::notify_id(&mut rng);
/// assert_eq!((id.len(), &id[14..15], &id[8..9]), (36, "4", "-"));
/// ```
pub fn notify_id<R: RngExt + ?Sized>(rng: &mut R) -> String {
    let mut bytes = rng.random::<[u8; 16]>();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = crate::protocol::signing::lower_hex(&bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// 32 lowercase hex: a netpay `mchntUuid`.
///
/// ```
/// use rand::SeedableRng;
/// use chinaums_mock::protocol::generate::mchnt_uuid;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(1);
/// assert_eq!(mchnt_uuid(&mut rng).len(), 32);
/// ```
pub fn mchnt_uuid<R: RngExt + ?Sized>(rng: &mut R) -> String {
    chars(rng, HEX, 32)
}

/// Whether `id` is a lowercase version-4 UUID: 8-4-4-4-12 hex, `4` first in the third group,
/// `8`–`b` first in the fourth.
#[cfg(test)]
pub(crate) fn is_uuid_v4(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && id
            .bytes()
            .all(|b| b == b'-' || b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && groups[2].starts_with('4')
        && groups[3].starts_with(['8', '9', 'a', 'b'])
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn netpay_values_have_the_realistic_shapes() {
        let mut rng = StdRng::seed_from_u64(3);
        let id = notify_id(&mut rng);
        assert!(is_uuid_v4(&id), "{id}");
        let u = mchnt_uuid(&mut rng);
        assert!(u.len() == 32 && u.bytes().all(|b| HEX.contains(&b)));
        let seq = seq_id(&mut rng);
        assert!(seq.len() == 12 && seq.ends_with('N'));
        assert!(seq[..11].bytes().all(|b| b.is_ascii_digit()));
        let now = crate::protocol::timefmt::parse_compact("20261125120000").expect("a time");
        let order = target_order_id(&mut rng, "WXPay", now);
        assert!(order.len() == 28 && order.starts_with("4200"));
        assert!(order.bytes().all(|b| b.is_ascii_digit()));
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    proptest! {
        #[test]
        fn every_random_field_is_two_letters_named_and_four_letters_long(seed in any::<u64>()) {
            let field = random_field(&mut StdRng::seed_from_u64(seed));
            prop_assert_eq!(field.name.len(), 2);
            prop_assert_eq!(field.value.len(), 4);
            prop_assert!(field.name.bytes().chain(field.value.bytes()).all(|b| b.is_ascii_alphabetic()));
        }

        #[test]
        fn every_notify_id_is_a_version_4_uuid(seed in any::<u64>()) {
            let id = notify_id(&mut StdRng::seed_from_u64(seed));
            prop_assert!(is_uuid_v4(&id), "{}", id);
        }
    }

    #[test]
    fn random_field_names_come_in_both_cases() {
        let mut rng = StdRng::seed_from_u64(9);
        let names: Vec<String> = (0..200).map(|_| random_field(&mut rng).name).collect();
        let has = |f: fn(&u8) -> bool| names.iter().any(|n| n.as_bytes().iter().any(f));
        assert!(has(u8::is_ascii_uppercase) && has(u8::is_ascii_lowercase));
        assert!(
            names
                .iter()
                .any(|n| n.as_bytes()[0].is_ascii_uppercase()
                    != n.as_bytes()[1].is_ascii_uppercase())
        );
    }
}
