//! Attestation manifests: a Sigstore bundle attached to its subject through
//! the manifest `subject` field, shaped like @sigstore/oci's and cosign's so
//! `gh attestation verify --bundle-from-oci` and cleanup tools know it.

use std::collections::BTreeMap;
use std::time::Duration;

use super::capabilities::{Memory, Verdict};
use super::client::{Condition, PutManifest, Referrers, header_string, read_limited};
use super::manifest::{
    ANNOTATION_CREATED, ANNOTATION_TITLE, Descriptor, EMPTY_JSON, ImageIndex, ImageManifest,
    MEDIA_TYPE_INDEX, MEDIA_TYPE_MANIFEST,
};
use super::{Repository, Target};
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
    fn immutable_tag_refusals_are_recognised() {
        // Google Artifact Registry and ECR wordings, and distribution's code.
        assert!(looks_immutable(
            400,
            "tag sha256-abc is immutable and cannot be overwritten"
        ));
        assert!(looks_immutable(
            400,
            r#"{"errors":[{"code":"TAG_INVALID","message":"The image tag 'sha256-abc' already exists in the 'r' repository and cannot be overwritten because the repository is immutable."}]}"#
        ));
        assert!(!looks_immutable(400, "manifest invalid: unknown blob"));
        assert!(!looks_immutable(500, "immutable"));
    }

    #[test]
    fn fallback_tags_follow_the_spec() {
        let hex = "a".repeat(64);
        assert_eq!(
            fallback_tag(&format!("sha256:{hex}")),
            format!("sha256-{hex}")
        );
        let long = format!("{}:{}", "x".repeat(40), "b".repeat(128));
        assert_eq!(
            fallback_tag(&long),
            format!("{}-{}", "x".repeat(32), "b".repeat(64))
        );
        assert_eq!(fallback_tag("sha+256:a/b"), "sha-256-a-b");
    }

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

/// The referrers tag schema's tag for `digest`: `<alg>-<hex>`, the
/// algorithm cut to 32 characters and the hex to 64, anything outside
/// `[a-zA-Z0-9._-]` replaced by `-`.
pub fn fallback_tag(digest: &str) -> String {
    let (alg, hex) = digest.split_once(':').unwrap_or((digest, ""));
    let clean = |s: &str, max: usize| -> String {
        s.chars()
            .take(max)
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    };
    format!("{}-{}", clean(alg, 32), clean(hex, 64))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// Decide on evidence (read-back), remembered per repository.
    Auto,
    /// The referrers API only; fail where it does not work.
    Referrers,
    /// The referrers tag schema only.
    Tag,
}

/// How an attestation ended up attached.
#[derive(Debug, Clone)]
pub struct Attached {
    pub manifest: Descriptor,
    pub verdict: Verdict,
    /// The fallback tag, when the tag schema was used.
    pub tag: Option<String>,
    /// The verdict came from the capability memory, not a probe.
    pub remembered: bool,
    /// What the decision rested on.
    pub evidence: String,
}

