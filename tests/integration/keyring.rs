//! Signing keys in a real OS keyring: gnome-keyring's Secret Service under
//! dbus-run-session, driven only through the product's own commands.

use crate::support::{KeyringSession, attest, fixture};

#[test]
fn keys_live_in_the_real_keyring() {
    let session = KeyringSession::start();
    let env = &session.env;
    let tmp = tempfile::tempdir().unwrap();

    // Empty at first.
    let list = attest(&["key", "list", "--format", "json"]).envs(env).run();
    assert_eq!(list.success().json(), serde_json::json!([]));

    // Generate one key of each algorithm.
    let p256 = attest(&["key", "generate", "release", "--format", "json"])
        .envs(env)
        .run();
    let p256 = p256.success().json();
    assert_eq!(p256["algorithm"], "ecdsa-p256");
    assert_eq!(p256["location"], "keyring");
    let ed = attest(&[
        "key",
        "generate",
        "edkey",
        "--algorithm",
        "ed25519",
        "--format",
        "json",
    ])
    .envs(env)
    .run();
    let ed = ed.success().json();
    assert_eq!(ed["algorithm"], "ed25519");

    // A second generate under the same name is refused without --force.
    attest(&["key", "generate", "release"])
        .envs(env)
        .run()
        .fails_with(6, "already exists");

    // List shows both, with the ids generate printed.
    let list = attest(&["key", "list", "--format", "json"])
        .envs(env)
        .run()
        .success()
        .json();
    let names: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["edkey", "release"]);
    assert_eq!(list[1]["keyId"], p256["keyId"]);

    // Export the public key: the same id, derivable by anyone.
    let pub_pem = tmp.path().join("release.pub");
    attest(&["key", "export", "release", "-o", pub_pem.to_str().unwrap()])
        .envs(env)
        .run()
        .success();
    let text = std::fs::read_to_string(&pub_pem).unwrap();
    assert!(text.starts_with("-----BEGIN PUBLIC KEY-----"));
    assert!(!text.contains("PRIVATE"));

    // Use it: sign the fixture's build, then verify with the keyring key
    // found by the bundle's hint, and with the exported public key.
    let fx = fixture();
    let bundle = tmp.path().join("app.sigstore.json");
    let target = fx.target.to_str().unwrap();
    attest(&[
        "--key-name",
        "release",
        "-p",
        "fixture-app",
        "--target-dir",
        target,
        "-o",
        bundle.to_str().unwrap(),
    ])
    .envs(env)
    .cwd(&fx.dir)
    .run()
    .success();
    let exe = fx.target.join("debug/fixture-app");
    let exe = exe.to_str().unwrap();
    let verified = attest(&[
        "verify",
        exe,
        "--bundle",
        bundle.to_str().unwrap(),
        "--format",
        "json",
    ])
    .envs(env)
    .run();
    let verified = verified.success().json();
    assert_eq!(verified["key"], "keyring key `release`");
    assert_eq!(verified["keyId"], p256["keyId"]);
    attest(&[
        "verify",
        exe,
        "--bundle",
        bundle.to_str().unwrap(),
        "--key",
        pub_pem.to_str().unwrap(),
    ])
    .run()
    .success();

    // With no key named, `cargo attest` creates `default` in the keyring.
    let out = attest(&[
        "--subject-path",
        exe,
        "-o",
        tmp.path().join("d.json").to_str().unwrap(),
    ])
    .envs(env)
    .run();
    out.success();
    assert!(
        out.stderr.contains("Created signing key `default`"),
        "{}",
        out.stderr
    );
    let again = attest(&[
        "--subject-path",
        exe,
        "-o",
        tmp.path().join("d2.json").to_str().unwrap(),
    ])
    .envs(env)
    .run();
    assert!(
        !again.success().stderr.contains("Created"),
        "the default key is reused"
    );

    // Import an encrypted PEM, exported from another key.
    let enc = tmp.path().join("ed.enc.pem");
    attest(&[
        "key",
        "export",
        "edkey",
        "--private",
        "-o",
        enc.to_str().unwrap(),
    ])
    .envs(env)
    .env("CARGO_ATTEST_KEY_PASSPHRASE", "correct horse")
    .run()
    .success();
    assert!(
        std::fs::read_to_string(&enc)
            .unwrap()
            .contains("ENCRYPTED PRIVATE KEY")
    );
    let imported = attest(&[
        "key",
        "import",
        "copy",
        enc.to_str().unwrap(),
        "--format",
        "json",
    ])
    .envs(env)
    .env("CARGO_ATTEST_KEY_PASSPHRASE", "correct horse")
    .run();
    assert_eq!(imported.success().json()["keyId"], ed["keyId"]);

    // Off a terminal, delete asks for --yes (exit 2) and deletes nothing.
    attest(&["key", "delete", "release"])
        .envs(env)
        .run()
        .fails_with(2, "--yes");
    attest(&["key", "export", "release"])
        .envs(env)
        .run()
        .success();
    // Delete them all; deleting again is a key error.
    for name in ["release", "edkey", "copy", "default"] {
        attest(&["key", "delete", name, "--yes"])
            .envs(env)
            .run()
            .success();
    }
    attest(&["key", "delete", "release", "--yes"])
        .envs(env)
        .run()
        .fails_with(6, "no signing key named `release`");
    let list = attest(&["key", "list", "--format", "json"]).envs(env).run();
    assert_eq!(list.success().json(), serde_json::json!([]));
}

/// A keyring that needs unlocking is called locked, not unreachable, and
/// each command names the alternative that fits it; all exit 6.
#[test]
fn a_locked_keyring_is_called_locked_with_the_remedy_for_each_command() {
    let session = crate::support::KeyringSession::start_locked();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("f.bin"), b"f").unwrap();
    let run = |args: &[&str]| {
        crate::support::attest(args)
            .envs(&session.env)
            .cwd(dir.path())
            .run()
    };
    let out = run(&["key", "generate", "release"]);
    out.fails_with(6, "the OS keyring is locked");
    assert!(out.stderr.contains("unlock"), "{}", out.stderr);
    assert!(out.stderr.contains("--output FILE.pem"), "{}", out.stderr);
    let out = run(&["--subject-path", "f.bin"]);
    out.fails_with(6, "the OS keyring is locked");
    assert!(out.stderr.contains("--key FILE.pem"), "{}", out.stderr);
    {
        let reg = crate::testbed::docker_htpasswd();
        let out = crate::support::attest(&[
            "login",
            &reg.host,
            "-u",
            crate::testbed::TEST_USER,
            "--password-stdin",
        ])
        .envs(&session.env)
        .stdin(crate::testbed::TEST_PASSWORD)
        .run();
        out.fails_with(6, "the OS keyring is locked");
        assert!(
            out.stderr.contains("CARGO_ATTEST_REGISTRY"),
            "{}",
            out.stderr
        );
        assert!(!out.stderr.contains(crate::testbed::TEST_PASSWORD));
    }
}
