//! `prune`: removes what outlived its subject — fallback tags whose subject
//! is gone, the attestation manifests they list that name that subject, and
//! superseded fallback indexes — and nothing it has not proven to be one of
//! those. Written once over [`Store`].

use std::collections::HashSet;

use serde::Serialize;

use super::fallback::superseded_of;
use crate::error::Result;
use crate::oci::Store;
use crate::oci::digest;
use crate::oci::manifest::{ImageIndex, MEDIA_TYPE_INDEX, subject_of};
use crate::oci::reference::Target;
use crate::oci::store::Deletion;
use crate::output::label;

/// What a prune item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Kind {
    OrphanedTag,
    Attestation,
    SupersededIndex,
}

/// What prune did, or would do, with an item. "would remove" keeps its
/// space: the label is part of the JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Action {
    #[serde(rename = "would remove")]
    WouldRemove,
    Removed,
    Refused,
    Failed,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PruneItem {
    pub(crate) kind: Kind,
    /// The tag, or the manifest digest.
    pub(crate) reference: String,
    /// The subject digest it belonged to.
    pub(crate) subject: String,
    pub(crate) action: Action,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) message: Option<String>,
    /// For an orphaned tag: the digest of the index it points to.
    #[serde(skip)]
    pub(crate) index: Option<String>,
}

impl PruneItem {
    fn new(kind: Kind, reference: String, subject: &str) -> Self {
        PruneItem {
            kind,
            reference,
            subject: subject.to_string(),
            action: Action::WouldRemove,
            message: None,
            index: None,
        }
    }

    pub(crate) fn orphaned_tag(tag: &str, subject: &str, index: &str) -> Self {
        PruneItem {
            message: Some(format!("index {index}")),
            index: Some(index.to_string()),
            ..PruneItem::new(Kind::OrphanedTag, tag.to_string(), subject)
        }
    }
}

/// `sha256-<64 hex>` tags and the subject digest they stand for.
pub(crate) fn fallback_subject(tag: &str) -> Option<String> {
    let digest = format!("sha256:{}", tag.strip_prefix("sha256-")?);
    digest::is_valid(&digest).then_some(digest)
}

/// Finds what to prune; with `apply`, removes each item on its own
/// (a refusal is recorded, never stops the run).
pub(crate) fn prune(store: &dyn Store, apply: bool) -> Result<Vec<PruneItem>> {
    let mut items: Vec<PruneItem> = Vec::new();
    let mut listed: HashSet<String> = HashSet::new();
    for tag in store.list_tags()? {
        let Some(subject) = fallback_subject(&tag) else {
            continue;
        };
        let Some(fetched) = store.get_manifest(&Target::Tag(tag.clone()))? else {
            continue;
        };
        let Ok(index) = serde_json::from_slice::<ImageIndex>(&fetched.bytes) else {
            tracing::debug!("{tag} is not an OCI index; left alone");
            continue;
        };
        let live = store.manifest_exists(&subject)?;
        for old in superseded_of(&index, &fetched.digest) {
            if old != subject && proven_superseded(store, &old, &index, &subject)? {
                items.push(PruneItem::new(Kind::SupersededIndex, old, &subject));
            }
        }
        if live {
            continue;
        }
        for entry in &index.manifests {
            let Some(m) = store.get_manifest(&Target::Digest(entry.digest.clone()))? else {
                continue;
            };
            if subject_of(&m.bytes).as_deref() == Some(subject.as_str())
                && listed.insert(entry.digest.clone())
            {
                items.push(PruneItem::new(
                    Kind::Attestation,
                    entry.digest.clone(),
                    &subject,
                ));
            }
        }
        items.push(PruneItem::orphaned_tag(&tag, &subject, &fetched.digest));
    }
    // Stores that can list their manifests (layouts): attestations whose
    // subject is gone, whether or not a fallback tag lists them.
    if let Some(manifests) = store.list_manifests()? {
        for d in manifests {
            if listed.contains(&d.digest) {
                continue;
            }
            let Some(m) = store.get_manifest(&Target::Digest(d.digest.clone()))? else {
                continue;
            };
            if let Some(subject) = subject_of(&m.bytes)
                && !store.manifest_exists(&subject)?
                && listed.insert(d.digest.clone())
            {
                items.push(PruneItem::new(
                    Kind::Attestation,
                    d.digest.clone(),
                    &subject,
                ));
            }
        }
    }
    if apply {
        for it in &mut items {
            remove(store, it);
        }
    }
    Ok(items)
}

