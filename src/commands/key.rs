//! `cargo attest key ...`: signing keys in the OS keyring.

use std::path::Path;

use serde::Serialize;

use super::Report;
use crate::cli::{KeyAlgorithm, KeyCommand, KeyExportArgs, KeyGenerateArgs, KeyImportArgs};
use crate::credentials::Keyring;
use crate::credentials::keyring::Purpose;
use crate::credentials::keyring::validate_key_name;
use crate::error::{Error, Result};
use crate::fsutil::{self, Mode};
use crate::settings::Settings;
use crate::signing::keyfile::{
    load_key_file, load_public_key_file, public_key_path, read_passphrase,
};
use crate::signing::{Algorithm, PublicKey, SigningKey};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KeyOutput {
    name: String,
    algorithm: Algorithm,
    key_id: String,
    /// `keyring`, or the path of the file written.
    location: String,
    public_key: String,
    /// `key generate --output`: the public key file written beside it.
    #[serde(skip_serializing_if = "Option::is_none")]
    public_key_file: Option<String>,
}

impl KeyOutput {
    fn new(name: &str, key: &SigningKey, location: String) -> Self {
        Self::of_public(name, &key.public_key(), location)
    }

    fn of_public(name: &str, key: &PublicKey, location: String) -> Self {
        KeyOutput {
            name: name.to_string(),
            algorithm: key.algorithm(),
            key_id: key.key_id(),
            location,
            public_key: key.to_pem(),
            public_key_file: None,
        }
    }
}

pub(super) fn run(settings: &Settings, cmd: KeyCommand) -> Result<Report> {
    match cmd {
        KeyCommand::Generate(args) => generate(settings, &args),
        KeyCommand::Import(args) => import(settings, &args),
        KeyCommand::Export(args) => export(settings, &args),
        KeyCommand::List => list(),
        KeyCommand::Delete(args) => delete(&args.name, args.yes),
    }
}

fn generate(settings: &Settings, args: &KeyGenerateArgs) -> Result<Report> {
    validate_key_name(&args.name)?;
    let algorithm = match args.algorithm {
        KeyAlgorithm::P256 => Algorithm::EcdsaP256,
        KeyAlgorithm::Ed25519 => Algorithm::Ed25519,
    };
    let key = SigningKey::generate(algorithm).map_err(|e| Error::key(e.to_string()))?;
    let public_file = args.output.as_deref().map(public_key_path);
    let location = match &args.output {
        Some(path) => {
            let public = public_key_path(path);
            if public == *path {
                return Err(Error::usage(format!(
                    "{} would hold both halves of the key pair: name the private key file \
                     otherwise (such as key.pem); its public key goes to key.pub",
                    path.display()
                )));
            }
            for file in [path, &public] {
                if file.exists() && !args.force {
                    return Err(Error::usage(format!(
                        "{} exists; pass --force to overwrite it",
                        file.display()
                    )));
                }
            }
            let pem = if args.unencrypted {
                key.to_pem(None)
            } else {
                let pass = read_passphrase(
                    &settings.env,
                    &format!("the new key {}", path.display()),
                    true,
                )?;
                key.to_pem(Some(pass.as_bytes()))
            }
            .map_err(|e| Error::key(e.to_string()))?;
            fsutil::write_atomically(path, pem.as_bytes(), Mode::Private)?;
            fsutil::write_atomically(&public, key.public_key().to_pem().as_bytes(), Mode::Public)?;
            path.display().to_string()
        }
        None => {
            Keyring::open(Purpose::KeyManagement)?
                .store_signing_key(&args.name, &key, args.force)?;
            "keyring".to_string()
        }
    };
    let place = match &public_file {
        None => format!("key `{}` in the OS keyring", args.name),
        Some(public) => format!(
            "private key file {location} (public key {})",
            public.display()
        ),
    };
    let mut output = KeyOutput::new(&args.name, &key, location);
    output.public_key_file = public_file.map(|p| p.display().to_string());
    let mut report = Report::new(&output)?;
    report.line(format!(
        "Generated {} {place}, key id {}",
        key.algorithm(),
        key.key_id()
    ));
    Ok(report)
}

fn import(settings: &Settings, args: &KeyImportArgs) -> Result<Report> {
    validate_key_name(&args.name)?;
    let key = load_key_file(&args.file, &settings.env)?;
    Keyring::open(Purpose::KeyManagement)?.store_signing_key(&args.name, &key, args.force)?;
    let mut report = Report::new(&KeyOutput::new(&args.name, &key, "keyring".into()))?;
    report.line(format!(
        "Imported {} key `{}` into the OS keyring, key id {}",
        key.algorithm(),
        args.name,
        key.key_id()
    ));
    Ok(report)
}

fn keyring_key(keyring: &Keyring, name: &str) -> Result<SigningKey> {
    keyring.signing_key(name)?.ok_or_else(|| {
        Error::key(format!(
            "no signing key named `{name}` in the OS keyring (see `cargo attest key list`)"
        ))
    })
}

