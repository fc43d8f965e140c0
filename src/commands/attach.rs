//! `cargo attest attach REF --bundle FILE` and `attach --subjects FILE
//! --bundle FILE` (one bundle to many images, one report).

use serde::Serialize;

use super::{Report, attach_options, memory};
use crate::attach::capabilities::Memory;
use crate::attach::subjects::parse_subjects;
use crate::attach::{AttachReport, attach_bundle};
use crate::cli::AttachArgs;
use crate::error::{Error, Result};
use crate::fsutil;
use crate::provenance;
use crate::settings::Settings;
use crate::signing::dsse::{UnverifiedStatement, unverified_statement};

/// The bundle, read once for every subject.
struct Bundle<'a> {
    text: String,
    shown: String,
    statement: UnverifiedStatement,
    created: Option<String>,
    memory: Memory,
    force: bool,
    settings: &'a Settings,
}

impl<'a> Bundle<'a> {
    fn read(settings: &'a Settings, args: &AttachArgs) -> Result<Self> {
        let text = fsutil::read_text(&args.bundle)?;
        let shown = args.bundle.display().to_string();
        let statement = unverified_statement(&text, &shown)?;
        let created = provenance::created_annotation(
            settings.created,
            settings.source_date_epoch,
            provenance::source::commit_time(std::path::Path::new(".")),
        );
        Ok(Bundle {
            text,
            shown,
            statement,
            created,
            memory: memory(settings),
            force: args.force,
            settings,
        })
    }

    /// Attaches the bundle to the image `reference` names.
    fn attach_to(&self, reference: &str) -> Result<AttachReport> {
        let located = self.settings.places().locate(reference, false)?;
        let subject = located.store.resolve(&located.target)?;
        // An attestation that does not name its image can never verify
        // against it: refuse before anything is written, unless the user
        // insists.
        if !self.statement.names(&subject.digest) {
            if !self.force {
                return Err(Error::invalid_input(format!(
                    "{} does not name {} ({}) as a subject, so `verify` would reject it there; \
                     attest the image (`cargo attest --subject-name NAME --subject-digest {}`), \
                     or pass --force to attach it anyway",
                    self.shown, located.display, subject.digest, subject.digest
                )));
            }
            tracing::warn!(
                "{} does not name {} as a subject; attaching it anyway (--force)",
                self.shown,
                subject.digest
            );
        }
        attach_bundle(
            located.store.as_ref(),
            &subject,
            self.text.as_bytes(),
            &self.statement.predicate_type,
            &attach_options(self.settings, &self.memory, self.created.as_deref()),
        )
    }
}

pub(super) fn run(settings: &Settings, args: &AttachArgs) -> Result<Report> {
    let bundle = Bundle::read(settings, args)?;
    let Some(reference) = &args.reference else {
        return run_many(&bundle, args);
    };
    let attached = bundle.attach_to(reference)?;
    let mut report = Report::new(&attached)?;
    report.line(attached.describe());
    Ok(report)
}

/// One subject's outcome in `attach --subjects`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SubjectOutcome {
    /// The reference attached to, pinned by digest.
    reference: String,
    /// Its line in the subjects file.
    line: usize,
    attached: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    attach: Option<AttachReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<super::ErrorOutput>,
}

/// `attach --subjects FILE`: every subject is tried, whatever happened at
/// the others; the run fails (with the first failure's exit code) when any
/// did.
fn run_many(bundle: &Bundle<'_>, args: &AttachArgs) -> Result<Report> {
    let Some(path) = &args.subjects else {
        return Err(Error::usage("give REF, or --subjects FILE"));
    };
    let shown = path.display().to_string();
    let subjects = parse_subjects(&fsutil::read_text(path)?, &shown)?;
    let mut outcomes = Vec::new();
    let mut lines = Vec::new();
    let mut first_failure = None;
    for s in &subjects {
        match bundle.attach_to(&s.reference) {
            Ok(attached) => {
                lines.push(format!("{}: {}", s.reference, attached.describe()));
                outcomes.push(SubjectOutcome {
                    reference: s.reference.clone(),
                    line: s.line,
                    attached: true,
                    attach: Some(attached),
                    error: None,
                });
            }
            Err(e) => {
                lines.push(format!(
                    "FAILED {} ({shown}:{}): {}",
                    s.reference,
                    s.line,
                    e.report()
                ));
                outcomes.push(SubjectOutcome {
                    reference: s.reference.clone(),
                    line: s.line,
                    attached: false,
                    attach: None,
                    error: Some(super::ErrorOutput::of(&e)),
                });
                first_failure.get_or_insert(e);
            }
        }
    }
    let failed = outcomes.iter().filter(|o| !o.attached).count();
    lines.push(format!(
        "Attached {} to {} of {} subjects{}",
        bundle.shown,
        outcomes.len() - failed,
        outcomes.len(),
        if failed > 0 {
            format!("; {failed} failed")
        } else {
            String::new()
        }
    ));
    let mut report = Report::new(&outcomes)?;
    for line in lines {
        report.line(line);
    }
    Ok(match first_failure {
        Some(e) => report.fail(e),
        None => report,
    })
}
