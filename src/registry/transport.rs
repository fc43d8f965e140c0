//! Sending one request: authorization, the one retry policy of the client,
//! and reading answers with caps. A write that a protocol above must
//! re-read and merge is never replayed here ([`Replay::Never`]).

use std::io::Read;
use std::time::Duration;

use reqwest::blocking::{Body, Response};
use reqwest::header::{self, HeaderMap};
use reqwest::{Method, StatusCode, Url};

use super::client::Client;
use super::policy::same_origin;
use crate::error::{Error, Result, chain};
use crate::oci::errors::ErrorCode;
use crate::oci::store::Replay;

/// Retries of one request after 5xx, 429 or a connection failure.
pub(crate) const MAX_RETRIES: u32 = 4;
/// The longest `Retry-After` we honour.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// The largest error body we read for a message.
const ERROR_BODY_LIMIT: u64 = 64 * 1024;

/// What a request needs permission for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Access {
    Pull,
    Push,
}

/// The repository and access a request needs a token for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scope<'a> {
    pub(crate) repository: &'a str,
    pub(crate) access: Access,
}

impl<'a> Scope<'a> {
    pub(crate) fn pull(repository: &'a str) -> Self {
        Scope {
            repository,
            access: Access::Pull,
        }
    }

    pub(crate) fn push(repository: &'a str) -> Self {
        Scope {
            repository,
            access: Access::Push,
        }
    }
}

/// How to make a request body again for another attempt.
pub(crate) type BodyFactory<'a> = &'a (dyn Fn() -> Result<Body> + Sync);

/// One request, as [`Client::send`] takes it.
pub(crate) struct Request<'a> {
    pub(crate) method: Method,
    pub(crate) url: Url,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<BodyFactory<'a>>,
    pub(crate) scope: Scope<'a>,
    /// Bounds the whole request, body included.
    pub(crate) timeout: Duration,
    /// The most bytes the answer may bring: its deadline grows with it.
    pub(crate) expect: u64,
    pub(crate) replay: Replay,
}

/// What an answer may bring unless a request says more: a manifest's
/// worth.
const DEFAULT_EXPECT: u64 = 4 << 20;

impl<'a> Request<'a> {
    /// A bodiless, replayable request with a 60 s timeout.
    pub(crate) fn new(method: Method, url: Url, scope: Scope<'a>) -> Self {
        Request {
            method,
            url,
            headers: HeaderMap::new(),
            body: None,
            scope,
            timeout: Duration::from_secs(60),
            expect: DEFAULT_EXPECT,
            replay: Replay::Safe,
        }
    }
}

impl Client {
    /// Sends a request with auth and retries: transient failures (5xx, 429,
    /// connection errors) are retried up to [`MAX_RETRIES`] times when the
    /// request may be replayed; a 401 gets one fresh token and one more try
    /// (the registry did not act on it). `body` is called again for each
    /// attempt; `on_retry` hears of each new attempt.
    pub(crate) fn send(&self, request: Request<'_>, on_retry: &dyn Fn()) -> Result<Response> {
        let Request {
            method,
            url,
            headers,
            body,
            scope,
            timeout,
            expect,
            replay,
        } = request;
        let mut attempt = 0;
        let mut reauthenticated = false;
        let path = url.path().to_string();
        let limits = self.options.limits;
        let doing = || format!("{method} {path} on {}", self.host);
        loop {
            limits.check(&doing())?;
            let body = body.map(|make| make()).transpose()?;
            // The client applies this to the whole exchange: sending the
            // body, waiting for the answer, reading the answer's body. So
            // it is the stall window plus a second per MiB of what may go
            // both ways (a streamed body of unknown size gets the caller's
            // whole timeout).
            let per_call = match body.as_ref().map(|b| b.as_bytes().map(|b| b.len() as u64)) {
                None => timeout.min(limits.for_transfer(expect)),
                Some(Some(len)) => timeout.min(limits.for_transfer(len.saturating_add(expect))),
                Some(None) => timeout,
            };
            let mut builder = self
                .http
                .request(method.clone(), url.clone())
                .headers(headers.clone())
                .timeout(limits.cap(per_call));
            let authorized = same_origin(&url, &self.base);
            if authorized {
                builder = self.authorize(builder, scope)?;
            }
            if let Some(body) = body {
                builder = builder.body(body);
            }
            let response = match builder.send() {
                Ok(r) => r,
                Err(e) if e.is_timeout() && limits.expired() => {
                    return Err(limits.check(&doing()).err().unwrap_or_else(|| {
                        Error::registry(&self.host, format!("{method} {path}: timed out"))
                    }));
                }
                Err(e) if replay == Replay::Safe && attempt < MAX_RETRIES && is_transient(&e) => {
                    attempt += 1;
                    let wait = self.retry_wait(attempt);
                    tracing::warn!(
                        "{}, retry {attempt}/{MAX_RETRIES} in {:.1} s",
                        failure(&e, &self.host),
                        wait.as_secs_f64()
                    );
                    tracing::debug!("{method} {url}: {}", chain(&e));
                    limits.sleep(wait, &doing())?;
                    on_retry();
                    continue;
                }
                Err(e) => {
                    tracing::debug!("{method} {url}: {}", chain(&e));
                    // The cause without reqwest's wrapping, which repeats the
                    // full URL (shown at -v above).
                    return Err(Error::registry(
                        &self.host,
                        format!("{method} {path}: {}{}", short_cause(&e), likely_cause(&e)),
                    )
                    .caused_by(root_cause(&e)));
                }
            };
            let status = response.status();
            tracing::trace!("{method} {url} -> {}", status.as_u16());
            if status == StatusCode::UNAUTHORIZED && authorized && !reauthenticated {
                reauthenticated = true;
                self.authenticate(response.headers(), scope)?;
                on_retry();
                continue;
            }
            if status == StatusCode::UNAUTHORIZED {
                return Err(self.auth_failure(response));
            }
            let transient = status == StatusCode::TOO_MANY_REQUESTS
                || (status.is_server_error() && status != StatusCode::NOT_IMPLEMENTED);
            if transient && replay == Replay::Safe && attempt < MAX_RETRIES {
                attempt += 1;
                let wait = retry_after(&response).unwrap_or_else(|| self.retry_wait(attempt));
                tracing::warn!(
                    "{} from {}, retry {attempt}/{MAX_RETRIES} in {:.1} s",
                    status.as_u16(),
                    self.host,
                    wait.as_secs_f64()
                );
                tracing::debug!("{method} {url} -> {}", status.as_u16());
                limits.sleep(wait, &doing())?;
                on_retry();
                continue;
            }
            return Ok(response);
        }
    }

