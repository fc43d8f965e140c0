//! `cargo attest --push REF...`: the destinations are parsed and checked
//! before anything is signed; the artifact is planned so its manifest digest
//! is a subject of the statement; after signing, every destination is
//! published at once (bounded), each attached the way its registry
//! supports, each with its own outcome. A failure at one destination does
//! not undo the others.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;

use super::super::{attach_options, memory};
use crate::attach::AttachReport;
use crate::cli::AttestArgs;
use crate::error::{Error, Result};
use crate::locate::{Destination, Places, Writable};
use crate::oci::digest;
use crate::progress::Progress;
use crate::provenance::gather::{FileSubject, Gathered};
use crate::provenance::{self, Subject};
use crate::publish::{
    self, ArtifactFile, Attachment, Attestation, DEFAULT_ARTIFACT_TYPE, IsSame, Layer, Publication,
    artifact_manifest,
};
use crate::settings::Settings;
use crate::signing::signer::Signer;

/// Destinations checked at once, and published at once: enough to overlap
/// registries' round trips, few enough that two cores keep up with hashing
/// and TLS.
const PARALLEL_DESTINATIONS: usize = 4;

/// The most destinations one run takes (as many as actions/attest allows
/// subjects in one statement).
const MAX_DESTINATIONS: usize = 1024;

/// A `--push` REF as given, and what it parsed into.
pub(super) struct Requested {
    pub(super) text: String,
    pub(super) destination: Destination,
    pub(super) tag: String,
}

/// Every `--push REF` and `--push-file` line, parsed (pure: nothing is
/// contacted), in the order given, each destination once.
pub(super) fn requested(places: &Places<'_>, args: &AttestArgs) -> Result<Vec<Requested>> {
    let mut texts: Vec<String> = args.push.clone();
    if let Some(file) = &args.push_file {
        texts.extend(read_push_file(file)?);
    }
    let mut seen = BTreeSet::new();
    let mut requested = Vec::new();
    for text in texts {
        let destination = places.parse(&text)?;
        let tag = destination.push_tag("--push", &text)?;
        if seen.insert(destination.display()) {
            requested.push(Requested {
                text,
                destination,
                tag,
            });
        }
    }
    if requested.len() > MAX_DESTINATIONS {
        return Err(Error::usage(format!(
            "{} push destinations: at most {MAX_DESTINATIONS} in one run",
            requested.len()
        )));
    }
    Ok(requested)
}

fn read_push_file(file: &Path) -> Result<Vec<String>> {
    let text = crate::fsutil::read_text(file)?;
    let refs: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    if refs.is_empty() {
        return Err(Error::usage(format!(
            "--push-file {}: no references in it (one REF per line)",
            file.display()
        )));
    }
    Ok(refs)
}

/// A destination that passed its checks.
pub(super) struct Ready {
    pub(super) requested: Requested,
    pub(super) writable: Writable,
}

/// Checks every destination (a few at once) before any key is loaded or
/// any Sigstore service is called: one that cannot be pushed to refuses
/// the whole run, so nothing is signed or logged for it.
pub(super) fn prepare(places: &Places<'_>, requested: Vec<Requested>) -> Result<Vec<Ready>> {
    let results = in_parallel(&requested, |r| {
        places.prepare_write(&r.destination, "--push", &r.text)
    });
    requested
        .into_iter()
        .zip(results)
        .map(|(requested, writable)| {
            Ok(Ready {
                writable: writable?,
                requested,
            })
        })
        .collect()
}

/// Runs `work` over `items`, [`PARALLEL_DESTINATIONS`] at a time, and
/// returns the results in the items' order.
pub(super) fn in_parallel<T: Sync, R: Send>(
    items: &[T],
    work: impl Fn(&T) -> Result<R> + Sync,
) -> Vec<Result<R>> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<R>>>> =
        Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..items.len().clamp(1, PARALLEL_DESTINATIONS) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let result = work(item);
                    results.lock().unwrap_or_else(|p| p.into_inner())[i] = Some(result);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(Error::internal("a destination was not handled"))))
        .collect()
}

/// The artifact every destination gets, planned before signing: its
/// manifest digest becomes a subject under each destination's name.
pub(super) struct PushPlan {
    files: Vec<ArtifactFile>,
    manifest: Vec<u8>,
    created: Option<String>,
    /// The artifact as statement subjects: its manifest digest under each
    /// destination's name.
    subjects: Vec<Subject>,
}

impl PushPlan {
    pub(super) fn subjects(&self) -> &[Subject] {
        &self.subjects
    }
}

/// An attestation every destination gets.
pub(super) struct Attested<'a> {
    pub(super) bundle: &'a [u8],
    pub(super) predicate_type: &'a str,
    /// The statement it signs, to recognise it attached by an earlier run.
    pub(super) payload: &'a [u8],
    /// The provenance (reported as the destination's `attestation`), not
    /// an SBOM.
    pub(super) is_provenance: bool,
}

