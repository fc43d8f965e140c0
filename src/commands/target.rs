//! Turning a REF and the global registry flags into a push target.

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

pub struct OpenedTarget {
    pub target: Box<dyn Target>,
    pub tag: Option<String>,
    /// For messages: `host/repo:tag` or `oci-layout DIR:tag`.
    pub display: String,
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

pub fn open(ui: &Ui, global: &GlobalArgs, text: &str) -> Result<OpenedTarget> {
    if global.oci_layout.is_some() || !names_registry(text) {
        return open_layout(global, text);
    }
    let (scheme, rest) = split_scheme(text);
    let reference = Reference::parse(rest)?;
    if reference.digest.is_some() {
        return Err(Error::usage(format!(
            "push to a tag, not a digest: `{text}`"
        )));
    }
    let client = connect(ui, global, scheme, reference.api_host())?;
    let display = reference.to_string();
    Ok(OpenedTarget {
        target: Box::new(Repository {
            client: Arc::new(client),
            name: reference.repository.clone(),
        }),
        tag: Some(reference.tag.clone().unwrap_or_else(|| "latest".into())),
        display,
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

fn open_layout(global: &GlobalArgs, text: &str) -> Result<OpenedTarget> {
    let (dir, tag) = match &global.oci_layout {
        // With --oci-layout, REF is just the tag (a `name:` prefix is dropped).
        Some(dir) => {
            let tag = text.rsplit_once(':').map(|(_, t)| t).unwrap_or(text);
            (dir.clone(), tag.to_string())
        }
        None => {
            let (name, tag) = match text.rsplit_once(':') {
                Some((n, t)) => (n, t),
                None => (text, "latest"),
            };
            if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
                return Err(Error::usage(format!(
                    "`{text}` names no registry host; as an OCI layout name use NAME[:TAG] \
                     (written to {DEFAULT_LAYOUT_DIR}/NAME), or give --oci-layout DIR"
                )));
            }
            (
                PathBuf::from(DEFAULT_LAYOUT_DIR).join(name),
                tag.to_string(),
            )
        }
    };
    if !valid_tag(&tag) {
        return Err(Error::usage(format!(
            "invalid tag `{tag}` for the OCI layout"
        )));
    }
    let layout = Layout::open_or_create(&dir)?;
    Ok(OpenedTarget {
        display: format!("oci-layout {}:{tag}", dir.display()),
        target: Box::new(layout),
        tag: Some(tag),
    })
}
