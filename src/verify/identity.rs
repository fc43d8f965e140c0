//! Who signed a keyless bundle: the certificate's identity (SAN), its OIDC
//! issuer, and Fulcio's CI extensions (source repository, owner, ref,
//! digest, the signing workflow, the runner), matched against the policy
//! flags as cosign and `gh attestation verify` define them. Also the
//! cross-check of our own provenance against the certificate.

use regex::Regex;
use sigstore_crypto::CertificateInfo;

use crate::error::{Error, Result};
use crate::provenance::{self, Statement, source};

/// The issuer of GitHub Actions' ID tokens: the default with the GitHub
/// shorthands (`--owner`, `--repo`, `--signer-workflow`), as in
/// `gh attestation verify`.
pub(crate) const GITHUB_ACTIONS_ISSUER: &str = "https://token.actions.githubusercontent.com";

/// An exact value or a regular expression (which, as in cosign, may match
/// anywhere: anchor it with `^...$`).
#[derive(Debug, Clone)]
pub(crate) enum Matcher {
    Exact(String),
    Regex(Regex),
}

impl Matcher {
    fn new(exact: Option<&str>, regex: Option<&str>, flag: &str) -> Result<Option<Self>> {
        match (exact, regex) {
            (Some(e), _) => Ok(Some(Matcher::Exact(e.to_string()))),
            (None, Some(r)) => Regex::new(r)
                .map(|r| Some(Matcher::Regex(r)))
                .map_err(|e| Error::usage(format!("--{flag}-regexp `{r}`: {e}"))),
            (None, None) => Ok(None),
        }
    }

    fn matches(&self, value: &str) -> bool {
        match self {
            Matcher::Exact(e) => e == value,
            Matcher::Regex(r) => r.is_match(value),
        }
    }
}

impl std::fmt::Display for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Matcher::Exact(e) => write!(f, "`{e}`"),
            Matcher::Regex(r) => write!(f, "matching `{}`", r.as_str()),
        }
    }
}

/// The identity flags as given.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct IdentityFlags<'a> {
    pub(crate) identity: Option<&'a str>,
    pub(crate) identity_regexp: Option<&'a str>,
    pub(crate) issuer: Option<&'a str>,
    pub(crate) issuer_regexp: Option<&'a str>,
    pub(crate) owner: Option<&'a str>,
    pub(crate) repo: Option<&'a str>,
    pub(crate) signer_workflow: Option<&'a str>,
    pub(crate) source_repo: Option<&'a str>,
    pub(crate) source_ref: Option<&'a str>,
    pub(crate) source_digest: Option<&'a str>,
    pub(crate) deny_self_hosted_runners: bool,
}

/// What a keyless signer must be.
#[derive(Debug, Clone, Default)]
pub(crate) struct IdentityPolicy {
    identity: Option<Matcher>,
    issuer: Option<Matcher>,
    owner: Option<String>,
    repo: Option<String>,
    /// HOST/OWNER/REPO/PATH of the signing workflow.
    signer_workflow: Option<String>,
    source_repo: Option<String>,
    source_ref: Option<String>,
    source_digest: Option<String>,
    deny_self_hosted_runners: bool,
}

impl IdentityPolicy {
    pub(crate) fn new(flags: IdentityFlags<'_>) -> Result<Self> {
        let shorthand =
            flags.owner.is_some() || flags.repo.is_some() || flags.signer_workflow.is_some();
        let mut issuer =
            Matcher::new(flags.issuer, flags.issuer_regexp, "certificate-oidc-issuer")?;
        if issuer.is_none() && shorthand {
            issuer = Some(Matcher::Exact(GITHUB_ACTIONS_ISSUER.into()));
        }
        if let Some(repo) = flags.repo
            && repo.split('/').filter(|p| !p.is_empty()).count() != 2
        {
            return Err(Error::usage(format!(
                "--repo `{repo}`: expected OWNER/REPO"
            )));
        }
        Ok(IdentityPolicy {
            identity: Matcher::new(
                flags.identity,
                flags.identity_regexp,
                "certificate-identity",
            )?,
            issuer,
            owner: flags.owner.map(str::to_string),
            repo: flags.repo.map(|r| r.trim_matches('/').to_string()),
            signer_workflow: flags.signer_workflow.map(workflow_spec),
            source_repo: flags.source_repo.map(str::to_string),
            source_ref: flags.source_ref.map(str::to_string),
            source_digest: flags.source_digest.map(str::to_string),
            deny_self_hosted_runners: flags.deny_self_hosted_runners,
        })
    }

    /// Whether the policy says anything about a keyless signer (a
    /// key-signed bundle cannot satisfy such a policy).
    pub(crate) fn constrains_signer(&self) -> bool {
        self.identity.is_some()
            || self.issuer.is_some()
            || self.owner.is_some()
            || self.repo.is_some()
            || self.signer_workflow.is_some()
            || self.deny_self_hosted_runners
    }

