//! `cargo attest verify FILE... --bundle BUNDLE` (one bundle, or many: a
//! JSON-lines file or a directory), `verify FILE...` (the
//! bundle `cargo attest` wrote), `verify FILE... --from REF` and
//! `verify REF`: key-signed and keyless bundles alike.

mod output;

use std::path::{Path, PathBuf};

use super::Report;
use crate::cli::{IdentityArgs, PolicyArgs, VerifyArgs};
use crate::crate_index::{CrateSpec, Lookup, Origin, checked_crate};
use crate::error::{Error, Result};
use crate::fsutil;
use crate::settings::Settings;
use crate::signing::DsseBundle;
use crate::verify::{
    BundleSource, Failure, IdentityFlags, IdentityPolicy, Keys, Outcome, Policy, SignedBy,
    TlogPolicy, Trust, TrustRoot, bundle_dirs, find_bundles, hash_files, load_bundles,
    verify_attached, verify_files, verify_files_from, verify_many,
};
use output::{
    FromOutput, ManyOutput, RefOutput, SignerOutput, VerifiedFile, VerifyOutput,
    attestation_results, result_lines, signed_at, times,
};

fn policy(args: &PolicyArgs) -> Policy {
    Policy {
        predicate_type: args.predicate_type.clone(),
        builder_id: args.builder_id.clone(),
        source_repo: args.source_repo.clone(),
        source_ref: args.source_ref.clone(),
        source_digest: args.source_digest.clone(),
    }
}

/// The keys, trusted root and identity policy the flags name.
fn trust(settings: &Settings, args: &VerifyArgs) -> Result<Trust> {
    let IdentityArgs {
        trusted_root,
        certificate_identity,
        certificate_identity_regexp,
        certificate_oidc_issuer,
        certificate_oidc_issuer_regexp,
        allow_unanchored,
        owner,
        repo,
        signer_workflow,
        deny_self_hosted_runners,
    } = &args.identity;
    let identity = IdentityPolicy::new(IdentityFlags {
        identity: certificate_identity.as_deref(),
        identity_regexp: certificate_identity_regexp.as_deref(),
        issuer: certificate_oidc_issuer.as_deref(),
        issuer_regexp: certificate_oidc_issuer_regexp.as_deref(),
        allow_unanchored: *allow_unanchored,
        owner: owner.as_deref(),
        repo: repo.as_deref(),
        signer_workflow: signer_workflow.as_deref(),
        // The statement policy flags hold for a keyless signer's
        // certificate too, not only for what the statement claims.
        source_repo: args.policy.source_repo.as_deref(),
        source_ref: args.policy.source_ref.as_deref(),
        source_digest: args.policy.source_digest.as_deref(),
        deny_self_hosted_runners: *deny_self_hosted_runners,
    })?;
    Ok(Trust {
        keys: Keys::new(&args.key, &settings.env)?,
        root: TrustRoot::new(trusted_root.as_deref(), Some(settings.trust.clone())),
        identity,
        tlog: TlogPolicy {
            threshold: args.tlog.tlog_threshold,
            ignore: args.tlog.insecure_ignore_tlog,
        },
    })
}

pub(super) fn run(settings: &Settings, args: &VerifyArgs) -> Result<Report> {
    if let Some(spec) = &args.krate {
        return run_crate(settings, args, spec);
    }
    if let Some(reference) = &args.from {
        return run_from(settings, args, reference, &args.files);
    }
    if let Some(bundle_path) = &args.bundle {
        return run_bundle(settings, args, bundle_path);
    }
    match args.files.as_slice() {
        [one] if !one.is_file() => run_ref(settings, args, &one.to_string_lossy()),
        files => {
            if let Some(other) = files.iter().find(|f| !f.is_file()) {
                return Err(Error::usage(format!(
                    "{} is not a file: give FILE... (with --bundle BUNDLE or --from REF), or a single REF",
                    other.display()
                )));
            }
            run_local(settings, args)
        }
    }
}