/// Whether `candidate` is provably a superseded fallback index of this
/// tag: an OCI index without a subject whose every entry is in the current
/// index or is a manifest naming `subject`. A digest someone planted in the
/// annotation (a live image, another tag's index) fails this and stays.
fn proven_superseded(
    store: &dyn Store,
    candidate: &str,
    current: &ImageIndex,
    subject: &str,
) -> Result<bool> {
    const MAX_FETCHES: usize = 64;
    let Some(fetched) = store.get_manifest(&Target::Digest(candidate.to_string()))? else {
        return Ok(false);
    };
    let Ok(index) = serde_json::from_slice::<ImageIndex>(&fetched.bytes) else {
        return Ok(false);
    };
    let declared = index
        .media_type
        .as_deref()
        .or(fetched.media_type.as_deref())
        .unwrap_or("");
    if !declared.starts_with(MEDIA_TYPE_INDEX) || index.subject.is_some() {
        return Ok(false);
    }
    if index.manifests.is_empty() {
        return Ok(false);
    }
    let in_current: HashSet<&str> = current
        .manifests
        .iter()
        .map(|d| d.digest.as_str())
        .collect();
    let mut fetches = 0;
    for entry in &index.manifests {
        if in_current.contains(entry.digest.as_str()) {
            continue;
        }
        fetches += 1;
        if fetches > MAX_FETCHES {
            return Ok(false);
        }
        let names_subject = store
            .get_manifest(&Target::Digest(entry.digest.clone()))?
            .is_some_and(|m| subject_of(&m.bytes).as_deref() == Some(subject));
        if !names_subject {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Deletes one item, recording what happened.
pub(crate) fn remove(store: &dyn Store, it: &mut PruneItem) {
    let reference = match it.kind {
        Kind::OrphanedTag => Target::Tag(it.reference.clone()),
        Kind::Attestation | Kind::SupersededIndex => Target::Digest(it.reference.clone()),
    };
    let refusal_remedy = "enable deletion (docker-registry: storage.delete.enabled) or use the registry's own cleanup";
    let (action, message) = match store.delete_manifest(&reference) {
        Ok(Deletion::Deleted) => (Action::Removed, None),
        Ok(Deletion::Refused(refusal)) if it.kind == Kind::OrphanedTag => {
            let status = refusal.status();
            match it.index.clone() {
                // docker-registry and ferro cannot delete a tag, but deleting
                // the manifest it points to by digest removes the tag too.
                Some(index) => match store.delete_manifest(&Target::Digest(index.clone())) {
                    Ok(Deletion::Deleted) => (
                        Action::Removed,
                        Some(format!(
                            "this registry cannot delete tags (HTTP {status}); deleted the index {index} instead, which removes the tag"
                        )),
                    ),
                    Ok(Deletion::Refused(refusal)) => (
                        Action::Refused,
                        Some(format!(
                            "the registry refuses to delete the tag (HTTP {status}) and its index (HTTP {}); {refusal_remedy}",
                            refusal.status()
                        )),
                    ),
                    Err(e) => (Action::Failed, Some(e.report())),
                },
                None => (
                    Action::Refused,
                    Some(format!(
                        "the registry refuses to delete tags (HTTP {status})"
                    )),
                ),
            }
        }
        Ok(Deletion::Refused(refusal)) => (
            Action::Refused,
            Some(format!(
                "the registry refuses DELETE (HTTP {}); {refusal_remedy}",
                refusal.status()
            )),
        ),
        Err(e) => (Action::Failed, Some(e.report())),
    };
    tracing::debug!("{} {}: {}", label(&it.kind), it.reference, label(&action));
    it.action = action;
    it.message = message.or(it.message.take());
}
