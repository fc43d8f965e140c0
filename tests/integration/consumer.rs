//! The consumer's side: key pairs as files, `download` then offline
//! `verify --bundle`, `verify FILE --from REF`, `verify FILE` finding the
//! bundle `cargo attest` wrote, the source policy flags, and `inspect`.

use std::path::Path;

use crate::attach::Bench;
use crate::support::{attest, fixture};
use crate::testbed;

const VERIFY: i32 = 5;

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

#[test]
fn key_pairs_as_files() {
    let bench = Bench::new();
    let pass = ("CARGO_ATTEST_KEY_PASSPHRASE", "correct horse");
    let generated = attest(&["key", "generate", "--output", "enc.pem", "--format", "json"])
        .cwd(bench.dir.path())
        .env(pass.0, pass.1)
        .run()
        .success()
        .json();
    assert_eq!(generated["publicKeyFile"], "enc.pub");
    let public = std::fs::read_to_string(bench.path("enc.pub")).unwrap();
    assert!(public.starts_with("-----BEGIN PUBLIC KEY-----"), "{public}");
    assert_eq!(generated["publicKey"], public.as_str());
    assert!(
        std::fs::read_to_string(bench.path("enc.pem"))
            .unwrap()
            .contains("ENCRYPTED PRIVATE KEY")
    );

    // `key export --key` prints the public key of either file of the pair.
    let exported = attest(&["key", "export", "--key", "enc.pem"])
        .cwd(bench.dir.path())
        .env(pass.0, pass.1)
        .run();
    assert_eq!(exported.success().stdout, public);
    let exported = attest(&["key", "export", "--key", "enc.pub"])
        .cwd(bench.dir.path())
        .run();
    assert_eq!(exported.success().stdout, public);
    attest(&["key", "export", "--key", "enc.pem"])
        .cwd(bench.dir.path())
        .run()
        .fails_with(6, "CARGO_ATTEST_KEY_PASSPHRASE");

    // Never both halves in one file, never over an existing public key.
    bench
        .run(&["key", "generate", "--output", "k2.pub", "--unencrypted"])
        .fails_with(2, "both halves");
    std::fs::write(bench.path("k3.pub"), b"keep me").unwrap();
    bench
        .run(&["key", "generate", "--output", "k3.pem", "--unencrypted"])
        .fails_with(2, "k3.pub exists");
    assert!(!bench.path("k3.pem").exists());

    // verify --key takes the encrypted private key (its public half), and
    // several keys of which any one suffices.
    std::fs::write(bench.path("app.bin"), b"app").unwrap();
    attest(&[
        "--subject-path",
        "app.bin",
        "--key",
        "enc.pem",
        "-o",
        "app.sigstore.json",
    ])
    .cwd(bench.dir.path())
    .env(pass.0, pass.1)
    .run()
    .success();
    let verify = |keys: &[&str]| {
        let mut args = vec!["verify", "app.bin", "--bundle", "app.sigstore.json"];
        for k in keys {
            args.extend(["--key", k]);
        }
        attest(&args)
            .cwd(bench.dir.path())
            .env(pass.0, pass.1)
            .run()
    };
    verify(&["enc.pem"]).success();
    verify(&["k.pub", "enc.pub"]).success();
    verify(&["k.pem", "enc.pem"]).success();
    verify(&["k.pub"]).fails_with(VERIFY, "does not verify with key");
    verify(&["k.pub", "k.pem"]).fails_with(VERIFY, "with any of the 2 keys");
}

