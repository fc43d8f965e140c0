//! File names of per-subject bundles (`cargo attest --bundle-per-subject`):
//! `<escaped subject name>.sigstore.json`, safe for any subject name.
//!
//! The escape is percent-encoding: ASCII letters, digits, `.`, `_`, `-` and
//! `+` stay; every other byte of the name's UTF-8 (`/`, `\`, `%`, spaces,
//! control characters, non-ASCII) becomes `%XX`, as does a leading `.` (no
//! hidden files, no `.` or `..`) and the first letter of a name Windows
//! keeps for devices (`CON`, `NUL`, `COM1`...). Decoding gives the name
//! back, so two names never escape alike and no name leaves the directory.
//! Two cases would still meet on disk, and both get `~` and the first 16
//! hex digits of the SHA-256 of the subject (name and digests) before the
//! suffix (`~` is always escaped, so no plain name looks like that):
//! names that differ only in case (one file on a case-insensitive file
//! system) or are equal (the same name with other digests), and names
//! whose escape is too long for a file name (cut to 180 bytes first).

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::Subject;

/// What every per-subject bundle's file name ends with.
pub(crate) const SUFFIX: &str = ".sigstore.json";

/// The longest escaped name kept whole: with the suffix and a
/// disambiguator it stays under the 255 bytes file systems allow.
const MAX_ESCAPED: usize = 180;

/// Device names Windows reserves, whatever follows their first dot.
const RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Percent-encodes `name` as the module says (without the suffix).
pub(crate) fn escape(name: &str) -> String {
    let stem = name.split('.').next().unwrap_or("");
    let reserved = RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem));
    let mut out = String::with_capacity(name.len());
    for (i, byte) in name.bytes().enumerate() {
        let keep = (byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'-' | b'+'))
            && !(i == 0 && (byte == b'.' || reserved));
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The file name of each subject's bundle, in the subjects' order, all
/// distinct even on a case-insensitive file system.
pub(crate) fn bundle_file_names(subjects: &[Subject]) -> Vec<String> {
    let escaped: Vec<String> = subjects.iter().map(|s| escape(&s.name)).collect();
    let mut folded: BTreeMap<String, usize> = BTreeMap::new();
    for e in &escaped {
        *folded.entry(e.to_ascii_lowercase()).or_default() += 1;
    }
    subjects
        .iter()
        .zip(escaped)
        .map(|(subject, escaped)| {
            let clash = folded[&escaped.to_ascii_lowercase()] > 1;
            if !clash && escaped.len() <= MAX_ESCAPED {
                return format!("{escaped}{SUFFIX}");
            }
            // Cut on a character boundary outside a %XX escape.
            let mut cut = escaped.len().min(MAX_ESCAPED);
            while escaped[..cut].rfind('%').is_some_and(|p| p + 3 > cut) {
                cut -= 1;
            }
            format!("{}~{}{SUFFIX}", &escaped[..cut], fingerprint(subject))
        })
        .collect()
}

/// 16 hex digits of the SHA-256 of the subject as JSON (name and digests).
fn fingerprint(subject: &Subject) -> String {
    let json = serde_json::to_vec(subject).unwrap_or_else(|_| subject.name.as_bytes().to_vec());
    hex::encode(Sha256::digest(&json))[..16].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(name: &str, hex: &str) -> Subject {
        Subject {
            name: name.into(),
            digest: BTreeMap::from([("sha256".into(), hex.into())]),
        }
    }

    fn unescape(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn plain_names_stay_and_the_rest_is_escaped_reversibly() {
        for (name, want) in [
            ("app-1.2.3-x86_64.tar.gz", "app-1.2.3-x86_64.tar.gz"),
            ("c++.zip", "c++.zip"),
            ("dist/app", "dist%2Fapp"),
            ("../../etc/passwd", "%2E.%2F..%2Fetc%2Fpasswd"),
            ("..", "%2E."),
            (".hidden", "%2Ehidden"),
            ("a b%c", "a%20b%25c"),
            ("C:\\x", "C%3A%5Cx"),
            ("ümlaut", "%C3%BCmlaut"),
            ("nul.txt", "%6Eul.txt"),
            ("COM1", "%43OM1"),
            ("console", "console"),
            ("a~b", "a%7Eb"),
            ("", ""),
        ] {
            let e = escape(name);
            assert_eq!(e, want, "{name}");
            assert_eq!(unescape(&e), name);
            assert!(!e.contains(['/', '\\']) && !e.starts_with('.'), "{e}");
        }
    }

    #[test]
    fn names_never_collide_even_ignoring_case_and_stay_short() {
        let a = "a".repeat(64);
        let b = "b".repeat(64);
        let long = "x/".repeat(200);
        let subjects = vec![
            subject("App.bin", &a),
            subject("app.bin", &a),
            subject("same", &a),
            subject("same", &b),
            subject("plain", &a),
            subject(&long, &a),
            subject(&format!("{long}y"), &a),
        ];
        let names = bundle_file_names(&subjects);
        assert_eq!(names[4], "plain.sigstore.json");
        let folded: std::collections::BTreeSet<String> =
            names.iter().map(|n| n.to_ascii_lowercase()).collect();
        assert_eq!(folded.len(), names.len(), "{names:?}");
        for (n, s) in names.iter().zip(&subjects) {
            assert!(n.len() <= 255 && n.ends_with(SUFFIX), "{n}");
            assert!(!n.contains('/') && !n.starts_with('.'), "{n}");
            if n.contains('~') {
                assert!(n.ends_with(&format!("~{}{SUFFIX}", fingerprint(s))), "{n}");
            }
        }
        // A cut never splits an escape.
        let cut = names[5].split('~').next().unwrap();
        assert!(unescape(cut).starts_with("x/x/"), "{cut}");
        // Deterministic: the same subjects, the same names.
        assert_eq!(bundle_file_names(&subjects), names);
    }
}
