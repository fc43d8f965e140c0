//! `cargo attest package`: the `.crate` that `cargo package` made,
//! attested by the default command's one sequence (gather, sign, publish,
//! write) with the crate as its subjects: the file by name, and the
//! package as `pkg:cargo/NAME@VERSION`, both with the file's SHA-256,
//! which is the checksum the crate index records for it.

use super::{Report, attest};
use crate::cli::{AttestArgs, PackageArgs, SubjectArgs};
use crate::error::{Error, Result};
use crate::provenance::cargo::{BuildSelection, packaged_crate};
use crate::provenance::subjects::sha256_file;
use crate::sbom::purl;
use crate::settings::Settings;

pub(super) fn run(settings: &Settings, args: PackageArgs) -> Result<Report> {
    let packaged = packaged_crate(&BuildSelection {
        manifest_path: args.manifest_path.clone(),
        packages: args.package.iter().cloned().collect(),
        target_dir: args.target_dir.clone(),
        ..BuildSelection::default()
    })?;
    let sha256 = sha256_file(&packaged.path)?;
    let path = packaged
        .path
        .to_str()
        .ok_or_else(|| {
            Error::usage(format!(
                "{} is not valid UTF-8: pass --target-dir with a UTF-8 path",
                packaged.path.display()
            ))
        })
        .map(glob::Pattern::escape)?;
    // What the provenance records as the command: this one, with the flags
    // that chose the package (never output, key or registry flags).
    let mut command: Vec<String> = ["cargo", "attest", "package"]
        .into_iter()
        .map(str::to_string)
        .collect();
    if let Some(path) = &args.manifest_path {
        command.extend(["--manifest-path".to_string(), path.display().to_string()]);
    }
    if let Some(package) = &args.package {
        command.extend(["--package".to_string(), package.clone()]);
    }
    let output = args
        .output
        .unwrap_or_else(|| packaged.path.with_extension("crate.sigstore.json"));
    // The crate's own registry is not known here: the purl names the
    // package (crates.io's form), the digest pins the bytes.
    let attest_args = AttestArgs {
        manifest_path: args.manifest_path,
        packages: Vec::new(),
        target: None,
        profile: None,
        release: false,
        target_dir: args.target_dir,
        features: Vec::new(),
        all_features: false,
        no_default_features: false,
        cargo_json: None,
        subjects: SubjectArgs {
            subject_path: vec![path],
            subject_checksums: None,
            subject_name: Some(purl(&packaged.name, &packaged.version, None)),
            subject_digest: Some(format!("sha256:{sha256}")),
        },
        key: args.key,
        keyless: args.keyless,
        tlog: args.tlog,
        trust: args.trust,
        output: Some(output),
        strict: false,
        push: args.push.into_iter().collect(),
        push_file: None,
        sbom: false,
        sbom_only: false,
        sbom_size_limit: None,
        publish: args.publish,
    };
    attest::run_recording(settings, &attest_args, command)
}
