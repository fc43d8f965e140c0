//! `cargo attest download REF [-o DIR]`: the Sigstore bundles attached to an
//! image, written as files for offline verification (as `gh attestation
//! download` does), each checked against its digest on the way.

use serde::Serialize;

use super::Report;
use crate::attach::content::{Format, read_attestations};
use crate::attach::discover::discover;
use crate::cli::DownloadArgs;
use crate::error::{Error, ExitCode, Result};
use crate::fsutil::{self, Mode};
use crate::settings::Settings;
use crate::signing::dsse::unverified_statement;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DownloadOutput {
    subject: String,
    digest: String,
    directory: String,
    bundles: Vec<Written>,
    skipped: Vec<Skipped>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Written {
    /// The attestation manifest.
    attestation: String,
    /// The bundle blob (its file is named after it).
    digest: String,
    size: u64,
    path: String,
    predicate_type: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Skipped {
    attestation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    layer: Option<String>,
    reason: String,
}

pub(super) fn run(settings: &Settings, args: &DownloadArgs) -> Result<Report> {
    let located = settings.places().locate(&args.reference, false)?;
    let store = located.store.as_ref();
    let subject = store.resolve(&located.target)?;
    let found = discover(store, &subject.digest, None)?;
    let mut written = Vec::new();
    let mut skipped = Vec::new();
    let mut failure: Option<Error> = None;
    for attached in read_attestations(store, &subject, &found.referrers) {
        let layer = attached.layer.clone();
        if attached.format == Format::DsseEnvelope {
            skipped.push(Skipped {
                attestation: attached.manifest,
                layer: layer.map(|l| l.digest),
                reason: "a cosign legacy DSSE envelope, not a Sigstore bundle \
                         (check it with `cargo attest verify REF`)"
                    .into(),
            });
            continue;
        }
        let file_name = attached.file_name();
        let (bytes, layer, file_name) = match (attached.content, layer, file_name) {
            (Ok(bytes), Some(layer), Some(name)) => (bytes, layer, name),
            (content, layer, _) => {
                let reason = match content {
                    Err(e) => {
                        // A manifest about another subject is not ours to
                        // fetch; a registry that serves the wrong bytes is
                        // a failure.
                        if e.exit_code() != ExitCode::VerificationFailed {
                            tracing::warn!("{}: {}", attached.manifest, e.report());
                        }
                        let reason = e.report();
                        if e.exit_code() != ExitCode::VerificationFailed && failure.is_none() {
                            failure = Some(e);
                        }
                        reason
                    }
                    Ok(_) => "no bundle layer".into(),
                };
                skipped.push(Skipped {
                    attestation: attached.manifest,
                    layer: layer.map(|l| l.digest),
                    reason,
                });
                continue;
            }
        };
        let path = args.output.join(&file_name);
        fsutil::write_atomically(&path, &bytes, Mode::Public)?;
        let predicate_type = std::str::from_utf8(&bytes)
            .ok()
            .and_then(|text| unverified_statement(text, &file_name).ok())
            .map(|s| s.predicate_type);
        written.push(Written {
            attestation: attached.manifest,
            digest: layer.digest,
            size: bytes.len() as u64,
            path: fsutil::display_path(&path),
            predicate_type,
        });
    }
    let mut lines = Vec::new();
    for w in &written {
        lines.push(format!(
            "Wrote {} (attestation {}{})",
            w.path,
            w.attestation,
            w.predicate_type
                .as_deref()
                .map(|t| format!(", {t}"))
                .unwrap_or_default()
        ));
    }
    for s in &skipped {
        lines.push(format!(
            "Skipped {}: {}",
            s.layer.as_deref().unwrap_or(&s.attestation),
            s.reason
        ));
    }
    let count = written.len();
    lines.push(format!(
        "Downloaded {count} bundle{} attached to {} ({})",
        if count == 1 { "" } else { "s" },
        located.display,
        subject.digest
    ));
    let mut report = Report::new(&DownloadOutput {
        subject: located.display.clone(),
        digest: subject.digest.clone(),
        directory: args.output.display().to_string(),
        bundles: written,
        skipped,
    })?;
    for line in lines {
        report.line(line);
    }
    if count == 0 && !settings.json() {
        tracing::info!("No Sigstore bundle is attached to {}.", located.display);
    }
    Ok(match failure {
        Some(e) => report.fail(e),
        None => report,
    })
}
