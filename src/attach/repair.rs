//! `repair`: fallback indexes that other tools wrote with entries missing
//! their `artifactType` or annotations (go-containerregistry before 0.22.1
//! wrote `mediaType`, `digest` and `size` only; later versions the config
//! media type as artifactType), which filters such as `discover
//! --artifact-type` and cosign, Kyverno or BuildKit then miss. Each entry
//! is checked against its manifest, fetched by digest (capped and
//! digest-checked by the store): its artifactType (else its config media
//! type) and its annotations are filled in, and an entry whose manifest is
//! gone (404 by digest) is dropped. Writing goes through the same
//! read-merge-write and re-verify protocol as attach ([`super::fallback`]),
//! so an entry another writer adds meanwhile is never lost.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use super::fallback::{self, Change, satisfies};
use super::prune::fallback_subject;
use crate::error::{Error, Result};
use crate::oci::Store;
use crate::oci::manifest::{Descriptor, artifact_type_of};
use crate::oci::reference::Target;

/// What repair did, or would do, with a fallback tag. "would repair" keeps
/// its space, as prune's "would remove" does: the label is part of the JSON
/// output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Action {
    Healthy,
    #[serde(rename = "would repair")]
    WouldRepair,
    Repaired,
    Failed,
}

/// An entry filled in from its manifest.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Fixed {
    pub(crate) digest: String,
    pub(crate) artifact_type: Option<String>,
    /// The artifactType the entry had, when it had a different one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) previous_artifact_type: Option<String>,
    /// Annotation keys added or corrected.
    pub(crate) annotations: Vec<String>,
}

/// An entry whose manifest could not be checked: kept as it is.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Unchecked {
    pub(crate) digest: String,
    pub(crate) reason: String,
}

/// One fallback tag's repair.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TagRepair {
    pub(crate) tag: String,
    pub(crate) subject: String,
    pub(crate) action: Action,
    pub(crate) fixed: Vec<Fixed>,
    /// Entries whose manifest is gone.
    pub(crate) dropped: Vec<String>,
    /// Entries that were right already.
    pub(crate) kept: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) unchecked: Vec<Unchecked>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) message: Option<String>,
}

impl TagRepair {
    fn new(tag: &str, subject: &str) -> Self {
        TagRepair {
            tag: tag.to_string(),
            subject: subject.to_string(),
            action: Action::Healthy,
            fixed: Vec::new(),
            dropped: Vec::new(),
            kept: Vec::new(),
            unchecked: Vec::new(),
            message: None,
        }
    }
}

/// What an entry's manifest says of it.
enum Verdict {
    Keep,
    Fix(Box<Descriptor>, Fixed),
    Drop,
    Unchecked(String),
}

/// Repairs every fallback tag of `store`, or only the one of `subject`;
/// with `apply`, writes each repaired index (a failure at one tag is
/// recorded, never stops the run).
pub(crate) fn repair(
    store: &dyn Store,
    subject: Option<&str>,
    apply: bool,
) -> Result<Vec<TagRepair>> {
    let tags: Vec<String> = match subject {
        Some(digest) => vec![fallback::fallback_tag(digest)],
        None => store.list_tags()?,
    };
    let mut out = Vec::new();
    for tag in tags {
        let Some(subject) = fallback_subject(&tag) else {
            continue;
        };
        let subject = Descriptor::new("", subject, 0);
        let mut item = TagRepair::new(&tag, &subject.digest);
        let index = match fallback::current(store, &subject) {
            Ok(Some(index)) => index,
            Ok(None) => continue,
            Err(e) => {
                item.action = Action::Failed;
                item.message = Some(e.report());
                out.push(item);
                continue;
            }
        };
        let change = plan(store, &index.manifests, &mut item)?;
        if !change.put.is_empty() || !change.drop.is_empty() {
            item.action = if apply {
                write(store, &subject, &change, &mut item)
            } else {
                Action::WouldRepair
            };
        }
        out.push(item);
    }
    Ok(out)
}

/// Checks each entry, recording the verdicts in `item`; returns the change.
fn plan(store: &dyn Store, entries: &[Descriptor], item: &mut TagRepair) -> Result<Change> {
    let mut change = Change::default();
    for entry in entries {
        match check(store, entry)? {
            Verdict::Keep => item.kept.push(entry.digest.clone()),
            Verdict::Drop => {
                item.dropped.push(entry.digest.clone());
                change.drop.insert(entry.digest.clone());
            }
            Verdict::Fix(wanted, fixed) => {
                item.fixed.push(fixed);
                change.put.push(*wanted);
            }
            Verdict::Unchecked(reason) => item.unchecked.push(Unchecked {
                digest: entry.digest.clone(),
                reason,
            }),
        }
    }
    if !item.unchecked.is_empty() {
        item.action = Action::Failed;
        item.message = Some(format!(
            "{} entry(ies) could not be checked and are kept as they are; run again",
            item.unchecked.len()
        ));
    }
    Ok(change)
}

fn write(store: &dyn Store, subject: &Descriptor, change: &Change, item: &mut TagRepair) -> Action {
    match fallback::update(store, subject, change, "the repaired entries") {
        Ok(true) => {
            if item.action == Action::Failed {
                Action::Failed
            } else {
                Action::Repaired
            }
        }
        Ok(false) => {
            item.message = Some("the tag was removed meanwhile; nothing written".into());
            Action::Failed
        }
        Err(e) => {
            item.message = Some(e.report());
            Action::Failed
        }
    }
}

