//! Fuzz entry points over the files and streams a build hands us:
//! checksum files, stored logins and config files, cargo's JSON messages.

use std::io::Cursor;
use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::Value;

use crate::attach::subjects::parse_subjects;
use crate::credentials::Secret;
use crate::credentials::{keyring, lookup};
use crate::oci::digest;
use crate::provenance::cargo::{Workspace, WorkspacePackage, read_build_stream};
use crate::provenance::subjects::parse_checksums;

/// `attach --subjects` lists: pinned references and GoReleaser's
/// digests.txt lines. Whatever is accepted is pinned by a valid sha256
/// digest, listed once, and reads back the same one per line.
pub fn subject_lists(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let Ok(subjects) = parse_subjects(text, "fuzz") else {
        return;
    };
    assert!(!subjects.is_empty());
    let mut seen = std::collections::BTreeSet::new();
    for s in &subjects {
        assert!(seen.insert(s.reference.as_str()), "`{}` twice", s.reference);
        let (name, pinned) = s.reference.rsplit_once('@').expect("pinned by digest");
        assert!(!name.is_empty() && !name.chars().any(char::is_whitespace));
        assert!(
            digest::is_valid(pinned) && pinned.starts_with("sha256:"),
            "{pinned}"
        );
    }
    let again: String = subjects
        .iter()
        .map(|s| format!("{}\n", s.reference))
        .collect();
    let reread = parse_subjects(&again, "again").expect("the pinned form reads back");
    let refs = |v: &[crate::attach::subjects::SubjectLine]| -> Vec<String> {
        v.iter().map(|s| s.reference.clone()).collect()
    };
    assert_eq!(refs(&reread), refs(&subjects));
}

/// sha256sum/shasum checksum files, GNU and BSD forms.
pub fn checksums(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let Ok(subjects) = parse_checksums(text, "fuzz") else {
        return;
    };
    assert!(!subjects.is_empty());
    let mut names = std::collections::BTreeSet::new();
    for s in &subjects {
        assert!(!s.name.is_empty());
        assert!(names.insert(s.name.as_str()), "`{}` twice", s.name);
        assert!(!s.digest.is_empty());
        for (alg, hex) in &s.digest {
            let len = match alg.as_str() {
                "sha256" => 64,
                "sha512" => 128,
                other => panic!("algorithm {other}"),
            };
            assert!(
                hex.len() == len && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            );
        }
    }
    // Written back in either form, the same subjects read back.
    let mut gnu = String::new();
    let mut bsd = String::new();
    for s in &subjects {
        for (alg, hex) in &s.digest {
            gnu.push_str(&format!("{hex} *{}\n", s.name));
            bsd.push_str(&format!(
                "{} ({}) = {hex}\n",
                alg.to_ascii_uppercase(),
                s.name
            ));
        }
    }
    assert_eq!(
        parse_checksums(&bsd, "bsd").expect("BSD form reads back"),
        subjects
    );
    // A name ending in CR cannot be written in the line-based GNU form.
    if !subjects.iter().any(|s| s.name.ends_with('\r')) {
        assert_eq!(
            parse_checksums(&gnu, "gnu").expect("GNU form reads back"),
            subjects
        );
    }
}

/// Registry logins as stored in the keyring (our JSON), and docker/podman
/// config files, read through `docker_credential` for the keys we look a
/// host up under. Input: a first line with the host, then the file.
pub fn credentials(data: &[u8]) {
    // The keyring entry: whatever decodes re-encodes to the same login,
    // and any login survives the round trip.
    if let Some(Secret::Password { username, password }) = keyring::decode_login(data) {
        same_login(&username, &password);
    }
    let lossy = String::from_utf8_lossy(data);
    let (user, pass) = lossy.split_once('\n').unwrap_or((&lossy, ""));
    same_login(user, pass);

    let Some(text) = text(data) else { return };
    let (host, config) = text.split_once('\n').unwrap_or((text, ""));
    // Never run a credential helper from fuzz input: strip them.
    let Ok(Value::Object(mut fields)) = serde_json::from_str::<Value>(config) else {
        return;
    };
    fields.remove("credsStore");
    fields.remove("credHelpers");
    let config = serde_json::to_vec(&fields).unwrap();
    for key in lookup::config_keys(host) {
        if let Ok(c) = docker_credential::get_credential_from_reader(config.as_slice(), &key) {
            let _ = lookup::convert(c);
        }
    }
}

fn same_login(user: &str, pass: &str) {
    let json = keyring::encode_login(user, pass).expect("a login encodes");
    match keyring::decode_login(&json) {
        Some(Secret::Password { username, password }) => {
            assert_eq!((username.as_str(), password.as_str()), (user, pass))
        }
        _ => panic!("a stored login does not read back"),
    }
}

/// `cargo build --message-format=json` streams, for a workspace with one
/// selected package `app`.
pub fn cargo_stream(data: &[u8]) {
    static WS: OnceLock<Workspace> = OnceLock::new();
    let ws = WS.get_or_init(|| Workspace {
        root: PathBuf::from("/ws"),
        target_dir: PathBuf::from("/ws/target"),
        selected: vec![WorkspacePackage {
            id: cargo_metadata::PackageId {
                repr: "path+file:///ws#app@0.1.0".into(),
            },
            name: "app".into(),
            version: "0.1.0".into(),
            features: Vec::new(),
            targets: vec![("app".into(), cargo_metadata::TargetKind::Bin)],
        }],
        lock: Vec::new(),
        lock_found: false,
    });
    let Ok(build) = read_build_stream(Cursor::new(data), ws, "fuzz") else {
        return;
    };
    let mut paths = std::collections::BTreeSet::new();
    for f in &build.files {
        assert!(paths.insert(&f.path), "{} twice", f.path.display());
    }
    for (package, features) in &build.features {
        assert_eq!(package, "app");
        assert!(features.is_sorted());
    }
    if let (Some(start), Some(end)) = (build.started, build.finished) {
        assert!(start <= end);
    }
}

/// Input as text, when it is UTF-8 (most parsers take nothing else).
pub(super) fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}
