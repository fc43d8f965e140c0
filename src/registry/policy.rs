//! Where credentials and content may travel: the plain-HTTP and loopback
//! rules. URLs are parsed once, with the parser reqwest sends with, so a
//! check and the request it guards can never read a URL differently.

use std::net::IpAddr;

use reqwest::Url;
use url::Host;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Options {
    /// Speak plain HTTP to any host (else only to loopback hosts).
    pub(crate) plain_http: bool,
    /// Skip TLS certificate verification.
    pub(crate) insecure: bool,
    /// The stall window and the command's bound every request runs under.
    pub(crate) limits: crate::deadline::Limits,
}

/// Whether a parsed URL's host is a loopback address or `localhost`.
pub(crate) fn url_is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Whether `host` (`name[:port]`) is a loopback host, where plain HTTP is
/// allowed without asking.
pub(crate) fn is_loopback(host: &str) -> bool {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return ip.is_loopback();
    }
    if host.contains(['@', '/', '?', '#']) {
        return false;
    }
    Url::parse(&format!("http://{host}/")).is_ok_and(|u| url_is_loopback(&u))
}

/// The URL scheme for `host`, refusing plain HTTP where it is not allowed.
/// `requested` is the scheme the user wrote (`http://host`), if any.
pub(crate) fn scheme_for(
    host: &str,
    requested: Option<&str>,
    options: &Options,
) -> Result<&'static str> {
    let plain_ok = options.plain_http || is_loopback(host);
    match requested {
        Some("http") if !plain_ok => Err(Error::usage(format!(
            "refusing plain HTTP to {host}: credentials and content would cross the network \
             unencrypted. Plain HTTP is allowed only for loopback hosts; pass --plain-http to \
             allow it for {host}"
        ))),
        Some("http") => Ok("http"),
        Some("https") => Ok("https"),
        Some(other) => Err(Error::usage(format!(
            "unsupported scheme `{other}://` for {host}: use https"
        ))),
        None if plain_ok => Ok("http"),
        None => Ok("https"),
    }
}

/// Whether a token realm may receive the user's credentials: https, or
/// plain http to a loopback host, or (with --plain-http) to the registry's
/// own host. Never a URL with userinfo: that is how a realm hides its host.
pub(crate) fn realm_allowed(realm: &Url, registry: &Url, options: &Options) -> bool {
    if !realm.username().is_empty() || realm.password().is_some() {
        return false;
    }
    match realm.scheme() {
        "https" => true,
        "http" => {
            url_is_loopback(realm)
                || (options.plain_http && realm.host_str() == registry.host_str())
        }
        _ => false,
    }
}

/// Same scheme, host and port: where Authorization may be sent.
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// A redirect or `Location` that would leave https for plain http.
pub(crate) fn is_downgrade(from: &Url, to: &Url) -> bool {
    from.scheme() == "https" && to.scheme() != "https"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for h in [
            "localhost",
            "localhost:5000",
            "127.0.0.1:5000",
            "127.1.2.3",
            "[::1]:443",
            "::1",
        ] {
            assert!(is_loopback(h), "{h}");
        }
        for h in [
            "example.com",
            "10.0.0.1:5000",
            "localhost.example.com",
            "[2001:db8::1]:5000",
            "[::1]:x@evil.test:80",
            "127.0.0.1@evil.test",
        ] {
            assert!(!is_loopback(h), "{h}");
        }
    }

    #[test]
    fn plain_http_rules() {
        let default = Options::default();
        assert_eq!(
            scheme_for("127.0.0.1:5000", None, &default).unwrap(),
            "http"
        );
        assert_eq!(scheme_for("ghcr.io", None, &default).unwrap(), "https");
        let err = scheme_for("registry.example.com", Some("http"), &default).unwrap_err();
        assert!(err.to_string().contains("--plain-http"), "{err}");
        let plain = Options {
            plain_http: true,
            ..default
        };
        assert_eq!(
            scheme_for("registry.example.com", Some("http"), &plain).unwrap(),
            "http"
        );
    }

    #[test]
    fn realms_that_may_get_credentials() {
        let registry = Url::parse("http://127.0.0.1:5000/").unwrap();
        let ok = |r: &str| realm_allowed(&Url::parse(r).unwrap(), &registry, &Options::default());
        assert!(ok("https://auth.example.com/token"));
        assert!(ok("http://127.0.0.1:9000/token"));
        assert!(ok("http://[::1]:9000/token"));
        assert!(!ok("http://evil.test:9000/token"));
        assert!(!ok("http://[::1]:x@evil.test:9000/token"));
        assert!(!ok("https://user:pw@auth.example.com/token"));
        assert!(!ok("ftp://127.0.0.1/token"));
    }
}
