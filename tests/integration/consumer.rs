//! The consumer's side: key pairs as files, and verifying with them.

use crate::attach::Bench;
use crate::support::attest;

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
