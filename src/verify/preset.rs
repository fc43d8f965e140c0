//! Regular expressions in identity policies, and the patterns the
//! shorthands (`--owner`, `--repo`, `--signer-workflow`) stand for.
//!
//! A user's regexp must be anchored (`^...$`): an unanchored one matches
//! anywhere, so `acme` passes `evilacme`, and a branch name may carry any
//! text a pattern looks for. The shorthands build anchored patterns,
//! ASCII-case-insensitive, whose every literal part is escaped, over
//! exactly the certificate field each names.

use regex::Regex;
use regex_syntax::hir::Look;

use crate::error::{Error, Result};

/// The issuer of GitHub Actions' ID tokens: the default with the GitHub
/// shorthands (`--owner`, `--repo`, `--signer-workflow`), as in
/// `gh attestation verify`.
pub(crate) const GITHUB_ACTIONS_ISSUER: &str = "https://token.actions.githubusercontent.com";

/// The host `--owner`, `--repo` and `--signer-workflow` mean when they
/// name none.
pub(crate) const DEFAULT_HOST: &str = "github.com";

/// Whether a pattern can only match a whole value: anchored at the start
/// and at the end on every alternative (`^a|b$` is not; `^(?:a|b)$` is).
pub(crate) fn is_anchored(pattern: &str) -> bool {
    regex_syntax::parse(pattern).is_ok_and(|hir| {
        let props = hir.properties();
        props.look_set_prefix().contains(Look::Start) && props.look_set_suffix().contains(Look::End)
    })
}

/// The regexp given to `--FLAG`, compiled; refused unless anchored or
/// `allow_unanchored`.
pub(crate) fn user_regex(pattern: &str, flag: &str, allow_unanchored: bool) -> Result<Regex> {
    let regex =
        Regex::new(pattern).map_err(|e| Error::usage(format!("--{flag} `{pattern}`: {e}")))?;
    if !allow_unanchored && !is_anchored(pattern) {
        return Err(Error::usage(format!(
            "--{flag} `{pattern}` is not anchored, so it would match anywhere in the value \
             (`acme` matches `evilacme`, and a branch name can contain any text): anchor it \
             as `^(?:{pattern})$`, spelling out what may vary (e.g. \
             `^https://github\\.com/acme/tool/\\.github/workflows/release\\.yml@refs/tags/.*$`), \
             or give --allow-unanchored if matching anywhere is really meant"
        )));
    }
    Ok(regex)
}

/// The CI platform a host's certificates come from: it decides the
/// default OIDC issuer and how a repository path is shaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Platform {
    /// GitHub Actions: OWNER/REPO, signed by a workflow file.
    GitHub,
    /// GitLab CI: a project under nested groups, signed by a CI config.
    GitLab,
}

impl Platform {
    /// `gitlab.com` and hosts whose first label is `gitlab`
    /// (`gitlab.example.com`) are GitLab; every other host is GitHub (as
    /// before hosts were understood).
    pub(crate) fn of_host(host: &str) -> Self {
        let host = host.to_ascii_lowercase();
        let first = host.split(['.', ':']).next().unwrap_or("");
        if first == "gitlab" {
            Platform::GitLab
        } else {
            Platform::GitHub
        }
    }

    /// The issuer of the platform's CI tokens for `host`.
    pub(crate) fn default_issuer(self, host: &str) -> String {
        match self {
            Platform::GitHub => GITHUB_ACTIONS_ISSUER.to_string(),
            Platform::GitLab => format!("https://{}", host.to_ascii_lowercase()),
        }
    }
}

/// A shorthand's value: an optional host and a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HostPath {
    pub(crate) host: Option<String>,
    pub(crate) path: String,
}

impl HostPath {
    /// `[https://][HOST/]PATH`: the first part is a host when it has a dot
    /// or a port (GitHub owners have neither).
    pub(crate) fn parse(spec: &str) -> Self {
        let spec = spec.trim();
        let spec = spec.strip_prefix("https://").unwrap_or(spec);
        let spec = spec.trim_start_matches('/');
        match spec.split_once('/') {
            Some((first, rest)) if first.contains('.') || first.contains(':') => HostPath {
                host: Some(first.to_string()),
                path: rest.to_string(),
            },
            _ => HostPath {
                host: None,
                path: spec.to_string(),
            },
        }
    }
}

