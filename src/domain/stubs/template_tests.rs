use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::json;

use super::*;
use crate::domain::apps::{App, AppSpec, NotifySettings, build_app};

pub(super) fn app(callback: Option<&str>) -> App {
    let mut rng = StdRng::seed_from_u64(7);
    let mut app = build_app(
        &AppSpec::default(),
        &NotifySettings::default(),
        &Default::default(),
        callback,
        &mut rng,
    )
    .expect("app");
    app.mid = "898201612345678".into();
    app
}

pub(super) fn at(compact: &str) -> DateTime<Utc> {
    crate::protocol::timefmt::parse_compact(compact).unwrap_or_default()
}

#[test]
fn a_json_answer_renders_with_the_request_s_values_and_its_err_code() {
    let template = Template::compile(&json!({
        "errCode": "SUCCESS",
        "merOrderId": "{{request.body.merOrderId}}",
        "totalAmount": "{{request.body.totalAmount}}",
    }));
    let body = RequestBody::new(br#"{"merOrderId":"M1","totalAmount":88}"#);
    let mut rng = StdRng::seed_from_u64(1);
    let app = build_app(
        &Default::default(),
        &Default::default(),
        &Default::default(),
        None,
        &mut rng,
    )
    .unwrap();
    let mut ctx = TemplateContext {
        body: &body,
        path: "/v1/x",
        method: "POST",
        app: &app,
        now: chrono::Utc::now(),
        rng: &mut rng,
    };
    assert_eq!(
        template.render(&mut ctx),
        Rendered::Json {
            body: br#"{"errCode":"SUCCESS","merOrderId":"M1","totalAmount":88}"#.to_vec(),
            err_code: Some("SUCCESS".into()),
        }
    );
}

#[test]
fn templates_echo_the_request_and_keep_json_types() {
    let body = RequestBody::new(
        r#"{"merOrderId":"M1","totalAmount":88,"goods":{"name":"茶"}}"#.as_bytes(),
    );
    let app = app(None);
    let mut rng = StdRng::seed_from_u64(1);
    let mut ctx = TemplateContext {
        body: &body,
        path: "/v1/x",
        method: "POST",
        app: &app,
        now: at("20261125120000"),
        rng: &mut rng,
    };
    let out = render(
        &json!({
            "merOrderId": "{{request.body.merOrderId}}",
            "totalAmount": "{{ request.body.totalAmount }}",
            "goods": "{{request.body.goods.name}}",
            "mid": "{{app.mid}}",
            "time": "{{now}}",
            "seq": "T{{now.compact}}{{random.digits 4}}",
            "missing": "{{request.body.nope}}",
            "plain": "no templates",
        }),
        &mut ctx,
    );
    assert_eq!(out["merOrderId"], "M1");
    assert_eq!(out["totalAmount"], 88);
    assert_eq!(out["goods"], "茶");
    assert_eq!(out["mid"], "898201612345678");
    assert_eq!(out["time"], "2026-11-25 12:00:00");
    let seq = out["seq"].as_str().unwrap_or_default();
    assert!(
        seq.starts_with("T20261125120000") && seq.len() == 19,
        "{seq}"
    );
    assert!(out.get("missing").is_none(), "{out}");
    assert_eq!(out["plain"], "no templates");
}

/// A realistic answer: the unified order a stub would script (the sandbox's own fixture once).
fn unified_order_answer() -> Value {
    json!({
        "errCode": "SUCCESS",
        "msgId": "{{random.hex 32}}",
        "responseTimestamp": "{{now}}",
        "mid": "{{request.body.mid}}",
        "merName": "{{app.name}}",
        "merOrderId": "{{request.body.merOrderId}}",
        "totalAmount": "{{request.body.totalAmount}}",
        "seqId": "{{now.date}}{{random.digits 12}}",
        "status": "WAIT_BUYER_PAY",
        "miniPayRequest": {
            "appId": "{{app.subAppId}}",
            "timeStamp": "{{now.unix}}",
            "nonceStr": "{{random.alnum 32}}",
            "package": "prepay_id=wx{{now.compact}}{{random.hex 18}}",
            "paySign": "{{random.alnum 64}}"
        }
    })
}

#[test]
fn a_realistic_answer_is_written_as_its_value_would_be() {
    let body = RequestBody::new(
        br#"{"requestTimestamp":"2026-11-25 12:00:00","merOrderId":"3194202611250001","mid":"898201612345678","tid":"88880001","instMid":"MINIDEFAULT","totalAmount":1,"subAppId":"wx1234567890abcdef","subOpenId":"oMXJN5fYT4VCfmUQP8nl9oCHXQhM","tradeType":"MINI"}"#,
    );
    let app = app(None);
    let answer = unified_order_answer();
    let rendered = |compiled: bool| {
        let mut rng = StdRng::seed_from_u64(42);
        let mut ctx = TemplateContext {
            body: &body,
            path: "/v1/netpay/wx/unified-order",
            method: "POST",
            app: &app,
            now: at("20261125120000"),
            rng: &mut rng,
        };
        if compiled {
            Template::compile(&answer).render(&mut ctx)
        } else {
            reference::wire(&answer, &mut ctx)
        }
    };
    let fast = rendered(true);
    assert_eq!(fast, rendered(false));
    let Rendered::Json { err_code, .. } = fast else {
        panic!("a JSON answer");
    };
    assert_eq!(err_code.as_deref(), Some("SUCCESS"));
}

/// The rendering as it was first written, over `Value`s, kept to check the compiled one.
mod reference {
    use super::*;
    use crate::domain::clock::BEIJING;
    use crate::protocol::generate::chars;
    use crate::protocol::timefmt::{format_compact, rfc3339_beijing};

    fn lookup<'v>(root: &'v Value, path: &str) -> Option<&'v Value> {
        path.split('.').try_fold(root, |v, key| v.get(key))
    }

    struct Ctx<'c, 'a, 'b, R: RngExt + ?Sized> {
        body: Value,
        app: Value,
        inner: &'c mut TemplateContext<'a, 'b, R>,
    }

    /// `None`: a request member the request lacks.
    fn eval<R: RngExt + ?Sized>(expr: &str, ctx: &mut Ctx<'_, '_, '_, R>) -> Option<Value> {
        let expr = expr.trim();
        let now = ctx.inner.now.with_timezone(&BEIJING);
        let value = match expr {
            "now" => Some(Value::String(now.format("%Y-%m-%d %H:%M:%S").to_string())),
            "now.compact" => Some(Value::String(format_compact(ctx.inner.now))),
            "now.date" => Some(Value::String(now.format("%Y%m%d").to_string())),
            "now.rfc3339" => Some(Value::String(rfc3339_beijing(ctx.inner.now))),
            "now.unix" => Some(Value::String(ctx.inner.now.timestamp().to_string())),
            "request.path" => Some(Value::String(ctx.inner.path.to_owned())),
            "request.method" => Some(Value::String(ctx.inner.method.to_owned())),
            _ => {
                if let Some(p) = expr.strip_prefix("request.body.") {
                    return lookup(&ctx.body, p).cloned();
                } else if let Some(p) = expr.strip_prefix("app.") {
                    lookup(&ctx.app, p).cloned()
                } else if let Some((kind, n)) =
                    expr.strip_prefix("random.").and_then(|r| r.split_once(' '))
                {
                    let n = n.trim().parse::<usize>().unwrap_or(0).min(256);
                    let alphabet: &[u8] = match kind {
                        "digits" => b"0123456789",
                        "hex" => b"0123456789abcdef",
                        "alnum" => {
                            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                        }
                        _ => b"",
                    };
                    (!alphabet.is_empty()).then(|| Value::String(chars(ctx.inner.rng, alphabet, n)))
                } else {
                    None
                }
            }
        };
        Some(value.unwrap_or(Value::String(String::new())))
    }

    fn render_str<R: RngExt + ?Sized>(s: &str, ctx: &mut Ctx<'_, '_, '_, R>) -> Option<Value> {
        let trimmed = s.trim();
        if trimmed.starts_with("{{")
            && trimmed.ends_with("}}")
            && trimmed.matches("{{").count() == 1
        {
            return eval(&trimmed[2..trimmed.len() - 2], ctx);
        }
        let mut out = String::new();
        let mut rest = s;
        while let Some(start) = rest.find("{{") {
            let Some(len) = rest[start..].find("}}") else {
                break;
            };
            out.push_str(&rest[..start]);
            match eval(&rest[start + 2..start + len], ctx) {
                Some(Value::String(v)) => out.push_str(&v),
                Some(other) => out.push_str(&other.to_string()),
                None => {}
            }
            rest = &rest[start + len + 2..];
        }
        out.push_str(rest);
        Some(Value::String(out))
    }

    /// `None`: left out of the object or array holding it.
    fn render<R: RngExt + ?Sized>(value: &Value, ctx: &mut Ctx<'_, '_, '_, R>) -> Option<Value> {
        Some(match value {
            Value::String(s) if s.contains("{{") => return render_str(s, ctx),
            Value::Array(items) => {
                Value::Array(items.iter().filter_map(|v| render(v, ctx)).collect())
            }
            Value::Object(map) => Value::Object(
                map.iter()
                    .filter_map(|(k, v)| Some((k.clone(), render(v, ctx)?)))
                    .collect(),
            ),
            other => other.clone(),
        })
    }

    /// Renders as before and sends it the way the gateway did.
    pub(super) fn wire<R: RngExt + ?Sized>(
        template: &Value,
        inner: &mut TemplateContext<'_, '_, R>,
    ) -> Rendered {
        let body = match serde_json::from_str(inner.body.text()) {
            // `{"data": {…}}` is read as the object inside.
            Ok(Value::Object(mut map))
                if map.len() == 1 && map.get("data").is_some_and(Value::is_object) =>
            {
                map.remove("data").unwrap_or(Value::Null)
            }
            Ok(value) => value,
            Err(_) => Value::Null,
        };
        let app = serde_json::to_value(inner.app).unwrap_or(Value::Null);
        let rendered =
            render(template, &mut Ctx { body, app, inner }).unwrap_or(Value::String(String::new()));
        let err_code = rendered
            .get("errCode")
            .and_then(Value::as_str)
            .map(str::to_owned);
        match rendered {
            Value::Null => Rendered::Empty,
            Value::String(text) => Rendered::Text(text),
            other => Rendered::Json {
                body: other.to_string().into_bytes(),
                err_code,
            },
        }
    }
}

