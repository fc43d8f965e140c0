//! The key that checks a bundle's signature: a file the user gave, or the
//! keyring key whose id equals the bundle's (unauthenticated) hint.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};

use crate::credentials::Keyring;
use crate::credentials::keyring::Purpose;
use crate::error::{Error, Result};
use crate::fsutil;
use crate::signing::{DsseBundle, PublicKey};

/// Where the key that checks a signature comes from.
pub(crate) enum Keys {
    /// A public key file the user gave.
    File { key: PublicKey, path: PathBuf },
    /// The keyring key whose id equals a bundle's hint; the keyring is
    /// opened once, when first needed.
    Keyring(OnceCell<Option<Keyring>>),
}

impl Keys {
    /// `--key FILE`, else the keyring.
    pub(crate) fn new(key_file: Option<&Path>) -> Result<Self> {
        match key_file {
            Some(path) => {
                let pem = fsutil::read_text(path)?;
                let key = PublicKey::from_pem(&pem)
                    .map_err(|e| Error::key(format!("{}: {e}", path.display())))?;
                Ok(Keys::File {
                    key,
                    path: path.to_path_buf(),
                })
            }
            None => Ok(Keys::Keyring(OnceCell::new())),
        }
    }

    /// The key for `bundle`, and how to name it to people.
    pub(crate) fn for_bundle(&self, bundle: &DsseBundle) -> Result<(PublicKey, String)> {
        match self {
            Keys::File { key, path } => Ok((key.clone(), format!("key file {}", path.display()))),
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
                Ok((found.public, format!("keyring key `{}`", found.name)))
            }
        }
    }
}
