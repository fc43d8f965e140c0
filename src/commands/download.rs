//! `cargo attest download REF [-o DIR]`: the Sigstore bundles attached to an
//! image, written as files for offline verification (as `gh attestation
//! download` does), each checked against its digest on the way.

use std::path::Path;

use serde::Serialize;

use super::Report;
use crate::attach::content::{Attached, Format, Unreadable, read_attestations};
use crate::attach::discover::discover;
use crate::cli::{BundleFormat, DownloadArgs};
use crate::error::{Error, Result};
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
    let mut saved = Saved {
        format: args.bundle_format,
        jsonl_path: args.output.join(jsonl_name(&subject.digest)),
        ..Saved::default()
    };
    for attached in read_attestations(store, &subject, &found.referrers) {
        saved.save(attached, &args.output)?;
    }
    if !saved.jsonl.is_empty() {
        fsutil::write_atomically(&saved.jsonl_path, &saved.jsonl, Mode::Public)?;
    }
    let Saved {
        written,
        skipped,
        failure,
        ..
    } = saved;
    let lines = human_lines(&written, &skipped, &located.display, &subject.digest);
    let count = written.len();
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

/// What the download did with each attestation, and the first failure of
/// the store, which fails the command once everything else is written.
#[derive(Default)]
struct Saved {
    written: Vec<Written>,
    skipped: Vec<Skipped>,
    failure: Option<Error>,
    /// One file per bundle, or gh's JSON lines (`--bundle-format`).
    format: BundleFormat,
    /// With JSON lines: the file, and the lines gathered for it.
    jsonl_path: std::path::PathBuf,
    jsonl: Vec<u8>,
}

impl Saved {
    /// Writes one attestation's bundle into `dir`, or says why it is
    /// skipped.
    fn save(&mut self, attached: Attached, dir: &Path) -> Result<()> {
        let layer = attached.layer.clone();
        if attached.format == Format::DsseEnvelope {
            self.skipped.push(Skipped {
                attestation: attached.manifest,
                layer: layer.map(|l| l.digest),
                reason: "a cosign legacy DSSE envelope, not a Sigstore bundle \
                         (check it with `cargo attest verify REF`)"
                    .into(),
            });
            return Ok(());
        }
        let file_name = attached.file_name();
        let (bytes, layer, file_name) = match (attached.content, layer, file_name) {
            (Ok(bytes), Some(layer), Some(name)) => (bytes, layer, name),
            (content, layer, _) => {
                let reason = match content {
                    // A manifest about another subject is not ours to
                    // fetch; a registry that serves the wrong bytes is a
                    // failure.
                    Err(Unreadable::NotAnAttestation(e)) => e.report(),
                    Err(Unreadable::Store(e)) => {
                        tracing::warn!("{}: {}", attached.manifest, e.report());
                        let reason = e.report();
                        self.failure.get_or_insert(e);
                        reason
                    }
                    Ok(_) => "no bundle layer".into(),
                };
                self.skipped.push(Skipped {
                    attestation: attached.manifest,
                    layer: layer.map(|l| l.digest),
                    reason,
                });
                return Ok(());
            }
        };
        let path = match self.format {
            BundleFormat::SigstoreJson => {
                let path = dir.join(&file_name);
                fsutil::write_atomically(&path, &bytes, Mode::Public)?;
                path
            }
            BundleFormat::Jsonl => {
                self.jsonl.extend(one_line(&bytes).chain([b'\n']));
                self.jsonl_path.clone()
            }
        };
        let predicate_type = std::str::from_utf8(&bytes)
            .ok()
            .and_then(|text| unverified_statement(text, &file_name).ok())
            .map(|s| s.predicate_type);
        self.written.push(Written {
            attestation: attached.manifest,
            digest: layer.digest,
            size: bytes.len() as u64,
            path: fsutil::display_path(&path),
            predicate_type,
        });
        Ok(())
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

/// One line per bundle written or skipped, and the count.
fn human_lines(
    written: &[Written],
    skipped: &[Skipped],
    subject: &str,
    digest: &str,
) -> Vec<String> {
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
        "Downloaded {count} bundle{} attached to {subject} ({digest})",
        if count == 1 { "" } else { "s" },
    ));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_lines_name_each_bundle_and_the_count() {
        let written = [Written {
            attestation: "sha256:aa".into(),
            digest: "sha256:bb".into(),
            size: 3,
            path: "dl/sha256-bb.sigstore.json".into(),
            predicate_type: Some("https://slsa.dev/provenance/v1".into()),
        }];
        let skipped = [
            Skipped {
                attestation: "sha256:cc".into(),
                layer: Some("sha256:dd".into()),
                reason: "why".into(),
            },
            Skipped {
                attestation: "sha256:ee".into(),
                layer: None,
                reason: "no bundle layer".into(),
            },
        ];
        assert_eq!(
            human_lines(&written, &skipped, "r.io/app:v1", "sha256:ff"),
            [
                "Wrote dl/sha256-bb.sigstore.json (attestation sha256:aa, https://slsa.dev/provenance/v1)",
                "Skipped sha256:dd: why",
                "Skipped sha256:ee: no bundle layer",
                "Downloaded 1 bundle attached to r.io/app:v1 (sha256:ff)",
            ]
        );
        assert_eq!(
            human_lines(&[], &[], "r.io/app:v1", "sha256:ff"),
            ["Downloaded 0 bundles attached to r.io/app:v1 (sha256:ff)"]
        );
    }
}