fn template_string() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "{{request.body.a}}",
        " {{ request.body.b.a }} ",
        "x{{request.body.a}}y{{request.body.b}}",
        "{{request.body.n}}",
        "{{request.body.}}",
        "{{request.body}}",
        "{{app.name}}",
        "{{app.mid}}-{{app.subAppId}}",
        "{{app.appKey}}{{app.md5Key}}{{app.serviceId}}{{app.msgSrcId}}{{app.instMid}}{{app.tid}}{{app.appId}}",
        "{{app.notify}}",
        "{{app.notify.retrySchedule}}",
        "{{app.callbackUrl}}",
        "[{{app.callbackUrl}}]",
        "{{app.mid.x}}",
        "{{app.nope}}",
        "{{now}}",
        "{{now.compact}}|{{now.date}}|{{now.rfc3339}}|{{now.unix}}",
        "{{random.digits 4}}",
        "{{random.hex  3}}{{random.alnum 2}}",
        "{{random.alnum x}}",
        "{{random.bogus 3}}",
        "{{random.digits 999}}",
        "{{request.path}} {{request.method}}",
        "{{}}",
        "{{a}} }}",
        "{{{}}",
        "{{ unterminated",
        "a{{b",
        "}}{{now}}",
        "{{now}}{{",
        "plain",
        "",
        "\"quoted\"\n{{request.body.s}}",
    ])
    .prop_map(str::to_owned)
}

