//! One instance's targets through TUF, by sigstore-tuf: refreshed from the
//! mirror (root chain, timestamp, snapshot, targets: its expiry, rollback,
//! freeze and signature checks), written through to the cache; after a
//! network failure, or offline, the cache's copy verified again from the
//! initial root with no network. Nothing of TUF is written here: this file
//! only decides which failures may fall back.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};
use sigstore_tuf::{FileStore, HttpRepository, StoreRepository, Updater};

use super::{Instance, Origin, TrustSettings, ago};
use crate::error::{Error, Result};

const TRUSTED_ROOT: &str = "trusted_root.json";
const SIGNING_CONFIG: &str = "signing_config.v0.2.json";
/// When the cache was last refreshed from the mirror (RFC 3339), for the
/// warning that says how old a cached copy is.
const REFRESHED: &str = "cargo-attest-refreshed";
const USER_AGENT: &str = concat!("cargo-attest/", env!("CARGO_PKG_VERSION"));

/// The targets as published, and which copy they are.
pub(super) struct Fetched {
    pub(super) trusted_root: String,
    pub(super) signing_config: Option<String>,
    pub(super) origin: Origin,
}

/// The instance's targets, fresh or cached; `None` when neither can be had
/// for a reason that allows the built-in copy (no network, nothing usable
/// cached). A refusal by TUF is an error.
pub(super) fn fetch(settings: &TrustSettings, instance: Instance) -> Result<Option<Fetched>> {
    let mirror = settings.mirror(instance);
    let url = mirror_url(&mirror.url)?;
    let root = initial_root(instance, mirror.initial_root.as_deref())?;
    let cache = settings
        .cache_dir
        .as_ref()
        .map(|dir| cache_dir(dir, instance, &url, &root));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::internal(format!("cannot start a runtime: {e}")))?;
    let why = if settings.offline {
        "--offline".to_string()
    } else {
        match runtime.block_on(refresh(&url, &root, cache.as_deref())) {
            Ok(fetched) => {
                if let Some(dir) = &cache {
                    mark_refreshed(dir);
                }
                return Ok(Some(fetched));
            }
            Err(e) if is_network_failure(&e) => {
                format!("cannot reach the TUF mirror {url} ({})", chain(&e))
            }
            Err(e) => return Err(refused(instance, &url, &e)),
        }
    };
    let Some(dir) = cache.filter(|d| d.join("timestamp.json").is_file()) else {
        tracing::warn!("{why}; nothing is cached for {instance}");
        return Ok(None);
    };
    match runtime.block_on(from_cache(&root, &dir)) {
        Ok(mut fetched) => {
            let refreshed = read_refreshed(&dir);
            fetched.origin = Origin::Cached { refreshed };
            tracing::warn!(
                "{why}: using the cached trusted root of {instance}, {}",
                match refreshed {
                    Some(t) => format!("refreshed {} ({t})", ago(t)),
                    None => "of unknown age".into(),
                }
            );
            Ok(Some(fetched))
        }
        Err(e) => {
            tracing::warn!(
                "{why}; the cached copy of {instance}'s trust material is unusable ({})",
                chain(&e)
            );
            Ok(None)
        }
    }
}

fn mirror_url(text: &str) -> Result<url::Url> {
    let url = url::Url::parse(text)
        .map_err(|e| Error::usage(format!("TUF mirror `{text}` is not a URL: {e}")))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if crate::registry::policy::url_is_loopback(&url) => Ok(url),
        "http" => Err(Error::usage(format!(
            "TUF mirror `{text}` is plain http: allowed to loopback hosts only; use https"
        ))),
        other => Err(Error::usage(format!(
            "TUF mirror `{text}` has scheme `{other}`; use https"
        ))),
    }
}

fn initial_root(instance: Instance, path: Option<&Path>) -> Result<Vec<u8>> {
    match path {
        Some(p) => std::fs::read(p).map_err(|e| Error::io("read the initial TUF root", p, e)),
        None => Ok(instance.sigstore().tuf_root().to_vec()),
    }
}

/// `<cache>/tuf/<instance>-<hash of mirror and initial root>`: another
/// mirror or root never reads this one's metadata.
fn cache_dir(base: &Path, instance: Instance, url: &url::Url, root: &[u8]) -> PathBuf {
    let mut hash = Sha256::new();
    hash.update(url.as_str().trim_end_matches('/').as_bytes());
    hash.update([0]);
    hash.update(root);
    let digest = hex::encode(hash.finalize());
    base.join("tuf")
        .join(format!("{}-{}", instance.name(), &digest[..16]))
}

async fn refresh(
    url: &url::Url,
    root: &[u8],
    cache: Option<&Path>,
) -> sigstore_tuf::Result<Fetched> {
    let client = sigstore_tuf::reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(15))
        .read_timeout(Duration::from_secs(30))
        .timeout(Duration::from_secs(90))
        .user_agent(USER_AGENT)
        .build()
        .map_err(|e| sigstore_tuf::Error::transport_with_source("cannot make a client", e))?;
    let repo = HttpRepository::new(url.as_str())?.with_http_client(client);
    let mut updater = Updater::new(repo, root)?;
    if let Some(dir) = cache {
        updater = updater.with_store(FileStore::new(dir));
    }
    targets(&mut updater, Origin::Fresh).await
}

