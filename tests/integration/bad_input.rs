//! Bad input: each case gets a clear message, its documented exit code
//! (README, `--help`), and no panic.

use std::path::Path;

use crate::support::{attest, tamper};

const IO: i32 = 3;
const INVALID: i32 = 4;
const VERIFY: i32 = 5;
const KEY: i32 = 6;

struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("artifact"), b"artifact bytes").unwrap();
        attest(&[
            "key",
            "generate",
            "--output",
            dir.path().join("k.pem").to_str().unwrap(),
            "--unencrypted",
        ])
        .run()
        .success();
        Setup { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    fn public_key(&self) -> String {
        let out = self.path("k.pub");
        let status = std::process::Command::new("openssl")
            .args(["pkey", "-pubout", "-in", &self.path("k.pem"), "-out", &out])
            .status()
            .unwrap();
        assert!(status.success());
        out
    }

    fn bundle(&self) -> String {
        let bundle = self.path("artifact.sigstore.json");
        if !Path::new(&bundle).exists() {
            attest(&[
                "--subject-path",
                &self.path("artifact"),
                "--key",
                &self.path("k.pem"),
                "-o",
                &bundle,
            ])
            .run()
            .success();
        }
        bundle
    }
}

#[test]
fn missing_file() {
    let s = Setup::new();
    attest(&[
        "--subject-path",
        &s.path("nope.bin"),
        "--key",
        &s.path("k.pem"),
    ])
    .run()
    .fails_with(IO, "nope.bin");
    attest(&[
        "verify",
        &s.path("nope.bin"),
        "--bundle",
        &s.bundle(),
        "--key",
        &s.public_key(),
    ])
    .run()
    .fails_with(IO, "cannot open");
    attest(&[
        "verify",
        &s.path("artifact"),
        "--bundle",
        &s.path("missing.json"),
        "--key",
        &s.public_key(),
    ])
    .run()
    .fails_with(IO, "missing.json");
}

#[test]
fn unreadable_file() {
    // Tests may run as root, where permissions do not stop a read; a
    // directory where a file is expected fails the read on every platform.
    let s = Setup::new();
    std::fs::create_dir(s.path("a-directory")).unwrap();
    attest(&[
        "verify",
        &s.path("a-directory"),
        "--bundle",
        &s.bundle(),
        "--key",
        &s.public_key(),
    ])
    .run()
    .fails_with(IO, "cannot read");
    attest(&[
        "--subject-checksums",
        &s.path("a-directory"),
        "--key",
        &s.path("k.pem"),
    ])
    .run()
    .fails_with(IO, "a-directory");
}

#[test]
fn malformed_checksums_file() {
    let s = Setup::new();
    std::fs::write(
        s.path("SHA256SUMS"),
        "e3b0c44298fc1c149afbf4c8996fb924  short-digest\n",
    )
    .unwrap();
    attest(&[
        "--subject-checksums",
        &s.path("SHA256SUMS"),
        "--key",
        &s.path("k.pem"),
    ])
    .run()
    .fails_with(INVALID, "SHA256SUMS:1:");
}

#[test]
fn malformed_bundle() {
    let s = Setup::new();
    std::fs::write(s.path("bad.json"), "{\"mediaType\": 3").unwrap();
    attest(&[
        "verify",
        &s.path("artifact"),
        "--bundle",
        &s.path("bad.json"),
        "--key",
        &s.public_key(),
    ])
    .run()
    .fails_with(INVALID, "not a Sigstore bundle");
}

#[test]
fn tampered_bundle() {
    let s = Setup::new();
    let tampered = s.path("tampered.json");
    tamper(Path::new(&s.bundle()), Path::new(&tampered));
    attest(&[
        "verify",
        &s.path("artifact"),
        "--bundle",
        &tampered,
        "--key",
        &s.public_key(),
    ])
    .run()
    .fails_with(VERIFY, "signature does not verify");
}

