//! What `verify` reports: the JSON documents and the lines for people,
//! built from what the core established (a key or a keyless certificate,
//! signed times, cosign legacy envelopes).

use serde::Serialize;

use crate::provenance;
use crate::verify::{AttachedCheck, SignedBy};

/// `verify FILE... [--bundle B]`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct VerifyOutput {
    pub(super) verified: bool,
    pub(super) bundle: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) key_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) signer: Option<SignerOutput>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) signed_timestamps: Vec<String>,
    /// The bundle's transparency log entries were verified.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(super) transparency_log_verified: bool,
    pub(super) predicate_type: String,
    pub(super) builder_id: Option<String>,
    pub(super) files: Vec<VerifiedFile>,
}

/// `verify FILE... --bundle X` with many bundles (JSON lines, a directory).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ManyOutput<'a> {
    pub(super) verified: bool,
    pub(super) bundles: &'a [crate::verify::many::BundleResult],
    pub(super) files: &'a [crate::verify::many::FileResult],
}

/// A keyless signer, as its (verified) certificate names it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SignerOutput {
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
    pub(super) fn of(signed_by: &SignedBy) -> Option<Self> {
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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct VerifiedFile {
    pub(super) path: String,
    pub(super) sha256: String,
    pub(super) subject: String,
    /// With --from: the attestation manifest that names the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) attestation: Option<String>,
}

/// `verify REF`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RefOutput {
    pub(super) subject: String,
    pub(super) digest: String,
    pub(super) verified: bool,
    pub(super) attestations: Vec<AttestationResult>,
}

/// `verify FILE... --from REF`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct FromOutput {
    pub(super) verified: bool,
    pub(super) subject: String,
    pub(super) digest: String,
    pub(super) files: Vec<VerifiedFile>,
    pub(super) attestations: Vec<AttestationResult>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct AttestationResult {
    digest: String,
    /// `cosign-legacy` for a DSSE envelope of a cosign `.att` tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'static str>,
    /// For cosign legacy envelopes: the layer holding it.
    #[serde(skip_serializing_if = "Option::is_none")]
    layer: Option<String>,
    pub(super) verified: bool,
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

pub(super) fn attestation_results(checks: Vec<AttachedCheck>) -> Vec<AttestationResult> {
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
                    key_id: passed.signed_by.key_id().map(str::to_string),
                    signer: SignerOutput::of(&passed.signed_by),
                    signed_timestamps: times(&passed.timestamps),
                    predicate_type: Some(passed.statement.predicate_type),
                    builder_id: passed.builder_id,
                },
                Err(e) => AttestationResult {
                    digest: check.digest,
                    source,
                    layer: check.layer,
                    verified: false,
                    error: Some(e.error().report()),
                    key_id: None,
                    signer: None,
                    signed_timestamps: Vec::new(),
                    predicate_type: None,
                    builder_id: None,
                },
            }
        })
        .collect()
}

/// One line per attached attestation: `ok` with who signed it, or
/// `FAILED` with why.
pub(super) fn result_lines(attestations: &[AttestationResult]) -> Vec<String> {
    attestations
        .iter()
        .map(|r| {
            let what = match &r.layer {
                Some(layer) => format!("{layer} (cosign legacy, in {})", r.digest),
                None => r.digest.clone(),
            };
            match &r.error {
                None => format!(
                    "ok      {what} ({}{})",
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
                Some(e) => format!("FAILED  {what}: {e}"),
            }
        })
        .collect()
}

pub(super) fn times(timestamps: &[jiff::Timestamp]) -> Vec<String> {
    timestamps.iter().map(|t| provenance::rfc3339(*t)).collect()
}

/// ", signed at T" for the first verified timestamp, if any.
pub(super) fn signed_at(timestamps: &[jiff::Timestamp]) -> String {
    timestamps
        .iter()
        .min()
        .map(|t| format!(", signed at {}", provenance::rfc3339(*t)))
        .unwrap_or_default()
}
