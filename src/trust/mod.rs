//! The Sigstore instances cargo-attest signs on and verifies against, and
//! their trust material kept fresh through TUF: each instance's
//! `trusted_root.json` and `signing_config.v0.2.json`, refreshed from its
//! TUF mirror (public good: tuf-repo-cdn.sigstore.dev; GitHub's:
//! tuf-repo.github.com) by sigstore-tuf from an initial root
//! (sigstore-trust-root embeds one per instance), cached under the cache
//! directory. `choice` picks the instance a keyless signature goes to.
//! Map: docs/architecture.md#trust

pub(crate) mod choice;
mod tuf;

use std::cell::OnceCell;
use std::fmt;
use std::path::PathBuf;

use sigstore_trust_root::{SigningConfig, SigstoreInstance, TrustedRoot};

use crate::environment::Env;
use crate::error::{Error, ExitCode, Result};

pub(crate) const PUBLIC_GOOD_TUF_URL_ENV: &str = "CARGO_ATTEST_PUBLIC_GOOD_TUF_URL";
pub(crate) const PUBLIC_GOOD_TUF_ROOT_ENV: &str = "CARGO_ATTEST_PUBLIC_GOOD_TUF_ROOT";
pub(crate) const GITHUB_TUF_URL_ENV: &str = "CARGO_ATTEST_GITHUB_TUF_URL";
pub(crate) const GITHUB_TUF_ROOT_ENV: &str = "CARGO_ATTEST_GITHUB_TUF_ROOT";
pub(crate) const OFFLINE_ENV: &str = "CARGO_ATTEST_OFFLINE";
pub(crate) const SIGSTORE_ENV: &str = "CARGO_ATTEST_SIGSTORE";

/// A Sigstore instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Instance {
    /// Sigstore's public-good instance (sigstore.dev): Fulcio with a CT
    /// log, Rekor; public repositories sign here.
    PublicGood,
    /// GitHub's instance (githubapp.com): Fulcio and a TSA, no public log;
    /// private and internal repositories sign here.
    GitHub,
}

impl Instance {
    pub(crate) const ALL: [Instance; 2] = [Instance::PublicGood, Instance::GitHub];

    /// The spelling of `--sigstore` and `CARGO_ATTEST_SIGSTORE`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Instance::PublicGood => "public-good",
            Instance::GitHub => "github",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "public-good" => Some(Instance::PublicGood),
            "github" => Some(Instance::GitHub),
            _ => None,
        }
    }

    fn sigstore(self) -> SigstoreInstance {
        match self {
            Instance::PublicGood => SigstoreInstance::PublicGood,
            Instance::GitHub => SigstoreInstance::GitHub,
        }
    }

    fn index(self) -> usize {
        match self {
            Instance::PublicGood => 0,
            Instance::GitHub => 1,
        }
    }
}

impl fmt::Display for Instance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Instance::PublicGood => "the public-good Sigstore instance",
            Instance::GitHub => "GitHub's Sigstore instance",
        })
    }
}

/// Where an instance's TUF repository is and what starts trust in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mirror {
    /// The mirror's base URL.
    pub(crate) url: String,
    /// An initial `root.json` to bootstrap from, instead of the embedded one.
    pub(crate) initial_root: Option<PathBuf>,
}

/// The trust settings of a run: mirrors, cache, offline.
#[derive(Debug, Clone)]
pub(crate) struct TrustSettings {
    /// The TUF cache's parent (`<cache dir>/tuf/...`); none: no cache.
    pub(crate) cache_dir: Option<PathBuf>,
    /// `--offline` / `CARGO_ATTEST_OFFLINE`: no network, the cached or
    /// built-in copy.
    pub(crate) offline: bool,
    mirrors: [Mirror; 2],
}

