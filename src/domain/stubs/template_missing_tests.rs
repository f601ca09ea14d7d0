//! Answers leave out the members the request lacks.

use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::json;

use super::tests::{app, at};
use super::*;

#[test]
fn a_member_the_request_lacks_is_left_out_of_the_answer() {
    let template = Template::compile(&json!({
        "errCode": "SUCCESS",
        "srcReserve": "{{request.body.srcReserve}}",
        "merOrderId": "{{request.body.merOrderId}}",
        "note": "for {{request.body.srcReserve}}",
        "echo": ["{{request.body.srcReserve}}", "{{request.body.merOrderId}}"],
        "nested": {"attached": "{{request.body.attachedData}}", "n": "{{request.body.n}}"},
    }));
    let app = app(None);
    let render = |body: &[u8]| {
        let body = RequestBody::new(body);
        let mut rng = StdRng::seed_from_u64(1);
        let mut ctx = TemplateContext {
            body: &body,
            path: "/v1/x",
            method: "POST",
            app: &app,
            now: at("20261125120000"),
            rng: &mut rng,
        };
        template.render(&mut ctx)
    };
    assert_eq!(
        render(br#"{"merOrderId":"M1","n":null}"#),
        Rendered::Json {
            body: br#"{"errCode":"SUCCESS","merOrderId":"M1","note":"for ","echo":["M1"],"nested":{"n":null}}"#.to_vec(),
            err_code: Some("SUCCESS".into()),
        }
    );
    // A body that is not JSON lacks every member.
    assert_eq!(
        render(b"a=1"),
        Rendered::Json {
            body: br#"{"errCode":"SUCCESS","note":"for ","echo":[],"nested":{}}"#.to_vec(),
            err_code: Some("SUCCESS".into()),
        }
    );
}

#[test]
fn an_err_code_the_request_lacks_leaves_the_answer_without_one() {
    let template = Template::compile(&json!({"errCode": "{{request.body.code}}", "a": 1}));
    let app = app(None);
    let body = RequestBody::new(b"{}");
    let mut rng = StdRng::seed_from_u64(1);
    let mut ctx = TemplateContext {
        body: &body,
        path: "/v1/x",
        method: "POST",
        app: &app,
        now: at("20261125120000"),
        rng: &mut rng,
    };
    assert_eq!(
        template.render(&mut ctx),
        Rendered::Json {
            body: br#"{"a":1}"#.to_vec(),
            err_code: None,
        }
    );
}
