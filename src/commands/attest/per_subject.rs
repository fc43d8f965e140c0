//! `cargo attest --bundle-per-subject`: one statement and one bundle per
//! subject, each named after its subject (`provenance::names`) in the
//! directory of `--output`, signed under the run's one certificate (a new
//! one only when the run would outlive it, `signing::batch`) and logged
//! `--log-jobs` at a time. Each bundle is written as soon as it is signed;
//! a failed one is reported and fails the run, the others are kept.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use super::push::PushPlan;
use super::sign::{identity_token, sign};
use crate::cli::AttestArgs;
use crate::error::{Error, Result};
use crate::fsutil::{self, Mode};
use crate::provenance::names::bundle_file_names;
use crate::provenance::{self, Provenance, ProvenanceInput, Statement, Subject};
use crate::settings::Settings;
use crate::signing::batch::{self, CERTIFICATE_MARGIN, SignerSource, SystemClock};
use crate::signing::keyless::http::Services;
use crate::signing::keyless::{Endpoints, KeylessSigner};
use crate::signing::signer::{SignedBundle, Signer};

/// The variable `--log-jobs` falls back to.
const JOBS_VARIABLE: &str = "CARGO_ATTEST_LOG_JOBS";

/// With --bundle-per-subject, how many bundles are signed at once (checked
/// before anything else happens); `None` without it.
pub(super) fn jobs(settings: &Settings, args: &AttestArgs) -> Result<Option<usize>> {
    if !args.bundle_per_subject {
        return Ok(None);
    }
    let variable = settings.env.get(JOBS_VARIABLE).map(|v| (JOBS_VARIABLE, v));
    batch::jobs(args.log_jobs, variable).map(Some)
}

/// One subject's statement and where its bundle goes.
struct Entry {
    subject: Subject,
    path: PathBuf,
    payload: Vec<u8>,
}

/// Every subject's statement, made and named before anything is signed.
pub(super) struct Prepared {
    directory: PathBuf,
    entries: Vec<Entry>,
    jobs: usize,
}

/// The statements of `input`'s own subjects (those gathered, not the
/// pushed artifact), one each, sharing the run's invocation id with
/// `statement`; their bundles go beside `combined`, which they must not
/// overwrite when it is written (with --push).
pub(super) fn prepare(
    input: Option<ProvenanceInput>,
    jobs: Option<usize>,
    statement: &Statement<Provenance>,
    combined: &Path,
    plan: &Option<PushPlan>,
) -> Result<Option<Prepared>> {
    let (Some(mut input), Some(jobs)) = (input, jobs) else {
        return Ok(None);
    };
    let directory = match combined.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut subjects = std::mem::take(&mut input.subjects);
    subjects.sort();
    subjects.dedup();
    input.builder.invocation_id = Some(
        statement
            .predicate
            .run_details
            .metadata
            .invocation_id
            .clone(),
    );
    let names = bundle_file_names(&subjects);
    let combined_name = combined
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase());
    let mut entries = Vec::with_capacity(subjects.len());
    for (subject, name) in subjects.into_iter().zip(names) {
        if plan.is_some() && combined_name.as_deref() == Some(name.to_lowercase().as_str()) {
            return Err(Error::usage(format!(
                "the bundle of subject `{}` would overwrite the artifact's bundle {}: pass \
                 --output with another file name",
                subject.name,
                combined.display()
            )));
        }
        input.subjects = vec![subject.clone()];
        entries.push(Entry {
            payload: provenance::build_statement(&input).to_json(),
            path: directory.join(name),
            subject,
        });
    }
    Ok(Some(Prepared {
        directory,
        entries,
        jobs,
    }))
}

/// What became of one subject's bundle.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SubjectBundle {
    subject: String,
    digest: BTreeMap<String, String>,
    bundle: String,
    /// `written` or `failed`.
    outcome: &'static str,
    /// The log index of each transparency log entry.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    log_indexes: Vec<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exit_code: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// Every subject's bundle, and how they were made.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SubjectBundles {
    directory: String,
    /// Bundles signed and logged at once.
    log_jobs: usize,
    /// Certificates the bundles were signed under (keyless; 1 unless the
    /// run outlived one).
    #[serde(skip_serializing_if = "Option::is_none")]
    certificates: Option<usize>,
    written: usize,
    failed: usize,
    entries: Vec<SubjectBundle>,
}

