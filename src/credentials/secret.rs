//! Registry credentials as they travel inside the process: never printed
//! (`Debug` hides them), zeroized on drop.

use std::fmt;

use zeroize::Zeroizing;

#[derive(Clone)]
pub(crate) enum Secret {
    Password {
        username: String,
        password: Zeroizing<String>,
    },
    /// An OAuth2 refresh token (docker's `identitytoken`).
    IdentityToken(Zeroizing<String>),
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Secret::Password { username, .. } => {
                write!(f, "Password {{ username: {username:?}, .. }}")
            }
            Secret::IdentityToken(_) => f.write_str("IdentityToken(..)"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Keyring,
    Environment,
    DockerConfig,
    PodmanAuthFile,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::Keyring => "the OS keyring",
            Source::Environment => "environment variables",
            Source::DockerConfig => "docker config",
            Source::PodmanAuthFile => "podman auth file",
        })
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Credential {
    pub(crate) secret: Secret,
    pub(crate) source: Source,
}