    /// `GET /v2/`: checks that the registry answers and the credentials work.
    pub(crate) fn ping(&self, repository_hint: Option<&str>) -> Result<()> {
        self.ping_with(Scope::pull(repository_hint.unwrap_or("")))
    }

    /// `GET /v2/` with a push-scoped token for `repository`: before a push
    /// does any work, the registry answers and the token service (where
    /// there is one) accepts our credentials for that scope.
    pub(crate) fn ping_for_push(&self, repository: &str) -> Result<()> {
        self.ping_with(Scope::push(repository))
    }

    fn ping_with(&self, scope: Scope<'_>) -> Result<()> {
        let response = self.send(Request::new(Method::GET, self.url("/v2/")?, scope), &|| {})?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(self.unexpected("GET /v2/", response))
        }
    }

    fn retry_wait(&self, attempt: u32) -> Duration {
        crate::retry::backoff(attempt, self.retry_base, 6)
    }

    /// Turns an unexpected response into an error with the registry's words.
    pub(crate) fn unexpected(&self, what: &str, response: Response) -> Error {
        let status = response.status();
        let detail = self.error_detail(response);
        if status == StatusCode::FORBIDDEN {
            return Error::auth(
                &self.host,
                format!("{what}: access denied (HTTP 403){detail}"),
            );
        }
        Error::registry(
            &self.host,
            format!(
                "{what}: HTTP {}{detail}{}",
                status.as_u16(),
                status_hint(status.as_u16())
            ),
        )
    }

    /// The error for a refused write whose answer was already read.
    pub(crate) fn refused(&self, what: &str, status: u16, body: &str) -> Error {
        if status == 403 {
            return Error::auth(&self.host, format!("{what}: access denied (HTTP 403)"));
        }
        let body = body.trim();
        Error::registry(
            &self.host,
            if body.is_empty() {
                format!("{what}: HTTP {status}{}", status_hint(status))
            } else {
                format!("{what}: HTTP {status}: {body}{}", status_hint(status))
            },
        )
    }
}

/// What to do about a refusal whose status says more than the registry's
/// words may.
fn status_hint(status: u16) -> &'static str {
    match status {
        413 => {
            " (the registry, or a proxy in front of it, limits the size of a request: raise that limit)"
        }
        _ => "",
    }
}

/// A header as text, if present and readable.
pub(crate) fn header_string(
    response: &Response,
    name: impl header::AsHeaderName,
) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Why an answer's body could not be read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// Larger than the cap: the registry is not to be believed.
    TooLarge(u64),
    /// The connection broke off, stalled, or the body was cut short: worth
    /// a retry for reads.
    Broken(std::io::Error),
    /// The body came, but too slowly to finish within its deadline (a
    /// drip): worth a retry for reads too.
    TooSlow(Duration),
}

impl BodyError {
    /// Whether a read that failed so may be tried again.
    pub(crate) fn retryable(&self) -> bool {
        matches!(self, BodyError::Broken(_) | BodyError::TooSlow(_))
    }
}

