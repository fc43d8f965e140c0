//! Gathering what provenance records about a build: cargo's view of the
//! workspace, the toolchain, the subjects (build outputs found in the
//! target directory or in a `--message-format=json` stream, or given
//! explicitly), the source checkout, the builder and the environment.

use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use jiff::Timestamp;

use super::cargo::{self, BuildSelection, Workspace};
use super::subjects::{self, Subject, SubjectFile};
use super::{FeatureRequest, ProvenanceInput, ci, depinfo, output_affecting_env, source};
use crate::environment::Env;
use crate::error::{Error, Result};
use crate::fsutil;

/// What the user asked to attest.
pub(crate) struct Request<'a> {
    pub(crate) selection: BuildSelection,
    /// `--subject-path` globs.
    pub(crate) subject_paths: &'a [String],
    pub(crate) subject_checksums: Option<&'a Path>,
    /// `--subject-name` and `--subject-digest`.
    pub(crate) subject_digest: Option<(&'a str, &'a str)>,
    /// `--cargo-json FILE` (`-` for stdin).
    pub(crate) cargo_json: Option<&'a Path>,
    /// A piped stdin is read as a cargo JSON stream (not when several
    /// targets are gathered one by one: the stream is read only once).
    pub(crate) stdin_stream: bool,
    /// The command line as provenance records it.
    pub(crate) command: Vec<String>,
    pub(crate) source_date_epoch: Option<Timestamp>,
    pub(crate) env: &'a Env,
}

impl Request<'_> {
    /// Subjects named explicitly, rather than the build's outputs.
    pub(crate) fn explicit(&self) -> bool {
        !self.subject_paths.is_empty()
            || self.subject_checksums.is_some()
            || self.subject_digest.is_some()
    }
}

/// Everything gathered: the provenance input (subjects included), the
/// files behind the first subjects, which `--push` can upload, and what
/// the provenance cannot vouch for.
pub(crate) struct Gathered {
    pub(crate) input: ProvenanceInput,
    pub(crate) files: Vec<FileSubject>,
    pub(crate) workspace: Option<Workspace>,
    pub(crate) gaps: Vec<Gap>,
}

/// Something the provenance cannot vouch for: said on stderr, an error
/// with `--strict`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Gap {
    NoCheckout,
    NoCommit,
    Dirty,
    /// An output older than an input cargo tracked for it.
    StaleOutput {
        output: PathBuf,
        source: PathBuf,
    },
}

impl std::fmt::Display for Gap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Gap::NoCheckout => f.write_str(
                "not in a git checkout: no source repository or commit is recorded",
            ),
            Gap::NoCommit => f.write_str(
                "the git repository has no commit yet: no source commit is recorded",
            ),
            Gap::Dirty => f.write_str(
                "the working tree has uncommitted changes: the recorded commit is not exactly what was built",
            ),
            Gap::StaleOutput { output, source } => write!(
                f,
                "{} is older than {}: it was not rebuilt after that change (run cargo build again)",
                output.display(),
                source.display()
            ),
        }
    }
}

pub(crate) fn gather(request: &Request<'_>) -> Result<Gathered> {
    let observed_start = Timestamp::now();
    let explicit = request.explicit();
    let context = Context::load(request)?;
    let outputs = match subject_source(request) {
        SubjectSource::Explicit => explicit_subjects(request)?,
        SubjectSource::CargoStream(stream) => streamed_outputs(&stream, context.workspace()?)?,
        SubjectSource::TargetDir => {
            target_dir_outputs(context.workspace()?, &request.selection, &context.host)?
        }
    };
    for f in &outputs.files {
        tracing::debug!("subject {} {:?}", f.subject.name, f.subject.digest);
    }
    let (started, finished) = match request.source_date_epoch {
        Some(t) => (t, t),
        None => (
            outputs.started.unwrap_or(observed_start),
            outputs.finished.unwrap_or_else(Timestamp::now),
        ),
    };
    let (git, mut gaps) = checkout(&context.dir);
    // Also for a cargo JSON stream: cargo judged each output fresh or
    // rebuilt it when the stream was written, and the dep-info says whether
    // a source changed since.
    if let (Some(ws), false) = (&context.workspace, explicit)
        && let Some(gap) = stale_output(ws, &outputs.files)
    {
        gaps.push(gap);
    }
    let builder = ci::detect(&|k| request.env.get(k));
    tracing::debug!("builder {} ({:?})", builder.id, builder.kind);
    if let Some(ws) = &context.workspace
        && !ws.lock_found
    {
        tracing::warn!(
            "{} has no Cargo.lock: dependencies are not recorded",
            ws.root.display()
        );
    }
    let subjects = outputs
        .files
        .iter()
        .map(|f| f.subject.clone())
        .chain(outputs.others)
        .collect();
    let sel = &request.selection;
    let workspace = context.workspace;
    let input = ProvenanceInput {
        subjects,
        command: request.command.clone(),
        manifest_path: workspace
            .as_ref()
            .and_then(|ws| relative_manifest(sel.manifest_path.as_deref(), ws)),
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
            .then(|| sel.target.clone().unwrap_or_else(|| context.host.clone()))
            .filter(|t| !t.is_empty()),
        targets: Vec::new(),
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
        enabled_features: outputs.enabled_features,
        toolchain: context.toolchain,
        env: output_affecting_env(request.env.vars()),
        source: git,
        lock: workspace
            .as_ref()
            .map(|ws| ws.lock.clone())
            .unwrap_or_default(),
        builder,
        started,
        finished,
    };
    Ok(Gathered {
        input,
        files: outputs.files,
        workspace,
        gaps,
    })
}

