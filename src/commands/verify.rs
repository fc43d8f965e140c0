//! `cargo attest verify FILE... --bundle BUNDLE` and `verify REF`.

use serde::Serialize;

use super::Report;
use crate::cli::{IdentityArgs, PolicyArgs, VerifyArgs};
use crate::error::{Error, Result};
use crate::fsutil;
use crate::provenance;
use crate::settings::Settings;
use crate::signing::DsseBundle;
use crate::verify::{
    IdentityFlags, IdentityPolicy, Keys, Policy, SignedBy, TlogPolicy, Trust, TrustRoot,
    verify_attached, verify_files,
};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VerifyOutput {
    verified: bool,
    bundle: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    key_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signer: Option<SignerOutput>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    signed_timestamps: Vec<String>,
    /// The bundle's transparency log entries were verified.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    transparency_log_verified: bool,
    predicate_type: String,
    builder_id: Option<String>,
    files: Vec<VerifiedFile>,
}

/// A keyless signer, as its (verified) certificate names it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SignerOutput {
    identity: Option<String>,
    issuer: Option<String>,
    certificate_not_before: String,
    certificate_not_after: String,
    /// Fulcio's CI extensions that the certificate carries.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    extensions: std::collections::BTreeMap<&'static str, String>,
    /// Whether the bundle's transparency log entries were verified (only
    /// bundles that carry entries).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    transparency_log_verified: bool,
}

impl SignerOutput {
    fn of(signed_by: &SignedBy) -> Option<Self> {
        let SignedBy::Certificate(c) = signed_by else {
            return None;
        };
        let claims = &c.info.ci_claims;
        let extensions = [
            ("sourceRepositoryUri", &claims.source_repository_uri),
            ("sourceRepositoryRef", &claims.source_repository_ref),
            ("sourceRepositoryDigest", &claims.source_repository_digest),
            (
                "sourceRepositoryOwnerUri",
                &claims.source_repository_owner_uri,
            ),
            ("buildSignerUri", &claims.build_signer_uri),
            ("buildConfigUri", &claims.build_config_uri),
            ("buildTrigger", &claims.build_trigger),
            ("runInvocationUri", &claims.run_invocation_uri),
            ("runnerEnvironment", &claims.runner_environment),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.clone().map(|v| (k, v)))
        .collect();
        Some(SignerOutput {
            identity: c.info.identity.as_ref().map(|i| i.as_str().to_string()),
            issuer: c.info.issuer.clone(),
            certificate_not_before: provenance::rfc3339(c.info.not_before),
            certificate_not_after: provenance::rfc3339(c.info.not_after),
            extensions,
            transparency_log_verified: c.tlog_verified,
        })
    }
}

fn times(timestamps: &[jiff::Timestamp]) -> Vec<String> {
    timestamps.iter().map(|t| provenance::rfc3339(*t)).collect()
}

#[derive(Serialize)]
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
    verified: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    key_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signer: Option<SignerOutput>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    signed_timestamps: Vec<String>,
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

