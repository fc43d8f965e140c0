//! The default command: find the subjects, write provenance, sign it.

use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::Serialize;

use super::{PASSPHRASE_ENV, Ui, read_passphrase, read_text, target, write_file_atomically};
use crate::cli::{AttestArgs, GlobalArgs, SigningKeyArgs};
use crate::credentials::Keyring;
use crate::error::{Error, Result};
use crate::provenance::cargo::{self, BuildSelection, Workspace};
use crate::provenance::subjects::{self, Subject, SubjectFile};
use crate::provenance::{self, FeatureRequest, ProvenanceInput, ci, source};
use crate::registry::push::{
    ArtifactFile, DEFAULT_ARTIFACT_TYPE, artifact_manifest, push_artifact,
};
use crate::signing::{Algorithm, IN_TOTO_PAYLOAD_TYPE, SigningKey, sign_bundle};

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
    attached: super::attach::AttachReport,
}

/// `org.opencontainers.image.created`: SOURCE_DATE_EPOCH if set, else now.
pub(super) fn created_timestamp() -> Result<String> {
    let epoch = provenance::source_date_epoch(std::env::var("SOURCE_DATE_EPOCH").ok().as_deref())?;
    let t = epoch.unwrap_or_else(Timestamp::now);
    Ok(Timestamp::from_second(t.as_second())
        .unwrap_or(t)
        .to_string())
}