/// Attaches `bundle` to `subject` in a registry repository: pushes the
/// attestation manifest by digest, then makes sure it is reachable, through
/// the referrers API where it demonstrably works, else through the tag
/// fallback.
#[allow(clippy::too_many_arguments)]
pub fn attach_in_registry(
    repo: &Repository,
    subject: &Descriptor,
    bundle: &[u8],
    manifest_bytes: &[u8],
    descriptor: &Descriptor,
    strategy: Strategy,
    memory: &Memory,
    log: &dyn Fn(String),
) -> Result<Attached> {
    let client = &repo.client;
    let empty = Descriptor::empty_config();
    if !repo.blob_exists(&empty.digest)? {
        repo.put_blob_bytes(EMPTY_JSON, &empty)?;
    }
    let layer = Descriptor::of_bytes(BUNDLE_ARTIFACT_TYPE, bundle);
    if !repo.blob_exists(&layer.digest)? {
        repo.put_blob_bytes(bundle, &layer)?;
    }
    let response = client.put_manifest(
        &repo.name,
        &descriptor.digest,
        MEDIA_TYPE_MANIFEST,
        manifest_bytes,
    )?;
    let header = header_string(&response, "oci-subject");
    let claims = header.as_deref() == Some(subject.digest.as_str());
    log(format!(
        "PUT {} by digest: OCI-Subject {}",
        descriptor.digest,
        header.as_deref().unwrap_or("absent")
    ));

    let done = |verdict, tag, remembered, evidence: String| Attached {
        manifest: descriptor.clone(),
        verdict,
        tag,
        remembered,
        evidence,
    };
    let host = client.host().to_string();
    match strategy {
        Strategy::Tag => {
            let tag = fallback(repo, subject, descriptor, log)?;
            Ok(done(
                Verdict::TagFallback,
                Some(tag),
                false,
                "--attach tag".into(),
            ))
        }
        Strategy::Referrers => match read_back(repo, subject, descriptor, log)? {
            Ok(evidence) => Ok(done(Verdict::ReferrersApi, None, false, evidence)),
            Err(evidence) => Err(Error::registry(
                &host,
                format!(
                    "--attach referrers: the referrers API of {}/{} does not list the attestation ({evidence}). \
                     The manifest {} was pushed with its subject, but nothing will find it; use --attach auto or tag",
                    host, repo.name, descriptor.digest
                ),
            )),
        },
        Strategy::Auto => {
            if let Some(verdict) = memory.get(&host, &repo.name) {
                log(format!(
                    "remembered verdict for {host}/{}: {verdict:?}",
                    repo.name
                ));
                return match verdict {
                    Verdict::ReferrersApi => Ok(done(verdict, None, true, "remembered".into())),
                    Verdict::TagFallback => {
                        let tag = fallback(repo, subject, descriptor, log)?;
                        Ok(done(verdict, Some(tag), true, "remembered".into()))
                    }
                };
            }
            let (verdict, evidence) = match read_back(repo, subject, descriptor, log)? {
                Ok(evidence) => (Verdict::ReferrersApi, evidence),
                Err(evidence) => (Verdict::TagFallback, evidence),
            };
            let evidence = format!(
                "{evidence}; OCI-Subject {}",
                if claims {
                    "matched"
                } else if header.is_some() {
                    "wrong"
                } else {
                    "absent"
                }
            );
            if let Err(e) = memory.set(&host, &repo.name, verdict, &evidence) {
                log(format!("capability memory not written: {e}"));
            }
            let tag = match verdict {
                Verdict::TagFallback => Some(fallback(repo, subject, descriptor, log)?),
                Verdict::ReferrersApi => None,
            };
            Ok(done(verdict, tag, false, evidence))
        }
    }
}

/// Reads the referrers endpoint back. `Ok` only for a 200 OCI index that
/// lists our manifest; an index without it is asked again briefly, since
/// some registries index asynchronously.
fn read_back(
    repo: &Repository,
    subject: &Descriptor,
    ours: &Descriptor,
    log: &dyn Fn(String),
) -> Result<std::result::Result<String, String>> {
    let waits = [0u64, 250, 1000];
    let mut last = String::new();
    for wait in waits {
        std::thread::sleep(Duration::from_millis(wait));
        match repo.client.referrers(&repo.name, &subject.digest, None)? {
            Referrers::Index { manifests, .. }
                if manifests.iter().any(|d| d.digest == ours.digest) =>
            {
                log("referrers API lists the attestation".into());
                return Ok(Ok("referrers API lists the attestation".into()));
            }
            Referrers::Index { manifests, .. } => {
                last = format!(
                    "referrers API answered an index of {} without the attestation",
                    manifests.len()
                );
                log(last.clone());
            }
            Referrers::NoApi(reason) => {
                log(format!("referrers API: {reason}"));
                return Ok(Err(format!("referrers endpoint: {reason}")));
            }
        }
    }
    Ok(Err(last))
}