#[test]
fn download_then_verify_offline_and_verify_from_ref() {
    let mut places: Vec<String> = [testbed::docker_open(), testbed::ferro()]
        .into_iter()
        .map(|r| format!("{}/consumer/app:v1", r.host))
        .collect();
    places.push("consumerapp:v1".into());
    for reference in places {
        let bench = Bench::new();
        std::fs::write(bench.path("app.bin"), format!("app for {reference}")).unwrap();
        std::fs::write(bench.path("stranger.bin"), b"not attested").unwrap();
        let attested = bench
            .run(&[
                "--subject-path",
                "app.bin",
                "--key",
                "k.pem",
                "-o",
                "app.sigstore.json",
                "--push",
                &reference,
                "--format",
                "json",
            ])
            .success()
            .json();
        let attestation = attested["pushed"]["attestation"].as_str().unwrap();

        let downloaded = bench
            .run(&["download", &reference, "-o", "dl", "--format", "json"])
            .success()
            .json();
        let bundles = downloaded["bundles"].as_array().unwrap();
        assert_eq!(bundles.len(), 1, "{reference}: {downloaded}");
        assert_eq!(bundles[0]["attestation"], attestation);
        let path = bench.path(bundles[0]["path"].as_str().unwrap());
        let bytes = std::fs::read(&path).unwrap();
        // Named after its own digest, byte for byte what was signed.
        assert_eq!(
            path.file_name().unwrap().to_str().unwrap(),
            format!("sha256-{}.sigstore.json", sha256_hex(&bytes))
        );
        assert_eq!(
            bytes,
            std::fs::read(bench.path("app.sigstore.json")).unwrap()
        );

        // Offline: a file, a bundle, a key; no registry named.
        let offline = bench
            .run(&[
                "verify",
                "app.bin",
                "--bundle",
                path.to_str().unwrap(),
                "--key",
                "k.pub",
            ])
            .success()
            .stdout
            .clone();
        assert!(offline.starts_with("Verified 1 file"), "{offline}");

        let from = bench
            .run(&[
                "verify", "app.bin", "--from", &reference, "--key", "k.pub", "--format", "json",
            ])
            .success()
            .json();
        assert_eq!(from["verified"], true, "{from}");
        assert_eq!(from["files"][0]["attestation"], attestation);
        assert_eq!(from["files"][0]["subject"], "app.bin");

        let out = bench.run(&[
            "verify",
            "stranger.bin",
            "--from",
            &reference,
            "--key",
            "k.pub",
        ]);
        out.fails_with(VERIFY, "is not a subject of any valid attestation");
        assert!(out.stderr.contains("stranger.bin"), "{}", out.stderr);
        // A valid attestation, but not from a key we trust.
        bench
            .run(&["key", "generate", "--output", "other.pem", "--unencrypted"])
            .success();
        bench
            .run(&[
                "verify",
                "app.bin",
                "--from",
                &reference,
                "--key",
                "other.pub",
            ])
            .fails_with(VERIFY, "is not a subject of any valid attestation");
    }
}

#[test]
fn verify_file_finds_the_bundle_cargo_attest_wrote() {
    let fx = fixture();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    attest(&["key", "generate", "--output", "k.pem", "--unencrypted"])
        .cwd(dir)
        .run()
        .success();
    let key = dir.join("k.pem");
    let public = dir.join("k.pub");
    let target = fx.target.to_str().unwrap();
    // Written to the default place, <target-dir>/attest/.
    let attested = attest(&[
        "--release",
        "-p",
        "fixture-app",
        "--target-dir",
        target,
        "--key",
        key.to_str().unwrap(),
        "--format",
        "json",
    ])
    .cwd(&fx.dir)
    .run()
    .success()
    .json();
    let bundle = attested["bundle"].as_str().unwrap();
    assert!(bundle.contains("/attest/"), "{bundle}");

    // From anywhere: the binary's target directory is found (cargo marks
    // it with CACHEDIR.TAG).
    let app = fx.target.join("release/fixture-app");
    let app = app.to_str().unwrap();
    let out = attest(&[
        "verify",
        app,
        "--key",
        public.to_str().unwrap(),
        "--source-ref",
        "refs/heads/main",
        "--source-digest",
        &fx.commit,
        "--format",
        "json",
    ])
    .cwd(dir)
    .run();
    let v = out.success().json();
    assert!(
        v["bundle"]
            .as_str()
            .unwrap()
            .ends_with(Path::new(bundle).file_name().unwrap().to_str().unwrap()),
        "{v}"
    );
    let verify = |extra: &[&str]| {
        let mut args = vec!["verify", app, "--key", public.to_str().unwrap()];
        args.extend_from_slice(extra);
        attest(&args).cwd(dir).run()
    };
    verify(&["--source-ref", "refs/heads/other"]).fails_with(VERIFY, "source ref");
    verify(&["--source-digest", &"0".repeat(40)]).fails_with(VERIFY, "source commit");

    // And from the workspace, through ./target-like dirs and CARGO_TARGET_DIR.
    attest(&["verify", app, "--key", public.to_str().unwrap()])
        .cwd(dir)
        .env("CARGO_TARGET_DIR", target)
        .run()
        .success();

    // A file no bundle names: says what to pass, no lookup of a REF.
    std::fs::write(dir.join("stray.bin"), b"stray").unwrap();
    let out = attest(&["verify", "stray.bin", "--key", "k.pub"])
        .cwd(dir)
        .run();
    out.fails_with(2, "--bundle BUNDLE");
    assert!(out.stderr.contains("--from REF"), "{}", out.stderr);
    assert!(out.stderr.contains("stray.bin (sha256:"), "{}", out.stderr);
    // A path that is not there is not taken for an image either.
    attest(&["verify", "target/release/missing"])
        .cwd(dir)
        .run()
        .fails_with(2, "neither a file nor an image reference");
}

