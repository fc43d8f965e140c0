//! The one error type of the crate and its mapping to process exit codes.
//!
//! Every failure a user can cause or meet ends up as one of these variants,
//! so the exit code is decided in one place and documented once, from
//! [`EXIT_CODES`] (README, `--help`, man pages). Causes are kept as typed
//! sources; the binary prints the chain ("caused by: ...").

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// Process exit codes. Scripts rely on these numbers: never renumber them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitCode {
    Success = 0,
    /// A bug in cargo-attest: please report it.
    Internal = 1,
    /// Bad flags or arguments (clap also exits with 2).
    Usage = 2,
    /// A file could not be read or written.
    Io = 3,
    /// Input that could be read but is malformed: checksums file, bundle,
    /// build output stream, cargo metadata; or nothing to attest.
    InvalidInput = 4,
    /// A signature, subject digest, predicate type or policy check failed.
    VerificationFailed = 5,
    /// Signing keys and identities: no keyring reachable, key missing, bad
    /// PEM, wrong passphrase, no usable identity token.
    Key = 6,
    /// A registry refused our credentials.
    Auth = 7,
    /// A registry or signing service answered with an error or could not be
    /// reached.
    Registry = 8,
    /// The command ran past its time limit (`--timeout`).
    Timeout = 9,
}

/// The exit codes and what they mean: the one table `--help`, the man
/// pages and the README are written from.
pub const EXIT_CODES: &[(ExitCode, &str)] = &[
    (ExitCode::Success, "success"),
    (
        ExitCode::Internal,
        "internal error (a bug: please report it)",
    ),
    (ExitCode::Usage, "usage error: bad flags or arguments"),
    (
        ExitCode::Io,
        "I/O error: a file could not be read or written",
    ),
    (
        ExitCode::InvalidInput,
        "invalid input: malformed checksums file, bundle or build output; nothing to attest; a file that changed after it was hashed",
    ),
    (
        ExitCode::VerificationFailed,
        "verification failed: signature, subject digest, predicate type or policy",
    ),
    (
        ExitCode::Key,
        "key or identity error: keyring, key, PEM or passphrase problem; unusable identity token",
    ),
    (ExitCode::Auth, "registry authentication failed"),
    (
        ExitCode::Registry,
        "registry or service error: unexpected answer, or a registry, Fulcio or TSA unreachable",
    ),
    (
        ExitCode::Timeout,
        "timed out: the command ran past --timeout (CARGO_ATTEST_TIMEOUT; default 30m when no terminal is attached)",
    ),
];

/// The exit code table as help text.
pub fn exit_codes_help() -> String {
    let mut text = String::from("Exit codes:");
    for (code, meaning) in EXIT_CODES {
        text.push_str(&format!("\n  {}  {meaning}", code.code()));
    }
    text
}

impl ExitCode {
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// A cause of any type, kept for the "caused by" chain.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{message}")]
    Usage { message: String },

    #[error("cannot {action} {}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error("{message}")]
    InvalidInput {
        message: String,
        #[source]
        source: Option<Cause>,
    },

    #[error("verification failed: {message}")]
    VerificationFailed {
        message: String,
        #[source]
        source: Option<Cause>,
    },

    #[error("{message}")]
    Key {
        message: String,
        #[source]
        source: Option<Cause>,
    },

    #[error("{problem} ({detail})\nhint: {hint}")]
    KeyringUnavailable {
        /// "no OS keyring is reachable" or "the OS keyring is locked".
        problem: &'static str,
        detail: String,
        /// What to do instead, worded for the command at hand.
        hint: String,
    },

    #[error("{registry}: authentication failed: {message}")]
    Auth { registry: String, message: String },

    #[error("{registry}: {message}")]
    Registry {
        registry: String,
        message: String,
        #[source]
        source: Option<Cause>,
    },

    #[error("{message}")]
    Timeout { message: String },

    #[error("{message}")]
    Internal { message: String },
}

