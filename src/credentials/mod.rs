//! Secrets that live in the OS keyring (signing keys, registry logins) and
//! the lookup of registry credentials across keyring, environment, docker
//! and podman configuration.

pub mod keyring;
pub mod registry;

pub use keyring::{KeyInfo, Keyring, SIGNING_KEY_SERVICE};
