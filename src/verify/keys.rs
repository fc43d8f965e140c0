//! The keys that check a bundle's signature: files the user gave (public
//! keys, or key pairs' private halves), or the keyring key whose id equals
//! the bundle's (unauthenticated) hint.

use std::cell::OnceCell;
use std::path::PathBuf;

use crate::credentials::Keyring;
use crate::credentials::keyring::Purpose;
use crate::environment::Env;
use crate::error::{Error, Result};
use crate::signing::keyfile::load_public_key_file;
use crate::signing::{DsseBundle, PublicKey};

/// A key that may check a signature, and how to name it to people.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    pub(crate) key: PublicKey,
    pub(crate) label: String,
}

/// Where the keys that check a signature come from.
pub(crate) enum Keys {
    /// Key files the user gave (`--key`, repeatable): any one suffices.
    Files(Vec<Candidate>),
    /// The keyring key whose id equals a bundle's hint; the keyring is
    /// opened once, when first needed.
    Keyring(OnceCell<Option<Keyring>>),
}

impl Keys {
    /// `--key FILE...`, else the keyring. A private key file gives its
    /// public half (an encrypted one asks for its passphrase, once, here).
    pub(crate) fn new(key_files: &[PathBuf], env: &Env) -> Result<Self> {
        if key_files.is_empty() {
            return Ok(Keys::Keyring(OnceCell::new()));
        }
        let mut candidates = Vec::with_capacity(key_files.len());
        for path in key_files {
            let key = load_public_key_file(path, env)?;
            candidates.push(Candidate {
                key,
                label: format!("key file {}", path.display()),
            });
        }
        Ok(Keys::Files(candidates))
    }

    /// The keys to try on `bundle`, in order.
    pub(crate) fn for_bundle(&self, bundle: &DsseBundle) -> Result<Vec<Candidate>> {
        match self {
            Keys::Files(candidates) => Ok(candidates.clone()),
            Keys::Keyring(cell) => {
                let hint = bundle.key_hint().ok_or_else(|| {
                    Error::key("the bundle names no key (no publicKey hint); pass --key PUB.pem")
                })?;
                let ring = match cell.get_or_init(|| Keyring::open(Purpose::Verifying).ok()) {
                    Some(r) => r,
                    None => {
                        return Err(Keyring::open(Purpose::Verifying)
                            .err()
                            .unwrap_or_else(|| Error::key("no keyring")));
                    }
                };
                let found = ring.find_by_key_id(hint)?.ok_or_else(|| {
                    Error::key(format!(
                        "the bundle was signed by key {hint}, which is not in the OS keyring; \
                         pass its public key with --key PUB.pem"
                    ))
                })?;
                Ok(vec![Candidate {
                    key: found.public,
                    label: format!("keyring key `{}`", found.name),
                }])
            }
        }
    }
}