/// Writes `bundle` again with `payload` as its DSSE payload, signed with
/// the ECDSA P-256 key `key` by openssl over the DSSE PAE: a signature
/// made outside the product, so that any payload can be signed.
fn resign(bundle: &str, key: &str, payload: &[u8], out: &str) {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut value: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bundle).unwrap()).unwrap();
    let payload_type = value["dsseEnvelope"]["payloadType"]
        .as_str()
        .unwrap()
        .to_string();
    let mut pae = format!(
        "DSSEv1 {} {payload_type} {} ",
        payload_type.len(),
        payload.len()
    )
    .into_bytes();
    pae.extend_from_slice(payload);
    let pae_file = format!("{out}.pae");
    std::fs::write(&pae_file, &pae).unwrap();
    let signed = std::process::Command::new("openssl")
        .args(["dgst", "-sha256", "-sign", key, &pae_file])
        .output()
        .unwrap();
    assert!(
        signed.status.success(),
        "{}",
        String::from_utf8_lossy(&signed.stderr)
    );
    value["dsseEnvelope"]["payload"] = b64.encode(payload).into();
    value["dsseEnvelope"]["signatures"][0]["sig"] = b64.encode(&signed.stdout).into();
    std::fs::write(out, serde_json::to_vec(&value).unwrap()).unwrap();
}