/// The bundles' report and the first failed entry's error (in subject
/// order), which the run ends with.
pub(super) struct Outcome {
    pub(super) bundles: SubjectBundles,
    pub(super) failure: Option<Error>,
}

impl Prepared {
    /// Signs, logs and writes every subject's bundle, `jobs` at a time.
    pub(super) fn sign_all(
        self,
        settings: &Settings,
        args: &AttestArgs,
        signer: &Arc<Signer>,
        endpoints: &Endpoints,
        services: &Services,
    ) -> Outcome {
        let obtain = || renewed(settings, args, endpoints, services);
        let clock = SystemClock;
        let source = SignerSource::new(signer.clone(), &obtain, &clock, CERTIFICATE_MARGIN);
        let results = batch::bounded(&self.entries, self.jobs, |entry| {
            let signer = source.signer()?;
            let signed = sign(&entry.payload, &signer, endpoints, services)?;
            fsutil::write_atomically(&entry.path, signed.json.as_bytes(), Mode::Public)?;
            Ok::<SignedBundle, Error>(signed)
        });
        let mut failure = None;
        let entries: Vec<SubjectBundle> = self
            .entries
            .into_iter()
            .zip(results)
            .map(|(entry, result)| outcome(entry, result, &mut failure))
            .collect();
        let written = entries.iter().filter(|e| e.outcome == "written").count();
        Outcome {
            bundles: SubjectBundles {
                directory: fsutil::display_path(&self.directory),
                log_jobs: self.jobs,
                certificates: matches!(**signer, Signer::Keyless(_)).then(|| source.obtained()),
                written,
                failed: entries.len() - written,
                entries,
            },
            failure,
        }
    }
}

/// One entry's outcome; the first failure is kept in `failure`.
fn outcome(
    entry: Entry,
    result: Result<SignedBundle>,
    failure: &mut Option<Error>,
) -> SubjectBundle {
    let bundle = fsutil::display_path(&entry.path);
    let (outcome, log_indexes, exit_code, error) = match result {
        Ok(signed) => ("written", signed.log_indexes, None, None),
        Err(e) => {
            let text = e.report();
            tracing::warn!(
                "the bundle of {} was not written: {text}",
                entry.subject.name
            );
            let code = e.exit_code().code();
            failure.get_or_insert(e);
            ("failed", Vec::new(), Some(code), Some(text))
        }
    };
    SubjectBundle {
        subject: entry.subject.name,
        digest: entry.subject.digest,
        bundle,
        outcome,
        log_indexes,
        exit_code,
        error,
    }
}

/// A new keyless signer for the bundles left: a fresh key and a Fulcio
/// certificate, with the identity token found again (an ambient one is
/// requested anew; a given one must still be valid).
fn renewed(
    settings: &Settings,
    args: &AttestArgs,
    endpoints: &Endpoints,
    services: &Services,
) -> Result<Signer> {
    let fulcio = endpoints
        .fulcio
        .as_ref()
        .ok_or_else(|| Error::internal("a keyless signer without a Fulcio"))?;
    let token = identity_token(settings, args, services)?;
    let signer = KeylessSigner::obtain(&token, fulcio, services)?;
    Ok(Signer::Keyless(Box::new(signer)))
}

/// The lines people read: one per subject, then a summary.
pub(super) fn describe(bundles: &SubjectBundles) -> Vec<String> {
    let mut lines: Vec<String> = bundles
        .entries
        .iter()
        .map(|e| match &e.error {
            None if e.log_indexes.is_empty() => format!("{} -> {}", e.subject, e.bundle),
            None => format!(
                "{} -> {} (log index {})",
                e.subject,
                e.bundle,
                e.log_indexes
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Some(error) => format!("{} FAILED: {error}", e.subject),
        })
        .collect();
    let certificates = match bundles.certificates {
        Some(1) => ", under one certificate".to_string(),
        Some(n) => format!(", under {n} certificates"),
        None => String::new(),
    };
    lines.push(format!(
        "Wrote {} of {} subject bundles in {} ({} at a time{certificates}){}",
        bundles.written,
        bundles.written + bundles.failed,
        bundles.directory,
        bundles.log_jobs,
        match bundles.failed {
            0 => String::new(),
            n => format!("; {n} failed"),
        }
    ));
    lines
}
