//! `cargo attest attach REF --bundle FILE`, `discover REF`, and the attach
//! step that `push --bundle` and `cargo attest --push` share.

use serde::Serialize;

use super::target::{self, Located, Place};
use super::{Ui, read_text};
use crate::cli::{AttachArgs, AttachMode, DiscoverArgs, GlobalArgs};
use crate::error::{Error, Result};
use crate::provenance::Statement;
use crate::registry::attach::{
    Strategy, attach_in_registry, attestation_manifest, push_attestation,
};
use crate::registry::capabilities::{Memory, Verdict};
use crate::registry::discover::{self, Discovery};
use crate::registry::manifest::Descriptor;
use crate::signing::DsseBundle;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachReport {
    pub subject: String,
    pub attestation: String,
    /// `referrers-api`, `tag-fallback` or `oci-layout`.
    pub method: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    pub remembered: bool,
    pub evidence: String,
}

fn strategy(global: &GlobalArgs) -> Strategy {
    match global.attach {
        AttachMode::Auto => Strategy::Auto,
        AttachMode::Referrers => Strategy::Referrers,
        AttachMode::Tag => Strategy::Tag,
    }
}

/// Attaches `bundle` to `subject` at `located`, the way the place supports.
pub fn attach_bundle(
    ui: &Ui,
    global: &GlobalArgs,
    located: &Located,
    subject: &Descriptor,
    bundle: &[u8],
    predicate_type: &str,
) -> Result<AttachReport> {
    let created = super::attest::created_timestamp()?;
    let (descriptor, manifest) = attestation_manifest(bundle, predicate_type, subject, &created)?;
    match &located.place {
        Place::Layout(layout) => {
            push_attestation(layout, bundle, &manifest)?;
            Ok(AttachReport {
                subject: subject.digest.clone(),
                attestation: descriptor.digest,
                method: "oci-layout",
                tag: None,
                remembered: false,
                evidence: "OCI layouts index every manifest in index.json".into(),
            })
        }
        Place::Registry(repo) => {
            let memory = Memory::open();
            if global.redetect
                && let Err(e) = memory.forget(repo.client.host(), Some(&repo.name))
            {
                ui.warn(format!("cannot update the capability memory: {e}"));
            }
            let attached = attach_in_registry(
                repo,
                subject,
                bundle,
                &manifest,
                &descriptor,
                strategy(global),
                &memory,
                &|line| ui.detail(1, line),
            )?;
            Ok(AttachReport {
                subject: subject.digest.clone(),
                attestation: attached.manifest.digest,
                method: match attached.verdict {
                    Verdict::ReferrersApi => "referrers-api",
                    Verdict::TagFallback => "tag-fallback",
                },
                tag: attached.tag,
                remembered: attached.remembered,
                evidence: attached.evidence,
            })
        }
    }
}

/// The predicate type a bundle's statement declares (read, not trusted:
/// it only labels the attestation manifest).
pub fn bundle_predicate_type(text: &str, source: &str) -> Result<String> {
    let bundle =
        DsseBundle::parse(text).map_err(|e| Error::invalid_input(format!("{source}: {e}")))?;
    let statement: Statement =
        serde_json::from_slice(bundle.unverified_payload()).map_err(|e| {
            Error::invalid_input(format!(
                "{source}: the payload is not an in-toto statement: {e}"
            ))
        })?;
    Ok(statement.predicate_type)
}

pub fn resolve_subject(located: &Located) -> Result<Descriptor> {
    match &located.place {
        Place::Registry(repo) => discover::resolve_in_registry(repo, &located.reference),
        Place::Layout(layout) => discover::resolve_in_layout(layout, &located.reference),
    }
}

pub fn describe(report: &AttachReport) -> String {
    let how = match (report.method, &report.tag) {
        ("tag-fallback", Some(tag)) => format!("through the referrers tag {tag}"),
        ("referrers-api", _) => "through the referrers API (no tag)".to_string(),
        _ => "in the OCI layout index".to_string(),
    };
    format!(
        "Attached {} to {} {how}{}",
        report.attestation,
        report.subject,
        if report.remembered {
            " (remembered verdict)"
        } else {
            ""
        }
    )
}

pub fn run_attach(ui: &Ui, global: &GlobalArgs, args: &AttachArgs) -> Result<()> {
    let text = read_text(&args.bundle)?;
    let source = args.bundle.display().to_string();
    let predicate_type = bundle_predicate_type(&text, &source)?;
    let located = target::locate(ui, global, &args.reference, false)?;
    let subject = resolve_subject(&located)?;
    let report = attach_bundle(
        ui,
        global,
        &located,
        &subject,
        text.as_bytes(),
        &predicate_type,
    )?;
    ui.emit_json(&report)?;
    ui.result(describe(&report));
    Ok(())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DiscoverOutput<'a> {
    subject: SubjectOut<'a>,
    #[serde(flatten)]
    discovery: &'a Discovery,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SubjectOut<'a> {
    reference: &'a str,
    digest: &'a str,
    media_type: &'a str,
}

pub fn run_discover(ui: &Ui, global: &GlobalArgs, args: &DiscoverArgs) -> Result<()> {
    let located = target::locate(ui, global, &args.reference, false)?;
    let subject = resolve_subject(&located)?;
    let discovery = match &located.place {
        Place::Registry(repo) => {
            discover::discover_in_registry(repo, &subject.digest, args.artifact_type.as_deref())?
        }
        Place::Layout(layout) => {
            discover::discover_in_layout(layout, &subject.digest, args.artifact_type.as_deref())?
        }
    };
    ui.emit_json(&DiscoverOutput {
        subject: SubjectOut {
            reference: &located.display,
            digest: &subject.digest,
            media_type: &subject.media_type,
        },
        discovery: &discovery,
    })?;
    if ui.json() {
        return Ok(());
    }
    ui.result(format!(
        "{}@{}",
        located.display.split('@').next().unwrap_or(""),
        subject.digest
    ));
    // Group by artifactType, as a tree.
    let mut groups: Vec<(&str, Vec<&discover::Referrer>)> = Vec::new();
    for r in &discovery.referrers {
        let t = r
            .descriptor
            .artifact_type
            .as_deref()
            .unwrap_or("(no artifactType)");
        match groups.iter_mut().find(|(g, _)| *g == t) {
            Some((_, v)) => v.push(r),
            None => groups.push((t, vec![r])),
        }
    }
    for (gi, (artifact_type, items)) in groups.iter().enumerate() {
        let last_group = gi + 1 == groups.len();
        ui.result(format!(
            "{} {artifact_type}",
            if last_group { "└──" } else { "├──" }
        ));
        for (i, r) in items.iter().enumerate() {
            let branch = if i + 1 == items.len() {
                "└──"
            } else {
                "├──"
            };
            let stem = if last_group { "    " } else { "│   " };
            ui.result(format!(
                "{stem}{branch} {} [{}]",
                r.descriptor.digest,
                r.sources.join(", ")
            ));
        }
    }
    if discovery.referrers.is_empty() {
        ui.note("No referrers.");
    }
    ui.detail(
        1,
        format!(
            "referrers API: {}; tag fallback: {}",
            discovery.referrers_api, discovery.tag_fallback
        ),
    );
    Ok(())
}
