//! `cargo attest inspect BUNDLE|REF`: what a bundle, or each attestation
//! attached to an image, says: the statement's subjects, predicate type,
//! builder, source, materials and times, and the signer the bundle names.
//! Nothing is verified, and the output says so.

use std::path::Path;

use serde::Serialize;

use super::Report;
use crate::attach::content::{Format, Unreadable, read_attestations};
use crate::attach::discover::discover;
use crate::cli::InspectArgs;
use crate::error::{Error, Result};
use crate::fsutil;
use crate::provenance::Statement;
use crate::settings::Settings;
use crate::signing::DsseBundle;
use crate::signing::dsse::statement_error;
use crate::signing::material::{Material, Signer, bundle_material, envelope_material};
use crate::strict_json::{self, StrictError};
use crate::verify::summary::{Summary, summarize};

/// One attestation of a REF, in JSON.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AttachedOut {
    attestation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    layer: Option<String>,
    format: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    statement: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// A bundle or envelope, decoded (not verified).
struct Decoded {
    material: Material,
    statement: Statement,
    /// The statement exactly as signed, for `--format json`.
    json: serde_json::Value,
}

fn decode(text: &str, format: Format, label: &str) -> Result<Decoded> {
    let invalid = |e: &dyn std::fmt::Display| Error::invalid_input(format!("{label}: {e}"));
    // A repeated key is refused, not shown: whichever value we showed, a
    // verifier that reads the other would see a different document.
    let (bundle, material) = match format {
        Format::SigstoreBundle => {
            let bundle = DsseBundle::parse(text).map_err(|e| e.into_error(label))?;
            (bundle, bundle_material(text).map_err(|e| invalid(&e))?)
        }
        Format::DsseEnvelope => {
            let bundle = DsseBundle::parse_envelope(text).map_err(|e| e.into_error(label))?;
            let material = envelope_material(bundle.signature_key_id().map(str::to_string));
            (bundle, material)
        }
    };
    let payload = bundle.unverified_payload();
    let json: serde_json::Value = strict_json::from_slice(payload).map_err(|e| match e {
        e @ StrictError::DuplicateKey(_) => statement_error(e, label),
        StrictError::Json(e) => invalid(&format!("the payload is not JSON: {e}")),
    })?;
    let statement: Statement = serde_json::from_value(json.clone())
        .map_err(|e| invalid(&format!("the payload is not an in-toto statement: {e}")))?;
    Ok(Decoded {
        material,
        statement,
        json,
    })
}

pub(super) fn run(settings: &Settings, args: &InspectArgs) -> Result<Report> {
    let path = Path::new(&args.target);
    if path.is_file() {
        return run_file(path);
    }
    run_ref(settings, &args.target)
}

fn run_file(path: &Path) -> Result<Report> {
    let text = fsutil::read_text(path)?;
    let shown = path.display().to_string();
    // A bundle, else a bare DSSE envelope (such as a cosign legacy layer).
    let decoded = match decode(&text, Format::SigstoreBundle, &shown) {
        Ok(d) => d,
        Err(bundle_error) => {
            decode(&text, Format::DsseEnvelope, &shown).map_err(|_| bundle_error)?
        }
    };
    let mut report = Report::new(&decoded.json)?;
    for line in describe(&shown, &decoded) {
        report.line(line);
    }
    Ok(report)
}

fn run_ref(settings: &Settings, reference: &str) -> Result<Report> {
    let located = settings.places().locate(reference, false)?;
    let store = located.store.as_ref();
    let subject = store.resolve(&located.target)?;
    let found = discover(store, &subject.digest, None)?;
    let mut entries = Vec::new();
    let mut lines = vec![format!(
        "{}@{} (nothing below is verified; use `cargo attest verify`)",
        located.display.split('@').next().unwrap_or(""),
        subject.digest
    )];
    for attached in read_attestations(store, &subject, &found.referrers) {
        let layer = match attached.format {
            Format::DsseEnvelope => attached.layer.as_ref().map(|l| l.digest.clone()),
            Format::SigstoreBundle => None,
        };
        let label = layer.clone().unwrap_or_else(|| attached.manifest.clone());
        let format_name = match attached.format {
            Format::SigstoreBundle => "sigstore-bundle",
            Format::DsseEnvelope => "cosign-legacy-dsse",
        };
        let decoded = attached
            .content
            .map_err(Unreadable::into_error)
            .and_then(|bytes| {
                let text = String::from_utf8(bytes)
                    .map_err(|_| Error::invalid_input(format!("{label}: not UTF-8")))?;
                decode(&text, attached.format, &label)
            });
        lines.push(String::new());
        match decoded {
            Ok(decoded) => {
                let heading = match &layer {
                    Some(l) => format!("{l} (cosign legacy, in {})", attached.manifest),
                    None => attached.manifest.clone(),
                };
                lines.extend(describe(&heading, &decoded));
                entries.push(AttachedOut {
                    attestation: attached.manifest,
                    layer,
                    format: format_name,
                    statement: Some(decoded.json),
                    error: None,
                });
            }
            Err(e) => {
                lines.push(format!("{label}: cannot be read: {}", e.report()));
                entries.push(AttachedOut {
                    attestation: attached.manifest,
                    layer,
                    format: format_name,
                    statement: None,
                    error: Some(e.report()),
                });
            }
        }
    }
    if entries.is_empty() && !settings.json() {
        tracing::info!("No attestation is attached to {}.", located.display);
    }
    let mut report = Report::new(&entries)?;
    for line in lines {
        report.line(line);
    }
    Ok(report)
}