/// Human output of `inspect`, redacted: a bundle file, a layout REF.
#[test]
fn inspect_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let run = |args: &[&str]| {
        attest(args)
            .cwd(dir)
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .env("CARGO_ATTEST_CACHE_DIR", dir.join("cache"))
            .run()
    };
    run(&["key", "generate", "--output", "k.pem", "--unencrypted"]).success();
    std::fs::write(dir.join("app.tar.gz"), b"release archive").unwrap();
    std::fs::write(dir.join("tool"), b"tool binary").unwrap();
    run(&[
        "--subject-path",
        "app.tar.gz",
        "--subject-path",
        "tool",
        "--key",
        "k.pem",
        "-o",
        "app.sigstore.json",
        "--push",
        "inspected:v1",
    ])
    .success();
    let file = run(&["inspect", "app.sigstore.json"]);
    let reference = run(&["inspect", "inspected:v1"]);
    let json = run(&["inspect", "app.sigstore.json", "--format", "json"]);
    let statement = json.success().json();
    assert_eq!(statement["_type"], "https://in-toto.io/Statement/v1");
    assert_eq!(statement["subject"].as_array().unwrap().len(), 3);
    let text = format!(
        "$ cargo attest inspect app.sigstore.json\n{}\n$ cargo attest inspect inspected:v1\n{}",
        file.success().stdout,
        reference.success().stdout
    );
    insta::with_settings!({filters => vec![
        (r"sha256[:-][0-9a-f]{64}", "[DIGEST]"),
        (r"key [0-9a-f]{64}", "key [KEY]"),
        (r"keyid SHA256:[A-Za-z0-9+/]{43}", "keyid [FINGERPRINT]"),
        (r"builders/local/[a-z0-9_-]+", "builders/local/[HOST]"),
    ]}, {
        insta::assert_snapshot!("inspect", text);
    });
}

/// A keyless bundle names its signer by the certificate's identity.
#[test]
fn inspect_names_the_certificate_identity_of_keyless_bundles() {
    let b = crate::sigstore_stack::cosign_keyless_bundle();
    let out = attest(&["inspect", b.bundle.to_str().unwrap()]).run();
    let text = out.success().stdout.clone();
    assert!(
        text.contains(&format!(
            "Signer:       certificate for {} (issuer {})",
            b.identity, b.issuer
        )),
        "{text}"
    );
    assert!(text.contains("Certificate:  valid "), "{text}");
    // The time the token states, read (not verified) from the bundle.
    assert!(
        text.contains("Timestamps:   1 signed (RFC 3161), stating 2"),
        "{text}"
    );
    assert!(
        text.contains("Builder:      https://example.com/cosign-peer-builder"),
        "{text}"
    );
}
