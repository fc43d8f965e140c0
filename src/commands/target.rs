//! Turning a REF and the global registry flags into a place: a repository
//! in a registry, or an OCI image layout on disk.

use std::path::PathBuf;
use std::sync::Arc;

use super::Ui;
use crate::cli::{GlobalArgs, ProgressWhen};
use crate::credentials::Keyring;
use crate::credentials::registry as creds;
use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::progress;
use crate::registry::client::{Options, scheme_for};
use crate::registry::reference::valid_tag;
use crate::registry::{Client, Reference, Repository, Target};

/// Default OCI layout directory for a reference without a registry host.
pub const DEFAULT_LAYOUT_DIR: &str = "target/oci";

pub enum Place {
    Registry(Repository),
    Layout(Layout),
}

/// A resolved REF.
pub struct Located {
    pub place: Place,
    /// The tag or digest REF names (`latest` when none).
    pub reference: String,
    /// For messages: `host/repo:tag` or `oci-layout DIR:tag`.
    pub display: String,
}

impl Located {
    pub fn target(&self) -> &dyn Target {
        match &self.place {
            Place::Registry(r) => r,
            Place::Layout(l) => l,
        }
    }

    /// The tag, if REF names one (not a digest).
    pub fn tag(&self) -> Option<&str> {
        (!self.reference.starts_with("sha256:")).then_some(self.reference.as_str())
    }
}

pub fn options(global: &GlobalArgs) -> Options {
    Options {
        plain_http: global.plain_http,
        insecure: global.insecure,
    }
}

pub fn progress(ui: &Ui, global: &GlobalArgs) -> progress::Progress {
    progress::Progress::new(if ui.quiet || ui.json() {
        progress::Mode::Quiet
    } else {
        match global.progress {
            ProgressWhen::Auto => progress::Mode::Auto,
            ProgressWhen::Always => progress::Mode::Bars,
            ProgressWhen::Never => progress::Mode::Plain,
        }
    })
}

/// Splits an optional `http://` or `https://` off a reference.
pub fn split_scheme(text: &str) -> (Option<&str>, &str) {
    match text.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, text),
    }
}

/// Whether the reference names a registry host (else it is a layout name).
fn names_registry(text: &str) -> bool {
    let (scheme, rest) = split_scheme(text);
    scheme.is_some()
        || rest.split_once('/').is_some_and(|(first, _)| {
            first.contains('.') || first.contains(':') || first == "localhost"
        })
}

/// Resolves REF. `create` makes a missing OCI layout (for writes).
pub fn locate(ui: &Ui, global: &GlobalArgs, text: &str, create: bool) -> Result<Located> {
    if global.oci_layout.is_some() || !names_registry(text) {
        return locate_layout(global, text, create);
    }
    let (scheme, rest) = split_scheme(text);
    let reference = Reference::parse(rest)?;
    let client = connect(ui, global, scheme, reference.api_host())?;
    Ok(Located {
        display: reference.to_string(),
        reference: reference.target().to_string(),
        place: Place::Registry(Repository {
            client: Arc::new(client),
            name: reference.repository.clone(),
        }),
    })
}

/// A client for `host` with the credentials the lookup order finds.
pub fn connect(ui: &Ui, global: &GlobalArgs, scheme: Option<&str>, host: &str) -> Result<Client> {
    let scheme = scheme_for(host, scheme, &options(global))?;
    let keyring = Keyring::open().ok();
    let credential = creds::lookup(host, keyring.as_ref(), &mut |line| ui.detail(1, line))?;
    match &credential {
        Some(c) => ui.detail(1, format!("{host}: credentials from {}", c.source)),
        None => ui.detail(
            1,
            format!("{host}: no credentials found; trying anonymous access"),
        ),
    }
    let verbose = ui.verbose >= 2;
    Client::new(
        host,
        scheme,
        &options(global),
        credential,
        Box::new(move |line| {
            if verbose {
                eprintln!("  {line}");
            }
        }),
    )
}

fn locate_layout(global: &GlobalArgs, text: &str, create: bool) -> Result<Located> {
    let split = |t: &str| -> (String, String) {
        match t.split_once('@') {
            Some((name, digest)) => (name.to_string(), digest.to_string()),
            None => match t.rsplit_once(':') {
                Some((n, tag)) => (n.to_string(), tag.to_string()),
                None => (t.to_string(), "latest".to_string()),
            },
        }
    };
    let (dir, reference) = match &global.oci_layout {
        // With --oci-layout, REF is the tag or digest (a `name:` prefix is dropped).
        Some(dir) => {
            let reference =
                if text.contains('@') || text.contains(':') && !text.starts_with("sha256:") {
                    split(text).1
                } else {
                    text.to_string()
                };
            (dir.clone(), reference)
        }
        None => {
            let (name, reference) = split(text);
            if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
                return Err(Error::usage(format!(
                    "`{text}` names no registry host; as an OCI layout name use NAME[:TAG] \
                     (kept in {DEFAULT_LAYOUT_DIR}/NAME), or give --oci-layout DIR"
                )));
            }
            (PathBuf::from(DEFAULT_LAYOUT_DIR).join(name), reference)
        }
    };
    if !reference.starts_with("sha256:") && !valid_tag(&reference) {
        return Err(Error::usage(format!(
            "invalid tag `{reference}` for the OCI layout"
        )));
    }
    if !create && !dir.join("index.json").is_file() {
        return Err(Error::io(
            "open OCI layout",
            &dir,
            std::io::Error::from(std::io::ErrorKind::NotFound),
        ));
    }
    let layout = Layout::open_or_create(&dir)?;
    let sep = if reference.starts_with("sha256:") {
        "@"
    } else {
        ":"
    };
    Ok(Located {
        display: format!("oci-layout {}{sep}{reference}", dir.display()),
        place: Place::Layout(layout),
        reference,
    })
}
