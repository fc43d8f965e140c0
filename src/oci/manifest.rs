//! OCI image-spec types we write and read: descriptors, image manifests and
//! indexes. Unknown fields of documents read from a registry are kept, so a
//! read-modify-write never drops what another producer wrote.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::digest::sha256_of;

pub(crate) const MEDIA_TYPE_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub(crate) const MEDIA_TYPE_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub(crate) const MEDIA_TYPE_EMPTY: &str = "application/vnd.oci.empty.v1+json";
pub(crate) const ANNOTATION_TITLE: &str = "org.opencontainers.image.title";
pub(crate) const ANNOTATION_CREATED: &str = "org.opencontainers.image.created";
pub(crate) const ANNOTATION_REF_NAME: &str = "org.opencontainers.image.ref.name";

/// The empty JSON object `{}` used as config of artifacts.
pub(crate) const EMPTY_JSON: &[u8] = b"{}";
pub(crate) const EMPTY_DIGEST: &str =
    "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

/// Every manifest type a registry may answer with, for Accept headers.
pub(crate) const ACCEPT_MANIFESTS: &str = "application/vnd.oci.image.manifest.v1+json, \
application/vnd.oci.image.index.v1+json, \
application/vnd.docker.distribution.manifest.v2+json, \
application/vnd.docker.distribution.manifest.list.v2+json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Descriptor {
    pub(crate) media_type: String,
    pub(crate) digest: String,
    pub(crate) size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) artifact_type: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) annotations: BTreeMap<String, String>,
    #[serde(flatten)]
    pub(crate) extra: BTreeMap<String, Value>,
}

impl Descriptor {
    pub(crate) fn new(media_type: &str, digest: String, size: u64) -> Self {
        Descriptor {
            media_type: media_type.to_string(),
            digest,
            size,
            artifact_type: None,
            annotations: BTreeMap::new(),
            extra: BTreeMap::new(),
        }
    }

    /// The empty `{}` config descriptor.
    pub(crate) fn empty_config() -> Self {
        Descriptor::new(
            MEDIA_TYPE_EMPTY,
            EMPTY_DIGEST.to_string(),
            EMPTY_JSON.len() as u64,
        )
    }

    pub(crate) fn of_bytes(media_type: &str, bytes: &[u8]) -> Self {
        Descriptor::new(media_type, sha256_of(bytes), bytes.len() as u64)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ImageManifest {
    pub(crate) schema_version: u32,
    pub(crate) media_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) artifact_type: Option<String>,
    pub(crate) config: Descriptor,
    pub(crate) layers: Vec<Descriptor>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) subject: Option<Descriptor>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) annotations: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ImageIndex {
    pub(crate) schema_version: u32,
    #[serde(default)]
    pub(crate) media_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) artifact_type: Option<String>,
    pub(crate) manifests: Vec<Descriptor>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) subject: Option<Descriptor>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) annotations: BTreeMap<String, String>,
    #[serde(flatten)]
    pub(crate) extra: BTreeMap<String, Value>,
}

impl ImageIndex {
    pub(crate) fn empty() -> Self {
        ImageIndex {
            schema_version: 2,
            media_type: Some(MEDIA_TYPE_INDEX.to_string()),
            artifact_type: None,
            manifests: Vec::new(),
            subject: None,
            annotations: BTreeMap::new(),
            extra: BTreeMap::new(),
        }
    }
}

/// The largest manifest or index we read (the distribution spec's
/// recommended limit): registry and layout input is untrusted.
pub(crate) const MAX_MANIFEST_BYTES: u64 = 4 * 1024 * 1024;

/// A manifest's media type: its own `mediaType` field, else the
/// Content-Type it was served with, else an OCI image manifest.
pub(crate) fn media_type_of(bytes: &[u8], served_as: Option<&str>) -> String {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct MediaTypeOnly {
        media_type: Option<String>,
    }
    serde_json::from_slice::<MediaTypeOnly>(bytes)
        .ok()
        .and_then(|m| m.media_type)
        .or_else(|| served_as.map(|h| h.split(';').next().unwrap_or(h).trim().to_string()))
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| MEDIA_TYPE_MANIFEST.to_string())
}

/// A manifest's `artifactType`, else its config media type (the
/// referrers spec's rule).
pub(crate) fn artifact_type_of(bytes: &[u8]) -> Option<String> {
    let m: ImageManifest = serde_json::from_slice(bytes).ok()?;
    m.artifact_type.or(Some(m.config.media_type))
}

/// The `subject` digest a manifest or index names, if any.
pub(crate) fn subject_of(bytes: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct SubjectOnly {
        subject: Option<DigestOnly>,
    }
    #[derive(Deserialize)]
    struct DigestOnly {
        digest: String,
    }
    serde_json::from_slice::<SubjectOnly>(bytes)
        .ok()?
        .subject
        .map(|s| s.digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_descriptor_is_the_spec_one() {
        assert_eq!(sha256_of(EMPTY_JSON), EMPTY_DIGEST);
    }

    #[test]
    fn index_keeps_unknown_fields() {
        let text = r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"m","digest":"sha256:00","size":1,"platform":{"os":"linux"}}],"x-extra":1}"#;
        let index: ImageIndex = serde_json::from_str(text).unwrap();
        let back = serde_json::to_value(&index).unwrap();
        assert_eq!(back["x-extra"], 1);
        assert_eq!(back["manifests"][0]["platform"]["os"], "linux");
    }
}