async fn from_cache(root: &[u8], dir: &Path) -> sigstore_tuf::Result<Fetched> {
    let store = FileStore::new(dir);
    let mut updater = Updater::new(StoreRepository::new(store.clone()), root)?.with_store(store);
    targets(&mut updater, Origin::Cached { refreshed: None }).await
}

async fn targets(updater: &mut Updater, origin: Origin) -> sigstore_tuf::Result<Fetched> {
    let now = jiff::Timestamp::now();
    updater.refresh(now).await?;
    let trusted_root = text(updater.get_target(TRUSTED_ROOT, now).await?, TRUSTED_ROOT)?;
    let signing_config = match updater.get_target(SIGNING_CONFIG, now).await {
        Ok(bytes) => Some(text(bytes, SIGNING_CONFIG)?),
        // GitHub's repository publishes no signing config: the instance's
        // built-in one stands in (`super::builtin_signing_config`).
        Err(sigstore_tuf::Error::TargetNotFound(_)) => None,
        Err(e) => return Err(e),
    };
    Ok(Fetched {
        trusted_root,
        signing_config,
        origin,
    })
}

fn text(bytes: Vec<u8>, name: &str) -> sigstore_tuf::Result<String> {
    String::from_utf8(bytes)
        .map_err(|_| sigstore_tuf::Error::Malformed(format!("{name} is not UTF-8")))
}

/// Only a failure to talk to the mirror (no connection, a timeout, a
/// dropped transfer, a server error) allows falling back; an answer that
/// TUF refuses never does.
fn is_network_failure(e: &sigstore_tuf::Error) -> bool {
    match e {
        sigstore_tuf::Error::Transport {
            source: Some(_), ..
        } => true,
        sigstore_tuf::Error::Transport {
            message,
            source: None,
        } => message.contains("returned status 5") || message.contains("returned status 429"),
        _ => false,
    }
}

/// The error for a refresh the mirror answered and TUF (or the mirror's
/// shape) refused.
fn refused(instance: Instance, url: &url::Url, e: &sigstore_tuf::Error) -> Error {
    use sigstore_tuf::Error as T;
    let what = match e {
        T::Expired { .. } => {
            "expired metadata (a freeze attack, or a mirror that stopped updating)"
        }
        T::Rollback { .. } | T::BadRootVersion { .. } => {
            "metadata older than what this machine has already seen (a rollback attack)"
        }
        T::ThresholdNotMet { .. } | T::DuplicateSignature { .. } | T::Crypto(_) => {
            "metadata not signed by the keys the trusted TUF root names"
        }
        T::IntegrityMismatch(_) => {
            "a file whose length or hash differs from what its metadata pins"
        }
        T::Transport { .. } | T::Io { .. } => {
            return Error::registry(
                url,
                format!("the TUF repository of {instance} is unusable: {}", chain(e)),
            );
        }
        _ => "metadata TUF cannot accept",
    };
    Error::trust_metadata(format!(
        "refusing the trust material of {instance}: its TUF mirror {url} served {what}: {}; \
         no cached or built-in copy is used instead",
        chain(e)
    ))
}

fn chain(e: &sigstore_tuf::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn mark_refreshed(dir: &Path) {
    let now = jiff::Timestamp::now().to_string();
    if let Err(e) = crate::fsutil::write_atomically(
        &dir.join(REFRESHED),
        now.as_bytes(),
        crate::fsutil::Mode::Public,
    ) {
        tracing::debug!("cannot record the TUF refresh time: {e}");
    }
}

fn read_refreshed(dir: &Path) -> Option<jiff::Timestamp> {
    std::fs::read_to_string(dir.join(REFRESHED))
        .ok()?
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_mirrors_only_on_loopback() {
        assert!(mirror_url("http://127.0.0.1:8080").is_ok());
        assert!(mirror_url("http://localhost/x/").is_ok());
        assert!(mirror_url("https://tuf-repo-cdn.sigstore.dev").is_ok());
        assert!(mirror_url("http://tuf.example").is_err());
        assert!(mirror_url("file:///tmp/repo").is_err());
    }

    #[test]
    fn only_network_failures_fall_back() {
        let network = sigstore_tuf::Error::transport_with_source("GET x failed", "refused");
        assert!(is_network_failure(&network));
        let down = sigstore_tuf::Error::transport("GET x returned status 503 Service Unavailable");
        assert!(is_network_failure(&down));
        let expired = sigstore_tuf::Error::Expired {
            role: "timestamp".into(),
            expires: jiff::Timestamp::UNIX_EPOCH,
        };
        assert!(!is_network_failure(&expired));
        let rollback = sigstore_tuf::Error::Rollback {
            role: "timestamp".into(),
            trusted: 3,
            new: 2,
        };
        assert!(!is_network_failure(&rollback));
        let url = url::Url::parse("http://127.0.0.1:1/").unwrap();
        let e = refused(Instance::GitHub, &url, &rollback);
        assert_eq!(e.exit_code(), crate::error::ExitCode::TrustMetadata);
        assert!(e.to_string().contains("rollback"), "{e}");
        let missing = sigstore_tuf::Error::transport("timestamp.json not found");
        assert!(!is_network_failure(&missing));
    }
}
