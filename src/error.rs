//! The one error type of the crate and its mapping to process exit codes.
//!
//! Every failure a user can cause or meet ends up as one of these variants, so
//! the exit code is decided in one place and documented once (README, `--help`).

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
    /// Signing keys: no keyring reachable, key missing, bad PEM, wrong passphrase.
    Key = 6,
    /// A registry refused our credentials.
    Auth = 7,
    /// A registry answered with an error or could not be reached.
    Registry = 8,
}

impl ExitCode {
    pub fn code(self) -> u8 {
        self as u8
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{message}")]
    Usage { message: String },

    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error("{message}")]
    InvalidInput { message: String },

    #[error("verification failed: {message}")]
    VerificationFailed { message: String },

    #[error("{message}")]
    Key { message: String },

    #[error(
        "no OS keyring is reachable ({detail})\n\
         hint: sign with a PEM key file instead: `cargo attest --key FILE.pem` \
         (create one with `cargo attest key generate --output FILE.pem`), \
         or run where a keyring service is available \
         (Secret Service such as gnome-keyring on Linux, Keychain on macOS, \
         Credential Manager on Windows)"
    )]
    KeyringUnavailable { detail: String },

    #[error("{registry}: authentication failed: {message}")]
    Auth { registry: String, message: String },

    #[error("{registry}: {message}")]
    Registry { registry: String, message: String },

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
            Error::Internal { .. } => ExitCode::Internal,
        }
    }

    pub fn usage(message: impl fmt::Display) -> Self {
        Error::Usage {
            message: message.to_string(),
        }
    }

    pub fn invalid_input(message: impl fmt::Display) -> Self {
        Error::InvalidInput {
            message: message.to_string(),
        }
    }

    pub fn verification(message: impl fmt::Display) -> Self {
        Error::VerificationFailed {
            message: message.to_string(),
        }
    }

    pub fn key(message: impl fmt::Display) -> Self {
        Error::Key {
            message: message.to_string(),
        }
    }

    pub fn internal(message: impl fmt::Display) -> Self {
        Error::Internal {
            message: message.to_string(),
        }
    }

    pub fn auth(registry: impl fmt::Display, message: impl fmt::Display) -> Self {
        Error::Auth {
            registry: registry.to_string(),
            message: message.to_string(),
        }
    }

    pub fn registry(registry: impl fmt::Display, message: impl fmt::Display) -> Self {
        Error::Registry {
            registry: registry.to_string(),
            message: message.to_string(),
        }
    }

    pub fn io(action: &'static str, path: impl AsRef<Path>, source: io::Error) -> Self {
        Error::Io {
            action,
            path: path.as_ref().to_path_buf(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