impl Error {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::Usage { .. } => ExitCode::Usage,
            Error::Io { .. } => ExitCode::Io,
            Error::InvalidInput { .. } => ExitCode::InvalidInput,
            Error::VerificationFailed { .. } => ExitCode::VerificationFailed,
            Error::Key { .. } | Error::KeyringUnavailable { .. } => ExitCode::Key,
            Error::Auth { .. } => ExitCode::Auth,
            Error::Registry { .. } => ExitCode::Registry,
            Error::Timeout { .. } => ExitCode::Timeout,
            Error::Internal { .. } => ExitCode::Internal,
        }
    }

    /// The message and every cause, one per line after the first:
    /// `caused by: ...`. Causes whose text the message already holds are
    /// left out.
    pub fn report(&self) -> String {
        let mut text = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            let line = cause.to_string();
            if !line.is_empty() && !text.contains(&line) {
                text.push_str("\ncaused by: ");
                text.push_str(&line);
            }
            source = cause.source();
        }
        text
    }

    pub(crate) fn usage(message: impl fmt::Display) -> Self {
        Error::Usage {
            message: message.to_string(),
        }
    }

    pub(crate) fn invalid_input(message: impl fmt::Display) -> Self {
        Error::InvalidInput {
            message: message.to_string(),
            source: None,
        }
    }

    pub(crate) fn verification(message: impl fmt::Display) -> Self {
        Error::VerificationFailed {
            message: message.to_string(),
            source: None,
        }
    }

    pub(crate) fn key(message: impl fmt::Display) -> Self {
        Error::Key {
            message: message.to_string(),
            source: None,
        }
    }

    pub(crate) fn internal(message: impl fmt::Display) -> Self {
        Error::Internal {
            message: message.to_string(),
        }
    }

    pub(crate) fn timeout(message: impl fmt::Display) -> Self {
        Error::Timeout {
            message: message.to_string(),
        }
    }

    pub(crate) fn auth(registry: impl fmt::Display, message: impl fmt::Display) -> Self {
        Error::Auth {
            registry: registry.to_string(),
            message: message.to_string(),
        }
    }

    pub(crate) fn registry(registry: impl fmt::Display, message: impl fmt::Display) -> Self {
        Error::Registry {
            registry: registry.to_string(),
            message: message.to_string(),
            source: None,
        }
    }

    pub(crate) fn io(action: &'static str, path: impl AsRef<Path>, source: io::Error) -> Self {
        Error::Io {
            action,
            path: path.as_ref().to_path_buf(),
            source,
        }
    }

    /// Keeps `cause` as this error's source (for variants that carry one).
    pub(crate) fn caused_by(
        mut self,
        cause: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        match &mut self {
            Error::InvalidInput { source, .. }
            | Error::VerificationFailed { source, .. }
            | Error::Key { source, .. }
            | Error::Registry { source, .. } => *source = Some(cause.into()),
            _ => {}
        }
        self
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error and all its sources on one line, each cause once.
pub(crate) fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

/// Text a remote service sent, fit for an error message: every secret the
/// request carried is cut out, and each long part of one (a JWT's
/// segments), so that a service echoing what it was sent cannot put a
/// credential on our stderr. Cut before any shortening, so no prefix of a
/// secret survives either.
pub(crate) fn without_secrets(text: &str, secrets: &[&str]) -> String {
    /// Parts shorter than this stay: worth nothing alone, and likely to
    /// match ordinary words.
    const MIN_LEN: usize = 12;
    let mut text = text.to_string();
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        text = text.replace(secret, "[redacted]");
        for part in secret.split(['.', ':']).filter(|p| p.len() >= MIN_LEN) {
            text = text.replace(part, "[redacted]");
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_prints_the_cause_chain_once() {
        let inner = io::Error::other("disk on fire");
        let e = Error::io("write", "/x", inner);
        assert_eq!(e.report(), "cannot write /x\ncaused by: disk on fire");
        let e = Error::registry("r.io", "PUT failed: timeout").caused_by("timeout");
        assert_eq!(e.report(), "r.io: PUT failed: timeout");
    }

    #[test]
    fn every_exit_code_is_documented_once() {
        let codes: Vec<u8> = EXIT_CODES.iter().map(|(c, _)| c.code()).collect();
        assert_eq!(codes, (0..=9).collect::<Vec<_>>());
    }
}
