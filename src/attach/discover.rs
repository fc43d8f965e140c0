//! Finding what is attached to a subject: the referrers API where it
//! answers, the referrers tag fallback, both merged (a registry that gained
//! the API keeps its old tags), or a layout's index; and cosign's legacy
//! `sha256-<hex>.att`/`.sig`/`.sbom` tags, which many images still carry
//! alone. Linear in the number of referrers.

use std::collections::HashMap;

use serde::Serialize;

use super::fallback::fallback_tag;
use crate::error::Result;
use crate::oci::Store;
use crate::oci::manifest::{
    Descriptor, ImageIndex, ImageManifest, MEDIA_TYPE_EMPTY, MEDIA_TYPE_INDEX, artifact_type_of,
};
use crate::oci::reference::Target;
use crate::oci::store::{Location, Referrers};

/// Where a referrer is listed: where discover found it, and how attach
/// made an attestation findable (the same channels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Source {
    ReferrersApi,
    TagFallback,
    OciLayout,
    /// A cosign tag `sha256-<hex>.att`, `.sig` or `.sbom`.
    CosignLegacy,
}

/// What a cosign legacy tag holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum LegacyKind {
    /// `.att`: DSSE envelopes (in-toto attestations), one per layer.
    Attestation,
    /// `.sig`: simple-signing payloads with their signatures.
    Signature,
    /// `.sbom`: SBOM documents.
    Sbom,
}

impl LegacyKind {
    const ALL: [LegacyKind; 3] = [
        LegacyKind::Attestation,
        LegacyKind::Signature,
        LegacyKind::Sbom,
    ];

    fn suffix(self) -> &'static str {
        match self {
            LegacyKind::Attestation => "att",
            LegacyKind::Signature => "sig",
            LegacyKind::Sbom => "sbom",
        }
    }

    /// The `artifactType` we report: cosign's manifests have none, and
    /// their config type says nothing, so the first layer's media type
    /// (cosign's own constant where the manifest has no layer).
    fn default_type(self) -> &'static str {
        match self {
            LegacyKind::Attestation => DSSE_ENVELOPE_MEDIA_TYPE,
            LegacyKind::Signature => "application/vnd.dev.cosign.simplesigning.v1+json",
            LegacyKind::Sbom => "application/vnd.dev.cosign.sbom",
        }
    }
}

/// The media type of a bare DSSE envelope, cosign's legacy attestation
/// layers.
pub(crate) const DSSE_ENVELOPE_MEDIA_TYPE: &str = "application/vnd.dsse.envelope.v1+json";

/// Where a cosign legacy entry was found.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Legacy {
    pub(crate) kind: LegacyKind,
    pub(crate) tag: String,
}