/// A subject hashed from a file on disk, kept with its file: what `--push`
/// uploads, and what the statement says of it.
#[derive(Debug, Clone)]
pub(crate) struct FileSubject {
    pub(crate) file: SubjectFile,
    pub(crate) subject: Subject,
}

/// Hashes files into subjects, each kept with its file.
fn file_subjects(files: Vec<SubjectFile>) -> Result<Vec<FileSubject>> {
    let subjects = subjects::hash_files(&files)?;
    if subjects.len() != files.len() {
        return Err(Error::internal("a file was hashed into no subject"));
    }
    Ok(files
        .into_iter()
        .zip(subjects)
        .map(|(file, subject)| FileSubject { file, subject })
        .collect())
}

/// Where the subjects come from.
enum SubjectSource {
    /// `--subject-path`, `--subject-checksums`, `--subject-name/-digest`.
    Explicit,
    /// A `cargo build --message-format=json` stream.
    CargoStream(StreamSource),
    /// The build's outputs, found in the target directory.
    TargetDir,
}

fn subject_source(request: &Request<'_>) -> SubjectSource {
    if request.explicit() {
        SubjectSource::Explicit
    } else if let Some(stream) = stream_source(request.cargo_json, request.stdin_stream) {
        SubjectSource::CargoStream(stream)
    } else {
        SubjectSource::TargetDir
    }
}

/// The subjects of one source, and what they tell about the build.
#[derive(Default)]
struct Outputs {
    /// Subjects backed by files, first in the statement.
    files: Vec<FileSubject>,
    /// Subjects known only by digest (checksums file, `--subject-digest`).
    others: Vec<Subject>,
    started: Option<Timestamp>,
    finished: Option<Timestamp>,
    enabled_features: BTreeMap<String, Vec<String>>,
}

/// Cargo's view of the workspace and the toolchain. For explicit subjects
/// it is context only, so a directory without a cargo project is fine.
struct Context {
    workspace: Option<Workspace>,
    /// Where the source checkout and toolchain are looked for.
    dir: PathBuf,
    toolchain: Option<super::Toolchain>,
    /// The host triple, empty when no toolchain was found.
    host: String,
}

impl Context {
    fn load(request: &Request<'_>) -> Result<Self> {
        let sel = &request.selection;
        let explicit = request.explicit();
        let workspace = if explicit && sel.manifest_path.is_none() {
            match cargo::load_workspace(sel) {
                Ok(ws) => Some(ws),
                Err(e) => {
                    tracing::debug!("no cargo workspace recorded: {}", e.report());
                    None
                }
            }
        } else {
            Some(cargo::load_workspace(sel)?)
        };
        let dir = workspace
            .as_ref()
            .map(|w| w.root.clone())
            .unwrap_or_else(|| PathBuf::from("."));
        let toolchain = match cargo::toolchain(&dir, request.env) {
            Ok(tc) => Some(tc),
            Err(e) if explicit => {
                tracing::debug!("toolchain not recorded: {}", e.report());
                None
            }
            Err(e) => return Err(e),
        };
        let host = toolchain
            .as_ref()
            .map(|t| t.host().to_string())
            .unwrap_or_default();
        Ok(Context {
            workspace,
            dir,
            toolchain,
            host,
        })
    }

    /// The workspace the build's outputs belong to (loaded, or the load
    /// failed, whenever subjects are not explicit).
    fn workspace(&self) -> Result<&Workspace> {
        self.workspace
            .as_ref()
            .ok_or_else(|| Error::internal("no cargo workspace for the build's outputs"))
    }
}

/// The outputs a cargo JSON stream lists, with its times and features.
fn streamed_outputs(stream: &StreamSource, ws: &Workspace) -> Result<Outputs> {
    let build = read_stream(stream, ws)?;
    if build.files.is_empty() {
        return Err(Error::invalid_input(format!(
            "the cargo JSON stream from {} lists no binary, cdylib or staticlib of {}",
            stream.name(),
            package_list(ws)
        )));
    }
    Ok(Outputs {
        files: file_subjects(build.files)?,
        others: Vec::new(),
        started: build.started,
        finished: build.finished,
        enabled_features: build.features,
    })
}