/// The trust flags as given (`--offline`, `--public-good-tuf-url`, ...).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct TrustFlags<'a> {
    pub(crate) offline: bool,
    pub(crate) public_good_url: Option<&'a str>,
    pub(crate) public_good_root: Option<&'a std::path::Path>,
    pub(crate) github_url: Option<&'a str>,
    pub(crate) github_root: Option<&'a std::path::Path>,
}

impl TrustSettings {
    /// Flags win over the environment, which wins over the instances'
    /// published mirrors and embedded roots.
    pub(crate) fn resolve(
        flags: TrustFlags<'_>,
        env: &Env,
        cache_dir: Option<PathBuf>,
    ) -> Result<Self> {
        let set = |name: &str| env.get(name).filter(|v| !v.trim().is_empty());
        let offline = flags.offline
            || match set(OFFLINE_ENV).as_deref().map(str::trim) {
                None | Some("0" | "false" | "no") => false,
                Some("1" | "true" | "yes") => true,
                Some(other) => {
                    return Err(Error::usage(format!(
                        "{OFFLINE_ENV}=`{other}`: give 1 or 0 (true or false)"
                    )));
                }
            };
        let mirror = |instance: Instance,
                      url: Option<&str>,
                      root: Option<&std::path::Path>,
                      url_env: &str,
                      root_env: &str| Mirror {
            url: url
                .map(str::to_string)
                .or_else(|| set(url_env))
                .unwrap_or_else(|| instance.sigstore().tuf_url().to_string()),
            initial_root: root
                .map(PathBuf::from)
                .or_else(|| set(root_env).map(PathBuf::from)),
        };
        Ok(TrustSettings {
            cache_dir,
            offline,
            mirrors: [
                mirror(
                    Instance::PublicGood,
                    flags.public_good_url,
                    flags.public_good_root,
                    PUBLIC_GOOD_TUF_URL_ENV,
                    PUBLIC_GOOD_TUF_ROOT_ENV,
                ),
                mirror(
                    Instance::GitHub,
                    flags.github_url,
                    flags.github_root,
                    GITHUB_TUF_URL_ENV,
                    GITHUB_TUF_ROOT_ENV,
                ),
            ],
        })
    }

    pub(crate) fn mirror(&self, instance: Instance) -> &Mirror {
        &self.mirrors[instance.index()]
    }

    /// Whether the instance's trust starts from what sigstore-trust-root
    /// embeds (its mirror and initial root), so its embedded trusted root
    /// may stand in when nothing fresher can be had.
    fn is_published(&self, instance: Instance) -> bool {
        let mirror = self.mirror(instance);
        mirror.initial_root.is_none()
            && mirror.url.trim_end_matches('/')
                == instance.sigstore().tuf_url().trim_end_matches('/')
    }
}

/// Which copy of the trust material a run uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Refreshed from the mirror now.
    Fresh,
    /// The cache's copy (verified again offline), last refreshed at this
    /// time when known.
    Cached { refreshed: Option<jiff::Timestamp> },
    /// The copy built into cargo-attest.
    Embedded,
}

/// An instance's trusted root and signing config.
#[derive(Debug, Clone)]
pub(crate) struct Material {
    /// `trusted_root.json` as published.
    pub(crate) trusted_root_json: String,
    pub(crate) trusted_root: TrustedRoot,
    pub(crate) signing_config: SigningConfig,
    pub(crate) origin: Origin,
}

/// GitHub's TUF repository publishes only `trusted_root.json` (no signing
/// config), so its services are the ones actions/attest names
/// (`@actions/attest` endpoints.ts): Fulcio and a TSA, no transparency log,
/// as nothing a private repository signs may reach a public log.
const GITHUB_SIGNING_CONFIG: &str = r#"{
  "mediaType": "application/vnd.dev.sigstore.signingconfig.v0.2+json",
  "caUrls": [{"url": "https://fulcio.githubapp.com", "majorApiVersion": 1,
              "validFor": {"start": "2023-01-01T00:00:00Z"}}],
  "oidcUrls": [],
  "rekorTlogUrls": [],
  "tsaUrls": [{"url": "https://timestamp.githubapp.com/api/v1/timestamp", "majorApiVersion": 1,
               "validFor": {"start": "2023-01-01T00:00:00Z"}}],
  "rekorTlogConfig": {"selector": "ANY"},
  "tsaConfig": {"selector": "ANY"}
}"#;

