//! `cargo attest prune REPO` and `cargo attest migrate REPO`: dry runs
//! unless `--yes`.

use serde::Serialize;

use super::Report;
use crate::attach::migrate::{Action as MigrateAction, MigrateReport, migrate as migrate_store};
use crate::attach::prune::{Action as PruneAction, PruneItem, prune as prune_store};
use crate::cli::MaintainArgs;
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
