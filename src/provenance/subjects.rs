//! Subjects of a statement: files hashed by streaming, checksum files, and
//! digests given directly.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// An in-toto ResourceDescriptor used as a subject: a name and its digests.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub(crate) struct Subject {
    pub(crate) name: String,
    pub(crate) digest: BTreeMap<String, String>,
}

impl Subject {
    pub(crate) fn sha256(&self) -> Option<&str> {
        self.digest.get("sha256").map(String::as_str)
    }
}

/// A file to hash, with the subject name it gets.
#[derive(Debug, Clone)]
pub(crate) struct SubjectFile {
    pub(crate) name: String,
    pub(crate) path: PathBuf,
}

const READ_BUFFER: usize = 256 * 1024;

/// SHA-256 of one file, read in fixed-size chunks so memory stays flat.
pub(crate) fn sha256_file(path: &Path) -> Result<String> {
    digest_file::<Sha256>(path)
}

/// SHA-512 of one file, for subjects that carry only a sha512 digest.
pub(crate) fn sha512_file(path: &Path) -> Result<String> {
    digest_file::<sha2::Sha512>(path)
}

fn digest_file<D: Digest>(path: &Path) -> Result<String> {
    let mut file = File::open(path).map_err(|e| Error::io("open", path, e))?;
    let mut hasher = D::new();
    let mut buf = vec![0u8; READ_BUFFER];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io("read", path, e)),
        };
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Hashes files on up to `available_parallelism` threads. The result keeps
/// the input order; the first error (in input order) wins.
pub(crate) fn hash_files(files: &[SubjectFile]) -> Result<Vec<Subject>> {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(files.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<String>>>> =
        Mutex::new((0..files.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(file) = files.get(i) else { break };
                    let digest = sha256_file(&file.path);
                    results.lock().unwrap_or_else(|p| p.into_inner())[i] = Some(digest);
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_else(|p| p.into_inner());
    files
        .iter()
        .zip(results)
        .map(|(file, digest)| {
            let digest = digest.ok_or_else(|| Error::internal("a file was not hashed"))??;
            Ok(Subject {
                name: file.name.clone(),
                digest: BTreeMap::from([("sha256".to_string(), digest)]),
            })
        })
        .collect()
}

/// Expands `--subject-path` globs to regular files. A pattern that matches no
/// file is an error: a typo must not silently attest nothing.
pub(crate) fn expand_globs(patterns: &[String]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for pattern in patterns {
        let paths = glob::glob(pattern)
            .map_err(|e| Error::usage(format!("invalid glob `{pattern}`: {e}")))?;
        let mut matched = 0;
        for entry in paths {
            let path = entry.map_err(|e| {
                let path = e.path().to_path_buf();
                Error::io("read", path, e.into())
            })?;
            if path.is_dir() {
                continue;
            }
            matched += 1;
            out.push(path);
        }
        if matched == 0 {
            // A literal path that does not exist reads best as a missing file.
            if !pattern.contains(['*', '?', '[']) {
                return Err(Error::io(
                    "read",
                    pattern,
                    std::io::Error::from(std::io::ErrorKind::NotFound),
                ));
            }
            return Err(Error::invalid_input(format!(
                "--subject-path `{pattern}` matches no file"
            )));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Names files by their file name, as other provenance generators do, unless
/// two share a file name: then all keep the path they were given by.
pub(crate) fn name_files(paths: Vec<PathBuf>) -> Vec<SubjectFile> {
    let base = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| p.to_string_lossy().into_owned())
    };
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for p in &paths {
        *counts.entry(base(p)).or_default() += 1;
    }
    paths
        .into_iter()
        .map(|path| {
            let b = base(&path);
            let name = if counts[&b] > 1 {
                path.to_string_lossy().replace('\\', "/")
            } else {
                b
            };
            SubjectFile { name, path }
        })
        .collect()
}

/// Parses a shasum-format file: `HEX  NAME`, `HEX *NAME` (binary mode), or
/// the BSD form `SHA256 (NAME) = HEX`. The digest length picks sha256 or
/// sha512. Blank lines and `#` comments are skipped.
pub(crate) fn parse_checksums(text: &str, source: &str) -> Result<Vec<Subject>> {
    let mut subjects: Vec<Subject> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let bad = |why: &str| {
            Error::invalid_input(format!(
                "{source}:{}: {why}; expected `HEX  NAME` (sha256 or sha512, as written by sha256sum)",
                index + 1
            ))
        };
        let (hex_digest, name) = if let Some(rest) = line
            .strip_prefix("SHA256 (")
            .or_else(|| line.strip_prefix("SHA512 ("))
        {
            let (name, hex_digest) = rest
                .rsplit_once(") = ")
                .ok_or_else(|| bad("malformed BSD-style line"))?;
            (hex_digest.trim(), name)
        } else {
            let (hex_digest, rest) = line
                .split_once(' ')
                .ok_or_else(|| bad("missing file name"))?;
            let name = rest
                .strip_prefix(' ')
                .or_else(|| rest.strip_prefix('*'))
                .ok_or_else(|| bad("digest and name must be separated by two spaces or ` *`"))?;
            (hex_digest, name)
        };
        let algorithm = match hex_digest.len() {
            64 => "sha256",
            128 => "sha512",
            _ => {
                return Err(bad(
                    "digest is neither 64 (sha256) nor 128 (sha512) hex digits",
                ));
            }
        };
        if !hex_digest.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad("digest is not hexadecimal"));
        }
        if name.is_empty() {
            return Err(bad("missing file name"));
        }
        let hex_digest = hex_digest.to_ascii_lowercase();
        match subjects.iter_mut().find(|s| s.name == name) {
            Some(existing) => match existing.digest.get(algorithm) {
                Some(prev) if *prev != hex_digest => {
                    return Err(bad(&format!(
                        "conflicting {algorithm} digests for `{name}`"
                    )));
                }
                _ => {
                    existing.digest.insert(algorithm.into(), hex_digest);
                }
            },
            None => subjects.push(Subject {
                name: name.to_string(),
                digest: BTreeMap::from([(algorithm.to_string(), hex_digest)]),
            }),
        }
    }
    if subjects.is_empty() {
        return Err(Error::invalid_input(format!(
            "{source}: no checksums in file"
        )));
    }
    Ok(subjects)
}

/// A subject given by name and `sha256:HEX` digest, e.g. a container image.
pub(crate) fn digest_subject(name: &str, digest: &str) -> Result<Subject> {
    let (algorithm, hex_digest) = digest.split_once(':').ok_or_else(|| {
        Error::usage(format!(
            "--subject-digest `{digest}` must look like sha256:HEX"
        ))
    })?;
    let expected_len = match algorithm {
        "sha256" => 64,
        "sha512" => 128,
        _ => {
            return Err(Error::usage(format!(
                "--subject-digest algorithm `{algorithm}` is not supported: use sha256 or sha512"
            )));
        }
    };
    if hex_digest.len() != expected_len || !hex_digest.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::usage(format!(
            "--subject-digest `{digest}`: expected {expected_len} hex digits after `{algorithm}:`"
        )));
    }
    if name.trim().is_empty() {
        return Err(Error::usage("--subject-name must not be empty"));
    }
    Ok(Subject {
        name: name.to_string(),
        digest: BTreeMap::from([(algorithm.to_string(), hex_digest.to_ascii_lowercase())]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn checksums_gnu_binary_and_bsd_forms() {
        let long = "a".repeat(128);
        let text = format!("{A}  one\n{A} *two\n\n# c\nSHA256 (three) = {A}\n{long}  one\n");
        let s = parse_checksums(&text, "sums").unwrap();
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].digest.len(), 2);
        assert_eq!(s[1].name, "two");
        assert_eq!(s[2].name, "three");
    }

    #[test]
    fn checksums_errors_name_the_line() {
        for bad in [
            "zz  x",
            &format!("{A} x"),
            &format!("{}  x", &A[..60]),
            "",
            &format!("{A}  "),
        ] {
            let err = parse_checksums(bad, "sums").unwrap_err();
            assert!(matches!(err, Error::InvalidInput { .. }), "{bad}: {err}");
        }
        let err = parse_checksums(&format!("{A}  ok\nnope\n"), "sums").unwrap_err();
        assert!(err.to_string().contains("sums:2:"), "{err}");
    }

    #[test]
    fn digest_subject_validation() {
        assert!(digest_subject("img", &format!("sha256:{A}")).is_ok());
        assert!(digest_subject("img", A).is_err());
        assert!(digest_subject("img", "md5:abc").is_err());
        assert!(digest_subject("img", "sha256:abc").is_err());
    }

    #[test]
    fn parallel_hash_keeps_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        for i in 0..9 {
            let path = dir.path().join(format!("f{i}"));
            std::fs::write(&path, vec![b'x'; i * 100_000]).unwrap();
            files.push(SubjectFile {
                name: format!("f{i}"),
                path,
            });
        }
        let subjects = hash_files(&files).unwrap();
        assert_eq!(subjects[0].sha256(), Some(A));
        for (s, f) in subjects.iter().zip(&files) {
            assert_eq!(s.name, f.name);
            assert_eq!(s.sha256().unwrap(), sha256_file(&f.path).unwrap());
        }
    }

    #[test]
    fn duplicate_file_names_keep_paths() {
        let files = name_files(vec!["a/x".into(), "b/x".into(), "c/y".into()]);
        let names: Vec<_> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["a/x", "b/x", "y"]);
    }
}
