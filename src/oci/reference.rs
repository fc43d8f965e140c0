//! Image references: `[registry[:port]/]repository[:tag][@digest]`, by the
//! distribution spec's grammar.
//!
//! Our own parser rather than oci-spec's `Reference`: that crate pulls a
//! large derive-heavy tree into a tool people `cargo install`, and we need
//! error messages that say which part of a reference is wrong.

use std::fmt;

use super::digest;
use crate::error::{Error, Result};

pub(crate) const DOCKER_HUB: &str = "docker.io";
/// Docker Hub's API host, and the key its credentials are stored under.
pub(crate) const DOCKER_HUB_API: &str = "registry-1.docker.io";

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reference {
    /// Registry host with optional port, as given (`docker.io` for none).
    pub(crate) registry: String,
    pub(crate) repository: String,
    pub(crate) tag: Option<String>,
    pub(crate) digest: Option<String>,
}

/// What a reference asks for inside its repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    Tag(String),
    Digest(String),
}

impl Target {
    /// A tag or a digest, as written after `:` or `@`.
    pub(crate) fn parse(text: &str) -> Result<Self> {
        if looks_like_digest(text) {
            if digest::is_valid(text) {
                Ok(Target::Digest(text.to_string()))
            } else {
                Err(Error::usage(format!(
                    "invalid digest `{text}`: use sha256:<64 hex> or sha512:<128 hex>, lowercase"
                )))
            }
        } else if valid_tag(text) {
            Ok(Target::Tag(text.to_string()))
        } else {
            Err(Error::usage(format!(
                "invalid tag `{text}`: 1-128 of [A-Za-z0-9_.-], not starting with `.` or `-`"
            )))
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            Target::Tag(t) | Target::Digest(t) => t,
        }
    }

    pub(crate) fn tag(&self) -> Option<&str> {
        match self {
            Target::Tag(t) => Some(t),
            Target::Digest(_) => None,
        }
    }
}

/// `alg:...` where alg is a digest algorithm name: a tag cannot hold `:`.
pub(crate) fn looks_like_digest(text: &str) -> bool {
    text.split_once(':').is_some_and(|(alg, _)| {
        !alg.is_empty()
            && alg
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+._-".contains(&b))
    })
}

impl Reference {
    pub(crate) fn parse(text: &str) -> Result<Self> {
        let bad = |why: &str| Error::usage(format!("invalid reference `{text}`: {why}"));
        if text.is_empty() || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("empty or contains whitespace"));
        }
        let (rest, digest) = match text.split_once('@') {
            Some((r, d)) => {
                if !digest::is_valid(d) {
                    return Err(bad(
                        "digest must be sha256:<64 hex> or sha512:<128 hex>, lowercase",
                    ));
                }
                (r, Some(d.to_string()))
            }
            None => (text, None),
        };
        // The first component is a registry if it looks like a host.
        let (registry, path) = match rest.split_once('/') {
            Some((first, path)) if names_host(first) => {
                if !valid_host(first) {
                    return Err(bad("registry must be HOST[:PORT]"));
                }
                (first.to_string(), path)
            }
            _ => (DOCKER_HUB.to_string(), rest),
        };
        let (repository, tag) = match path.rsplit_once(':') {
            Some((repo, tag)) if !tag.contains('/') => (repo, Some(tag.to_string())),
            _ => (path, None),
        };
        // Docker Hub has no top-level repositories, whichever of its names
        // the reference uses: `alpine` is `library/alpine`.
        let repository = if is_docker_hub(&registry) && !repository.contains('/') {
            format!("library/{repository}")
        } else {
            repository.to_string()
        };
        if repository.is_empty()
            || repository.len() > 255
            || !repository.split('/').all(valid_path_component)
        {
            return Err(bad(
                "repository must be lowercase letters and digits, separated by `.`, `_`, `__`, `-` or `/`",
            ));
        }
        if let Some(t) = &tag
            && !valid_tag(t)
        {
            return Err(bad(
                "tag must be 1-128 of [A-Za-z0-9_.-], not starting with `.` or `-`",
            ));
        }
        Ok(Reference {
            registry,
            repository,
            tag,
            digest,
        })
    }

    /// The host HTTP requests go to.
    pub(crate) fn api_host(&self) -> &str {
        if is_docker_hub(&self.registry) {
            DOCKER_HUB_API
        } else {
            &self.registry
        }
    }

    /// What to resolve: the digest if given, else the tag, else `latest`.
    pub(crate) fn target(&self) -> Target {
        match (&self.digest, &self.tag) {
            (Some(d), _) => Target::Digest(d.clone()),
            (None, Some(t)) => Target::Tag(t.clone()),
            (None, None) => Target::Tag("latest".into()),
        }
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

/// Whether the first path component of a reference names a registry host.
pub(crate) fn names_host(first: &str) -> bool {
    first.contains('.') || first.contains(':') || first == "localhost"
}

/// `host[:port]`: DNS labels or an IPv4 address, or a bracketed IPv6
/// address, with an optional numeric port.
fn valid_host(host: &str) -> bool {
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        let Some((addr, after)) = rest.split_once(']') else {
            return false;
        };
        if addr.parse::<std::net::Ipv6Addr>().is_err() {
            return false;
        }
        match after {
            "" => return true,
            p => (None, p.strip_prefix(':')),
        }
    } else {
        match host.rsplit_once(':') {
            Some((n, p)) => (Some(n), Some(p)),
            None => (Some(host), None),
        }
    };
    let port_ok = match port {
        None => true,
        Some(p) => !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()),
    };
    let name_ok = name.is_none_or(|n| {
        !n.is_empty()
            && n.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            })
    });
    port_ok && name_ok
}

