//! The default command: gather what the build did, build the statement,
//! sign it, publish (with `--push`), write the bundle.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Report, attach_options, memory};
use crate::cli::AttestArgs;
use crate::credentials::signing_key::{KeyChoice, signing_key};
use crate::error::{Error, Result};
use crate::fsutil::{self, Mode};
use crate::oci::digest;
use crate::provenance::cargo::BuildSelection;
use crate::provenance::gather::{self, Gathered};
use crate::provenance::{self, Subject};
use crate::registry::attach::{AttachReport, attach_bundle};
use crate::registry::push::{
    ArtifactFile, DEFAULT_ARTIFACT_TYPE, Layer, artifact_manifest, push_layers, push_manifest,
};
use crate::settings::Settings;
use crate::signing::{Algorithm, IN_TOTO_PAYLOAD_TYPE, sign_bundle};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AttestOutput<'a> {
    bundle: String,
    key_id: String,
    algorithm: Algorithm,
    key: String,
    predicate_type: &'a str,
    subjects: &'a [Subject],
    #[serde(skip_serializing_if = "Option::is_none")]
    pushed: Option<PushedOutput>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PushedOutput {
    reference: String,
    digest: String,
    attestation: String,
    attached: AttachReport,
}

/// An artifact to push, planned before signing: its manifest digest is a
/// subject of the statement.
struct PushPlan {
    reference: String,
    files: Vec<ArtifactFile>,
    manifest: Vec<u8>,
    created: String,
}

pub(super) fn run(settings: &Settings, args: &AttestArgs) -> Result<Report> {
    // Gather.
    let request = gather::Request {
        selection: selection(args),
        subject_paths: &args.subjects.subject_path,
        subject_checksums: args.subjects.subject_checksums.as_deref(),
        subject_digest: args
            .subjects
            .subject_name
            .as_deref()
            .zip(args.subjects.subject_digest.as_deref()),
        cargo_json: args.cargo_json.as_deref(),
        command: settings.recorded_command.clone(),
        source_date_epoch: settings.source_date_epoch,
        env: &settings.env,
    };
    let mut gathered = gather::gather(&request)?;

    // Build.
    let push = match &args.push {
        Some(reference) => Some(plan_push(settings, reference, &mut gathered)?),
        None => None,
    };
    let statement = provenance::build_statement(&gathered.input);

    // Sign.
    let choice = match &args.key.key {
        Some(path) => KeyChoice::File(path),
        None => KeyChoice::Keyring(&args.key.key_name),
    };
    let (key, key_label) = signing_key(choice, &settings.env)?;
    let bundle = sign_bundle(&statement.to_json(), IN_TOTO_PAYLOAD_TYPE, &key)
        .map_err(|e| Error::key(e.to_string()))?;

    // Publish, then write: a bundle on disk always describes what exists.
    let mut lines = Vec::new();
    let pushed = match &push {
        Some(plan) => {
            let pushed = publish(settings, plan, bundle.as_bytes(), &statement.predicate_type)
                .inspect_err(|_| {
                    tracing::warn!(
                        "the bundle was not written: its statement names the artifact {}, which was not published",
                        plan.reference
                    )
                })?;
            lines.push(format!("Pushed {} ({})", pushed.reference, pushed.digest));
            lines.push(pushed.attached.describe());
            Some(pushed)
        }
        None => None,
    };
    let path = gather::bundle_path(
        &request,
        gathered.workspace.as_ref(),
        &statement.subject,
        args.output.as_deref(),
    );
    fsutil::write_atomically(&path, bundle.as_bytes(), Mode::Public)?;
    let shown = fsutil::display_path(&path);
    tracing::debug!(
        "signed with {key_label}, {} key {}",
        key.algorithm(),
        key.key_id()
    );
    let count = statement.subject.len();
    let mut report = Report::new(&AttestOutput {
        bundle: shown.clone(),
        key_id: key.key_id(),
        algorithm: key.algorithm(),
        key: key_label,
        predicate_type: &statement.predicate_type,
        subjects: &statement.subject,
        pushed,
    })?;
    for line in lines {
        report.line(line);
    }
    report.line(format!(
        "Attested {count} subject{} -> {shown}",
        if count == 1 { "" } else { "s" }
    ));
    Ok(report)
}

fn selection(args: &AttestArgs) -> BuildSelection {
    BuildSelection {
        manifest_path: args.manifest_path.clone(),
        packages: args.packages.clone(),
        target: args.target.clone(),
        profile: if args.release {
            Some("release".into())
        } else {
            args.profile.clone()
        },
        target_dir: args.target_dir.clone(),
        features: args.features.clone(),
        all_features: args.all_features,
        no_default_features: args.no_default_features,
    }
}

/// The artifact `--push` will upload; its manifest digest becomes a
/// subject, known before anything is uploaded so the signature covers it.
fn plan_push(settings: &Settings, reference: &str, gathered: &mut Gathered) -> Result<PushPlan> {
    if gathered.files.is_empty() {
        return Err(Error::usage(
            "--push needs files to push: build outputs or --subject-path (not only checksums or digests)",
        ));
    }
    let files: Vec<ArtifactFile> = gathered
        .files
        .iter()
        .zip(&gathered.input.subjects)
        .map(|(f, s)| ArtifactFile {
            path: f.path.clone(),
            title: f.name.clone(),
            digest: s.sha256().map(|hex| format!("sha256:{hex}")),
            size: f.path.metadata().map(|m| m.len()).unwrap_or(0),
        })
        .collect();
    let layers: Vec<Layer> = files
        .iter()
        .map(|f| Layer {
            title: f.title.clone(),
            digest: f.digest.clone().unwrap_or_default(),
            size: f.size,
        })
        .collect();
    let created = provenance::created_annotation(settings.source_date_epoch);
    let (_, manifest) = artifact_manifest(&layers, DEFAULT_ARTIFACT_TYPE, Some(&created))?;
    gathered.input.subjects.push(Subject {
        name: reference.to_string(),
        digest: BTreeMap::from([(
            "sha256".to_string(),
            digest::hex_part(&digest::sha256_of(&manifest)).to_string(),
        )]),
    });
    Ok(PushPlan {
        reference: reference.to_string(),
        files,
        manifest,
        created,
    })
}

fn publish(
    settings: &Settings,
    plan: &PushPlan,
    bundle: &[u8],
    predicate_type: &str,
) -> Result<PushedOutput> {
    let located = settings.places().locate(&plan.reference, true)?;
    let Some(tag) = located.tag() else {
        return Err(Error::usage(format!(
            "--push to a tag, not a digest: `{}`",
            plan.reference
        )));
    };
    let progress = crate::progress::Progress::new(settings.progress);
    // The digests are known (the statement names them): each blob is
    // checked against its digest on the way.
    push_layers(located.store.as_ref(), &plan.files, &progress)?;
    let artifact = push_manifest(located.store.as_ref(), &plan.manifest, Some(tag), &progress)?;
    let memory = memory(settings);
    let attached = attach_bundle(
        located.store.as_ref(),
        &artifact,
        bundle,
        predicate_type,
        &attach_options(settings, &memory, Some(&plan.created)),
    )?;
    Ok(PushedOutput {
        reference: located.display,
        digest: artifact.digest,
        attestation: attached.attestation.clone(),
        attached,
    })
}
