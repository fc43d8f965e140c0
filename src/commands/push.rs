//! `cargo attest push REF FILE...`.

use serde::Serialize;

use super::{Ui, target};
use crate::cli::{GlobalArgs, PushArgs};
use crate::error::{Error, Result};
use crate::provenance::subjects::sha256_file;
use crate::registry::push::{ArtifactFile, artifact_manifest, push_artifact};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PushOutput<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attached: Option<&'a super::attach::AttachReport>,
    pub reference: String,
    pub digest: String,
    pub media_type: String,
    pub size: u64,
    pub artifact_type: String,
    pub files: Vec<PushedFile>,
}

#[derive(Serialize)]
pub struct PushedFile {
    pub title: String,
    pub digest: String,
    pub size: u64,
}

pub fn run(ui: &Ui, global: &GlobalArgs, args: &PushArgs) -> Result<()> {
    let files = artifact_files(&args.files)?;
    // Read the bundle before anything is pushed: a bad file fails early.
    let bundle = match &args.bundle {
        Some(path) => {
            let text = super::read_text(path)?;
            let predicate_type =
                super::attach::bundle_predicate_type(&text, &path.display().to_string())?;
            Some((text, predicate_type))
        }
        None => None,
    };
    let located = target::locate(ui, global, &args.reference, true)?;
    if located.tag().is_none() {
        return Err(Error::usage(format!(
            "push to a tag, not a digest: `{}`",
            args.reference
        )));
    }
    let created = super::attest::created_timestamp()?;
    let (_, bytes) = artifact_manifest(&files, &args.artifact_type, Some(&created))?;
    let progress = target::progress(ui, global);
    let descriptor = push_artifact(located.target(), &files, &bytes, located.tag(), &progress)?;
    let attached = match &bundle {
        Some((text, predicate_type)) => Some(super::attach::attach_bundle(
            ui,
            global,
            &located,
            &descriptor,
            text.as_bytes(),
            predicate_type,
        )?),
        None => None,
    };
    ui.emit_json(&PushOutput {
        attached: attached.as_ref(),
        reference: located.display.clone(),
        digest: descriptor.digest.clone(),
        media_type: descriptor.media_type.clone(),
        size: descriptor.size,
        artifact_type: args.artifact_type.clone(),
        files: files
            .iter()
            .map(|f| PushedFile {
                title: f.title.clone(),
                digest: f.digest.clone(),
                size: f.size,
            })
            .collect(),
    })?;
    ui.result(format!(
        "Pushed {} ({})",
        located.display, descriptor.digest
    ));
    if let Some(report) = &attached {
        ui.result(super::attach::describe(report));
    }
    Ok(())
}

/// Hashes the files to push; titles are file names and must be unique.
pub fn artifact_files(paths: &[std::path::PathBuf]) -> Result<Vec<ArtifactFile>> {
    paths
        .iter()
        .map(|path| {
            let meta = std::fs::metadata(path).map_err(|e| Error::io("read", path, e))?;
            if !meta.is_file() {
                return Err(Error::io(
                    "read",
                    path,
                    std::io::Error::other("not a regular file"),
                ));
            }
            let title = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .ok_or_else(|| Error::usage(format!("{} has no file name", path.display())))?;
            Ok(ArtifactFile {
                path: path.clone(),
                title,
                digest: format!("sha256:{}", sha256_file(path)?),
                size: meta.len(),
            })
        })
        .collect()
}