/// Docker Hub goes by several names; credentials for one serve them all.
pub(crate) fn is_docker_hub(host: &str) -> bool {
    matches!(
        host,
        "docker.io" | "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com"
    )
}

/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`, the spec's path component.
pub(crate) fn valid_path_component(c: &str) -> bool {
    let bytes = c.as_bytes();
    if bytes.is_empty() || !is_alnum(bytes[0]) || !is_alnum(bytes[bytes.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if is_alnum(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !is_alnum(bytes[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        let ok = matches!(sep, "." | "_" | "__") || sep.bytes().all(|b| b == b'-');
        if !ok {
            return false;
        }
    }
    true
}

fn is_alnum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

pub(crate) fn valid_tag(t: &str) -> bool {
    !t.is_empty()
        && t.len() <= 128
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        && !t.starts_with(['.', '-'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_forms() {
        let r = Reference::parse("127.0.0.1:5000/team/app:v1").unwrap();
        assert_eq!(
            (r.registry.as_str(), r.repository.as_str(), r.tag.as_deref()),
            ("127.0.0.1:5000", "team/app", Some("v1"))
        );
        let r = Reference::parse("localhost/app").unwrap();
        assert_eq!(
            (r.registry.as_str(), r.target()),
            ("localhost", Target::Tag("latest".into()))
        );
        let r = Reference::parse("alpine").unwrap();
        assert_eq!(
            (r.registry.as_str(), r.repository.as_str(), r.api_host()),
            ("docker.io", "library/alpine", DOCKER_HUB_API)
        );
        let d = format!("sha256:{}", "a".repeat(64));
        let r = Reference::parse(&format!("ghcr.io/o/r:t@{d}")).unwrap();
        assert_eq!(r.target(), Target::Digest(d.clone()));
        assert_eq!(r.to_string(), format!("ghcr.io/o/r:t@{d}"));
        let r = Reference::parse("[::1]:5000/a__b/c-d--e.f").unwrap();
        assert_eq!(r.registry, "[::1]:5000");
        let d512 = format!("sha512:{}", "b".repeat(128));
        assert_eq!(
            Reference::parse(&format!("r.io/x@{d512}"))
                .unwrap()
                .target(),
            Target::Digest(d512)
        );
    }

    #[test]
    fn docker_hub_aliases_get_the_library_namespace() {
        // Found by fuzzing: only `docker.io` got `library/`.
        for host in ["docker.io", "index.docker.io", "registry-1.docker.io"] {
            let r = Reference::parse(&format!("{host}/alpine:3")).unwrap();
            assert_eq!(r.repository, "library/alpine", "{host}");
            assert_eq!(Reference::parse(&r.to_string()).unwrap(), r);
        }
        let r = Reference::parse("index.docker.io/user/app").unwrap();
        assert_eq!(r.repository, "user/app");
    }

    #[test]
    fn rejects_bad_input() {
        for bad in [
            "",
            "a b",
            "Host.io/UPPER",
            "ghcr.io/o/r@sha256:abc",
            "ghcr.io/o/r:-t",
            "ghcr.io//r",
            "ghcr.io/o/r@md5:00",
            "ghcr.io/a..b",
            "ghcr.io/a___b",
            "ghcr.io/a.-b",
            "ghcr.io/-a",
            "bad_host.io/x",
            "host.io:port/x",
            "[zz]:5000/x",
        ] {
            assert!(Reference::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn targets_tell_tags_from_digests() {
        let d512 = format!("sha512:{}", "c".repeat(128));
        assert_eq!(Target::parse(&d512).unwrap(), Target::Digest(d512.clone()));
        assert_eq!(Target::parse("v1").unwrap().tag(), Some("v1"));
        assert!(Target::parse("sha512:abc").is_err());
        assert!(Target::parse("a:b").is_err());
    }
}
