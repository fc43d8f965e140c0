//! Who ran the build: a CI system when one is detected, else the local host.

use std::collections::BTreeMap;

/// `runDetails.builder` and the invocation id, as far as the environment
/// tells them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BuilderInfo {
    pub(crate) kind: BuilderKind,
    pub(crate) id: String,
    /// Extra identifying facts (runner environment, job name); never secrets.
    pub(crate) version: BTreeMap<String, String>,
    /// A URL or id of this run, when the CI system has one.
    pub(crate) invocation_id: Option<String>,
}

/// Which kind of machine ran the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BuilderKind {
    GithubActions,
    GitlabCi,
    /// Another CI system we recognise, by its name in builder ids
    /// (`buildkite`, `circleci`, `jenkins`, `azure-pipelines`, `travis-ci`).
    OtherCi(&'static str),
    /// `CI` is set, but by a system we do not know.
    UnknownCi,
    Local,
}

impl BuilderKind {
    /// Whether the build ran in CI (of any kind).
    pub(crate) fn is_ci(self) -> bool {
        !matches!(self, BuilderKind::Local)
    }
}

/// What a keyless signing certificate says about the CI run that signed
/// (Fulcio's extensions, copied from the run's identity token).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct CertifiedRun<'a> {
    /// The workflow or pipeline definition that ran, at its ref.
    pub(crate) build_config_uri: Option<&'a str>,
    /// The run (GitHub: run and attempt; GitLab: job).
    pub(crate) run_invocation_uri: Option<&'a str>,
    pub(crate) runner_environment: Option<&'a str>,
}

impl BuilderInfo {
    /// Takes the builder id and invocation from the signing certificate, so
    /// that a verifier can cross-check the statement against it: the
    /// builder id is the certified workflow (in GitHub Actions the same
    /// value `GITHUB_WORKFLOW_REF` gives), the invocation the certified run.
    /// The certificate wins over the environment: a signature by a CI
    /// identity claims that CI's build. A certificate without CI claims (a
    /// person's) changes nothing.
    pub(crate) fn certified_by(&mut self, run: CertifiedRun<'_>) {
        if let Some(id) = run.build_config_uri {
            if id != self.id {
                tracing::debug!(
                    "builder id from the signing certificate: {id} (the environment said {})",
                    self.id
                );
            }
            self.id = id.to_string();
        }
        if let Some(run_uri) = run.run_invocation_uri {
            self.invocation_id = Some(run_uri.to_string());
        }
        if let Some(runner) = run.runner_environment {
            self.version
                .insert("runnerEnvironment".into(), runner.to_string());
        }
    }
}

/// Prefix of builder ids this project defines (local hosts, unknown CI).
pub(crate) const BUILDER_ID_BASE: &str = "https://cargo-attest.dev/builders";

