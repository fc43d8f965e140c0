//! Registry authentication: `WWW-Authenticate` challenges, the Docker/OCI
//! Bearer token flow with minimal scopes, and a token cache keyed by scope
//! that honours expiry: a token is refreshed before it runs out, and a 401
//! on a token the registry no longer takes fetches a new one once.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use reqwest::blocking::{RequestBuilder, Response};
use reqwest::header;
use reqwest::{StatusCode, Url};
use zeroize::Zeroizing;

use super::client::Client;
use super::policy::realm_allowed;
use super::tokens::{Realm, Token};
use super::transport::{Access, Scope, read_limited, short_cause};
use crate::credentials::{Credential, Secret};
use crate::error::{Error, Result};

/// A challenge from a 401 response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Challenge {
    Basic,
    Bearer {
        realm: String,
        service: Option<String>,
        scope: Option<String>,
    },
}

/// Parses a `WWW-Authenticate` header value (RFC 7235 auth-params, quoted
/// or not). Unknown schemes give `None`.
pub(crate) fn parse_challenge(header: &str) -> Option<Challenge> {
    let header = header.trim();
    let (scheme, rest) = header
        .split_once(char::is_whitespace)
        .unwrap_or((header, ""));
    if scheme.eq_ignore_ascii_case("basic") {
        return Some(Challenge::Basic);
    }
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let params = parse_params(rest);
    Some(Challenge::Bearer {
        realm: params.get("realm")?.clone(),
        service: params.get("service").cloned(),
        scope: params.get("scope").cloned(),
    })
}

fn parse_params(text: &str) -> BTreeMap<String, String> {
    let mut params = BTreeMap::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        let key: String = chars.by_ref().take_while(|c| *c != '=').collect();
        if key.is_empty() {
            break;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        if let Some(n) = chars.next() {
                            value.push(n);
                        }
                    }
                    '"' => break,
                    c => value.push(c),
                }
            }
        } else {
            while let Some(c) = chars.peek() {
                if *c == ',' {
                    break;
                }
                value.push(*c);
                chars.next();
            }
            value = value.trim().to_string();
        }
        params.insert(key.trim().to_ascii_lowercase(), value);
    }
    params
}

/// The scope a request needs: pull for reads, pull+push for writes.
pub(crate) fn repository_scope(repository: &str, push: bool) -> String {
    if push {
        format!("repository:{repository}:pull,push")
    } else {
        format!("repository:{repository}:pull")
    }
}

fn scope_string(scope: Scope<'_>) -> String {
    if scope.repository.is_empty() {
        return String::new();
    }
    repository_scope(scope.repository, scope.access == Access::Push)
}

/// Token endpoint response (Docker token spec: `token` or `access_token`,
/// `expires_in` seconds, 60 when absent).
#[derive(Debug, serde::Deserialize)]
pub(crate) struct TokenResponse {
    #[serde(default)]
    pub(crate) token: Option<String>,
    #[serde(default)]
    pub(crate) access_token: Option<String>,
    #[serde(default)]
    pub(crate) expires_in: Option<u64>,
}

impl TokenResponse {
    pub(crate) fn into_token(self) -> Option<String> {
        self.token
            .filter(|t| !t.is_empty())
            .or(self.access_token.filter(|t| !t.is_empty()))
    }

    /// When a token answered at `requested_at` is to be refreshed: a
    /// little before it runs out (a quarter of its lifetime, at most 30 s).
    pub(crate) fn refresh_at(&self, requested_at: Instant) -> Instant {
        let lifetime = self
            .expires_in
            .map(Duration::from_secs)
            .unwrap_or(DEFAULT_TOKEN_LIFETIME)
            .min(MAX_TOKEN_LIFETIME);
        let margin = (lifetime / 4).min(Duration::from_secs(30));
        requested_at + lifetime.saturating_sub(margin)
    }
}

