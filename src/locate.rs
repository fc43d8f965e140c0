//! Turning a REF into a place, in two steps that never mix:
//! 1. [`Places::parse`] (pure): the REF's syntax, by the distribution spec's
//!    grammar, into a typed [`Destination`]: a repository in a registry, or
//!    an OCI image layout on disk, with the tag or digest it names.
//! 2. [`Places::open`] (I/O): a [`Store`] for it, connected to its registry
//!    with the credentials the lookup order finds, or the layout opened.
//!
//! Writers go through [`Places::prepare_write`] in between: it checks all a
//! push needs (a tag, the registry reachable and accepting the credentials
//! for a push, the layout path usable) before any key is loaded or any
//! Sigstore service is called, and creates nothing on disk.
//! Map: docs/architecture.md#locate

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::credentials::keyring::Purpose;
use crate::credentials::{Keyring, lookup};
use crate::environment::Env;
use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::oci::Store;
use crate::oci::reference::{
    self, Reference, Target, looks_like_digest, valid_path_component, valid_tag,
};
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

/// A REF, parsed: where it points, before anything is contacted or opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Destination {
    Registry {
        /// `http` or `https` when the REF spelled one out.
        scheme: Option<String>,
        reference: Reference,
    },
    Layout {
        dir: PathBuf,
        target: Target,
    },
}

impl Destination {
    /// The tag or digest the REF names (`latest` when none).
    pub(crate) fn target(&self) -> Target {
        match self {
            Destination::Registry { reference, .. } => reference.target(),
            Destination::Layout { target, .. } => target.clone(),
        }
    }

    /// For messages: `host/repo:tag` or `oci-layout DIR:tag`.
    pub(crate) fn display(&self) -> String {
        match self {
            Destination::Registry { reference, .. } => reference.to_string(),
            Destination::Layout { dir, target } => {
                let sep = if target.tag().is_some() { ":" } else { "@" };
                format!("oci-layout {}{sep}{}", dir.display(), target.as_str())
            }
        }
    }

    /// The tag a push moves; a digest REF is a usage error (`what` names
    /// the flag or command for the message).
    pub(crate) fn push_tag(&self, what: &str, text: &str) -> Result<String> {
        match self.target() {
            Target::Tag(tag) => Ok(tag),
            Target::Digest(_) => Err(Error::usage(format!(
                "{what} to a tag, not a digest: `{text}` (a pushed artifact's digest is known \
                 only once it is built; name a tag such as NAME:v1)"
            ))),
        }
    }
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
    /// `host/repo` or `oci-layout DIR`, without the tag `latest` a bare
    /// repository name got.
    pub(crate) fn repository_display(&self) -> &str {
        self.display
            .strip_suffix(":latest")
            .unwrap_or(&self.display)
    }
}

/// A push destination that passed every check that can be made before the
/// write: a connected registry repository, or a layout path that can be
/// created. [`Writable::open`] makes the layout only then.
pub(crate) enum Writable {
    Registry(Located),
    Layout(Destination),
}

