//! `WWW-Authenticate` challenges from 401 answers (RFC 7235 auth-params).

use std::collections::BTreeMap;

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
    use crate::registry::auth::TokenResponse;

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