/// The trust material of the run's instances, each fetched at most once.
pub(crate) struct Trust {
    settings: TrustSettings,
    loaded: [OnceCell<std::result::Result<Material, Shared>>; 2],
}

/// An error kept for a second asker: its message and exit code.
#[derive(Clone)]
struct Shared {
    report: String,
    code: ExitCode,
}

impl Trust {
    pub(crate) fn new(settings: TrustSettings) -> Self {
        Trust {
            settings,
            loaded: [OnceCell::new(), OnceCell::new()],
        }
    }

    /// The instance's trust material: fresh from its TUF mirror; after a
    /// network failure, or offline, the cached copy, else the built-in one,
    /// with a warning that says which and how old. TUF's refusals (expired,
    /// rolled back, badly signed metadata) are errors (exit 11), never
    /// fallen back from.
    pub(crate) fn material(&self, instance: Instance) -> Result<&Material> {
        let loaded = self.loaded[instance.index()].get_or_init(|| {
            self.load(instance).map_err(|e| Shared {
                report: e.report(),
                code: e.exit_code(),
            })
        });
        loaded.as_ref().map_err(|e| match e.code {
            ExitCode::TrustMetadata => Error::trust_metadata(e.report.clone()),
            ExitCode::Usage => Error::usage(e.report.clone()),
            ExitCode::Io => Error::io(
                "use",
                "the trust material",
                std::io::Error::other(e.report.clone()),
            ),
            ExitCode::Internal => Error::internal(e.report.clone()),
            _ => Error::registry(instance.name(), e.report.clone()),
        })
    }

    fn load(&self, instance: Instance) -> Result<Material> {
        let fetched = tuf::fetch(&self.settings, instance)?;
        let (root_json, config_json, origin) = match fetched {
            Some(f) => (f.trusted_root, f.signing_config, f.origin),
            None => self.embedded(instance)?,
        };
        let trusted_root = TrustedRoot::from_json(&root_json).map_err(|e| {
            Error::trust_metadata(format!(
                "the trusted root of {instance} is not a Sigstore trusted root: {e}"
            ))
        })?;
        let signing_config = match &config_json {
            Some(text) => SigningConfig::from_json(text).map_err(|e| {
                Error::trust_metadata(format!(
                    "the signing config of {instance} is not a Sigstore signing config (v0.2): {e}"
                ))
            })?,
            None => builtin_signing_config(instance)?,
        };
        Ok(Material {
            trusted_root_json: root_json,
            trusted_root,
            signing_config,
            origin,
        })
    }

    /// The copy built into cargo-attest, when the instance's trust starts
    /// from the published mirror and root (a private mirror has none).
    fn embedded(&self, instance: Instance) -> Result<(String, Option<String>, Origin)> {
        if !self.settings.is_published(instance) {
            return Err(Error::registry(
                &self.settings.mirror(instance).url,
                format!(
                    "no trust material for {instance}: its TUF mirror could not be reached \
                     (or --offline) and nothing is cached; there is no built-in copy for a \
                     mirror or initial root of your own"
                ),
            ));
        }
        let root = instance.sigstore().embedded_trusted_root_json().to_string();
        let config = instance
            .sigstore()
            .embedded_signing_config_json()
            .map(str::to_string);
        tracing::warn!(
            "using the trusted root of {instance} built into cargo-attest ({}): keys rotated \
             since then are not known; run online to refresh it",
            embedded_age(&root)
        );
        Ok((root, config, Origin::Embedded))
    }
}

