//! What cargo did: the workspace (`cargo metadata`), the build's outputs in
//! the target directory or in a `--message-format=json` stream, Cargo.lock,
//! and the toolchain.

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::Command;

use cargo_metadata::{CargoOpt, Message, Metadata, MetadataCommand, PackageId, TargetKind};
use jiff::Timestamp;

use super::subjects::SubjectFile;
use crate::error::{Error, Result};

/// The build the user asked about, as given on the command line.
#[derive(Debug, Clone, Default)]
pub(crate) struct BuildSelection {
    pub(crate) manifest_path: Option<PathBuf>,
    pub(crate) packages: Vec<String>,
    pub(crate) target: Option<String>,
    /// Cargo profile name; `None` means `dev`.
    pub(crate) profile: Option<String>,
    pub(crate) target_dir: Option<PathBuf>,
    pub(crate) features: Vec<String>,
    pub(crate) all_features: bool,
    pub(crate) no_default_features: bool,
}

impl BuildSelection {
    pub(crate) fn profile_name(&self) -> &str {
        self.profile.as_deref().unwrap_or("dev")
    }
}

/// Output kinds attested by default: what a user ships.
const SHIPPED_KINDS: [TargetKind; 3] = [TargetKind::Bin, TargetKind::CDyLib, TargetKind::StaticLib];

#[derive(Debug, Clone)]
pub(crate) struct WorkspacePackage {
    pub(crate) id: PackageId,
    pub(crate) name: String,
    pub(crate) version: String,
    /// Features the resolver enabled for this package, sorted.
    pub(crate) features: Vec<String>,
    /// (target name, kind) for every shipped output target.
    pub(crate) targets: Vec<(String, TargetKind)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LockedPackage {
    pub(crate) name: String,
    pub(crate) version: String,
    pub(crate) source: Option<String>,
    pub(crate) checksum_sha256: Option<String>,
}

#[derive(Debug)]
pub(crate) struct Workspace {
    pub(crate) root: PathBuf,
    pub(crate) target_dir: PathBuf,
    /// The packages selected with `-p`, or the default members.
    pub(crate) selected: Vec<WorkspacePackage>,
    pub(crate) lock: Vec<LockedPackage>,
    pub(crate) lock_found: bool,
}

pub(crate) fn load_workspace(sel: &BuildSelection) -> Result<Workspace> {
    workspace_from_metadata(metadata(sel, None)?, sel)
}

/// `cargo metadata` for the selection's features; with `platform`, its
/// resolve keeps only the dependencies cargo compiles for that target
/// triple (`--filter-platform`: target-gated dependencies of other
/// platforms are gone).
pub(crate) fn metadata(sel: &BuildSelection, platform: Option<&str>) -> Result<Metadata> {
    let mut cmd = MetadataCommand::new();
    if let Some(path) = &sel.manifest_path {
        if !path.exists() {
            return Err(Error::io(
                "read",
                path,
                std::io::Error::from(std::io::ErrorKind::NotFound),
            ));
        }
        cmd.manifest_path(path);
    }
    if sel.all_features {
        cmd.features(CargoOpt::AllFeatures);
    }
    if sel.no_default_features {
        cmd.features(CargoOpt::NoDefaultFeatures);
    }
    let features: Vec<String> = sel
        .features
        .iter()
        .flat_map(|f| f.split_whitespace())
        .filter(|f| !f.is_empty())
        .map(str::to_string)
        .collect();
    if !features.is_empty() {
        cmd.features(CargoOpt::SomeFeatures(features));
    }
    if let Some(triple) = platform {
        cmd.other_options(vec!["--filter-platform".to_string(), triple.to_string()]);
    }
    cmd.exec().map_err(|e| {
        Error::invalid_input(format!(
            "`cargo metadata` failed: {}\nhint: run from a cargo project or pass --manifest-path, \
             or name the files with --subject-path",
            e.to_string().trim()
        ))
    })
}

/// The `.crate` file `cargo package` made for one package.
#[derive(Debug, Clone)]
pub(crate) struct PackagedCrate {
    pub(crate) name: String,
    pub(crate) version: String,
    /// `<target-dir>/package/NAME-VERSION.crate`.
    pub(crate) path: PathBuf,
}

/// The `.crate` of the selected package (`-p`, else the one default
/// member), which must exist: `cargo package` writes it.
pub(crate) fn packaged_crate(sel: &BuildSelection) -> Result<PackagedCrate> {
    let ws = load_workspace(sel)?;
    let package = match ws.selected.as_slice() {
        [one] => one,
        many => {
            let names: Vec<_> = many.iter().map(|p| p.name.as_str()).collect();
            return Err(Error::usage(format!(
                "name the package whose .crate to attest with -p (selected: {})",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            )));
        }
    };
    let path = ws
        .target_dir
        .join("package")
        .join(format!("{}-{}.crate", package.name, package.version));
    if !path.is_file() {
        return Err(Error::invalid_input(format!(
            "{} does not exist\nhint: run `cargo package{}` first (with the same --target-dir)",
            path.display(),
            sel.packages
                .first()
                .map(|p| format!(" -p {p}"))
                .unwrap_or_default()
        )));
    }
    Ok(PackagedCrate {
        name: package.name.clone(),
        version: package.version.clone(),
        path,
    })
}

/// The selected package whose shipped target cargo writes as `file_name`
/// on `triple`, and the target's kind: which package a build output
/// belongs to.
pub(crate) fn output_owner<'w>(
    ws: &'w Workspace,
    file_name: &str,
    triple: &str,
) -> Option<(&'w WorkspacePackage, &'w TargetKind)> {
    ws.selected.iter().find_map(|p| {
        p.targets
            .iter()
            .find(|(name, kind)| output_file_name(name, kind, triple) == file_name)
            .map(|(_, kind)| (p, kind))
    })
}

