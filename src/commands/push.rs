//! `cargo attest push REF FILE...`.

use serde::Serialize;

use super::{Report, attach_options, memory};
use crate::attach::AttachReport;
use crate::cli::PushArgs;
use crate::error::{Error, Result};
use crate::provenance;
use crate::publish::{Attachment, Attestation, Publication, artifact_files, publish};
use crate::settings::Settings;
use crate::signing::dsse::unverified_statement;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PushOutput {
    #[serde(skip_serializing_if = "Option::is_none")]
    attached: Option<AttachReport>,
    reference: String,
    digest: String,
    media_type: String,
    size: u64,
    artifact_type: String,
    files: Vec<PushedFile>,
}

#[derive(Serialize)]
struct PushedFile {
    title: String,
    digest: String,
    size: u64,
}

pub(super) fn run(settings: &Settings, args: &PushArgs) -> Result<Report> {
    let places = settings.places();
    let destination = places.parse(&args.reference)?;
    let tag = destination.push_tag("push", &args.reference)?;
    let files = artifact_files(&args.files)?;
    // Read the bundle before anything is pushed: a bad file fails early.
    let bundle = args.bundle.as_deref().map(read_bundle).transpose()?;
    let located = places
        .prepare_write(&destination, "push", &args.reference)?
        .open(&places)?;
    let created = provenance::created_annotation(
        settings.created,
        settings.source_date_epoch,
        provenance::source::commit_time(std::path::Path::new(".")),
    );
    let memory = memory(settings);
    let options = attach_options(settings, &memory, created.as_deref());
    let progress = crate::progress::Progress::new(settings.progress);
    let published = publish(
        located.store.as_ref(),
        &tag,
        &Publication {
            files: &files,
            artifact_type: &args.artifact_type,
            created: created.as_deref(),
            planned_manifest: None,
            attestations: bundle
                .as_ref()
                .map(|(text, predicate_type)| Attestation {
                    bundle: text.as_bytes(),
                    predicate_type,
                    options: &options,
                    // An attestation from a file: attach it as asked.
                    is_same: None,
                })
                .into_iter()
                .collect(),
            label: None,
        },
        &progress,
    )?;
    progress.finish();
    let manifest = &published.manifest;
    let pushed_line = format!("Pushed {} ({})", located.display, manifest.digest);
    // push attaches one bundle at most (--bundle), and always anew.
    let attached = match published.attached.into_iter().next() {
        Some(Attachment::New(report)) => Some(report),
        Some(Attachment::Existing { .. }) => {
            return Err(Error::internal("an attestation was not attached"));
        }
        None => None,
    };
    let attached_line = attached.as_ref().map(AttachReport::describe);
    let mut report = Report::new(&PushOutput {
        reference: located.display.clone(),
        digest: manifest.digest.clone(),
        media_type: manifest.media_type.clone(),
        size: manifest.size,
        artifact_type: args.artifact_type.clone(),
        files: published
            .layers
            .into_iter()
            .map(|l| PushedFile {
                title: l.title,
                digest: l.digest,
                size: l.size,
            })
            .collect(),
        attached,
    })?;
    report.line(pushed_line);
    if let Some(line) = attached_line {
        report.line(line);
    }
    Ok(report)
}

/// A bundle to attach, and the predicate type its statement names (read,
/// not verified).
fn read_bundle(path: &std::path::Path) -> Result<(String, String)> {
    let text = crate::fsutil::read_text(path)?;
    let predicate_type = unverified_statement(&text, &path.display().to_string())?.predicate_type;
    Ok((text, predicate_type))
}
