//! The netpay products (docs/payments.md): which path creates which kind of order, and what the
//! platform makes of it — the institution type (`instMid`), the channel (`targetSys`), whether
//! the order waits for a scan, and the wallet parameters its answer carries.

use crate::protocol::generate::WalletKind;

/// A kind of order, told by the path that created it.
///
/// ```
/// use chinaums_mock::protocol::netpay::Product;
/// let p = Product::of_path("/v1/netpay/wx/unified-order").unwrap();
/// assert_eq!(p, Product::WeChatMini);
/// assert_eq!((p.inst_mid(), p.target_sys()), ("MINIDEFAULT", "WXPay"));
/// assert_eq!(Product::of_path("/v4/poslink/transaction/pay"), Some(Product::Poslink));
/// assert_eq!(Product::of_path("/v1/netpay/query"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Product {
    /// WeChat mini-program / JSAPI: `wx/unified-order`, `wx/mini-pre-order`.
    WeChatMini,
    /// WeChat APP: `wx/app-pre-order`.
    WeChatApp,
    /// Alipay mini-program / JSAPI: `trade/create`.
    AlipayMini,
    /// Alipay QR (C-scan-B): `trade/precreate`.
    AlipayQr,
    /// Alipay APP: `trade/app-pre-order`.
    AlipayApp,
    /// UnionPay QuickPass: `uac/mini-order`, `uac/app-order`, `uac/order`.
    UnionPay,
    /// The H5 cashier, by channel: `{trade|wxpay|qmf|acp}/h5-pay`.
    H5(H5Channel),
    /// The payment of a QR bill: `bills/get-qrcode`.
    Bill,
    /// B-scan-C: `/v{2,4,6}/poslink/transaction/pay`.
    Poslink,
}

/// The channel of an H5 cashier order.
///
/// ```
/// use chinaums_mock::protocol::netpay::{H5Channel, Product};
/// assert_eq!(Product::of_path("/v1/netpay/qmf/h5-pay"), Some(Product::H5(H5Channel::Qmf)));
/// assert_eq!(Product::H5(H5Channel::Acp).target_sys(), "ACP");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum H5Channel {
    /// `trade/h5-pay`: Alipay.
    Alipay,
    /// `wxpay/h5-pay`: WeChat Pay.
    WeChat,
    /// `qmf/h5-pay`: 全民付.
    Qmf,
    /// `acp/h5-pay`: UnionPay online (全渠道).
    Acp,
}

/// The paths that create WeChat, Alipay and UnionPay orders (answered as JSON).
///
/// ```
/// use chinaums_mock::protocol::netpay::{CREATE_PATHS, Product};
/// assert!(CREATE_PATHS.iter().all(|p| Product::of_path(p).is_some()));
/// ```
pub const CREATE_PATHS: &[&str] = &[
    "/v1/netpay/wx/unified-order",
    "/v1/netpay/wx/mini-pre-order",
    "/v1/netpay/wx/app-pre-order",
    "/v1/netpay/trade/create",
    "/v1/netpay/trade/precreate",
    "/v1/netpay/trade/app-pre-order",
    "/v1/netpay/uac/mini-order",
    "/v1/netpay/uac/app-order",
    "/v1/netpay/uac/order",
];

impl Product {
    /// The product a create path makes; `None` for any other path.
    pub fn of_path(path: &str) -> Option<Product> {
        Some(match path {
            "/v1/netpay/wx/unified-order" | "/v1/netpay/wx/mini-pre-order" => Product::WeChatMini,
            "/v1/netpay/wx/app-pre-order" => Product::WeChatApp,
            "/v1/netpay/trade/create" => Product::AlipayMini,
            "/v1/netpay/trade/precreate" => Product::AlipayQr,
            "/v1/netpay/trade/app-pre-order" => Product::AlipayApp,
            "/v1/netpay/uac/mini-order" | "/v1/netpay/uac/app-order" | "/v1/netpay/uac/order" => {
                Product::UnionPay
            }
            "/v1/netpay/bills/get-qrcode" => Product::Bill,
            "/v2/poslink/transaction/pay"
            | "/v4/poslink/transaction/pay"
            | "/v6/poslink/transaction/pay" => Product::Poslink,
            other => Product::H5(h5_channel(other)?),
        })
    }