fn run_bundle(settings: &Settings, args: &VerifyArgs, bundle_path: &Path) -> Result<Report> {
    let source = load_bundles(bundle_path)?;
    let trust = trust(settings, args)?;
    let bundles = match source {
        BundleSource::One(text) => {
            return check_bundle(
                args,
                &trust,
                &text,
                bundle_path.display().to_string(),
                &args.files,
            );
        }
        BundleSource::Many(bundles) => bundles,
    };
    let checked = verify_many(&bundles, &trust, &args.files, &policy(&args.policy))?;
    let failure = checked.failure();
    let mut report = Report::new(&ManyOutput {
        verified: failure.is_none(),
        bundles: &checked.bundles,
        files: &checked.files,
    })?;
    for b in checked
        .bundles
        .iter()
        .filter(|b| b.outcome == Outcome::Failed)
    {
        report.line(format!(
            "FAILED {}: {}",
            b.bundle,
            b.reason.as_deref().unwrap_or("failed")
        ));
    }
    for f in &checked.files {
        report.line(match f.bundles.as_slice() {
            [] => format!("NOT VERIFIED {} (sha256:{})", f.path, f.sha256),
            by => format!(
                "Verified {} (sha256:{}) by {}",
                f.path,
                f.sha256,
                by.join(", ")
            ),
        });
    }
    let count = |outcome| {
        checked
            .bundles
            .iter()
            .filter(|b| b.outcome == outcome)
            .count()
    };
    report.line(format!(
        "{} of {} files verified against {} bundles from {}: {} failed, {} skipped (about other files or predicate types)",
        checked.files.iter().filter(|f| f.verified).count(),
        checked.files.len(),
        checked.bundles.len(),
        bundle_path.display(),
        count(Outcome::Failed),
        count(Outcome::Skipped),
    ));
    Ok(match failure {
        Some(e) => report.fail(e),
        None => report,
    })
}

/// `verify --crate NAME@VERSION (--bundle B | --from REF)`: the `.crate`
/// is first checked against its registry's index (a mismatch is exit 10,
/// told apart from an attestation that does not match it, exit 5), then
/// verified as a file.
fn run_crate(settings: &Settings, args: &VerifyArgs, spec: &str) -> Result<Report> {
    let spec = CrateSpec::parse(spec)?;
    if args.bundle.is_none() && args.from.is_none() {
        return Err(Error::usage(
            "--crate needs the attestation to check the crate against: --bundle BUNDLE or \
             --from REF",
        ));
    }
    let trust = trust(settings, args)?;
    let cwd =
        std::env::current_dir().map_err(|e| Error::io("read the current directory", ".", e))?;
    // A downloaded crate is kept in our cache, so the path the report
    // names still exists afterwards.
    let scratch;
    let download_dir = match &settings.cache_dir {
        Some(dir) => {
            let dir = dir.join("crates");
            std::fs::create_dir_all(&dir).map_err(|e| Error::io("create", &dir, e))?;
            dir
        }
        None => {
            scratch =
                tempfile::tempdir().map_err(|e| Error::io("create", "a temporary directory", e))?;
            scratch.path().to_path_buf()
        }
    };
    let checked = checked_crate(&Lookup {
        spec: &spec,
        registry: args.crate_registry.as_deref(),
        env: &settings.env,
        cwd: &cwd,
        download_dir: &download_dir,
    })?;
    let files = [checked.path.clone()];
    let mut report = match (&args.bundle, &args.from) {
        (Some(bundle_path), _) => {
            let text = fsutil::read_text(bundle_path)?;
            check_bundle(
                args,
                &trust,
                &text,
                bundle_path.display().to_string(),
                &files,
            )?
        }
        (None, Some(reference)) => run_from(settings, args, reference, &files)?,
        (None, None) => return Err(Error::internal("--crate without an attestation")),
    };
    report.field(
        "crate",
        &CrateOutput {
            name: &spec.name,
            version: &spec.version,
            index: &checked.index,
            origin: match checked.origin {
                Origin::Cache => "cache",
                Origin::Download => "download",
            },
            sha256: &checked.sha256,
        },
    )?;
    report.line(format!(
        "{}@{}: {} matches the checksum of the index {} (sha256:{})",
        spec.name,
        spec.version,
        match checked.origin {
            Origin::Cache => format!("cached {}", fsutil::display_path(&checked.path)),
            Origin::Download => "the downloaded .crate".to_string(),
        },
        checked.index,
        checked.sha256
    ));
    Ok(report)
}

