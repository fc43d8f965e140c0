//! `verify FILE... --bundle X` where X holds many bundles: a JSON-lines
//! file (`gh attestation download` writes one bundle per line) or a
//! directory of `*.sigstore.json` and `*.jsonl` files. Every file must be
//! covered by a bundle that verifies; a bundle that names none of the
//! files, or attests another predicate type, is skipped (a release's
//! bundles are about many assets); a bundle that names one of them and
//! does not verify fails the run, named. Bundles that cannot be read at all
//! fail it too: a broken file in the set is never silently ignored.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::files::{HashedFile, hash_files, subject_for};
use super::policy::{Policy, check_policy};
use super::signature::{Trust, authenticate};
use crate::error::{Error, ExitCode, Result};
use crate::fsutil;
use crate::provenance::Statement;
use crate::signing::DsseBundle;

/// One bundle of a set, named for messages: its file, and `:LINE` for a
/// line of a JSON-lines file.
pub(crate) struct LoadedBundle {
    pub(crate) label: String,
    pub(crate) text: String,
}

/// What `--bundle X` holds.
pub(crate) enum BundleSource {
    /// One bundle document (pretty-printed or not): verified as before.
    One(String),
    Many(Vec<LoadedBundle>),
}

/// Reads `--bundle X`: a file holding one JSON document, a JSON-lines file,
/// or a directory (its `*.sigstore.json` and `*.jsonl` files, by name).
pub(crate) fn load_bundles(path: &Path) -> Result<BundleSource> {
    if path.is_dir() {
        let mut names: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| Error::io("read the directory", path, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.is_file()
                    && p.file_name().is_some_and(|n| {
                        let n = n.to_string_lossy();
                        n.ends_with(".sigstore.json") || n.ends_with(".jsonl")
                    })
            })
            .collect();
        names.sort();
        let mut out = Vec::new();
        for file in &names {
            let text = fsutil::read_text(file)?;
            let shown = fsutil::display_path(file);
            if file.to_string_lossy().ends_with(".jsonl") {
                out.extend(lines_of(&text, &shown));
            } else {
                out.push(LoadedBundle { label: shown, text });
            }
        }
        if out.is_empty() {
            return Err(Error::invalid_input(format!(
                "{} holds no bundles: put *.sigstore.json or *.jsonl files (as `gh attestation \
                 download` or `cargo attest download` write them) in it",
                path.display()
            )));
        }
        return Ok(BundleSource::Many(out));
    }
    let text = fsutil::read_text(path)?;
    // One JSON document, however laid out, is one bundle. JSON lines are
    // recognised by a first line that is a whole document by itself;
    // anything else is one broken bundle, refused as such (exit 4).
    let is_json = |t: &str| serde_json::from_str::<serde::de::IgnoredAny>(t).is_ok();
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if is_json(&text) || !is_json(first_line) {
        return Ok(BundleSource::One(text));
    }
    let out = lines_of(&text, &path.display().to_string());
    if out.is_empty() {
        return Err(Error::invalid_input(format!(
            "{}: no bundle in it",
            path.display()
        )));
    }
    Ok(BundleSource::Many(out))
}

fn lines_of(text: &str, shown: &str) -> Vec<LoadedBundle> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| LoadedBundle {
            label: format!("{shown}:{}", i + 1),
            text: line.to_string(),
        })
        .collect()
}

/// What became of one bundle of the set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Outcome {
    Verified,
    Failed,
    Skipped,
}

/// One bundle's result.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BundleResult {
    pub(crate) bundle: String,
    pub(crate) outcome: Outcome,
    /// Why it was skipped or failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) reason: Option<String>,
    /// The files (as given) it names: covered when it verified.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) files: Vec<String>,
    /// Who signed it (verified bundles).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) signer: Option<String>,
    #[serde(skip)]
    pub(crate) exit_code: Option<ExitCode>,
}

/// One file's result.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FileResult {
    pub(crate) path: String,
    pub(crate) sha256: String,
    pub(crate) verified: bool,
    /// The bundles that verified and name it.
    pub(crate) bundles: Vec<String>,
}

/// Every bundle checked against every file.
pub(crate) struct ManyVerified {
    pub(crate) bundles: Vec<BundleResult>,
    pub(crate) files: Vec<FileResult>,
}

impl ManyVerified {
    /// The error the run ends with, if any: a failed bundle first (named),
    /// else a file no bundle covers. Its exit code is the first failed
    /// bundle's: a key that could not be found or read is a set-up problem
    /// (6), a bundle that cannot be read malformed input (4), anything else
    /// a failed verification (5).
    pub(crate) fn failure(&self) -> Option<Error> {
        let failed: Vec<&BundleResult> = self
            .bundles
            .iter()
            .filter(|b| b.outcome == Outcome::Failed)
            .collect();
        if let Some(first) = failed.first() {
            let message = format!(
                "{} of {} bundles failed (a bundle that names these files and does not verify \
                 was tampered with, signed by another signer, or fails the policy: find out \
                 which before trusting the files); the first, {}: {}",
                failed.len(),
                self.bundles.len(),
                first.bundle,
                first.reason.as_deref().unwrap_or("failed")
            );
            return Some(match first.exit_code {
                Some(ExitCode::Key) => Error::key(message),
                Some(ExitCode::InvalidInput) => Error::invalid_input(message),
                _ => Error::verification(message),
            });
        }
        let uncovered: Vec<String> = self
            .files
            .iter()
            .filter(|f| !f.verified)
            .map(|f| format!("{} (sha256:{})", f.path, f.sha256))
            .collect();
        (!uncovered.is_empty()).then(|| {
            Error::verification(format!(
                "no bundle that verifies names {}: add the bundle that attests it to --bundle, \
                 or check that the file is the one that was attested",
                uncovered.join(", ")
            ))
        })
    }
}