/// Plans the artifact and adds it to the statement's subjects, once per
/// destination name.
pub(super) fn plan(
    settings: &Settings,
    ready: &[Ready],
    gathered: &mut Gathered,
) -> Result<PushPlan> {
    let (files, layers) = planned_files(gathered)?;
    let created = created(settings, gathered);
    let (_, manifest) = artifact_manifest(&layers, DEFAULT_ARTIFACT_TYPE, created.as_deref())?;
    let hex = digest::hex_part(&digest::sha256_of(&manifest)).to_string();
    let subjects: Vec<Subject> = ready
        .iter()
        .map(|r| Subject {
            name: r.requested.text.clone(),
            digest: BTreeMap::from([("sha256".to_string(), hex.clone())]),
        })
        .collect();
    gathered.input.subjects.extend(subjects.iter().cloned());
    Ok(PushPlan {
        files,
        manifest,
        created,
        subjects,
    })
}

/// The files of an artifact to plan, each with its layer. Every layer's
/// digest and size go into the signed manifest: each comes from the
/// subject hashed for that very file, and a missing one is an error,
/// never a default.
pub(super) fn planned_files(gathered: &Gathered) -> Result<(Vec<ArtifactFile>, Vec<Layer>)> {
    Ok(gathered
        .files
        .iter()
        .map(|FileSubject { file, subject }| {
            let hex = subject.sha256().ok_or_else(|| {
                Error::internal(format!("no sha256 digest was recorded for {}", file.name))
            })?;
            let size = file
                .path
                .metadata()
                .map_err(|e| Error::io("read metadata of", &file.path, e))?
                .len();
            let digest = format!("sha256:{hex}");
            let layer = Layer {
                title: file.name.clone(),
                digest: digest.clone(),
                size,
            };
            let file = ArtifactFile {
                path: file.path.clone(),
                title: file.name.clone(),
                digest: Some(digest),
                size,
            };
            Ok((file, layer))
        })
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .unzip())
}

/// `org.opencontainers.image.created` of what this run pushes.
pub(super) fn created(settings: &Settings, gathered: &Gathered) -> Option<String> {
    provenance::created_annotation(
        settings.created,
        settings.source_date_epoch,
        gathered.input.source.as_ref().and_then(|s| s.commit_time),
    )
}

/// What became of one destination.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DestinationOutput {
    pub(super) reference: String,
    /// `pushed` or `failed`.
    pub(super) outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) digest: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) attestation: Option<String>,
    /// How the attestation was attached, when it was attached now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) attached: Option<AttachReport>,
    /// The same attestation (statement and signer) was attached by an
    /// earlier run: nothing was attached again.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(super) attached_before: bool,
    /// With --sbom: each SBOM's attestation here, in output order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) sboms: Vec<SbomAttachment>,
    /// With several --target: each platform's manifest in the image index
    /// (`digest` is then the index's), in the order of the targets.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) platforms: Vec<PlatformOutput>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) error: Option<String>,
}

/// One platform's manifest at a destination.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PlatformOutput {
    /// `os/architecture[/variant]`.
    pub(super) platform: String,
    pub(super) target: String,
    pub(super) digest: String,
    pub(super) attestation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) attached: Option<AttachReport>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(super) attached_before: bool,
}

/// An SBOM's attestation at one destination.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SbomAttachment {
    pub(super) attestation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) attached: Option<AttachReport>,
}

/// The SBOMs' attach reports at the first destination they were attached
/// to now, in output order (for the `sboms` of the report).
pub(super) fn sbom_reports(destinations: &[DestinationOutput]) -> Vec<Option<AttachReport>> {
    destinations
        .iter()
        .find(|d| d.outcome == "pushed")
        .map(|d| d.sboms.iter().map(|s| s.attached.clone()).collect())
        .unwrap_or_default()
}

/// Every destination's outcome, and the first failure's error.
pub(super) struct Outcomes {
    pub(super) destinations: Vec<DestinationOutput>,
    pub(super) failure: Option<Error>,
}

impl Outcomes {
    /// Every destination's outcome and the first failure, when at least
    /// one destination was published; else the run's error: the bundle is
    /// then not written, as its statement names nothing that exists.
    pub(super) fn unless_none_pushed(self) -> Result<(Vec<DestinationOutput>, Option<Error>)> {
        if self.destinations.iter().any(|d| d.outcome == "pushed") {
            return Ok((self.destinations, self.failure));
        }
        tracing::warn!(
            "the bundle was not written: its statement names artifacts that were not published"
        );
        Err(self
            .failure
            .unwrap_or_else(|| Error::internal("no destination was published")))
    }
}

