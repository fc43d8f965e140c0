//! `cargo attest download REF [-o DIR]`: the Sigstore bundles attached to an
//! image, written as files for offline verification (as `gh attestation
//! download` does), each checked against its digest on the way: one file
//! per bundle, or gh's JSON-lines file (one bundle per line).

use serde::Serialize;

use super::Report;
use crate::attach::content::{Format, read_attestations};
use crate::attach::discover::discover;
use crate::cli::{BundleFormat, DownloadArgs};
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
    let jsonl_path = args.output.join(jsonl_name(&subject.digest));
    let mut jsonl = Vec::new();
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
                let reason = skip_reason(content, &attached.manifest, &mut failure);
                skipped.push(Skipped {
                    attestation: attached.manifest,
                    layer: layer.map(|l| l.digest),
                    reason,
                });
                continue;
            }
        };
        let path = match args.bundle_format {
            BundleFormat::SigstoreJson => {
                let path = args.output.join(&file_name);
                fsutil::write_atomically(&path, &bytes, Mode::Public)?;
                path
            }
            BundleFormat::Jsonl => {
                jsonl.extend(one_line(&bytes).chain([b'\n']));
                jsonl_path.clone()
            }
        };
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
    if !jsonl.is_empty() {
        fsutil::write_atomically(&jsonl_path, &jsonl, Mode::Public)?;
    }
    let lines = lines_for(&written, &skipped, &located.display, &subject.digest);
    let count = written.len();
    let mut report = Report::new(&DownloadOutput {
        subject: located.display.clone(),
        digest: subject.digest.clone(),
        directory: args.output.display().to_string(),
        bundles: written,
        skipped,
    })?;
    lines.into_iter().for_each(|line| report.line(line));
    if count == 0 && !settings.json() {
        tracing::info!("No Sigstore bundle is attached to {}.", located.display);
    }
    Ok(match failure {
        Some(e) => report.fail(e),
        None => report,
    })
}

/// Why an attestation's bundle was not written. A manifest about another
/// subject is not ours to fetch; a registry that fails or serves the wrong
/// bytes is a failure (the first one kept in `failure`).
fn skip_reason(content: Result<Vec<u8>>, manifest: &str, failure: &mut Option<Error>) -> String {
    match content {
        Err(e) => {
            let reason = e.report();
            if e.exit_code() != ExitCode::VerificationFailed {
                tracing::warn!("{manifest}: {reason}");
                failure.get_or_insert(e);
            }
            reason
        }
        Ok(_) => "no bundle layer".into(),
    }
}

/// gh's name for the JSON-lines file of `digest`'s bundles: the digest,
/// with `:` made `-` where file names cannot hold it.
fn jsonl_name(digest: &str) -> String {
    let name = if cfg!(windows) {
        digest.replace(':', "-")
    } else {
        digest.to_string()
    };
    format!("{name}.jsonl")
}

/// A bundle on one line: JSON cannot hold a raw line break inside a
/// string, so dropping them changes only layout, never what was signed
/// (the statement is base64 inside the envelope). The bytes are not
/// re-serialized, so a bundle with a duplicate key stays one that `verify`
/// refuses.
fn one_line(bytes: &[u8]) -> impl Iterator<Item = u8> + '_ {
    bytes.iter().copied().filter(|b| *b != b'\n' && *b != b'\r')
}

fn lines_for(written: &[Written], skipped: &[Skipped], shown: &str, digest: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for w in written {
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
    for s in skipped {
        lines.push(format!(
            "Skipped {}: {}",
            s.layer.as_deref().unwrap_or(&s.attestation),
            s.reason
        ));
    }
    let count = written.len();
    lines.push(format!(
        "Downloaded {count} bundle{} attached to {shown} ({digest})",
        if count == 1 { "" } else { "s" },
    ));
    lines
}