/// The keys, trusted root and identity policy the flags name.
fn trust(args: &VerifyArgs) -> Result<Trust> {
    let IdentityArgs {
        trusted_root,
        certificate_identity,
        certificate_identity_regexp,
        certificate_oidc_issuer,
        certificate_oidc_issuer_regexp,
        owner,
        repo,
        signer_workflow,
        deny_self_hosted_runners,
    } = &args.identity;
    let identity = IdentityPolicy::new(IdentityFlags {
        identity: certificate_identity.as_deref(),
        identity_regexp: certificate_identity_regexp.as_deref(),
        issuer: certificate_oidc_issuer.as_deref(),
        issuer_regexp: certificate_oidc_issuer_regexp.as_deref(),
        owner: owner.as_deref(),
        repo: repo.as_deref(),
        signer_workflow: signer_workflow.as_deref(),
        source_repo: args.policy.source_repo.as_deref(),
        // --source-ref / --source-digest (statement policy flags) are
        // checked against the certificate too once they exist.
        source_ref: None,
        source_digest: None,
        deny_self_hosted_runners: *deny_self_hosted_runners,
    })?;
    Ok(Trust {
        keys: Keys::new(args.key.as_deref())?,
        root: TrustRoot::new(trusted_root.as_deref()),
        identity,
        tlog: TlogPolicy {
            threshold: args.tlog.tlog_threshold,
            ignore: args.tlog.insecure_ignore_tlog,
        },
    })
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
    let text = fsutil::read_text(bundle_path)?;
    let shown = bundle_path.display().to_string();
    let bundle =
        DsseBundle::parse(&text).map_err(|e| Error::invalid_input(format!("{shown}: {e}")))?;
    let trust = trust(args)?;
    let verified = verify_files(&bundle, &shown, &trust, &args.files, &policy(&args.policy))?;
    let count = verified.files.len();
    let line = format!(
        "Verified {count} file{} against {shown} (signed by {}{}{})",
        if count == 1 { "" } else { "s" },
        verified.signed_by.label(),
        signed_at(&verified.timestamps),
        verified
            .builder_id
            .as_deref()
            .map(|b| format!(", built by {b}"))
            .unwrap_or_default()
    );
    let mut report = Report::new(&VerifyOutput {
        verified: true,
        bundle: shown,
        key_id: verified.signed_by.key_id().map(str::to_string),
        key: match &verified.signed_by {
            SignedBy::Key { label, .. } => Some(label.clone()),
            SignedBy::Certificate(_) => None,
        },
        signer: SignerOutput::of(&verified.signed_by),
        signed_timestamps: times(&verified.timestamps),
        transparency_log_verified: verified.signed_by.tlog_verified(),
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

/// `verify REF`: success needs at least one attached attestation that
/// passes everything.
fn run_ref(settings: &Settings, args: &VerifyArgs, reference: &str) -> Result<Report> {
    let located = settings.places().locate(reference, false)?;
    let subject = located.store.resolve(&located.target)?;
    let trust = trust(args)?;
    let checks = verify_attached(
        located.store.as_ref(),
        &subject,
        &trust,
        &policy(&args.policy),
    )?;
    let attestations: Vec<AttestationResult> = checks
        .into_iter()
        .map(|check| match check.outcome {
            Ok(passed) => AttestationResult {
                digest: check.digest,
                verified: true,
                error: None,
                key_id: passed.signed_by.key_id().map(str::to_string),
                signer: SignerOutput::of(&passed.signed_by),
                signed_timestamps: times(&passed.timestamps),
                predicate_type: Some(passed.statement.predicate_type),
                builder_id: passed.builder_id,
            },
            Err(e) => AttestationResult {
                digest: check.digest,
                verified: false,
                error: Some(e.report()),
                key_id: None,
                signer: None,
                signed_timestamps: Vec::new(),
                predicate_type: None,
                builder_id: None,
            },
        })
        .collect();
    let any = attestations.iter().any(|r| r.verified);
    let mut lines = Vec::new();
    for r in &attestations {
        lines.push(match &r.error {
            None => format!(
                "ok      {} ({}{})",
                r.digest,
                match (&r.key_id, &r.signer) {
                    (Some(key_id), _) => format!("key {key_id}"),
                    (None, Some(signer)) => format!(
                        "signed by {}",
                        signer.identity.as_deref().unwrap_or("a certificate")
                    ),
                    (None, None) => String::new(),
                },
                r.builder_id
                    .as_deref()
                    .map(|b| format!(", built by {b}"))
                    .unwrap_or_default()
            ),
            Some(e) => format!("FAILED  {}: {e}", r.digest),
        });
    }
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

/// ", signed at T" for the first verified timestamp, if any.
fn signed_at(timestamps: &[jiff::Timestamp]) -> String {
    timestamps
        .iter()
        .min()
        .map(|t| format!(", signed at {}", provenance::rfc3339(*t)))
        .unwrap_or_default()
}
