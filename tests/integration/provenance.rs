//! Provenance content on a real cargo workspace: lock packages, source,
//! toolchain, target, profile, features; reproducibility; build selection.

use std::collections::BTreeMap;

use crate::support::{Fixture, attest, bundle_payload, fixture, run};

/// (name, version, checksum) of every package in a Cargo.lock, read with a
/// few lines of text parsing independent of the product's own parser.
fn lock_packages(lock: &str) -> Vec<(String, String, Option<String>)> {
    let mut out = Vec::new();
    for block in lock.split("[[package]]").skip(1) {
        let field = |key: &str| {
            block
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{key} = \"")))
                .map(|v| v.trim_end_matches('"').to_string())
        };
        out.push((
            field("name").unwrap(),
            field("version").unwrap(),
            field("checksum"),
        ));
    }
    out
}

fn key_file(dir: &std::path::Path) -> String {
    let path = dir.join("k.pem");
    if !path.exists() {
        attest(&[
            "key",
            "generate",
            "--output",
            path.to_str().unwrap(),
            "--unencrypted",
        ])
        .run()
        .success();
    }
    path.display().to_string()
}

fn attest_fixture(
    fx: &Fixture,
    extra: &[&str],
    env: &[(&str, &str)],
) -> (serde_json::Value, Vec<u8>, serde_json::Value) {
    let tmp = tempfile::tempdir().unwrap();
    attest_fixture_in(tmp.path(), fx, extra, env)
}