fn export(settings: &Settings, args: &KeyExportArgs) -> Result<Report> {
    if let Some(file) = &args.key {
        return export_file(settings, args, file);
    }
    if args.private && args.output.is_none() && settings.json() {
        return Err(Error::usage(
            "--private with --format json needs --output FILE: a private key is never part of JSON output",
        ));
    }
    let key = keyring_key(&Keyring::open(Purpose::KeyManagement)?, &args.name)?;
    let (text, private) = if args.private {
        let pem = if args.unencrypted {
            key.to_pem(None)
        } else {
            let pass = read_passphrase(
                &settings.env,
                &format!("the exported key `{}`", args.name),
                true,
            )?;
            key.to_pem(Some(pass.as_bytes()))
        }
        .map_err(|e| Error::key(e.to_string()))?;
        (pem, true)
    } else {
        (zeroize::Zeroizing::new(key.public_key().to_pem()), false)
    };
    match &args.output {
        Some(path) => {
            let mode = if private { Mode::Private } else { Mode::Public };
            fsutil::write_atomically(path, text.as_bytes(), mode)?;
            let mut report = Report::new(&KeyOutput::new(
                &args.name,
                &key,
                path.display().to_string(),
            ))?;
            report.line(format!(
                "Wrote the {} key of `{}` to {}",
                if private { "private" } else { "public" },
                args.name,
                path.display()
            ));
            Ok(report)
        }
        None if settings.json() => Report::new(&KeyOutput::new(&args.name, &key, "keyring".into())),
        None => {
            // The PEM is the output itself, printed even with -q; a private
            // key never passes through a report.
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|e| Error::io("write", "stdout", e))?;
            Report::new(&serde_json::Value::Null)
        }
    }
}

/// `key export --key FILE`: the public key of a key file.
fn export_file(settings: &Settings, args: &KeyExportArgs, file: &Path) -> Result<Report> {
    let public = load_public_key_file(file, &settings.env)?;
    let name = file.display().to_string();
    let pem = public.to_pem();
    match &args.output {
        Some(path) => {
            fsutil::write_atomically(path, pem.as_bytes(), Mode::Public)?;
            let mut report = Report::new(&KeyOutput::of_public(
                &name,
                &public,
                path.display().to_string(),
            ))?;
            report.line(format!(
                "Wrote the public key of {name} to {}",
                path.display()
            ));
            Ok(report)
        }
        None if settings.json() => Report::new(&KeyOutput::of_public(&name, &public, name.clone())),
        None => {
            // The PEM is the output itself, printed even with -q.
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            out.write_all(pem.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|e| Error::io("write", "stdout", e))?;
            Report::new(&serde_json::Value::Null)
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListedKey {
    name: String,
    algorithm: Algorithm,
    key_id: String,
}

fn list() -> Result<Report> {
    let keys = Keyring::open(Purpose::KeyManagement)?.list()?;
    let listed: Vec<ListedKey> = keys
        .iter()
        .map(|k| ListedKey {
            name: k.name.clone(),
            algorithm: k.public.algorithm(),
            key_id: k.public.key_id(),
        })
        .collect();
    let mut report = Report::new(&listed)?;
    if listed.is_empty() {
        tracing::info!(
            "No signing keys in the OS keyring. Create one with `cargo attest key generate`."
        );
    }
    let width = listed
        .iter()
        .map(|k| k.name.len())
        .max()
        .unwrap_or(4)
        .max(4);
    if !listed.is_empty() {
        report.line(format!("{:<width$}  {:<10}  KEY ID", "NAME", "ALGORITHM"));
    }
    for k in &listed {
        report.line(format!(
            "{:<width$}  {:<10}  {}",
            k.name,
            k.algorithm.name(),
            k.key_id
        ));
    }
    Ok(report)
}

fn delete(name: &str, yes: bool) -> Result<Report> {
    let keyring = Keyring::open(Purpose::KeyManagement)?;
    let key = keyring_key(&keyring, name)?;
    if !yes {
        use std::io::IsTerminal;
        if !std::io::stdin().is_terminal() {
            return Err(Error::usage(format!(
                "refusing to delete the signing key `{name}` without --yes: there is no terminal \
                 to ask on, and what it signed can then only be verified with its exported \
                 public key"
            )));
        }
        crate::output::stderr(format_args!(
            "Delete the signing key `{name}` ({}, key id {}) from the OS keyring? \
             What it signed can then only be verified with its exported public key. [y/N] ",
            key.algorithm(),
            key.key_id()
        ));
        let mut answer = String::new();
        std::io::stdin()
            .read_line(&mut answer)
            .map_err(|e| Error::io("read", "stdin", e))?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            return Err(Error::usage(format!("kept the signing key `{name}`")));
        }
    }
    if !keyring.delete_signing_key(name)? {
        return Err(Error::key(format!(
            "no signing key named `{name}` in the OS keyring"
        )));
    }
    #[derive(Serialize)]
    struct Deleted<'a> {
        name: &'a str,
        deleted: bool,
    }
    let mut report = Report::new(&Deleted {
        name,
        deleted: true,
    })?;
    report.line(format!("Deleted key `{name}` from the OS keyring"));
    Ok(report)
}