/// Detects the builder from environment variables read through `env`.
pub(crate) fn detect(env: &dyn Fn(&str) -> Option<String>) -> BuilderInfo {
    let get = |k: &str| env(k).filter(|v| !v.is_empty());
    let truthy = |k: &str| get(k).is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1");

    if truthy("GITHUB_ACTIONS") {
        let server = get("GITHUB_SERVER_URL").unwrap_or_else(|| "https://github.com".into());
        let repo = get("GITHUB_REPOSITORY").unwrap_or_default();
        // The workflow file at its ref is what defines this build.
        let id = match get("GITHUB_WORKFLOW_REF") {
            Some(wf) => format!("{server}/{wf}"),
            None => format!("{server}/{repo}/actions"),
        };
        let mut version = BTreeMap::new();
        for (key, var) in [
            ("runnerEnvironment", "RUNNER_ENVIRONMENT"),
            ("runnerOs", "RUNNER_OS"),
            ("runnerArch", "RUNNER_ARCH"),
            ("workflowSha", "GITHUB_WORKFLOW_SHA"),
        ] {
            if let Some(v) = get(var) {
                version.insert(key.to_string(), v);
            }
        }
        let invocation_id = get("GITHUB_RUN_ID").map(|run| {
            format!(
                "{server}/{repo}/actions/runs/{run}/attempts/{}",
                get("GITHUB_RUN_ATTEMPT").unwrap_or_else(|| "1".into())
            )
        });
        return BuilderInfo {
            kind: BuilderKind::GithubActions,
            id,
            version,
            invocation_id,
        };
    }
    if truthy("GITLAB_CI") {
        let server = get("CI_SERVER_URL").unwrap_or_else(|| "https://gitlab.com".into());
        let project = get("CI_PROJECT_PATH").unwrap_or_default();
        let id = match get("CI_RUNNER_ID") {
            Some(runner) => format!("{server}/{project}/-/runners/{runner}"),
            None => format!("{server}/{project}/-/jobs"),
        };
        let mut version = BTreeMap::new();
        for (key, var) in [
            ("runnerVersion", "CI_RUNNER_VERSION"),
            ("runnerDescription", "CI_RUNNER_DESCRIPTION"),
            ("jobName", "CI_JOB_NAME"),
        ] {
            if let Some(v) = get(var) {
                version.insert(key.to_string(), v);
            }
        }
        return BuilderInfo {
            kind: BuilderKind::GitlabCi,
            id,
            version,
            invocation_id: get("CI_JOB_URL"),
        };
    }
    let others: [(&'static str, &str, Option<&str>, Option<&str>); 5] = [
        (
            "buildkite",
            "BUILDKITE",
            Some("BUILDKITE_AGENT_NAME"),
            Some("BUILDKITE_BUILD_URL"),
        ),
        ("circleci", "CIRCLECI", None, Some("CIRCLE_BUILD_URL")),
        ("jenkins", "JENKINS_URL", None, Some("BUILD_URL")),
        (
            "azure-pipelines",
            "TF_BUILD",
            Some("AGENT_NAME"),
            Some("BUILD_BUILDID"),
        ),
        ("travis-ci", "TRAVIS", None, Some("TRAVIS_BUILD_WEB_URL")),
    ];
    for (kind, marker, agent, run) in others {
        if get(marker).is_some() {
            let mut version = BTreeMap::new();
            if let Some(a) = agent.and_then(get) {
                version.insert("agent".into(), a);
            }
            return BuilderInfo {
                kind: BuilderKind::OtherCi(kind),
                id: format!("{BUILDER_ID_BASE}/ci/{kind}"),
                version,
                invocation_id: run.and_then(get),
            };
        }
    }
    if truthy("CI") {
        return BuilderInfo {
            kind: BuilderKind::UnknownCi,
            id: format!("{BUILDER_ID_BASE}/ci/unknown"),
            version: BTreeMap::new(),
            invocation_id: None,
        };
    }
    BuilderInfo {
        kind: BuilderKind::Local,
        id: format!(
            "{BUILDER_ID_BASE}/local/{}-{}",
            std::env::consts::OS,
            std::env::consts::ARCH
        ),
        version: BTreeMap::new(),
        invocation_id: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn github_actions() {
        let env = env_of(&[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_REPOSITORY", "o/r"),
            (
                "GITHUB_WORKFLOW_REF",
                "o/r/.github/workflows/rel.yml@refs/heads/main",
            ),
            ("GITHUB_RUN_ID", "42"),
            ("GITHUB_RUN_ATTEMPT", "2"),
            ("RUNNER_ENVIRONMENT", "github-hosted"),
        ]);
        let b = detect(&env);
        assert_eq!(b.kind, BuilderKind::GithubActions);
        assert_eq!(
            b.id,
            "https://github.com/o/r/.github/workflows/rel.yml@refs/heads/main"
        );
        assert_eq!(
            b.invocation_id.as_deref(),
            Some("https://github.com/o/r/actions/runs/42/attempts/2")
        );
        assert_eq!(b.version["runnerEnvironment"], "github-hosted");
    }

    #[test]
    fn gitlab_ci() {
        let env = env_of(&[
            ("GITLAB_CI", "true"),
            ("CI", "true"),
            ("CI_SERVER_URL", "https://gitlab.example"),
            ("CI_PROJECT_PATH", "g/p"),
            ("CI_RUNNER_ID", "7"),
            ("CI_JOB_URL", "https://gitlab.example/g/p/-/jobs/9"),
        ]);
        let b = detect(&env);
        assert_eq!(b.kind, BuilderKind::GitlabCi);
        assert_eq!(b.id, "https://gitlab.example/g/p/-/runners/7");
        assert_eq!(
            b.invocation_id.as_deref(),
            Some("https://gitlab.example/g/p/-/jobs/9")
        );
    }

    #[test]
    fn certified_runs_set_builder_and_invocation() {
        let run = CertifiedRun {
            build_config_uri: Some("https://gitlab.com/g/p//.gitlab-ci.yml@refs/heads/main"),
            run_invocation_uri: Some("https://gitlab.com/g/p/-/jobs/9"),
            runner_environment: Some("gitlab-hosted"),
        };
        let mut b = detect(&env_of(&[
            ("GITLAB_CI", "true"),
            ("CI_PROJECT_PATH", "g/p"),
        ]));
        b.certified_by(run);
        assert_eq!(
            b.id,
            "https://gitlab.com/g/p//.gitlab-ci.yml@refs/heads/main"
        );
        assert_eq!(
            b.invocation_id.as_deref(),
            Some("https://gitlab.com/g/p/-/jobs/9")
        );
        assert_eq!(b.version["runnerEnvironment"], "gitlab-hosted");
        // A person's certificate states no CI run: nothing changes.
        let mut local = detect(&env_of(&[]));
        let before = local.clone();
        local.certified_by(CertifiedRun::default());
        assert_eq!(local, before);
    }

    #[test]
    fn generic_ci_and_local() {
        assert_eq!(
            detect(&env_of(&[("CI", "true")])).kind,
            BuilderKind::UnknownCi
        );
        let local = detect(&env_of(&[]));
        assert_eq!(local.kind, BuilderKind::Local);
        assert!(local.id.starts_with(BUILDER_ID_BASE));
    }
}