fn workspace_from_metadata(metadata: Metadata, sel: &BuildSelection) -> Result<Workspace> {
    let resolved: BTreeMap<&PackageId, Vec<String>> = metadata
        .resolve
        .as_ref()
        .map(|r| {
            r.nodes
                .iter()
                .map(|n| {
                    let mut f: Vec<String> = n.features.iter().map(|f| f.to_string()).collect();
                    f.sort();
                    (&n.id, f)
                })
                .collect()
        })
        .unwrap_or_default();
    let members: Vec<WorkspacePackage> = metadata
        .workspace_packages()
        .into_iter()
        .map(|p| WorkspacePackage {
            id: p.id.clone(),
            name: p.name.to_string(),
            version: p.version.to_string(),
            features: resolved.get(&p.id).cloned().unwrap_or_default(),
            targets: p
                .targets
                .iter()
                .flat_map(|t| {
                    t.kind
                        .iter()
                        .filter(|k| SHIPPED_KINDS.contains(k))
                        .map(|k| (t.name.clone(), k.clone()))
                })
                .collect(),
        })
        .collect();

    let selected = if sel.packages.is_empty() {
        let defaults: BTreeSet<&PackageId> = metadata.workspace_default_members.iter().collect();
        members
            .iter()
            .filter(|p| defaults.contains(&p.id))
            .cloned()
            .collect()
    } else {
        let mut chosen = Vec::new();
        for spec in &sel.packages {
            let (name, version) = match spec.split_once('@') {
                Some((n, v)) => (n, Some(v)),
                None => (spec.as_str(), None),
            };
            let found = members
                .iter()
                .find(|p| p.name == name && version.is_none_or(|v| p.version == v))
                .ok_or_else(|| {
                    let names: Vec<_> = members.iter().map(|p| p.name.as_str()).collect();
                    Error::usage(format!(
                        "package `{spec}` is not a member of this workspace (members: {})",
                        names.join(", ")
                    ))
                })?;
            chosen.push(found.clone());
        }
        chosen
    };

    let root = metadata.workspace_root.clone().into_std_path_buf();
    let target_dir = match &sel.target_dir {
        Some(dir) => dir.clone(),
        None => metadata.target_directory.clone().into_std_path_buf(),
    };
    let lock_path = root.join("Cargo.lock");
    let (lock, lock_found) = if lock_path.exists() {
        (read_lock(&lock_path)?, true)
    } else {
        (Vec::new(), false)
    };
    Ok(Workspace {
        root,
        target_dir,
        selected,
        lock,
        lock_found,
    })
}

/// Every package of Cargo.lock, sorted by name then version.
pub(crate) fn read_lock(path: &Path) -> Result<Vec<LockedPackage>> {
    let lock = cargo_lock::Lockfile::load(path)
        .map_err(|e| Error::invalid_input(format!("{}: {e}", path.display())))?;
    let mut sorted: Vec<&cargo_lock::Package> = lock.packages.iter().collect();
    // By name, then by semantic version (1.9 before 1.10).
    sorted.sort_by(|a, b| (a.name.as_str(), &a.version).cmp(&(b.name.as_str(), &b.version)));
    let packages: Vec<LockedPackage> = sorted
        .into_iter()
        .map(|p| LockedPackage {
            name: p.name.as_str().to_string(),
            version: p.version.to_string(),
            source: p
                .source
                .as_ref()
                .map(|s| super::source::strip_userinfo(&s.to_string())),
            checksum_sha256: p
                .checksum
                .as_ref()
                .and_then(|c| c.as_sha256())
                .map(hex::encode),
        })
        .collect();
    Ok(packages)
}