/// Lines for people about one bundle.
fn describe(heading: &str, decoded: &Decoded) -> Vec<String> {
    let Summary {
        statement_type,
        predicate_type,
        subjects,
        builder,
        build_type,
        source,
        source_commit,
        materials,
        started,
        finished,
    } = summarize(&decoded.statement);
    let m = &decoded.material;
    let none = || "(not recorded)".to_string();
    let mut lines = vec![format!("{heading}: {} (not verified)", m.media_type)];
    let mut field = |name: &str, value: String| lines.push(format!("  {name:<13} {value}"));
    field("Signer:", signer(&m.signer));
    field("Statement:", statement_type);
    field("Predicate:", predicate_type);
    field("Subjects:", subjects.len().to_string());
    for (name, digest) in &subjects {
        field("", format!("- {name} {digest}"));
    }
    field("Builder:", builder.unwrap_or_else(none));
    field("Build type:", build_type.unwrap_or_else(none));
    field(
        "Source:",
        match (source, source_commit) {
            (Some(s), Some(c)) => format!("{s} (commit {c})"),
            (Some(s), None) => s,
            (None, Some(c)) => format!("commit {c}"),
            (None, None) => none(),
        },
    );
    field(
        "Materials:",
        materials.map_or_else(none, |n| {
            format!("{n} resolved dependenc{}", if n == 1 { "y" } else { "ies" })
        }),
    );
    field("Started:", started.unwrap_or_else(none));
    field("Finished:", finished.unwrap_or_else(none));
    if let Signer::Certificate {
        not_before,
        not_after,
        ..
    } = &m.signer
    {
        field("Certificate:", format!("valid {not_before} to {not_after}"));
    }
    field("Log entries:", log_entries(m));
    field("Timestamps:", timestamps(m));
    lines
}

/// Who signed, as the bundle says (nothing verified).
fn signer(signer: &Signer) -> String {
    match signer {
        Signer::Key { hint, keyid } => {
            let mut parts = Vec::new();
            if let Some(h) = hint {
                parts.push(format!("key {h}"));
            }
            if let Some(k) = keyid {
                parts.push(format!("keyid {k}"));
            }
            if parts.is_empty() {
                "a key the bundle does not name".into()
            } else {
                parts.join(", ")
            }
        }
        Signer::Certificate {
            identity, issuer, ..
        } => format!(
            "certificate for {} (issuer {})",
            identity.as_deref().unwrap_or("(no identity)"),
            issuer.as_deref().unwrap_or("(none)")
        ),
        Signer::BadCertificate(e) => format!("a certificate that does not parse: {e}"),
    }
}

/// The transparency log entries and their integrated times.
fn log_entries(m: &Material) -> String {
    if m.log_entries.is_empty() {
        "none".into()
    } else {
        m.log_entries
            .iter()
            .map(|t| t.map_or("no integrated time".into(), |t| format!("integrated {t}")))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The RFC 3161 timestamps and the times they state.
fn timestamps(m: &Material) -> String {
    let stated = m
        .signed_timestamps
        .iter()
        .map(|t| match t {
            Ok(time) => format!("stating {time}"),
            Err(e) => format!("unreadable: {e}"),
        })
        .collect::<Vec<_>>();
    if stated.is_empty() {
        "0 signed (RFC 3161)".into()
    } else {
        format!("{} signed (RFC 3161), {}", stated.len(), stated.join(", "))
    }
}
