//! Attaching a Sigstore bundle to its subject, written once over
//! [`Store`]: the attestation manifest (shaped like @sigstore/oci's and
//! cosign's, so `gh attestation verify --bundle-from-oci` and cleanup tools
//! know it), pushed by digest, then made findable the way the store really
//! supports: the referrers API where a read-back proves it works, else the
//! referrers tag fallback ([`fallback`]). Also here: what is built on the
//! same reads — [`discover`], [`prune`], [`migrate`] — and the
//! [`capabilities`] memory.
//! Map: docs/architecture.md#attach

pub(crate) mod capabilities;
pub(crate) mod content;
pub(crate) mod discover;
mod fallback;
pub(crate) mod migrate;
pub(crate) mod prune;
pub(crate) mod repair;
pub(crate) mod subjects;

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::oci::Store;
use crate::oci::manifest::{
    ANNOTATION_CREATED, ANNOTATION_TITLE, Descriptor, EMPTY_JSON, ImageManifest,
    MEDIA_TYPE_MANIFEST,
};
use crate::oci::store::{Location, Referrers};
use capabilities::{Memory, Verdict};
use discover::Source;

pub(crate) const BUNDLE_ARTIFACT_TYPE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
/// Artifact types of Sigstore bundles of any version.
pub(crate) const BUNDLE_ARTIFACT_TYPE_PREFIX: &str = "application/vnd.dev.sigstore.bundle";
pub(crate) const ANNOTATION_BUNDLE_CONTENT: &str = "dev.sigstore.bundle.content";
pub(crate) const ANNOTATION_PREDICATE_TYPE: &str = "dev.sigstore.bundle.predicateType";

/// How to attach, as the user asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strategy {
    /// Decide on evidence (read-back), remembered per repository.
    Auto,
    /// The referrers API only; fail where it does not work.
    Referrers,
    /// The referrers tag schema only.
    Tag,
}

/// The outcome of one attach.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AttachReport {
    pub(crate) subject: String,
    pub(crate) attestation: String,
    pub(crate) method: Source,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) tag: Option<String>,
    pub(crate) remembered: bool,
    pub(crate) evidence: String,
}

impl AttachReport {
    /// One line for people.
    pub(crate) fn describe(&self) -> String {
        let how = match (self.method, &self.tag) {
            (Source::TagFallback, Some(tag)) => format!("through the referrers tag {tag}"),
            (Source::ReferrersApi, _) => "through the referrers API (no tag)".to_string(),
            _ => "in the OCI layout index".to_string(),
        };
        format!(
            "Attached {} to {} {how}{}",
            self.attestation,
            self.subject,
            if self.remembered {
                " (remembered verdict)"
            } else {
                ""
            }
        )
    }
}

/// What an attach needs besides the bundle and its subject.
pub(crate) struct AttachOptions<'a> {
    pub(crate) strategy: Strategy,
    pub(crate) memory: &'a Memory,
    /// Forget the remembered verdict first.
    pub(crate) redetect: bool,
    /// `org.opencontainers.image.created` of the attestation manifest.
    pub(crate) created: Option<&'a str>,
}

/// The attestation manifest for `bundle` about `subject`, and its bytes.
pub(crate) fn attestation_manifest(
    bundle: &[u8],
    predicate_type: &str,
    subject: &Descriptor,
    created: Option<&str>,
) -> Result<(Descriptor, Vec<u8>)> {
    let mut layer = Descriptor::of_bytes(BUNDLE_ARTIFACT_TYPE, bundle);
    layer.annotations.insert(
        ANNOTATION_TITLE.into(),
        format!("{}.sigstore.json", layer.digest.replace(':', "-")),
    );
    let subject = Descriptor::new(&subject.media_type, subject.digest.clone(), subject.size);
    let mut annotations = BTreeMap::from([
        (
            ANNOTATION_BUNDLE_CONTENT.to_string(),
            "dsse-envelope".to_string(),
        ),
        (
            ANNOTATION_PREDICATE_TYPE.to_string(),
            predicate_type.to_string(),
        ),
    ]);
    if let Some(created) = created {
        annotations.insert(ANNOTATION_CREATED.to_string(), created.to_string());
    }
    let manifest = ImageManifest {
        schema_version: 2,
        media_type: MEDIA_TYPE_MANIFEST.into(),
        artifact_type: Some(BUNDLE_ARTIFACT_TYPE.into()),
        config: Descriptor::empty_config(),
        layers: vec![layer],
        subject: Some(subject),
        annotations,
    };
    let bytes = serde_json::to_vec(&manifest).map_err(|e| Error::internal(e.to_string()))?;
    let mut descriptor = Descriptor::of_bytes(MEDIA_TYPE_MANIFEST, &bytes);
    descriptor.artifact_type = Some(BUNDLE_ARTIFACT_TYPE.into());
    descriptor.annotations = manifest.annotations.clone();
    Ok((descriptor, bytes))
}

