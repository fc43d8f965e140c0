//! `verify FILE... --bundle B`: the files must be subjects of the bundle.
//! Also where `verify FILE` looks for a bundle when none is given.

use std::path::{Path, PathBuf};

use super::policy::{Policy, check_policy};
use super::signature::{SignedBy, Trust, authenticate};
use crate::error::{Error, Result};
use crate::provenance::Statement;
use crate::provenance::subjects::{self, SubjectFile};
use crate::signing::DsseBundle;
use crate::signing::dsse::BundleError;
use crate::strict_json::StrictError;

/// A file found among a statement's subjects.
pub(crate) struct MatchedFile {
    pub(crate) path: String,
    pub(crate) sha256: String,
    pub(crate) subject: String,
}

/// What `verify FILE... --bundle B` established.
pub(crate) struct FilesVerified {
    pub(crate) signed_by: SignedBy,
    /// Verified signed times (RFC 3161 timestamps).
    pub(crate) timestamps: Vec<jiff::Timestamp>,
    pub(crate) statement: Statement,
    pub(crate) builder_id: Option<String>,
    pub(crate) files: Vec<MatchedFile>,
}

/// A file given to verify, hashed.
pub(crate) struct HashedFile {
    pub(crate) name: String,
    pub(crate) path: PathBuf,
    pub(crate) sha256: String,
}

/// Hashes the files (several in parallel), named as given.
pub(crate) fn hash_files(files: &[PathBuf]) -> Result<Vec<HashedFile>> {
    let named: Vec<SubjectFile> = files
        .iter()
        .map(|p| SubjectFile {
            name: p.display().to_string(),
            path: p.clone(),
        })
        .collect();
    let hashed = subjects::hash_files(&named)?;
    Ok(named
        .into_iter()
        .zip(hashed)
        .map(|(file, subject)| HashedFile {
            sha256: subject.sha256().unwrap_or_default().to_string(),
            name: file.name,
            path: file.path,
        })
        .collect())
}

/// The name of the subject of `statement` that `file` is: by sha256, or by
/// sha512 for subjects known only by that (computed only when one exists).
pub(crate) fn subject_for(statement: &Statement, file: &HashedFile) -> Result<Option<String>> {
    if let Some(s) = statement.subject.iter().find(|s| {
        s.sha256()
            .is_some_and(|d| d.eq_ignore_ascii_case(&file.sha256))
    }) {
        return Ok(Some(s.name.clone()));
    }
    if !statement
        .subject
        .iter()
        .any(|s| s.digest.contains_key("sha512"))
    {
        return Ok(None);
    }
    let sha512 = subjects::sha512_file(&file.path)?;
    Ok(statement
        .subject
        .iter()
        .find(|s| {
            s.digest
                .get("sha512")
                .is_some_and(|d| d.eq_ignore_ascii_case(&sha512))
        })
        .map(|s| s.name.clone()))
}

/// Checks `files` against `bundle`: signature, types, that every file is
/// a subject, policy.
pub(crate) fn verify_files(
    bundle: &DsseBundle,
    bundle_label: &str,
    trust: &Trust,
    files: &[PathBuf],
    policy: &Policy,
) -> Result<FilesVerified> {
    let authenticated = authenticate(bundle, trust, policy, bundle_label)?;
    let statement = authenticated.statement;
    let mut matched = Vec::new();
    for file in hash_files(files)? {
        let subject = subject_for(&statement, &file)?.ok_or_else(|| {
            Error::verification(format!(
                "{} (sha256:{}) is not a subject of the attestation",
                file.name, file.sha256
            ))
        })?;
        matched.push(MatchedFile {
            path: file.name,
            sha256: file.sha256,
            subject,
        });
    }
    let builder_id = check_policy(&statement, policy)?;
    Ok(FilesVerified {
        signed_by: authenticated.signed_by,
        timestamps: authenticated.timestamps,
        statement,
        builder_id,
        files: matched,
    })
}

/// The directories `cargo attest` may have written bundles about `files`
/// to, nearest first, each once: `<target-dir>/attest` for the target
/// directory `target_dir` names (CARGO_TARGET_DIR), for every cargo target
/// directory (it holds `CACHEDIR.TAG`) among the files' ancestors, and for
/// `target/` in the current directory and its ancestors.
pub(crate) fn bundle_dirs(files: &[PathBuf], target_dir: Option<&Path>) -> Vec<PathBuf> {
    let mut targets: Vec<PathBuf> = Vec::new();
    targets.extend(target_dir.map(Path::to_path_buf));
    for file in files {
        let Ok(full) = std::fs::canonicalize(file) else {
            continue;
        };
        for ancestor in full.ancestors().skip(1) {
            if ancestor.join("CACHEDIR.TAG").is_file() {
                targets.push(ancestor.to_path_buf());
            }
        }
    }
    if let Ok(cwd) = std::fs::canonicalize(".") {
        for ancestor in cwd.ancestors() {
            targets.push(ancestor.join("target"));
        }
    }
    let mut dirs: Vec<PathBuf> = Vec::new();
    for target in targets {
        let dir = std::fs::canonicalize(target.join("attest")).unwrap_or(target.join("attest"));
        if dir.is_dir() && !dirs.contains(&dir) {
            dirs.push(dir);
        }
    }
    dirs
}

/// Bundles in `dirs` whose statement (unverified: this only picks which to
/// check) names every file as a subject by sha256, newest first.
pub(crate) fn find_bundles(dirs: &[PathBuf], files: &[HashedFile]) -> Vec<PathBuf> {
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if !path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().ends_with(".sigstore.json"))
            {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            // A bundle with a key twice cannot say which files it names;
            // it is a candidate, so that checking it says what is wrong
            // instead of `verify` finding no bundle at all.
            let names_all = match DsseBundle::parse(&text) {
                Err(BundleError::DuplicateKey { .. }) => true,
                Err(_) => {
                    tracing::debug!("{}: not a bundle we read", path.display());
                    continue;
                }
                Ok(bundle) => match Statement::from_json(bundle.unverified_payload()) {
                    Err(StrictError::DuplicateKey(_)) => true,
                    Err(StrictError::Json(_)) => continue,
                    Ok(statement) => files.iter().all(|f| {
                        statement.subject.iter().any(|s| {
                            s.sha256()
                                .is_some_and(|d| d.eq_ignore_ascii_case(&f.sha256))
                        })
                    }),
                },
            };
            if names_all {
                let modified = entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .unwrap_or(std::time::UNIX_EPOCH);
                found.push((modified, path));
            }
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    found.into_iter().map(|(_, p)| p).collect()
}
