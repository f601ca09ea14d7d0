//! Notification signatures (`sign`, `signType`) and the form encoding notifications are sent in.

use md5::Md5;
use sha2::{Digest, Sha256};

/// The hash of a notification signature (`signType`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
pub enum NotifySignType {
    /// Upper-case hex SHA-256, the default.
    #[serde(rename = "SHA256")]
    Sha256,
    /// Upper-case hex MD5.
    #[serde(rename = "MD5")]
    Md5,
}

impl NotifySignType {
    /// The value of the `signType` field.
    pub fn as_str(self) -> &'static str {
        match self {
            NotifySignType::Sha256 => "SHA256",
            NotifySignType::Md5 => "MD5",
        }
    }
}

/// The string a notification `sign` covers: every field except `sign` with a non-empty value,
/// sorted by key (byte order), joined as `k=v` with `&`, then the md5Key appended directly.
///
/// ```
/// use chinaums_mock::protocol::signing::notify_signed_string;
/// let s = notify_signed_string(&[("b", "2"), ("a", "1"), ("c", ""), ("sign", "X")], "KEY");
/// assert_eq!(s, "a=1&b=2KEY");
/// ```
pub fn notify_signed_string<K: AsRef<str>, V: AsRef<str>>(
    fields: &[(K, V)],
    md5_key: &str,
) -> String {
    let mut pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .filter(|(k, v)| *k != "sign" && !v.is_empty())
        .collect();
    pairs.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let size = pairs
        .iter()
        .map(|(k, v)| k.len() + v.len() + 2)
        .sum::<usize>()
        + md5_key.len();
    let mut out = String::with_capacity(size);
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out.push_str(md5_key);
    out
}

/// The `sign` of a notification: upper-case hex of SHA-256 or MD5 over [`notify_signed_string`].
pub fn notify_sign<K: AsRef<str>, V: AsRef<str>>(
    fields: &[(K, V)],
    sign_type: NotifySignType,
    md5_key: &str,
) -> String {
    let s = notify_signed_string(fields, md5_key);
    let digest = match sign_type {
        NotifySignType::Sha256 => Sha256::digest(s.as_bytes()).to_vec(),
        NotifySignType::Md5 => Md5::digest(s.as_bytes()).to_vec(),
    };
    hex::encode_upper(digest)
}

/// Encodes fields as `application/x-www-form-urlencoded`, in the order given: `*-._` and ASCII
/// letters and digits as they are, space as `+`, every other byte as `%XX` (upper-case hex) —
/// the WHATWG form serializer's output, byte for byte.
///
/// ```
/// use chinaums_mock::protocol::signing::form_encode;
/// assert_eq!(form_encode(&[("a b", "{\"x\":1}"), ("s", "授权")]), "a+b=%7B%22x%22%3A1%7D&s=%E6%8E%88%E6%9D%83");
/// ```
pub fn form_encode<K: AsRef<str>, V: AsRef<str>>(fields: &[(K, V)]) -> String {
    // Written out (rather than `url::form_urlencoded`) because every notification body goes
    // through it: one pass, one allocation.
    let size: usize = fields
        .iter()
        .map(|(k, v)| 3 * (k.as_ref().len() + v.as_ref().len()) + 2)
        .sum();
    let mut out = String::with_capacity(size);
    for (i, (k, v)) in fields.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        push_form_component(&mut out, k.as_ref());
        out.push('=');
        push_form_component(&mut out, v.as_ref());
    }
    out
}

fn push_form_component(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in text.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 15)]));
            }
        }
    }
}
