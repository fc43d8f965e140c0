//! `cargo attest --target A --target B ...`: a build made for several
//! targets. Each target is gathered and attested on its own, exactly as
//! `--target A` alone would be (its outputs, its triple in the statement,
//! its bundle `<name>-<profile>-<triple>.sigstore.json`). With --push,
//! every destination gets an OCI image index with one artifact manifest
//! per target (its platform from the triple, `oci::platform`): each
//! manifest is attested by its target's statement, which names it, and the
//! index by a statement of its own that names the index and every target.
//! Why one statement per target: docs/provenance.md ("Multi-target
//! builds"). The sequence is `attest.rs`'s `run_targets`; the steps of
//! its own are here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;

use super::super::Report;
use super::super::{attach_options, memory};
use super::push::{self, DestinationOutput, Outcomes, PlatformOutput, Ready, Requested};

use crate::attach::AttachOptions;
use crate::cli::AttestArgs;
use crate::error::{Error, Result};
use crate::fsutil::{self, Mode};
use crate::locate::{Places, Writable};
use crate::oci::platform::Platform;
use crate::oci::{Descriptor, digest};
use crate::progress::Progress;
use crate::provenance::gather::{self, Gathered};
use crate::provenance::{Provenance, ProvenanceInput, Statement, Subject};
use crate::publish::{
    self, ArtifactFile, Attachment, Attestation, DEFAULT_ARTIFACT_TYPE, IndexPublication, IsSame,
    PlatformArtifact, PublishedIndex, artifact_manifest, image_index,
};
use crate::settings::Settings;
use crate::signing::signer::{SignedBundle, Signer};

/// One target of the build: its triple, platform, and what was gathered.
pub(super) struct Build<'a> {
    triple: String,
    platform: Platform,
    request: gather::Request<'a>,
    pub(super) gathered: Gathered,
}

impl<'a> Build<'a> {
    pub(super) fn new(
        triple: String,
        platform: Platform,
        request: gather::Request<'a>,
        gathered: Gathered,
    ) -> Self {
        Build {
            triple,
            platform,
            request,
            gathered,
        }
    }
}

/// A statement, signed.
pub(super) struct Signed {
    statement: Statement<Provenance>,
    payload: Vec<u8>,
    bundle: SignedBundle,
}

impl Signed {
    pub(super) fn new(
        statement: Statement<Provenance>,
        payload: Vec<u8>,
        bundle: SignedBundle,
    ) -> Self {
        Signed {
            statement,
            payload,
            bundle,
        }
    }

    pub(super) fn bundle(&self) -> &SignedBundle {
        &self.bundle
    }
}

/// The image index every destination gets, planned before signing.
pub(super) struct IndexPlan {
    /// Per target: the artifact's files and manifest bytes.
    artifacts: Vec<(Vec<ArtifactFile>, Vec<u8>)>,
    index: Vec<u8>,
    created: Option<String>,
    /// The index as statement subjects: its digest under each
    /// destination's name.
    subjects: Vec<Subject>,
    /// Per target: its platform and triple, for the report.
    labels: Vec<(String, String)>,
}

/// The targets of the command line, each once, in order (more than one
/// makes a multi-target run).
pub(super) fn several(args: &AttestArgs) -> Vec<String> {
    let mut targets: Vec<String> = Vec::new();
    for t in &args.targets {
        if !targets.contains(t) {
            targets.push(t.clone());
        }
    }
    targets
}

/// The targets, each with its platform, once the run is known to be
/// possible: all refusals come before anything is gathered.
pub(super) fn check(args: &AttestArgs) -> Result<Vec<(String, Platform)>> {
    refuse_unsupported(args)?;
    let targets = several(args);
    let platforms = platforms(&targets)?;
    Ok(targets.into_iter().zip(platforms).collect())
}

/// What a multi-target run cannot take: subjects that are no build's
/// outputs, a stream of one build's messages, SBOMs (not yet), one output
/// file for several bundles.
fn refuse_unsupported(args: &AttestArgs) -> Result<()> {
    let s = &args.subjects;
    let refused = if !s.subject_path.is_empty()
        || s.subject_checksums.is_some()
        || s.subject_name.is_some()
    {
        Some(
            "--subject-path, --subject-checksums and --subject-name cannot be used with several \
             --target, which attest each target's build outputs (in <target-dir>/<triple>/): \
             attest named files in a run with one --target or none",
        )
    } else if args.cargo_json.is_some() {
        Some(
            "--cargo-json cannot be used with several --target: their outputs are read from \
             <target-dir>/<triple>/; leave out --cargo-json",
        )
    } else if args.bundle_per_subject {
        Some(
            "--bundle-per-subject is not supported with several --target yet: each target \
             already gets a bundle of its own",
        )
    } else if args.sbom || args.sbom_only {
        Some(
            "--sbom and --sbom-only are not supported with several --target yet: attest the \
             SBOMs in one run per target",
        )
    } else {
        None
    };
    if let Some(why) = refused {
        return Err(Error::usage(why));
    }
    if let Some(output) = &args.output
        && !output.is_dir()
    {
        return Err(Error::usage(format!(
            "--output {}: several --target write one bundle each: give an existing directory",
            output.display()
        )));
    }
    Ok(())
}

