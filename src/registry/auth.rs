//! Registry authentication: `WWW-Authenticate` challenges, the Docker/OCI
//! Bearer token flow with minimal scopes, and a token cache keyed by scope
//! that honours expiry: a token is refreshed before it runs out, and a 401
//! on a token the registry no longer takes fetches a new one once.

use std::time::{Duration, Instant};

use reqwest::blocking::{RequestBuilder, Response};
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{StatusCode, Url};
use zeroize::Zeroizing;

use super::challenge::{Challenge, parse_challenge};
use super::client::Client;
use super::policy::realm_allowed;
use super::tokens::{Realm, Token};
use super::transport::{Access, Scope, read_limited, short_cause};
use crate::credentials::{Credential, Secret};
use crate::error::{Error, Result};

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
        Ok(match self.authorization(scope)? {
            Some(value) => request.header(header::AUTHORIZATION, value),
            None => request,
        })
    }

    /// The `Authorization` value a request for `scope` carries, if any
    /// (marked sensitive, so no debug output shows it).
    pub(super) fn authorization(&self, scope: Scope<'_>) -> Result<Option<HeaderValue>> {
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
        let token = match (token, realm) {
            (Some(token), _) => Some(token),
            (None, Some(realm)) => Some(self.fetch_token(&realm, &key, None)?),
            (None, None) => None,
        };
        let value = match token {
            Some(token) => Some(Zeroizing::new(format!("Bearer {}", token.as_str()))),
            None => match &self.credential {
                Some(Credential {
                    secret: Secret::Password { username, password },
                    ..
                }) if basic => {
                    use base64::Engine;
                    let pair = Zeroizing::new(format!("{username}:{}", password.as_str()));
                    Some(Zeroizing::new(format!(
                        "Basic {}",
                        base64::engine::general_purpose::STANDARD.encode(pair.as_bytes())
                    )))
                }
                _ => None,
            },
        };
        value
            .map(|v| {
                let mut header = HeaderValue::from_str(&v).map_err(|_| {
                    Error::auth(&self.host, "the credentials cannot be sent in a header")
                })?;
                header.set_sensitive(true);
                Ok(header)
            })
            .transpose()
    }

    /// Answers a 401 challenge: a new Bearer token for exactly the scope
    /// this request needs (plus the scope the challenge names), replacing
    /// any cached one the registry no longer accepts; or Basic auth.
    pub(super) fn authenticate(&self, headers: &HeaderMap, scope: Scope<'_>) -> Result<()> {
        let challenge = headers
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
        self.options.limits.check("asking for a registry token")?;
        let response = request
            // The whole exchange, its answer's body included.
            .timeout(self.options.limits.for_transfer(TOKEN_BODY_LIMIT))
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
            read_limited(
                response,
                TOKEN_BODY_LIMIT,
                self.options.limits.for_transfer(TOKEN_BODY_LIMIT),
            )
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

    /// `text` (from the registry or its token service) with every
    /// credential this client holds cut out: the password, the Basic pair
    /// as sent, an identity token, and every token fetched.
    pub(super) fn without_credentials(&self, text: &str) -> String {
        let mut secrets: Vec<Zeroizing<String>> = self
            .auth
            .lock()
            .tokens
            .values()
            .map(|t| t.value.clone())
            .collect();
        match self.credential.as_ref().map(|c| &c.secret) {
            Some(Secret::Password { username, password }) => {
                use base64::Engine;
                let pair = Zeroizing::new(format!("{username}:{}", password.as_str()));
                secrets.push(Zeroizing::new(
                    base64::engine::general_purpose::STANDARD.encode(pair.as_bytes()),
                ));
                secrets.push(password.clone());
            }
            Some(Secret::IdentityToken(token)) => secrets.push(token.clone()),
            None => {}
        }
        let secrets: Vec<&str> = secrets.iter().map(|s| s.as_str()).collect();
        crate::error::without_secrets(text, &secrets)
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
}