    /// Checks the (chain-verified) certificate against the policy: who
    /// signed, then the repository and workflow, the source, the runner.
    pub(crate) fn check(&self, info: &CertificateInfo) -> Result<()> {
        let issuer_policy = self.issuer_required()?;
        let san = info.identity.as_ref().map(|s| s.as_str().to_string());
        self.check_signer(issuer_policy, info, san.as_deref())?;
        self.check_repository(info, san.as_deref())?;
        self.check_source(info)?;
        self.check_runner(info)
    }

    /// The issuer policy, which a keyless check cannot do without, and a
    /// say over whose signature is trusted.
    fn issuer_required(&self) -> Result<&Matcher> {
        let who = self.identity.is_some()
            || self.owner.is_some()
            || self.repo.is_some()
            || self.signer_workflow.is_some();
        if !who {
            return Err(Error::usage(
                "the bundle is signed keyless: say whose signature you trust with \
                 --certificate-identity[-regexp] and --certificate-oidc-issuer, or with \
                 --owner, --repo or --signer-workflow (GitHub Actions)",
            ));
        }
        self.issuer.as_ref().ok_or_else(|| {
            Error::usage(
                "--certificate-identity needs --certificate-oidc-issuer (or \
                 --certificate-oidc-issuer-regexp): an identity means something only with the \
                 issuer that vouched for it",
            )
        })
    }

    /// The certificate's identity (SAN) and OIDC issuer.
    fn check_signer(
        &self,
        issuer_policy: &Matcher,
        info: &CertificateInfo,
        san: Option<&str>,
    ) -> Result<()> {
        if let Some(m) = &self.identity
            && !san.is_some_and(|s| m.matches(s))
        {
            return Err(mismatch("identity", san, m.to_string()));
        }
        if !info
            .issuer
            .as_deref()
            .is_some_and(|i| issuer_policy.matches(i))
        {
            return Err(mismatch(
                "OIDC issuer",
                info.issuer.as_deref(),
                issuer_policy.to_string(),
            ));
        }
        Ok(())
    }

    /// `--repo`, `--owner` and `--signer-workflow` against the CI claims.
    fn check_repository(&self, info: &CertificateInfo, san: Option<&str>) -> Result<()> {
        let claims = &info.ci_claims;
        let repo_uri = claims.source_repository_uri.as_deref();
        let repo_path = repo_uri.map(uri_path).or_else(|| {
            claims
                .deprecated_github
                .workflow_repository
                .as_deref()
                .map(|r| r.trim_matches('/').to_string())
        });
        if let Some(want) = &self.repo
            && !repo_path
                .as_deref()
                .is_some_and(|p| p.eq_ignore_ascii_case(want))
        {
            return Err(mismatch("source repository", repo_uri, format!("`{want}`")));
        }
        if let Some(want) = &self.owner {
            let owner = claims
                .source_repository_owner_uri
                .as_deref()
                .map(uri_path)
                .or_else(|| {
                    repo_path
                        .as_deref()
                        .and_then(|p| p.split('/').next())
                        .map(str::to_string)
                });
            if !owner
                .as_deref()
                .is_some_and(|o| o.eq_ignore_ascii_case(want))
            {
                return Err(mismatch(
                    "source repository owner",
                    owner.as_deref(),
                    format!("`{want}`"),
                ));
            }
        }
        if let Some(want) = &self.signer_workflow {
            let signer = claims.build_signer_uri.as_deref().or(san);
            let workflow = signer.map(|s| {
                let s = s.strip_prefix("https://").unwrap_or(s);
                s.split_once('@').map_or(s, |(w, _)| w).to_string()
            });
            if !workflow
                .as_deref()
                .is_some_and(|w| w.eq_ignore_ascii_case(want))
            {
                return Err(mismatch(
                    "signing workflow",
                    signer,
                    format!("`{want}@...`"),
                ));
            }
        }
        Ok(())
    }

    /// `--source-repo`, `--source-ref` and `--source-digest` against the
    /// CI claims.
    fn check_source(&self, info: &CertificateInfo) -> Result<()> {
        let claims = &info.ci_claims;
        if let Some(want) = &self.source_repo
            && let Some(have) = claims.source_repository_uri.as_deref()
            && source::normalize_repo_url(have) != source::normalize_repo_url(want)
        {
            return Err(mismatch(
                "source repository",
                Some(have),
                format!("`{want}`"),
            ));
        }
        if let Some(want) = &self.source_ref
            && claims.source_repository_ref.as_deref() != Some(want.as_str())
        {
            return Err(mismatch(
                "source ref",
                claims.source_repository_ref.as_deref(),
                format!("`{want}`"),
            ));
        }
        if let Some(want) = &self.source_digest {
            let bare = want.split_once(':').map_or(want.as_str(), |(_, d)| d);
            if !claims
                .source_repository_digest
                .as_deref()
                .is_some_and(|d| d.eq_ignore_ascii_case(bare))
            {
                return Err(mismatch(
                    "source digest",
                    claims.source_repository_digest.as_deref(),
                    format!("`{want}`"),
                ));
            }
        }
        Ok(())
    }

