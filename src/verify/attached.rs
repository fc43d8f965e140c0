//! `verify REF` and `verify FILE... --from REF`: every attestation attached
//! to an image (Sigstore bundles, and the DSSE envelopes of cosign's legacy
//! `.att` tags) is checked; success needs at least one that passes
//! everything.

use std::path::PathBuf;

use super::files::{HashedFile, MatchedFile, hash_files, subject_for};
use super::policy::{Policy, check_policy};
use super::signature::{SignedBy, Trust, authenticate};
use crate::attach::content::{Attached, Format, Unreadable, read_attestations};
use crate::attach::discover::discover;
use crate::error::{Error, Result};
use crate::oci::Store;
use crate::oci::manifest::Descriptor;
use crate::provenance::Statement;
use crate::signing::DsseBundle;

/// The check of one attached attestation.
pub(crate) struct AttachedCheck {
    /// The attestation manifest.
    pub(crate) digest: String,
    /// For cosign legacy envelopes: the layer (one per attestation).
    pub(crate) layer: Option<String>,
    pub(crate) legacy: bool,
    pub(crate) outcome: Result<Passed, Failure>,
}

/// Why an attached attestation did not pass.
#[derive(Debug)]
pub(crate) enum Failure {
    /// It could not be checked: no key for it could be found or read. A
    /// set-up problem (exit 6), not a bad artifact: CI must be able to
    /// tell them apart.
    NoKey(Error),
    /// It was checked and did not pass, or could not be read.
    Rejected(Error),
}

impl Failure {
    fn of(e: Error) -> Self {
        match e {
            Error::Key { .. } | Error::KeyringUnavailable { .. } => Failure::NoKey(e),
            _ => Failure::Rejected(e),
        }
    }

    pub(crate) fn error(&self) -> &Error {
        match self {
            Failure::NoKey(e) | Failure::Rejected(e) => e,
        }
    }
}

/// What a passing attestation established.
pub(crate) struct Passed {
    pub(crate) signed_by: SignedBy,
    /// Verified signed times (RFC 3161 timestamps).
    pub(crate) timestamps: Vec<jiff::Timestamp>,
    pub(crate) statement: Statement,
    pub(crate) builder_id: Option<String>,
}

/// Checks every attestation attached to `subject` in `store`, each of
/// which must name the image itself as a subject.
pub(crate) fn verify_attached(
    store: &dyn Store,
    subject: &Descriptor,
    trust: &Trust,
    policy: &Policy,
) -> Result<Vec<AttachedCheck>> {
    let hex = crate::oci::digest::hex_part(&subject.digest).to_string();
    check_all(store, subject, trust, policy, &|statement| {
        if statement
            .subject
            .iter()
            .any(|s| s.sha256().is_some_and(|d| d.eq_ignore_ascii_case(&hex)))
        {
            Ok(())
        } else {
            Err(Error::verification(format!(
                "the statement does not name {} as a subject",
                subject.digest
            )))
        }
    })
}

/// What `verify FILE... --from REF` established.
pub(crate) struct FromVerified {
    pub(crate) checks: Vec<AttachedCheck>,
    /// Each file and the attestation that names it (by manifest digest).
    pub(crate) files: Vec<(MatchedFile, String)>,
    /// Files that are not a subject of any attestation that passed: name
    /// and sha256.
    pub(crate) unmatched: Vec<(String, String)>,
}

/// Checks `files` against the attestations attached to `subject`: each
/// file must be a subject of one that passes signature, types and policy.
/// The image itself need not be a subject: the attestations are about the
/// files, and found through the image.
pub(crate) fn verify_files_from(
    store: &dyn Store,
    subject: &Descriptor,
    trust: &Trust,
    files: &[PathBuf],
    policy: &Policy,
) -> Result<FromVerified> {
    let hashed = hash_files(files)?;
    let checks = check_all(store, subject, trust, policy, &|_| Ok(()))?;
    let mut matched = Vec::new();
    let mut unmatched = Vec::new();
    for file in hashed {
        match first_naming(&checks, &file)? {
            Some((name, digest)) => matched.push((
                MatchedFile {
                    path: file.name,
                    sha256: file.sha256,
                    subject: name,
                },
                digest,
            )),
            None => unmatched.push((file.name, file.sha256)),
        }
    }
    Ok(FromVerified {
        checks,
        files: matched,
        unmatched,
    })
}

fn first_naming(checks: &[AttachedCheck], file: &HashedFile) -> Result<Option<(String, String)>> {
    for check in checks {
        if let Ok(passed) = &check.outcome
            && let Some(name) = subject_for(&passed.statement, file)?
        {
            return Ok(Some((name, check.digest.clone())));
        }
    }
    Ok(None)
}

fn check_all(
    store: &dyn Store,
    subject: &Descriptor,
    trust: &Trust,
    policy: &Policy,
    names_subject: &dyn Fn(&Statement) -> Result<()>,
) -> Result<Vec<AttachedCheck>> {
    let found = discover(store, &subject.digest, None)?;
    Ok(read_attestations(store, subject, &found.referrers)
        .into_iter()
        .map(|attached| {
            let legacy = attached.format == Format::DsseEnvelope;
            let layer = attached
                .layer
                .as_ref()
                .filter(|_| legacy)
                .map(|l| l.digest.clone());
            let digest = attached.manifest.clone();
            AttachedCheck {
                outcome: check_one(attached, trust, policy, names_subject).map_err(Failure::of),
                digest,
                layer,
                legacy,
            }
        })
        .collect())
}

fn check_one(
    attached: Attached,
    trust: &Trust,
    policy: &Policy,
    names_subject: &dyn Fn(&Statement) -> Result<()>,
) -> Result<Passed> {
    // Whatever kept the attestation from being read fails this one only.
    let bytes = attached.content.map_err(|e| match e {
        Unreadable::NotAnAttestation(e) => e,
        Unreadable::Store(e) => Error::verification(e.report()),
    })?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::verification("the attestation is not UTF-8"))?;
    let (bundle, label) = match attached.format {
        Format::SigstoreBundle => (DsseBundle::parse(&text), attached.manifest.as_str()),
        Format::DsseEnvelope => (
            DsseBundle::parse_envelope(&text),
            attached
                .layer
                .as_ref()
                .map_or(attached.manifest.as_str(), |l| l.digest.as_str()),
        ),
    };
    let bundle = bundle.map_err(|e| Error::verification(e.to_string()))?;
    let authenticated = authenticate(&bundle, trust, policy, label)?;
    let statement = authenticated.statement;
    names_subject(&statement)?;
    let builder_id = check_policy(&statement, policy)?;
    Ok(Passed {
        signed_by: authenticated.signed_by,
        timestamps: authenticated.timestamps,
        statement,
        builder_id,
    })
}
