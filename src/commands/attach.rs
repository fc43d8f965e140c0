//! `cargo attest attach REF --bundle FILE`.

use super::{Report, attach_options, memory};
use crate::cli::AttachArgs;
use crate::error::Result;
use crate::fsutil;
use crate::provenance;
use crate::registry::attach::attach_bundle;
use crate::settings::Settings;
use crate::signing::dsse::bundle_predicate_type;

pub(super) fn run(settings: &Settings, args: &AttachArgs) -> Result<Report> {
    let text = fsutil::read_text(&args.bundle)?;
    let predicate_type = bundle_predicate_type(&text, &args.bundle.display().to_string())?;
    let located = settings.places().locate(&args.reference, false)?;
    let subject = located.store.resolve(&located.target)?;
    let created = provenance::created_annotation(settings.source_date_epoch);
    let memory = memory(settings);
    let attached = attach_bundle(
        located.store.as_ref(),
        &subject,
        text.as_bytes(),
        &predicate_type,
        &attach_options(settings, &memory, Some(&created)),
    )?;
    let mut report = Report::new(&attached)?;
    report.line(attached.describe());
    Ok(report)
}
