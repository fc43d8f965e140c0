//! The default command: gather what the build did, build the statement,
//! sign it, publish (with `--push`), write the bundle.

use std::path::{Path, PathBuf};

use serde::Serialize;

mod push;

use self::push::{Attested, DestinationOutput};
use super::Report;
use crate::attach::AttachReport;
use crate::cli::AttestArgs;
use crate::credentials::signing_key::{KeyChoice, signing_key};
use crate::error::{Error, Result};
use crate::fsutil::{self, Mode};
use crate::provenance::cargo::BuildSelection;
use crate::provenance::ci::CertifiedRun;
use crate::provenance::gather::{self, Gathered};
use crate::provenance::{self, Provenance, Subject};
use crate::sbom;
use crate::settings::Settings;
use crate::signing::keyless::http::Services;
use crate::signing::keyless::token::{IdentityToken, ambient_source, find_token};
use crate::signing::keyless::{EndpointFlags, Endpoints, KeylessSigner};
use crate::signing::signer::{
    RekorWitness, SignedBundle, Signer, TimestampWitness, Witness, sign_dsse,
};
use crate::signing::{Algorithm, IN_TOTO_PAYLOAD_TYPE};
use crate::trust::{Material, Trust, choice};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AttestOutput<'a> {
    /// The provenance bundle (absent with --sbom-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    bundle: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    key_id: Option<String>,
    algorithm: Algorithm,
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    /// Keyless: the certificate's identity and issuer.
    #[serde(skip_serializing_if = "Option::is_none")]
    certificate: Option<CertificateOutput>,
    /// The times timestamp authorities stated for the signature.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    signed_timestamps: Vec<String>,
    /// How many transparency log entries the bundle carries.
    #[serde(skip_serializing_if = "is_zero")]
    tlog_entries: usize,
    /// The provenance's predicate type (absent with --sbom-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    predicate_type: Option<&'a str>,
    subjects: &'a [Subject],
    /// One per build output with --sbom or --sbom-only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    sboms: Vec<SbomOutput>,
    /// The first destination's outcome when it was pushed (the shape of a
    /// run with one `--push`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pushed: Option<&'a DestinationOutput>,
    /// Every destination's outcome, in the order given.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    destinations: &'a [DestinationOutput],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SbomOutput {
    /// The SBOM's bundle.
    bundle: String,
    /// The build output it describes (file name).
    output: String,
    predicate_type: &'static str,
    /// Components besides the output itself.
    components: usize,
    /// Its size in bytes, as the size limit counts it.
    size: usize,
    /// With --push: the attestation manifest attached to the artifact.
    #[serde(skip_serializing_if = "Option::is_none")]
    attached: Option<AttachReport>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CertificateOutput {
    identity: Option<String>,
    issuer: Option<String>,
}

pub(super) fn run(settings: &Settings, args: &AttestArgs) -> Result<Report> {
    run_recording(settings, args, settings.recorded_command.clone())
}

