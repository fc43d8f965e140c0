//! The OS keyring, through keyring-core and the platform's store crate:
//! Secret Service on Linux, Keychain on macOS, Credential Manager on Windows.
//!
//! Signing keys are stored as PKCS#8 DER under service [`SIGNING_KEY_SERVICE`]
//! with the key name as the user. There is deliberately no fallback store: a
//! missing keyring is an error that names the alternatives, never a silent
//! write of a plaintext key.

use std::collections::HashMap;
use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};

use super::secret::Secret;
use crate::error::{Error, Result, chain};
use crate::signing::{PublicKey, SigningKey};

pub(crate) const SIGNING_KEY_SERVICE: &str = "cargo-attest signing key";
pub(crate) const REGISTRY_SERVICE: &str = "cargo-attest registry";

pub(crate) struct Keyring {
    store: Arc<CredentialStore>,
    purpose: Purpose,
}

/// What the keyring is opened for: an error names the alternative that
/// fits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    Signing,
    Verifying,
    Login,
    KeyManagement,
}

impl Purpose {
    /// What to do without the keyring.
    fn alternative(self) -> &'static str {
        match self {
            Purpose::Signing => {
                "sign with a PEM key file instead: `cargo attest --key FILE.pem` (create one with \
                 `cargo attest key generate --output FILE.pem`), or sign keyless in CI (`--keyless`)"
            }
            Purpose::Verifying => {
                "pass the signer's public key with `--key PUB.pem` (`cargo attest key export NAME` \
                 prints it where the key lives)"
            }
            Purpose::Login => {
                "give the credentials another way: CARGO_ATTEST_REGISTRY with \
                 CARGO_ATTEST_REGISTRY_USERNAME and CARGO_ATTEST_REGISTRY_PASSWORD for a run, \
                 or a docker credential helper (`credHelpers` in ~/.docker/config.json)"
            }
            Purpose::KeyManagement => {
                "keep keys in files instead: `cargo attest key generate --output FILE.pem` writes \
                 FILE.pem and FILE.pub"
            }
        }
    }

    /// The error for a keyring that cannot be used, locked or unreachable.
    fn unusable(self, detail: String) -> Error {
        let lower = detail.to_ascii_lowercase();
        // gnome-keyring asks through a prompt to unlock (or to create the
        // login keyring); headless, the prompt is dismissed or never answers.
        let locked = lower.contains("locked")
            || lower.contains("dismissed")
            || lower.contains("result not returned");
        if locked {
            Error::KeyringUnavailable {
                problem: "the OS keyring is locked",
                detail,
                hint: format!(
                    "unlock it (log in to the desktop session, or unlock the login keyring, e.g. \
                     `printf PASSWORD | gnome-keyring-daemon --unlock`), or {}",
                    self.alternative()
                ),
                source: None,
            }
        } else {
            Error::KeyringUnavailable {
                problem: "no OS keyring is reachable",
                detail,
                hint: format!(
                    "{}; or run where a keyring service is available (Secret Service such as \
                     gnome-keyring on Linux, Keychain on macOS, Credential Manager on Windows)",
                    self.alternative()
                ),
                source: None,
            }
        }
    }
}

/// A signing key found in the keyring, described by its public half only.
#[derive(Debug, Clone)]
pub(crate) struct KeyInfo {
    pub(crate) name: String,
    pub(crate) public: PublicKey,
}

impl Keyring {
    /// Connects to the platform keyring, for `purpose`.
    pub(crate) fn open(purpose: Purpose) -> Result<Self> {
        Ok(Keyring {
            store: platform_store().map_err(|detail| purpose.unusable(detail))?,
            purpose,
        })
    }

    /// Uses a given store (keyring-core's mock store in unit tests).
    #[cfg(test)]
    pub(crate) fn with_store(store: Arc<CredentialStore>) -> Self {
        Keyring {
            store,
            purpose: Purpose::KeyManagement,
        }
    }

    fn entry(&self, name: &str) -> Result<Entry> {
        validate_key_name(name)?;
        Entry::new_in_store(&self.store, SIGNING_KEY_SERVICE, name).map_err(|e| self.map_err(e))
    }

