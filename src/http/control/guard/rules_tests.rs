use super::*;

fn list(entries: &[&str]) -> Vec<String> {
    entries.iter().map(|e| (*e).to_owned()).collect()
}

#[test]
fn a_host_splits_into_a_lower_case_name_and_a_port() {
    assert_eq!(
        split_host("LocalHost:8080"),
        Some(("localhost".into(), Some(8080)))
    );
    assert_eq!(split_host("[::1]:9000"), Some(("::1".into(), Some(9000))));
    assert_eq!(split_host("[::1]"), Some(("::1".into(), None)));
    assert_eq!(split_host("localhost."), Some(("localhost".into(), None)));
    assert_eq!(split_host("a:b"), None);
    assert_eq!(split_host("::1"), None);
    assert_eq!(split_host("[::1]x"), None);
    assert_eq!(split_host(""), None);
}

#[test]
fn loopback_names_and_ip_addresses_are_answered_and_other_names_only_when_allowed() {
    let none: Vec<String> = Vec::new();
    for host in [
        "localhost",
        "localhost:8080",
        "127.0.0.1:1",
        "[::1]:8080",
        "172.18.0.2:8080",
        "LOCALHOST.:80",
    ] {
        assert!(host_allowed(Some(host), "127.0.0.1", &none), "{host}");
    }
    for host in [
        "evil.example:8080",
        "localhost.evil.example",
        "127.0.0.1.nip.io:8080",
        "[::1",
        "",
    ] {
        assert!(!host_allowed(Some(host), "127.0.0.1", &none), "{host}");
    }
    assert!(
        host_allowed(None, "127.0.0.1", &none),
        "no Host: no browser"
    );
    assert!(
        host_allowed(Some("devbox:8080"), "devbox", &none),
        "the --host name"
    );
    let allowed = list(&["chinaums-mock", "proxy.test:443"]);
    assert!(host_allowed(
        Some("chinaums-mock:8080"),
        "0.0.0.0",
        &allowed
    ));
    assert!(host_allowed(Some("Chinaums-Mock"), "0.0.0.0", &allowed));
    assert!(host_allowed(Some("proxy.test:443"), "0.0.0.0", &allowed));
    assert!(!host_allowed(Some("proxy.test:8443"), "0.0.0.0", &allowed));
    assert!(!host_allowed(Some("evil.example"), "0.0.0.0", &allowed));
    assert!(host_allowed(
        Some("anything.example"),
        "0.0.0.0",
        &list(&["*"])
    ));
}

#[test]
fn the_sandboxs_own_pages_and_clients_without_a_page_may_change_state() {
    let none: Vec<String> = Vec::new();
    let host = Some("127.0.0.1:8080");
    // The dashboard, whose pages send no referrer: Origin null, but same-origin.
    assert!(origin_allowed(
        host,
        Some("null"),
        Some("same-origin"),
        &none
    ));
    assert!(origin_allowed(
        host,
        Some("http://127.0.0.1:8080"),
        None,
        &none
    ));
    assert!(origin_allowed(host, None, None, &none), "curl");
    assert!(origin_allowed(host, None, Some("none"), &none));
}

#[test]
fn other_origins_may_not_change_state_unless_allowed() {
    let none: Vec<String> = Vec::new();
    let host = Some("127.0.0.1:8080");
    assert!(!origin_allowed(
        host,
        Some("https://evil.example"),
        None,
        &none
    ));
    assert!(!origin_allowed(
        host,
        Some("https://evil.example"),
        Some("cross-site"),
        &none
    ));
    assert!(!origin_allowed(
        host,
        Some("http://localhost:3000"),
        Some("same-site"),
        &none
    ));
    assert!(!origin_allowed(host, Some("null"), None, &none));
    assert!(!origin_allowed(host, None, Some("cross-site"), &none));
    assert!(!origin_allowed(
        host,
        Some("http://127.0.0.1:8081"),
        None,
        &none
    ));
    let allowed = list(&["http://localhost:3000/"]);
    assert!(origin_allowed(
        host,
        Some("http://localhost:3000"),
        Some("same-site"),
        &allowed
    ));
    assert!(!origin_allowed(
        host,
        Some("http://localhost:3001"),
        Some("same-site"),
        &allowed
    ));
    assert!(origin_allowed(
        host,
        Some("https://evil.example"),
        Some("cross-site"),
        &list(&["*"])
    ));
}