/// Checks `files` against every bundle of the set.
pub(crate) fn verify_many(
    bundles: &[LoadedBundle],
    trust: &Trust,
    files: &[PathBuf],
    policy: &Policy,
) -> Result<ManyVerified> {
    let hashed = hash_files(files)?;
    let mut results = Vec::new();
    for loaded in bundles {
        results.push(check_one(loaded, trust, &hashed, policy)?);
    }
    let files = hashed
        .iter()
        .map(|f| {
            let covering: Vec<String> = results
                .iter()
                .filter(|b| b.outcome == Outcome::Verified && b.files.contains(&f.name))
                .map(|b| b.bundle.clone())
                .collect();
            FileResult {
                path: f.name.clone(),
                sha256: f.sha256.clone(),
                verified: !covering.is_empty(),
                bundles: covering,
            }
        })
        .collect();
    Ok(ManyVerified {
        bundles: results,
        files,
    })
}

fn check_one(
    loaded: &LoadedBundle,
    trust: &Trust,
    files: &[HashedFile],
    policy: &Policy,
) -> Result<BundleResult> {
    let label = &loaded.label;
    let mut result = BundleResult {
        bundle: label.clone(),
        outcome: Outcome::Failed,
        reason: None,
        files: Vec::new(),
        signer: None,
        exit_code: None,
    };
    let fail = |mut result: BundleResult, e: Error| {
        result.exit_code = Some(e.exit_code());
        // The bundle is named beside the reason wherever it is shown.
        let report = e.report();
        let reason = report
            .strip_prefix("verification failed: ")
            .unwrap_or(&report);
        let reason = reason.strip_prefix(&format!("{label}: ")).unwrap_or(reason);
        result.reason = Some(reason.to_string());
        result
    };
    let bundle = match DsseBundle::parse(&loaded.text) {
        Ok(bundle) => bundle,
        Err(e) => return Ok(fail(result, e.into_error(label))),
    };
    // Unverified, only to pick what this bundle is about: the signature
    // is checked below for every bundle that is picked.
    let statement = match Statement::from_json(bundle.unverified_payload()) {
        Ok(statement) => statement,
        Err(e) => {
            let e = Error::verification(format!("{label}: the statement cannot be read: {e}"));
            return Ok(fail(result, e));
        }
    };
    if statement.predicate_type != policy.predicate_type {
        result.outcome = Outcome::Skipped;
        result.reason = Some(format!("predicate type {}", statement.predicate_type));
        return Ok(result);
    }
    for file in files {
        if subject_for(&statement, file)?.is_some() {
            result.files.push(file.name.clone());
        }
    }
    if result.files.is_empty() {
        result.outcome = Outcome::Skipped;
        result.reason = Some("names none of the files".into());
        return Ok(result);
    }
    let authenticated = match authenticate(&bundle, trust, policy, label) {
        Ok(a) => a,
        Err(e) => return Ok(fail(result, e)),
    };
    // What was signed must name the files too, not only what was read
    // before the signature was checked.
    let signed = &authenticated.statement;
    for file in files.iter().filter(|f| result.files.contains(&f.name)) {
        if subject_for(signed, file)?.is_none() {
            let e = Error::verification(format!(
                "{label}: the signed statement does not name {}",
                file.name
            ));
            return Ok(fail(result, e));
        }
    }
    if let Err(e) = check_policy(signed, policy) {
        return Ok(fail(result, e));
    }
    result.outcome = Outcome::Verified;
    result.signer = Some(authenticated.signed_by.label());
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_document_is_one_bundle_and_lines_are_many() {
        let dir = tempfile::tempdir().unwrap();
        let pretty = dir.path().join("a.sigstore.json");
        std::fs::write(&pretty, "{\n  \"a\": 1\n}\n").unwrap();
        assert!(matches!(
            load_bundles(&pretty).unwrap(),
            BundleSource::One(_)
        ));
        let lines = dir.path().join("sha256:ab.jsonl");
        std::fs::write(&lines, "{\"a\":1}\n\n{\"b\":2}\n").unwrap();
        let BundleSource::Many(many) = load_bundles(&lines).unwrap() else {
            panic!("JSON lines read as one bundle");
        };
        assert_eq!(many.len(), 2);
        assert!(
            many[1].label.ends_with("sha256:ab.jsonl:3"),
            "{}",
            many[1].label
        );
        std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
        let BundleSource::Many(all) = load_bundles(dir.path()).unwrap() else {
            panic!("a directory is many bundles");
        };
        assert_eq!(all.len(), 3);
        let broken = dir.path().join("broken.json");
        std::fs::write(&broken, "{\"mediaType\": 3").unwrap();
        assert!(matches!(
            load_bundles(&broken).unwrap(),
            BundleSource::One(_)
        ));
        let empty = tempfile::tempdir().unwrap();
        assert!(load_bundles(empty.path()).is_err());
    }
}