impl std::fmt::Display for BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BodyError::TooLarge(limit) => write!(f, "response larger than {limit} bytes"),
            BodyError::Broken(e) => write!(f, "the answer broke off or stalled ({})", chain(e)),
            BodyError::TooSlow(limit) => write!(
                f,
                "the answer came too slowly: not complete after {}",
                crate::deadline::human(*limit)
            ),
        }
    }
}

/// Reads at most `limit` bytes within `within`: registry input is
/// untrusted, and a body that trickles in must not hold a command for
/// ever. (The client bounds each read by the stall window; this bounds
/// them all together.)
pub(crate) fn read_limited(
    response: Response,
    limit: u64,
    within: Duration,
) -> Result<Vec<u8>, BodyError> {
    let deadline = std::time::Instant::now() + within;
    let mut bytes = Vec::new();
    let mut reader = response.take(limit + 1);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        if std::time::Instant::now() >= deadline {
            return Err(BodyError::TooSlow(within));
        }
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(BodyError::Broken(e)),
        }
    }
    if bytes.len() as u64 > limit {
        return Err(BodyError::TooLarge(limit));
    }
    Ok(bytes)
}

impl Client {
    /// An error answer: the distribution spec's error codes in it, and the
    /// start of its body with our credentials cut out before it is
    /// shortened (a registry may echo what it was sent).
    pub(crate) fn error_answer(&self, response: Response) -> (Vec<ErrorCode>, String) {
        let bytes = read_prefix(response, ERROR_BODY_LIMIT);
        let text = self
            .without_credentials(&String::from_utf8_lossy(&bytes))
            .chars()
            .take(500)
            .collect();
        (ErrorCode::all_in(&bytes), text)
    }

    /// The registry's error message (OCI error JSON), kept short, with our
    /// credentials cut out first.
    fn error_detail(&self, response: Response) -> String {
        let bytes = read_prefix(response, ERROR_BODY_LIMIT);
        #[derive(serde::Deserialize)]
        struct Errors {
            errors: Vec<ErrorItem>,
        }
        #[derive(serde::Deserialize)]
        struct ErrorItem {
            #[serde(default)]
            code: String,
            #[serde(default)]
            message: String,
        }
        if let Ok(parsed) = serde_json::from_slice::<Errors>(&bytes)
            && !parsed.errors.is_empty()
        {
            let parts: Vec<String> = parsed
                .errors
                .iter()
                .take(5)
                .map(|e| {
                    let text = self.without_credentials(&format!("{} {}", e.code, e.message));
                    text.trim().chars().take(200).collect()
                })
                .collect();
            return format!(": {}", parts.join("; "));
        }
        let text = self.without_credentials(&String::from_utf8_lossy(&bytes));
        let text: String = text.chars().take(200).collect();
        let text = text.trim();
        if text.is_empty() {
            String::new()
        } else {
            format!(": {text}")
        }
    }
}

/// The start of an answer's body, for messages (capped).
fn read_prefix(response: Response, limit: u64) -> Vec<u8> {
    let mut bytes = Vec::new();
    let _ = response.take(limit).read_to_end(&mut bytes);
    bytes
}

fn is_transient(e: &reqwest::Error) -> bool {
    e.is_connect() || e.is_timeout() || e.is_request() || e.is_body()
}

/// What went wrong, in a few words (the full chain is logged at `-v`).
pub(crate) fn short_cause(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else if e.is_body() {
        "connection dropped while sending"
    } else if e.is_decode() {
        "unreadable answer"
    } else if e.is_request() {
        "connection failed"
    } else {
        "request failed"
    }
}

/// A failed exchange with `host`, for a retry line.
fn failure(e: &reqwest::Error, host: &str) -> String {
    if e.is_timeout() {
        format!("{host} timed out")
    } else if e.is_connect() {
        format!("cannot connect to {host}")
    } else if e.is_body() {
        format!("the connection to {host} dropped while sending")
    } else {
        format!("the request to {host} failed")
    }
}

/// The innermost cause of an error (an OS error, a TLS alert).
pub(crate) fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

fn likely_cause(e: &reqwest::Error) -> &'static str {
    if e.is_connect() {
        " (is the registry running, and the host and port right? -v shows the details)"
    } else if e.is_timeout() {
        " (slow link or overloaded registry; -v shows the details)"
    } else {
        " (-v shows the details)"
    }
}

/// `Retry-After` in seconds (capped); HTTP dates are not honoured.
pub(crate) fn retry_after(response: &Response) -> Option<Duration> {
    let value = response.headers().get(header::RETRY_AFTER)?.to_str().ok()?;
    let seconds: u64 = value.trim().parse().ok()?;
    Some(Duration::from_secs(seconds).min(MAX_RETRY_AFTER))
}