/// The default command's sequence, with `command` as the command line
/// the provenance records (another command that attests through it,
/// `package`, records itself).
pub(super) fn run_recording(
    settings: &Settings,
    args: &AttestArgs,
    command: Vec<String>,
) -> Result<Report> {
    // The destinations' syntax first: a bad REF costs nothing.
    let places = settings.places();
    let requested = push::requested(&places, args)?;
    let sbom_limit = sbom_size_limit(settings, args)?;
    let request = gather_request(settings, args, command);
    let mut gathered = gather_checked(&request, args, !requested.is_empty())?;
    // The SBOMs are made and measured before anything else: one over the
    // limit stops the run before a key is loaded or a service is called.
    let sboms = match sbom_limit {
        Some(limit) => sbom::of_outputs(&gathered, &request.selection, limit)?,
        None => Vec::new(),
    };
    // Everything about the destinations is checked before any key is
    // loaded or any Sigstore service is called: nothing is signed or
    // logged for a push that cannot happen.
    let ready = push::prepare(&places, requested)?;

    // Keyless: the certificate comes first, as the statement names the
    // builder and run it certifies.
    let (endpoints, services, keyless_signer) = signing_services(settings, args, &mut gathered)?;

    // Build, sign, have the signatures witnessed.
    let plan = match ready.is_empty() {
        true => None,
        false => Some(push::plan(settings, &ready, &mut gathered)?),
    };
    let statement = provenance::build_statement(&gathered.input);
    let signer = match keyless_signer {
        Some(k) => Signer::Keyless(Box::new(k)),
        None => key_signer(settings, args)?,
    };
    let payload = statement.to_json();
    let signed = match args.sbom_only {
        true => None,
        false => Some(sign(&payload, &signer, &endpoints, &services)?),
    };
    let artifacts = plan.as_ref().map_or(&[][..], push::PushPlan::subjects);
    let signed_sboms = sign_sboms(&sboms, artifacts, &signer, &endpoints, &services)?;

    // Publish, then write: a bundle on disk always describes something that
    // exists, so it is written when at least one destination was published.
    let attestations = attestations(signed.as_ref(), &statement, &payload, &signed_sboms);
    let (destinations, failure) = match plan {
        Some(plan) => push::publish_all(settings, &places, ready, &plan, &attestations, &signer)
            .unless_none_pushed()?,
        None => (Vec::new(), None),
    };
    let path = gather::bundle_path(
        &request,
        gathered.workspace.as_ref(),
        &statement.subject,
        args.output.as_deref(),
    );
    if let Some(signed) = &signed {
        fsutil::write_atomically(&path, signed.json.as_bytes(), Mode::Public)?;
    }
    let sbom_attached = push::sbom_reports(&destinations);
    let sbom_outputs = write_sboms(&path, &sboms, &signed_sboms, &sbom_attached)?;
    tracing::debug!("signed with {}", signer.label());
    let shown = signed.as_ref().map(|_| fsutil::display_path(&path));
    let signed = signed.as_ref().or(signed_sboms.first().map(|s| &s.bundle));
    let report = report(
        shown,
        &signer,
        signed,
        &statement,
        sbom_outputs,
        &destinations,
    )?;
    Ok(match failure {
        Some(e) => report.fail(e),
        None => report,
    })
}

/// What a push attaches, in order: the provenance, then an SBOM per
/// output.
fn attestations<'a>(
    provenance: Option<&'a SignedBundle>,
    statement: &'a provenance::Statement<Provenance>,
    payload: &'a [u8],
    sboms: &'a [SignedSbom],
) -> Vec<Attested<'a>> {
    let provenance = provenance.map(|signed| Attested {
        bundle: signed.json.as_bytes(),
        predicate_type: &statement.predicate_type,
        payload,
        is_provenance: true,
    });
    provenance
        .into_iter()
        .chain(sboms.iter().map(|s| Attested {
            bundle: s.bundle.json.as_bytes(),
            predicate_type: sbom::CYCLONEDX_BOM,
            payload: &s.payload,
            is_provenance: false,
        }))
        .collect()
}

/// An SBOM's signed bundle, and the statement it signs.
struct SignedSbom {
    bundle: SignedBundle,
    payload: Vec<u8>,
}

/// Signs each SBOM's statement, which names its output and, with --push,
/// the artifact it is attached to under each destination's name (as the
/// provenance does).
fn sign_sboms(
    sboms: &[sbom::OutputSbom],
    artifacts: &[Subject],
    signer: &Signer,
    endpoints: &Endpoints,
    services: &Services,
) -> Result<Vec<SignedSbom>> {
    sboms
        .iter()
        .map(|s| {
            let mut subjects = vec![s.subject.clone()];
            subjects.extend(artifacts.iter().cloned());
            let payload = sbom::statement(&subjects, &s.sbom)?.to_json();
            let bundle = sign(&payload, signer, endpoints, services)?;
            Ok(SignedSbom { bundle, payload })
        })
        .collect()
}

/// Writes each SBOM bundle beside the provenance bundle at `provenance`;
/// `attached` holds their attach reports, in order, after a --push.
fn write_sboms(
    provenance: &Path,
    sboms: &[sbom::OutputSbom],
    signed: &[SignedSbom],
    attached: &[Option<AttachReport>],
) -> Result<Vec<SbomOutput>> {
    let mut outputs = Vec::new();
    for (i, (made, signed)) in sboms.iter().zip(signed).enumerate() {
        let path = sbom_bundle_path(provenance, &made.output);
        fsutil::write_atomically(&path, signed.bundle.json.as_bytes(), Mode::Public)?;
        outputs.push(SbomOutput {
            bundle: fsutil::display_path(&path),
            output: made.output.clone(),
            predicate_type: sbom::CYCLONEDX_BOM,
            components: made.sbom.components,
            size: made.sbom.json.len(),
            attached: attached.get(i).cloned().flatten(),
        });
    }
    Ok(outputs)
}

