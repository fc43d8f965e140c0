//! Settings resolved once from the command line and the environment (as
//! uv's `settings.rs` and ripgrep's `HiArgs` do), then passed down. This is
//! the one place that reads the process environment; core modules get the
//! values, or [`Env::get`], never `std::env`.
//! Map: docs/architecture.md#settings

use std::path::PathBuf;

use jiff::Timestamp;

use crate::attach::Strategy;
use crate::cli::{AttachMode, Cli, Format, ProgressWhen};
use crate::deadline::{self, Deadline, Limits};
pub use crate::environment::Env;
use crate::error::{Error, Result};
use crate::locate::Places;
use crate::progress;
use crate::provenance::{self, Created};
use crate::registry::Options;
use crate::trust::{TrustFlags, TrustSettings};

/// Where the capability memory lives, overriding the XDG cache.
pub(crate) const CACHE_DIR_ENV: &str = "CARGO_ATTEST_CACHE_DIR";
/// The command's time limit, when `--timeout` is not given.
pub(crate) const TIMEOUT_ENV: &str = "CARGO_ATTEST_TIMEOUT";
/// Seconds without progress before a transfer is cut.
pub(crate) const STALL_TIMEOUT_ENV: &str = "CARGO_ATTEST_STALL_TIMEOUT";

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
    /// Where each Sigstore instance's trust material comes from (TUF).
    pub(crate) trust: TrustSettings,
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
        let trust_flags = cli.trust().map(|t| TrustFlags {
            offline: t.offline,
            public_good_url: t.public_good_tuf_url.as_deref(),
            public_good_root: t.public_good_tuf_root.as_deref(),
            github_url: t.github_tuf_url.as_deref(),
            github_root: t.github_tuf_root.as_deref(),
        });
        let trust =
            TrustSettings::resolve(trust_flags.unwrap_or_default(), &env, cache_dir.clone())?;
        Ok(Settings {
            trust,
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
                limits: limits(global.timeout.as_deref(), &env, unattended())?,
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

    /// The command's overall bound, if it has one.
    pub(crate) fn deadline(&self) -> Option<Deadline> {
        self.registry.limits.deadline
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

/// Whether nobody is at a terminal to notice a hang and press Ctrl-C: then
/// the command gets a bound by default.
fn unattended() -> bool {
    use std::io::IsTerminal;
    !std::io::stdin().is_terminal() && !std::io::stderr().is_terminal()
}

/// The time limits: `--timeout`, else CARGO_ATTEST_TIMEOUT, else 30
/// minutes when `unattended` (none otherwise); the stall window from
/// CARGO_ATTEST_STALL_TIMEOUT (seconds), else 60 s. The clock starts now.
fn limits(flag: Option<&str>, env: &Env, unattended: bool) -> Result<Limits> {
    let timeout = match (flag, env.get(TIMEOUT_ENV)) {
        (Some(text), _) => Some(timeout_value(text, "--timeout")?),
        (None, Some(text)) if !text.trim().is_empty() => Some(timeout_value(&text, TIMEOUT_ENV)?),
        _ => None,
    };
    let timeout = match timeout {
        Some(t) => t,
        None if unattended => deadline::DEFAULT_UNATTENDED_TIMEOUT,
        None => std::time::Duration::ZERO,
    };
    let stall = match env.get(STALL_TIMEOUT_ENV) {
        Some(text) if !text.trim().is_empty() => match text.trim().parse::<u64>() {
            Ok(seconds) if seconds > 0 => std::time::Duration::from_secs(seconds),
            _ => {
                return Err(Error::usage(format!(
                    "{STALL_TIMEOUT_ENV}=`{text}`: give a whole number of seconds above 0, e.g. 60"
                )));
            }
        },
        _ => deadline::DEFAULT_STALL,
    };
    Ok(Limits {
        stall,
        deadline: (!timeout.is_zero()).then(|| Deadline::after(timeout)),
    })
}

fn timeout_value(text: &str, from: &str) -> Result<std::time::Duration> {
    deadline::parse_duration(text).ok_or_else(|| {
        Error::usage(format!(
            "{from} `{text}`: give a duration such as 90s, 15m or 2h (a bare number is seconds; 0 = no limit)"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timeout_comes_from_the_flag_then_the_environment_then_the_terminal() {
        let env = Env::from_pairs(&[(TIMEOUT_ENV, "2m"), (STALL_TIMEOUT_ENV, "5")]);
        let l = limits(Some("10s"), &env, false).unwrap();
        assert!(l.deadline.unwrap().remaining() <= Duration::from_secs(10));
        assert_eq!(l.stall, Duration::from_secs(5));
        let l = limits(None, &env, false).unwrap();
        let left = l.deadline.unwrap().remaining();
        assert!(left > Duration::from_secs(60) && left <= Duration::from_secs(120));
        let none = Env::from_pairs(&[]);
        assert!(limits(None, &none, false).unwrap().deadline.is_none());
        let left = limits(None, &none, true)
            .unwrap()
            .deadline
            .unwrap()
            .remaining();
        assert!(left > Duration::from_secs(29 * 60), "{left:?}");
        assert_eq!(
            limits(None, &none, true).unwrap().stall,
            deadline::DEFAULT_STALL
        );
        assert!(limits(Some("0"), &none, true).unwrap().deadline.is_none());
    }

    #[test]
    fn bad_limits_are_usage_errors_that_say_what_to_give() {
        let none = Env::from_pairs(&[]);
        let e = limits(Some("soon"), &none, false).unwrap_err();
        assert!(e.to_string().contains("15m"), "{e}");
        let env = Env::from_pairs(&[(STALL_TIMEOUT_ENV, "0")]);
        let e = limits(None, &env, false).unwrap_err();
        assert!(e.to_string().contains(STALL_TIMEOUT_ENV), "{e}");
    }
}
