//! Secrets that live in the OS keyring: signing keys (and, later, registry
//! credentials).

pub mod keyring;

pub use keyring::{KeyInfo, Keyring, SIGNING_KEY_SERVICE};