/// The size limit of SBOMs when they are wanted: --sbom-size-limit, else
/// CARGO_ATTEST_SBOM_SIZE_LIMIT, else 16 MiB.
fn sbom_size_limit(settings: &Settings, args: &AttestArgs) -> Result<Option<u64>> {
    if !(args.sbom || args.sbom_only) {
        if args.sbom_size_limit.is_some() {
            return Err(Error::usage(
                "--sbom-size-limit limits the SBOMs of --sbom or --sbom-only: add one of them",
            ));
        }
        return Ok(None);
    }
    let text = args
        .sbom_size_limit
        .clone()
        .or_else(|| settings.env.get(sbom::SIZE_LIMIT_VARIABLE));
    match text {
        Some(text) => sbom::parse_size(&text).map(Some),
        None => Ok(Some(sbom::DEFAULT_SIZE_LIMIT)),
    }
}

/// `<dir>/<bundle stem>.<output>.cdx.sigstore.json`, beside the provenance
/// bundle `<dir>/<bundle stem>.sigstore.json`.
fn sbom_bundle_path(provenance: &Path, output: &str) -> PathBuf {
    let name = provenance
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name
        .strip_suffix(".sigstore.json")
        .or_else(|| name.strip_suffix(".json"))
        .unwrap_or(&name);
    let output: String = output
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    provenance.with_file_name(format!("{stem}.{output}.cdx.sigstore.json"))
}

fn gather_request<'a>(
    settings: &'a Settings,
    args: &'a AttestArgs,
    command: Vec<String>,
) -> gather::Request<'a> {
    gather::Request {
        selection: selection(args),
        subject_paths: &args.subjects.subject_path,
        subject_checksums: args.subjects.subject_checksums.as_deref(),
        subject_digest: args
            .subjects
            .subject_name
            .as_deref()
            .zip(args.subjects.subject_digest.as_deref()),
        cargo_json: args.cargo_json.as_deref(),
        command,
        source_date_epoch: settings.source_date_epoch,
        env: &settings.env,
    }
}

/// What the build did, with its gaps warned about (refused with
/// `--strict`), and files to push when `--push` is given.
fn gather_checked(
    request: &gather::Request<'_>,
    args: &AttestArgs,
    pushing: bool,
) -> Result<Gathered> {
    let gathered = gather::gather(request)?;
    if args.strict && !gathered.gaps.is_empty() {
        let gaps: Vec<String> = gathered.gaps.iter().map(|g| format!("  {g}")).collect();
        return Err(Error::invalid_input(format!(
            "--strict: the provenance would have gaps:\n{}",
            gaps.join("\n")
        )));
    }
    for gap in &gathered.gaps {
        tracing::warn!("{gap}");
    }
    if pushing && gathered.files.is_empty() {
        return Err(Error::usage(
            "--push needs files to push: build outputs or --subject-path (not only checksums or digests)",
        ));
    }
    Ok(gathered)
}

/// The Sigstore services this run signs with, and the keyless signer
/// (its certificate obtained) when signing keyless.
fn signing_services(
    settings: &Settings,
    args: &AttestArgs,
    gathered: &mut Gathered,
) -> Result<(Endpoints, Services, Option<KeylessSigner>)> {
    let services = Services::new()?;
    if !keyless_wanted(settings, args)? {
        return Ok((endpoints(args, false, None)?, services, None));
    }
    let token = find_token(
        args.keyless.identity_token.as_deref(),
        &settings.env,
        &services,
    )?
    .ok_or_else(|| {
        Error::key(
            "keyless signing needs an OIDC identity token: pass --identity-token, \
             set SIGSTORE_ID_TOKEN, or run in GitHub Actions with \
             `permissions: id-token: write`",
        )
    })?;
    let trust = Trust::new(settings.trust.clone());
    let material = instance_material(settings, args, &token, &trust)?;
    let endpoints = endpoints(args, true, material)?;
    let signer = keyless_signer(&token, &endpoints, &services, gathered)?;
    Ok((endpoints, services, signer))
}

