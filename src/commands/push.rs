//! `cargo attest push REF FILE...`.

use serde::Serialize;

use super::{Report, attach_options, memory};
use crate::cli::PushArgs;
use crate::error::{Error, Result};
use crate::provenance;
use crate::registry::attach::{AttachReport, attach_bundle};
use crate::registry::push::{artifact_files, artifact_manifest, push_layers, push_manifest};
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
    destination.push_tag("push", &args.reference)?;
    let files = artifact_files(&args.files)?;
    // Read the bundle before anything is pushed: a bad file fails early.
    let bundle = match &args.bundle {
        Some(path) => {
            let text = crate::fsutil::read_text(path)?;
            let predicate_type =
                unverified_statement(&text, &path.display().to_string())?.predicate_type;
            Some((text, predicate_type))
        }
        None => None,
    };
    let located = places
        .prepare_write(&destination, "push", &args.reference)?
        .open(&places)?;
    let Some(tag) = located.tag() else {
        return Err(Error::internal(format!(
            "push `{}` was checked to name a tag",
            args.reference
        )));
    };
    let created = provenance::created_annotation(
        settings.created,
        settings.source_date_epoch,
        provenance::source::commit_time(std::path::Path::new(".")),
    );
    let progress = crate::progress::Progress::new(settings.progress);
    let store = located.store.as_ref();
    let layers = push_layers(store, &files, &progress)?;
    let (_, bytes) = artifact_manifest(&layers, &args.artifact_type, created.as_deref())?;
    let descriptor = push_manifest(store, &bytes, Some(tag), &progress)?;
    let attached = match &bundle {
        Some((text, predicate_type)) => {
            let memory = memory(settings);
            Some(attach_bundle(
                store,
                &descriptor,
                text.as_bytes(),
                predicate_type,
                &attach_options(settings, &memory, created.as_deref()),
            )?)
        }
        None => None,
    };
    let pushed_line = format!("Pushed {} ({})", located.display, descriptor.digest);
    let attached_line = attached.as_ref().map(AttachReport::describe);
    let mut report = Report::new(&PushOutput {
        attached,
        reference: located.display.clone(),
        digest: descriptor.digest.clone(),
        media_type: descriptor.media_type.clone(),
        size: descriptor.size,
        artifact_type: args.artifact_type.clone(),
        files: layers
            .into_iter()
            .map(|l| PushedFile {
                title: l.title,
                digest: l.digest,
                size: l.size,
            })
            .collect(),
    })?;
    report.line(pushed_line);
    if let Some(line) = attached_line {
        report.line(line);
    }
    Ok(report)
}
