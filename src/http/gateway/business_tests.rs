use actix_web::dev::{ResourceDef, Url};
use proptest::prelude::*;

use super::is_business_path;

/// What the router decided with the route `/{version:[vV][0-9]+}/{service:.*}`.
fn routed(path: &str) -> bool {
    let uri = match path.parse::<actix_web::http::Uri>() {
        Ok(uri) => uri,
        Err(_) => return false,
    };
    ResourceDef::new("/{version:[vV][0-9]+}/{service:.*}").is_match(Url::new(uri).path())
}

#[test]
fn business_paths_are_told_as_the_router_told_them() {
    for (path, expected) in [
        ("/v1/netpay/wx/unified-order", true),
        ("/v1/", true),
        ("/V2/x", true),
        ("/%76%31/x", true),
        ("/v%31/x", true),
        ("/%56%39/x", true),
        ("/v1", false),
        ("/v/x", false),
        ("/v1x/y", false),
        ("/v1%2Fx", false),
        ("/v1%2fx/y", false),
        ("/%2576%31/x", false),
        ("/v1%2B/x", false),
        ("/x/v1/y", false),
        ("/", false),
        ("", false),
    ] {
        assert_eq!(is_business_path(path), expected, "{path}");
        if !path.is_empty() {
            assert_eq!(routed(path), expected, "{path}");
        }
    }
}

proptest! {
    #[test]
    fn any_path_is_a_business_path_exactly_when_the_router_said_so(
        path in "/[vV0-9%/+a-fA-F2xé.]{0,12}",
    ) {
        // Only paths a request line can carry.
        let Ok(uri) = path.parse::<actix_web::http::Uri>() else {
            return Ok(());
        };
        prop_assert_eq!(is_business_path(uri.path()), routed(&path), "{}", path);
    }
}