    /// `--deny-self-hosted-runners`: a runner not stated counts as
    /// self-hosted.
    fn check_runner(&self, info: &CertificateInfo) -> Result<()> {
        if self.deny_self_hosted_runners {
            let runner = info.ci_claims.runner_environment.as_deref();
            if runner.is_none_or(|r| r == "self-hosted") {
                return Err(mismatch(
                    "runner environment",
                    runner,
                    "a hosted runner".into(),
                ));
            }
        }
        Ok(())
    }
}

/// A certificate that does not say what the policy requires.
fn mismatch(what: &str, have: Option<&str>, want: String) -> Error {
    Error::verification(format!(
        "the certificate's {what} is {}, the policy requires {want}",
        have.map(|h| format!("`{h}`"))
            .unwrap_or_else(|| "not stated".into())
    ))
}

/// `OWNER/REPO/PATH` or `HOST/OWNER/REPO/PATH` as `HOST/OWNER/REPO/PATH`
/// (GitHub's host by default), without a scheme or ref.
fn workflow_spec(spec: &str) -> String {
    let spec = spec.trim();
    let spec = spec.strip_prefix("https://").unwrap_or(spec);
    let spec = spec.split_once('@').map_or(spec, |(w, _)| w);
    let first = spec.split('/').next().unwrap_or("");
    if first.contains('.') || first.contains(':') {
        spec.to_string()
    } else {
        format!("github.com/{spec}")
    }
}

/// The path of a URI, without slashes at either end.
fn uri_path(uri: &str) -> String {
    let rest = uri.split_once("://").map_or(uri, |(_, r)| r);
    let path = rest.split_once('/').map_or("", |(_, p)| p);
    path.trim_matches('/').to_string()
}

/// A statement of our own build type, signed keyless in CI, names the
/// builder and run the certificate names: a statement that claims another
/// workflow or run than the one that signed it is refused.
pub(crate) fn check_statement_against_certificate(
    statement: &Statement,
    info: &CertificateInfo,
) -> Result<()> {
    let build_type = statement
        .predicate
        .pointer("/buildDefinition/buildType")
        .and_then(|v| v.as_str());
    if build_type != Some(provenance::BUILD_TYPE) {
        return Ok(());
    }
    let pairs = [
        (
            "/runDetails/builder/id",
            "builder id",
            info.ci_claims.build_config_uri.as_deref(),
        ),
        (
            "/runDetails/metadata/invocationId",
            "invocation id",
            info.ci_claims.run_invocation_uri.as_deref(),
        ),
    ];
    for (pointer, what, certified) in pairs {
        let Some(certified) = certified else { continue };
        let stated = statement
            .predicate
            .pointer(pointer)
            .and_then(|v| v.as_str());
        if stated != Some(certified) {
            return Err(Error::verification(format!(
                "the provenance's {what} is {}, but the signing certificate says `{certified}`",
                stated
                    .map(|s| format!("`{s}`"))
                    .unwrap_or_else(|| "missing".into())
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_specs_and_paths() {
        assert_eq!(
            workflow_spec("acme/tool/.github/workflows/rel.yml"),
            "github.com/acme/tool/.github/workflows/rel.yml"
        );
        assert_eq!(
            workflow_spec("https://ghe.example/acme/tool/.github/workflows/rel.yml@refs/tags/v1"),
            "ghe.example/acme/tool/.github/workflows/rel.yml"
        );
        assert_eq!(uri_path("https://github.com/acme/tool"), "acme/tool");
        assert_eq!(uri_path("https://github.com/acme/"), "acme");
    }

    #[test]
    fn policies_need_a_who_and_an_issuer() {
        let p = IdentityPolicy::new(IdentityFlags::default()).unwrap();
        assert!(p.identity.is_none() && p.issuer.is_none());
        let shorthand = IdentityPolicy::new(IdentityFlags {
            owner: Some("acme"),
            ..Default::default()
        })
        .unwrap();
        assert!(matches!(&shorthand.issuer, Some(Matcher::Exact(i)) if i == GITHUB_ACTIONS_ISSUER));
        assert!(
            IdentityPolicy::new(IdentityFlags {
                repo: Some("justone"),
                ..Default::default()
            })
            .is_err()
        );
        assert!(
            IdentityPolicy::new(IdentityFlags {
                identity_regexp: Some("("),
                ..Default::default()
            })
            .is_err()
        );
    }
}
