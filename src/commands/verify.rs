//! `cargo attest verify FILE... --bundle BUNDLE`: offline verification.

use serde::Serialize;

use std::path::Path;

use super::{Ui, read_text};
use crate::cli::{GlobalArgs, PolicyArgs, VerifyArgs};
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

pub fn run(ui: &Ui, global: &GlobalArgs, args: &VerifyArgs) -> Result<()> {
    let Some(bundle_path) = &args.bundle else {
        return match args.files.as_slice() {
            [reference] => run_ref(ui, global, args, &reference.to_string_lossy()),
            _ => Err(Error::usage(
                "give FILE... --bundle BUNDLE to verify files, or a single REF to verify what is attached to it",
            )),
        };
    };
    let text = read_text(bundle_path)?;
    let bundle = DsseBundle::parse(&text)
        .map_err(|e| Error::invalid_input(format!("{}: {e}", bundle_path.display())))?;
    let keyring = std::cell::OnceCell::new();
    let (key, key_label) = resolve_key(&bundle, args.key.as_deref(), &keyring)?;
    ui.detail(
        1,
        format!("checking the signature with {key_label} ({})", key.key_id()),
    );
    let statement = check_signed_statement(
        &bundle,
        &key,
        &args.policy,
        &bundle_path.display().to_string(),
    )?;

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

    let builder_id = check_policy(&statement, &args.policy)?;

    ui.emit_json(&VerifyOutput {
        verified: true,
        bundle: bundle_path.display().to_string(),
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
        bundle_path.display(),
        builder_id
            .map(|b| format!(", built by {b}"))
            .unwrap_or_default()
    ));
    Ok(())
}