/// Attaches `bundle` to `subject` in `store`: pushes the bundle blob and the
/// attestation manifest by digest, then makes sure it is findable, through
/// the referrers API where it demonstrably works, else through the tag
/// fallback. Layouts index every manifest, so there nothing more is needed.
pub(crate) fn attach_bundle(
    store: &dyn Store,
    subject: &Descriptor,
    bundle: &[u8],
    predicate_type: &str,
    options: &AttachOptions<'_>,
) -> Result<AttachReport> {
    let (descriptor, manifest) =
        attestation_manifest(bundle, predicate_type, subject, options.created)?;
    let empty = Descriptor::empty_config();
    if !store.blob_exists(&empty.digest)? {
        store.put_blob_bytes(EMPTY_JSON, &empty)?;
    }
    let layer = Descriptor::of_bytes(BUNDLE_ARTIFACT_TYPE, bundle);
    if !store.blob_exists(&layer.digest)? {
        store.put_blob_bytes(bundle, &layer)?;
    }
    let header = store.put_manifest_by_digest(MEDIA_TYPE_MANIFEST, &manifest)?;
    let report = |method, tag, remembered, evidence: String| AttachReport {
        subject: subject.digest.clone(),
        attestation: descriptor.digest.clone(),
        method,
        tag,
        remembered,
        evidence,
    };
    let (host, repository) = match store.location() {
        Location::Layout => {
            return Ok(report(
                Source::OciLayout,
                None,
                false,
                "OCI layouts index every manifest in index.json".into(),
            ));
        }
        Location::Registry { host, repository } => (host, repository),
    };
    tracing::debug!(
        "PUT {} by digest: OCI-Subject {}",
        descriptor.digest,
        header.as_deref().unwrap_or("absent")
    );
    if options.redetect
        && let Err(e) = options.memory.forget(&host, Some(&repository))
    {
        tracing::warn!("cannot update the capability memory: {e}");
    }
    match options.strategy {
        Strategy::Tag => {
            let tag = fallback::attach(store, subject, &descriptor)?;
            Ok(report(
                Source::TagFallback,
                Some(tag),
                false,
                "--attach tag".into(),
            ))
        }
        Strategy::Referrers => match read_back(store, subject, &descriptor)? {
            ReadBack::Listed(evidence) => Ok(report(Source::ReferrersApi, None, false, evidence)),
            ReadBack::NotListed(evidence) => Err(Error::registry(
                &host,
                format!(
                    "--attach referrers: the referrers API of {host}/{repository} does not list the attestation ({evidence}). \
                     The manifest {} was pushed with its subject, but nothing will find it; use --attach auto or tag",
                    descriptor.digest
                ),
            )),
        },
        Strategy::Auto => {
            if let Some(verdict) = options.memory.get(&host, &repository) {
                tracing::debug!("remembered verdict for {host}/{repository}: {verdict:?}");
                return match verdict {
                    Verdict::ReferrersApi => Ok(report(
                        Source::ReferrersApi,
                        None,
                        true,
                        "remembered".into(),
                    )),
                    Verdict::TagFallback => {
                        let tag = fallback::attach(store, subject, &descriptor)?;
                        Ok(report(
                            Source::TagFallback,
                            Some(tag),
                            true,
                            "remembered".into(),
                        ))
                    }
                };
            }
            let (verdict, evidence) = match read_back(store, subject, &descriptor)? {
                ReadBack::Listed(evidence) => (Verdict::ReferrersApi, evidence),
                ReadBack::NotListed(evidence) => (Verdict::TagFallback, evidence),
            };
            let evidence = format!(
                "{evidence}; OCI-Subject {}",
                match header.as_deref() {
                    Some(h) if h == subject.digest => "matched",
                    Some(_) => "wrong",
                    None => "absent",
                }
            );
            if let Err(e) = options.memory.set(&host, &repository, verdict, &evidence) {
                tracing::debug!("capability memory not written: {e}");
            }
            match verdict {
                Verdict::TagFallback => {
                    let tag = fallback::attach(store, subject, &descriptor)?;
                    Ok(report(Source::TagFallback, Some(tag), false, evidence))
                }
                Verdict::ReferrersApi => Ok(report(Source::ReferrersApi, None, false, evidence)),
            }
        }
    }
}