/// The cosign legacy tag of `subject` for `kind`: the digest with `:`
/// replaced by `-`, and the kind's suffix. `None` where that is no valid
/// tag (digests longer than sha256's).
pub(crate) fn legacy_tag(subject: &str, kind: LegacyKind) -> Option<String> {
    let tag = format!("{}.{}", subject.replace(':', "-"), kind.suffix());
    crate::oci::reference::valid_tag(&tag).then_some(tag)
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Referrer {
    #[serde(flatten)]
    pub(crate) descriptor: Descriptor,
    pub(crate) sources: Vec<Source>,
    /// For cosign's legacy tags: what the tag holds and its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cosign: Option<Legacy>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Discovery {
    pub(crate) referrers: Vec<Referrer>,
    /// What the referrers endpoint said (`index`, or why not).
    pub(crate) referrers_api: String,
    /// What the fallback tag held (`index`, `absent`, or why not).
    pub(crate) tag_fallback: String,
}

/// Referrers merged by digest, in first-seen order.
#[derive(Default)]
struct Found {
    referrers: Vec<Referrer>,
    by_digest: HashMap<String, usize>,
}

impl Found {
    fn add(&mut self, manifests: Vec<Descriptor>, source: Source) {
        for d in manifests {
            match self.by_digest.get(&d.digest) {
                Some(&i) => {
                    let r = &mut self.referrers[i];
                    if !r.sources.contains(&source) {
                        r.sources.push(source);
                    }
                    for (k, v) in d.annotations {
                        r.descriptor.annotations.entry(k).or_insert(v);
                    }
                    if r.descriptor.artifact_type.is_none() {
                        r.descriptor.artifact_type = d.artifact_type;
                    }
                }
                None => {
                    self.by_digest
                        .insert(d.digest.clone(), self.referrers.len());
                    self.referrers.push(Referrer {
                        descriptor: d,
                        sources: vec![source],
                        cosign: None,
                    });
                }
            }
        }
    }
}

/// Everything attached to `subject` in `store`, optionally of one
/// artifactType.
pub(crate) fn discover(
    store: &dyn Store,
    subject: &str,
    artifact_type: Option<&str>,
) -> Result<Discovery> {
    let mut found = Found::default();
    if store.location() == Location::Layout {
        if let Referrers::Index { manifests, .. } = store.referrers(subject, artifact_type)? {
            found.add(manifests, Source::OciLayout);
        }
        add_legacy(store, subject, &mut found)?;
        return Ok(finish(
            found,
            artifact_type,
            "not applicable".into(),
            "not applicable".into(),
        ));
    }
    let api = match store.referrers(subject, artifact_type)? {
        Referrers::Index { manifests, .. } => {
            found.add(manifests, Source::ReferrersApi);
            "index".to_string()
        }
        Referrers::NoApi(reason) => reason,
    };
    let tag = fallback_tag(subject);
    let fallback = match store.get_manifest(&Target::Tag(tag.clone()))? {
        None => "absent".to_string(),
        Some(m) => match serde_json::from_slice::<ImageIndex>(&m.bytes) {
            Ok(index)
                if index
                    .media_type
                    .as_deref()
                    .unwrap_or(m.media_type.as_deref().unwrap_or(""))
                    .starts_with(MEDIA_TYPE_INDEX) =>
            {
                found.add(index.manifests, Source::TagFallback);
                "index".to_string()
            }
            _ => format!("{tag} is not an OCI index"),
        },
    };
    // Entries without artifactType (older producers), or with the empty
    // config's media type (go-containerregistry derives it from the config
    // instead of the manifest's artifactType): read the manifest itself.
    for r in &mut found.referrers {
        let suspicious = match r.descriptor.artifact_type.as_deref() {
            None => true,
            Some(t) => t == MEDIA_TYPE_EMPTY,
        };
        if suspicious
            && let Some(m) = store.get_manifest(&Target::Digest(r.descriptor.digest.clone()))?
        {
            r.descriptor.artifact_type = artifact_type_of(&m.bytes);
            if r.descriptor.annotations.is_empty()
                && let Ok(parsed) = serde_json::from_slice::<ImageManifest>(&m.bytes)
            {
                r.descriptor.annotations = parsed.annotations;
            }
        }
    }
    add_legacy(store, subject, &mut found)?;
    Ok(finish(found, artifact_type, api, fallback))
}

/// cosign's legacy tags for `subject`, read by tag (one GET each; a
/// missing tag is no error). Their manifests have no `subject`: the tag
/// name is the only link, so whatever they hold is checked against the
/// subject digest by whoever uses it.
fn add_legacy(store: &dyn Store, subject: &str, found: &mut Found) -> Result<()> {
    for kind in LegacyKind::ALL {
        let Some(tag) = legacy_tag(subject, kind) else {
            continue;
        };
        let Some(fetched) = store.get_manifest(&Target::Tag(tag.clone()))? else {
            continue;
        };
        let mut descriptor = fetched.descriptor();
        let first_layer = serde_json::from_slice::<ImageManifest>(&fetched.bytes)
            .ok()
            .and_then(|m| m.layers.into_iter().next())
            .map(|l| l.media_type);
        descriptor.artifact_type =
            Some(first_layer.unwrap_or_else(|| kind.default_type().to_string()));
        tracing::debug!("cosign legacy tag {tag}: {}", descriptor.digest);
        found.add(vec![descriptor.clone()], Source::CosignLegacy);
        if let Some(&i) = found.by_digest.get(&descriptor.digest) {
            found.referrers[i].cosign = Some(Legacy { kind, tag });
        }
    }
    Ok(())
}

fn finish(found: Found, artifact_type: Option<&str>, api: String, fallback: String) -> Discovery {
    let mut referrers = found.referrers;
    // Registries may ignore the filter: apply it here too.
    if let Some(t) = artifact_type {
        referrers.retain(|r| r.descriptor.artifact_type.as_deref() == Some(t));
    }
    referrers.sort_by(|a, b| {
        (a.descriptor.artifact_type.as_deref(), &a.descriptor.digest)
            .cmp(&(b.descriptor.artifact_type.as_deref(), &b.descriptor.digest))
    });
    Discovery {
        referrers,
        referrers_api: api,
        tag_fallback: fallback,
    }
}