/// The directory cargo writes a profile's outputs to.
pub(crate) fn profile_dir(profile: &str) -> &str {
    match profile {
        "dev" | "test" => "debug",
        "release" | "bench" => "release",
        other => other,
    }
}

/// File name cargo gives an output of `kind` named `name` on `triple`.
pub(crate) fn output_file_name(name: &str, kind: &TargetKind, triple: &str) -> String {
    let windows = triple.contains("windows");
    let msvc = windows && triple.contains("msvc");
    let apple = triple.contains("apple") || triple.contains("darwin");
    let wasm = triple.starts_with("wasm");
    let lib = name.replace('-', "_");
    match kind {
        TargetKind::Bin if windows => format!("{name}.exe"),
        TargetKind::Bin if wasm => format!("{name}.wasm"),
        TargetKind::Bin => name.to_string(),
        TargetKind::CDyLib if windows => format!("{lib}.dll"),
        TargetKind::CDyLib if apple => format!("lib{lib}.dylib"),
        TargetKind::CDyLib if wasm => format!("{lib}.wasm"),
        TargetKind::CDyLib => format!("lib{lib}.so"),
        TargetKind::StaticLib if msvc => format!("{lib}.lib"),
        _ => format!("lib{lib}.a"),
    }
}

/// Outputs of the selected packages found in the target directory, and the
/// expected ones that are missing (not built, or built for another profile).
pub(crate) struct FoundOutputs {
    pub(crate) files: Vec<SubjectFile>,
    pub(crate) missing: Vec<PathBuf>,
    pub(crate) dir: PathBuf,
}

pub(crate) fn find_outputs(ws: &Workspace, sel: &BuildSelection, host: &str) -> FoundOutputs {
    let triple = sel.target.as_deref().unwrap_or(host);
    let mut dir = ws.target_dir.clone();
    if let Some(t) = &sel.target {
        dir.push(t);
    }
    dir.push(profile_dir(sel.profile_name()));
    let mut files = Vec::new();
    let mut missing = Vec::new();
    let mut seen = BTreeSet::new();
    for package in &ws.selected {
        for (name, kind) in &package.targets {
            let file_name = output_file_name(name, kind, triple);
            let path = dir.join(&file_name);
            if !seen.insert(path.clone()) {
                continue;
            }
            if path.is_file() {
                files.push(SubjectFile {
                    name: file_name,
                    path,
                });
            } else {
                missing.push(path);
            }
        }
    }
    FoundOutputs {
        files,
        missing,
        dir,
    }
}

/// What a `cargo build --message-format=json` stream says was built.
#[derive(Debug, Default)]
pub(crate) struct StreamedBuild {
    pub(crate) files: Vec<SubjectFile>,
    /// Features per package name, as the compiler was invoked.
    pub(crate) features: BTreeMap<String, Vec<String>>,
    pub(crate) started: Option<Timestamp>,
    pub(crate) finished: Option<Timestamp>,
}

/// Reads a message stream. Only workspace members' shipped outputs count:
/// dependencies and build scripts are not what the user ships.
pub(crate) fn read_build_stream(
    reader: impl BufRead,
    ws: &Workspace,
    source: &str,
) -> Result<StreamedBuild> {
    let selected: BTreeSet<&PackageId> = ws.selected.iter().map(|p| &p.id).collect();
    let mut build = StreamedBuild::default();
    let mut seen = BTreeSet::new();
    let mut saw_message = false;
    for message in Message::parse_stream(reader) {
        let message = message.map_err(|e| Error::invalid_input(format!("{source}: {e}")))?;
        if build.started.is_none() {
            build.started = Some(Timestamp::now());
        }
        match message {
            Message::CompilerArtifact(artifact) => {
                saw_message = true;
                if !selected.contains(&artifact.package_id) {
                    continue;
                }
                let kinds: Vec<&TargetKind> = artifact
                    .target
                    .kind
                    .iter()
                    .filter(|k| SHIPPED_KINDS.contains(k))
                    .collect();
                if kinds.is_empty() {
                    continue;
                }
                let package = ws
                    .selected
                    .iter()
                    .find(|p| p.id == artifact.package_id)
                    .map(|p| p.name.clone())
                    .unwrap_or_default();
                let mut features = artifact.features.clone();
                features.sort();
                build.features.insert(package, features);
                let paths: Vec<PathBuf> = match &artifact.executable {
                    Some(exe) => vec![exe.clone().into_std_path_buf()],
                    None => artifact
                        .filenames
                        .iter()
                        .map(|f| f.clone().into_std_path_buf())
                        .filter(|p| is_shipped_file(p))
                        .collect(),
                };
                for path in paths {
                    if seen.insert(path.clone()) {
                        let name = path
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        build.files.push(SubjectFile { name, path });
                    }
                }
            }
            Message::BuildFinished(finished) => {
                saw_message = true;
                build.finished = Some(Timestamp::now());
                if !finished.success {
                    return Err(Error::invalid_input(format!(
                        "{source}: the build failed; fix it before attesting its outputs"
                    )));
                }
            }
            Message::CompilerMessage(_) | Message::BuildScriptExecuted(_) => saw_message = true,
            _ => {}
        }
    }
    if !saw_message {
        return Err(Error::invalid_input(format!(
            "{source}: no cargo JSON messages; pipe `cargo build --message-format=json`"
        )));
    }
    if build.finished.is_none() {
        build.finished = Some(Timestamp::now());
    }
    Ok(build)
}