/// `text` escaped, to match ASCII-case-insensitively (no Unicode case
/// folding: `ſ` is not `s`, `K` is not `K`).
fn literal(text: &str) -> String {
    format!("(?i-u:{})", regex::escape(text))
}

/// `https://HOST/` as an escaped, case-insensitive, start-anchored prefix.
fn prefix(host: &str) -> String {
    format!("^https://{}/", literal(host))
}

fn compile(pattern: &str) -> Result<Regex> {
    Regex::new(pattern).map_err(|e| {
        Error::internal(format!(
            "a policy pattern built from escaped parts does not compile (`{pattern}`): {e}"
        ))
    })
}

/// The source repository URI of `--repo HOST/PATH`: exactly that
/// repository.
pub(crate) fn repo_pattern(host: &str, path: &str) -> Result<Regex> {
    compile(&format!("{}{}$", prefix(host), literal(path)))
}

/// The source repository URI of a repository of `--owner HOST/OWNER`:
/// OWNER's or, on GitLab, one of its subgroups'.
pub(crate) fn owned_repo_pattern(host: &str, owner: &str) -> Result<Regex> {
    compile(&format!("{}{}/.+$", prefix(host), literal(owner)))
}

/// The source repository owner URI of `--owner HOST/OWNER`: OWNER, or on
/// GitLab a subgroup of it (the certificate names the project's direct
/// namespace).
pub(crate) fn owner_pattern(host: &str, owner: &str) -> Result<Regex> {
    compile(&format!("{}{}(?:/.+)?$", prefix(host), literal(owner)))
}

/// The build signer URI of `--signer-workflow HOST/PATH`, at any ref:
/// GitHub's `https://HOST/OWNER/REPO/PATH@REF`, GitLab's
/// `https://HOST/GROUP/PROJECT//PATH@REF`.
pub(crate) fn signer_pattern(host: &str, workflow: &str) -> Result<Regex> {
    compile(&format!("{}{}@[^@]+$", prefix(host), literal(workflow)))
}

