//! The process environment as read once at start (by the binary, through
//! the settings): core modules take an [`Env`], never `std::env`. Every
//! variable the tool reads is in [`VARIABLES`], which the man page's
//! ENVIRONMENT section is written from; reading one that is not there is a
//! bug (debug builds panic, so the tests catch it).
//! Map: docs/architecture.md#environment

use std::collections::BTreeMap;

/// Every environment variable cargo-attest reads, with what it means. A
/// `*` stands for any text (a family of variables).
pub(crate) const VARIABLES: &[(&str, &str)] = &[
    // Ours.
    (
        "CARGO_ATTEST_KEY_FILE",
        "Sign with this PEM key file (as --key).",
    ),
    (
        "CARGO_ATTEST_KEY_NAME",
        "Sign with this keyring key (as --key-name).",
    ),
    (
        "CARGO_ATTEST_KEY_PASSPHRASE",
        "The passphrase of encrypted PEM keys, instead of a prompt.",
    ),
    (
        "CARGO_ATTEST_REGISTRY",
        "The one registry host the next two variables are credentials for (CI).",
    ),
    (
        "CARGO_ATTEST_REGISTRY_USERNAME",
        "User name for CARGO_ATTEST_REGISTRY.",
    ),
    (
        "CARGO_ATTEST_REGISTRY_PASSWORD",
        "Password or token for CARGO_ATTEST_REGISTRY.",
    ),
    (
        "CARGO_ATTEST_SBOM_SIZE_LIMIT",
        "The largest SBOM cargo attest --sbom signs, as --sbom-size-limit (default: 16MiB).",
    ),
    (
        "CARGO_ATTEST_CACHE_DIR",
        "Where capability verdicts and blob sources are remembered (default: $XDG_CACHE_HOME/cargo-attest or ~/.cache/cargo-attest).",
    ),
    (
        "CARGO_ATTEST_TIMEOUT",
        "The command's time limit, as --timeout takes it (90s, 15m, 2h; 0 = none). Default: 30m when no terminal is attached, else none.",
    ),
    (
        "CARGO_ATTEST_STALL_TIMEOUT",
        "Seconds a transfer may go without progress before it is cut and resumed or retried (default 60).",
    ),
    (
        "CARGO_TARGET_DIR",
        "verify FILE without --bundle: a target directory whose attest/ is searched for the bundle cargo attest wrote.",
    ),
    ("XDG_CACHE_HOME", "Base of the default cache directory."),
    (
        "CARGO_HOME",
        "verify --crate: cargo's home, whose registry/cache/ is searched and whose config.toml names registries (default: ~/.cargo).",
    ),
    (
        "CARGO_REGISTRIES_*_INDEX",
        "verify --crate --registry NAME: the index of registry NAME, as cargo reads it.",
    ),
    (
        "HOME",
        "Base of the default cache directory when XDG_CACHE_HOME is unset.",
    ),
    (
        "SOURCE_DATE_EPOCH",
        "Seconds since 1970: the build time recorded in provenance and the created time of what is pushed (reproducible builds).",
    ),
    // Sigstore instances and their trust material (TUF).
    (
        "CARGO_ATTEST_SIGSTORE",
        "The Sigstore instance keyless signatures go to, as --sigstore: public-good or github (default: by the repository's visibility in CI).",
    ),
    (
        "CARGO_ATTEST_OFFLINE",
        "1: do not refresh trust material through TUF; use the cached copy, else the built-in one (as --offline).",
    ),
    (
        "CARGO_ATTEST_PUBLIC_GOOD_TUF_URL",
        "The public-good instance's TUF mirror (default: https://tuf-repo-cdn.sigstore.dev), as --public-good-tuf-url.",
    ),
    (
        "CARGO_ATTEST_PUBLIC_GOOD_TUF_ROOT",
        "An initial TUF root.json for the public-good instance's mirror, instead of the built-in one (as --public-good-tuf-root).",
    ),
    (
        "CARGO_ATTEST_GITHUB_TUF_URL",
        "GitHub's instance's TUF mirror (default: https://tuf-repo.github.com), as --github-tuf-url.",
    ),
    (
        "CARGO_ATTEST_GITHUB_TUF_ROOT",
        "An initial TUF root.json for GitHub's instance's mirror, instead of the built-in one (as --github-tuf-root).",
    ),
    (
        "GITHUB_EVENT_PATH",
        "GitHub Actions: the event payload, whose repository.visibility (or .private) picks the Sigstore instance.",
    ),
    (
        "CI_PROJECT_VISIBILITY",
        "GitLab CI: the project's visibility; keyless signing goes to public good only for public projects.",
    ),
    // Keyless signing.
    (
        "SIGSTORE_ID_TOKEN",
        "An OIDC identity token for keyless signing (GitLab's id_tokens, or any CI).",
    ),
    (
        "ACTIONS_ID_TOKEN_REQUEST_URL",
        "GitHub Actions: where to request an identity token for keyless signing.",
    ),
    (
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
        "GitHub Actions: the bearer token for that request.",
    ),
    // CI detection (builder id and invocation in provenance).
    (
        "CI",
        "Set by CI systems: keyless signing is chosen when a token is available.",
    ),
    ("GITHUB_ACTIONS", "GitHub Actions is the builder."),
    (
        "GITHUB_SERVER_URL",
        "GitHub Actions: the server, for the builder id.",
    ),
    (
        "GITHUB_REPOSITORY",
        "GitHub Actions: the repository, for the builder id.",
    ),
    (
        "GITHUB_WORKFLOW_REF",
        "GitHub Actions: the workflow, for the builder id.",
    ),
    (
        "GITHUB_WORKFLOW_SHA",
        "GitHub Actions: recorded with the builder.",
    ),
    (
        "GITHUB_RUN_ID",
        "GitHub Actions: the run, for the invocation id.",
    ),
    (
        "GITHUB_RUN_ATTEMPT",
        "GitHub Actions: the attempt, for the invocation id.",
    ),
    (
        "RUNNER_ENVIRONMENT",
        "GitHub Actions: recorded with the builder.",
    ),
    ("RUNNER_OS", "GitHub Actions: recorded with the builder."),
    ("RUNNER_ARCH", "GitHub Actions: recorded with the builder."),
    ("GITLAB_CI", "GitLab CI is the builder."),
    (
        "CI_SERVER_URL",
        "GitLab CI: the server, for the builder id.",
    ),
    (
        "CI_PROJECT_PATH",
        "GitLab CI: the project, for the builder id.",
    ),
    ("CI_RUNNER_ID", "GitLab CI: the runner, for the builder id."),
    (
        "CI_RUNNER_DESCRIPTION",
        "GitLab CI: recorded with the builder.",
    ),
    ("CI_RUNNER_VERSION", "GitLab CI: recorded with the builder."),
    ("CI_JOB_NAME", "GitLab CI: recorded with the builder."),
    ("CI_JOB_URL", "GitLab CI: the invocation id."),
    ("BUILDKITE", "Buildkite is the builder."),
    (
        "BUILDKITE_AGENT_NAME",
        "Buildkite: recorded with the builder.",
    ),
    ("BUILDKITE_BUILD_URL", "Buildkite: the invocation id."),
    ("CIRCLECI", "CircleCI is the builder."),
    ("CIRCLE_BUILD_URL", "CircleCI: the invocation id."),
    ("JENKINS_URL", "Jenkins is the builder."),
    ("BUILD_URL", "Jenkins: the invocation id."),
    ("TF_BUILD", "Azure Pipelines is the builder."),
    ("AGENT_NAME", "Azure Pipelines: recorded with the builder."),
    ("BUILD_BUILDID", "Azure Pipelines: the invocation id."),
    ("TRAVIS", "Travis CI is the builder."),
    ("TRAVIS_BUILD_WEB_URL", "Travis CI: the invocation id."),
    // The toolchain provenance records.
    (
        "RUSTC",
        "The rustc whose version (rustc -vV) is recorded, as cargo honours it (default: rustc).",
    ),
    (
        "CARGO",
        "The cargo that runs cargo metadata and whose version (cargo -V) is recorded; cargo sets it for cargo attest (default: cargo).",
    ),
    // Recorded in provenance because they change what cargo builds.
    (
        "RUSTFLAGS",
        "Recorded in provenance (internalParameters.env).",
    ),
    ("CARGO_ENCODED_RUSTFLAGS", "Recorded in provenance."),
    ("CARGO_BUILD_RUSTFLAGS", "Recorded in provenance."),
    ("CARGO_BUILD_TARGET", "Recorded in provenance."),
    ("CARGO_INCREMENTAL", "Recorded in provenance."),
    ("CARGO_PROFILE_*", "Recorded in provenance."),
    ("CARGO_TARGET_*_RUSTFLAGS", "Recorded in provenance."),
    ("CARGO_TARGET_*_LINKER", "Recorded in provenance."),
    ("RUSTC_BOOTSTRAP", "Recorded in provenance."),
    ("CC", "Recorded in provenance."),
    ("CXX", "Recorded in provenance."),
    ("AR", "Recorded in provenance."),
    ("CFLAGS", "Recorded in provenance."),
    ("CXXFLAGS", "Recorded in provenance."),
    ("LDFLAGS", "Recorded in provenance."),
    ("MACOSX_DEPLOYMENT_TARGET", "Recorded in provenance."),
    // Read by the libraries we use for registry credentials.
    (
        "DOCKER_CONFIG",
        "The docker configuration directory (credentials: auths, credHelpers, credsStore).",
    ),
    (
        "REGISTRY_AUTH_FILE",
        "A podman/containers auth.json with registry credentials.",
    ),
    (
        "XDG_RUNTIME_DIR",
        "Where podman's auth.json is looked for by default.",
    ),
    (
        "DBUS_SESSION_BUS_ADDRESS",
        "The D-Bus session of the Secret Service keyring (Linux).",
    ),
];

