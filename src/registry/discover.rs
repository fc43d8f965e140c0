//! Finding what is attached to a subject: the referrers API where it
//! answers, the referrers tag fallback, both merged (a registry that gained
//! the API keeps its old tags), or an OCI layout's index.

use serde::Serialize;

use super::client::Referrers;
use super::manifest::{Descriptor, ImageIndex, ImageManifest, MEDIA_TYPE_INDEX, sha256_digest};
use super::{Repository, attach::fallback_tag};
use crate::error::{Error, Result};
use crate::layout::Layout;

pub const SOURCE_API: &str = "referrers-api";
pub const SOURCE_TAG: &str = "tag-fallback";
pub const SOURCE_LAYOUT: &str = "oci-layout";

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Referrer {
    #[serde(flatten)]
    pub descriptor: Descriptor,
    /// Where it was found: `referrers-api`, `tag-fallback`, `oci-layout`.
    pub sources: Vec<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Discovery {
    pub referrers: Vec<Referrer>,
    /// What the referrers endpoint said (`index`, or why not).
    pub referrers_api: String,
    /// What the fallback tag held (`index`, `absent`, or why not).
    pub tag_fallback: String,
}

/// The descriptor of the manifest `reference` (tag or digest) names.
pub fn resolve_in_registry(repo: &Repository, reference: &str) -> Result<Descriptor> {
    let fetched = repo
        .client
        .get_manifest(&repo.name, reference)?
        .ok_or_else(|| {
            Error::registry(
                repo.client.host(),
                format!("{}:{reference} not found", repo.name),
            )
        })?;
    let digest = sha256_digest(&fetched.bytes);
    if reference.starts_with("sha256:") && reference != digest {
        return Err(Error::registry(
            repo.client.host(),
            format!("the registry served content for {reference} that hashes to {digest}"),
        ));
    }
    Ok(Descriptor::new(
        &media_type_of(&fetched.bytes, fetched.media_type.as_deref()),
        digest,
        fetched.bytes.len() as u64,
    ))
}

pub fn resolve_in_layout(layout: &Layout, reference: &str) -> Result<Descriptor> {
    let index = layout.read_index()?;
    let found = if reference.starts_with("sha256:") {
        index.manifests.into_iter().find(|d| d.digest == reference)
    } else {
        index.manifests.into_iter().find(|d| {
            d.annotations
                .get(super::manifest::ANNOTATION_REF_NAME)
                .is_some_and(|t| t == reference)
        })
    };
    let mut d = found.ok_or_else(|| {
        Error::invalid_input(format!(
            "{} has no manifest `{reference}`",
            layout.root().display()
        ))
    })?;
    d.annotations.clear();
    d.artifact_type = None;
    Ok(d)
}

fn media_type_of(bytes: &[u8], header: Option<&str>) -> String {
    serde_json::from_slice::<serde_json::Value>(bytes)
        .ok()
        .and_then(|v| {
            v.get("mediaType")
                .and_then(|m| m.as_str())
                .map(str::to_string)
        })
        .or_else(|| header.map(|h| h.split(';').next().unwrap_or(h).trim().to_string()))
        .unwrap_or_else(|| super::manifest::MEDIA_TYPE_MANIFEST.to_string())
}

pub fn discover_in_registry(
    repo: &Repository,
    subject: &str,
    artifact_type: Option<&str>,
) -> Result<Discovery> {
    let mut found: Vec<Referrer> = Vec::new();
    let api = match repo.client.referrers(&repo.name, subject, artifact_type)? {
        Referrers::Index { manifests, .. } => {
            add(&mut found, manifests, SOURCE_API);
            "index".to_string()
        }
        Referrers::NoApi(reason) => reason,
    };
    let tag = fallback_tag(subject);
    let fallback = match repo.client.get_manifest(&repo.name, &tag)? {
        None => "absent".to_string(),
        Some(m) => match serde_json::from_slice::<ImageIndex>(&m.bytes) {
            Ok(index)
                if index
                    .media_type
                    .as_deref()
                    .unwrap_or(m.media_type.as_deref().unwrap_or(""))
                    .starts_with(MEDIA_TYPE_INDEX) =>
            {
                add(&mut found, index.manifests, SOURCE_TAG);
                "index".to_string()
            }
            _ => format!("{tag} is not an OCI index"),
        },
    };
    // Entries without artifactType (older producers), or with the empty
    // config's media type (go-containerregistry derives it from the config
    // instead of the manifest's artifactType): read the manifest itself.
    for r in &mut found {
        let suspicious = match r.descriptor.artifact_type.as_deref() {
            None => true,
            Some(t) => t == super::manifest::MEDIA_TYPE_EMPTY,
        };
        if suspicious && let Some(m) = repo.client.get_manifest(&repo.name, &r.descriptor.digest)? {
            r.descriptor.artifact_type = artifact_type_of(&m.bytes);
            if r.descriptor.annotations.is_empty()
                && let Ok(parsed) = serde_json::from_slice::<ImageManifest>(&m.bytes)
            {
                r.descriptor.annotations = parsed.annotations;
            }
        }
    }
    Ok(finish(found, artifact_type, api, fallback))
}

pub fn discover_in_layout(
    layout: &Layout,
    subject: &str,
    artifact_type: Option<&str>,
) -> Result<Discovery> {
    let mut found = Vec::new();
    for d in layout.read_index()?.manifests {
        let Some(bytes) = layout.read_blob(&d.digest)? else {
            continue;
        };
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
            continue;
        };
        if value.pointer("/subject/digest").and_then(|s| s.as_str()) != Some(subject) {
            continue;
        }
        let mut descriptor = Descriptor::new(&d.media_type, d.digest.clone(), d.size);
        descriptor.artifact_type = artifact_type_of(&bytes);
        if let Some(annotations) = value.get("annotations").and_then(|a| a.as_object()) {
            for (k, v) in annotations {
                if let Some(v) = v.as_str() {
                    descriptor.annotations.insert(k.clone(), v.to_string());
                }
            }
        }
        add(&mut found, vec![descriptor], SOURCE_LAYOUT);
    }
    Ok(finish(
        found,
        artifact_type,
        "not applicable".into(),
        "not applicable".into(),
    ))
}

/// `artifactType`, else the config media type (the spec's rule).
fn artifact_type_of(bytes: &[u8]) -> Option<String> {
    let m: ImageManifest = serde_json::from_slice(bytes).ok()?;
    m.artifact_type.or(Some(m.config.media_type))
}

fn add(found: &mut Vec<Referrer>, manifests: Vec<Descriptor>, source: &'static str) {
    for d in manifests {
        match found.iter_mut().find(|r| r.descriptor.digest == d.digest) {
            Some(r) => {
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
            None => found.push(Referrer {
                descriptor: d,
                sources: vec![source],
            }),
        }
    }
}

fn finish(
    mut found: Vec<Referrer>,
    artifact_type: Option<&str>,
    api: String,
    fallback: String,
) -> Discovery {
    // Registries may ignore the filter: apply it here too.
    if let Some(t) = artifact_type {
        found.retain(|r| r.descriptor.artifact_type.as_deref() == Some(t));
    }
    found.sort_by(|a, b| {
        (a.descriptor.artifact_type.as_deref(), &a.descriptor.digest)
            .cmp(&(b.descriptor.artifact_type.as_deref(), &b.descriptor.digest))
    });
    Discovery {
        referrers: found,
        referrers_api: api,
        tag_fallback: fallback,
    }
}
