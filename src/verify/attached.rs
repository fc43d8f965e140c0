//! `verify REF`: every Sigstore bundle attached to an image is checked;
//! success needs at least one that passes everything.

use super::keys::Keys;
use super::policy::{Policy, check_policy};
use super::statement::check_signed_statement;
use crate::error::{Error, Result};
use crate::oci::Store;
use crate::oci::manifest::{Descriptor, ImageManifest};
use crate::provenance::Statement;
use crate::registry::attach::BUNDLE_ARTIFACT_TYPE_PREFIX;
use crate::registry::attach::discover::discover;
use crate::signing::DsseBundle;

/// The largest bundle we read from a store.
const MAX_BUNDLE_BYTES: u64 = 16 * 1024 * 1024;

/// The check of one attached attestation.
pub(crate) struct AttachedCheck {
    pub(crate) digest: String,
    pub(crate) outcome: Result<Passed>,
}

/// What a passing attestation established.
pub(crate) struct Passed {
    pub(crate) key_id: String,
    pub(crate) statement: Statement,
    pub(crate) builder_id: Option<String>,
}

/// Checks every Sigstore bundle attached to `subject` in `store`.
pub(crate) fn verify_attached(
    store: &dyn Store,
    subject: &Descriptor,
    keys: &Keys,
    policy: &Policy,
) -> Result<Vec<AttachedCheck>> {
    let found = discover(store, &subject.digest, None)?;
    Ok(found
        .referrers
        .iter()
        .filter(|r| {
            r.descriptor
                .artifact_type
                .as_deref()
                .is_some_and(|t| t.starts_with(BUNDLE_ARTIFACT_TYPE_PREFIX))
        })
        .map(|r| {
            let digest = r.descriptor.digest.clone();
            let outcome = check_one(store, subject, &digest, keys, policy);
            AttachedCheck { digest, outcome }
        })
        .collect())
}

fn check_one(
    store: &dyn Store,
    subject: &Descriptor,
    digest: &str,
    keys: &Keys,
    policy: &Policy,
) -> Result<Passed> {
    // Fetched by digest: the store checks the content against it.
    let manifest_bytes = store
        .fetch_manifest_bytes(digest)
        .map_err(|e| Error::verification(e.report()))?;
    let manifest: ImageManifest = serde_json::from_slice(&manifest_bytes)
        .map_err(|e| Error::verification(format!("not an image manifest: {e}")))?;
    // Listed under this image is not enough: the manifest itself must name
    // it as its subject.
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
        .find(|l| l.media_type.starts_with(BUNDLE_ARTIFACT_TYPE_PREFIX))
        .ok_or_else(|| Error::verification("no Sigstore bundle layer"))?;
    let bundle_bytes = store
        .get_blob(&layer.digest, MAX_BUNDLE_BYTES)
        .map_err(|e| Error::verification(e.report()))?
        .ok_or_else(|| Error::verification(format!("{} is listed but missing", layer.digest)))?;
    let text = String::from_utf8(bundle_bytes)
        .map_err(|_| Error::verification("the bundle is not UTF-8"))?;
    let bundle = DsseBundle::parse(&text).map_err(|e| Error::verification(e.to_string()))?;
    let candidates = keys.for_bundle(&bundle)?;
    let (statement, key) = check_signed_statement(&bundle, &candidates, policy, digest)?;
    let hex = crate::oci::digest::hex_part(&subject.digest);
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
    let builder_id = check_policy(&statement, policy)?;
    Ok(Passed {
        key_id: key.key.key_id(),
        statement,
        builder_id,
    })
}