/// The platform of each target, all distinct: an image index holds one
/// manifest per platform. Checked before anything is gathered.
fn platforms(targets: &[String]) -> Result<Vec<Platform>> {
    let mut platforms: Vec<Platform> = Vec::new();
    for triple in targets {
        let platform = Platform::of_target(triple)?;
        if let Some(j) = platforms.iter().position(|p| *p == platform) {
            return Err(Error::usage(format!(
                "--target {} and --target {triple} both build for {platform}: an image index \
                 holds one manifest per platform; attest one of them in a run of its own",
                targets[j]
            )));
        }
        platforms.push(platform);
    }
    Ok(platforms)
}

/// Plans each target's artifact (its manifest digest becomes a subject
/// of that target's statement under each destination's name) and the
/// index of them all.
pub(super) fn plan(
    settings: &Settings,
    ready: &[Ready],
    builds: &mut [Build<'_>],
) -> Result<IndexPlan> {
    let created = builds
        .first()
        .and_then(|b| push::created(settings, &b.gathered));
    let named = |hex: &str| -> Vec<Subject> {
        ready
            .iter()
            .map(|r| Subject {
                name: r.requested.text.clone(),
                digest: BTreeMap::from([("sha256".to_string(), hex.to_string())]),
            })
            .collect()
    };
    let mut artifacts = Vec::new();
    for build in builds.iter_mut() {
        let (files, layers) = push::planned_files(&build.gathered)?;
        let (_, manifest) = artifact_manifest(&layers, DEFAULT_ARTIFACT_TYPE, created.as_deref())?;
        let hex = digest::hex_part(&digest::sha256_of(&manifest)).to_string();
        build.gathered.input.subjects.extend(named(&hex));
        artifacts.push((files, manifest));
    }
    let entries: Vec<(&Platform, &[u8])> = builds
        .iter()
        .zip(&artifacts)
        .map(|(b, (_, m))| (&b.platform, m.as_slice()))
        .collect();
    let (_, index) = image_index(&entries, DEFAULT_ARTIFACT_TYPE, created.as_deref())?;
    let hex = digest::hex_part(&digest::sha256_of(&index)).to_string();
    Ok(IndexPlan {
        labels: builds
            .iter()
            .map(|b| (b.platform.to_string(), b.triple.clone()))
            .collect(),
        artifacts,
        subjects: named(&hex),
        index,
        created,
    })
}

/// The index's statement: the same build, every target (`targets`, no
/// `target`), the index as its subject, the build's span over all targets.
pub(super) fn index_input(builds: &[Build<'_>], plan: &IndexPlan) -> Result<ProvenanceInput> {
    let subjects = &plan.subjects;
    let mut input = builds
        .first()
        .map(|b| b.gathered.input.clone())
        .ok_or_else(|| Error::internal("no target was gathered"))?;
    input.subjects = subjects.to_vec();
    input.target = None;
    input.targets = builds.iter().map(|b| b.triple.clone()).collect();
    for b in builds {
        input.started = input.started.min(b.gathered.input.started);
        input.finished = input.finished.max(b.gathered.input.finished);
    }
    Ok(input)
}

/// Publishes the index and its artifacts to every destination, a few at
/// once; every outcome is kept, none undoes another.
pub(super) fn publish_all(
    settings: &Settings,
    places: &Places<'_>,
    ready: Vec<Ready>,
    plan: &IndexPlan,
    (signed, index_signed): (&[Signed], &Signed),
    signer: &Signer,
) -> Outcomes {
    let memory = memory(settings);
    let options = attach_options(settings, &memory, plan.created.as_deref());
    let progress = Progress::new(settings.progress);
    let several = ready.len() > 1;
    let (requested, writables): (Vec<Requested>, Vec<Writable>) =
        ready.into_iter().map(|r| (r.requested, r.writable)).unzip();
    let writables: Vec<Mutex<Option<Writable>>> =
        writables.into_iter().map(|w| Mutex::new(Some(w))).collect();
    let checks: Vec<Box<IsSame<'_>>> = signed.iter().map(|s| same(signer, s)).collect();
    let index_check = same(signer, index_signed);
    let indices: Vec<usize> = (0..requested.len()).collect();
    let results = push::in_parallel(&indices, |&i| {
        let writable = writables[i]
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .ok_or_else(|| Error::internal("a destination was published twice"))?;
        let located = writable.open(places)?;
        let label = several.then_some(located.display.as_str());
        let publication = IndexPublication {
            platforms: plan
                .artifacts
                .iter()
                .zip(signed.iter().zip(&checks))
                .map(|((files, manifest), (s, is_same))| PlatformArtifact {
                    files,
                    manifest,
                    attestations: vec![attestation(s, &options, is_same.as_ref())],
                })
                .collect(),
            index: &plan.index,
            attestations: vec![attestation(index_signed, &options, index_check.as_ref())],
            label,
        };
        let published = publish::publish_index(
            located.store.as_ref(),
            &requested[i].tag,
            &publication,
            &progress,
        )?;
        Ok((located.display, published))
    });
    progress.finish();
    outcomes(requested, results, &plan.labels)
}

/// Recognises `signed` attached by an earlier run: the same statement,
/// signed by the same signer.
fn same<'a>(signer: &'a Signer, signed: &'a Signed) -> Box<IsSame<'a>> {
    Box::new(move |bundle: &[u8]| signer.made(bundle, &signed.payload))
}

/// A signed statement, to attach.
fn attestation<'a>(
    signed: &'a Signed,
    options: &'a AttachOptions<'a>,
    is_same: &'a IsSame<'a>,
) -> Attestation<'a> {
    Attestation {
        bundle: signed.bundle.json.as_bytes(),
        predicate_type: &signed.statement.predicate_type,
        options,
        is_same: Some(is_same),
    }
}