pub fn run(ui: &Ui, global: &GlobalArgs, args: &AttestArgs) -> Result<()> {
    let observed_start = Timestamp::now();
    let epoch = provenance::source_date_epoch(std::env::var("SOURCE_DATE_EPOCH").ok().as_deref())?;
    let sel = selection(args);
    let explicit = !args.subject_path.is_empty()
        || args.subject_checksums.is_some()
        || args.subject_name.is_some();

    // Cargo's view of the build. For explicit subjects it is context only,
    // so a directory without a cargo project is fine there.
    let workspace = if explicit && args.manifest_path.is_none() {
        match cargo::load_workspace(&sel) {
            Ok(ws) => Some(ws),
            Err(e) => {
                ui.detail(1, format!("no cargo workspace recorded: {e}"));
                None
            }
        }
    } else {
        Some(cargo::load_workspace(&sel)?)
    };
    let context_dir = workspace
        .as_ref()
        .map(|w| w.root.clone())
        .unwrap_or_else(|| PathBuf::from("."));
    let toolchain = match cargo::toolchain(&context_dir) {
        Ok(tc) => Some(tc),
        Err(e) if explicit => {
            ui.detail(1, format!("toolchain not recorded: {e}"));
            None
        }
        Err(e) => return Err(e),
    };
    let host = toolchain
        .as_ref()
        .map(|t| t.host().to_string())
        .unwrap_or_default();

    let mut started = None;
    let mut finished = None;
    let mut enabled_features = BTreeMap::new();
    let mut pushed_files: Vec<SubjectFile> = Vec::new();
    let mut subjects = if explicit {
        explicit_subjects(args, &mut pushed_files)?
    } else {
        let ws = workspace.as_ref().expect("loaded above for cargo subjects");
        if let Some(stream) = build_stream_source(args) {
            let build = read_stream(&stream, ws)?;
            started = build.started;
            finished = build.finished;
            enabled_features = build.features;
            if build.files.is_empty() {
                return Err(Error::invalid_input(format!(
                    "the cargo JSON stream from {} lists no binary, cdylib or staticlib of {}",
                    stream_name(&stream),
                    package_list(ws)
                )));
            }
            pushed_files = build.files.clone();
            subjects::hash_files(&build.files)?
        } else {
            let found = cargo::find_outputs(ws, &sel, &host);
            for path in &found.missing {
                ui.warn(format!("{} was not built; not attested", path.display()));
            }
            if found.files.is_empty() {
                return Err(Error::invalid_input(format!(
                    "no build outputs (binary, cdylib or staticlib) of {} in {}\n\
                     hint: run `cargo build{}` first, pass the same --profile/--target/--target-dir, \
                     or name files with --subject-path",
                    package_list(ws),
                    found.dir.display(),
                    profile_flag(&sel)
                )));
            }
            // Outputs were written between the oldest and newest mtime.
            let times: Vec<Timestamp> = found
                .files
                .iter()
                .filter_map(|f| f.path.metadata().and_then(|m| m.modified()).ok())
                .filter_map(|t| Timestamp::try_from(t).ok())
                .collect();
            started = times.iter().min().copied();
            finished = times.iter().max().copied();
            enabled_features = ws
                .selected
                .iter()
                .map(|p| (p.name.clone(), p.features.clone()))
                .collect();
            pushed_files = found.files.clone();
            subjects::hash_files(&found.files)?
        }
    };
    for s in &subjects {
        ui.detail(1, format!("subject {} {:?}", s.name, s.digest));
    }

    // With --push, the artifact manifest is a subject too: its digest is
    // known before anything is uploaded, so the signature covers it.
    let push = match &args.push {
        Some(reference) => {
            if pushed_files.is_empty() {
                return Err(Error::usage(
                    "--push needs files to push: build outputs or --subject-path (not only checksums or digests)",
                ));
            }
            let files: Vec<ArtifactFile> = pushed_files
                .iter()
                .zip(&subjects)
                .map(|(f, s)| ArtifactFile {
                    path: f.path.clone(),
                    title: f.name.clone(),
                    digest: format!("sha256:{}", s.sha256().unwrap_or_default()),
                    size: f.path.metadata().map(|m| m.len()).unwrap_or(0),
                })
                .collect();
            let created = created_timestamp()?;
            let (_, manifest) = artifact_manifest(&files, DEFAULT_ARTIFACT_TYPE, Some(&created))?;
            let digest = crate::registry::manifest::sha256_digest(&manifest);
            subjects.push(Subject {
                name: reference.clone(),
                digest: BTreeMap::from([(
                    "sha256".to_string(),
                    digest.trim_start_matches("sha256:").to_string(),
                )]),
            });
            Some((reference.clone(), files, manifest, created))
        }
        None => None,
    };
    let (started, finished) = match epoch {
        Some(t) => (t, t),
        None => {
            let now = Timestamp::now();
            (started.unwrap_or(observed_start), finished.unwrap_or(now))
        }
    };
    let git = source::git_source(&context_dir);
    if git.is_none() {
        ui.detail(1, "not in a git checkout: no source recorded");
    }
    let builder = ci::detect(&|k| std::env::var(k).ok());
    ui.detail(1, format!("builder {} ({})", builder.id, builder.kind));

    let input = ProvenanceInput {
        subjects,
        command: command_line(),
        manifest_path: workspace
            .as_ref()
            .and_then(|ws| relative_manifest(args, ws)),
        packages: workspace
            .as_ref()
            .filter(|_| !explicit)
            .map(|ws| {
                ws.selected
                    .iter()
                    .map(|p| format!("{}@{}", p.name, p.version))
                    .collect()
            })
            .unwrap_or_default(),
        profile: (!explicit).then(|| sel.profile_name().to_string()),
        target: (!explicit)
            .then(|| sel.target.clone().unwrap_or_else(|| host.clone()))
            .filter(|t| !t.is_empty()),
        features: FeatureRequest {
            features: sel
                .features
                .iter()
                .flat_map(|f| f.split_whitespace())
                .map(str::to_string)
                .collect(),
            all_features: sel.all_features,
            no_default_features: sel.no_default_features,
        },
        enabled_features,
        toolchain,
        // vars_os: a non-UTF-8 variable elsewhere in the environment must
        // not abort the run.
        env: provenance::output_affecting_env(std::env::vars_os().map(|(k, v)| {
            (
                k.to_string_lossy().into_owned(),
                v.to_string_lossy().into_owned(),
            )
        })),
        source: git,
        lock: workspace
            .as_ref()
            .map(|ws| ws.lock.clone())
            .unwrap_or_default(),
        builder,
        started,
        finished,
    };
    if let Some(ws) = &workspace
        && !ws.lock_found
    {
        ui.warn(format!(
            "{} has no Cargo.lock: dependencies are not recorded",
            ws.root.display()
        ));
    }
    let statement = provenance::build_statement(&input);
    let payload = statement.to_json();

    let (key, key_label) = signing_key(ui, &args.key)?;
    let bundle =
        sign_bundle(&payload, IN_TOTO_PAYLOAD_TYPE, &key).map_err(|e| Error::key(e.to_string()))?;
    let path = output_path(args, &sel, workspace.as_ref(), &statement.subject)?;
    write_file_atomically(&path, bundle.as_bytes(), false)?;

    let shown = super::display_path(&path);

    let mut pushed = None;
    if let Some((reference, files, manifest, _)) = &push {
        let located = target::locate(ui, global, reference, true)?;
        if located.tag().is_none() {
            return Err(Error::usage(format!(
                "--push to a tag, not a digest: `{reference}`"
            )));
        }
        let progress = target::progress(ui, global);
        let artifact = push_artifact(located.target(), files, manifest, located.tag(), &progress)?;
        ui.result(format!("Pushed {} ({})", located.display, artifact.digest));
        let report = super::attach::attach_bundle(
            ui,
            global,
            &located,
            &artifact,
            bundle.as_bytes(),
            &statement.predicate_type,
        )?;
        ui.result(super::attach::describe(&report));
        pushed = Some(PushedOutput {
            reference: located.display,
            digest: artifact.digest,
            attestation: report.attestation.clone(),
            attached: report,
        });
    }
    ui.emit_json(&AttestOutput {
        bundle: shown.clone(),
        key_id: key.key_id(),
        algorithm: key.algorithm(),
        key: key_label.clone(),
        predicate_type: &statement.predicate_type,
        subjects: &statement.subject,
        pushed,
    })?;
    let count = statement.subject.len();
    ui.result(format!(
        "Attested {count} subject{} -> {shown}",
        if count == 1 { "" } else { "s" }
    ));
    ui.detail(
        1,
        format!(
            "signed with {key_label}, {} key {}",
            key.algorithm(),
            key.key_id()
        ),
    );
    Ok(())
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

fn explicit_subjects(args: &AttestArgs, files_out: &mut Vec<SubjectFile>) -> Result<Vec<Subject>> {
    let mut subjects = Vec::new();
    if !args.subject_path.is_empty() {
        let files = subjects::name_files(subjects::expand_globs(&args.subject_path)?);
        subjects.extend(subjects::hash_files(&files)?);
        *files_out = files;
    }
    if let Some(path) = &args.subject_checksums {
        let text = read_text(path)?;
        subjects.extend(subjects::parse_checksums(
            &text,
            &path.display().to_string(),
        )?);
    }
    if let (Some(name), Some(digest)) = (&args.subject_name, &args.subject_digest) {
        subjects.push(subjects::digest_subject(name, digest)?);
    }
    Ok(subjects)
}

enum StreamSource {
    Stdin,
    File(PathBuf),
}

/// A stream is read when asked for, or when stdin is a pipe: that is what
/// `cargo build --message-format=json | cargo attest` looks like.
fn build_stream_source(args: &AttestArgs) -> Option<StreamSource> {
    match &args.cargo_json {
        Some(p) if p == Path::new("-") => Some(StreamSource::Stdin),
        Some(p) => Some(StreamSource::File(p.clone())),
        None if stdin_is_pipe() => Some(StreamSource::Stdin),
        None => None,
    }
}

#[cfg(unix)]
fn stdin_is_pipe() -> bool {
    use std::os::fd::AsFd;
    use std::os::unix::fs::FileTypeExt;
    std::io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .map(std::fs::File::from)
        .and_then(|f| f.metadata())
        .map(|m| m.file_type().is_fifo())
        .unwrap_or(false)
}

#[cfg(not(unix))]
fn stdin_is_pipe() -> bool {
    false
}

fn stream_name(source: &StreamSource) -> String {
    match source {
        StreamSource::Stdin => "stdin".into(),
        StreamSource::File(p) => p.display().to_string(),
    }
}

fn read_stream(source: &StreamSource, ws: &Workspace) -> Result<cargo::StreamedBuild> {
    let name = stream_name(source);
    match source {
        StreamSource::Stdin => cargo::read_build_stream(std::io::stdin().lock(), ws, &name),
        StreamSource::File(path) => {
            let file = std::fs::File::open(path).map_err(|e| Error::io("read", path, e))?;
            cargo::read_build_stream(BufReader::new(file), ws, &name)
        }
    }
}

fn package_list(ws: &Workspace) -> String {
    let names: Vec<_> = ws
        .selected
        .iter()
        .map(|p| format!("`{}`", p.name))
        .collect();
    if names.is_empty() {
        "the selected packages".into()
    } else {
        names.join(", ")
    }
}

fn profile_flag(sel: &BuildSelection) -> String {
    let mut flags = String::new();
    match sel.profile_name() {
        "dev" => {}
        "release" => flags.push_str(" --release"),
        other => flags.push_str(&format!(" --profile {other}")),
    }
    if let Some(t) = &sel.target {
        flags.push_str(&format!(" --target {t}"));
    }
    flags
}

/// The command line as the user typed it, under the name `cargo attest`,
/// without the flags that only choose output, keys or verbosity: they do not
/// change what was built, and must not make reruns differ.
fn command_line() -> Vec<String> {
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let args = if args.first().is_some_and(|a| a == "attest") {
        &args[1..]
    } else {
        &args[..]
    };
    ["cargo", "attest"]
        .into_iter()
        .map(str::to_string)
        .chain(build_relevant_args(args))
        .collect()
}

fn build_relevant_args(args: &[String]) -> Vec<String> {
    const WITH_VALUE: &[&str] = &[
        "--output",
        "-o",
        "--format",
        "--key",
        "--key-name",
        "--progress",
    ];
    const SWITCHES: &[&str] = &[
        "--quiet",
        "-q",
        "--verbose",
        "--redetect",
        "--plain-http",
        "--insecure",
    ];
    let mut kept = Vec::new();
    let mut skip_value = false;
    for arg in args {
        if std::mem::take(&mut skip_value) {
            continue;
        }
        let name = arg.split_once('=').map_or(arg.as_str(), |(n, _)| n);
        if WITH_VALUE.contains(&name) {
            skip_value = !arg.contains('=');
            continue;
        }
        // `-ofile` is `-o file`; `-v`, `-vv`, `-qv` are verbosity switches.
        if arg.starts_with("-o") && !arg.starts_with("--") {
            continue;
        }
        if SWITCHES.contains(&name)
            || (arg.starts_with('-')
                && !arg.starts_with("--")
                && arg[1..].chars().all(|c| c == 'v' || c == 'q')
                && arg.len() > 1)
        {
            continue;
        }
        kept.push(arg.clone());
    }
    kept
}

fn relative_manifest(args: &AttestArgs, ws: &Workspace) -> Option<String> {
    let manifest = args.manifest_path.as_ref()?;
    let absolute = std::fs::canonicalize(manifest).ok()?;
    let root = std::fs::canonicalize(&ws.root).ok()?;
    absolute
        .strip_prefix(&root)
        .ok()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
}

fn output_path(
    args: &AttestArgs,
    sel: &BuildSelection,
    workspace: Option<&Workspace>,
    subjects: &[Subject],
) -> Result<PathBuf> {
    let explicit = !args.subject_path.is_empty()
        || args.subject_checksums.is_some()
        || args.subject_name.is_some();
    let mut label = match (workspace, explicit) {
        (Some(ws), false) => match ws.selected.as_slice() {
            [one] => format!("{}-{}", one.name, one.version),
            _ => ws
                .root
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "workspace".into()),
        },
        _ => match subjects {
            [one] => one.name.clone(),
            _ => "subjects".into(),
        },
    };
    if !explicit {
        label.push('-');
        label.push_str(sel.profile_name());
        if let Some(t) = &sel.target {
            label.push('-');
            label.push_str(t);
        }
    }
    let file_name = format!("{}.sigstore.json", sanitize(&label));
    Ok(match &args.output {
        Some(p) if p.is_dir() => p.join(file_name),
        Some(p) => p.clone(),
        None => {
            let target_dir = workspace
                .map(|w| w.target_dir.clone())
                .unwrap_or_else(|| PathBuf::from("target"));
            target_dir.join("attest").join(file_name)
        }
    })
}

