//! Attestation manifests: a Sigstore bundle attached to its subject through
//! the manifest `subject` field, shaped like @sigstore/oci's and cosign's so
//! `gh attestation verify --bundle-from-oci` and cleanup tools know it.

use std::collections::BTreeMap;

use super::Target;
use super::manifest::{
    ANNOTATION_CREATED, ANNOTATION_TITLE, Descriptor, EMPTY_JSON, ImageManifest,
    MEDIA_TYPE_MANIFEST,
};
use crate::error::{Error, Result};

pub const BUNDLE_ARTIFACT_TYPE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
pub const ANNOTATION_BUNDLE_CONTENT: &str = "dev.sigstore.bundle.content";
pub const ANNOTATION_PREDICATE_TYPE: &str = "dev.sigstore.bundle.predicateType";

/// The attestation manifest for `bundle` about `subject`, and its bytes.
pub fn attestation_manifest(
    bundle: &[u8],
    predicate_type: &str,
    subject: &Descriptor,
    created: &str,
) -> Result<(Descriptor, Vec<u8>)> {
    let layer_digest = super::manifest::sha256_digest(bundle);
    let mut layer = Descriptor::new(
        BUNDLE_ARTIFACT_TYPE,
        layer_digest.clone(),
        bundle.len() as u64,
    );
    layer.annotations.insert(
        ANNOTATION_TITLE.into(),
        format!("{}.sigstore.json", layer_digest.replace(':', "-")),
    );
    let mut subject = Descriptor::new(&subject.media_type, subject.digest.clone(), subject.size);
    subject.annotations.clear();
    let manifest = ImageManifest {
        schema_version: 2,
        media_type: MEDIA_TYPE_MANIFEST.into(),
        artifact_type: Some(BUNDLE_ARTIFACT_TYPE.into()),
        config: Descriptor::empty_config(),
        layers: vec![layer],
        subject: Some(subject),
        annotations: BTreeMap::from([
            (
                ANNOTATION_BUNDLE_CONTENT.to_string(),
                "dsse-envelope".to_string(),
            ),
            (
                ANNOTATION_PREDICATE_TYPE.to_string(),
                predicate_type.to_string(),
            ),
            (ANNOTATION_CREATED.to_string(), created.to_string()),
        ]),
    };
    let bytes = serde_json::to_vec(&manifest).map_err(|e| Error::internal(e.to_string()))?;
    let mut descriptor = Descriptor::of_bytes(MEDIA_TYPE_MANIFEST, &bytes);
    descriptor.artifact_type = Some(BUNDLE_ARTIFACT_TYPE.into());
    descriptor.annotations = manifest.annotations.clone();
    Ok((descriptor, bytes))
}

/// Pushes the bundle blob and its attestation manifest, by digest.
pub fn push_attestation(target: &dyn Target, bundle: &[u8], manifest_bytes: &[u8]) -> Result<()> {
    let empty = Descriptor::empty_config();
    if !target.blob_exists(&empty.digest)? {
        target.put_blob_bytes(EMPTY_JSON, &empty)?;
    }
    let layer = Descriptor::of_bytes(BUNDLE_ARTIFACT_TYPE, bundle);
    if !target.blob_exists(&layer.digest)? {
        target.put_blob_bytes(bundle, &layer)?;
    }
    target.put_manifest(None, MEDIA_TYPE_MANIFEST, manifest_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_matches_the_design() {
        let subject = Descriptor::of_bytes(MEDIA_TYPE_MANIFEST, b"{}x");
        let (d, bytes) = attestation_manifest(
            b"{\"bundle\":1}",
            "https://slsa.dev/provenance/v1",
            &subject,
            "2023-11-14T22:13:20Z",
        )
        .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["artifactType"], BUNDLE_ARTIFACT_TYPE);
        assert_eq!(v["config"]["digest"], super::super::manifest::EMPTY_DIGEST);
        assert_eq!(v["layers"][0]["mediaType"], BUNDLE_ARTIFACT_TYPE);
        assert!(
            v["layers"][0]["annotations"][ANNOTATION_TITLE]
                .as_str()
                .unwrap()
                .starts_with("sha256-")
        );
        assert_eq!(v["annotations"][ANNOTATION_BUNDLE_CONTENT], "dsse-envelope");
        assert_eq!(v["subject"]["digest"], subject.digest);
        assert_eq!(d.artifact_type.as_deref(), Some(BUNDLE_ARTIFACT_TYPE));
    }
}
