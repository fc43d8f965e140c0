//! HTTP to the signing services (Fulcio, the TSA, GitHub's token
//! endpoint): https only, or plain http to a loopback host; no redirects,
//! so a bearer token never travels to another host; bounded bodies and
//! times; a few retries of transient failures. Only the method and the
//! URL's origin and path are ever logged, never a header or a body.

use std::io::Read;
use std::time::Duration;

use reqwest::blocking::{Client, Response};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use zeroize::Zeroizing;

use crate::error::{Error, Result, without_secrets};

const USER_AGENT: &str = concat!("cargo-attest/", env!("CARGO_PKG_VERSION"));
/// Retries after a 5xx, a 429 or a connection failure.
const MAX_RETRIES: u32 = 2;
/// The largest answer body we read from a service, and the largest error
/// text we quote from one.
pub(crate) const MAX_BODY: u64 = 1024 * 1024;
const MAX_ERROR_TEXT: usize = 512;

/// Checks a service URL: https, or http only to a loopback host (where a
/// token cannot be read off the wire).
pub(crate) fn service_url(what: &str, url: &str) -> Result<Url> {
    let parsed = Url::parse(url)
        .map_err(|e| Error::usage(format!("{what} URL `{url}` is not a URL: {e}")))?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if is_loopback(&parsed) => Ok(parsed),
        "http" => Err(Error::usage(format!(
            "{what} URL `{url}` is plain http: identity tokens and signatures go only over \
             https (plain http is allowed to loopback hosts only)"
        ))),
        other => Err(Error::usage(format!(
            "{what} URL `{url}` has scheme `{other}`; use https"
        ))),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// What to log of a URL: origin and path, never the query (GitHub's token
/// request URL carries ids there) nor any user info.
pub(crate) fn shown(url: &Url) -> String {
    format!(
        "{}://{}{}",
        url.scheme(),
        url.host_str().unwrap_or(""),
        url.port().map(|p| format!(":{p}")).unwrap_or_default()
    ) + url.path()
}

/// A bearer token, kept out of `Debug` and wiped on drop.
pub(crate) struct Bearer<'a>(pub(crate) &'a str);

/// One request to a service.
pub(crate) struct Call<'a> {
    /// The service, as people know it ("Fulcio", "the timestamp authority").
    pub(crate) service: &'a str,
    pub(crate) method: Method,
    pub(crate) url: &'a Url,
    pub(crate) content_type: Option<&'a str>,
    pub(crate) accept: &'a str,
    pub(crate) body: Option<Vec<u8>>,
    pub(crate) bearer: Option<Bearer<'a>>,
}

/// A service's answer: status, (bounded) body, and where it points
/// (`Location`: Rekor v1 names the entry that already exists this way).
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) body: Vec<u8>,
    pub(crate) location: Option<String>,
}

impl Answer {
    /// The error for an unsuccessful answer: what the service did not do,
    /// its status and the start of what it said.
    pub(crate) fn refusal(&self, host: &str, what: String) -> Error {
        Error::registry(host, format!("{what} ({}): {}", self.status, self.text()))
    }

    /// The start of the body as text, for error messages.
    pub(crate) fn text(&self) -> String {
        self.text_without(&[])
    }

    /// The start of the body as text, with every secret the request
    /// carried cut out (`error::without_secrets`).
    pub(crate) fn text_without(&self, secrets: &[&str]) -> String {
        let text = without_secrets(&String::from_utf8_lossy(&self.body), secrets);
        let text = text.trim();
        match text.char_indices().nth(MAX_ERROR_TEXT) {
            Some((cut, _)) => format!("{}...", &text[..cut]),
            None => text.to_string(),
        }
    }
}

/// The HTTP client of the signing services.
pub(crate) struct Services {
    http: Client,
    retry_base: Duration,
}

impl Services {
    pub(crate) fn new() -> Result<Self> {
        let http = Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(Duration::from_secs(20))
            .timeout(Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::internal(format!("cannot set up HTTP: {e}")))?;
        Ok(Services {
            http,
            retry_base: Duration::from_millis(300),
        })
    }