    /// The `instMid` an order of this product has when the request names none.
    pub fn inst_mid(self) -> &'static str {
        match self {
            Product::WeChatMini | Product::AlipayMini | Product::UnionPay => "MINIDEFAULT",
            Product::WeChatApp | Product::AlipayApp => "APPDEFAULT",
            Product::H5(_) => "H5DEFAULT",
            Product::AlipayQr | Product::Bill => "QRPAYDEFAULT",
            Product::Poslink => "POSLINKDEFAULT",
        }
    }

    /// The channel that takes the payment by default (`targetSys`); a QR bill or a B-scan-C
    /// code can be paid from any wallet, and WeChat is the common one.
    pub fn target_sys(self) -> &'static str {
        match self {
            Product::WeChatMini | Product::WeChatApp | Product::Bill | Product::Poslink => "WXPay",
            Product::AlipayMini | Product::AlipayQr | Product::AlipayApp => "Alipay 2.0",
            Product::UnionPay => "UAC",
            Product::H5(H5Channel::Alipay) => "Alipay 2.0",
            Product::H5(H5Channel::WeChat) => "WXPay",
            Product::H5(H5Channel::Qmf) => "QMF",
            Product::H5(H5Channel::Acp) => "ACP",
        }
    }

    /// Whether a new order waits to be scanned or opened (`NEW_ORDER`) rather than for the
    /// buyer to confirm in a wallet that already has it (`WAIT_BUYER_PAY`).
    pub fn awaits_scan(self) -> bool {
        matches!(self, Product::AlipayQr | Product::H5(_) | Product::Bill)
    }

    /// The wallet parameters a create answer carries, and under which member: `miniPayRequest`
    /// for mini-program / JSAPI payments, `appPayRequest` for app and Alipay ones.
    pub fn wallet(self) -> Option<(WalletKind, &'static str)> {
        match self {
            Product::WeChatMini => Some((WalletKind::WeChatMini, "miniPayRequest")),
            Product::WeChatApp => Some((WalletKind::WeChatApp, "appPayRequest")),
            Product::AlipayMini | Product::AlipayApp => Some((WalletKind::Alipay, "appPayRequest")),
            Product::UnionPay => Some((WalletKind::UnionPay, "appPayRequest")),
            Product::AlipayQr | Product::H5(_) | Product::Bill | Product::Poslink => None,
        }
    }
}

/// The channel of an H5 path: `/v1/netpay/<ch>/h5-pay`, also under `webpay`
/// (`/v1/webpay/<ch>/h5-pay`, `/v1/netpay/webpay/<ch>/h5-pay`).
fn h5_channel(path: &str) -> Option<H5Channel> {
    let rest = path.strip_suffix("/h5-pay")?;
    let channel = ["/v1/netpay/webpay/", "/v1/netpay/", "/v1/webpay/"]
        .iter()
        .find_map(|prefix| rest.strip_prefix(prefix))?;
    Some(match channel {
        "trade" => H5Channel::Alipay,
        "wxpay" => H5Channel::WeChat,
        "qmf" => H5Channel::Qmf,
        "acp" => H5Channel::Acp,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_create_path_names_a_product_with_a_channel() {
        for path in CREATE_PATHS {
            let product = Product::of_path(path).expect("a product");
            assert!(!product.target_sys().is_empty());
            assert!(
                !product.awaits_scan() || product == Product::AlipayQr,
                "{path}"
            );
        }
    }

    #[test]
    fn h5_paths_are_read_under_netpay_and_webpay() {
        for (path, channel) in [
            ("/v1/netpay/trade/h5-pay", H5Channel::Alipay),
            ("/v1/netpay/wxpay/h5-pay", H5Channel::WeChat),
            ("/v1/webpay/qmf/h5-pay", H5Channel::Qmf),
            ("/v1/netpay/webpay/acp/h5-pay", H5Channel::Acp),
        ] {
            assert_eq!(Product::of_path(path), Some(Product::H5(channel)), "{path}");
        }
        assert_eq!(Product::of_path("/v1/netpay/other/h5-pay"), None);
        assert_eq!(Product::of_path("/v1/netpay/h5-pay"), None);
        assert_eq!(
            Product::of_path("/v1/netpay/wxpay/h5-pay").map(Product::target_sys),
            Some("WXPay")
        );
    }

    #[test]
    fn qr_and_h5_orders_wait_for_a_scan_and_carry_no_wallet_request() {
        for product in [
            Product::AlipayQr,
            Product::H5(H5Channel::Acp),
            Product::Bill,
        ] {
            assert!(product.awaits_scan());
            assert!(product.wallet().is_none());
        }
        assert!(!Product::WeChatMini.awaits_scan());
        assert_eq!(
            Product::WeChatMini.wallet().map(|w| w.1),
            Some("miniPayRequest")
        );
        assert_eq!(
            Product::AlipayApp.wallet().map(|w| w.1),
            Some("appPayRequest")
        );
    }
}