/// What `verify --crate` adds to the document: the crate and where its
/// file came from.
#[derive(serde::Serialize)]
struct CrateOutput<'a> {
    name: &'a str,
    version: &'a str,
    /// The sparse index whose checksum the file matched.
    index: &'a str,
    /// `cache` (cargo's download cache) or `download`.
    origin: &'static str,
    sha256: &'a str,
}

fn check_bundle(
    args: &VerifyArgs,
    trust: &Trust,
    text: &str,
    shown: String,
    files: &[PathBuf],
) -> Result<Report> {
    let bundle = DsseBundle::parse(text).map_err(|e| e.into_error(&shown))?;
    let verified = verify_files(&bundle, &shown, trust, files, &policy(&args.policy))?;
    let count = verified.files.len();
    let line = format!(
        "Verified {count} file{} against {shown} (signed by {}{}{})",
        if count == 1 { "" } else { "s" },
        verified.signed_by.label(),
        signed_at(&verified.timestamps),
        verified
            .builder_id
            .as_deref()
            .map(|b| format!(", built by {b}"))
            .unwrap_or_default()
    );
    let mut report = Report::new(&VerifyOutput {
        verified: true,
        bundle: shown,
        key_id: verified.signed_by.key_id().map(str::to_string),
        key: match &verified.signed_by {
            SignedBy::Key { label, .. } => Some(label.clone()),
            SignedBy::Certificate(_) => None,
        },
        signer: SignerOutput::of(&verified.signed_by),
        signed_timestamps: times(&verified.timestamps),
        transparency_log_verified: verified.signed_by.tlog_verified(),
        predicate_type: verified.statement.predicate_type,
        builder_id: verified.builder_id,
        files: verified
            .files
            .into_iter()
            .map(|f| VerifiedFile {
                path: f.path,
                sha256: f.sha256,
                subject: f.subject,
                attestation: None,
            })
            .collect(),
    })?;
    report.line(line);
    Ok(report)
}

