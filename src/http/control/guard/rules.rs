//! Which browsers' requests the control API answers, as pure rules over the request's `Host`,
//! `Origin` and `Sec-Fetch-Site` headers.
//!
//! Two attacks are closed. *DNS rebinding*: a page on `evil.example` makes its name resolve to
//! 127.0.0.1 and then reads the sandbox as its own origin; the browser still sends
//! `Host: evil.example:8080`, which names neither the sandbox's machine nor an allowed name.
//! *Cross-site requests*: any page may send a form or a `text/plain` POST to localhost without
//! reading the answer; it carries the page's `Origin` and `Sec-Fetch-Site: cross-site`.
//! Clients that are not browsers (curl, the SDKs, the command line) send no `Origin` and pass.

use std::net::IpAddr;

/// A `Host` value as name and port: `[::1]:8080` → (`::1`, 8080). The name is lower case,
/// without the brackets of an IPv6 address or a final dot. `None` when it is no host at all.
pub fn split_host(value: &str) -> Option<(String, Option<u16>)> {
    let value = value.trim();
    let (name, port) = if let Some(rest) = value.strip_prefix('[') {
        let (name, after) = rest.split_once(']')?;
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?.parse().ok()?),
        };
        (name, port)
    } else {
        match value.split_once(':') {
            None => (value, None),
            Some((name, port)) => (name, Some(port.parse().ok()?)),
        }
    };
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    (!name.is_empty()).then_some((name, port))
}

/// Whether the control API answers a request with this `Host` header (`None`: the request
/// named no host, as only clients that are not browsers do).
///
/// It answers `localhost` and any IP address (a page whose origin is an IP address is served
/// by that address, so it cannot be rebound), `bind` (`--host`, when it is a name), and the
/// entries of `allowed` (`--allow-host`): `name` for any port, `name:port` for that one, `*`
/// for anything.
///
/// ```text
/// localhost:8080, 127.0.0.1, [::1]:9000, 172.18.0.2:8080   answered
/// chinaums-mock:8080 with --allow-host chinaums-mock        answered
/// evil.example:8080                                          refused
/// ```
pub fn host_allowed(host: Option<&str>, bind: &str, allowed: &[String]) -> bool {
    let Some(host) = host else {
        return true;
    };
    if allowed.iter().any(|a| a.trim() == "*") {
        return true;
    }
    let Some((name, port)) = split_host(host) else {
        return false;
    };
    if name == "localhost" || name.parse::<IpAddr>().is_ok() {
        return true;
    }
    if split_host(bind).is_some_and(|(b, _)| b == name) {
        return true;
    }
    allowed
        .iter()
        .filter_map(|entry| split_host(entry))
        .any(|(n, p)| n == name && (p.is_none() || p == port))
}

/// Whether a browser may make a state-changing request (anything but GET and HEAD): a request
/// from the sandbox's own pages, or from an origin in `allowed` (`--allow-origin`, `*` for
/// any), or from no browser at all.
///
/// The page's own requests say `Sec-Fetch-Site: same-origin`, or, where the browser sends no
/// such header, carry an `Origin` naming the host the request went to. A request with neither
/// `Origin` nor a cross-site `Sec-Fetch-Site` comes from no web page.
///
/// ```text
/// Sec-Fetch-Site: same-origin                          allowed
/// Origin: http://127.0.0.1:8080 to Host 127.0.0.1:8080  allowed
/// no Origin, no Sec-Fetch-Site (curl, an SDK)          allowed
/// Origin: https://evil.example                         refused, unless allowed
/// Sec-Fetch-Site: cross-site                           refused, unless its Origin is allowed
/// ```
pub fn origin_allowed(
    host: Option<&str>,
    origin: Option<&str>,
    fetch_site: Option<&str>,
    allowed: &[String],
) -> bool {
    let fetch_site = fetch_site.map(|s| s.trim().to_ascii_lowercase());
    if fetch_site.as_deref() == Some("same-origin") {
        return true;
    }
    let Some(origin) = origin.map(|o| o.trim().to_ascii_lowercase()) else {
        return !matches!(fetch_site.as_deref(), Some("cross-site" | "same-site"));
    };
    if allowed.iter().any(|a| {
        let a = a.trim().trim_end_matches('/').to_ascii_lowercase();
        a == "*" || a == origin
    }) {
        return true;
    }
    let own = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    own.is_some_and(|o| host.is_some_and(|h| o == h.trim().to_ascii_lowercase()))
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
