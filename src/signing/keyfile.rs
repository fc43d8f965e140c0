//! Keys from PEM files (not the keyring's), and the passphrases that unlock
//! encrypted ones (from the environment or a terminal prompt).

use std::path::Path;

use zeroize::Zeroizing;

use super::keys::{KeyError, PublicKey, SigningKey};
use crate::environment::Env;
use crate::error::{Error, Result};
use crate::fsutil;

/// The environment variable holding the passphrase of encrypted PEM keys.
pub(crate) const PASSPHRASE_ENV: &str = "CARGO_ATTEST_KEY_PASSPHRASE";

/// Reads the passphrase for an encrypted key: the environment variable if
/// set, else a prompt on the terminal (asked twice when `confirm`).
pub(crate) fn read_passphrase(
    env: &Env,
    purpose: &str,
    confirm: bool,
) -> Result<Zeroizing<String>> {
    if let Some(pass) = env.get(PASSPHRASE_ENV) {
        if pass.is_empty() {
            return Err(Error::key(format!(
                "{PASSPHRASE_ENV} is set but empty: set a passphrase, or pass --unencrypted to \
                 write a key without encryption (key generate --output, key export --private)"
            )));
        }
        return Ok(Zeroizing::new(pass));
    }
    let no_tty = |e: std::io::Error| {
        Error::key(format!(
            "{purpose} needs a passphrase and there is no terminal to ask on ({e}); \
             set {PASSPHRASE_ENV}"
        ))
    };
    let pass = Zeroizing::new(
        rpassword::prompt_password(format!("Passphrase for {purpose}: ")).map_err(no_tty)?,
    );
    if pass.is_empty() {
        return Err(Error::key(
            "empty passphrase: give one, or pass --unencrypted to write the key without \
             encryption (key generate --output, key export --private)",
        ));
    }
    if confirm {
        let again =
            Zeroizing::new(rpassword::prompt_password("Repeat passphrase: ").map_err(no_tty)?);
        if *again != *pass {
            return Err(Error::key("the passphrases differ"));
        }
    }
    Ok(pass)
}

/// Loads a PEM private key file, asking for the passphrase only if it is
/// encrypted.
pub(crate) fn load_key_file(path: &Path, env: &Env) -> Result<SigningKey> {
    let text = fsutil::read_text(path)?;
    let shown = path.display();
    let fail = |e: KeyError| match e {
        KeyError::WrongPassphrase => Error::key(format!(
            "{shown}: wrong passphrase (from {PASSPHRASE_ENV} or the prompt), or the key is damaged"
        )),
        other => Error::key(format!("{shown}: {other}")),
    };
    match SigningKey::from_pem(&text, None) {
        Err(KeyError::PassphraseRequired) => {
            let pass = read_passphrase(env, &format!("key {shown}"), false)?;
            SigningKey::from_pem(&text, Some(pass.as_bytes())).map_err(fail)
        }
        other => other.map_err(fail),
    }
}

/// Reads the public key of a key file: a `PUBLIC KEY` PEM, or the public
/// half of a private key file (asking for the passphrase of an encrypted
/// one), so a key pair's either file serves verification.
pub(crate) fn load_public_key_file(path: &Path, env: &Env) -> Result<PublicKey> {
    let text = fsutil::read_text(path)?;
    match PublicKey::from_pem(&text) {
        Ok(key) => Ok(key),
        Err(KeyError::PassphraseRequired) => Ok(load_key_file(path, env)?.public_key()),
        Err(e) => Err(Error::key(format!("{}: {e}", path.display()))),
    }
}

/// The public key file written beside a private key file: `k.pem` ->
/// `k.pub` (cosign's `cosign.key` -> `cosign.pub` convention).
pub(crate) fn public_key_path(private: &Path) -> std::path::PathBuf {
    private.with_extension("pub")
}
