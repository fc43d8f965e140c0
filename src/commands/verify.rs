//! `cargo attest verify FILE... --bundle BUNDLE`: offline verification.

use serde::Serialize;

use super::{Ui, read_text};
use crate::cli::VerifyArgs;
use crate::credentials::Keyring;
use crate::error::{Error, Result};
use crate::provenance::subjects::{self, SubjectFile};
use crate::provenance::{Statement, source};
use crate::signing::{DsseBundle, PublicKey};

/// Statement types we accept: v1, and v0.1 which older producers still write.
const STATEMENT_TYPES: [&str; 2] = [
    "https://in-toto.io/Statement/v1",
    "https://in-toto.io/Statement/v0.1",
];

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VerifyOutput {
    verified: bool,
    bundle: String,
    key_id: String,
    key: String,
    predicate_type: String,
    builder_id: Option<String>,
    files: Vec<VerifiedFile>,
}

#[derive(Serialize)]
struct VerifiedFile {
    path: String,
    sha256: String,
    subject: String,
}

pub fn run(ui: &Ui, args: &VerifyArgs) -> Result<()> {
    let text = read_text(&args.bundle)?;
    let bundle = DsseBundle::parse(&text)
        .map_err(|e| Error::invalid_input(format!("{}: {e}", args.bundle.display())))?;

    let (key, key_label) = match &args.key {
        Some(path) => {
            let pem = read_text(path)?;
            let key = PublicKey::from_pem(&pem)
                .map_err(|e| Error::key(format!("{}: {e}", path.display())))?;
            (key, format!("key file {}", path.display()))
        }
        None => {
            let hint = bundle.key_hint().ok_or_else(|| {
                Error::key("the bundle names no key (no publicKey hint); pass --key PUB.pem")
            })?;
            let found = Keyring::open()?.find_by_key_id(hint)?.ok_or_else(|| {
                Error::key(format!(
                    "the bundle was signed by key {hint}, which is not in the OS keyring; \
                     pass its public key with --key PUB.pem"
                ))
            })?;
            (found.public, format!("keyring key `{}`", found.name))
        }
    };
    ui.detail(
        1,
        format!("checking the signature with {key_label} ({})", key.key_id()),
    );

    let payload = bundle
        .verify(&key)
        .map_err(|e| Error::verification(format!("{}: {e}", args.bundle.display())))?;
    let statement: Statement = serde_json::from_slice(payload).map_err(|e| {
        Error::verification(format!(
            "the signed payload is not an in-toto statement: {e}"
        ))
    })?;
    if !STATEMENT_TYPES.contains(&statement.statement_type.as_str()) {
        return Err(Error::verification(format!(
            "statement type is `{}`, expected `{}`",
            statement.statement_type, STATEMENT_TYPES[0]
        )));
    }
    if statement.predicate_type != args.policy.predicate_type {
        return Err(Error::verification(format!(
            "predicate type is `{}`, policy requires `{}`",
            statement.predicate_type, args.policy.predicate_type
        )));
    }

    let files: Vec<SubjectFile> = args
        .files
        .iter()
        .map(|p| SubjectFile {
            name: p.display().to_string(),
            path: p.clone(),
        })
        .collect();
    let hashed = subjects::hash_files(&files)?;
    let mut verified_files = Vec::new();
    for file in &hashed {
        let digest = file.sha256().unwrap_or_default();
        let by_sha256 = statement
            .subject
            .iter()
            .find(|s| s.sha256().is_some_and(|d| d.eq_ignore_ascii_case(digest)));
        // A subject known only by sha512 (from a sha512sum file) is checked
        // with sha512; it is computed only when such a subject exists.
        let subject = match by_sha256 {
            Some(s) => Some(s),
            None if statement
                .subject
                .iter()
                .any(|s| s.digest.contains_key("sha512")) =>
            {
                let file_path = &files
                    .iter()
                    .find(|f| f.name == file.name)
                    .expect("hashed from files")
                    .path;
                let sha512 = subjects::sha512_file(file_path)?;
                statement.subject.iter().find(|s| {
                    s.digest
                        .get("sha512")
                        .is_some_and(|d| d.eq_ignore_ascii_case(&sha512))
                })
            }
            None => None,
        }
        .ok_or_else(|| {
            Error::verification(format!(
                "{} (sha256:{digest}) is not a subject of the attestation",
                file.name
            ))
        })?;
        verified_files.push(VerifiedFile {
            path: file.name.clone(),
            sha256: digest.to_string(),
            subject: subject.name.clone(),
        });
    }

    let builder_id = statement
        .predicate
        .pointer("/runDetails/builder/id")
        .and_then(|v| v.as_str())
        .map(str::to_string);
    if let Some(want) = &args.policy.builder_id
        && builder_id.as_deref() != Some(want.as_str())
    {
        return Err(Error::verification(format!(
            "builder id is {}, policy requires `{want}`",
            builder_id
                .map(|b| format!("`{b}`"))
                .unwrap_or_else(|| "missing".into())
        )));
    }
    if let Some(want) = &args.policy.source_repo {
        let repos = source_repositories(&statement);
        let wanted = source::normalize_repo_url(want);
        if !repos
            .iter()
            .any(|r| source::normalize_repo_url(r) == wanted)
        {
            return Err(Error::verification(format!(
                "source repository is {}, policy requires `{want}`",
                if repos.is_empty() {
                    "not recorded".to_string()
                } else {
                    repos
                        .iter()
                        .map(|r| format!("`{r}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            )));
        }
    }

    ui.emit_json(&VerifyOutput {
        verified: true,
        bundle: args.bundle.display().to_string(),
        key_id: key.key_id(),
        key: key_label.clone(),
        predicate_type: statement.predicate_type.clone(),
        builder_id: builder_id.clone(),
        files: verified_files,
    })?;
    ui.result(format!(
        "Verified {} file{} against {} (signed by {key_label}{})",
        hashed.len(),
        if hashed.len() == 1 { "" } else { "s" },
        args.bundle.display(),
        builder_id
            .map(|b| format!(", built by {b}"))
            .unwrap_or_default()
    ));
    Ok(())
}

/// Source repositories a provenance predicate names: git resolved
/// dependencies (ours and most generators) and GitHub's workflow repository.
fn source_repositories(statement: &Statement) -> Vec<String> {
    let mut repos = Vec::new();
    if let Some(deps) = statement
        .predicate
        .pointer("/buildDefinition/resolvedDependencies")
        .and_then(|d| d.as_array())
    {
        for dep in deps {
            if let Some(uri) = dep.get("uri").and_then(|u| u.as_str())
                && uri.starts_with("git+")
            {
                repos.push(uri.to_string());
            }
        }
    }
    if let Some(repo) = statement
        .predicate
        .pointer("/buildDefinition/externalParameters/workflow/repository")
        .and_then(|r| r.as_str())
    {
        repos.push(repo.to_string());
    }
    repos
}
