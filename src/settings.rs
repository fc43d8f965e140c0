//! Settings resolved once from the command line and the environment (as
//! uv's `settings.rs` and ripgrep's `HiArgs` do), then passed down. This is
//! the one place that reads the process environment; core modules get the
//! values, or [`Env::get`], never `std::env`.
//! Map: docs/architecture.md#settings

use std::path::PathBuf;

use jiff::Timestamp;

use crate::attach::Strategy;
use crate::cli::{AttachMode, Cli, Format, ProgressWhen};
pub use crate::environment::Env;
use crate::error::{Error, Result};
use crate::locate::Places;
use crate::progress;
use crate::provenance::{self, Created};
use crate::registry::Options;

/// Where the capability memory lives, overriding the XDG cache.
pub(crate) const CACHE_DIR_ENV: &str = "CARGO_ATTEST_CACHE_DIR";

/// Everything a command needs to know besides its own arguments.
pub struct Settings {
    pub(crate) format: Format,
    pub(crate) progress: progress::Mode,
    pub(crate) registry: Options,
    pub(crate) oci_layout: Option<PathBuf>,
    pub(crate) strategy: Strategy,
    pub(crate) redetect: bool,
    /// The capability memory's directory, if any can be found.
    pub(crate) cache_dir: Option<PathBuf>,
    /// SOURCE_DATE_EPOCH, parsed.
    pub(crate) source_date_epoch: Option<Timestamp>,
    /// `--created`.
    pub(crate) created: Created,
    /// The `cargo attest` command line as provenance records it.
    pub(crate) recorded_command: Vec<String>,
    pub(crate) env: Env,
}

impl Settings {
    /// Resolves the command line's flags against the environment.
    pub fn resolve(cli: &Cli, recorded_command: Vec<String>, env: Env) -> Result<Self> {
        let global = &cli.global;
        let source_date_epoch =
            provenance::source_date_epoch(env.get("SOURCE_DATE_EPOCH").as_deref())?;
        let cache_dir = env
            .get(CACHE_DIR_ENV)
            .map(PathBuf::from)
            .or_else(|| {
                env.get("XDG_CACHE_HOME")
                    .map(|d| PathBuf::from(d).join("cargo-attest"))
            })
            .or_else(|| {
                env.get("HOME")
                    .map(|h| PathBuf::from(h).join(".cache/cargo-attest"))
            });
        let quiet_or_json = global.quiet || global.format == Format::Json;
        let attaching = cli.attaching();
        let connect = cli.connect();
        let created = match attaching.and_then(|a| a.created.as_deref()) {
            None => Created::Reproducible,
            Some("now") => Created::Now,
            Some(time) => Created::At(time.parse::<Timestamp>().map_err(|e| {
                Error::usage(format!(
                    "--created `{time}`: give `now` or an RFC 3339 time such as 2024-05-01T12:00:00Z ({e})"
                ))
            })?),
        };
        Ok(Settings {
            format: global.format,
            progress: if quiet_or_json {
                progress::Mode::Quiet
            } else {
                match cli.progress() {
                    ProgressWhen::Auto => progress::Mode::Auto,
                    ProgressWhen::Always => progress::Mode::Bars,
                    ProgressWhen::Never => progress::Mode::Plain,
                }
            },
            registry: Options {
                plain_http: connect.is_some_and(|c| c.plain_http),
                insecure: connect.is_some_and(|c| c.insecure),
            },
            oci_layout: cli.registry().and_then(|r| r.oci_layout.clone()),
            strategy: match attaching.map_or(AttachMode::Auto, |a| a.attach) {
                AttachMode::Auto => Strategy::Auto,
                AttachMode::Referrers => Strategy::Referrers,
                AttachMode::Tag => Strategy::Tag,
            },
            redetect: attaching.is_some_and(|a| a.redetect),
            cache_dir,
            source_date_epoch,
            created,
            recorded_command,
            env,
        })
    }

    pub(crate) fn json(&self) -> bool {
        self.format == Format::Json
    }

    /// Where REFs go, for `crate::locate`.
    pub(crate) fn places(&self) -> Places<'_> {
        Places {
            options: self.registry,
            oci_layout: self.oci_layout.as_deref(),
            env: &self.env,
            cache_dir: self.cache_dir.as_deref(),
        }
    }
}