/// The largest token answer we read: real ones are a few KiB.
const TOKEN_BODY_LIMIT: u64 = 1024 * 1024;
/// The token spec's default lifetime, and the floor we assume.
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(60);
/// The longest lifetime we believe: a day, far beyond any command, and
/// small enough that adding it to an `Instant` cannot overflow.
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

impl Client {
    /// Adds the credentials a request to the registry itself needs: a live
    /// token for its scope (fetched ahead of the 401 once the realm is
    /// known, and refreshed before it expires), or Basic auth.
    pub(super) fn authorize(
        &self,
        request: RequestBuilder,
        scope: Scope<'_>,
    ) -> Result<RequestBuilder> {
        let key = scope_string(scope);
        let (token, realm, basic) = {
            let inner = self.auth.lock();
            let live = inner
                .tokens
                .get(&key)
                .filter(|t| Instant::now() < t.refresh_at)
                .map(|t| t.value.clone());
            (live, inner.realm.clone(), inner.basic)
        };
        if let Some(token) = token {
            return Ok(request.bearer_auth(token.as_str()));
        }
        if let Some(realm) = realm {
            let token = self.fetch_token(&realm, &key, None)?;
            return Ok(request.bearer_auth(token.as_str()));
        }
        if basic
            && let Some(Credential {
                secret: Secret::Password { username, password },
                ..
            }) = &self.credential
        {
            return Ok(request.basic_auth(username, Some(password.as_str())));
        }
        Ok(request)
    }

    /// Answers a 401 challenge: a new Bearer token for exactly the scope
    /// this request needs (plus the scope the challenge names), replacing
    /// any cached one the registry no longer accepts; or Basic auth.
    pub(super) fn authenticate(&self, response: &Response, scope: Scope<'_>) -> Result<()> {
        let challenge = response
            .headers()
            .get_all(header::WWW_AUTHENTICATE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(parse_challenge)
            .max_by_key(|c| matches!(c, Challenge::Bearer { .. }));
        match challenge {
            Some(Challenge::Basic) => {
                if self.credential.is_none() {
                    return Err(self.no_credentials());
                }
                if !matches!(
                    self.credential.as_ref().map(|c| &c.secret),
                    Some(Secret::Password { .. })
                ) {
                    return Err(Error::auth(
                        &self.host,
                        "the registry asks for Basic auth, but only an identity token is configured",
                    ));
                }
                self.auth.lock().basic = true;
                Ok(())
            }
            Some(Challenge::Bearer {
                realm,
                service,
                scope: challenged,
            }) => {
                let url = Url::parse(&realm).map_err(|_| {
                    Error::auth(
                        &self.host,
                        format!("the token realm `{realm}` is not a URL"),
                    )
                })?;
                let realm = Realm { url, service };
                let key = scope_string(scope);
                self.fetch_token(&realm, &key, challenged.as_deref())?;
                self.auth.lock().realm = Some(realm);
                Ok(())
            }
            None => Err(Error::auth(
                &self.host,
                "the registry requires authentication but sent no usable challenge",
            )),
        }
    }

    /// Fetches a token for `scope` (and `extra_scope`, when a challenge
    /// names another) and caches it under `scope`.
    fn fetch_token(
        &self,
        realm: &Realm,
        scope: &str,
        extra_scope: Option<&str>,
    ) -> Result<Zeroizing<String>> {
        // The realm gets our credentials: https, or plain http to loopback.
        if self.credential.is_some() && !realm_allowed(&realm.url, &self.base, &self.options) {
            return Err(Error::auth(
                &self.host,
                format!(
                    "refusing to send credentials to the token realm {}: not https \
                     (plain http is allowed only to loopback hosts)",
                    redact_url(&realm.url)
                ),
            ));
        }
        let mut scopes: Vec<&str> = Vec::new();
        if !scope.is_empty() {
            scopes.push(scope);
        }
        if let Some(extra) = extra_scope.filter(|s| !s.is_empty() && *s != scope) {
            scopes.push(extra);
        }
        let mut query: Vec<(&str, &str)> = scopes.iter().map(|s| ("scope", *s)).collect();
        if let Some(s) = &realm.service {
            query.push(("service", s));
        }
        let request = match &self.credential {
            Some(Credential {
                secret: Secret::IdentityToken(refresh),
                ..
            }) => {
                let mut form = query.clone();
                form.extend([
                    ("grant_type", "refresh_token"),
                    ("refresh_token", refresh.as_str()),
                    ("client_id", "cargo-attest"),
                ]);
                self.http.post(realm.url.clone()).form(&form)
            }
            Some(Credential {
                secret: Secret::Password { username, password },
                ..
            }) => self
                .http
                .get(realm.url.clone())
                .query(&query)
                .basic_auth(username, Some(password.as_str())),
            None => self.http.get(realm.url.clone()).query(&query),
        };
        let shown = redact_url(&realm.url);
        tracing::debug!("token request to {shown} for {}", scopes.join(" "));
        let requested_at = Instant::now();
        let response = request
            .timeout(Duration::from_secs(60))
            .send()
            .map_err(|e| {
                Error::registry(
                    &self.host,
                    format!("token service {shown}: {}", short_cause(&e)),
                )
                .caused_by(e)
            })?;
        let status = response.status();
        if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
            return Err(if let Some(c) = &self.credential {
                Error::auth(
                    &self.host,
                    format!(
                        "the token service rejected the credentials from {} (HTTP {}); check them, or log in again with `cargo attest login {}`",
                        c.source,
                        status.as_u16(),
                        self.host
                    ),
                )
            } else {
                self.no_credentials()
            });
        }
        if !status.is_success() {
            return Err(Error::registry(
                &self.host,
                format!("token service {shown} answered HTTP {}", status.as_u16()),
            ));
        }
        let body = Zeroizing::new(
            read_limited(response, TOKEN_BODY_LIMIT)
                .map_err(|e| Error::registry(&self.host, format!("token service {shown}: {e}")))?,
        );
        let parsed: TokenResponse = serde_json::from_slice(&body).map_err(|_| {
            Error::registry(
                &self.host,
                format!("token service {shown} sent no JSON token"),
            )
        })?;
        let refresh_at = parsed.refresh_at(requested_at);
        let token = parsed.into_token().map(Zeroizing::new).ok_or_else(|| {
            Error::registry(
                &self.host,
                format!("token service {shown} sent an empty token"),
            )
        })?;
        self.auth.lock().tokens.insert(
            scope.to_string(),
            Token {
                value: token.clone(),
                refresh_at,
            },
        );
        Ok(token)
    }

