//! `verify FILE... --bundle B`: the files must be subjects of the bundle.

use std::path::PathBuf;

use super::keys::Keys;
use super::policy::{Policy, check_policy};
use super::statement::check_signed_statement;
use crate::error::{Error, Result};
use crate::provenance::Statement;
use crate::provenance::subjects::{self, SubjectFile};
use crate::signing::DsseBundle;

/// A file found among a statement's subjects.
pub(crate) struct MatchedFile {
    pub(crate) path: String,
    pub(crate) sha256: String,
    pub(crate) subject: String,
}

/// What `verify FILE... --bundle B` established.
pub(crate) struct FilesVerified {
    pub(crate) key_id: String,
    pub(crate) key_label: String,
    pub(crate) statement: Statement,
    pub(crate) builder_id: Option<String>,
    pub(crate) files: Vec<MatchedFile>,
}

/// Checks `files` against `bundle`: signature, types, that every file is
/// a subject (by sha256, or sha512 for subjects known only by that), policy.
pub(crate) fn verify_files(
    bundle: &DsseBundle,
    bundle_label: &str,
    keys: &Keys,
    files: &[PathBuf],
    policy: &Policy,
) -> Result<FilesVerified> {
    let candidates = keys.for_bundle(bundle)?;
    let (statement, key) = check_signed_statement(bundle, &candidates, policy, bundle_label)?;
    tracing::debug!(
        "signature verified with {} ({})",
        key.label,
        key.key.key_id()
    );
    let files: Vec<SubjectFile> = files
        .iter()
        .map(|p| SubjectFile {
            name: p.display().to_string(),
            path: p.clone(),
        })
        .collect();
    let hashed = subjects::hash_files(&files)?;
    let has_sha512 = statement
        .subject
        .iter()
        .any(|s| s.digest.contains_key("sha512"));
    let mut matched = Vec::new();
    for (file, hashed) in files.iter().zip(&hashed) {
        let digest = hashed.sha256().unwrap_or_default();
        let by_sha256 = statement
            .subject
            .iter()
            .find(|s| s.sha256().is_some_and(|d| d.eq_ignore_ascii_case(digest)));
        // A subject known only by sha512 (from a sha512sum file) is checked
        // with sha512; it is computed only when such a subject exists.
        let subject = match by_sha256 {
            Some(s) => Some(s),
            None if has_sha512 => {
                let sha512 = subjects::sha512_file(&file.path)?;
                statement.subject.iter().find(|s| {
                    s.digest
                        .get("sha512")
                        .is_some_and(|d| d.eq_ignore_ascii_case(&sha512))
                })
            }
            None => None,
        }
        .ok_or_else(|| {
            Error::verification(format!(
                "{} (sha256:{digest}) is not a subject of the attestation",
                file.name
            ))
        })?;
        matched.push(MatchedFile {
            path: file.name.clone(),
            sha256: digest.to_string(),
            subject: subject.name.clone(),
        });
    }
    let builder_id = check_policy(&statement, policy)?;
    Ok(FilesVerified {
        key_id: key.key.key_id(),
        key_label: key.label,
        statement,
        builder_id,
        files: matched,
    })
}