/// `verify FILE...` alone: the bundles `cargo attest` wrote that name the
/// files; the newest that passes wins. Without one, say what to pass.
fn run_local(settings: &Settings, args: &VerifyArgs) -> Result<Report> {
    let hashed = hash_files(&args.files)?;
    let target_dir = settings.env.get("CARGO_TARGET_DIR").map(PathBuf::from);
    let dirs = bundle_dirs(&args.files, target_dir.as_deref());
    let found = find_bundles(&dirs, &hashed);
    if found.is_empty() {
        let files: Vec<String> = hashed
            .iter()
            .map(|f| format!("{} (sha256:{})", f.name, f.sha256))
            .collect();
        let looked = if dirs.is_empty() {
            "no <target-dir>/attest directory was found".to_string()
        } else {
            format!(
                "none in {} names {}",
                dirs.iter()
                    .map(|d| fsutil::display_path(d))
                    .collect::<Vec<_>>()
                    .join(", "),
                if files.len() == 1 { "it" } else { "them all" }
            )
        };
        return Err(Error::usage(format!(
            "no bundle found for {}: {looked}. Pass --bundle BUNDLE (a *.sigstore.json, for \
             example from `cargo attest download REF`), or --from REF to check against the \
             attestations attached to an image",
            files.join(", ")
        )));
    }
    let trust = trust(settings, args)?;
    let mut first_error = None;
    for path in &found {
        let shown = fsutil::display_path(path);
        tracing::debug!("trying {shown}");
        let text = fsutil::read_text(path)?;
        match check_bundle(args, &trust, &text, shown, &args.files) {
            Ok(report) => return Ok(report),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or_else(|| Error::internal("no bundle was checked")))
}

/// `verify REF`: success needs at least one attached attestation that
/// passes everything.
fn run_ref(settings: &Settings, args: &VerifyArgs, reference: &str) -> Result<Report> {
    let located = settings.places().locate(reference, false).map_err(|e| {
        // Something that looks like a path and is no file is a file the
        // user meant, not an image: say so instead of a lookup error.
        if Path::new(reference).components().count() > 1 && matches!(e, Error::Usage { .. }) {
            Error::usage(format!(
                "{reference} is neither a file nor an image reference ({e})"
            ))
        } else {
            e
        }
    })?;
    let subject = located.store.resolve(&located.target)?;
    let trust = trust(settings, args)?;
    let checks = verify_attached(
        located.store.as_ref(),
        &subject,
        &trust,
        &policy(&args.policy),
    )?;
    // A key that could not be found or read is a set-up problem (exit 6),
    // not a bad artifact (exit 5): CI must be able to tell them apart.
    let setup_problem = checks.iter().find_map(|c| match &c.outcome {
        Err(Failure::NoKey(e)) => Some(e.report()),
        _ => None,
    });
    let attestations = attestation_results(checks);
    let any = attestations.iter().any(|r| r.verified);
    let lines = result_lines(&attestations);
    let mut report = Report::new(&RefOutput {
        subject: located.display.clone(),
        digest: subject.digest.clone(),
        verified: any,
        attestations,
    })?;
    for line in lines {
        report.line(line);
    }
    if any {
        report.line(format!(
            "Verified {} ({}): a valid attestation is attached",
            located.display, subject.digest
        ));
        Ok(report)
    } else if let Some(problem) = setup_problem {
        let error = Error::key(format!(
            "could not check the attestations attached to {} ({}): {problem}",
            located.display, subject.digest
        ));
        Ok(report.fail(error))
    } else {
        let error = Error::verification(format!(
            "no valid attestation is attached to {} ({})",
            located.display, subject.digest
        ));
        Ok(report.fail(error))
    }
}

/// `verify FILE... --from REF`: every file must be a subject of an
/// attestation attached to REF that passes everything.
fn run_from(
    settings: &Settings,
    args: &VerifyArgs,
    reference: &str,
    files: &[PathBuf],
) -> Result<Report> {
    if let Some(other) = files.iter().find(|f| !f.is_file()) {
        return Err(Error::usage(format!(
            "{} is not a file: --from REF checks files against what is attached to REF",
            other.display()
        )));
    }
    let located = settings.places().locate(reference, false)?;
    let subject = located.store.resolve(&located.target)?;
    let trust = trust(settings, args)?;
    let result = verify_files_from(
        located.store.as_ref(),
        &subject,
        &trust,
        files,
        &policy(&args.policy),
    )?;
    let attestations = attestation_results(result.checks);
    let failure = match result.unmatched.first() {
        Some(_) if attestations.is_empty() => Some(Error::verification(format!(
            "no attestation is attached to {} ({})",
            located.display, subject.digest
        ))),
        Some((name, sha256)) => Some(Error::verification(format!(
            "{name} (sha256:{sha256}) is not a subject of any valid attestation attached to {} ({})",
            located.display, subject.digest
        ))),
        None => None,
    };
    let lines = result_lines(&attestations);
    let count = result.files.len();
    let mut report = Report::new(&FromOutput {
        verified: failure.is_none(),
        subject: located.display.clone(),
        digest: subject.digest.clone(),
        files: result
            .files
            .into_iter()
            .map(|(f, attestation)| VerifiedFile {
                path: f.path,
                sha256: f.sha256,
                subject: f.subject,
                attestation: Some(attestation),
            })
            .collect(),
        attestations,
    })?;
    for line in lines {
        report.line(line);
    }
    match failure {
        None => {
            report.line(format!(
                "Verified {count} file{} against the attestations attached to {} ({})",
                if count == 1 { "" } else { "s" },
                located.display,
                subject.digest
            ));
            Ok(report)
        }
        Some(error) => Ok(report.fail(error)),
    }
}
