//! Realistic generated values (protocol §6), all drawn from the instance's seeded generator.

use fake::Fake;
use fake::faker::company::zh_cn::CompanyName;
use rand::RngExt;

mod netpay;
pub use netpay::*;

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
