//! Realistic generated values (protocol §6), all drawn from the instance's seeded generator.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use fake::Fake;
use fake::faker::company::zh_cn::CompanyName;
use rand::RngExt;

const HEX: &[u8] = b"0123456789abcdef";
const DIGITS: &[u8] = b"0123456789";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const OPENID: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/// `n` characters drawn uniformly from `alphabet`.
pub fn chars<R: RngExt + ?Sized>(rng: &mut R, alphabet: &[u8], n: usize) -> String {
    (0..n)
        .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
        .collect()
}

/// 32 lowercase hex: appId, appKey, accessToken.
pub fn hex32<R: RngExt + ?Sized>(rng: &mut R) -> String {
    chars(rng, HEX, 32)
}

/// 32 lowercase hex from 16 random bytes: accessToken (the same shape as [`hex32`], one draw
/// instead of 32, because a token is made on every token request).
pub fn token_hex<R: RngExt + ?Sized>(rng: &mut R) -> String {
    crate::protocol::signing::lower_hex(&rng.random::<[u8; 16]>())
}

/// 48 alphanumerics: md5Key.
pub fn md5_key<R: RngExt + ?Sized>(rng: &mut R) -> String {
    chars(rng, ALNUM, 48)
}

/// `898` + 12 digits: mid.
pub fn mid<R: RngExt + ?Sized>(rng: &mut R) -> String {
    format!("898{}", chars(rng, DIGITS, 12))
}

/// 8 digits, the `8888xxxx` style of test terminals: tid.
pub fn tid<R: RngExt + ?Sized>(rng: &mut R) -> String {
    format!("8888{}", chars(rng, DIGITS, 4))
}

/// 4 digits: msgSrcId.
pub fn msg_src_id<R: RngExt + ?Sized>(rng: &mut R) -> String {
    chars(rng, DIGITS, 4)
}

/// `wx` + 16 hex: subAppId.
pub fn sub_app_id<R: RngExt + ?Sized>(rng: &mut R) -> String {
    format!("wx{}", chars(rng, HEX, 16))
}

/// 32 digits: Pay Score serviceId.
pub fn service_id<R: RngExt + ?Sized>(rng: &mut R) -> String {
    format!("0000{}", chars(rng, DIGITS, 28))
}

/// `o` + 27 of `[A-Za-z0-9_-]`: WeChat openId / subOpenId.
pub fn open_id<R: RngExt + ?Sized>(rng: &mut R) -> String {
    format!("o{}", chars(rng, OPENID, 27))
}

/// A Chinese company name for the merchant.
pub fn merchant_name<R: RngExt + ?Sized>(rng: &mut R) -> String {
    CompanyName().fake_with_rng(rng)
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn generated_values_have_the_realistic_shapes() {
        let mut rng = StdRng::seed_from_u64(1);
        let id = hex32(&mut rng);
        assert!(id.len() == 32 && id.bytes().all(|b| HEX.contains(&b)));
        let token = token_hex(&mut rng);
        assert!(token.len() == 32 && token.bytes().all(|b| HEX.contains(&b)));
        assert_eq!(md5_key(&mut rng).len(), 48);
        let m = mid(&mut rng);
        assert!(m.len() == 15 && m.starts_with("898") && m.bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(tid(&mut rng).len(), 8);
        let s = sub_app_id(&mut rng);
        assert!(s.len() == 18 && s.starts_with("wx"));
        let sid = service_id(&mut rng);
        assert!(sid.len() == 32 && sid.bytes().all(|b| b.is_ascii_digit()));
        let o = open_id(&mut rng);
        assert!(o.len() == 28 && o.starts_with('o'));
        assert!(!merchant_name(&mut rng).is_empty());
    }

    #[test]
    fn the_same_seed_generates_the_same_values() {
        let a: Vec<String> = {
            let mut rng = StdRng::seed_from_u64(42);
            vec![hex32(&mut rng), mid(&mut rng), merchant_name(&mut rng)]
        };
        let b: Vec<String> = {
            let mut rng = StdRng::seed_from_u64(42);
            vec![hex32(&mut rng), mid(&mut rng), merchant_name(&mut rng)]
        };
        assert_eq!(a, b);
    }
}
