//! The one error type of the crate and its mapping to process exit codes.
//!
//! Every failure a user can cause or meet ends up as one of these variants,
//! so the exit code is decided in one place and documented once, from
//! [`EXIT_CODES`] (README, `--help`, man pages). Most causes are folded
//! into the message as text; I/O errors, and those given with
//! [`Error::caused_by`], are kept as typed sources, whose chain the binary
//! prints ("caused by: ...").
//! Map: docs/architecture.md#error

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
    /// A `.crate` whose bytes differ from the checksum its registry's index
    /// records (`verify --crate`): not the crate that was published.
    CrateChecksum = 10,
    /// A Sigstore instance's TUF repository served trust metadata that
    /// TUF refuses (expired, rolled back, badly signed): never replaced by
    /// a cached or built-in copy.
    TrustMetadata = 11,
    /// stdout or stderr was closed before everything was written (`| head`):
    /// the number a shell reports for a process ended by SIGPIPE.
    OutputClosed = 141,
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
    (
        ExitCode::CrateChecksum,
        "crate checksum mismatch: the .crate's bytes differ from its registry index's checksum (verify --crate)",
    ),
    (
        ExitCode::TrustMetadata,
        "trust metadata refused: a Sigstore instance's TUF repository served expired, rolled-back or badly signed metadata (no cached or built-in copy is used instead)",
    ),
    (
        ExitCode::OutputClosed,
        "output closed: stdout or stderr was closed before everything was written (e.g. `| head -1`); the work itself succeeded",
    ),
];