/// The signing config an instance uses when its TUF repository publishes
/// none: GitHub's (see [`GITHUB_SIGNING_CONFIG`]); public good's embedded
/// one.
fn builtin_signing_config(instance: Instance) -> Result<SigningConfig> {
    let text = match instance {
        Instance::GitHub => GITHUB_SIGNING_CONFIG,
        Instance::PublicGood => instance
            .sigstore()
            .embedded_signing_config_json()
            .unwrap_or_default(),
    };
    SigningConfig::from_json(text).map_err(|e| {
        Error::internal(format!(
            "the built-in signing config of {instance} does not parse: {e}"
        ))
    })
}

/// How old a built-in trusted root is, as far as it tells: the start of
/// its newest key's validity.
fn embedded_age(root_json: &str) -> String {
    let newest = serde_json::from_str::<serde_json::Value>(root_json)
        .ok()
        .and_then(|v| {
            let mut starts: Vec<String> = Vec::new();
            collect_starts(&v, &mut starts);
            starts.into_iter().max()
        });
    match newest {
        Some(start) => format!("its newest key valid from {start}"),
        None => "of unknown age".into(),
    }
}

fn collect_starts(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                if key == "start"
                    && let Some(s) = v.as_str()
                {
                    out.push(s.to_string());
                }
                collect_starts(v, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_starts(v, out)),
        _ => {}
    }
}

/// How long ago `then` was, for people.
pub(crate) fn ago(then: jiff::Timestamp) -> String {
    let seconds = jiff::Timestamp::now().as_second() - then.as_second();
    match seconds {
        s if s < 120 => format!("{s} s ago"),
        s if s < 7200 => format!("{} min ago", s / 60),
        s if s < 172_800 => format!("{} h ago", s / 3600),
        s => format!("{} days ago", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_instance_has_a_signing_config_and_github_s_has_no_log() {
        let github = builtin_signing_config(Instance::GitHub).unwrap();
        assert_eq!(
            github.fulcio_url().unwrap().url,
            "https://fulcio.githubapp.com"
        );
        assert!(
            github
                .tsa_url()
                .unwrap()
                .url
                .starts_with("https://timestamp.githubapp.com/")
        );
        assert!(github.rekor_tlog_urls.is_empty());
        let public = builtin_signing_config(Instance::PublicGood).unwrap();
        assert_eq!(
            public.fulcio_url().unwrap().url,
            "https://fulcio.sigstore.dev"
        );
    }

    #[test]
    fn flags_win_over_the_environment_over_the_published_mirrors() {
        let env = Env::from_pairs(&[
            (PUBLIC_GOOD_TUF_URL_ENV, "http://127.0.0.1:1"),
            (GITHUB_TUF_ROOT_ENV, "/env/root.json"),
            (OFFLINE_ENV, "1"),
        ]);
        let flags = TrustFlags {
            public_good_url: Some("http://127.0.0.1:2"),
            ..Default::default()
        };
        let s = TrustSettings::resolve(flags, &env, None).unwrap();
        assert!(s.offline);
        assert_eq!(s.mirror(Instance::PublicGood).url, "http://127.0.0.1:2");
        assert_eq!(
            s.mirror(Instance::GitHub).url,
            "https://tuf-repo.github.com"
        );
        assert_eq!(
            s.mirror(Instance::GitHub).initial_root,
            Some(PathBuf::from("/env/root.json"))
        );
        assert!(!s.is_published(Instance::PublicGood));
        assert!(!s.is_published(Instance::GitHub));
        let plain =
            TrustSettings::resolve(TrustFlags::default(), &Env::from_pairs(&[]), None).unwrap();
        assert!(!plain.offline);
        assert!(plain.is_published(Instance::PublicGood) && plain.is_published(Instance::GitHub));
        let bad = Env::from_pairs(&[(OFFLINE_ENV, "maybe")]);
        assert!(TrustSettings::resolve(TrustFlags::default(), &bad, None).is_err());
    }
}