    pub(super) fn no_credentials(&self) -> Error {
        Error::auth(
            &self.host,
            format!(
                "the registry requires credentials and none were found; run `cargo attest login {}`, \
                 or set CARGO_ATTEST_REGISTRY={} with CARGO_ATTEST_REGISTRY_USERNAME and CARGO_ATTEST_REGISTRY_PASSWORD",
                self.host, self.host
            ),
        )
    }

    pub(super) fn auth_failure(&self, response: Response) -> Error {
        let status = response.status().as_u16();
        drop(response);
        match &self.credential {
            None => self.no_credentials(),
            Some(c) => Error::auth(
                &self.host,
                format!(
                    "the registry rejected the credentials from {} (HTTP {status})",
                    c.source
                ),
            ),
        }
    }
}

/// A URL for messages: scheme, host, port and path; never userinfo or query.
fn redact_url(url: &Url) -> String {
    format!(
        "{}://{}{}{}",
        url.scheme(),
        url.host_str().unwrap_or(""),
        url.port().map(|p| format!(":{p}")).unwrap_or_default(),
        url.path()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_challenges() {
        let c = parse_challenge(
            r#"Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull,push""#,
        )
        .unwrap();
        assert_eq!(
            c,
            Challenge::Bearer {
                realm: "https://auth.example.com/token".into(),
                service: Some("registry.example.com".into()),
                scope: Some("repository:a/b:pull,push".into()),
            }
        );
        assert_eq!(parse_challenge("Basic realm=\"x\""), Some(Challenge::Basic));
        assert_eq!(parse_challenge("Negotiate abc"), None);
        assert_eq!(parse_challenge("Bearer service=x"), None);
        let unquoted = parse_challenge("bearer realm=https://a/t, service=s").unwrap();
        assert!(matches!(unquoted, Challenge::Bearer { realm, .. } if realm == "https://a/t"));
    }

    #[test]
    fn token_lifetimes() {
        let at = |json: &str| {
            let now = Instant::now();
            let parsed: TokenResponse = serde_json::from_str(json).unwrap();
            parsed.refresh_at(now) - now
        };
        assert_eq!(at(r#"{"token":"t"}"#), Duration::from_secs(45));
        assert_eq!(
            at(r#"{"token":"t","expires_in":300}"#),
            Duration::from_secs(270)
        );
        assert_eq!(at(r#"{"token":"t","expires_in":0}"#), Duration::ZERO);
        // Found by fuzzing: a huge expires_in overflowed the Instant and
        // panicked, so any token service could crash the command.
        assert_eq!(
            at(r#"{"token":"t","expires_in":18446744073709551615}"#),
            MAX_TOKEN_LIFETIME - Duration::from_secs(30)
        );
    }

    #[test]
    fn garbage_never_panics() {
        for text in [
            "",
            "Bearer",
            "Bearer realm=\"",
            "Bearer ===",
            "Bearer realm=\"a\\",
            ",,,",
        ] {
            let _ = parse_challenge(text);
        }
    }
}

/// Randomised robustness checks of the parsers that read registry input:
/// challenges, references, manifests and indexes, token responses. Not
/// coverage-guided, but deterministic and run on every `cargo test`.
#[cfg(test)]
mod fuzz {
    use super::*;
    use crate::oci::Reference;
    use crate::oci::manifest::{ImageIndex, ImageManifest};

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            // xorshift64*
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    const SEEDS: &[&str] = &[
        r#"Bearer realm="https://auth.example.com/token",service="reg",scope="repository:a/b:pull""#,
        "Basic realm=\"x\"",
        r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"m","digest":"sha256:00","size":1,"annotations":{"a":"b"}}]}"#,
        r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"c","digest":"sha256:11","size":2},"layers":[],"subject":{"mediaType":"m","digest":"sha256:22","size":3}}"#,
        r#"{"token":"abc","access_token":"def","expires_in":300}"#,
        "127.0.0.1:5000/team/app:v1@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    ];

    fn mutate(rng: &mut Rng, seed: &str) -> Vec<u8> {
        let mut bytes = seed.as_bytes().to_vec();
        for _ in 0..=rng.below(8) {
            let pos = if bytes.is_empty() {
                0
            } else {
                rng.below(bytes.len())
            };
            match rng.below(5) {
                0 if !bytes.is_empty() => {
                    bytes.remove(pos);
                }
                1 => {
                    const ALPHABET: &[u8] = b"\"{}[],:=\\ \x00\xff@/";
                    bytes.insert(pos, ALPHABET[rng.below(ALPHABET.len())]);
                }
                2 if !bytes.is_empty() => bytes[pos] = rng.next() as u8,
                3 => bytes.truncate(pos),
                _ => {
                    let end = (pos + rng.below(16)).min(bytes.len());
                    let chunk = bytes[pos..end].to_vec();
                    bytes.splice(pos..pos, chunk);
                }
            }
        }
        bytes
    }

    #[test]
    fn registry_input_parsers_never_panic() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for i in 0..60_000 {
            let seed = SEEDS[i % SEEDS.len()];
            let bytes = mutate(&mut rng, seed);
            let text = String::from_utf8_lossy(&bytes);
            let _ = parse_challenge(&text);
            let _ = Reference::parse(&text);
            let _ = serde_json::from_slice::<ImageIndex>(&bytes);
            let _ = serde_json::from_slice::<ImageManifest>(&bytes);
            let _ = serde_json::from_slice::<TokenResponse>(&bytes).map(TokenResponse::into_token);
        }
    }
}