/// The outputs of the selected packages found in the target directory;
/// they were written between the oldest and the newest mtime.
fn target_dir_outputs(ws: &Workspace, sel: &BuildSelection, host: &str) -> Result<Outputs> {
    let found = cargo::find_outputs(ws, sel, host);
    for path in &found.missing {
        tracing::warn!("{} was not built; not attested", path.display());
    }
    if found.files.is_empty() {
        return Err(Error::invalid_input(format!(
            "no build outputs (binary, cdylib or staticlib) of {} in {}\n\
             hint: run `cargo build{}` first, pass the same --profile/--target/--target-dir, \
             or name files with --subject-path",
            package_list(ws),
            found.dir.display(),
            profile_flag(sel)
        )));
    }
    let times: Vec<Timestamp> = found
        .files
        .iter()
        .filter_map(|f| f.path.metadata().and_then(|m| m.modified()).ok())
        .filter_map(|t| Timestamp::try_from(t).ok())
        .collect();
    Ok(Outputs {
        started: times.iter().min().copied(),
        finished: times.iter().max().copied(),
        enabled_features: ws
            .selected
            .iter()
            .map(|p| (p.name.clone(), p.features.clone()))
            .collect(),
        files: file_subjects(found.files)?,
        others: Vec::new(),
    })
}

/// The source checkout, and the gaps it leaves in the provenance.
fn checkout(dir: &Path) -> (Option<super::GitSource>, Vec<Gap>) {
    match source::git_checkout(dir) {
        source::Checkout::At(git) => {
            let gaps = if git.dirty { vec![Gap::Dirty] } else { vec![] };
            (Some(git), gaps)
        }
        source::Checkout::Unborn => (None, vec![Gap::NoCommit]),
        source::Checkout::None => (None, vec![Gap::NoCheckout]),
    }
}

/// The first output that a tracked input changed after, if any: an output
/// the last `cargo build` did not refresh. Cargo's own record decides (the
/// dep-info file beside each output), never a walk of the package
/// directory: logs, keys and notes written there are not inputs. Without a
/// dep-info file nothing is said.
fn stale_output(ws: &Workspace, outputs: &[FileSubject]) -> Option<Gap> {
    outputs
        .iter()
        .map(|o| &o.file)
        .find_map(|o| match depinfo::freshness(&o.path, &ws.root) {
            depinfo::Freshness::Fresh => None,
            depinfo::Freshness::Stale(source) => Some(Gap::StaleOutput {
                output: o.path.clone(),
                source,
            }),
            depinfo::Freshness::Unknown(why) => {
                tracing::debug!("freshness of {} not checked: {why}", o.path.display());
                None
            }
        })
}

fn explicit_subjects(request: &Request<'_>) -> Result<Outputs> {
    let mut outputs = Outputs::default();
    if !request.subject_paths.is_empty() {
        outputs.files = file_subjects(subjects::name_files(subjects::expand_globs(
            request.subject_paths,
        )?))?;
    }
    if let Some(path) = request.subject_checksums {
        let text = fsutil::read_text(path)?;
        outputs.others.extend(subjects::parse_checksums(
            &text,
            &path.display().to_string(),
        )?);
    }
    if let Some((name, digest)) = request.subject_digest {
        outputs.others.push(subjects::digest_subject(name, digest)?);
    }
    Ok(outputs)
}

enum StreamSource {
    Stdin,
    File(PathBuf),
}

impl StreamSource {
    fn name(&self) -> String {
        match self {
            StreamSource::Stdin => "stdin".into(),
            StreamSource::File(p) => p.display().to_string(),
        }
    }
}

/// A stream is read when asked for, or when stdin is a pipe: that is what
/// `cargo build --message-format=json | cargo attest` looks like.
fn stream_source(cargo_json: Option<&Path>, stdin_stream: bool) -> Option<StreamSource> {
    match cargo_json {
        Some(p) if p == Path::new("-") => Some(StreamSource::Stdin),
        Some(p) => Some(StreamSource::File(p.to_path_buf())),
        None if stdin_stream && stdin_is_pipe() => Some(StreamSource::Stdin),
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

fn read_stream(source: &StreamSource, ws: &Workspace) -> Result<cargo::StreamedBuild> {
    let name = source.name();
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

fn relative_manifest(manifest: Option<&Path>, ws: &Workspace) -> Option<String> {
    let absolute = std::fs::canonicalize(manifest?).ok()?;
    let root = std::fs::canonicalize(&ws.root).ok()?;
    absolute
        .strip_prefix(&root)
        .ok()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
}

/// Where the bundle goes by default: `<target-dir>/attest/<label>.sigstore.json`,
/// the label naming the package (or workspace), version, profile and target;
/// or `output` (a file, or an existing directory).
pub(crate) fn bundle_path(
    request: &Request<'_>,
    workspace: Option<&Workspace>,
    subjects: &[Subject],
    output: Option<&Path>,
) -> PathBuf {
    let sel = &request.selection;
    let explicit = request.explicit();
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
    match output {
        Some(p) if p.is_dir() => p.join(file_name),
        Some(p) => p.to_path_buf(),
        None => {
            let target_dir = workspace
                .map(|w| w.target_dir.clone())
                .unwrap_or_else(|| PathBuf::from("target"));
            target_dir.join("attest").join(file_name)
        }
    }
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