/// The host of a URI (lowercase), if it is one.
pub(crate) fn uri_host(uri: &str) -> Option<String> {
    let rest = uri.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchoring_is_decided_on_the_parsed_pattern() {
        for anchored in [
            "^acme$",
            "^https://github\\.com/acme/.*$",
            "^(?:a|b)$",
            "\\Aacme\\z",
            "(?i)^acme$",
        ] {
            assert!(is_anchored(anchored), "{anchored}");
        }
        for unanchored in [
            "acme",
            "^acme",
            "acme$",
            "^a|b$",
            "^acme\\$",
            "(?m)^acme$",
            "^https://github\\.com/acme/",
        ] {
            assert!(!is_anchored(unanchored), "{unanchored}");
        }
    }

    #[test]
    fn unanchored_user_patterns_are_refused_unless_allowed() {
        let e = user_regex("acme", "certificate-identity-regexp", false).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("^(?:acme)$"), "{text}");
        assert!(text.contains("--allow-unanchored"), "{text}");
        assert!(matches!(e, Error::Usage { .. }), "{e:?}");
        // Matching anywhere, when asked for, still matches anywhere.
        assert!(
            user_regex("acme", "certificate-identity-regexp", true)
                .unwrap()
                .is_match("evilacme")
        );
        let anchored = user_regex("^acme$", "certificate-identity-regexp", false).unwrap();
        assert!(anchored.is_match("acme"));
        assert!(!anchored.is_match("evilacme"));
        assert!(!anchored.is_match("acmeevil"));
        assert!(user_regex("^(acme$", "certificate-identity-regexp", true).is_err());
    }

    #[test]
    fn hosts_and_platforms() {
        assert_eq!(
            HostPath::parse("acme/tool"),
            HostPath {
                host: None,
                path: "acme/tool".into()
            }
        );
        assert_eq!(
            HostPath::parse("https://gitlab.example.com/group/sub/project"),
            HostPath {
                host: Some("gitlab.example.com".into()),
                path: "group/sub/project".into()
            }
        );
        assert_eq!(
            HostPath::parse("github.com/acme").host.as_deref(),
            Some("github.com")
        );
        assert_eq!(Platform::of_host("github.com"), Platform::GitHub);
        assert_eq!(Platform::of_host("ghe.example"), Platform::GitHub);
        assert_eq!(Platform::of_host("GitLab.com"), Platform::GitLab);
        assert_eq!(Platform::of_host("gitlab.example.com"), Platform::GitLab);
        assert_eq!(
            Platform::GitLab.default_issuer("gitlab.com"),
            "https://gitlab.com"
        );
        assert_eq!(
            uri_host("https://GitLab.com/g/p"),
            Some("gitlab.com".into())
        );
        assert_eq!(uri_host("someone@example.com"), None);
    }

    #[test]
    fn repo_patterns_are_anchored_and_escaped() {
        let p = repo_pattern("github.com", "acme/tool").unwrap();
        assert!(p.is_match("https://github.com/acme/tool"));
        assert!(p.is_match("https://github.com/ACME/Tool"));
        for other in [
            "https://github.com/acme/tool2",
            "https://github.com/evilacme/tool",
            "https://github.com/acme/tool/extra",
            "https://githubxcom/acme/tool",
            "https://github.com.evil/acme/tool",
            "https://gitlab.com/acme/tool",
            "https://github.com/evil/x/.github/workflows/r.yml@refs/heads/x/github.com/acme/tool/y",
        ] {
            assert!(!p.is_match(other), "{other}");
        }
        // Regex syntax in a value is a literal.
        let dotted = repo_pattern("gitlab.com", "my.group/p").unwrap();
        assert!(dotted.is_match("https://gitlab.com/my.group/p"));
        assert!(!dotted.is_match("https://gitlab.com/myxgroup/p"));
        // ASCII case only: no Unicode folding (`ſ` folds to `s`, `K` to `k`).
        assert!(!p.is_match("https://github.com/acme/tooſ"));
        let k = repo_pattern("github.com", "kit/tool").unwrap();
        assert!(k.is_match("https://github.com/KIT/tool"));
        assert!(!k.is_match("https://github.com/\u{212A}it/tool"));
        let accented = repo_pattern("gitlab.com", "é/p").unwrap();
        assert!(accented.is_match("https://gitlab.com/é/p"));
        let nested = repo_pattern("gitlab.example.com", "group/sub/project").unwrap();
        assert!(nested.is_match("https://gitlab.example.com/group/sub/project"));
        assert!(!nested.is_match("https://gitlab.example.com/group/sub/project2"));
    }

    #[test]
    fn owner_and_signer_patterns() {
        let owner = owner_pattern("github.com", "acme").unwrap();
        assert!(owner.is_match("https://github.com/acme"));
        assert!(!owner.is_match("https://github.com/evilacme"));
        assert!(!owner.is_match("https://github.com/acmeevil"));
        let group = owner_pattern("gitlab.com", "group").unwrap();
        assert!(group.is_match("https://gitlab.com/group/sub"));
        assert!(!group.is_match("https://gitlab.com/groupx"));
        let repos = owned_repo_pattern("github.com", "acme").unwrap();
        assert!(repos.is_match("https://github.com/acme/tool"));
        assert!(!repos.is_match("https://github.com/acme"));
        assert!(!repos.is_match("https://github.com/evilacme/tool"));

        let gh = signer_pattern("github.com", "acme/tool/.github/workflows/release.yml").unwrap();
        assert!(gh.is_match(
            "https://github.com/acme/tool/.github/workflows/release.yml@refs/heads/main"
        ));
        assert!(!gh.is_match(
            "https://github.com/acme/tool/.github/workflows/releasexyml@refs/heads/main"
        ));
        assert!(!gh.is_match(
            "https://github.com/evil/tool/.github/workflows/release.yml@refs/heads/x/github.com/acme/tool/.github/workflows/release.yml@y"
        ));
        let gl = signer_pattern("gitlab.com", "group/sub/project//.gitlab-ci.yml").unwrap();
        assert!(
            gl.is_match("https://gitlab.com/group/sub/project//.gitlab-ci.yml@refs/heads/main")
        );
        assert!(!gl.is_match("https://gitlab.com/group/sub/project//.gitlab-ci.yml"));
        assert!(!gl.is_match("https://gitlab.com/group/sub/project//other.yml@refs/heads/main"));
    }
}
