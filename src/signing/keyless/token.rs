//! OIDC identity tokens and where they come from: `--identity-token`
//! (a value or `@FILE`), `SIGSTORE_ID_TOKEN` (GitLab's `id_tokens:`
//! convention, and generic), or GitHub Actions' token-request endpoint
//! (`ACTIONS_ID_TOKEN_REQUEST_URL` + `ACTIONS_ID_TOKEN_REQUEST_TOKEN`,
//! audience `sigstore`).
//!
//! Written here rather than taken from sigstore-oidc: its ambient
//! detection (the ambient-id crate) reads the process environment itself,
//! where this crate reads one snapshot (`Env`) so runs are reproducible and
//! testable, and it is async; its `IdentityToken` would save only the few
//! lines of claim parsing below.
//!
//! A token is a secret: it lives in a zeroizing buffer, has no `Debug`
//! that shows it, is never logged, printed, written or passed to a child.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::Method;
use zeroize::Zeroizing;

use super::http::{Bearer, Call, Services, service_url};
use crate::environment::Env;
use crate::error::{Error, Result};

/// The audience Sigstore's Fulcio instances accept (their OIDC client id).
pub(crate) const SIGSTORE_AUDIENCE: &str = "sigstore";
pub(crate) const SIGSTORE_ID_TOKEN_ENV: &str = "SIGSTORE_ID_TOKEN";
pub(crate) const ACTIONS_URL_ENV: &str = "ACTIONS_ID_TOKEN_REQUEST_URL";
pub(crate) const ACTIONS_TOKEN_ENV: &str = "ACTIONS_ID_TOKEN_REQUEST_TOKEN";
/// Seconds of clock skew forgiven when judging expiry.
const LEEWAY_SECONDS: i64 = 30;

/// Where the token came from, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenSource {
    Flag,
    SigstoreEnv,
    GitHubActions,
}

impl fmt::Display for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TokenSource::Flag => "--identity-token",
            TokenSource::SigstoreEnv => SIGSTORE_ID_TOKEN_ENV,
            TokenSource::GitHubActions => "GitHub Actions' ID token endpoint",
        })
    }
}

/// Whether the environment offers an identity token without asking.
pub(crate) fn ambient_source(env: &Env) -> Option<TokenSource> {
    let set = |k: &str| env.get(k).is_some_and(|v| !v.trim().is_empty());
    if set(SIGSTORE_ID_TOKEN_ENV) {
        Some(TokenSource::SigstoreEnv)
    } else if set(ACTIONS_URL_ENV) && set(ACTIONS_TOKEN_ENV) {
        Some(TokenSource::GitHubActions)
    } else {
        None
    }
}

/// The claims we read from a token, unverified: Fulcio authenticates the
/// token; these only let us refuse one that cannot work before it is sent.
#[derive(Debug, Clone, serde::Deserialize)]
pub(crate) struct Claims {
    pub(crate) iss: String,
    pub(crate) sub: String,
    #[serde(default)]
    pub(crate) aud: Audience,
    pub(crate) exp: i64,
    #[serde(default)]
    pub(crate) nbf: Option<i64>,
    #[serde(default)]
    pub(crate) email: Option<String>,
    /// GitHub Actions: `public`, `private` or `internal`; which Sigstore
    /// instance the signature goes to (`trust::choice`).
    #[serde(default)]
    pub(crate) repository_visibility: Option<String>,
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(untagged)]
pub(crate) enum Audience {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl Audience {
    fn contains(&self, value: &str) -> bool {
        match self {
            Audience::None => false,
            Audience::One(a) => a == value,
            Audience::Many(all) => all.iter().any(|a| a == value),
        }
    }

