//! `cargo attest verify FILE... --bundle BUNDLE`, `verify FILE...` (the
//! bundle `cargo attest` wrote), `verify FILE... --from REF` and
//! `verify REF`.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::Report;
use crate::cli::{PolicyArgs, VerifyArgs};
use crate::error::{Error, Result};
use crate::fsutil;
use crate::settings::Settings;
use crate::signing::DsseBundle;
use crate::verify::{
    Keys, Policy, bundle_dirs, find_bundles, hash_files, verify_attached, verify_files,
    verify_files_from,
};

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
#[serde(rename_all = "camelCase")]
struct VerifiedFile {
    path: String,
    sha256: String,
    subject: String,
    /// With --from: the attestation manifest that names the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    attestation: Option<String>,
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
struct FromOutput {
    verified: bool,
    subject: String,
    digest: String,
    files: Vec<VerifiedFile>,
    attestations: Vec<AttestationResult>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AttestationResult {
    digest: String,
    /// `cosign-legacy` for a DSSE envelope of a cosign `.att` tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'static str>,
    /// For cosign legacy envelopes: the layer holding it.
    #[serde(skip_serializing_if = "Option::is_none")]
    layer: Option<String>,
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

fn policy(args: &PolicyArgs) -> Policy {
    Policy {
        predicate_type: args.predicate_type.clone(),
        builder_id: args.builder_id.clone(),
        source_repo: args.source_repo.clone(),
        source_ref: args.source_ref.clone(),
        source_digest: args.source_digest.clone(),
    }
}

pub(super) fn run(settings: &Settings, args: &VerifyArgs) -> Result<Report> {
    if let Some(reference) = &args.from {
        return run_from(settings, args, reference);
    }
    if let Some(bundle_path) = &args.bundle {
        return run_bundle(settings, args, bundle_path);
    }
    match args.files.as_slice() {
        [one] if !one.is_file() => run_ref(settings, args, &one.to_string_lossy()),
        files => {
            if let Some(other) = files.iter().find(|f| !f.is_file()) {
                return Err(Error::usage(format!(
                    "{} is not a file: give FILE... (with --bundle BUNDLE or --from REF), or a single REF",
                    other.display()
                )));
            }
            run_local(settings, args)
        }
    }
}

fn run_bundle(settings: &Settings, args: &VerifyArgs, bundle_path: &Path) -> Result<Report> {
    let keys = Keys::new(&args.key, &settings.env)?;
    let text = fsutil::read_text(bundle_path)?;
    check_bundle(args, &keys, &text, bundle_path.display().to_string())
}

fn check_bundle(args: &VerifyArgs, keys: &Keys, text: &str, shown: String) -> Result<Report> {
    let bundle =
        DsseBundle::parse(text).map_err(|e| Error::invalid_input(format!("{shown}: {e}")))?;
    let verified = verify_files(&bundle, &shown, keys, &args.files, &policy(&args.policy))?;
    let count = verified.files.len();
    let line = format!(
        "Verified {count} file{} against {shown} (signed by {}{})",
        if count == 1 { "" } else { "s" },
        verified.key_label,
        verified
            .builder_id
            .as_deref()
            .map(|b| format!(", built by {b}"))
            .unwrap_or_default()
    );
    let mut report = Report::new(&VerifyOutput {
        verified: true,
        bundle: shown,
        key_id: verified.key_id,
        key: verified.key_label,
        predicate_type: verified.statement.predicate_type,
        builder_id: verified.builder_id,
        files: verified
            .files
            .into_iter()
            .map(|f| VerifiedFile {
                path: f.path,
                sha256: f.sha256,
                subject: f.subject,
                attestation: None,
            })
            .collect(),
    })?;
    report.line(line);
    Ok(report)
}

/// `verify FILE...` alone: the bundles `cargo attest` wrote that name the
/// files; the newest that passes wins. Without one, say what to pass.
fn run_local(settings: &Settings, args: &VerifyArgs) -> Result<Report> {
    let hashed = hash_files(&args.files)?;
    let target_dir = settings.env.get("CARGO_TARGET_DIR").map(PathBuf::from);
    let dirs = bundle_dirs(&args.files, target_dir.as_deref());
    let found = find_bundles(&dirs, &hashed);
    if found.is_empty() {
        let files: Vec<String> = hashed
            .iter()
            .map(|f| format!("{} (sha256:{})", f.name, f.sha256))
            .collect();
        let looked = if dirs.is_empty() {
            "no <target-dir>/attest directory was found".to_string()
        } else {
            format!(
                "none in {} names {}",
                dirs.iter()
                    .map(|d| fsutil::display_path(d))
                    .collect::<Vec<_>>()
                    .join(", "),
                if files.len() == 1 { "it" } else { "them all" }
            )
        };
        return Err(Error::usage(format!(
            "no bundle found for {}: {looked}. Pass --bundle BUNDLE (a *.sigstore.json, for \
             example from `cargo attest download REF`), or --from REF to check against the \
             attestations attached to an image",
            files.join(", ")
        )));
    }
    let keys = Keys::new(&args.key, &settings.env)?;
    let mut first_error = None;
    for path in &found {
        let shown = fsutil::display_path(path);
        tracing::debug!("trying {shown}");
        let text = fsutil::read_text(path)?;
        match check_bundle(args, &keys, &text, shown) {
            Ok(report) => return Ok(report),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or_else(|| Error::internal("no bundle was checked")))
}

fn attestation_results(checks: Vec<crate::verify::AttachedCheck>) -> Vec<AttestationResult> {
    checks
        .into_iter()
        .map(|check| {
            let source = check.legacy.then_some("cosign-legacy");
            match check.outcome {
                Ok(passed) => AttestationResult {
                    digest: check.digest,
                    source,
                    layer: check.layer,
                    verified: true,
                    error: None,
                    key_id: Some(passed.key_id),
                    predicate_type: Some(passed.statement.predicate_type),
                    builder_id: passed.builder_id,
                },
                Err(e) => AttestationResult {
                    digest: check.digest,
                    source,
                    layer: check.layer,
                    verified: false,
                    error: Some(e.report()),
                    key_id: None,
                    predicate_type: None,
                    builder_id: None,
                },
            }
        })
        .collect()
}

fn result_lines(attestations: &[AttestationResult]) -> Vec<String> {
    attestations
        .iter()
        .map(|r| {
            let what = match &r.layer {
                Some(layer) => format!("{layer} (cosign legacy, in {})", r.digest),
                None => r.digest.clone(),
            };
            match &r.error {
                None => format!(
                    "ok      {what} (key {}{})",
                    r.key_id.as_deref().unwrap_or(""),
                    r.builder_id
                        .as_deref()
                        .map(|b| format!(", built by {b}"))
                        .unwrap_or_default()
                ),
                Some(e) => format!("FAILED  {what}: {e}"),
            }
        })
        .collect()
}

/// `verify REF`: success needs at least one attached attestation that
/// passes everything.
fn run_ref(settings: &Settings, args: &VerifyArgs, reference: &str) -> Result<Report> {
    let located = settings.places().locate(reference, false).map_err(|e| {
        // Something that looks like a path and is no file is a file the
        // user meant, not an image: say so instead of a lookup error.
        if Path::new(reference).components().count() > 1 && matches!(e, Error::Usage { .. }) {
            Error::usage(format!(
                "{reference} is neither a file nor an image reference ({e})"
            ))
        } else {
            e
        }
    })?;
    let subject = located.store.resolve(&located.target)?;
    let keys = Keys::new(&args.key, &settings.env)?;
    let checks = verify_attached(
        located.store.as_ref(),
        &subject,
        &keys,
        &policy(&args.policy),
    )?;
    let attestations = attestation_results(checks);
    let any = attestations.iter().any(|r| r.verified);
    let lines = result_lines(&attestations);
    let mut report = Report::new(&RefOutput {
        subject: located.display.clone(),
        digest: subject.digest.clone(),
        verified: any,
        attestations,
    })?;
    for line in lines {
        report.line(line);
    }
    if any {
        report.line(format!(
            "Verified {} ({}): a valid attestation is attached",
            located.display, subject.digest
        ));
        Ok(report)
    } else {
        let error = Error::verification(format!(
            "no valid attestation is attached to {} ({})",
            located.display, subject.digest
        ));
        Ok(report.fail(error))
    }
}

/// `verify FILE... --from REF`: every file must be a subject of an
/// attestation attached to REF that passes everything.
fn run_from(settings: &Settings, args: &VerifyArgs, reference: &str) -> Result<Report> {
    if let Some(other) = args.files.iter().find(|f| !f.is_file()) {
        return Err(Error::usage(format!(
            "{} is not a file: --from REF checks files against what is attached to REF",
            other.display()
        )));
    }
    let located = settings.places().locate(reference, false)?;
    let subject = located.store.resolve(&located.target)?;
    let keys = Keys::new(&args.key, &settings.env)?;
    let result = verify_files_from(
        located.store.as_ref(),
        &subject,
        &keys,
        &args.files,
        &policy(&args.policy),
    )?;
    let attestations = attestation_results(result.checks);
    let failure = match result.unmatched.first() {
        Some(_) if attestations.is_empty() => Some(Error::verification(format!(
            "no attestation is attached to {} ({})",
            located.display, subject.digest
        ))),
        Some((name, sha256)) => Some(Error::verification(format!(
            "{name} (sha256:{sha256}) is not a subject of any valid attestation attached to {} ({})",
            located.display, subject.digest
        ))),
        None => None,
    };
    let lines = result_lines(&attestations);
    let count = result.files.len();
    let mut report = Report::new(&FromOutput {
        verified: failure.is_none(),
        subject: located.display.clone(),
        digest: subject.digest.clone(),
        files: result
            .files
            .into_iter()
            .map(|(f, attestation)| VerifiedFile {
                path: f.path,
                sha256: f.sha256,
                subject: f.subject,
                attestation: Some(attestation),
            })
            .collect(),
        attestations,
    })?;
    for line in lines {
        report.line(line);
    }
    match failure {
        None => {
            report.line(format!(
                "Verified {count} file{} against the attestations attached to {} ({})",
                if count == 1 { "" } else { "s" },
                located.display,
                subject.digest
            ));
            Ok(report)
        }
        Some(error) => Ok(report.fail(error)),
    }
}
