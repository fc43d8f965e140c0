//! Choosing the key to sign with: a PEM key file, or a key in the OS
//! keyring (created there on first use).

use std::path::Path;

use super::Keyring;
use super::keyring::Purpose;
use crate::environment::Env;
use crate::error::{Error, Result};
use crate::signing::keyfile::load_key_file;
use crate::signing::{Algorithm, SigningKey};

/// Where the signing key comes from.
pub(crate) enum KeyChoice<'a> {
    File(&'a Path),
    /// A keyring key by name, created (P-256) when missing.
    Keyring(&'a str),
}

/// The key to sign with, and how to name it to people.
pub(crate) fn signing_key(choice: KeyChoice<'_>, env: &Env) -> Result<(SigningKey, String)> {
    match choice {
        KeyChoice::File(path) => {
            let key = load_key_file(path, env)?;
            Ok((key, format!("key file {}", path.display())))
        }
        KeyChoice::Keyring(name) => {
            let keyring = Keyring::open(Purpose::Signing)?;
            match keyring.signing_key(name)? {
                Some(key) => Ok((key, format!("keyring key `{name}`"))),
                None => {
                    let key = SigningKey::generate(Algorithm::EcdsaP256)
                        .map_err(|e| Error::key(e.to_string()))?;
                    keyring.store_signing_key(name, &key, false)?;
                    tracing::info!(
                        "Created signing key `{name}` (ecdsa-p256, id {}) in the OS keyring.\n\
                         Share its public key with verifiers: cargo attest key export {name}",
                        key.key_id()
                    );
                    Ok((key, format!("keyring key `{name}`")))
                }
            }
        }
    }
}
