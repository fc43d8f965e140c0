//! `migrate`: moves fallback-tag referrers to a store's referrers API,
//! written once over [`Store`]. A tag is removed only when the API lists
//! every entry of its index.

use std::collections::HashSet;

use serde::Serialize;

use super::prune::{self, Action as PruneAction, PruneItem, fallback_subject};
use crate::error::Result;
use crate::oci::Store;
use crate::oci::manifest::{ImageIndex, media_type_of};
use crate::oci::reference::Target;
use crate::oci::store::Referrers;

/// What migrate did, or would do, with a fallback tag. The labels with a
/// space keep it: they are part of the JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Action {
    #[serde(rename = "would remove tag")]
    WouldRemoveTag,
    #[serde(rename = "removed tag")]
    RemovedTag,
    Kept,
    Refused,
    Failed,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MigrateReport {
    pub(crate) subject: String,
    pub(crate) tag: String,
    pub(crate) entries: usize,
    /// Entries the referrers API lists (after any re-push).
    pub(crate) visible: usize,
    /// Manifests pushed again so the registry would index them.
    pub(crate) repushed: Vec<String>,
    pub(crate) action: Action,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) message: Option<String>,
}

pub(crate) fn migrate(store: &dyn Store, apply: bool) -> Result<Vec<MigrateReport>> {
    let mut reports = Vec::new();
    for tag in store.list_tags()? {
        let Some(subject) = fallback_subject(&tag) else {
            continue;
        };
        let Some(fetched) = store.get_manifest(&Target::Tag(tag.clone()))? else {
            continue;
        };
        let Ok(index) = serde_json::from_slice::<ImageIndex>(&fetched.bytes) else {
            continue;
        };
        let mut report = MigrateReport {
            subject: subject.clone(),
            tag: tag.clone(),
            entries: index.manifests.len(),
            visible: 0,
            repushed: Vec::new(),
            action: Action::Kept,
            message: None,
        };
        let listed = |store: &dyn Store| -> Result<Result<HashSet<String>, String>> {
            Ok(match store.referrers(&subject, None)? {
                Referrers::Index { manifests, .. } => {
                    Ok(manifests.into_iter().map(|d| d.digest).collect())
                }
                Referrers::NoApi(reason) => Err(reason),
            })
        };
        let mut visible = match listed(store)? {
            Ok(v) => v,
            Err(reason) => {
                report.message = Some(format!(
                    "the referrers API does not answer ({reason}); tag kept"
                ));
                reports.push(report);
                continue;
            }
        };
        let missing: Vec<&str> = index
            .manifests
            .iter()
            .filter(|d| !visible.contains(&d.digest))
            .map(|d| d.digest.as_str())
            .collect();
        if !missing.is_empty() && apply {
            // A registry indexes referrers when it receives them: push the
            // missing manifests again, byte for byte, by digest.
            for digest in &missing {
                if let Some(m) = store.get_manifest(&Target::Digest(digest.to_string()))? {
                    let media_type = media_type_of(&m.bytes, m.media_type.as_deref());
                    if store.put_manifest_by_digest(&media_type, &m.bytes).is_ok() {
                        report.repushed.push(digest.to_string());
                    }
                }
            }
            if !report.repushed.is_empty() {
                visible = listed(store)?.unwrap_or_default();
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
            report.action = Action::WouldRemoveTag;
            reports.push(report);
            continue;
        }
        let mut it = PruneItem::orphaned_tag(&tag, &subject, &fetched.digest);
        prune::remove(store, &mut it);
        report.action = match it.action {
            PruneAction::Removed => Action::RemovedTag,
            PruneAction::Refused => Action::Refused,
            PruneAction::Failed => Action::Failed,
            PruneAction::WouldRemove => Action::Kept,
        };
        report.message = it.message;
        reports.push(report);
    }
    Ok(reports)
}