    /// Sends `call`, retrying transient failures; any answer that arrived
    /// (2xx or not) is returned for the caller to judge.
    pub(crate) fn send(&self, call: &Call<'_>) -> Result<Answer> {
        let host = call.url.host_str().unwrap_or("").to_string();
        let mut attempt = 0;
        loop {
            tracing::trace!("{} {}", call.method, shown(call.url));
            let mut request = self
                .http
                .request(call.method.clone(), call.url.clone())
                .header(ACCEPT, call.accept);
            if let Some(ct) = call.content_type {
                request = request.header(CONTENT_TYPE, ct);
            }
            if let Some(Bearer(token)) = &call.bearer {
                let value = Zeroizing::new(format!("Bearer {token}"));
                let mut value = HeaderValue::from_str(&value).map_err(|_| {
                    Error::key(format!(
                        "the token for {} is not valid in an HTTP header",
                        call.service
                    ))
                })?;
                value.set_sensitive(true);
                request = request.header(AUTHORIZATION, value);
            }
            if let Some(body) = &call.body {
                request = request.body(body.clone());
            }
            let outcome = request.send();
            let transient = match &outcome {
                Ok(r) => {
                    r.status().is_server_error() || r.status() == StatusCode::TOO_MANY_REQUESTS
                }
                Err(e) => e.is_connect() || e.is_timeout(),
            };
            if transient && attempt < MAX_RETRIES {
                attempt += 1;
                let why = match &outcome {
                    Ok(r) => format!("answered {}", r.status()),
                    Err(e) => e.to_string(),
                };
                tracing::debug!("{} ({}) {why}; trying again", call.service, shown(call.url));
                std::thread::sleep(crate::retry::backoff(attempt, self.retry_base, 3));
                continue;
            }
            let response = outcome.map_err(|e| {
                Error::registry(
                    &host,
                    format!("cannot reach {} at {}", call.service, shown(call.url)),
                )
                .caused_by(without_url(e))
            })?;
            return read(response, call.service, &host);
        }
    }
}

/// reqwest's errors quote the whole URL, query included: drop it.
fn without_url(e: reqwest::Error) -> reqwest::Error {
    e.without_url()
}

fn read(response: Response, service: &str, host: &str) -> Result<Answer> {
    let status = response.status();
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut body = Vec::new();
    response
        .take(MAX_BODY + 1)
        .read_to_end(&mut body)
        .map_err(|e| {
            Error::registry(host, format!("cannot read the answer of {service}")).caused_by(e)
        })?;
    if body.len() as u64 > MAX_BODY {
        return Err(Error::registry(
            host,
            format!("{service} answered with more than {MAX_BODY} bytes"),
        ));
    }
    Ok(Answer {
        status,
        body,
        location,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoed_secrets_are_cut_from_error_text() {
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmFjbWUvd2lkZ2V0In0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg";
        let signature = jwt.rsplit('.').next().unwrap();
        let answer = Answer {
            status: StatusCode::BAD_REQUEST,
            body: format!("bad token {jwt}; signature {signature}; ok").into_bytes(),
            location: None,
        };
        let text = answer.text_without(&[jwt]);
        assert!(!text.contains(signature), "{text}");
        assert!(!text.contains("eyJ"), "{text}");
        assert_eq!(text, "bad token [redacted]; signature [redacted]; ok");
        // Cut before truncating, so no prefix of a secret survives.
        let long = Answer {
            status: StatusCode::BAD_REQUEST,
            body: format!("{}{jwt}", "x".repeat(MAX_ERROR_TEXT - 10)).into_bytes(),
            location: None,
        };
        assert!(!long.text_without(&[jwt]).contains("eyJ"));
    }

    #[test]
    fn plain_http_only_to_loopback() {
        for ok in [
            "https://fulcio.sigstore.dev",
            "http://127.0.0.1:5555/api",
            "http://[::1]:80",
            "http://localhost:1",
        ] {
            assert!(service_url("Fulcio", ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://fulcio.example",
            "http://10.0.0.1",
            "ftp://x",
            "not a url",
        ] {
            assert!(service_url("Fulcio", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn shown_urls_leave_out_queries_and_user_info() {
        let url = Url::parse("https://u:p@example.com:8443/token?audience=x&secret=1").unwrap();
        assert_eq!(shown(&url), "https://example.com:8443/token");
    }
}