/// Bounds of the fallback protocol.
const FALLBACK_ATTEMPTS: u32 = 16;
/// Longer than any writer's read-to-write time, so a writer that read the
/// index before our PUT has landed its PUT before we look again.
const SETTLE: Duration = Duration::from_millis(2000);

/// The referrers tag schema, safe against concurrent writers: merge, PUT
/// (conditional where the registry honours ETags), read back, wait for the
/// settle time, read again; any entry seen during this attach that went
/// missing, ours or anyone's, is merged back and written again.
fn fallback(
    repo: &Repository,
    subject: &Descriptor,
    ours: &Descriptor,
    log: &dyn Fn(String),
) -> Result<String> {
    let client = &repo.client;
    let host = client.host().to_string();
    let tag = fallback_tag(&subject.digest);
    let mut known: Vec<Descriptor> = Vec::new();
    let mut entry = ours.clone();
    entry.extra.clear();
    for attempt in 0..FALLBACK_ATTEMPTS {
        if attempt > 0 {
            std::thread::sleep(jitter(attempt));
        }
        let FallbackIndex {
            index,
            etag,
            digest,
        } = read_fallback_index(repo, &tag, subject)?;
        let existed = digest.is_some();
        remember(&mut known, &index.manifests);
        remember(&mut known, std::slice::from_ref(&entry));
        let next = successor(&index, digest.as_deref(), &known);
        if next.manifests.len() != index.manifests.len() {
            let bytes = serde_json::to_vec(&next).map_err(|e| Error::internal(e.to_string()))?;
            let condition = match (&etag, existed) {
                (Some(e), _) => Condition::IfMatch(e),
                (None, false) => Condition::IfNoneMatch,
                (None, true) => Condition::None,
            };
            match client.put_manifest_if(&repo.name, &tag, MEDIA_TYPE_INDEX, &bytes, condition)? {
                PutManifest::Stored(_) => {
                    log(format!("PUT {tag}: {} entries", next.manifests.len()))
                }
                PutManifest::Refused(response) if response.status().as_u16() == 412 => {
                    log(format!(
                        "PUT {tag}: precondition failed, another writer was first; retrying"
                    ));
                    continue;
                }
                PutManifest::Refused(response) => {
                    let status = response.status().as_u16();
                    let body = String::from_utf8_lossy(
                        &read_limited(response, 64 * 1024).unwrap_or_default(),
                    )
                    .into_owned();
                    if existed && looks_immutable(status, &body) {
                        return Err(Error::registry(
                            &host,
                            format!(
                                "the registry refused to move the tag {tag} (HTTP {status}): tags in {}/{} look immutable \
                                 (as with GAR or ECR tag immutability). The referrers tag fallback needs a mutable tag: \
                                 use --attach referrers where the registry supports the referrers API, or a repository \
                                 with mutable tags",
                                host, repo.name
                            ),
                        ));
                    }
                    return Err(Error::registry(
                        &host,
                        format!("PUT {tag}: HTTP {status}: {}", body.trim()),
                    ));
                }
            }
        }
        // Read back now, then once more after the settle time.
        let now = read_fallback_index(repo, &tag, subject)?.index;
        if !holds_all(&now, &known) {
            log(format!(
                "{tag} lost entries right after the write; merging again"
            ));
            continue;
        }
        std::thread::sleep(SETTLE);
        let settled = read_fallback_index(repo, &tag, subject)?.index;
        if holds_all(&settled, &known) {
            log(format!(
                "{tag} holds all {} known entries after settling",
                known.len()
            ));
            return Ok(tag);
        }
        log(format!(
            "{tag} lost entries to a concurrent writer; merging again"
        ));
    }
    Err(Error::registry(
        &host,
        format!(
            "could not confirm that {tag} lists the attestation after {FALLBACK_ATTEMPTS} attempts \
             (heavy concurrent writing?); the attestation manifest {} is pushed: run the attach again",
            ours.digest
        ),
    ))
}

/// A fallback index as read: its content, ETag, and its own digest (None
/// when the tag did not exist).
pub(crate) struct FallbackIndex {
    pub index: ImageIndex,
    pub etag: Option<String>,
    pub digest: Option<String>,
}