/// What reading the referrers API back showed.
enum ReadBack {
    /// A 200 OCI index that lists our manifest.
    Listed(String),
    /// No API, or an index without our manifest: what was seen.
    NotListed(String),
}

/// Reads the referrers endpoint back. An index without our manifest is
/// asked again briefly, since some registries index asynchronously.
fn read_back(store: &dyn Store, subject: &Descriptor, ours: &Descriptor) -> Result<ReadBack> {
    let waits = [0u64, 250, 1000];
    let mut last = String::new();
    for wait in waits {
        std::thread::sleep(Duration::from_millis(wait));
        match store.referrers(&subject.digest, None)? {
            Referrers::Index { manifests, .. }
                if manifests.iter().any(|d| d.digest == ours.digest) =>
            {
                tracing::debug!("referrers API lists the attestation");
                return Ok(ReadBack::Listed(
                    "referrers API lists the attestation".into(),
                ));
            }
            Referrers::Index { manifests, .. } => {
                last = format!(
                    "referrers API answered an index of {} without the attestation",
                    manifests.len()
                );
                tracing::debug!("{last}");
            }
            Referrers::NoApi(reason) => {
                tracing::debug!("referrers API: {reason}");
                return Ok(ReadBack::NotListed(format!("referrers endpoint: {reason}")));
            }
        }
    }
    Ok(ReadBack::NotListed(last))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oci::manifest::EMPTY_DIGEST;
    use crate::output::label;

    /// The labels are JSON output (`docs/json-output.md`) and human text:
    /// each is pinned here, spaces included.
    #[test]
    fn labels_are_the_json_contract() {
        use discover::LegacyKind;
        use migrate::Action as Migrate;
        use prune::{Action as Prune, Kind};
        fn pin(value: impl Serialize, expected: &str) {
            assert_eq!(label(&value), expected);
            assert_eq!(
                serde_json::to_string(&value).unwrap(),
                format!("\"{expected}\"")
            );
        }
        pin(Source::ReferrersApi, "referrers-api");
        pin(Source::TagFallback, "tag-fallback");
        pin(Source::OciLayout, "oci-layout");
        pin(Source::CosignLegacy, "cosign-legacy");
        pin(LegacyKind::Attestation, "attestation");
        pin(LegacyKind::Signature, "signature");
        pin(LegacyKind::Sbom, "sbom");
        pin(Kind::OrphanedTag, "orphaned-tag");
        pin(Kind::Attestation, "attestation");
        pin(Kind::SupersededIndex, "superseded-index");
        pin(Prune::WouldRemove, "would remove");
        pin(Prune::Removed, "removed");
        pin(Prune::Refused, "refused");
        pin(Prune::Failed, "failed");
        pin(Migrate::WouldRemoveTag, "would remove tag");
        pin(Migrate::RemovedTag, "removed tag");
        pin(Migrate::Kept, "kept");
        pin(Migrate::Refused, "refused");
        pin(Migrate::Failed, "failed");
    }

    #[test]
    fn shape_matches_the_design() {
        let subject = Descriptor::of_bytes(MEDIA_TYPE_MANIFEST, b"{}x");
        let (d, bytes) = attestation_manifest(
            b"{\"bundle\":1}",
            "https://slsa.dev/provenance/v1",
            &subject,
            Some("2023-11-14T22:13:20Z"),
        )
        .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["artifactType"], BUNDLE_ARTIFACT_TYPE);
        assert_eq!(v["config"]["digest"], EMPTY_DIGEST);
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