/// Each destination's outcome, in order; the first failure is the run's.
fn outcomes(
    requested: Vec<Requested>,
    results: Vec<Result<(String, PublishedIndex)>>,
    labels: &[(String, String)],
) -> Outcomes {
    let mut failure = None;
    let destinations = requested
        .into_iter()
        .zip(results)
        .map(|(requested, result)| match result {
            Ok((reference, published)) => pushed(reference, published, labels),
            Err(e) => {
                let text = e.report();
                tracing::warn!("--push {}: {text}", requested.text);
                failure.get_or_insert(e);
                DestinationOutput {
                    reference: requested.destination.display(),
                    outcome: "failed",
                    digest: None,
                    attestation: None,
                    attached: None,
                    attached_before: false,
                    sboms: Vec::new(),
                    platforms: Vec::new(),
                    error: Some(text),
                }
            }
        })
        .collect();
    Outcomes {
        destinations,
        failure,
    }
}

/// A destination where the index was published.
fn pushed(
    reference: String,
    published: PublishedIndex,
    labels: &[(String, String)],
) -> DestinationOutput {
    let index_attachment = published.attached.into_iter().next();
    DestinationOutput {
        reference,
        outcome: "pushed",
        digest: Some(published.index.digest),
        attestation: index_attachment
            .as_ref()
            .map(|a| a.attestation().to_string()),
        attached_before: matches!(index_attachment, Some(Attachment::Existing { .. })),
        attached: match index_attachment {
            Some(Attachment::New(report)) => Some(report),
            _ => None,
        },
        sboms: Vec::new(),
        platforms: Vec::new(),
        error: None,
    }
    .with_platforms(published.platforms, labels)
}

impl DestinationOutput {
    /// Each platform's manifest and attestation, labelled with its
    /// platform and target triple.
    fn with_platforms(
        mut self,
        platforms: Vec<(Descriptor, Vec<Attachment>)>,
        labels: &[(String, String)],
    ) -> Self {
        self.platforms = platforms
            .into_iter()
            .zip(labels)
            .filter_map(|((manifest, attachments), (platform, target))| {
                let attachment = attachments.into_iter().next()?;
                Some(PlatformOutput {
                    platform: platform.clone(),
                    target: target.clone(),
                    digest: manifest.digest,
                    attestation: attachment.attestation().to_string(),
                    attached_before: matches!(attachment, Attachment::Existing { .. }),
                    attached: match attachment {
                        Attachment::New(report) => Some(report),
                        Attachment::Existing { .. } => None,
                    },
                })
            })
            .collect();
        self
    }
}

/// Where the bundles were written: one per target, then the index's.
pub(super) struct Written {
    targets: Vec<String>,
    index: Option<String>,
}

