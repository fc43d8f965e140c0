//! What a user meets around the main job: warnings about what provenance
//! cannot vouch for, `--strict`, and reproducible pushes.

use std::path::Path;

use crate::support::{attest, run};

fn git(dir: &Path, args: &[&str]) {
    let mut all = vec!["-C", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    run("git", &all, None).success();
}

/// A git checkout with one committed file and a key.
fn checkout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["config", "user.email", "t@example.com"]);
    git(dir.path(), &["config", "user.name", "t"]);
    std::fs::write(dir.path().join("app.bin"), b"the app").unwrap();
    git(dir.path(), &["add", "app.bin"]);
    git(dir.path(), &["commit", "-q", "-m", "one"]);
    attest(&["key", "generate", "--output", "k.pem", "--unencrypted"])
        .cwd(dir.path())
        .run()
        .success();
    dir
}

#[test]
fn provenance_gaps_are_warned_about_and_strict_refuses_them() {
    // No checkout at all.
    let plain = tempfile::tempdir().unwrap();
    std::fs::write(plain.path().join("f.bin"), b"f").unwrap();
    attest(&["key", "generate", "--output", "k.pem", "--unencrypted"])
        .cwd(plain.path())
        .run()
        .success();
    let args = ["--subject-path", "f.bin", "--key", "k.pem", "-o", "b.json"];
    let out = attest(&args).cwd(plain.path()).run();
    out.success();
    assert!(
        out.stderr.contains("warning: not in a git checkout"),
        "{}",
        out.stderr
    );
    let mut strict = args.to_vec();
    strict.push("--strict");
    attest(&strict)
        .cwd(plain.path())
        .run()
        .fails_with(4, "not in a git checkout");

    // A repository without a commit.
    let unborn = tempfile::tempdir().unwrap();
    git(unborn.path(), &["init", "-q"]);
    std::fs::write(unborn.path().join("f.bin"), b"f").unwrap();
    std::fs::copy(plain.path().join("k.pem"), unborn.path().join("k.pem")).unwrap();
    let out = attest(&args).cwd(unborn.path()).run();
    out.success();
    assert!(out.stderr.contains("no commit yet"), "{}", out.stderr);

    // A dirty tree.
    let dirty = checkout();
    std::fs::write(dirty.path().join("app.bin"), b"changed").unwrap();
    let out = attest(&[
        "--subject-path",
        "app.bin",
        "--key",
        "k.pem",
        "-o",
        "b.json",
    ])
    .cwd(dirty.path())
    .run();
    out.success();
    assert!(out.stderr.contains("uncommitted changes"), "{}", out.stderr);

    // A clean checkout: nothing to say.
    let clean = checkout();
    let out = attest(&[
        "--subject-path",
        "app.bin",
        "--key",
        "k.pem",
        "-o",
        "b.json",
    ])
    .cwd(clean.path())
    .run();
    out.success();
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
}

#[test]
fn pushes_of_the_same_commit_give_the_same_manifest_digest() {
    let dir = checkout();
    let push = |tag: &str, extra: &[&str]| {
        let mut args = vec!["push", tag, "app.bin", "--format", "json"];
        args.extend_from_slice(extra);
        attest(&args).cwd(dir.path()).run().success().json()["digest"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let first = push("repro:a", &[]);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second = push("repro:b", &[]);
    assert_eq!(
        first, second,
        "a rebuild of the same commit pushed a new digest"
    );
    // The same through `cargo attest --push`, manifest and statement alike.
    let attested = |tag: &str| {
        attest(&[
            "--subject-path",
            "app.bin",
            "--key",
            "k.pem",
            "-o",
            "b.json",
            "--push",
            tag,
            "--format",
            "json",
        ])
        .cwd(dir.path())
        .run()
        .success()
        .json()["pushed"]["digest"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(attested("repro:c"), attested("repro:d"));
    // Asked for: the time of the push.
    let now = push("repro:e", &["--created", "now"]);
    assert_ne!(now, first);
    attest(&["push", "repro:f", "app.bin", "--created", "yesterday"])
        .cwd(dir.path())
        .run()
        .fails_with(2, "--created");
}

#[test]
fn an_output_older_than_its_sources_is_warned_about() {
    let dir = checkout();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"stale\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("src/main.rs"), "fn main() {}\n").unwrap();
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "crate"]);
    run("cargo", &["build", "-q", "--offline"], Some(dir.path())).success();
    let fresh = attest(&["--key", "k.pem"]).cwd(dir.path()).run();
    fresh.success();
    assert!(!fresh.stderr.contains("is older than"), "{}", fresh.stderr);
    // An edit after the build, not rebuilt.
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(dir.path().join("src/main.rs"), "fn main() { }\n").unwrap();
    let stale = attest(&["--key", "k.pem"]).cwd(dir.path()).run();
    stale.success();
    assert!(stale.stderr.contains("is older than"), "{}", stale.stderr);
    assert!(stale.stderr.contains("main.rs"), "{}", stale.stderr);
}
