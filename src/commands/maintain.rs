//! `cargo attest prune REPO` and `cargo attest migrate REPO`: dry runs
//! unless `--yes`.

use serde::Serialize;

use super::Ui;
use super::target::{self, Place};
use crate::cli::{GlobalArgs, MaintainArgs};
use crate::error::{Error, Result};
use crate::registry::maintain::{self, MigrateReport, PruneItem};

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

fn repository_name(display: &str) -> &str {
    // `host/repo:latest` -> `host/repo`; layouts keep their description.
    display.strip_suffix(":latest").unwrap_or(display)
}

pub fn prune(ui: &Ui, global: &GlobalArgs, args: &MaintainArgs) -> Result<()> {
    let located = target::locate(ui, global, &args.repository, false)?;
    let items = match &located.place {
        Place::Registry(repo) => maintain::prune_registry(repo, args.yes, &|l| ui.detail(1, l))?,
        Place::Layout(layout) => maintain::prune_layout(layout, args.yes)?,
    };
    let name = repository_name(&located.display);
    ui.emit_json(&PruneOutput {
        repository: name,
        dry_run: !args.yes,
        items: &items,
    })?;
    for it in &items {
        let note = it
            .message
            .as_deref()
            .map(|m| format!(" ({m})"))
            .unwrap_or_default();
        ui.result(format!(
            "{:<13} {:<17} {}  subject {}{note}",
            it.action, it.kind, it.reference, it.subject
        ));
    }
    if items.is_empty() {
        ui.result(format!("Nothing to prune in {name}."));
    } else if !args.yes {
        ui.result(format!(
            "{} item(s) would be removed; run again with --yes to remove them.",
            items.len()
        ));
    }
    let bad = items
        .iter()
        .filter(|i| matches!(i.action, "refused" | "failed"))
        .count();
    if bad > 0 {
        return Err(Error::registry(
            name,
            format!("{bad} item(s) could not be removed; see the lines above"),
        ));
    }
    Ok(())
}

pub fn migrate(ui: &Ui, global: &GlobalArgs, args: &MaintainArgs) -> Result<()> {
    let located = target::locate(ui, global, &args.repository, false)?;
    let reports = match &located.place {
        Place::Registry(repo) => maintain::migrate_registry(repo, args.yes, &|l| ui.detail(1, l))?,
        Place::Layout(layout) => maintain::migrate_layout(layout, args.yes)?,
    };
    let name = repository_name(&located.display);
    ui.emit_json(&MigrateOutput {
        repository: name,
        dry_run: !args.yes,
        subjects: &reports,
    })?;
    for r in &reports {
        let note = r
            .message
            .as_deref()
            .map(|m| format!(" ({m})"))
            .unwrap_or_default();
        let repushed = if r.repushed.is_empty() {
            String::new()
        } else {
            format!(", {} re-pushed", r.repushed.len())
        };
        ui.result(format!(
            "{:<16} {}  {}/{} listed by the API{repushed}{note}",
            r.action, r.subject, r.visible, r.entries
        ));
    }
    if reports.is_empty() {
        ui.result(format!("No fallback tags in {name}."));
    } else if !args.yes {
        ui.result("Dry run: run again with --yes to remove the tags marked `would remove tag`.");
    }
    if reports
        .iter()
        .any(|r| matches!(r.action, "refused" | "failed"))
    {
        return Err(Error::registry(
            name,
            "some tags could not be removed; see the lines above",
        ));
    }
    Ok(())
}