/// Publishes the planned artifact and the bundle to every destination, a
/// few at once. Every outcome is kept; none undoes another.
pub(super) fn publish_all(
    settings: &Settings,
    places: &Places<'_>,
    ready: Vec<Ready>,
    plan: &PushPlan,
    attestations: &[Attested<'_>],
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
    // Each attestation recognises itself attached by an earlier run: the
    // same statement, signed by the same key.
    let checks: Vec<Box<IsSame<'_>>> = attestations
        .iter()
        .map(|a| Box::new(move |bundle: &[u8]| signer.made(bundle, a.payload)) as Box<IsSame<'_>>)
        .collect();
    let indices: Vec<usize> = (0..requested.len()).collect();
    let results = in_parallel(&indices, |&i| {
        let writable = writables[i]
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .ok_or_else(|| Error::internal("a destination was published twice"))?;
        let located = writable.open(places)?;
        let label = several.then_some(located.display.as_str());
        let published = publish::publish(
            located.store.as_ref(),
            &requested[i].tag,
            &Publication {
                files: &plan.files,
                artifact_type: DEFAULT_ARTIFACT_TYPE,
                created: plan.created.as_deref(),
                planned_manifest: Some(&plan.manifest),
                attestations: attestations
                    .iter()
                    .zip(&checks)
                    .map(|(a, check)| Attestation {
                        bundle: a.bundle,
                        predicate_type: a.predicate_type,
                        options: &options,
                        is_same: Some(check.as_ref()),
                    })
                    .collect(),
                label,
            },
            &progress,
        )?;
        Ok((
            located.display,
            published.manifest.digest,
            published.attached,
        ))
    });
    progress.finish();
    let provenance_first = attestations.first().is_some_and(|a| a.is_provenance);
    outcomes(requested, results, provenance_first)
}

/// Each destination's outcome, in order; the first failure is the run's.
fn outcomes(
    requested: Vec<Requested>,
    results: Vec<Result<(String, String, Vec<Attachment>)>>,
    provenance_first: bool,
) -> Outcomes {
    let mut failure = None;
    let destinations = requested
        .into_iter()
        .zip(results)
        .map(|(requested, result)| match result {
            Ok((reference, digest, attachments)) => {
                let mut attachments = attachments.into_iter();
                let provenance = match provenance_first {
                    true => attachments.next(),
                    false => None,
                };
                DestinationOutput {
                    reference,
                    outcome: "pushed",
                    digest: Some(digest),
                    attestation: provenance.as_ref().map(|a| a.attestation().to_string()),
                    attached_before: matches!(provenance, Some(Attachment::Existing { .. })),
                    attached: match provenance {
                        Some(Attachment::New(report)) => Some(report),
                        _ => None,
                    },
                    sboms: attachments
                        .map(|a| SbomAttachment {
                            attestation: a.attestation().to_string(),
                            attached: match a {
                                Attachment::New(report) => Some(report),
                                Attachment::Existing { .. } => None,
                            },
                        })
                        .collect(),
                    platforms: Vec::new(),
                    error: None,
                }
            }
            Err(e) => {
                let text = e.report();
                tracing::warn!("--push {}: {text}", requested.text);
                failure.get_or_insert(e);
                DestinationOutput {
                    reference: requested.destination.display(),
                    outcome: "failed",
                    digest: None,
                    attestation: None,
                    attached_before: false,
                    attached: None,
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

/// The lines people read: one per destination (a table for several).
pub(super) fn describe(destinations: &[DestinationOutput]) -> Vec<String> {
    if destinations.is_empty() {
        return Vec::new();
    }
    if let [only] = destinations {
        return match (&only.digest, &only.attached, &only.attestation) {
            (Some(digest), Some(attached), _) => vec![
                format!("Pushed {} ({digest})", only.reference),
                attached.describe(),
            ],
            (Some(digest), None, Some(attestation)) => vec![
                format!("Pushed {} ({digest})", only.reference),
                format!("{attestation} was attached before: nothing attached again"),
            ],
            _ => vec![format!(
                "Failed {}: {}",
                only.reference,
                only.error.as_deref().unwrap_or("")
            )],
        };
    }
    let method = |d: &DestinationOutput| match &d.attached {
        Some(a) => match &a.tag {
            Some(tag) => format!("tag {tag}"),
            None => crate::output::label(&a.method),
        },
        None if d.attached_before => "before".to_string(),
        None => "-".to_string(),
    };
    let rows: Vec<[String; 4]> = destinations
        .iter()
        .map(|d| {
            [
                d.reference.clone(),
                d.outcome.to_string(),
                method(d),
                d.attestation
                    .clone()
                    .or_else(|| d.error.clone())
                    .unwrap_or_default(),
            ]
        })
        .collect();
    let header = [
        "DESTINATION".to_string(),
        "OUTCOME".to_string(),
        "ATTACHED".to_string(),
        "ATTESTATION".to_string(),
    ];
    let widths: Vec<usize> = (0..3)
        .map(|c| {
            rows.iter()
                .chain(std::iter::once(&header))
                .map(|r| r[c].len())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut lines = Vec::new();
    if let Some(digest) = destinations.iter().find_map(|d| d.digest.as_ref()) {
        lines.push(format!("Artifact {digest}"));
    }
    for row in std::iter::once(&header).chain(&rows) {
        lines.push(format!(
            "{:w0$}  {:w1$}  {:w2$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        ));
    }
    lines
}