/// A key twice in one object reads as two documents (serde keeps the last
/// value, others the first) under one signature: refused with exit 5 by
/// verify, attach and inspect, however validly signed.
#[test]
fn a_key_twice_in_a_signed_document_is_refused() {
    let s = Setup::new();
    let (bundle, key, public) = (s.bundle(), s.path("k.pem"), s.public_key());
    let (_, statement) = crate::support::bundle_payload(Path::new(&bundle));
    let statement = String::from_utf8(statement).unwrap();
    let verify = |b: &str| {
        attest(&[
            "verify",
            &s.path("artifact"),
            "--bundle",
            b,
            "--key",
            &public,
        ])
        .run()
    };

    // The helper's own signature verifies: what fails below is the key.
    let control = s.path("control.json");
    resign(&bundle, &key, statement.as_bytes(), &control);
    verify(&control).success();

    let real_type = r#""predicateType":"https://slsa.dev/provenance/v1""#;
    assert!(statement.contains(real_type), "{statement}");
    let two_types = statement.replacen(
        real_type,
        &format!(r#""predicateType":"https://example.com/fake/v1",{real_type}"#),
        1,
    );
    let fake_subject = format!(
        r#""subject":[{{"name":"evil","digest":{{"sha256":"{}"}}}}],"#,
        "0".repeat(64)
    );
    let two_subjects =
        statement.replacen(r#""subject":"#, &format!("{fake_subject}\"subject\":"), 1);
    for (name, payload, key_name) in [
        ("two-types.json", two_types, "predicateType"),
        ("two-subjects.json", two_subjects, "subject"),
    ] {
        let path = s.path(name);
        resign(&bundle, &key, payload.as_bytes(), &path);
        let out = verify(&path);
        out.fails_with(VERIFY, &format!("`{key_name}` appears twice"));
        assert!(out.stderr.contains("top-level object"), "{}", out.stderr);
        attest(&["attach", "localhost:1/none:v1", "--bundle", &path])
            .run()
            .fails_with(VERIFY, &format!("`{key_name}` appears twice"));
        attest(&["inspect", &path])
            .run()
            .fails_with(VERIFY, &format!("`{key_name}` appears twice"));
        attest(&[
            "push",
            "localhost:1/none:v1",
            &s.path("artifact"),
            "--bundle",
            &path,
        ])
        .run()
        .fails_with(VERIFY, &format!("`{key_name}` appears twice"));
    }

    // In the bundle: a second `payload` before the signed one (a fake
    // statement for first-wins readers), and a repeated top-level key.
    let text = std::fs::read_to_string(&control).unwrap();
    let fake = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .encode(statement.replace(r#""name":"artifact""#, r#""name":"evil""#))
    };
    let cases = [
        (
            "two-payloads.json",
            text.replacen(
                r#""payload":"#,
                &format!(r#""payload":"{fake}","payload":"#),
                1,
            ),
            "`payload` appears twice in the object at $.dsseEnvelope",
        ),
        (
            "two-media-types.json",
            text.replacen('{', r#"{"mediaType":"x","#, 1),
            "`mediaType` appears twice in the top-level object",
        ),
    ];
    for (name, doubled, needle) in cases {
        assert_ne!(doubled, text);
        let path = s.path(name);
        std::fs::write(&path, doubled).unwrap();
        verify(&path).fails_with(VERIFY, needle);
        attest(&["inspect", &path]).run().fails_with(VERIFY, needle);
    }

    // `verify FILE` alone, finding the bundle where `cargo attest` writes
    // them: refused for the key, not skipped as "no bundle found".
    let attest_dir = s.dir.path().join("target/attest");
    std::fs::create_dir_all(&attest_dir).unwrap();
    std::fs::copy(
        s.path("two-subjects.json"),
        attest_dir.join("artifact.sigstore.json"),
    )
    .unwrap();
    attest(&["verify", "artifact", "--key", &public])
        .cwd(s.dir.path())
        .run()
        .fails_with(VERIFY, "`subject` appears twice");
}

#[test]
fn wrong_key() {
    let s = Setup::new();
    let other = s.path("other.pem");
    attest(&[
        "key",
        "generate",
        "--algorithm",
        "ed25519",
        "--output",
        &other,
        "--unencrypted",
    ])
    .run()
    .success();
    // A private PEM is accepted as --key for verify: its public half is used.
    attest(&[
        "verify",
        &s.path("artifact"),
        "--bundle",
        &s.bundle(),
        "--key",
        &other,
    ])
    .run()
    .fails_with(VERIFY, "does not verify with key");
}

#[test]
fn subject_mismatch_and_policy() {
    let s = Setup::new();
    std::fs::write(s.path("other-file"), b"different").unwrap();
    attest(&[
        "verify",
        &s.path("other-file"),
        "--bundle",
        &s.bundle(),
        "--key",
        &s.public_key(),
    ])
    .run()
    .fails_with(VERIFY, "is not a subject");
    attest(&[
        "verify",
        &s.path("artifact"),
        "--bundle",
        &s.bundle(),
        "--key",
        &s.public_key(),
        "--predicate-type",
        "https://example.com/x",
    ])
    .run()
    .fails_with(VERIFY, "predicate type");
    attest(&[
        "verify",
        &s.path("artifact"),
        "--bundle",
        &s.bundle(),
        "--key",
        &s.public_key(),
        "--source-repo",
        "https://github.com/acme/other",
    ])
    .run()
    .fails_with(VERIFY, "source repository");
}

#[test]
fn bad_pem() {
    let s = Setup::new();
    std::fs::write(
        s.path("bad.pem"),
        "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    attest(&[
        "--subject-path",
        &s.path("artifact"),
        "--key",
        &s.path("bad.pem"),
    ])
    .run()
    .fails_with(KEY, "bad.pem");
    std::fs::write(
        s.path("cert.pem"),
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    attest(&[
        "--subject-path",
        &s.path("artifact"),
        "--key",
        &s.path("cert.pem"),
    ])
    .run()
    .fails_with(KEY, "expected a PKCS#8");
    attest(&[
        "verify",
        &s.path("artifact"),
        "--bundle",
        &s.bundle(),
        "--key",
        &s.path("cert.pem"),
    ])
    .run()
    .fails_with(KEY, "PUBLIC KEY");
}

#[test]
fn wrong_passphrase() {
    let s = Setup::new();
    let enc = s.path("enc.pem");
    attest(&["key", "generate", "--output", &enc])
        .env("CARGO_ATTEST_KEY_PASSPHRASE", "right")
        .run()
        .success();
    assert!(
        std::fs::read_to_string(&enc)
            .unwrap()
            .contains("ENCRYPTED PRIVATE KEY")
    );
    attest(&[
        "--subject-path",
        &s.path("artifact"),
        "--key",
        &enc,
        "-o",
        &s.path("x.json"),
    ])
    .env("CARGO_ATTEST_KEY_PASSPHRASE", "wrong")
    .run()
    .fails_with(KEY, "wrong passphrase");
    // No passphrase and no terminal: says how to give one.
    attest(&[
        "--subject-path",
        &s.path("artifact"),
        "--key",
        &enc,
        "-o",
        &s.path("x.json"),
    ])
    .run()
    .fails_with(KEY, "CARGO_ATTEST_KEY_PASSPHRASE");
    attest(&[
        "--subject-path",
        &s.path("artifact"),
        "--key",
        &enc,
        "-o",
        &s.path("x.json"),
    ])
    .env("CARGO_ATTEST_KEY_PASSPHRASE", "right")
    .run()
    .success();
}

#[test]
fn no_keyring_available() {
    let s = Setup::new();
    // The harness points D-Bus at a socket that does not exist.
    let out = attest(&["--subject-path", &s.path("artifact"), "--format", "json"]).run();
    out.fails_with(KEY, "no OS keyring is reachable");
    assert!(
        out.stderr.contains("--key FILE.pem"),
        "names the alternative: {}",
        out.stderr
    );
    assert_eq!(out.json()["error"]["exitCode"], KEY);
    // Nothing was written instead: no plaintext key fallback.
    // (k.pem and k.pub are the set-up's key pair.)
    let mut written: Vec<_> = std::fs::read_dir(s.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    written.sort();
    assert_eq!(written, ["artifact", "k.pem", "k.pub"], "unexpected files");
    attest(&["key", "generate"])
        .run()
        .fails_with(KEY, "no OS keyring is reachable");
    attest(&["key", "list"])
        .run()
        .fails_with(KEY, "no OS keyring is reachable");
}

#[test]
fn usage_errors() {
    attest(&["--subject-name", "img"])
        .run()
        .fails_with(2, "--subject-digest");
    attest(&[
        "--subject-name",
        "img",
        "--subject-digest",
        "sha256:abc",
        "--key",
        "x.pem",
    ])
    .run()
    .fails_with(2, "64 hex digits");
    attest(&["--release", "key", "list"])
        .run()
        .fails_with(2, "cannot be used with `key`");
}

#[test]
fn sha512_only_subjects_verify() {
    let s = Setup::new();
    let sums = std::process::Command::new("sha512sum")
        .arg("artifact")
        .current_dir(s.dir.path())
        .output()
        .unwrap();
    std::fs::write(s.path("SHA512SUMS"), &sums.stdout).unwrap();
    let bundle = s.path("sums.sigstore.json");
    attest(&[
        "--subject-checksums",
        &s.path("SHA512SUMS"),
        "--key",
        &s.path("k.pem"),
        "-o",
        &bundle,
    ])
    .run()
    .success();
    attest(&[
        "verify",
        &s.path("artifact"),
        "--bundle",
        &bundle,
        "--key",
        &s.public_key(),
    ])
    .run()
    .success();
    std::fs::write(s.path("artifact"), b"changed").unwrap();
    attest(&[
        "verify",
        &s.path("artifact"),
        "--bundle",
        &bundle,
        "--key",
        &s.public_key(),
    ])
    .run()
    .fails_with(VERIFY, "is not a subject");
}

#[test]
fn non_utf8_environment_does_not_crash() {
    use std::os::unix::ffi::OsStringExt;
    let s = Setup::new();
    attest(&[
        "--subject-path",
        &s.path("artifact"),
        "--key",
        &s.path("k.pem"),
        "-o",
        &s.path("x.json"),
    ])
    .env(
        "SOME_BINARY_VAR",
        std::ffi::OsString::from_vec(vec![0xff, 0xfe]),
    )
    .run()
    .success();
}
