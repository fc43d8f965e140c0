//! The list of images `attach --subjects FILE` attaches one bundle to.
//!
//! Two line forms, so that a release pipeline can pass what it already has:
//! - `NAME@sha256:<hex>`: an image reference pinned by digest (registry or
//!   OCI layout, as `attach REF` takes it);
//! - `sha256:<hex>  NAME`: GoReleaser's `digests.txt`, where NAME is
//!   `REGISTRY/REPOSITORY[:TAG]`. The digest names the manifest in that
//!   repository; the tag is only what it was pushed as, and is dropped so
//!   that a tag moved since cannot redirect the attestation.
//!
//! Blank lines and `#` comments are skipped; a subject listed twice is
//! attached once.

use crate::error::{Error, Result};
use crate::oci::digest;

/// One subject: the reference to attach to (always pinned by digest) and
/// the line it came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SubjectLine {
    pub(crate) reference: String,
    pub(crate) line: usize,
}

/// Reads a subjects file (`source` names it in errors).
pub(crate) fn parse_subjects(text: &str, source: &str) -> Result<Vec<SubjectLine>> {
    let mut out: Vec<SubjectLine> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let number = index + 1;
        let reference = parse_line(line).map_err(|why| {
            Error::invalid_input(format!(
                "{source}:{number}: {why}. Each line must be `NAME@sha256:<hex>`, or \
                 `sha256:<hex>  REGISTRY/REPOSITORY[:TAG]` as GoReleaser's digests.txt has it"
            ))
        })?;
        if !out.iter().any(|s| s.reference == reference) {
            out.push(SubjectLine {
                reference,
                line: number,
            });
        }
    }
    if out.is_empty() {
        return Err(Error::invalid_input(format!(
            "{source} lists no subjects: give one `NAME@sha256:<hex>` per line"
        )));
    }
    Ok(out)
}

fn parse_line(line: &str) -> std::result::Result<String, String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        [reference] => {
            let Some((name, digest)) = reference.rsplit_once('@') else {
                return Err(format!(
                    "`{reference}` is not pinned by digest (NAME@sha256:<hex>)"
                ));
            };
            check_digest(digest)?;
            if name.is_empty() {
                return Err(format!("`{reference}` has no image name before the `@`"));
            }
            Ok(format!("{name}@{digest}"))
        }
        [digest, name] => {
            check_digest(digest)?;
            if name.contains('@') {
                return Err(format!(
                    "`{name}` carries a digest of its own; the digest column names the manifest"
                ));
            }
            let repository = without_tag(name);
            if repository.is_empty() || repository.ends_with('/') || repository.starts_with('#') {
                return Err(format!("`{name}` names no repository"));
            }
            Ok(format!("{repository}@{digest}"))
        }
        _ => Err(format!("`{line}` has {} words", words.len())),
    }
}

fn check_digest(text: &str) -> std::result::Result<(), String> {
    if text.starts_with("sha256:") && digest::is_valid(text) {
        Ok(())
    } else if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        // A shasum line: that is a checksums file of files, not images.
        Err(format!(
            "`{text}` is a bare checksum (a checksums file of files?); image digests are `sha256:<hex>`"
        ))
    } else {
        Err(format!("`{text}` is not a sha256 digest"))
    }
}

/// `REGISTRY[:PORT]/REPOSITORY` without a `:TAG`: a tag's colon is the last
/// one after the last `/` (a port's comes before it).
fn without_tag(name: &str) -> &str {
    let slash = name.rfind('/').map_or(0, |i| i + 1);
    match name[slash..].rfind(':') {
        Some(colon) => &name[..slash + colon],
        None => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(c: char) -> String {
        std::iter::repeat_n(c, 64).collect()
    }

    #[test]
    fn both_forms_are_read_and_pinned_by_digest() {
        let a = format!("sha256:{}", hex('a'));
        let b = format!("sha256:{}", hex('b'));
        let text = format!(
            "# release v1\n\n127.0.0.1:5000/app/one@{a}\n{b}  127.0.0.1:5000/app/two:v1.0\n\
             {a}\tghcr.io/acme/tool\n127.0.0.1:5000/app/one@{a}\n"
        );
        let got = parse_subjects(&text, "digests.txt").unwrap();
        let refs: Vec<&str> = got.iter().map(|s| s.reference.as_str()).collect();
        assert_eq!(
            refs,
            [
                format!("127.0.0.1:5000/app/one@{a}"),
                format!("127.0.0.1:5000/app/two@{b}"),
                format!("ghcr.io/acme/tool@{a}"),
            ]
        );
        assert_eq!(got[1].line, 4);
    }

    #[test]
    fn unpinned_and_file_checksums_are_refused_with_the_line() {
        let e = parse_subjects("\nghcr.io/acme/tool:v1\n", "subjects.txt")
            .unwrap_err()
            .report();
        assert!(e.contains("subjects.txt:2"), "{e}");
        let e = parse_subjects(&format!("{}  tool.tar.gz\n", hex('c')), "s")
            .unwrap_err()
            .report();
        assert!(e.contains("bare checksum"), "{e}");
        assert!(parse_subjects("# nothing\n", "s").is_err());
        let e = parse_subjects(&format!("sha256:{}  :v1\n", hex('d')), "s")
            .unwrap_err()
            .report();
        assert!(e.contains("names no repository"), "{e}");
    }
}