    /// The named key, or `None` when the keyring has no key of that name.
    pub(crate) fn signing_key(&self, name: &str) -> Result<Option<SigningKey>> {
        let entry = self.entry(name)?;
        match entry.get_secret() {
            Ok(der) => {
                let der = zeroize::Zeroizing::new(der);
                SigningKey::from_pkcs8_der(&der).map(Some).map_err(|e| {
                    Error::key(format!(
                        "keyring key `{name}` is unusable ({e}); delete it with `cargo attest key delete {name}`"
                    ))
                })
            }
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(self.map_err(e)),
        }
    }

    /// Stores `key` under `name`. Refuses to overwrite unless `replace`.
    pub(crate) fn store_signing_key(
        &self,
        name: &str,
        key: &SigningKey,
        replace: bool,
    ) -> Result<()> {
        if !replace && self.signing_key(name)?.is_some() {
            return Err(Error::key(format!(
                "a key named `{name}` already exists in the keyring; pass --force to replace it \
                 or choose another name"
            )));
        }
        self.entry(name)?
            .set_secret(key.pkcs8_der())
            .map_err(|e| self.map_err(e))
    }

    /// Removes the named key. Returns false when there was none.
    pub(crate) fn delete_signing_key(&self, name: &str) -> Result<bool> {
        match self.entry(name)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(self.map_err(e)),
        }
    }

    /// All signing keys, sorted by name.
    pub(crate) fn list(&self) -> Result<Vec<KeyInfo>> {
        let spec = HashMap::from([("service", SIGNING_KEY_SERVICE)]);
        let entries = self.store.search(&spec).map_err(|e| self.map_err(e))?;
        let mut keys = Vec::new();
        for entry in entries {
            let Some((service, name)) = entry.get_specifiers() else {
                continue;
            };
            // Some stores match the service as a substring.
            if service != SIGNING_KEY_SERVICE {
                continue;
            }
            let der = zeroize::Zeroizing::new(entry.get_secret().map_err(|e| self.map_err(e))?);
            if let Ok(key) = SigningKey::from_pkcs8_der(&der) {
                keys.push(KeyInfo {
                    name,
                    public: key.public_key(),
                });
            }
        }
        keys.sort_by(|a, b| a.name.cmp(&b.name));
        keys.dedup_by(|a, b| a.name == b.name);
        Ok(keys)
    }

    /// The keyring key whose key id is `key_id`, if any.
    pub(crate) fn find_by_key_id(&self, key_id: &str) -> Result<Option<KeyInfo>> {
        Ok(self
            .list()?
            .into_iter()
            .find(|k| k.public.key_id().eq_ignore_ascii_case(key_id)))
    }
}

impl Keyring {
    fn registry_entry(&self, host: &str) -> Result<Entry> {
        Entry::new_in_store(&self.store, REGISTRY_SERVICE, host).map_err(|e| self.map_err(e))
    }

    /// The credentials `login` stored for `host`.
    pub(crate) fn registry_credential(&self, host: &str) -> Result<Option<Secret>> {
        match self.registry_entry(host)?.get_secret() {
            Ok(bytes) => {
                let bytes = zeroize::Zeroizing::new(bytes);
                let secret = decode_login(&bytes).ok_or_else(|| {
                    Error::key(format!(
                        "the keyring entry for {host} is not readable; run `cargo attest logout {host}` and log in again"
                    ))
                })?;
                Ok(Some(secret))
            }
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(self.map_err(e)),
        }
    }

    pub(crate) fn store_registry_credential(
        &self,
        host: &str,
        username: &str,
        password: &str,
    ) -> Result<()> {
        let json = encode_login(username, password)?;
        self.registry_entry(host)?
            .set_secret(&json)
            .map_err(|e| self.map_err(e))
    }

    /// Removes stored credentials. Returns false when there were none.
    pub(crate) fn delete_registry_credential(&self, host: &str) -> Result<bool> {
        match self.registry_entry(host)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(self.map_err(e)),
        }
    }
}

#[derive(serde::Deserialize, zeroize::ZeroizeOnDrop)]
struct StoredLogin {
    username: String,
    password: String,
}

