//! Turning a REF into a place: a repository in a registry (with the
//! credentials the lookup order finds) or an OCI image layout on disk, both
//! as a [`Store`].
//! Map: docs/architecture.md#locate

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::credentials::keyring::Purpose;
use crate::credentials::{Keyring, lookup};
use crate::environment::Env;
use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::oci::Store;
use crate::oci::reference::{self, Reference, Target, looks_like_digest, valid_tag};
use crate::registry::{Client, Options, Repository, policy::scheme_for};

/// Default OCI layout directory for a reference without a registry host.
pub(crate) const DEFAULT_LAYOUT_DIR: &str = "target/oci";

/// Where REFs go and how registries are reached.
pub(crate) struct Places<'a> {
    pub(crate) options: Options,
    /// `--oci-layout DIR`: every REF names a tag or digest in this layout.
    pub(crate) oci_layout: Option<&'a Path>,
    /// The environment snapshot, for credentials.
    pub(crate) env: &'a Env,
    /// Where to remember which repository holds which blob.
    pub(crate) cache_dir: Option<&'a Path>,
}

/// A resolved REF.
pub(crate) struct Located {
    pub(crate) store: Box<dyn Store>,
    /// The tag or digest REF names (`latest` when none).
    pub(crate) target: Target,
    /// For messages: `host/repo:tag` or `oci-layout DIR:tag`.
    pub(crate) display: String,
}

impl Located {
    /// The tag, if REF names one (not a digest).
    pub(crate) fn tag(&self) -> Option<&str> {
        self.target.tag()
    }

    /// `host/repo` or `oci-layout DIR`, without the tag `latest` a bare
    /// repository name got.
    pub(crate) fn repository_display(&self) -> &str {
        self.display
            .strip_suffix(":latest")
            .unwrap_or(&self.display)
    }
}

/// Splits an optional `http://` or `https://` off a reference.
pub(crate) fn split_scheme(text: &str) -> (Option<&str>, &str) {
    match text.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, text),
    }
}

/// Whether the reference names a registry host (else it is a layout name).
fn names_registry(text: &str) -> bool {
    let (scheme, rest) = split_scheme(text);
    scheme.is_some()
        || rest
            .split_once('/')
            .is_some_and(|(first, _)| reference::names_host(first))
}

impl Places<'_> {
    /// Resolves REF. `create` makes a missing OCI layout (for writes).
    pub(crate) fn locate(&self, text: &str, create: bool) -> Result<Located> {
        if self.oci_layout.is_some() || !names_registry(text) {
            return self.locate_layout(text, create);
        }
        let (scheme, rest) = split_scheme(text);
        let reference = Reference::parse(rest)?;
        let client = self.connect(scheme, reference.api_host())?;
        Ok(Located {
            display: reference.to_string(),
            target: reference.target(),
            store: Box::new(Repository {
                client: Arc::new(client),
                name: reference.repository.clone(),
            }),
        })
    }

    /// A client for `host` with the credentials the lookup order finds.
    pub(crate) fn connect(&self, scheme: Option<&str>, host: &str) -> Result<Client> {
        let scheme = scheme_for(host, scheme, &self.options)?;
        let keyring = Keyring::open(Purpose::Login).ok();
        let credential = lookup::lookup(host, keyring.as_ref(), &|k| self.env.get(k))?;
        match &credential {
            Some(c) => tracing::debug!("{host}: credentials from {}", c.source),
            None => tracing::debug!("{host}: no credentials found; trying anonymous access"),
        }
        Ok(Client::new(host, scheme, &self.options, credential)?.with_blob_sources(self.cache_dir))
    }

    fn locate_layout(&self, text: &str, create: bool) -> Result<Located> {
        let (dir, target) = match self.oci_layout {
            // With --oci-layout, REF is the tag or digest (a `name:` or
            // `name@` prefix is dropped).
            Some(dir) => {
                let target = match text.split_once('@') {
                    Some((_, digest)) => digest,
                    None if looks_like_digest(text) => text,
                    None => text.rsplit_once(':').map_or(text, |(_, tag)| tag),
                };
                (dir.to_path_buf(), target.to_string())
            }
            None => {
                let (name, target) = match text.split_once('@') {
                    Some((name, digest)) => (name, digest),
                    None => text.rsplit_once(':').unwrap_or((text, "latest")),
                };
                if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
                    return Err(Error::usage(format!(
                        "`{text}` names no registry host; as an OCI layout name use NAME[:TAG] \
                         (kept in {DEFAULT_LAYOUT_DIR}/NAME), or give --oci-layout DIR"
                    )));
                }
                (
                    PathBuf::from(DEFAULT_LAYOUT_DIR).join(name),
                    target.to_string(),
                )
            }
        };
        let target = if looks_like_digest(&target) {
            Target::parse(&target)?
        } else if valid_tag(&target) {
            Target::Tag(target)
        } else {
            return Err(Error::usage(format!(
                "invalid tag `{target}` for the OCI layout"
            )));
        };
        if !create && !dir.join("index.json").is_file() {
            return Err(Error::io(
                "open OCI layout",
                &dir,
                std::io::Error::from(std::io::ErrorKind::NotFound),
            ));
        }
        let layout = Layout::open_or_create(&dir)?;
        let sep = if target.tag().is_some() { ":" } else { "@" };
        Ok(Located {
            display: format!("oci-layout {}{sep}{}", dir.display(), target.as_str()),
            store: Box::new(layout),
            target,
        })
    }
}