fn template_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        template_string().prop_map(Value::String),
        Just(Value::Null),
        Just(json!(1.5)),
        Just(json!(true)),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        let key = prop::sample::select(vec!["errCode", "a", "b", "msg"]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key, inner), 0..4).prop_map(|members| Value::Object(
                members
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect()
            )),
        ]
    })
}

fn request_body() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        r#"{"a":"A","b":{"a":[1,{"x":null}]},"n":null,"s":"q\"\u0001"}"#,
        r#"{"a":1,"a":"second","b":{"a":2,"a":{"z":1,"z":2}}}"#,
        r#"{"data":{"a":"inner","s":"\u0041"}}"#,
        r#"{"data":{"a":"first"},"data":{"b":{"a":[2]}}}"#,
        r#"{"data":"{\"a\":1}"}"#,
        r#"[1,2]"#,
        r#""text""#,
        "a=1&b=2",
        "",
        r#"{"a":1e400}"#,
    ])
}

proptest! {
    #[test]
    fn compiled_templates_answer_exactly_as_the_value_rendering_did(
        template in template_value(),
        body in request_body(),
        seed in any::<u64>(),
        secs in prop_oneof![Just(1_795_579_200i64), -70_000_000_000i64..300_000_000_000],
        callback in any::<bool>(),
    ) {
        let app = app(callback.then_some("https://merchant.example/notify"));
        let body = RequestBody::new(body.as_bytes());
        let now = DateTime::from_timestamp(secs, 0).unwrap_or_default();
        let run = |compiled: bool| {
            let mut rng = StdRng::seed_from_u64(seed);
            let out = {
                let mut ctx = TemplateContext {
                    body: &body, path: "/v1/x", method: "POST", app: &app, now, rng: &mut rng,
                };
                if compiled {
                    Template::compile(&template).render(&mut ctx)
                } else {
                    reference::wire(&template, &mut ctx)
                }
            };
            // The generator is left where it was.
            (out, rand::RngExt::random::<u64>(&mut rng))
        };
        prop_assert_eq!(run(true), run(false), "{}", template);
        let mut rng = StdRng::seed_from_u64(seed);
        let mut ctx = TemplateContext {
            body: &body, path: "/v1/x", method: "POST", app: &app, now, rng: &mut rng,
        };
        let value = Template::compile(&template).render_value(&mut ctx);
        let mut rng = StdRng::seed_from_u64(seed);
        let mut ctx = TemplateContext {
            body: &body, path: "/v1/x", method: "POST", app: &app, now, rng: &mut rng,
        };
        let expected = match reference::wire(&template, &mut ctx) {
            Rendered::Empty => b"null".to_vec(),
            Rendered::Text(text) => Value::String(text).to_string().into_bytes(),
            Rendered::Json { body, .. } => body,
        };
        prop_assert_eq!(value.to_string().into_bytes(), expected);
    }
}
