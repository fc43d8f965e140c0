//! Who signed a keyless bundle: the certificate's identity (SAN), its OIDC
//! issuer, and Fulcio's CI extensions (source repository, owner, ref,
//! digest, the signing workflow, the runner), matched against the policy
//! flags as cosign and `gh attestation verify` define them. Also the
//! cross-check of our own provenance against the certificate.

use regex::Regex;
use sigstore_crypto::{CertificateInfo, FulcioCiClaims};

use super::preset::{self, HostPath, Platform};

use crate::error::{Error, Result};
use crate::provenance::{self, Statement, source};

#[cfg(test)]
use super::preset::GITHUB_ACTIONS_ISSUER;

/// An exact value or a regular expression, anchored (`^...$`) unless
/// `--allow-unanchored` said otherwise.
#[derive(Debug, Clone)]
pub(crate) enum Matcher {
    Exact(String),
    Regex(Regex),
}

impl Matcher {
    fn new(
        exact: Option<&str>,
        regex: Option<&str>,
        flag: &str,
        allow_unanchored: bool,
    ) -> Result<Option<Self>> {
        match (exact, regex) {
            (Some(e), _) => Ok(Some(Matcher::Exact(e.to_string()))),
            (None, Some(r)) => Ok(Some(Matcher::Regex(preset::user_regex(
                r,
                &format!("{flag}-regexp"),
                allow_unanchored,
            )?))),
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
    pub(crate) allow_unanchored: bool,
    pub(crate) owner: Option<&'a str>,
    pub(crate) repo: Option<&'a str>,
    pub(crate) signer_workflow: Option<&'a str>,
    pub(crate) source_repo: Option<&'a str>,
    pub(crate) source_ref: Option<&'a str>,
    pub(crate) source_digest: Option<&'a str>,
    pub(crate) deny_self_hosted_runners: bool,
}

/// A shorthand flag as a pattern over one certificate field.
#[derive(Debug, Clone)]
struct Shorthand {
    /// HOST/PATH, as errors show it.
    shown: String,
    /// The host, lowercase: the identity (SAN) must be on it too.
    host: String,
    pattern: Regex,
}

impl Shorthand {
    fn new(host: &str, path: &str, build: fn(&str, &str) -> Result<Regex>) -> Result<Self> {
        Ok(Shorthand {
            shown: format!("{host}/{path}"),
            host: host.to_ascii_lowercase(),
            pattern: build(host, path)?,
        })
    }
}

/// `--owner`: the owner URI's pattern and the source repository URI's.
#[derive(Debug, Clone)]
struct OwnerPolicy {
    owner: Shorthand,
    repository: Regex,
}

/// What a keyless signer must be.
#[derive(Debug, Clone, Default)]
pub(crate) struct IdentityPolicy {
    identity: Option<Matcher>,
    issuer: Option<Matcher>,
    owner: Option<OwnerPolicy>,
    repo: Option<Shorthand>,
    /// HOST/OWNER/REPO/PATH (GitLab: HOST/GROUP/PROJECT//PATH) of the
    /// signing workflow.
    signer_workflow: Option<Shorthand>,
    source_repo: Option<String>,
    source_ref: Option<String>,
    source_digest: Option<String>,
    deny_self_hosted_runners: bool,
}

/// `--owner`, `--repo` and `--signer-workflow` as given, on one host.
struct Shorthands {
    host: String,
    platform: Platform,
    owner: Option<String>,
    repo: Option<String>,
    signer_workflow: Option<String>,
}

impl Shorthands {
    /// Splits off the hosts, which must agree; a flag without one takes
    /// the others' host, else github.com.
    fn parse(flags: &IdentityFlags<'_>) -> Result<Option<Self>> {
        let owner = flags.owner.map(HostPath::parse);
        let repo = flags.repo.map(HostPath::parse);
        // The ref a workflow is named at does not matter: any ref.
        let signer_workflow = flags
            .signer_workflow
            .map(|w| HostPath::parse(w.split_once('@').map_or(w, |(w, _)| w)));
        let given = [
            ("--owner", &owner),
            ("--repo", &repo),
            ("--signer-workflow", &signer_workflow),
        ];
        if given.iter().all(|(_, v)| v.is_none()) {
            return Ok(None);
        }
        let mut host: Option<(&str, &str)> = None;
        for (flag, value) in given {
            let Some(h) = value.as_ref().and_then(|v| v.host.as_deref()) else {
                continue;
            };
            match host {
                Some((first_flag, first)) if !first.eq_ignore_ascii_case(h) => {
                    return Err(Error::usage(format!(
                        "{first_flag} names the host `{first}` and {flag} the host `{h}`: a \
                         certificate comes from one host, so give the same one (or leave it out \
                         of all but one flag)"
                    )));
                }
                Some(_) => {}
                None => host = Some((flag, h)),
            }
        }
        let host = host
            .map_or(preset::DEFAULT_HOST, |(_, h)| h)
            .to_ascii_lowercase();
        let platform = Platform::of_host(&host);
        let path = |v: Option<HostPath>| v.map(|v| v.path.trim_matches('/').to_string());
        let shorthands = Shorthands {
            platform,
            owner: path(owner),
            repo: path(repo),
            signer_workflow: signer_workflow.map(|v| v.path.trim_start_matches('/').to_string()),
            host,
        };
        shorthands.validate(flags)?;
        Ok(Some(shorthands))
    }

    /// The paths have the platform's shape.
    fn validate(&self, flags: &IdentityFlags<'_>) -> Result<()> {
        let parts = |p: &str| p.split('/').filter(|s| !s.is_empty()).count();
        let (host, platform) = (&self.host, self.platform);
        if let (Some(given), Some(repo)) = (flags.repo, &self.repo) {
            let ok = match platform {
                Platform::GitHub => parts(repo) == 2 && !repo.contains("//"),
                Platform::GitLab => parts(repo) >= 2 && !repo.contains("//"),
            };
            if !ok {
                return Err(Error::usage(match platform {
                    Platform::GitHub => format!(
                        "--repo `{given}`: expected [HOST/]OWNER/REPO (on {host}), e.g. \
                         acme/tool or gitlab.com/group/project"
                    ),
                    Platform::GitLab => {
                        format!("--repo `{given}`: expected {host}/GROUP[/SUBGROUP...]/PROJECT")
                    }
                }));
            }
        }
        if let (Some(given), Some(owner)) = (flags.owner, &self.owner) {
            let ok = match platform {
                Platform::GitHub => parts(owner) == 1,
                Platform::GitLab => parts(owner) >= 1 && !owner.contains("//"),
            };
            if !ok {
                return Err(Error::usage(format!(
                    "--owner `{given}`: expected [HOST/]OWNER (a GitHub organization or user, \
                     or a GitLab group such as gitlab.com/group)"
                )));
            }
        }
        if let (Some(given), Some(workflow), Platform::GitLab) =
            (flags.signer_workflow, &self.signer_workflow, platform)
        {
            let ok = workflow
                .split_once("//")
                .is_some_and(|(project, file)| parts(project) >= 2 && !file.is_empty());
            if !ok {
                return Err(Error::usage(format!(
                    "--signer-workflow `{given}`: on GitLab, expected \
                     {host}/GROUP/PROJECT//CI_CONFIG_PATH, as the certificate names it (e.g. \
                     {host}/group/project//.gitlab-ci.yml)"
                )));
            }
        }
        Ok(())
    }
}

impl IdentityPolicy {
    pub(crate) fn new(flags: IdentityFlags<'_>) -> Result<Self> {
        let shorthands = Shorthands::parse(&flags)?;
        let mut issuer = Matcher::new(
            flags.issuer,
            flags.issuer_regexp,
            "certificate-oidc-issuer",
            flags.allow_unanchored,
        )?;
        if issuer.is_none()
            && let Some(s) = &shorthands
        {
            issuer = Some(Matcher::Exact(s.platform.default_issuer(&s.host)));
        }
        let (owner, repo, signer_workflow) = match &shorthands {
            Some(s) => (
                s.owner
                    .as_deref()
                    .map(|o| -> Result<OwnerPolicy> {
                        Ok(OwnerPolicy {
                            owner: Shorthand::new(&s.host, o, preset::owner_pattern)?,
                            repository: preset::owned_repo_pattern(&s.host, o)?,
                        })
                    })
                    .transpose()?,
                s.repo
                    .as_deref()
                    .map(|r| Shorthand::new(&s.host, r, preset::repo_pattern))
                    .transpose()?,
                s.signer_workflow
                    .as_deref()
                    .map(|w| Shorthand::new(&s.host, w, preset::signer_pattern))
                    .transpose()?,
            ),
            None => (None, None, None),
        };
        Ok(IdentityPolicy {
            identity: Matcher::new(
                flags.identity,
                flags.identity_regexp,
                "certificate-identity",
                flags.allow_unanchored,
            )?,
            issuer,
            owner,
            repo,
            signer_workflow,
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
        self.check_repository(&info.ci_claims, san.as_deref())?;
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
                 --owner, --repo or --signer-workflow (GitHub Actions, GitLab CI)",
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

    /// `--repo`, `--owner` and `--signer-workflow` against Fulcio's CI
    /// extensions (GitHub's and GitLab's alike) and the identity's host.
    fn check_repository(&self, claims: &FulcioCiClaims, san: Option<&str>) -> Result<()> {
        let san_host = san.and_then(preset::uri_host);
        // Certificates older than the source repository extension name
        // the repository only in GitHub's deprecated one, without a host.
        let repo_uri = claims.source_repository_uri.clone().or_else(|| {
            claims
                .deprecated_github
                .workflow_repository
                .as_deref()
                .map(|r| {
                    format!(
                        "https://{}/{}",
                        san_host.as_deref().unwrap_or(preset::DEFAULT_HOST),
                        r.trim_matches('/')
                    )
                })
        });
        for (flag, host) in [
            ("--repo", self.repo.as_ref().map(|r| &r.host)),
            ("--owner", self.owner.as_ref().map(|o| &o.owner.host)),
        ] {
            if let (Some(want), Some(have)) = (host, san_host.as_deref())
                && want != have
            {
                return Err(mismatch(
                    "identity's host",
                    Some(have),
                    format!("`{want}` ({flag})"),
                ));
            }
        }
        if let Some(want) = &self.repo
            && !repo_uri
                .as_deref()
                .is_some_and(|u| want.pattern.is_match(u))
        {
            return Err(mismatch(
                "source repository",
                repo_uri.as_deref(),
                format!("`{}`", want.shown),
            ));
        }
        if let Some(want) = &self.owner {
            let owner_uri = claims.source_repository_owner_uri.as_deref();
            let owner_ok = owner_uri.is_none_or(|o| want.owner.pattern.is_match(o));
            let repo_ok = repo_uri
                .as_deref()
                .map_or(owner_uri.is_some(), |u| want.repository.is_match(u));
            if !owner_ok || !repo_ok {
                return Err(mismatch(
                    "source repository owner",
                    owner_uri.or(repo_uri.as_deref()),
                    format!("`{}`", want.owner.shown),
                ));
            }
        }
        if let Some(want) = &self.signer_workflow {
            let signer = claims.build_signer_uri.as_deref().or(san);
            if !signer.is_some_and(|s| want.pattern.is_match(s)) {
                return Err(mismatch(
                    "signing workflow",
                    signer,
                    format!("`{}@...`", want.shown),
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

    fn policy(flags: IdentityFlags<'_>) -> IdentityPolicy {
        IdentityPolicy::new(flags).unwrap()
    }

    /// Fulcio's extensions for a GitHub workflow run in `repo` at `git_ref`.
    fn github_claims(repo: &str, git_ref: &str) -> (FulcioCiClaims, String) {
        let mut c = FulcioCiClaims::default();
        let san = format!("https://github.com/{repo}/.github/workflows/release.yml@{git_ref}");
        c.source_repository_uri = Some(format!("https://github.com/{repo}"));
        c.source_repository_owner_uri = Some(format!(
            "https://github.com/{}",
            repo.split('/').next().unwrap()
        ));
        c.source_repository_ref = Some(git_ref.into());
        c.build_signer_uri = Some(san.clone());
        (c, san)
    }

    /// Fulcio's extensions for a GitLab pipeline of `project` on `host`.
    fn gitlab_claims(host: &str, project: &str) -> (FulcioCiClaims, String) {
        let mut c = FulcioCiClaims::default();
        let san = format!("https://{host}/{project}//.gitlab-ci.yml@refs/heads/main");
        c.source_repository_uri = Some(format!("https://{host}/{project}"));
        let namespace = project.rsplit_once('/').unwrap().0;
        c.source_repository_owner_uri = Some(format!("https://{host}/{namespace}"));
        c.source_repository_ref = Some("refs/heads/main".into());
        c.build_signer_uri = Some(san.clone());
        (c, san)
    }

    fn check(p: &IdentityPolicy, (claims, san): &(FulcioCiClaims, String)) -> Result<()> {
        p.check_repository(claims, Some(san))
    }

    #[test]
    fn a_branch_name_cannot_stand_in_for_the_repository() {
        let branch = github_claims("evil/tool", "refs/heads/x/github.com/acme/tool/y");
        for flags in [
            IdentityFlags {
                repo: Some("acme/tool"),
                ..Default::default()
            },
            IdentityFlags {
                owner: Some("acme"),
                ..Default::default()
            },
            IdentityFlags {
                signer_workflow: Some("acme/tool/.github/workflows/release.yml"),
                ..Default::default()
            },
        ] {
            assert!(check(&policy(flags), &branch).is_err(), "{flags:?}");
        }
        let real = github_claims("acme/tool", "refs/heads/main");
        let both = policy(IdentityFlags {
            owner: Some("acme"),
            repo: Some("acme/tool"),
            signer_workflow: Some("acme/tool/.github/workflows/release.yml"),
            ..Default::default()
        });
        check(&both, &real).unwrap();
        // Without a host, the host is github.com, as before.
        assert!(
            check(&both, &gitlab_claims("gitlab.com", "acme/tool")).is_err(),
            "a GitLab certificate passed a GitHub policy"
        );
        let evilacme = github_claims("evilacme/tool", "refs/heads/main");
        let e = check(
            &policy(IdentityFlags {
                owner: Some("acme"),
                ..Default::default()
            }),
            &evilacme,
        )
        .unwrap_err();
        assert!(e.to_string().contains("source repository owner"), "{e}");
    }

    #[test]
    fn hosts_are_checked() {
        let gitlab = gitlab_claims("gitlab.com", "group/project");
        let by = |repo: &'static str| {
            policy(IdentityFlags {
                repo: Some(repo),
                ..Default::default()
            })
        };
        check(&by("gitlab.com/group/project"), &gitlab).unwrap();
        check(&by("https://GitLab.com/group/project/"), &gitlab).unwrap();
        let e = check(&by("github.com/group/project"), &gitlab).unwrap_err();
        assert!(e.to_string().contains("host"), "{e}");
        assert!(check(&by("group/project"), &gitlab).is_err());
        assert!(check(&by("gitlab.example.com/group/project"), &gitlab).is_err());
        assert!(check(&by("gitlab.com/group/other"), &gitlab).is_err());
        check(
            &by("github.com/acme/tool"),
            &github_claims("acme/tool", "refs/heads/main"),
        )
        .unwrap();
        // A certificate whose identity is on another host than its
        // repository claims is refused.
        let (claims, _) = gitlab_claims("gitlab.com", "group/project");
        let elsewhere = (
            claims,
            "https://gitlab.example.com/group/project//.gitlab-ci.yml@refs/heads/main".into(),
        );
        assert!(check(&by("gitlab.com/group/project"), &elsewhere).is_err());
    }

    #[test]
    fn gitlab_presets() {
        let nested = gitlab_claims("gitlab.example.com", "group/sub/project");
        let p = policy(IdentityFlags {
            owner: Some("gitlab.example.com/group"),
            repo: Some("group/sub/project"),
            signer_workflow: Some("group/sub/project//.gitlab-ci.yml"),
            ..Default::default()
        });
        assert!(
            matches!(&p.issuer, Some(Matcher::Exact(i)) if i == "https://gitlab.example.com"),
            "{:?}",
            p.issuer
        );
        check(&p, &nested).unwrap();
        let other_config = policy(IdentityFlags {
            signer_workflow: Some("gitlab.example.com/group/sub/project//release.yml"),
            ..Default::default()
        });
        let e = check(&other_config, &nested).unwrap_err();
        assert!(e.to_string().contains("signing workflow"), "{e}");
        let other_group = policy(IdentityFlags {
            owner: Some("gitlab.example.com/grou"),
            ..Default::default()
        });
        assert!(check(&other_group, &nested).is_err());
        assert!(
            IdentityPolicy::new(IdentityFlags {
                signer_workflow: Some("gitlab.com/group/project/.gitlab-ci.yml"),
                ..Default::default()
            })
            .is_err(),
            "a GitLab workflow without the // separator"
        );
        assert!(
            IdentityPolicy::new(IdentityFlags {
                owner: Some("github.com/acme"),
                repo: Some("gitlab.com/group/project"),
                ..Default::default()
            })
            .is_err(),
            "two hosts"
        );
        assert!(
            IdentityPolicy::new(IdentityFlags {
                repo: Some("gitlab.com/justone"),
                ..Default::default()
            })
            .is_err()
        );
        assert!(
            IdentityPolicy::new(IdentityFlags {
                repo: Some("acme/sub/tool"),
                ..Default::default()
            })
            .is_err(),
            "GitHub repositories do not nest"
        );
    }

    #[test]
    fn deprecated_github_extensions_still_name_the_repository() {
        let mut c = FulcioCiClaims::default();
        c.deprecated_github.workflow_repository = Some("acme/tool".into());
        let san = "https://github.com/acme/tool/.github/workflows/release.yml@refs/heads/main";
        let p = |repo: &'static str| {
            policy(IdentityFlags {
                repo: Some(repo),
                ..Default::default()
            })
        };
        check(&p("acme/tool"), &(c.clone(), san.into())).unwrap();
        assert!(check(&p("acme/other"), &(c, san.into())).is_err());
    }

    #[test]
    fn unanchored_regexps_are_refused() {
        for flags in [
            IdentityFlags {
                identity_regexp: Some("acme"),
                issuer: Some(GITHUB_ACTIONS_ISSUER),
                ..Default::default()
            },
            IdentityFlags {
                identity: Some("x"),
                issuer_regexp: Some("githubusercontent"),
                ..Default::default()
            },
        ] {
            let e = IdentityPolicy::new(flags).unwrap_err();
            assert!(matches!(e, Error::Usage { .. }), "{e:?}");
            assert!(e.to_string().contains("not anchored"), "{e}");
            IdentityPolicy::new(IdentityFlags {
                allow_unanchored: true,
                ..flags
            })
            .unwrap();
        }
        let anchored = policy(IdentityFlags {
            identity_regexp: Some("^acme$"),
            ..Default::default()
        });
        let m = anchored.identity.unwrap();
        assert!(m.matches("acme") && !m.matches("evilacme"));
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
