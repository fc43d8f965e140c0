//! The default command's steps that one target and several share:
//! gathering, the signing services and signer, signing, and what the
//! report says of the signer.

use serde::Serialize;

use crate::cli::AttestArgs;
use crate::credentials::signing_key::{KeyChoice, signing_key};
use crate::error::{Error, Result};
use crate::provenance;
use crate::provenance::cargo::BuildSelection;
use crate::provenance::ci::CertifiedRun;
use crate::provenance::gather::{self, Gathered};
use crate::settings::Settings;
use crate::signing::keyless::http::Services;
use crate::signing::keyless::token::{ambient_source, find_token};
use crate::signing::keyless::{EndpointFlags, Endpoints, KeylessSigner};
use crate::signing::signer::{
    RekorWitness, SignedBundle, Signer, TimestampWitness, Witness, sign_dsse,
};
use crate::signing::{Algorithm, IN_TOTO_PAYLOAD_TYPE};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CertificateOutput {
    identity: Option<String>,
    issuer: Option<String>,
}

pub(super) fn gather_request<'a>(
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
        stdin_stream: true,
        command,
        source_date_epoch: settings.source_date_epoch,
        env: &settings.env,
    }
}

/// What the build did, with its gaps warned about (refused with
/// `--strict`), and files to push when `--push` is given.
pub(super) fn gather_checked(
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
pub(super) fn signing_services<'g>(
    settings: &Settings,
    args: &AttestArgs,
    gathered: impl IntoIterator<Item = &'g mut Gathered>,
) -> Result<(Endpoints, Services, Option<KeylessSigner>)> {
    let keyless = keyless_wanted(settings, args)?;
    let endpoints = endpoints(args, keyless)?;
    let services = Services::new()?;
    let signer = match keyless {
        true => keyless_signer(settings, args, &endpoints, &services, gathered)?,
        false => None,
    };
    Ok((endpoints, services, signer))
}

/// The Sigstore services this run signs with (none for a key without a
/// timestamp authority or log).
pub(super) fn endpoints(args: &AttestArgs, keyless: bool) -> Result<Endpoints> {
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
        },
        keyless,
    )
}

/// A Fulcio certificate for an ephemeral key, when signing keyless; the
/// builder recorded in the provenance (of every target) becomes the run it
/// certifies.
pub(super) fn keyless_signer<'g>(
    settings: &Settings,
    args: &AttestArgs,
    endpoints: &Endpoints,
    services: &Services,
    gathered: impl IntoIterator<Item = &'g mut Gathered>,
) -> Result<Option<KeylessSigner>> {
    let Some(fulcio) = &endpoints.fulcio else {
        return Ok(None);
    };
    let token = find_token(
        args.keyless.identity_token.as_deref(),
        &settings.env,
        services,
    )?
    .ok_or_else(|| {
        Error::key(
            "keyless signing needs an OIDC identity token: pass --identity-token, \
             set SIGSTORE_ID_TOKEN, or run in GitHub Actions with \
             `permissions: id-token: write`",
        )
    })?;
    let signer = KeylessSigner::obtain(&token, fulcio, services)?;
    let claims = &signer.info().ci_claims;
    for gathered in gathered {
        gathered.input.builder.certified_by(CertifiedRun {
            build_config_uri: claims.build_config_uri.as_deref(),
            run_invocation_uri: claims.run_invocation_uri.as_deref(),
            runner_environment: claims.runner_environment.as_deref(),
        });
    }
    Ok(Some(signer))
}

/// The signing key from `--key FILE` or the keyring.
pub(super) fn key_signer(settings: &Settings, args: &AttestArgs) -> Result<Signer> {
    let choice = match &args.key.key {
        Some(path) => KeyChoice::File(path),
        None => KeyChoice::Keyring(&args.key.key_name),
    };
    let (key, label) = signing_key(choice, &settings.env)?;
    Ok(Signer::Key { key, label })
}

/// Signs the statement and has the signature timestamped and logged where
/// the endpoints say.
pub(super) fn sign(
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

/// What people read of the signer and the witnesses: the keyless
/// identity, the signed time, the log entry.
pub(super) fn witness_lines(signer: &Signer, signed: &SignedBundle) -> Vec<String> {
    let mut lines = Vec::new();
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
    lines
}

/// The signer's fields of a report, as the default command's JSON has
/// them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SignerFields {
    #[serde(skip_serializing_if = "Option::is_none")]
    key_id: Option<String>,
    algorithm: Algorithm,
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    certificate: Option<CertificateOutput>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    signed_timestamps: Vec<String>,
    #[serde(skip_serializing_if = "is_zero")]
    tlog_entries: usize,
}

pub(super) fn signer_fields(signer: &Signer, signed: &SignedBundle) -> SignerFields {
    let (key_id, algorithm, key, certificate) = signer_output(signer);
    SignerFields {
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
    }
}

/// What the report says of the signer: key id, algorithm, key label, or
/// the certificate.
pub(super) fn signer_output(
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
pub(super) fn keyless_wanted(settings: &Settings, args: &AttestArgs) -> Result<bool> {
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

pub(super) fn selection(args: &AttestArgs) -> BuildSelection {
    BuildSelection {
        manifest_path: args.manifest_path.clone(),
        packages: args.packages.clone(),
        target: args.targets.first().cloned(),
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

pub(super) fn is_zero(n: &usize) -> bool {
    *n == 0
}
