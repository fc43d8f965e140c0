//! The consumer's side: key pairs as files, `verify FILE` finding the
//! bundle `cargo attest` wrote, and the source policy flags.

use std::path::Path;

use crate::attach::Bench;
use crate::support::{attest, fixture};

const VERIFY: i32 = 5;

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