/// Whether `name` is in [`VARIABLES`] (families included).
pub(crate) fn documented(name: &str) -> bool {
    VARIABLES
        .iter()
        .any(|(pattern, _)| match pattern.split_once('*') {
            None => *pattern == name,
            Some((prefix, suffix)) => {
                name.len() > prefix.len() + suffix.len()
                    && name.starts_with(prefix)
                    && name.ends_with(suffix)
            }
        })
}

/// A snapshot of the process environment, taken once. Values that are not
/// UTF-8 are kept lossily: a stray variable must never abort a run.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
}

impl Env {
    pub fn from_process() -> Self {
        Env {
            vars: std::env::vars_os()
                .map(|(k, v)| {
                    (
                        k.to_string_lossy().into_owned(),
                        v.to_string_lossy().into_owned(),
                    )
                })
                .collect(),
        }
    }

    /// A variable's value, if set (empty counts as set).
    pub(crate) fn get(&self, key: &str) -> Option<String> {
        debug_assert!(
            documented(key),
            "{key} is read but not in environment::VARIABLES (the man page's ENVIRONMENT)"
        );
        self.vars.get(key).cloned()
    }

    pub(crate) fn vars(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.vars.iter().map(|(k, v)| (k.clone(), v.clone()))
    }

    /// An environment of exactly these variables (for tests).
    #[cfg(test)]
    pub(crate) fn from_pairs(pairs: &[(&str, &str)]) -> Self {
        Env {
            vars: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_match_whole_names_only() {
        assert!(documented("CARGO_PROFILE_RELEASE_LTO"));
        assert!(documented(
            "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS"
        ));
        assert!(!documented("CARGO_TARGET_X_RUNNER"));
        assert!(!documented("CARGO_PROFILE_"));
        assert!(!documented("GITHUB_TOKEN"));
    }
}
