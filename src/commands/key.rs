//! `cargo attest key ...`: signing keys in the OS keyring.

use serde::Serialize;

use super::attest::load_pem_key;
use super::{Ui, read_passphrase, write_file_atomically};
use crate::cli::{KeyAlgorithm, KeyCommand, KeyExportArgs, KeyGenerateArgs, KeyImportArgs};
use crate::credentials::Keyring;
use crate::credentials::keyring::validate_key_name;
use crate::error::{Error, Result};
use crate::signing::{Algorithm, SigningKey};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KeyOutput {
    name: String,
    algorithm: Algorithm,
    key_id: String,
    /// `keyring`, or the path of the file written.
    location: String,
    public_key: String,
}

impl KeyOutput {
    fn new(name: &str, key: &SigningKey, location: String) -> Self {
        KeyOutput {
            name: name.to_string(),
            algorithm: key.algorithm(),
            key_id: key.key_id(),
            location,
            public_key: key.public_key().to_pem(),
        }
    }
}

pub fn run(ui: &Ui, cmd: KeyCommand) -> Result<()> {
    match cmd {
        KeyCommand::Generate(args) => generate(ui, &args),
        KeyCommand::Import(args) => import(ui, &args),
        KeyCommand::Export(args) => export(ui, &args),
        KeyCommand::List => list(ui),
        KeyCommand::Delete(args) => delete(ui, &args.name),
    }
}

fn generate(ui: &Ui, args: &KeyGenerateArgs) -> Result<()> {
    validate_key_name(&args.name)?;
    let algorithm = match args.algorithm {
        KeyAlgorithm::P256 => Algorithm::EcdsaP256,
        KeyAlgorithm::Ed25519 => Algorithm::Ed25519,
    };
    let key = SigningKey::generate(algorithm).map_err(|e| Error::key(e.to_string()))?;
    let location = match &args.output {
        Some(path) => {
            if path.exists() && !args.force {
                return Err(Error::usage(format!(
                    "{} exists; pass --force to overwrite it",
                    path.display()
                )));
            }
            let pem = if args.unencrypted {
                key.to_pem(None)
            } else {
                let pass = read_passphrase(&format!("the new key {}", path.display()), true)?;
                key.to_pem(Some(pass.as_bytes()))
            }
            .map_err(|e| Error::key(e.to_string()))?;
            write_file_atomically(path, pem.as_bytes(), true)?;
            path.display().to_string()
        }
        None => {
            Keyring::open()?.store_signing_key(&args.name, &key, args.force)?;
            "keyring".to_string()
        }
    };
    ui.emit_json(&KeyOutput::new(&args.name, &key, location.clone()))?;
    let place = if location == "keyring" {
        format!("key `{}` in the OS keyring", args.name)
    } else {
        format!("private key file {location}")
    };
    ui.result(format!(
        "Generated {} {place}, key id {}",
        key.algorithm(),
        key.key_id()
    ));
    Ok(())
}

fn import(ui: &Ui, args: &KeyImportArgs) -> Result<()> {
    validate_key_name(&args.name)?;
    let key = load_pem_key(&args.file)?;
    Keyring::open()?.store_signing_key(&args.name, &key, args.force)?;
    ui.emit_json(&KeyOutput::new(&args.name, &key, "keyring".into()))?;
    ui.result(format!(
        "Imported {} key `{}` into the OS keyring, key id {}",
        key.algorithm(),
        args.name,
        key.key_id()
    ));
    Ok(())
}

fn keyring_key(keyring: &Keyring, name: &str) -> Result<SigningKey> {
    keyring.signing_key(name)?.ok_or_else(|| {
        Error::key(format!(
            "no signing key named `{name}` in the OS keyring (see `cargo attest key list`)"
        ))
    })
}

fn export(ui: &Ui, args: &KeyExportArgs) -> Result<()> {
    if args.private && args.output.is_none() && ui.json() {
        return Err(Error::usage(
            "--private with --format json needs --output FILE: a private key is never part of JSON output",
        ));
    }
    let key = keyring_key(&Keyring::open()?, &args.name)?;
    let (text, private) = if args.private {
        let pem = if args.unencrypted {
            key.to_pem(None)
        } else {
            let pass = read_passphrase(&format!("the exported key `{}`", args.name), true)?;
            key.to_pem(Some(pass.as_bytes()))
        }
        .map_err(|e| Error::key(e.to_string()))?;
        (pem, true)
    } else {
        (zeroize::Zeroizing::new(key.public_key().to_pem()), false)
    };
    match &args.output {
        Some(path) => {
            write_file_atomically(path, text.as_bytes(), private)?;
            ui.emit_json(&KeyOutput::new(
                &args.name,
                &key,
                path.display().to_string(),
            ))?;
            ui.result(format!(
                "Wrote the {} key of `{}` to {}",
                if private { "private" } else { "public" },
                args.name,
                path.display()
            ));
        }
        None if ui.json() && !private => {
            ui.emit_json(&KeyOutput::new(&args.name, &key, "keyring".into()))?;
        }
        None => print!("{}", text.as_str()),
    }
    Ok(())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListedKey {
    name: String,
    algorithm: Algorithm,
    key_id: String,
}

fn list(ui: &Ui) -> Result<()> {
    let keys = Keyring::open()?.list()?;
    let listed: Vec<ListedKey> = keys
        .iter()
        .map(|k| ListedKey {
            name: k.name.clone(),
            algorithm: k.public.algorithm(),
            key_id: k.public.key_id(),
        })
        .collect();
    ui.emit_json(&listed)?;
    if listed.is_empty() {
        ui.note("No signing keys in the OS keyring. Create one with `cargo attest key generate`.");
    }
    let width = listed
        .iter()
        .map(|k| k.name.len())
        .max()
        .unwrap_or(4)
        .max(4);
    if !listed.is_empty() {
        ui.result(format!("{:<width$}  {:<10}  KEY ID", "NAME", "ALGORITHM"));
    }
    for k in &listed {
        ui.result(format!(
            "{:<width$}  {:<10}  {}",
            k.name,
            k.algorithm.name(),
            k.key_id
        ));
    }
    Ok(())
}

fn delete(ui: &Ui, name: &str) -> Result<()> {
    if !Keyring::open()?.delete_signing_key(name)? {
        return Err(Error::key(format!(
            "no signing key named `{name}` in the OS keyring"
        )));
    }
    #[derive(Serialize)]
    struct Deleted<'a> {
        name: &'a str,
        deleted: bool,
    }
    ui.emit_json(&Deleted {
        name,
        deleted: true,
    })?;
    ui.result(format!("Deleted key `{name}` from the OS keyring"));
    Ok(())
}
