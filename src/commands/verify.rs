//! `cargo attest verify FILE... --bundle BUNDLE` and `verify REF`.

use std::path::Path;

use serde::Serialize;

use super::Report;
use crate::cli::{PolicyArgs, VerifyArgs};
use crate::error::{Error, Result};
use crate::fsutil;
use crate::settings::Settings;
use crate::signing::DsseBundle;
use crate::verify::{AttachedCheck, Keys, Policy, verify_attached, verify_files};

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
    }
}

pub(super) fn run(settings: &Settings, args: &VerifyArgs) -> Result<Report> {
    let Some(bundle_path) = &args.bundle else {
        return match args.files.as_slice() {
            [reference] => run_ref(settings, args, &reference.to_string_lossy()),
            _ => Err(Error::usage(
                "give FILE... --bundle BUNDLE to verify files, or a single REF to verify what is attached to it",
            )),
        };
    };
    run_bundle(settings, args, bundle_path)
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
            })
            .collect(),
    })?;
    report.line(line);
    Ok(report)
}

fn attestation_results(checks: Vec<AttachedCheck>) -> Vec<AttestationResult> {
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
    let located = settings.places().locate(reference, false)?;
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
