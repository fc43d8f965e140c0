//! `cargo attest prune REPO`, `cargo attest migrate REPO` and `cargo
//! attest repair REPO|REF`: dry runs unless `--yes`.

use serde::Serialize;

use super::Report;
use crate::attach::migrate::{Action as MigrateAction, MigrateReport, migrate as migrate_store};
use crate::attach::prune::{Action as PruneAction, PruneItem, prune as prune_store};
use crate::attach::repair::{Action as RepairAction, TagRepair, repair as repair_store};
use crate::cli::{MaintainArgs, RepairArgs};
use crate::error::{Error, Result};
use crate::output::label;
use crate::settings::Settings;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PruneOutput<'a> {
    repository: &'a str,
    dry_run: bool,
    items: &'a [PruneItem],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MigrateOutput<'a> {
    repository: &'a str,
    dry_run: bool,
    subjects: &'a [MigrateReport],
}

fn note(message: &Option<String>) -> String {
    message
        .as_deref()
        .map(|m| format!(" ({m})"))
        .unwrap_or_default()
}

pub(super) fn prune(settings: &Settings, args: &MaintainArgs) -> Result<Report> {
    let located = settings.places().locate(&args.repository, false)?;
    let items = prune_store(located.store.as_ref(), args.yes)?;
    let name = located.repository_display();
    let mut report = Report::new(&PruneOutput {
        repository: name,
        dry_run: !args.yes,
        items: &items,
    })?;
    for it in &items {
        report.line(format!(
            "{:<13} {:<17} {}  subject {}{}",
            label(&it.action),
            label(&it.kind),
            it.reference,
            it.subject,
            note(&it.message)
        ));
    }
    if items.is_empty() {
        report.line(format!("Nothing to prune in {name}."));
    } else if !args.yes {
        report.line(format!(
            "{} item(s) would be removed; run again with --yes to remove them.",
            items.len()
        ));
    }
    let bad = items
        .iter()
        .filter(|i| matches!(i.action, PruneAction::Refused | PruneAction::Failed))
        .count();
    if bad > 0 {
        let error = Error::registry(
            name,
            format!("{bad} item(s) could not be removed; see the lines above"),
        );
        return Ok(report.fail(error));
    }
    Ok(report)
}

pub(super) fn migrate(settings: &Settings, args: &MaintainArgs) -> Result<Report> {
    let located = settings.places().locate(&args.repository, false)?;
    let reports = migrate_store(located.store.as_ref(), args.yes)?;
    let name = located.repository_display();
    let mut report = Report::new(&MigrateOutput {
        repository: name,
        dry_run: !args.yes,
        subjects: &reports,
    })?;
    for r in &reports {
        let repushed = if r.repushed.is_empty() {
            String::new()
        } else {
            format!(", {} re-pushed", r.repushed.len())
        };
        report.line(format!(
            "{:<16} {}  {}/{} listed by the API{repushed}{}",
            label(&r.action),
            r.subject,
            r.visible,
            r.entries,
            note(&r.message)
        ));
    }
    if reports.is_empty() {
        report.line(format!("No fallback tags in {name}."));
    } else if !args.yes {
        report.line("Dry run: run again with --yes to remove the tags marked `would remove tag`.");
    }
    if reports
        .iter()
        .any(|r| matches!(r.action, MigrateAction::Refused | MigrateAction::Failed))
    {
        let error = Error::registry(name, "some tags could not be removed; see the lines above");
        return Ok(report.fail(error));
    }
    Ok(report)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RepairOutput<'a> {
    repository: &'a str,
    dry_run: bool,
    tags: &'a [TagRepair],
}

/// Whether REF names one image (a tag or a digest after its last `/`)
/// rather than a whole repository.
fn names_one_image(reference: &str) -> bool {
    let last = reference.rsplit('/').next().unwrap_or(reference);
    last.contains(':') || last.contains('@')
}

pub(super) fn repair(settings: &Settings, args: &RepairArgs) -> Result<Report> {
    let located = settings.places().locate(&args.reference, false)?;
    let store = located.store.as_ref();
    let subject = if names_one_image(&args.reference) {
        Some(store.resolve(&located.target)?.digest)
    } else {
        None
    };
    let tags = repair_store(store, subject.as_deref(), args.yes)?;
    let name = match subject {
        Some(_) => located.display.as_str(),
        None => located.repository_display(),
    };
    let mut report = Report::new(&RepairOutput {
        repository: name,
        dry_run: !args.yes,
        tags: &tags,
    })?;
    for t in &tags {
        report.line(format!(
            "{:<12} {}  {} fixed, {} dropped, {} kept{}",
            crate::output::label(&t.action),
            t.tag,
            t.fixed.len(),
            t.dropped.len(),
            t.kept.len(),
            note(&t.message)
        ));
        for f in &t.fixed {
            report.line(format!(
                "  fix  {}: artifactType {}{}",
                f.digest,
                f.artifact_type.as_deref().unwrap_or("(none)"),
                if f.annotations.is_empty() {
                    String::new()
                } else {
                    format!(", annotations {}", f.annotations.join(", "))
                }
            ));
        }
        for d in &t.dropped {
            report.line(format!("  drop {d}: its manifest is gone (404)"));
        }
        for u in &t.unchecked {
            report.line(format!("  keep {}: not checked: {}", u.digest, u.reason));
        }
    }
    let pending = tags
        .iter()
        .filter(|t| t.action == RepairAction::WouldRepair)
        .count();
    if tags.is_empty() {
        report.line(format!("No fallback tags in {name}."));
    } else if pending > 0 {
        report.line(format!(
            "Dry run: {pending} tag(s) would be repaired; run again with --yes to write them."
        ));
    }
    if tags.iter().any(|t| t.action == RepairAction::Failed) {
        let error = Error::registry(name, "some tags could not be repaired; see the lines above");
        return Ok(report.fail(error));
    }
    Ok(report)
}