    fn describe(&self) -> String {
        match self {
            Audience::None => "none".into(),
            Audience::One(a) => format!("`{a}`"),
            Audience::Many(all) => all
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// An OIDC identity token and its (unverified) claims.
pub(crate) struct IdentityToken {
    raw: Zeroizing<String>,
    claims: Claims,
    source: TokenSource,
}

impl fmt::Debug for IdentityToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdentityToken")
            .field("iss", &self.claims.iss)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl IdentityToken {
    /// Parses a JWT's claims. Errors never quote the token.
    pub(crate) fn parse(raw: Zeroizing<String>, source: TokenSource) -> Result<Self> {
        let bad = |why: &str| Error::key(format!("the identity token from {source} {why}"));
        let token = raw.trim();
        let mut parts = token.split('.');
        let (Some(_header), Some(payload), Some(_signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad("is not a JWT (three dot-separated parts)"));
        };
        let payload = Zeroizing::new(
            URL_SAFE_NO_PAD
                .decode(payload.trim_end_matches('='))
                .map_err(|_| bad("is not a JWT (its payload is not base64url)"))?,
        );
        let claims: Claims = serde_json::from_slice(&payload)
            .map_err(|e| bad(&format!("has unusable claims ({})", claim_error(&e))))?;
        let raw = Zeroizing::new(token.to_string());
        Ok(IdentityToken {
            raw,
            claims,
            source,
        })
    }

    pub(crate) fn claims(&self) -> &Claims {
        &self.claims
    }

    pub(crate) fn source(&self) -> TokenSource {
        self.source
    }

    /// The raw token, for the one place that presents it (Fulcio).
    pub(crate) fn expose(&self) -> &str {
        &self.raw
    }

    /// What Fulcio wants signed as proof of possession: the email for
    /// people, else the subject.
    pub(crate) fn proof_subject(&self) -> &str {
        self.claims.email.as_deref().unwrap_or(&self.claims.sub)
    }

    /// Refuses a token that Fulcio would refuse for its time or audience,
    /// before it is sent anywhere.
    pub(crate) fn check_usable(&self, now_unix: i64) -> Result<()> {
        let c = &self.claims;
        let from = self.source;
        if c.exp + LEEWAY_SECONDS < now_unix {
            return Err(Error::key(format!(
                "the identity token from {from} (issuer {}) expired {} ago; get a fresh one",
                c.iss,
                age(now_unix - c.exp)
            )));
        }
        if let Some(nbf) = c.nbf
            && nbf - LEEWAY_SECONDS > now_unix
        {
            return Err(Error::key(format!(
                "the identity token from {from} (issuer {}) is not valid for another {}",
                c.iss,
                age(nbf - now_unix)
            )));
        }
        if !c.aud.contains(SIGSTORE_AUDIENCE) {
            return Err(Error::key(format!(
                "the identity token from {from} (issuer {}) is for audience {}, \
                 Sigstore needs `{SIGSTORE_AUDIENCE}` (in GitHub Actions the token is requested \
                 with it; in GitLab CI declare `id_tokens: SIGSTORE_ID_TOKEN: aud: sigstore`)",
                c.iss,
                c.aud.describe()
            )));
        }
        Ok(())
    }
}

/// serde's message can quote input; keep only its category and position.
fn claim_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Data => {
            // "missing field `exp`" and the like name fields, not values.
            let text = e.to_string();
            if text.starts_with("missing field") {
                text.split(" at line").next().unwrap_or(&text).to_string()
            } else {
                "a claim has the wrong type".into()
            }
        }
        Category::Syntax | Category::Eof => "not JSON".into(),
        Category::Io => "unreadable".into(),
    }
}

fn age(seconds: i64) -> String {
    let s = seconds.max(0);
    if s < 120 {
        format!("{s} s")
    } else if s < 7200 {
        format!("{} min", s / 60)
    } else {
        format!("{} h", s / 3600)
    }
}

/// Finds the identity token: the flag's (a value, or `@FILE`), else
/// `SIGSTORE_ID_TOKEN`, else GitHub Actions' endpoint. `None` when there is
/// none.
pub(crate) fn find_token(
    flag: Option<&str>,
    env: &Env,
    services: &Services,
) -> Result<Option<IdentityToken>> {
    if let Some(value) = flag {
        let raw = match value.strip_prefix('@') {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| Error::io("read the identity token file", path, e))?;
                Zeroizing::new(text)
            }
            None => Zeroizing::new(value.to_string()),
        };
        return IdentityToken::parse(raw, TokenSource::Flag).map(Some);
    }
    match ambient_source(env) {
        Some(TokenSource::SigstoreEnv) => {
            let raw = Zeroizing::new(env.get(SIGSTORE_ID_TOKEN_ENV).unwrap_or_default());
            IdentityToken::parse(raw, TokenSource::SigstoreEnv).map(Some)
        }
        Some(TokenSource::GitHubActions) => {
            let url = env.get(ACTIONS_URL_ENV).unwrap_or_default();
            let request_token = Zeroizing::new(env.get(ACTIONS_TOKEN_ENV).unwrap_or_default());
            request_actions_token(&url, &request_token, services).map(Some)
        }
        Some(TokenSource::Flag) | None => Ok(None),
    }
}

