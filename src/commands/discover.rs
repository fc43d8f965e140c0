//! `cargo attest discover REF`: what is attached, as a tree for people.

use serde::Serialize;

use super::Report;
use crate::attach::discover::{Discovery, Referrer, discover};
use crate::cli::DiscoverArgs;
use crate::error::Result;
use crate::oci::platform::{self, Platform};
use crate::output::label;
use crate::settings::Settings;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DiscoverOutput<'a> {
    subject: SubjectOut<'a>,
    #[serde(flatten)]
    discovery: &'a Discovery,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SubjectOut<'a> {
    reference: &'a str,
    digest: &'a str,
    media_type: &'a str,
}

pub(super) fn run(settings: &Settings, args: &DiscoverArgs) -> Result<Report> {
    let platform = args.platform.as_deref().map(Platform::parse).transpose()?;
    let located = settings.places().locate(&args.reference, false)?;
    let subject = platform::resolve(located.store.as_ref(), &located.target, platform.as_ref())?;
    let discovery = discover(
        located.store.as_ref(),
        &subject.digest,
        args.artifact_type.as_deref(),
    )?;
    let mut report = Report::new(&DiscoverOutput {
        subject: SubjectOut {
            reference: &located.display,
            digest: &subject.digest,
            media_type: &subject.media_type,
        },
        discovery: &discovery,
    })?;
    report.line(format!(
        "{}@{}",
        located.display.split('@').next().unwrap_or(""),
        subject.digest
    ));
    for line in tree(&discovery.referrers) {
        report.line(line);
    }
    if discovery.referrers.is_empty() && !settings.json() {
        tracing::info!("No referrers.");
    }
    tracing::debug!(
        "referrers API: {}; tag fallback: {}",
        discovery.referrers_api,
        discovery.tag_fallback
    );
    Ok(report)
}

/// Referrers grouped by artifactType, as a tree.
fn tree(referrers: &[Referrer]) -> Vec<String> {
    let mut groups: Vec<(&str, Vec<&Referrer>)> = Vec::new();
    for r in referrers {
        let t = r
            .descriptor
            .artifact_type
            .as_deref()
            .unwrap_or("(no artifactType)");
        match groups.iter_mut().find(|(g, _)| *g == t) {
            Some((_, v)) => v.push(r),
            None => groups.push((t, vec![r])),
        }
    }
    let mut lines = Vec::new();
    for (gi, (artifact_type, items)) in groups.iter().enumerate() {
        let last_group = gi + 1 == groups.len();
        lines.push(format!(
            "{} {artifact_type}",
            if last_group { "└──" } else { "├──" }
        ));
        for (i, r) in items.iter().enumerate() {
            let branch = if i + 1 == items.len() {
                "└──"
            } else {
                "├──"
            };
            let stem = if last_group { "    " } else { "│   " };
            let mut sources: Vec<String> = r.sources.iter().map(label).collect();
            if let Some(legacy) = &r.cosign {
                sources.push(legacy.tag.clone());
            }
            lines.push(format!(
                "{stem}{branch} {} [{}]",
                r.descriptor.digest,
                sources.join(", ")
            ));
        }
    }
    lines
}