fn is_shipped_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    // Import libraries and debug info ride along with a cdylib; they are not it.
    if name.ends_with(".dll.lib") || name.ends_with(".dll.a") {
        return false;
    }
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("so" | "dylib" | "dll" | "a" | "lib" | "wasm")
    )
}

/// The toolchain, as `rustc -vV` and `cargo -V` report it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Toolchain {
    /// `rustc -vV` fields (`release`, `commit-hash`, `host`, `LLVM version`...).
    pub(crate) rustc: BTreeMap<String, String>,
    pub(crate) rustc_version: String,
    pub(crate) cargo_version: String,
}

impl Toolchain {
    pub(crate) fn host(&self) -> &str {
        self.rustc.get("host").map(String::as_str).unwrap_or("")
    }
}

/// Runs the toolchain cargo would use here: `$RUSTC`/`$CARGO` when set
/// (cargo sets `CARGO` for `cargo attest`), from `dir` so rustup's
/// toolchain overrides apply.
pub(crate) fn toolchain(dir: &Path, env: &crate::environment::Env) -> Result<Toolchain> {
    let rustc: std::ffi::OsString = env.get("RUSTC").unwrap_or_else(|| "rustc".into()).into();
    let cargo: std::ffi::OsString = env.get("CARGO").unwrap_or_else(|| "cargo".into()).into();
    let run = |program: &std::ffi::OsStr, arg: &str| -> Result<String> {
        let out = Command::new(program)
            .arg(arg)
            .current_dir(dir)
            .output()
            .map_err(|e| {
                Error::invalid_input(format!(
                    "cannot run `{} {arg}`: {e}",
                    program.to_string_lossy()
                ))
            })?;
        if !out.status.success() {
            return Err(Error::invalid_input(format!(
                "`{} {arg}` failed: {}",
                program.to_string_lossy(),
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let verbose = run(&rustc, "-vV")?;
    let mut lines = verbose.lines();
    let rustc_version = lines.next().unwrap_or_default().to_string();
    let fields = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Ok(Toolchain {
        rustc: fields,
        rustc_version,
        cargo_version: run(&cargo, "-V")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_names_per_platform() {
        let linux = "x86_64-unknown-linux-gnu";
        assert_eq!(
            output_file_name("my-tool", &TargetKind::Bin, linux),
            "my-tool"
        );
        assert_eq!(
            output_file_name("my-lib", &TargetKind::CDyLib, linux),
            "libmy_lib.so"
        );
        assert_eq!(
            output_file_name("my-lib", &TargetKind::StaticLib, linux),
            "libmy_lib.a"
        );
        let win = "x86_64-pc-windows-msvc";
        assert_eq!(output_file_name("t", &TargetKind::Bin, win), "t.exe");
        assert_eq!(output_file_name("l", &TargetKind::CDyLib, win), "l.dll");
        assert_eq!(output_file_name("l", &TargetKind::StaticLib, win), "l.lib");
        assert_eq!(
            output_file_name("l", &TargetKind::StaticLib, "x86_64-pc-windows-gnu"),
            "libl.a"
        );
        assert_eq!(
            output_file_name("l", &TargetKind::CDyLib, "aarch64-apple-darwin"),
            "libl.dylib"
        );
    }

    #[test]
    fn profile_dirs() {
        assert_eq!(profile_dir("dev"), "debug");
        assert_eq!(profile_dir("release"), "release");
        assert_eq!(profile_dir("dist"), "dist");
    }
}
