//! `cargo attest attach REF --bundle FILE`.

use super::{Report, attach_options, memory};
use crate::attach::attach_bundle;
use crate::cli::AttachArgs;
use crate::error::{Error, Result};
use crate::fsutil;
use crate::provenance;
use crate::settings::Settings;
use crate::signing::dsse::unverified_statement;

pub(super) fn run(settings: &Settings, args: &AttachArgs) -> Result<Report> {
    let text = fsutil::read_text(&args.bundle)?;
    let shown = args.bundle.display().to_string();
    let statement = unverified_statement(&text, &shown)?;
    let located = settings.places().locate(&args.reference, false)?;
    let subject = located.store.resolve(&located.target)?;
    // An attestation that does not name its image can never verify against
    // it: refuse before anything is written, unless the user insists.
    if !statement.names(&subject.digest) {
        if !args.force {
            return Err(Error::invalid_input(format!(
                "{shown} does not name {} ({}) as a subject, so `verify` would reject it there; \
                 attest the image (`cargo attest --subject-name NAME --subject-digest {}`), \
                 or pass --force to attach it anyway",
                located.display, subject.digest, subject.digest
            )));
        }
        tracing::warn!(
            "{shown} does not name {} as a subject; attaching it anyway (--force)",
            subject.digest
        );
    }
    let predicate_type = statement.predicate_type;
    let created = provenance::created_annotation(
        settings.created,
        settings.source_date_epoch,
        provenance::source::commit_time(std::path::Path::new(".")),
    );
    let memory = memory(settings);
    let attached = attach_bundle(
        located.store.as_ref(),
        &subject,
        text.as_bytes(),
        &predicate_type,
        &attach_options(settings, &memory, created.as_deref()),
    )?;
    let mut report = Report::new(&attached)?;
    report.line(attached.describe());
    Ok(report)
}