/// The trust material (signing config, trusted root) of the Sigstore
/// instance the signature goes to (`trust::choice`: by flag, else by the
/// repository's visibility), fresh through TUF. None when --signing-config
/// or --fulcio-url name the services instead.
fn instance_material<'t>(
    settings: &Settings,
    args: &AttestArgs,
    token: &IdentityToken,
    trust: &'t Trust,
) -> Result<Option<&'t Material>> {
    if args.keyless.signing_config.is_some() || args.keyless.fulcio_url.is_some() {
        return Ok(None);
    }
    let flag = args.keyless.sigstore.map(super::instance);
    let visibility = token.claims().repository_visibility.as_deref();
    let chosen = choice::for_signing(flag, &settings.env, visibility)?;
    tracing::info!("Signing on {} ({}).", chosen.instance, chosen.why);
    trust.material(chosen.instance).map(Some)
}

/// The Sigstore services this run signs with (none for a key without a
/// timestamp authority or log).
fn endpoints(args: &AttestArgs, keyless: bool, instance: Option<&Material>) -> Result<Endpoints> {
    Endpoints::resolve(
        EndpointFlags {
            fulcio_url: args.keyless.fulcio_url.as_deref(),
            timestamp_server_url: args.keyless.timestamp_server_url.as_deref(),
            rekor_url: args.tlog.rekor_url.as_deref(),
            rekor_version: args.tlog.rekor_version,
            tlog_upload: match (args.tlog.tlog_upload, args.tlog.no_tlog_upload) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            },
            signing_config: args.keyless.signing_config.as_deref(),
            instance_config: instance.map(|m| &m.signing_config),
            instance_root: instance.map(|m| &m.trusted_root),
        },
        keyless,
    )
}

/// A Fulcio certificate for an ephemeral key, when signing keyless; the
/// builder recorded in the provenance becomes the run it certifies.
fn keyless_signer(
    token: &IdentityToken,
    endpoints: &Endpoints,
    services: &Services,
    gathered: &mut Gathered,
) -> Result<Option<KeylessSigner>> {
    let Some(fulcio) = &endpoints.fulcio else {
        return Ok(None);
    };
    let signer = KeylessSigner::obtain(token, fulcio, services)?;
    let claims = &signer.info().ci_claims;
    gathered.input.builder.certified_by(CertifiedRun {
        build_config_uri: claims.build_config_uri.as_deref(),
        run_invocation_uri: claims.run_invocation_uri.as_deref(),
        runner_environment: claims.runner_environment.as_deref(),
    });
    Ok(Some(signer))
}

/// The signing key from `--key FILE` or the keyring.
fn key_signer(settings: &Settings, args: &AttestArgs) -> Result<Signer> {
    let choice = match &args.key.key {
        Some(path) => KeyChoice::File(path),
        None => KeyChoice::Keyring(&args.key.key_name),
    };
    let (key, label) = signing_key(choice, &settings.env)?;
    Ok(Signer::Key { key, label })
}

/// Signs the statement and has the signature timestamped and logged where
/// the endpoints say.
fn sign(
    statement: &[u8],
    signer: &Signer,
    endpoints: &Endpoints,
    services: &Services,
) -> Result<SignedBundle> {
    let timestamping = endpoints
        .timestamp_authority()
        .map(|authority| TimestampWitness {
            authority,
            services,
        });
    let logging: Vec<RekorWitness<'_>> = endpoints
        .rekor_logs()
        .into_iter()
        .map(|log| RekorWitness { log, services })
        .collect();
    let witnesses: Vec<&dyn Witness> = timestamping
        .iter()
        .map(|w| w as &dyn Witness)
        .chain(logging.iter().map(|w| w as &dyn Witness))
        .collect();
    sign_dsse(statement, IN_TOTO_PAYLOAD_TYPE, signer, &witnesses)
}

