//! Keeping attestations tidy: `prune` removes what outlived its subject,
//! `migrate` moves fallback-tag referrers to a registry's referrers API.
//! Neither ever removes anything whose subject still exists, or a tag whose
//! entries the API does not all show.

use serde::Serialize;

use super::Repository;
use super::attach::ANNOTATION_SUPERSEDED;
use super::client::Referrers;
use super::manifest::{ANNOTATION_REF_NAME, ImageIndex, is_valid_digest, sha256_digest};
use crate::error::Result;
use crate::layout::Layout;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PruneItem {
    /// `orphaned-tag`, `attestation` or `superseded-index`.
    pub kind: &'static str,
    /// The tag, or the manifest digest.
    pub reference: String,
    /// The subject digest it belonged to.
    pub subject: String,
    /// `would remove`, `removed`, `refused` or `failed`.
    pub action: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// `sha256-<64 hex>` tags and the subject digest they stand for.
fn fallback_subject(tag: &str) -> Option<String> {
    let digest = format!("sha256:{}", tag.strip_prefix("sha256-")?);
    is_valid_digest(&digest).then_some(digest)
}

fn superseded_of(index: &ImageIndex, current: &str) -> Vec<String> {
    index
        .annotations
        .get(ANNOTATION_SUPERSEDED)
        .map(|list| {
            list.split(',')
                .filter(|d| is_valid_digest(d) && *d != current)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

pub fn prune_registry(
    repo: &Repository,
    apply: bool,
    log: &dyn Fn(String),
) -> Result<Vec<PruneItem>> {
    let client = &repo.client;
    let mut items = Vec::new();
    for tag in client.list_tags(&repo.name)? {
        let Some(subject) = fallback_subject(&tag) else {
            continue;
        };
        let Some(fetched) = client.get_manifest(&repo.name, &tag)? else {
            continue;
        };
        let index_digest = sha256_digest(&fetched.bytes);
        let Ok(index) = serde_json::from_slice::<ImageIndex>(&fetched.bytes) else {
            log(format!("{tag} is not an OCI index; left alone"));
            continue;
        };
        let live = client.manifest_exists(&repo.name, &subject)?;
        for old in superseded_of(&index, &index_digest) {
            if client.manifest_exists(&repo.name, &old)? {
                items.push(item("superseded-index", old, &subject));
            }
        }
        if live {
            continue;
        }
        for entry in &index.manifests {
            let Some(m) = client.get_manifest(&repo.name, &entry.digest)? else {
                continue;
            };
            let names_gone_subject = serde_json::from_slice::<serde_json::Value>(&m.bytes)
                .ok()
                .and_then(|v| {
                    v.pointer("/subject/digest")
                        .and_then(|d| d.as_str())
                        .map(str::to_string)
                })
                .is_some_and(|d| d == subject);
            if names_gone_subject {
                items.push(item("attestation", entry.digest.clone(), &subject));
            }
        }
        let mut tag_item = item("orphaned-tag", tag.clone(), &subject);
        tag_item.message = Some(format!("index {index_digest}"));
        items.push(tag_item);
    }
    if apply {
        for it in &mut items {
            apply_prune(repo, it, log);
        }
    }
    Ok(items)
}

fn item(kind: &'static str, reference: String, subject: &str) -> PruneItem {
    PruneItem {
        kind,
        reference,
        subject: subject.to_string(),
        action: "would remove",
        message: None,
    }
}

/// Deletes one item, recording what happened; never stops the run.
fn apply_prune(repo: &Repository, it: &mut PruneItem, log: &dyn Fn(String)) {
    let index_digest = it
        .message
        .as_deref()
        .and_then(|m| m.strip_prefix("index "))
        .map(str::to_string);
    let (action, message) = match delete(repo, &it.reference) {
        Ok(Deleted::Yes) => ("removed", None),
        Ok(Deleted::Refused(status)) if it.kind == "orphaned-tag" => {
            match index_digest.as_deref().map(|d| delete(repo, d)) {
                // docker-registry and ferro cannot delete a tag, but deleting
                // the manifest it points to by digest removes the tag too.
                Some(Ok(Deleted::Yes)) => (
                    "removed",
                    Some(format!(
                        "this registry cannot delete tags (HTTP {status}); deleted the index {} instead, which removes the tag",
                        index_digest.unwrap_or_default()
                    )),
                ),
                Some(Ok(Deleted::Refused(s2))) => (
                    "refused",
                    Some(format!(
                        "the registry refuses to delete the tag (HTTP {status}) and its index (HTTP {s2}); \
                     enable deletion (docker-registry: storage.delete.enabled) or use the registry's own cleanup"
                    )),
                ),
                Some(Err(e)) => ("failed", Some(e.to_string())),
                None => (
                    "refused",
                    Some(format!(
                        "the registry refuses to delete tags (HTTP {status})"
                    )),
                ),
            }
        }
        Ok(Deleted::Refused(status)) => (
            "refused",
            Some(format!(
                "the registry refuses DELETE (HTTP {status}); enable deletion \
                 (docker-registry: storage.delete.enabled) or use the registry's own cleanup"
            )),
        ),
        Err(e) => ("failed", Some(e.to_string())),
    };
    log(format!("{} {}: {action}", it.kind, it.reference));
    it.action = action;
    it.message = message.or(it.message.take());
}

enum Deleted {
    Yes,
    Refused(u16),
}

fn delete(repo: &Repository, reference: &str) -> Result<Deleted> {
    let response = repo.client.delete_manifest(&repo.name, reference)?;
    let status = response.status().as_u16();
    Ok(match status {
        200..=299 | 404 => Deleted::Yes,
        400 | 403 | 405 | 501 => Deleted::Refused(status),
        _ => {
            return Err(repo
                .client
                .unexpected(&format!("DELETE {reference}"), response));
        }
    })
}

/// Prune in an OCI layout: fallback tags and attestation manifests whose
/// subject the layout no longer has are removed from index.json.
pub fn prune_layout(layout: &Layout, apply: bool) -> Result<Vec<PruneItem>> {
    let index = layout.read_index()?;
    let present: Vec<&str> = index.manifests.iter().map(|d| d.digest.as_str()).collect();
    let mut items = Vec::new();
    for d in &index.manifests {
        if let Some(tag) = d.annotations.get(ANNOTATION_REF_NAME)
            && let Some(subject) = fallback_subject(tag)
        {
            if !present.contains(&subject.as_str()) {
                items.push(item("orphaned-tag", tag.clone(), &subject));
            }
            continue;
        }
        let Some(bytes) = layout.read_blob(&d.digest)? else {
            continue;
        };
        let subject = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| {
                v.pointer("/subject/digest")
                    .and_then(|s| s.as_str())
                    .map(str::to_string)
            });
        if let Some(subject) = subject
            && !present.contains(&subject.as_str())
        {
            items.push(item("attestation", d.digest.clone(), &subject));
        }
    }
    if apply && !items.is_empty() {
        layout.remove_from_index(&|d| {
            items.iter().any(|it| {
                it.reference == d.digest
                    || d.annotations
                        .get(ANNOTATION_REF_NAME)
                        .is_some_and(|t| *t == it.reference)
            })
        })?;
        for it in &mut items {
            it.action = "removed";
        }
    }
    Ok(items)
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MigrateReport {
    pub subject: String,
    pub tag: String,
    pub entries: usize,
    /// Entries the referrers API lists (after any re-push).
    pub visible: usize,
    /// Manifests pushed again so the registry would index them.
    pub repushed: Vec<String>,
    /// `would remove tag`, `removed tag`, `kept`, `refused` or `failed`.
    pub action: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

pub fn migrate_registry(
    repo: &Repository,
    apply: bool,
    log: &dyn Fn(String),
) -> Result<Vec<MigrateReport>> {
    let client = &repo.client;
    let mut reports = Vec::new();
    for tag in client.list_tags(&repo.name)? {
        let Some(subject) = fallback_subject(&tag) else {
            continue;
        };
        let Some(fetched) = client.get_manifest(&repo.name, &tag)? else {
            continue;
        };
        let index_digest = sha256_digest(&fetched.bytes);
        let Ok(index) = serde_json::from_slice::<ImageIndex>(&fetched.bytes) else {
            continue;
        };
        let mut report = MigrateReport {
            subject: subject.clone(),
            tag: tag.clone(),
            entries: index.manifests.len(),
            visible: 0,
            repushed: Vec::new(),
            action: "kept",
            message: None,
        };
        let listed = |client: &super::Client| -> Result<std::result::Result<Vec<String>, String>> {
            Ok(match client.referrers(&repo.name, &subject, None)? {
                Referrers::Index { manifests, .. } => {
                    Ok(manifests.into_iter().map(|d| d.digest).collect())
                }
                Referrers::NoApi(reason) => Err(reason),
            })
        };
        let mut visible = match listed(client)? {
            Ok(v) => v,
            Err(reason) => {
                report.message = Some(format!(
                    "the referrers API does not answer ({reason}); tag kept"
                ));
                reports.push(report);
                continue;
            }
        };
        let missing: Vec<_> = index
            .manifests
            .iter()
            .filter(|d| !visible.contains(&d.digest))
            .collect();
        if !missing.is_empty() && apply {
            // A registry indexes referrers when it receives them: push the
            // missing manifests again, byte for byte, by digest.
            for d in &missing {
                if let Some(m) = client.get_manifest(&repo.name, &d.digest)?
                    && sha256_digest(&m.bytes) == d.digest
                {
                    let media_type = m.media_type.clone().unwrap_or_else(|| d.media_type.clone());
                    if client
                        .put_manifest(&repo.name, &d.digest, &media_type, &m.bytes)
                        .is_ok()
                    {
                        report.repushed.push(d.digest.clone());
                    }
                }
            }
            if !report.repushed.is_empty() {
                visible = listed(client)?.unwrap_or_default();
            }
        }
        let still_missing: Vec<String> = index
            .manifests
            .iter()
            .filter(|d| !visible.contains(&d.digest))
            .map(|d| d.digest.clone())
            .collect();
        report.visible = report.entries - still_missing.len();
        if !still_missing.is_empty() {
            report.message = Some(format!(
                "{} entr{} not visible through the referrers API: {}; tag kept",
                still_missing.len(),
                if still_missing.len() == 1 {
                    "y is"
                } else {
                    "ies are"
                },
                still_missing.join(", ")
            ));
            reports.push(report);
            continue;
        }
        if !apply {
            report.action = "would remove tag";
            reports.push(report);
            continue;
        }
        let mut it = item("orphaned-tag", tag.clone(), &subject);
        it.message = Some(format!("index {index_digest}"));
        apply_prune(repo, &mut it, log);
        report.action = match it.action {
            "removed" => "removed tag",
            other => other,
        };
        report.message = it.message;
        reports.push(report);
    }
    Ok(reports)
}

/// Migrate in an OCI layout: every manifest there is found through the
/// index, so fallback tags whose entries are all present are dropped.
pub fn migrate_layout(layout: &Layout, apply: bool) -> Result<Vec<MigrateReport>> {
    let index = layout.read_index()?;
    let present: Vec<&str> = index.manifests.iter().map(|d| d.digest.as_str()).collect();
    let mut reports = Vec::new();
    let mut drop_tags = Vec::new();
    for d in &index.manifests {
        let Some(tag) = d.annotations.get(ANNOTATION_REF_NAME) else {
            continue;
        };
        let Some(subject) = fallback_subject(tag) else {
            continue;
        };
        let Some(bytes) = layout.read_blob(&d.digest)? else {
            continue;
        };
        let Ok(fallback) = serde_json::from_slice::<ImageIndex>(&bytes) else {
            continue;
        };
        let missing: Vec<String> = fallback
            .manifests
            .iter()
            .filter(|e| !present.contains(&e.digest.as_str()))
            .map(|e| e.digest.clone())
            .collect();
        let ok = missing.is_empty();
        if ok && apply {
            drop_tags.push(tag.clone());
        }
        reports.push(MigrateReport {
            subject,
            tag: tag.clone(),
            entries: fallback.manifests.len(),
            visible: fallback.manifests.len() - missing.len(),
            repushed: Vec::new(),
            action: match (ok, apply) {
                (false, _) => "kept",
                (true, false) => "would remove tag",
                (true, true) => "removed tag",
            },
            message: (!ok).then(|| format!("not in the layout: {}; tag kept", missing.join(", "))),
        });
    }
    if !drop_tags.is_empty() {
        layout.remove_from_index(&|d| {
            d.annotations
                .get(ANNOTATION_REF_NAME)
                .is_some_and(|t| drop_tags.contains(t))
        })?;
    }
    Ok(reports)
}