/// Writes each target's bundle where `--target T` alone would, and the
/// index's beside them (`<name>-<profile>-index.sigstore.json`): after
/// publishing, so a bundle on disk describes what exists.
/// `untargeted` is the request of a build for no particular target: the
/// index's bundle is named after it.
pub(super) fn write_bundles(
    args: &AttestArgs,
    builds: &[Build<'_>],
    signed: &[Signed],
    index_signed: Option<&Signed>,
    untargeted: &gather::Request<'_>,
) -> Result<Written> {
    let mut targets = Vec::new();
    for (build, s) in builds.iter().zip(signed) {
        let path = gather::bundle_path(
            &build.request,
            build.gathered.workspace.as_ref(),
            &s.statement.subject,
            args.output.as_deref(),
        );
        fsutil::write_atomically(&path, s.bundle.json.as_bytes(), Mode::Public)?;
        targets.push(fsutil::display_path(&path));
    }
    let index = match (index_signed, builds.first()) {
        (Some(s), Some(first)) => {
            let path = index_bundle_path(&gather::bundle_path(
                untargeted,
                first.gathered.workspace.as_ref(),
                &s.statement.subject,
                args.output.as_deref(),
            ));
            fsutil::write_atomically(&path, s.bundle.json.as_bytes(), Mode::Public)?;
            Some(fsutil::display_path(&path))
        }
        _ => None,
    };
    Ok(Written { targets, index })
}

/// `<stem>-index.sigstore.json` beside `<stem>.sigstore.json`.
fn index_bundle_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(".sigstore.json").unwrap_or(&name);
    path.with_file_name(format!("{stem}-index.sigstore.json"))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TargetOutput<'a> {
    target: &'a str,
    platform: String,
    bundle: &'a str,
    subjects: &'a [Subject],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MultiOutput<'a, S> {
    /// The index's bundle, with --push.
    #[serde(skip_serializing_if = "Option::is_none")]
    bundle: Option<&'a str>,
    /// The signer's fields, as a one-target run has them.
    #[serde(flatten)]
    signer: S,
    predicate_type: &'a str,
    /// The index's statement's subjects, with --push.
    subjects: &'a [Subject],
    /// One per target, in the order given.
    targets: Vec<TargetOutput<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pushed: Option<&'a DestinationOutput>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    destinations: &'a [DestinationOutput],
}

/// The JSON document and the lines people read. `signer` and `witnessed`
/// are what a one-target run says of the signer and its witnesses.
pub(super) fn report<S: Serialize>(
    (builds, signed, index_signed, written): (&[Build<'_>], &[Signed], Option<&Signed>, Written),
    signer: S,
    witnessed: Vec<String>,
    destinations: &[DestinationOutput],
) -> Result<Report> {
    let first = signed
        .first()
        .ok_or_else(|| Error::internal("nothing was signed"))?;
    let shown = index_signed.unwrap_or(first);
    let mut lines = push::describe(destinations);
    // What several destinations share is the index, not an artifact.
    if let Some(first) = lines.first_mut()
        && let Some(digest) = first.strip_prefix("Artifact ")
    {
        *first = format!("Image index {digest}");
    }
    for d in destinations.iter().filter(|d| !d.platforms.is_empty()) {
        lines.push(format!(
            "Platforms of {} ({}):",
            d.reference,
            d.digest.as_deref().unwrap_or("")
        ));
        for p in &d.platforms {
            lines.push(format!(
                "  {:<14} {} {}  attestation {}",
                p.platform, p.target, p.digest, p.attestation
            ));
        }
    }
    lines.extend(witnessed);
    for ((b, s), path) in builds.iter().zip(signed).zip(&written.targets) {
        let count = s.statement.subject.len();
        lines.push(format!(
            "Attested {} ({}): {count} subject{} -> {path}",
            b.triple,
            b.platform,
            if count == 1 { "" } else { "s" }
        ));
    }
    if let Some(index) = &written.index {
        lines.push(format!("Attested the image index -> {index}"));
    }
    let mut report = Report::new(&MultiOutput {
        bundle: written.index.as_deref(),
        signer,
        predicate_type: &shown.statement.predicate_type,
        subjects: index_signed.map_or(&[][..], |s| &s.statement.subject),
        targets: builds
            .iter()
            .zip(signed)
            .zip(&written.targets)
            .map(|((b, s), path)| TargetOutput {
                target: &b.triple,
                platform: b.platform.to_string(),
                bundle: path,
                subjects: &s.statement.subject,
            })
            .collect(),
        pushed: destinations.first().filter(|d| d.outcome == "pushed"),
        destinations,
    })?;
    for line in lines {
        report.line(line);
    }
    Ok(report)
}
