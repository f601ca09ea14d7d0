//! Realistic generated values (protocol §6), all drawn from the instance's seeded generator.

use fake::Fake;
use fake::faker::company::zh_cn::CompanyName;
use rand::RngExt;

use crate::protocol::events::netpay::RandomField;

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
/// use chinaums_mock::protocol::generate::{mchnt_uuid, seq_id, wechat_order_id};
/// let mut rng = rand::rngs::StdRng::seed_from_u64(1);
/// assert_eq!(mchnt_uuid(&mut rng).len(), 32);
/// assert!(seq_id(&mut rng).ends_with('N'));
/// assert!(wechat_order_id(&mut rng).starts_with("4200"));
/// ```
pub fn mchnt_uuid<R: RngExt + ?Sized>(rng: &mut R) -> String {
    chars(rng, HEX, 32)
}

/// 11 digits and `N`: a netpay `seqId` (`01120706230N`).
pub fn seq_id<R: RngExt + ?Sized>(rng: &mut R) -> String {
    format!("{}N", chars(rng, DIGITS, 11))
}

/// `4200` + 24 digits: a WeChat Pay `targetOrderId`.
pub fn wechat_order_id<R: RngExt + ?Sized>(rng: &mut R) -> String {
    format!("4200{}", chars(rng, DIGITS, 24))
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
    fn netpay_values_have_the_realistic_shapes() {
        let mut rng = StdRng::seed_from_u64(3);
        let id = notify_id(&mut rng);
        assert!(is_uuid_v4(&id), "{id}");
        let u = mchnt_uuid(&mut rng);
        assert!(u.len() == 32 && u.bytes().all(|b| HEX.contains(&b)));
        let seq = seq_id(&mut rng);
        assert!(seq.len() == 12 && seq.ends_with('N'));
        assert!(seq[..11].bytes().all(|b| b.is_ascii_digit()));
        let order = wechat_order_id(&mut rng);
        assert!(order.len() == 28 && order.starts_with("4200"));
        assert!(order.bytes().all(|b| b.is_ascii_digit()));
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