/// Attests the fixture with a key and output in `dir`: the same `dir` gives
/// the same command line.
fn attest_fixture_in(
    dir: &std::path::Path,
    fx: &Fixture,
    extra: &[&str],
    env: &[(&str, &str)],
) -> (serde_json::Value, Vec<u8>, serde_json::Value) {
    let key = key_file(dir);
    let bundle = dir.join("out.sigstore.json");
    let mut args = vec![
        "--key",
        &key,
        "--target-dir",
        fx.target.to_str().unwrap(),
        "-o",
        bundle.to_str().unwrap(),
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let mut cmd = attest(&args).cwd(&fx.dir);
    for (k, v) in env {
        cmd = cmd.env(k, v);
    }
    let out = cmd.run();
    let json = out.success().json();
    let (statement, bytes) = bundle_payload(&bundle);
    (statement, bytes, json)
}

#[test]
fn provenance_records_what_cargo_did() {
    let fx = fixture();
    let (st, _, out) = attest_fixture(fx, &["--release"], &[]);
    assert_eq!(st["_type"], "https://in-toto.io/Statement/v1");
    assert_eq!(st["predicateType"], "https://slsa.dev/provenance/v1");

    // Subjects: the app binary and the greet cdylib of the release build.
    let subjects: BTreeMap<String, String> = st["subject"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["digest"]["sha256"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        subjects.keys().collect::<Vec<_>>(),
        ["fixture-app", "libgreet.so"]
    );
    let exe_digest = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(
            std::fs::read(fx.target.join("release/fixture-app")).unwrap(),
        ))
    };
    assert_eq!(subjects["fixture-app"], exe_digest);
    assert_eq!(out["subjects"].as_array().unwrap().len(), 2);

    let def = &st["predicate"]["buildDefinition"];
    assert_eq!(
        def["buildType"],
        "https://cargo-attest.dev/build-types/cargo/v1"
    );
    let ext = &def["externalParameters"];
    assert_eq!(ext["profile"], "release");
    let host = run("rustc", &["-vV"], None).stdout;
    let host_triple = host.lines().find_map(|l| l.strip_prefix("host: ")).unwrap();
    assert_eq!(ext["target"], host_triple);
    assert_eq!(
        ext["packages"],
        serde_json::json!(["fixture-app@0.3.1", "greet@1.2.0"])
    );

    let int = &def["internalParameters"];
    let rustc_line = host.lines().next().unwrap();
    assert_eq!(int["toolchain"]["rustc"], rustc_line);
    assert_eq!(int["toolchain"]["rustcVerbose"]["host"], host_triple);
    assert!(
        int["toolchain"]["cargo"]
            .as_str()
            .unwrap()
            .starts_with("cargo ")
    );
    assert_eq!(
        int["enabledFeatures"]["fixture-app"],
        serde_json::json!(["default", "fancy"])
    );

    // Source: the commit, the remote without its password, the branch.
    let deps = def["resolvedDependencies"].as_array().unwrap();
    let source = deps
        .iter()
        .find(|d| d["name"] == "source")
        .expect("source entry");
    assert_eq!(source["digest"]["gitCommit"], fx.commit.as_str());
    assert_eq!(
        source["uri"],
        "git+https://example.com/acme/fixture.git@refs/heads/main"
    );
    assert_eq!(source["annotations"]["dirty"], false);
    let text = serde_json::to_string(&st).unwrap();
    assert!(
        !text.contains("hunter2"),
        "a credential leaked into the provenance"
    );

    // Every lock package, with its version and checksum.
    let lock = std::fs::read_to_string(fx.dir.join("Cargo.lock")).unwrap();
    let packages = lock_packages(&lock);
    assert_eq!(packages.len(), 4);
    for (name, version, checksum) in packages {
        let uri = format!("pkg:cargo/{name}@{version}");
        let dep = deps
            .iter()
            .find(|d| d["uri"] == uri.as_str())
            .unwrap_or_else(|| panic!("{uri} missing from resolvedDependencies"));
        match checksum {
            Some(sum) => assert_eq!(dep["digest"]["sha256"], sum.as_str(), "{uri}"),
            None => assert!(
                dep.get("digest").is_none(),
                "{uri} has no checksum in the lock"
            ),
        }
    }

    let run_details = &st["predicate"]["runDetails"];
    assert!(
        run_details["builder"]["id"]
            .as_str()
            .unwrap()
            .starts_with("https://cargo-attest.dev/builders/local/")
    );
    assert!(
        run_details["metadata"]["startedOn"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
}

#[test]
fn features_package_and_profile_selection() {
    let fx = fixture();
    let (st, _, _) = attest_fixture(
        fx,
        &[
            "-p",
            "fixture-app",
            "--features",
            "extra",
            "--no-default-features",
        ],
        &[],
    );
    let def = &st["predicate"]["buildDefinition"];
    assert_eq!(def["externalParameters"]["profile"], "dev");
    assert_eq!(
        def["externalParameters"]["packages"],
        serde_json::json!(["fixture-app@0.3.1"])
    );
    assert_eq!(
        def["externalParameters"]["features"],
        serde_json::json!({"features": ["extra"], "allFeatures": false, "noDefaultFeatures": true})
    );
    assert_eq!(
        def["internalParameters"]["enabledFeatures"]["fixture-app"],
        serde_json::json!(["extra"])
    );
    let names: Vec<_> = st["subject"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["fixture-app"]);
}

#[test]
fn same_inputs_and_source_date_epoch_give_identical_statements() {
    let fx = fixture();
    let epoch = [("SOURCE_DATE_EPOCH", "1700000000")];
    let tmp = tempfile::tempdir().unwrap();
    let (first, a, _) = attest_fixture_in(tmp.path(), fx, &["--release"], &epoch);
    let (_, b, _) = attest_fixture_in(tmp.path(), fx, &["--release"], &epoch);
    let (a, b) = (String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap());
    assert!(a == b, "statements differ between two runs:\n{a}\n{b}");
    let meta = &first["predicate"]["runDetails"]["metadata"];
    assert_eq!(meta["startedOn"], "2023-11-14T22:13:20Z");
    assert_eq!(meta["finishedOn"], "2023-11-14T22:13:20Z");
    assert!(
        meta["invocationId"]
            .as_str()
            .unwrap()
            .starts_with("urn:cargo-attest:invocation:")
    );
}

#[test]
fn ci_builders_are_detected() {
    let fx = fixture();
    let (st, _, _) = attest_fixture(
        fx,
        &["-p", "fixture-app"],
        &[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_REPOSITORY", "acme/fixture"),
            (
                "GITHUB_WORKFLOW_REF",
                "acme/fixture/.github/workflows/release.yml@refs/tags/v1",
            ),
            ("GITHUB_RUN_ID", "77"),
            ("GITHUB_RUN_ATTEMPT", "1"),
        ],
    );
    let rd = &st["predicate"]["runDetails"];
    assert_eq!(
        rd["builder"]["id"],
        "https://github.com/acme/fixture/.github/workflows/release.yml@refs/tags/v1"
    );
    assert_eq!(
        rd["metadata"]["invocationId"],
        "https://github.com/acme/fixture/actions/runs/77/attempts/1"
    );

    let (st, _, _) = attest_fixture(
        fx,
        &["-p", "fixture-app"],
        &[
            ("GITLAB_CI", "true"),
            ("CI_SERVER_URL", "https://gitlab.example.com"),
            ("CI_PROJECT_PATH", "acme/fixture"),
            ("CI_RUNNER_ID", "12"),
            (
                "CI_JOB_URL",
                "https://gitlab.example.com/acme/fixture/-/jobs/5",
            ),
        ],
    );
    let rd = &st["predicate"]["runDetails"];
    assert_eq!(
        rd["builder"]["id"],
        "https://gitlab.example.com/acme/fixture/-/runners/12"
    );
}

#[test]
fn piped_cargo_json_stream() {
    let fx = fixture();
    let out = run(
        "cargo",
        &[
            "build",
            "--release",
            "--locked",
            "--message-format=json",
            "--target-dir",
            fx.target.to_str().unwrap(),
        ],
        Some(&fx.dir),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let tmp = tempfile::tempdir().unwrap();
    let key = key_file(tmp.path());
    let bundle = tmp.path().join("b.json");
    attest(&["--key", &key, "--release", "-o", bundle.to_str().unwrap()])
        .cwd(&fx.dir)
        .stdin(out.stdout.clone())
        .run()
        .success();
    let (st, _) = bundle_payload(&bundle);
    let names: Vec<_> = st["subject"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["fixture-app", "libgreet.so"]);
    assert_eq!(
        st["predicate"]["buildDefinition"]["internalParameters"]["enabledFeatures"]["fixture-app"],
        serde_json::json!(["default", "fancy"])
    );

    // A stream that is not cargo's is refused.
    attest(&["--key", &key, "-o", bundle.to_str().unwrap()])
        .cwd(&fx.dir)
        .stdin("hello\n")
        .run()
        .fails_with(4, "no cargo JSON messages");
}

#[test]
fn nothing_built_for_the_asked_profile() {
    let fx = fixture();
    let tmp = tempfile::tempdir().unwrap();
    let key = key_file(tmp.path());
    attest(&[
        "--key",
        &key,
        "--profile",
        "dist",
        "--target-dir",
        fx.target.to_str().unwrap(),
    ])
    .cwd(&fx.dir)
    .run()
    .fails_with(4, "run `cargo build --profile dist` first");
}

/// Sets a file's modification time `secs` seconds from now, so that the
/// order against the build's outputs does not depend on clock granularity.
fn touch_in(path: &std::path::Path, secs: u64) {
    let when = std::time::SystemTime::now() + std::time::Duration::from_secs(secs);
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(when)
        .unwrap();
}

fn touch_in_past(path: &std::path::Path) {
    let when = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(when)
        .unwrap();
}

/// Staleness comes from cargo's own record of an output's inputs (the
/// dep-info file beside it), never from whatever else sits in the package
/// directory.
#[test]
fn only_inputs_cargo_tracked_make_an_output_stale() {
    // A private copy: sources are touched here, and the shared fixture's
    // outputs must stay fresh for the other tests.
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("workspace");
    crate::support::copy_dir(
        &crate::support::repo_root().join("tests/fixtures/workspace"),
        &ws,
    );
    let git = |args: &[&str]| {
        let mut all = vec!["-c", "user.name=t", "-c", "user.email=t@example.com"];
        all.extend_from_slice(args);
        run("git", &all, Some(&ws)).success();
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "fixture"]);
    run("cargo", &["build", "-q", "--locked"], Some(&ws)).success();
    let output = ws.join("target/debug/fixture-app");
    assert!(
        output.with_extension("d").is_file(),
        "cargo wrote no dep-info"
    );
    let keys = tempfile::tempdir().unwrap();
    let key = key_file(keys.path());
    let bundle = keys.path().join("b.json");
    let attest_here = |extra: &[&str]| {
        let mut args = vec!["--key", key.as_str(), "-o", bundle.to_str().unwrap()];
        args.extend_from_slice(extra);
        attest(&args).cwd(&ws).run()
    };

    // A clean build: no warning, and --strict passes.
    let clean = attest_here(&["--strict"]);
    clean.success();
    assert!(!clean.stderr.contains("older than"), "{}", clean.stderr);

    // Files cargo does not track, newer than every output, written where
    // the old directory walk looked (the README's key, a redirected log).
    for name in ["attest.log", "app/attest-key.pub", "app/src/notes.txt"] {
        std::fs::write(ws.join(name), b"not an input").unwrap();
        touch_in(&ws.join(name), 60);
    }
    let untracked = attest_here(&["--strict"]);
    untracked.success();
    assert!(
        !untracked.stderr.contains("older than"),
        "{}",
        untracked.stderr
    );

    // A source of a path dependency, changed after the build: the app was
    // not rebuilt, and --strict refuses it.
    touch_in(&ws.join("greet/src/lib.rs"), 120);
    let stale = attest_here(&[]);
    stale.success();
    assert!(
        stale.stderr.contains("fixture-app is older than")
            && stale.stderr.contains("greet/src/lib.rs"),
        "{}",
        stale.stderr
    );
    attest_here(&["--strict"]).fails_with(4, "is older than");

    // A cargo JSON stream recorded before a change says the same. (The
    // touched source goes back to the past first: a time still in the
    // future would leave any rebuild older than it.)
    touch_in_past(&ws.join("greet/src/lib.rs"));
    let stream = run(
        "cargo",
        &["build", "--locked", "--message-format=json"],
        Some(&ws),
    );
    stream.success();
    touch_in(&ws.join("app/src/main.rs"), 180);
    let json = keys.path().join("build.json");
    std::fs::write(&json, &stream.stdout).unwrap();
    let streamed = attest_here(&["--cargo-json", json.to_str().unwrap()]);
    streamed.success();
    assert!(
        streamed.stderr.contains("fixture-app is older than")
            && streamed.stderr.contains("app/src/main.rs"),
        "{}",
        streamed.stderr
    );

    // Without cargo's record there is nothing to judge by: no warning.
    std::fs::remove_file(output.with_extension("d")).unwrap();
    let unknown = attest_here(&["--strict"]);
    unknown.success();
    assert!(!unknown.stderr.contains("older than"), "{}", unknown.stderr);
}