/// The key to check `bundle` with: `--key`, else the keyring key whose id
/// equals the bundle's (unauthenticated) hint. The keyring is opened once.
fn resolve_key(
    bundle: &DsseBundle,
    key_arg: Option<&Path>,
    keyring: &std::cell::OnceCell<Option<Keyring>>,
) -> Result<(PublicKey, String)> {
    if let Some(path) = key_arg {
        let pem = read_text(path)?;
        let key = PublicKey::from_pem(&pem)
            .map_err(|e| Error::key(format!("{}: {e}", path.display())))?;
        return Ok((key, format!("key file {}", path.display())));
    }
    let hint = bundle.key_hint().ok_or_else(|| {
        Error::key("the bundle names no key (no publicKey hint); pass --key PUB.pem")
    })?;
    let ring = match keyring.get_or_init(|| Keyring::open().ok()) {
        Some(r) => r,
        None => {
            return Err(Keyring::open()
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

/// Signature, statement type and predicate type.
fn check_signed_statement(
    bundle: &DsseBundle,
    key: &PublicKey,
    policy: &PolicyArgs,
    label: &str,
) -> Result<Statement> {
    let payload = bundle
        .verify(key)
        .map_err(|e| Error::verification(format!("{label}: {e}")))?;
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
    if statement.predicate_type != policy.predicate_type {
        return Err(Error::verification(format!(
            "predicate type is `{}`, policy requires `{}`",
            statement.predicate_type, policy.predicate_type
        )));
    }
    Ok(statement)
}

/// The builder id and source repository policy flags. Returns the builder id.
fn check_policy(statement: &Statement, policy: &PolicyArgs) -> Result<Option<String>> {
    let builder_id = statement
        .predicate
        .pointer("/runDetails/builder/id")
        .and_then(|v| v.as_str())
        .map(str::to_string);
    if let Some(want) = &policy.builder_id
        && builder_id.as_deref() != Some(want.as_str())
    {
        return Err(Error::verification(format!(
            "builder id is {}, policy requires `{want}`",
            builder_id
                .map(|b| format!("`{b}`"))
                .unwrap_or_else(|| "missing".into())
        )));
    }
    if let Some(want) = &policy.source_repo {
        let repos = source_repositories(statement);
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
    Ok(builder_id)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RefOutput {
    subject: String,
    digest: String,
    verified: bool,
    attestations: Vec<AttestationResult>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AttestationResult {
    digest: String,
    verified: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    key_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    predicate_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    builder_id: Option<String>,
}

/// `verify REF`: every Sigstore bundle attached to the image is checked;
/// success needs at least one that passes everything.
fn run_ref(ui: &Ui, global: &GlobalArgs, args: &VerifyArgs, reference: &str) -> Result<()> {
    use super::attach::resolve_subject;
    use super::target::{self, Place};
    use crate::registry::discover;
    let located = target::locate(ui, global, reference, false)?;
    let subject = resolve_subject(&located)?;
    let found = match &located.place {
        Place::Registry(repo) => discover::discover_in_registry(repo, &subject.digest, None)?,
        Place::Layout(layout) => discover::discover_in_layout(layout, &subject.digest, None)?,
    };
    let keyring = std::cell::OnceCell::new();
    let mut results = Vec::new();
    for referrer in found.referrers.iter().filter(|r| {
        r.descriptor
            .artifact_type
            .as_deref()
            .is_some_and(|t| t.starts_with("application/vnd.dev.sigstore.bundle"))
    }) {
        let digest = referrer.descriptor.digest.clone();
        let outcome = (|| -> Result<(String, Statement, Option<String>)> {
            let manifest_bytes = fetch(&located.place, &digest, true)?;
            let manifest: crate::registry::ImageManifest = serde_json::from_slice(&manifest_bytes)
                .map_err(|e| Error::verification(format!("not an image manifest: {e}")))?;
            // Listed under this image is not enough: the manifest itself must
            // name it as its subject.
            match &manifest.subject {
                Some(s) if s.digest == subject.digest => {}
                Some(s) => {
                    return Err(Error::verification(format!(
                        "attached to a different subject ({})",
                        s.digest
                    )));
                }
                None => return Err(Error::verification("the manifest has no subject")),
            }
            let layer = manifest
                .layers
                .iter()
                .find(|l| {
                    l.media_type
                        .starts_with("application/vnd.dev.sigstore.bundle")
                })
                .ok_or_else(|| Error::verification("no Sigstore bundle layer"))?;
            let bundle_bytes = fetch(&located.place, &layer.digest, false)?;
            let text = String::from_utf8(bundle_bytes)
                .map_err(|_| Error::verification("the bundle is not UTF-8"))?;
            let bundle =
                DsseBundle::parse(&text).map_err(|e| Error::verification(e.to_string()))?;
            let (key, _) = resolve_key(&bundle, args.key.as_deref(), &keyring)?;
            let statement = check_signed_statement(&bundle, &key, &args.policy, &digest)?;
            let hex = subject.digest.trim_start_matches("sha256:");
            if !statement
                .subject
                .iter()
                .any(|s| s.sha256().is_some_and(|d| d.eq_ignore_ascii_case(hex)))
            {
                return Err(Error::verification(format!(
                    "the statement does not name {} as a subject",
                    subject.digest
                )));
            }
            let builder_id = check_policy(&statement, &args.policy)?;
            Ok((key.key_id(), statement, builder_id))
        })();
        results.push(match outcome {
            Ok((key_id, statement, builder_id)) => AttestationResult {
                digest,
                verified: true,
                error: None,
                key_id: Some(key_id),
                predicate_type: Some(statement.predicate_type),
                builder_id,
            },
            Err(e) => AttestationResult {
                digest,
                verified: false,
                error: Some(e.to_string()),
                key_id: None,
                predicate_type: None,
                builder_id: None,
            },
        });
    }
    let any = results.iter().any(|r| r.verified);
    let output = RefOutput {
        subject: located.display.clone(),
        digest: subject.digest.clone(),
        verified: any,
        attestations: results,
    };
    ui.emit_json(&output)?;
    for r in &output.attestations {
        match &r.error {
            None => ui.result(format!(
                "ok      {} (key {}{})",
                r.digest,
                r.key_id.as_deref().unwrap_or(""),
                r.builder_id
                    .as_deref()
                    .map(|b| format!(", built by {b}"))
                    .unwrap_or_default()
            )),
            Some(e) => ui.result(format!("FAILED  {}: {e}", r.digest)),
        }
    }
    if any {
        ui.result(format!(
            "Verified {} ({}): a valid attestation is attached",
            located.display, subject.digest
        ));
        Ok(())
    } else {
        Err(Error::verification(format!(
            "no valid attestation is attached to {} ({})",
            located.display, subject.digest
        )))
    }
}

/// A manifest or blob from the place, checked against its digest.
fn fetch(place: &super::target::Place, digest: &str, manifest: bool) -> Result<Vec<u8>> {
    use super::target::Place;
    let bytes = match place {
        Place::Registry(repo) => {
            if manifest {
                repo.client
                    .get_manifest(&repo.name, digest)?
                    .map(|m| m.bytes)
                    .ok_or_else(|| Error::verification(format!("{digest} is listed but missing")))?
            } else {
                repo.client.get_blob(&repo.name, digest, 16 * 1024 * 1024)?
            }
        }
        Place::Layout(layout) => layout
            .read_blob(digest)?
            .ok_or_else(|| Error::verification(format!("{digest} is listed but missing")))?,
    };
    if crate::registry::manifest::sha256_digest(&bytes) != digest {
        return Err(Error::verification(format!(
            "content of {digest} does not match its digest"
        )));
    }
    Ok(bytes)
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