impl Writable {
    /// The store to write to (a missing layout is created now).
    pub(crate) fn open(self, places: &Places<'_>) -> Result<Located> {
        match self {
            Writable::Registry(located) => Ok(located),
            Writable::Layout(destination) => places.open(&destination, true),
        }
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
    /// Resolves REF: [`Places::parse`], then [`Places::open`]. `create`
    /// makes a missing OCI layout (for writes).
    pub(crate) fn locate(&self, text: &str, create: bool) -> Result<Located> {
        self.open(&self.parse(text)?, create)
    }

    /// REF's syntax, checked by the distribution spec's grammar (registry
    /// and layout names alike). Pure: nothing is contacted or created.
    pub(crate) fn parse(&self, text: &str) -> Result<Destination> {
        if self.oci_layout.is_some() || !names_registry(text) {
            return self.parse_layout(text);
        }
        let (scheme, rest) = split_scheme(text);
        Ok(Destination::Registry {
            scheme: scheme.map(str::to_string),
            reference: Reference::parse(rest)?,
        })
    }

    /// A store for a parsed REF: the registry client (no request yet), or
    /// the layout, which must exist unless `create`.
    pub(crate) fn open(&self, destination: &Destination, create: bool) -> Result<Located> {
        let store: Box<dyn Store> = match destination {
            Destination::Registry { scheme, reference } => Box::new(Repository {
                client: Arc::new(self.connect(scheme.as_deref(), reference.api_host())?),
                name: reference.repository.clone(),
            }),
            Destination::Layout { dir, .. } => {
                if !create && !dir.join("index.json").is_file() {
                    return Err(Error::io(
                        "open OCI layout",
                        dir,
                        std::io::Error::from(std::io::ErrorKind::NotFound),
                    ));
                }
                Box::new(Layout::open_or_create(dir)?)
            }
        };
        Ok(Located {
            store,
            target: destination.target(),
            display: destination.display(),
        })
    }

    /// Checks a push destination before any work: a tag (not a digest),
    /// and the registry answering with the credentials a push needs, or a
    /// layout directory that exists as a layout or can be made. Creates
    /// nothing.
    pub(crate) fn prepare_write(
        &self,
        destination: &Destination,
        what: &str,
        text: &str,
    ) -> Result<Writable> {
        destination.push_tag(what, text)?;
        match destination {
            Destination::Registry { .. } => {
                let located = self.open(destination, false)?;
                located.store.check_write_access()?;
                Ok(Writable::Registry(located))
            }
            Destination::Layout { dir, .. } => {
                check_layout_dir(dir)?;
                Ok(Writable::Layout(destination.clone()))
            }
        }
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

    fn parse_layout(&self, text: &str) -> Result<Destination> {
        let (dir, target) = match self.oci_layout {
            // With --oci-layout, REF is the tag or digest (a `name:` or
            // `name@` prefix is dropped).
            Some(dir) => {
                let target = match text.split_once('@') {
                    Some((_, digest)) => digest,
                    None if looks_like_digest(text) => text,
                    None => text.rsplit_once(':').map_or(text, |(_, tag)| tag),
                };
                (dir.to_path_buf(), target)
            }
            None => {
                let (name, target) = match text.split_once('@') {
                    Some((name, digest)) => (name, digest),
                    None => text.rsplit_once(':').unwrap_or((text, "latest")),
                };
                // The name becomes a directory and a repository name: the
                // spec's path-component grammar keeps both safe (no `/`,
                // `..`, spaces or upper case).
                if !valid_path_component(name) {
                    return Err(Error::usage(format!(
                        "invalid reference `{text}`: `{name}` names no registry host, and as an \
                         OCI layout name it must be lowercase letters and digits, separated by \
                         `.`, `_`, `__` or `-` (kept in {DEFAULT_LAYOUT_DIR}/NAME); or give \
                         --oci-layout DIR"
                    )));
                }
                (PathBuf::from(DEFAULT_LAYOUT_DIR).join(name), target)
            }
        };
        let target = if looks_like_digest(target) {
            Target::parse(target)?
        } else if valid_tag(target) {
            Target::Tag(target.to_string())
        } else {
            return Err(Error::usage(format!(
                "invalid tag `{target}` for the OCI layout: 1-128 of [A-Za-z0-9_.-], not \
                 starting with `.` or `-`"
            )));
        };
        Ok(Destination::Layout { dir, target })
    }
}

/// A layout directory a push can use: an existing layout, an empty
/// directory, or a path whose nearest existing ancestor is a directory.
fn check_layout_dir(dir: &Path) -> Result<()> {
    let unusable = |why: &str| {
        Error::invalid_input(format!(
            "cannot use {} as an OCI layout: {why}",
            dir.display()
        ))
    };
    if dir.exists() {
        if !dir.is_dir() {
            return Err(unusable("it exists and is not a directory"));
        }
        let is_layout = dir.join("oci-layout").is_file() || dir.join("index.json").is_file();
        let empty = std::fs::read_dir(dir)
            .map_err(|e| Error::io("read directory", dir, e))?
            .next()
            .is_none();
        if !is_layout && !empty {
            return Err(unusable(
                "it is a directory that holds other files, not an OCI image layout",
            ));
        }
        return Ok(());
    }
    let mut ancestor = dir.parent();
    while let Some(a) = ancestor {
        let a = if a.as_os_str().is_empty() {
            Path::new(".")
        } else {
            a
        };
        if a.exists() {
            return if a.is_dir() {
                Ok(())
            } else {
                Err(unusable(&format!("{} is not a directory", a.display())))
            };
        }
        ancestor = a.parent();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places<'a>(env: &'a Env, layout: Option<&'a Path>) -> Places<'a> {
        Places {
            options: Options::default(),
            oci_layout: layout,
            env,
            cache_dir: None,
        }
    }

    #[test]
    fn parses_registry_and_layout_destinations_without_io() {
        let env = Env::default();
        let p = places(&env, None);
        let d = p.parse("127.0.0.1:5000/team/app:v1").unwrap();
        assert_eq!(d.display(), "127.0.0.1:5000/team/app:v1");
        assert_eq!(d.target(), Target::Tag("v1".into()));
        assert!(p.parse("http://localhost/app@sha256:").is_err());
        let d = p.parse("app").unwrap();
        assert_eq!(
            d,
            Destination::Layout {
                dir: PathBuf::from("target/oci/app"),
                target: Target::Tag("latest".into())
            }
        );
    }

    #[test]
    fn layout_names_follow_the_repository_grammar() {
        let env = Env::default();
        let p = places(&env, None);
        for bad in [
            "bad ref!!",
            "Upper",
            "..",
            ".hidden",
            "a/b",
            "-dash",
            "trailing-",
            "sp ace:v1",
            "ok:bad tag",
            "ok:.dot",
        ] {
            let e = p.parse(bad).unwrap_err();
            assert_eq!(e.exit_code(), crate::ExitCode::Usage, "{bad}");
        }
        let by_digest = format!("a__b@sha256:{}", "a".repeat(64));
        for good in ["app", "my-app.v2:v1", "x_y:latest", by_digest.as_str()] {
            p.parse(good).unwrap();
        }
    }

    #[test]
    fn a_push_needs_a_tag() {
        let env = Env::default();
        let p = places(&env, None);
        let digest = format!("127.0.0.1:5000/app@sha256:{}", "a".repeat(64));
        let d = p.parse(&digest).unwrap();
        let e = d.push_tag("--push", &digest).unwrap_err();
        assert_eq!(e.exit_code(), crate::ExitCode::Usage);
        assert!(e.to_string().contains("not a digest"), "{e}");
        let d = p.parse("app:v1").unwrap();
        assert_eq!(d.push_tag("push", "app:v1").unwrap(), "v1");
    }

    #[test]
    fn layout_dir_checks_create_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("a/b/layout");
        check_layout_dir(&fresh).unwrap();
        assert!(!dir.path().join("a").exists());
        let file = dir.path().join("file");
        std::fs::write(&file, "x").unwrap();
        assert!(check_layout_dir(&file.join("layout")).is_err());
        assert!(check_layout_dir(&file).is_err());
        let full = dir.path().join("full");
        std::fs::create_dir(&full).unwrap();
        std::fs::write(full.join("other"), "x").unwrap();
        assert!(check_layout_dir(&full).is_err());
    }
}