/// The JSON document and the lines people read.
fn report(
    shown: Option<String>,
    signer: &Signer,
    signed: Option<&SignedBundle>,
    statement: &provenance::Statement<Provenance>,
    sboms: Vec<SbomOutput>,
    destinations: &[DestinationOutput],
) -> Result<Report> {
    let signed = signed.ok_or_else(|| Error::internal("nothing was signed"))?;
    // With --sbom-only there is no provenance bundle.
    let provenance = shown.is_some();
    let (key_id, algorithm, key, certificate) = signer_output(signer);
    let lines = human_lines(
        shown.as_deref(),
        signer,
        signed,
        statement,
        &sboms,
        destinations,
    );
    let mut report = Report::new(&AttestOutput {
        bundle: shown,
        key_id,
        algorithm,
        key,
        certificate,
        signed_timestamps: signed
            .timestamps
            .iter()
            .map(|t| provenance::rfc3339(*t))
            .collect(),
        tlog_entries: signed.tlog_entries,
        predicate_type: provenance.then_some(statement.predicate_type.as_str()),
        subjects: &statement.subject,
        sboms,
        pushed: destinations.first().filter(|d| d.outcome == "pushed"),
        destinations,
    })?;
    for line in lines {
        report.line(line);
    }
    Ok(report)
}

/// The lines people read, in the order things happened.
fn human_lines(
    shown: Option<&str>,
    signer: &Signer,
    signed: &SignedBundle,
    statement: &provenance::Statement<Provenance>,
    sboms: &[SbomOutput],
    destinations: &[DestinationOutput],
) -> Vec<String> {
    let mut lines = push::describe(destinations);
    for sbom in sboms {
        if let Some(attached) = &sbom.attached {
            lines.push(format!("SBOM of {}: {}", sbom.output, attached.describe()));
        }
    }
    if let Signer::Keyless(k) = signer {
        let info = k.info();
        lines.push(format!(
            "Signed keyless as {}{}",
            info.identity
                .as_ref()
                .map_or("an identity without a name", |i| i.as_str()),
            info.issuer
                .as_deref()
                .map(|i| format!(" (issuer {i})"))
                .unwrap_or_default()
        ));
    }
    if let Some(t) = signed.timestamps.iter().min() {
        lines.push(format!("Timestamped {}", provenance::rfc3339(*t)));
    }
    match signed.integrated_times.iter().min() {
        Some(t) => lines.push(format!(
            "Recorded in the transparency log at {}",
            provenance::rfc3339(*t)
        )),
        None if signed.tlog_entries > 0 => {
            lines.push("Recorded in the transparency log".into());
        }
        None => {}
    }
    let count = statement.subject.len();
    if let Some(shown) = shown {
        lines.push(format!(
            "Attested {count} subject{} -> {shown}",
            if count == 1 { "" } else { "s" }
        ));
    }
    for sbom in sboms {
        lines.push(format!(
            "SBOM of {} ({} component{}) -> {}",
            sbom.output,
            sbom.components,
            if sbom.components == 1 { "" } else { "s" },
            sbom.bundle
        ));
    }
    lines
}

/// What the report says of the signer: key id, algorithm, key label, or
/// the certificate.
fn signer_output(
    signer: &Signer,
) -> (
    Option<String>,
    Algorithm,
    Option<String>,
    Option<CertificateOutput>,
) {
    match signer {
        Signer::Key { key, label } => (
            Some(key.key_id()),
            key.algorithm(),
            Some(label.clone()),
            None,
        ),
        Signer::Keyless(k) => (
            None,
            Algorithm::EcdsaP256,
            None,
            Some(CertificateOutput {
                identity: k.info().identity.as_ref().map(|i| i.as_str().to_string()),
                issuer: k.info().issuer.clone(),
            }),
        ),
    }
}

/// Keyless when asked (`--keyless`, `--identity-token`), or by itself in CI
/// when an identity token is at hand and no key was named.
fn keyless_wanted(settings: &Settings, args: &AttestArgs) -> Result<bool> {
    let asked = args.keyless.keyless || args.keyless.identity_token.is_some();
    if asked {
        if let Some(key) = &args.key.key {
            return Err(Error::usage(format!(
                "--keyless signs with an identity, not a key: leave out --key {} \
                 (or CARGO_ATTEST_KEY_FILE)",
                key.display()
            )));
        }
        return Ok(true);
    }
    if args.keyless.key_given {
        return Ok(false);
    }
    let in_ci = crate::provenance::ci::detect(&|k| settings.env.get(k))
        .kind
        .is_ci();
    match ambient_source(&settings.env) {
        Some(source) if in_ci => {
            tracing::info!(
                "Signing keyless with the identity token from {source} \
                 (in CI, with no --key or --key-name given)."
            );
            Ok(true)
        }
        _ => Ok(false),
    }
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

fn is_zero(n: &usize) -> bool {
    *n == 0
}