/// GitHub Actions: `GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=sigstore`
/// with the request token as bearer; the answer is `{"value": JWT}`.
fn request_actions_token(
    url: &str,
    request_token: &str,
    services: &Services,
) -> Result<IdentityToken> {
    let mut url = service_url(ACTIONS_URL_ENV, url)?;
    url.query_pairs_mut()
        .append_pair("audience", SIGSTORE_AUDIENCE);
    let service = "GitHub Actions' ID token endpoint";
    let answer = services.send(&Call {
        service,
        method: Method::GET,
        url: &url,
        content_type: None,
        accept: "application/json",
        body: None,
        bearer: Some(Bearer(request_token)),
    })?;
    if !answer.status.is_success() {
        // The answer never holds a token when it is an error.
        return Err(Error::key(format!(
            "{service} refused to issue an identity token ({}): {}; \
             does the job have `permissions: id-token: write`?",
            answer.status,
            answer.text_without(&[request_token])
        )));
    }
    #[derive(serde::Deserialize)]
    struct Value {
        value: String,
    }
    let body = Zeroizing::new(answer.body);
    let value: Value = serde_json::from_slice(&body)
        .map_err(|_| Error::key(format!("{service} answered without a token (`value`)")))?;
    IdentityToken::parse(Zeroizing::new(value.value), TokenSource::GitHubActions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: serde_json::Value) -> String {
        let enc = |v: &[u8]| URL_SAFE_NO_PAD.encode(v);
        format!(
            "{}.{}.{}",
            enc(br#"{"alg":"RS256"}"#),
            enc(claims.to_string().as_bytes()),
            enc(b"signature-bytes")
        )
    }

    fn token(claims: serde_json::Value) -> Result<IdentityToken> {
        IdentityToken::parse(Zeroizing::new(jwt(claims)), TokenSource::Flag)
    }

    #[test]
    fn usable_tokens_pass_and_others_are_named() {
        let now = 1_800_000_000;
        let ok = token(serde_json::json!({
            "iss": "https://token.actions.githubusercontent.com",
            "sub": "repo:o/r:ref:refs/heads/main", "aud": "sigstore", "exp": now + 300
        }))
        .unwrap();
        ok.check_usable(now).unwrap();
        assert_eq!(ok.proof_subject(), "repo:o/r:ref:refs/heads/main");

        let many = token(serde_json::json!({
            "iss": "i", "sub": "s", "aud": ["x", "sigstore"], "exp": now + 300
        }))
        .unwrap();
        many.check_usable(now).unwrap();

        let expired = token(serde_json::json!({
            "iss": "i", "sub": "s", "aud": "sigstore", "exp": now - 3600
        }))
        .unwrap();
        let e = expired.check_usable(now).unwrap_err().to_string();
        assert!(e.contains("expired 60 min ago"), "{e}");

        let audience = token(serde_json::json!({
            "iss": "i", "sub": "s", "aud": "https://github.com/o", "exp": now + 300
        }))
        .unwrap();
        let e = audience.check_usable(now).unwrap_err().to_string();
        assert!(e.contains("audience `https://github.com/o`"), "{e}");

        let email = token(serde_json::json!({
            "iss": "i", "sub": "s", "aud": "sigstore", "exp": now + 300, "email": "a@b.c"
        }))
        .unwrap();
        assert_eq!(email.proof_subject(), "a@b.c");
    }

    #[test]
    fn malformed_tokens_are_key_errors_that_never_quote_the_token() {
        let secret = "c2VjcmV0LXRva2VuLXZhbHVl";
        for raw in [
            secret.to_string(),
            format!("a.{secret}.c"),
            format!(
                "a.{}.c",
                URL_SAFE_NO_PAD.encode(format!("{{\"iss\":\"{secret}\"}}"))
            ),
            format!(
                "a.{}.c",
                URL_SAFE_NO_PAD.encode(format!(
                    "{{\"iss\":\"i\",\"sub\":\"s\",\"exp\":\"{secret}\"}}"
                ))
            ),
        ] {
            let e =
                IdentityToken::parse(Zeroizing::new(raw), TokenSource::SigstoreEnv).unwrap_err();
            assert_eq!(e.exit_code(), crate::error::ExitCode::Key);
            assert!(!e.report().contains(secret), "{}", e.report());
        }
        let t = token(serde_json::json!({"iss": "i", "sub": "s", "exp": 1})).unwrap();
        assert!(!format!("{t:?}").contains(t.expose()));
    }

    #[test]
    fn ambient_sources_in_order() {
        let env = |pairs: &[(&str, &str)]| Env::from_pairs(pairs);
        assert_eq!(ambient_source(&env(&[])), None);
        assert_eq!(
            ambient_source(&env(&[
                (ACTIONS_URL_ENV, "https://x"),
                (ACTIONS_TOKEN_ENV, "t")
            ])),
            Some(TokenSource::GitHubActions)
        );
        assert_eq!(
            ambient_source(&env(&[(ACTIONS_URL_ENV, "https://x")])),
            None
        );
        assert_eq!(
            ambient_source(&env(&[
                (SIGSTORE_ID_TOKEN_ENV, "a.b.c"),
                (ACTIONS_URL_ENV, "https://x"),
                (ACTIONS_TOKEN_ENV, "t")
            ])),
            Some(TokenSource::SigstoreEnv)
        );
    }
}