/// The fallback index behind `tag`. Refuses a tag that is not an OCI
/// index, or that resolves to the subject itself (GitLab does this).
pub(crate) fn read_fallback_index(
    repo: &Repository,
    tag: &str,
    subject: &Descriptor,
) -> Result<FallbackIndex> {
    let host = repo.client.host();
    let Some(fetched) = repo.client.get_manifest(&repo.name, tag)? else {
        return Ok(FallbackIndex {
            index: ImageIndex::empty(),
            etag: None,
            digest: None,
        });
    };
    let digest = super::manifest::sha256_digest(&fetched.bytes);
    if digest == subject.digest || fetched.digest.as_deref() == Some(subject.digest.as_str()) {
        return Err(Error::registry(
            host,
            format!(
                "the tag {tag} resolves to the subject itself, not to a referrers index (GitLab does this); \
                 refusing to overwrite it. Use --attach referrers if the registry supports the API"
            ),
        ));
    }
    let media_type = fetched.media_type.as_deref().unwrap_or("");
    let index: ImageIndex = serde_json::from_slice(&fetched.bytes).map_err(|_| {
        Error::registry(host, format!("the tag {tag} exists but is not an OCI index ({media_type}); refusing to overwrite it"))
    })?;
    let declared = index.media_type.as_deref().unwrap_or(media_type);
    if !declared.starts_with(MEDIA_TYPE_INDEX) {
        return Err(Error::registry(
            host,
            format!(
                "the tag {tag} exists but is `{declared}`, not an OCI index; refusing to overwrite it"
            ),
        ));
    }
    Ok(FallbackIndex {
        index,
        etag: fetched.etag,
        digest: Some(digest),
    })
}

/// Index annotation listing the fallback index manifests a rewrite
/// superseded, newest first, so `prune` can find and delete them.
pub const ANNOTATION_SUPERSEDED: &str = "dev.cargo-attest.superseded";
const SUPERSEDED_KEEP: usize = 32;

/// The index to write in place of `index` (whose manifest digest is
/// `replaced`): its entries plus `add`, the replaced version recorded as
/// superseded.
fn successor(index: &ImageIndex, replaced: Option<&str>, add: &[Descriptor]) -> ImageIndex {
    let mut next = index.clone();
    for k in add {
        if !next.manifests.iter().any(|d| d.digest == k.digest) {
            next.manifests.push(k.clone());
        }
    }
    if let Some(old) = replaced {
        let mut list: Vec<String> = vec![old.to_string()];
        if let Some(previous) = index.annotations.get(ANNOTATION_SUPERSEDED) {
            list.extend(
                previous
                    .split(',')
                    .map(str::to_string)
                    .filter(|d| !d.is_empty()),
            );
        }
        list.dedup();
        list.truncate(SUPERSEDED_KEEP);
        next.annotations
            .insert(ANNOTATION_SUPERSEDED.into(), list.join(","));
    }
    next
}

fn remember(known: &mut Vec<Descriptor>, entries: &[Descriptor]) {
    for e in entries {
        if !known.iter().any(|k| k.digest == e.digest) {
            known.push(e.clone());
        }
    }
}

fn holds_all(index: &ImageIndex, known: &[Descriptor]) -> bool {
    known
        .iter()
        .all(|k| index.manifests.iter().any(|d| d.digest == k.digest))
}

fn looks_immutable(status: u16, body: &str) -> bool {
    let lower = body.to_ascii_lowercase();
    matches!(status, 400 | 403 | 405 | 409)
        && (lower.contains("immutab")
            || lower.contains("tag_invalid")
            || lower.contains("already exists")
            || lower.contains("tagalreadyexists"))
}

fn jitter(attempt: u32) -> Duration {
    let base = 100u64 << attempt.min(5);
    let mut bytes = [0u8; 2];
    let _ = getrandom::fill(&mut bytes);
    Duration::from_millis(base + u64::from(u16::from_le_bytes(bytes)) % (base * 2))
}