#[derive(serde::Serialize)]
struct StoredLoginRef<'a> {
    username: &'a str,
    password: &'a str,
}

/// The JSON a registry login is stored as in the keyring.
pub(crate) fn encode_login(username: &str, password: &str) -> Result<zeroize::Zeroizing<Vec<u8>>> {
    serde_json::to_vec(&StoredLoginRef { username, password })
        .map(zeroize::Zeroizing::new)
        .map_err(|e| Error::internal(e.to_string()))
}

/// A stored registry login, if `bytes` is one.
pub(crate) fn decode_login(bytes: &[u8]) -> Option<Secret> {
    let stored: StoredLogin = serde_json::from_slice(bytes).ok()?;
    Some(Secret::Password {
        username: stored.username.clone(),
        password: zeroize::Zeroizing::new(stored.password.clone()),
    })
}

pub(crate) fn validate_key_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(Error::usage(format!(
            "invalid key name `{name}`: use 1 to 64 letters, digits, `.`, `_` or `-`"
        )))
    }
}

impl Keyring {
    fn map_err(&self, e: keyring_core::Error) -> Error {
        use keyring_core::Error as K;
        match e {
            K::NoStorageAccess(err) | K::PlatformFailure(err) => {
                self.purpose.unusable(chain(err.as_ref()))
            }
            K::NoDefaultStore => self
                .purpose
                .unusable("no keyring store for this platform".into()),
            other => Error::key(format!("keyring error: {other}")),
        }
    }
}

#[cfg(target_os = "linux")]
fn platform_store() -> std::result::Result<Arc<CredentialStore>, String> {
    zbus_secret_service_keyring_store::Store::new()
        .map(|s| s as Arc<CredentialStore>)
        .map_err(|e| format!("Secret Service over D-Bus: {}", chain(&e)))
}

#[cfg(target_os = "macos")]
fn platform_store() -> std::result::Result<Arc<CredentialStore>, String> {
    apple_native_keyring_store::keychain::Store::new()
        .map(|s| s as Arc<CredentialStore>)
        .map_err(|e| format!("macOS Keychain: {}", chain(&e)))
}

#[cfg(target_os = "windows")]
fn platform_store() -> std::result::Result<Arc<CredentialStore>, String> {
    windows_native_keyring_store::Store::new()
        .map(|s| s as Arc<CredentialStore>)
        .map_err(|e| format!("Windows Credential Manager: {}", chain(&e)))
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn platform_store() -> std::result::Result<Arc<CredentialStore>, String> {
    Err("no supported keyring on this platform".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::Algorithm;

    fn mock() -> Keyring {
        Keyring::with_store(keyring_core::mock::Store::new().unwrap())
    }

    #[test]
    fn store_get_list_delete() {
        let ring = mock();
        assert!(ring.signing_key("ci").unwrap().is_none());
        let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
        ring.store_signing_key("ci", &key, false).unwrap();
        assert!(ring.store_signing_key("ci", &key, false).is_err());
        let back = ring.signing_key("ci").unwrap().unwrap();
        assert_eq!(back.key_id(), key.key_id());
        let found = ring.find_by_key_id(&key.key_id()).unwrap().unwrap();
        assert_eq!(found.name, "ci");
        assert!(ring.delete_signing_key("ci").unwrap());
        assert!(!ring.delete_signing_key("ci").unwrap());
    }

    #[test]
    fn registry_logins() {
        let ring = mock();
        assert!(ring.registry_credential("r.example").unwrap().is_none());
        ring.store_registry_credential("r.example", "me", "pw")
            .unwrap();
        match ring.registry_credential("r.example").unwrap().unwrap() {
            Secret::Password { username, password } => {
                assert_eq!((username.as_str(), password.as_str()), ("me", "pw"))
            }
            other => panic!("{other:?}"),
        }
        assert!(ring.delete_registry_credential("r.example").unwrap());
        assert!(!ring.delete_registry_credential("r.example").unwrap());
    }

    #[test]
    fn key_names_are_checked() {
        assert!(validate_key_name("release-2024.1_a").is_ok());
        for bad in ["", "a b", "../x", &"x".repeat(65)] {
            assert!(validate_key_name(bad).is_err());
        }
    }
}