/// What `entry` should say, from its manifest.
fn check(store: &dyn Store, entry: &Descriptor) -> Result<Verdict> {
    let fetched = match store.get_manifest(&Target::Digest(entry.digest.clone())) {
        Ok(Some(fetched)) => fetched,
        Ok(None) => return Ok(Verdict::Drop),
        // A registry that fails or serves the wrong bytes proves nothing
        // about the entry: keep it, say so.
        Err(e @ (Error::Registry { .. } | Error::VerificationFailed { .. })) => {
            return Ok(Verdict::Unchecked(e.report()));
        }
        Err(e) => return Err(e),
    };
    let Ok(manifest) = serde_json::from_slice::<serde_json::Value>(&fetched.bytes) else {
        return Ok(Verdict::Unchecked("the manifest is not JSON".into()));
    };
    // As the spec has clients write it: the manifest's artifactType, else
    // its config's media type (an index referrer: its artifactType only).
    let artifact_type = artifact_type_of(&fetched.bytes)
        .or_else(|| manifest["artifactType"].as_str().map(str::to_string));
    let annotations: BTreeMap<String, String> = manifest["annotations"]
        .as_object()
        .map(|map| {
            map.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    let mut wanted = Descriptor::new(&entry.media_type, entry.digest.clone(), entry.size);
    wanted.artifact_type = artifact_type;
    wanted.annotations = annotations;
    if satisfies(entry, &wanted) {
        return Ok(Verdict::Keep);
    }
    let changed: HashSet<&String> = wanted
        .annotations
        .iter()
        .filter(|(k, v)| entry.annotations.get(*k) != Some(v))
        .map(|(k, _)| k)
        .collect();
    let mut keys: Vec<String> = changed.into_iter().cloned().collect();
    keys.sort();
    let fixed = Fixed {
        digest: entry.digest.clone(),
        artifact_type: wanted.artifact_type.clone(),
        previous_artifact_type: entry
            .artifact_type
            .clone()
            .filter(|a| Some(a) != wanted.artifact_type.as_ref()),
        annotations: keys,
    };
    Ok(Verdict::Fix(Box::new(wanted), fixed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attach::{BUNDLE_ARTIFACT_TYPE, attestation_manifest};
    use crate::layout::Layout;
    use crate::oci::digest;
    use crate::oci::manifest::{
        ImageIndex, MEDIA_TYPE_EMPTY, MEDIA_TYPE_INDEX, MEDIA_TYPE_MANIFEST,
    };

    /// Entries as go-containerregistry writes them (bare, and with the
    /// config's media type as artifactType), one whose manifest is gone,
    /// and one that is right: each gets its verdict, and only --yes writes.
    #[test]
    fn entries_are_filled_in_dropped_or_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = Layout::open_or_create(dir.path()).unwrap();
        let subject = Descriptor::of_bytes(MEDIA_TYPE_MANIFEST, b"subject");
        let mut entries = Vec::new();
        for i in 0..3 {
            let bundle = format!("{{\"bundle\":{i}}}");
            let (d, bytes) = attestation_manifest(
                bundle.as_bytes(),
                "https://slsa.dev/provenance/v1",
                &subject,
                None,
            )
            .unwrap();
            store
                .put_manifest_by_digest(MEDIA_TYPE_MANIFEST, &bytes)
                .unwrap();
            entries.push(d);
        }
        let bare = Descriptor::new(
            MEDIA_TYPE_MANIFEST,
            entries[0].digest.clone(),
            entries[0].size,
        );
        let mut empty_type = Descriptor::new(
            MEDIA_TYPE_MANIFEST,
            entries[1].digest.clone(),
            entries[1].size,
        );
        empty_type.artifact_type = Some(MEDIA_TYPE_EMPTY.into());
        let right = entries[2].clone();
        let gone = Descriptor::new(MEDIA_TYPE_MANIFEST, digest::sha256_of(b"gone"), 9);
        let mut index = ImageIndex::empty();
        index.manifests = vec![
            bare.clone(),
            empty_type.clone(),
            gone.clone(),
            right.clone(),
        ];
        let tag = fallback::fallback_tag(&subject.digest);
        let bytes = serde_json::to_vec(&index).unwrap();
        store.tag_manifest(&tag, MEDIA_TYPE_INDEX, &bytes).unwrap();

        let dry = repair(&store, None, false).unwrap();
        assert_eq!(dry.len(), 1);
        let t = &dry[0];
        assert_eq!(t.action, Action::WouldRepair);
        let fixed: Vec<&str> = t.fixed.iter().map(|f| f.digest.as_str()).collect();
        assert_eq!(fixed, [bare.digest.as_str(), empty_type.digest.as_str()]);
        assert_eq!(
            t.fixed[1].previous_artifact_type.as_deref(),
            Some(MEDIA_TYPE_EMPTY)
        );
        assert_eq!(t.dropped, vec![gone.digest.clone()]);
        assert_eq!(t.kept, vec![right.digest.clone()]);
        let unchanged = store
            .get_manifest(&Target::Tag(tag.clone()))
            .unwrap()
            .unwrap();
        assert_eq!(unchanged.bytes, bytes, "a dry run wrote");

        let done = repair(&store, Some(&subject.digest), true).unwrap();
        assert_eq!(done[0].action, Action::Repaired, "{:?}", done[0].message);
        let after = fallback::current(&store, &subject).unwrap().unwrap();
        let digests: Vec<&str> = after.manifests.iter().map(|d| d.digest.as_str()).collect();
        assert_eq!(
            digests,
            [
                bare.digest.as_str(),
                empty_type.digest.as_str(),
                right.digest.as_str()
            ]
        );
        for d in &after.manifests {
            assert_eq!(d.artifact_type.as_deref(), Some(BUNDLE_ARTIFACT_TYPE));
            assert_eq!(d.annotations, entries[0].annotations);
        }
        assert_eq!(
            repair(&store, None, true).unwrap()[0].action,
            Action::Healthy
        );
    }
}