fn sanitize(label: &str) -> String {
    label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The key to sign with, and how to name it to the user.
pub(super) fn signing_key(ui: &Ui, args: &SigningKeyArgs) -> Result<(SigningKey, String)> {
    if let Some(path) = &args.key {
        let key = load_pem_key(path)?;
        return Ok((key, format!("key file {}", path.display())));
    }
    let keyring = Keyring::open()?;
    let name = &args.key_name;
    match keyring.signing_key(name)? {
        Some(key) => Ok((key, format!("keyring key `{name}`"))),
        None => {
            let key = SigningKey::generate(Algorithm::EcdsaP256)
                .map_err(|e| Error::key(e.to_string()))?;
            keyring.store_signing_key(name, &key, false)?;
            ui.note(format!(
                "Created signing key `{name}` (ecdsa-p256, id {}) in the OS keyring.\n\
                 Share its public key with verifiers: cargo attest key export {name}",
                key.key_id()
            ));
            Ok((key, format!("keyring key `{name}`")))
        }
    }
}

/// Loads a PEM private key file, asking for the passphrase only if it is
/// encrypted.
pub(super) fn load_pem_key(path: &Path) -> Result<SigningKey> {
    use crate::signing::KeyError;
    let text = read_text(path)?;
    let shown = path.display();
    let fail = |e: KeyError| match e {
        KeyError::WrongPassphrase => Error::key(format!(
            "{shown}: wrong passphrase (from {PASSPHRASE_ENV} or the prompt), or the key is damaged"
        )),
        other => Error::key(format!("{shown}: {other}")),
    };
    match SigningKey::from_pem(&text, None) {
        Err(KeyError::PassphraseRequired) => {
            let pass = read_passphrase(&format!("key {shown}"), false)?;
            SigningKey::from_pem(&text, Some(pass.as_bytes())).map_err(fail)
        }
        other => other.map_err(fail),
    }
}

#[cfg(test)]
mod tests {
    use super::build_relevant_args;

    #[test]
    fn output_and_key_flags_are_not_recorded() {
        let args: Vec<String> = [
            "--release",
            "-o",
            "out.json",
            "--key=k.pem",
            "-vv",
            "--format",
            "json",
            "-p",
            "app",
            "--features",
            "a,b",
            "--output=x",
            "-oy",
            "--key-name",
            "ci",
            "-q",
            "--push",
            "r:v1",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            build_relevant_args(&args),
            [
                "--release",
                "-p",
                "app",
                "--features",
                "a,b",
                "--push",
                "r:v1"
            ]
        );
    }
}
