//! Secrets that live in the OS keyring (signing keys, registry logins) and
//! the lookup of registry credentials across keyring, environment, docker
//! and podman configuration.
//! Map: docs/architecture.md#credentials

pub(crate) mod keyring;
pub(crate) mod lookup;
mod secret;
pub(crate) mod signing_key;

pub(crate) use keyring::Keyring;
pub(crate) use secret::{Credential, Secret, Source};
