use chrono::{NaiveDate, TimeZone};
use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::*;
use crate::domain::apps::{AppSpec, NotifySettings, build_app};

fn chrono_forms(now: DateTime<Utc>) -> [String; 4] {
    let local = now.with_timezone(&BEIJING);
    [
        local.format("%Y-%m-%d %H:%M:%S").to_string(),
        format_compact(now),
        local.format("%Y%m%d").to_string(),
        rfc3339_beijing(now),
    ]
}

fn clock_forms(now: DateTime<Utc>) -> [String; 4] {
    let mut clock = Clock::default();
    [
        clock.dashed(now),
        clock.compact(now),
        clock.date(now),
        clock.rfc3339(now),
    ]
}

proptest! {
    #[test]
    fn sandbox_time_is_written_as_chrono_writes_it(secs in -70_000_000_000i64..300_000_000_000) {
        let now = DateTime::from_timestamp(secs, 0).unwrap_or_default();
        prop_assert_eq!(clock_forms(now), chrono_forms(now));
    }
}

#[test]
fn years_and_seconds_chrono_writes_its_own_way_are_left_to_chrono() {
    let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
        .and_then(|d| d.and_hms_milli_opt(23, 59, 59, 1_500))
        .map(|t| Utc.from_utc_datetime(&t));
    let far = DateTime::from_timestamp(400_000_000_000, 0);
    let before = DateTime::from_timestamp(-70_000_000_000, 0);
    for now in [leap, far, before].into_iter().flatten() {
        assert_eq!(clock_forms(now), chrono_forms(now), "{now:?}");
    }
}

#[test]
fn expressions_are_read_once_as_they_were_read_on_every_call() {
    assert_eq!(Expr::parse(" now "), Expr::Now);
    assert_eq!(
        Expr::parse("request.body.a.b"),
        Expr::Body(vec!["a".into(), "b".into()])
    );
    assert_eq!(
        Expr::parse("request.body."),
        Expr::Body(vec![String::new()])
    );
    assert_eq!(Expr::parse("request.body"), Expr::Empty);
    assert_eq!(
        Expr::parse("random.hex  32"),
        Expr::Random(b"0123456789abcdef", 32)
    );
    assert_eq!(
        Expr::parse("random.digits x"),
        Expr::Random(b"0123456789", 0)
    );
    assert_eq!(
        Expr::parse("random.digits 1000"),
        Expr::Random(b"0123456789", 256)
    );
    assert_eq!(Expr::parse("random.nope 3"), Expr::Empty);
    assert_eq!(Expr::parse("random.hex"), Expr::Empty);
}

#[test]
fn every_app_field_reads_as_it_does_in_the_apps_json() {
    let mut rng = StdRng::seed_from_u64(3);
    for callback in [None, Some("https://merchant.example/notify")] {
        let app = build_app(
            &AppSpec::default(),
            &NotifySettings::default(),
            &Default::default(),
            callback,
            &mut rng,
        )
        .expect("app");
        let json = serde_json::to_value(&app).expect("json");
        let Value::Object(fields) = &json else {
            panic!("an object");
        };
        for (name, value) in fields {
            for path in [vec![name.clone()], vec![name.clone(), "format".into()]] {
                let expected = path
                    .iter()
                    .try_fold(&json, |v, key| v.get(key.as_str()))
                    .cloned();
                let got = app_field(&app, &path).map(Out::into_value);
                assert_eq!(got, expected, "{path:?} of {value}");
            }
        }
        assert!(app_field(&app, &["nope".into()]).is_none());
    }
}

#[test]
fn random_characters_are_the_draws_apps_make() {
    for seed in 0..20 {
        for (alphabet, n) in [
            (&b"0123456789"[..], 12),
            (b"0123456789abcdef", 32),
            (
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                64,
            ),
            (b"0123456789", 0),
        ] {
            let mut a = StdRng::seed_from_u64(seed);
            let mut b = StdRng::seed_from_u64(seed);
            assert_eq!(
                random_chars(&mut a, alphabet, n),
                crate::protocol::generate::chars(&mut b, alphabet, n)
            );
            assert_eq!(
                rand::RngExt::random::<u64>(&mut a),
                rand::RngExt::random::<u64>(&mut b)
            );
        }
    }
}

proptest! {
    #[test]
    fn strings_are_written_as_serde_json_writes_them(s in any::<String>()) {
        let mut out = Vec::new();
        Out::Text(Cow::Borrowed(&s)).write_json(&mut out);
        prop_assert_eq!(out, serde_json::to_vec(&s).unwrap_or_default());
    }
}