/// The exit code table as help text.
pub fn exit_codes_help() -> String {
    let mut text = String::from("Exit codes:");
    for (code, meaning) in EXIT_CODES {
        text.push_str(&format!("\n  {:>3}  {meaning}", code.code()));
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
    Usage {
        message: String,
        #[source]
        source: Option<Cause>,
    },

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
        #[source]
        source: Option<Cause>,
    },

    #[error("{registry}: authentication failed: {message}")]
    Auth {
        registry: String,
        message: String,
        #[source]
        source: Option<Cause>,
    },

    #[error("{registry}: {message}")]
    Registry {
        registry: String,
        message: String,
        #[source]
        source: Option<Cause>,
    },

    /// A `.crate` whose SHA-256 is not its index entry's `cksum`.
    #[error("{message}")]
    Timeout {
        message: String,
        #[source]
        source: Option<Cause>,
    },

    #[error("{message}")]
    CrateChecksum {
        message: String,
        #[source]
        source: Option<Cause>,
    },

    /// TUF refused an instance's trust metadata (expired, rolled back,
    /// badly signed).
    #[error("{message}")]
    TrustMetadata {
        message: String,
        #[source]
        source: Option<Cause>,
    },

    #[error("{message}")]
    Internal {
        message: String,
        #[source]
        source: Option<Cause>,
    },
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
            Error::CrateChecksum { .. } => ExitCode::CrateChecksum,
            Error::TrustMetadata { .. } => ExitCode::TrustMetadata,
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
            source: None,
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

    pub(crate) fn crate_checksum(message: impl fmt::Display) -> Self {
        Error::CrateChecksum {
            message: message.to_string(),
            source: None,
        }
    }

    pub(crate) fn trust_metadata(message: impl fmt::Display) -> Self {
        Error::TrustMetadata {
            message: message.to_string(),
            source: None,
        }
    }

    pub(crate) fn internal(message: impl fmt::Display) -> Self {
        Error::Internal {
            message: message.to_string(),
            source: None,
        }
    }

    pub(crate) fn timeout(message: impl fmt::Display) -> Self {
        Error::Timeout {
            message: message.to_string(),
            source: None,
        }
    }

    pub(crate) fn auth(registry: impl fmt::Display, message: impl fmt::Display) -> Self {
        Error::Auth {
            registry: registry.to_string(),
            message: message.to_string(),
            source: None,
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

    /// Keeps `cause` as this error's source. An I/O error keeps its
    /// `io::Error` first and `cause` after it.
    pub(crate) fn caused_by(
        mut self,
        cause: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        let cause = cause.into();
        match &mut self {
            Error::Io { source, .. } => {
                let first = std::mem::replace(source, io::Error::other("replaced"));
                *source = io::Error::new(first.kind(), Then { first, cause });
            }
            Error::Usage { source, .. }
            | Error::InvalidInput { source, .. }
            | Error::VerificationFailed { source, .. }
            | Error::Key { source, .. }
            | Error::KeyringUnavailable { source, .. }
            | Error::Auth { source, .. }
            | Error::Registry { source, .. }
            | Error::Timeout { source, .. }
            | Error::CrateChecksum { source, .. }
            | Error::TrustMetadata { source, .. }
            | Error::Internal { source, .. } => *source = Some(cause),
        }
        self
    }
}

/// An I/O error followed by a cause given later: it prints as the I/O
/// error, and the cause is next in the chain.
#[derive(Debug)]
struct Then {
    first: io::Error,
    cause: Cause,
}

impl fmt::Display for Then {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.first.fmt(f)
    }
}

impl std::error::Error for Then {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.cause.as_ref())
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
    fn every_variant_keeps_the_cause_it_is_given() {
        let keyring = Error::KeyringUnavailable {
            problem: "no OS keyring is reachable",
            detail: "d-bus".into(),
            hint: "pass --key".into(),
            source: None,
        };
        let errors = [
            Error::usage("bad flag"),
            Error::io("write", "/x", io::Error::other("disk on fire")),
            Error::invalid_input("bad checksums"),
            Error::verification("bad signature"),
            Error::key("no key"),
            keyring,
            Error::auth("r.io", "refused"),
            Error::registry("r.io", "HTTP 500"),
            Error::timeout("too slow"),
            Error::crate_checksum("other bytes"),
            Error::trust_metadata("expired"),
            Error::internal("a bug"),
        ];
        for e in errors {
            // A new variant must be added to the list above.
            match e {
                Error::Usage { .. }
                | Error::Io { .. }
                | Error::InvalidInput { .. }
                | Error::VerificationFailed { .. }
                | Error::Key { .. }
                | Error::KeyringUnavailable { .. }
                | Error::Auth { .. }
                | Error::Registry { .. }
                | Error::Timeout { .. }
                | Error::CrateChecksum { .. }
                | Error::TrustMetadata { .. }
                | Error::Internal { .. } => {}
            }
            let code = e.exit_code();
            let report = e
                .caused_by(io::Error::other("the underlying cause"))
                .report();
            assert!(
                report.ends_with("\ncaused by: the underlying cause"),
                "{code:?}: {report}"
            );
        }
        let e = Error::io("write", "/x", io::Error::other("disk on fire")).caused_by("quota");
        assert_eq!(
            e.report(),
            "cannot write /x\ncaused by: disk on fire\ncaused by: quota"
        );
    }

    #[test]
    fn every_exit_code_is_documented_once() {
        let codes: Vec<u8> = EXIT_CODES.iter().map(|(c, _)| c.code()).collect();
        let mut expected: Vec<u8> = (0..=11).collect();
        expected.push(141);
        assert_eq!(codes, expected);
        // A new variant must be added here, and so to the table above.
        for code in EXIT_CODES.iter().map(|(c, _)| *c) {
            match code {
                ExitCode::Success
                | ExitCode::Internal
                | ExitCode::Usage
                | ExitCode::Io
                | ExitCode::InvalidInput
                | ExitCode::VerificationFailed
                | ExitCode::Key
                | ExitCode::Auth
                | ExitCode::Registry
                | ExitCode::Timeout
                | ExitCode::CrateChecksum
                | ExitCode::TrustMetadata
                | ExitCode::OutputClosed => {}
            }
        }
    }
}
