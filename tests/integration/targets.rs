//! Multi-target releases: `cargo attest --target A --target B --push REF`
//! pushes an OCI image index with one manifest per target, attests each
//! manifest and the index, and `verify`/`discover` work by index or by
//! platform (`--platform os/arch[/variant]`).
//!
//! The build is real for both targets. Only the x86_64-unknown-linux-gnu
//! standard library is installed (and rustup cannot download others), so
//! the fixture is a `#![no_core]` staticlib: rustc compiles it for any
//! built-in target without a sysroot, and `cargo build --target
//! x86_64-unknown-linux-gnu --target aarch64-unknown-linux-gnu` writes
//! `target/<triple>/debug/libmulti.a` for each, an x86-64 and an AArch64
//! object inside (`no_core` needs `RUSTC_BOOTSTRAP=1`; its lang items are
//! those of rustc 1.95). What this proves: outputs are found per triple,
//! each target's statement names its own output and its own manifest, the
//! index names one manifest per platform (read back by regctl), and every
//! attestation verifies with ours and cosign. What it does not prove:
//! anything about binaries linked against a target's std, or targets other
//! than these two (the triple-to-platform table is unit-tested in
//! `oci::platform`).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::attach::Bench;
use crate::interop::{cosign_verify, cosigns, peer, regctl};
use crate::support::bundle_payload;
use crate::testbed;

const TARGETS: [(&str, &str); 2] = [
    ("x86_64-unknown-linux-gnu", "linux/amd64"),
    ("aarch64-unknown-linux-gnu", "linux/arm64"),
];

/// A `#![no_core]` staticlib crate built for both targets, in `dir`.
fn two_target_build(dir: &Path) -> PathBuf {
    let krate = dir.join("multi");
    std::fs::create_dir_all(krate.join("src")).unwrap();
    std::fs::write(
        krate.join("Cargo.toml"),
        "[package]\nname = \"multi\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [lib]\ncrate-type = [\"staticlib\"]\n\n[profile.dev]\npanic = \"abort\"\n",
    )
    .unwrap();
    std::fs::write(
        krate.join("src/lib.rs"),
        "#![feature(no_core, lang_items)]\n#![allow(internal_features)]\n#![no_core]\n\
         #[lang = \"pointee_sized\"]\npub trait PointeeSized {}\n\
         #[lang = \"meta_sized\"]\npub trait MetaSized: PointeeSized {}\n\
         #[lang = \"sized\"]\npub trait Sized: MetaSized {}\n\
         #[no_mangle]\npub extern \"C\" fn answer() -> i32 {\n    42\n}\n",
    )
    .unwrap();
    let mut build = Command::new("cargo");
    build
        .args(["build", "-q", "--offline"])
        .current_dir(&krate)
        .env("RUSTC_BOOTSTRAP", "1")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS");
    for (triple, _) in TARGETS {
        build.args(["--target", triple]);
    }
    let out = build.output().unwrap();
    assert!(
        out.status.success(),
        "the two-target fixture build failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (triple, _) in TARGETS {
        let lib = output(&krate, triple);
        assert!(lib.is_file(), "{} was not built", lib.display());
    }
    krate
}

fn output(krate: &Path, triple: &str) -> PathBuf {
    krate.join(format!("target/{triple}/debug/libmulti.a"))
}

fn sha256(path: &Path) -> String {
    let out = crate::support::run("sha256sum", &[path.to_str().unwrap()], None);
    out.stdout.split_whitespace().next().unwrap().to_string()
}

/// `cargo attest --target A --target B --push REF...`, key-signed, bundles
/// into the bench; the JSON report of a run that must succeed.
fn attest_index(bench: &Bench, krate: &Path, refs: &[&str]) -> Value {
    let (code, report, stderr) = try_attest_index(bench, krate, refs);
    assert_eq!(code, 0, "{stderr}");
    report
}

/// As [`attest_index`], whatever the outcome: the exit code and report.
fn try_attest_index(bench: &Bench, krate: &Path, refs: &[&str]) -> (i32, Value, String) {
    let manifest = krate.join("Cargo.toml");
    let out_dir = bench.path("bundles");
    std::fs::create_dir_all(&out_dir).unwrap();
    let mut args = vec![
        "--manifest-path",
        manifest.to_str().unwrap(),
        "--key",
        "k.pem",
        "-o",
        out_dir.to_str().unwrap(),
        "--format",
        "json",
    ];
    for (triple, _) in TARGETS {
        args.extend(["--target", triple]);
    }
    for r in refs {
        args.extend(["--push", r]);
    }
    let out = bench
        .cmd(&args)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .run();
    let report = serde_json::from_str(&out.stdout).unwrap_or(Value::Null);
    (out.code, report, out.stderr)
}

fn destination<'a>(report: &'a Value, reference: &str) -> &'a Value {
    report["destinations"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["reference"] == reference))
        .unwrap_or_else(|| panic!("{reference} is not in the report: {report:#}"))
}

/// The platform's entry of a destination's report.
fn platform<'a>(destination: &'a Value, platform: &str) -> &'a Value {
    destination["platforms"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["platform"] == platform))
        .unwrap_or_else(|| panic!("no {platform} in {destination:#}"))
}

#[test]
fn a_two_target_index_is_pushed_attested_and_verified_by_platform_and_by_index() {
    let docker = testbed::docker_open();
    let ferro = testbed::ferro();
    let bench = Bench::new();
    let krate = two_target_build(bench.dir.path());
    let to_docker = docker.reference("targets/multi:v1");
    let to_ferro = ferro.reference("targets/multi:v1");
    let report = attest_index(&bench, &krate, &[&to_docker, &to_ferro]);

    // Both destinations hold the same index, each attached its own way.
    let (d, f) = (
        destination(&report, &to_docker),
        destination(&report, &to_ferro),
    );
    for dest in [d, f] {
        assert_eq!(dest["outcome"], "pushed", "{report:#}");
        assert_eq!(dest["platforms"].as_array().unwrap().len(), 2, "{dest:#}");
    }
    assert_eq!(d["digest"], f["digest"]);
    assert!(d["attached"]["tag"].is_string(), "tag fallback: {d:#}");
    assert!(f["attached"]["tag"].is_null(), "referrers API: {f:#}");
    for (triple, os_arch) in TARGETS {
        let (dp, fp) = (platform(d, os_arch), platform(f, os_arch));
        assert_eq!(dp["target"], triple);
        assert_eq!(dp["digest"], fp["digest"], "the same manifest everywhere");
        assert!(dp["attached"]["tag"].is_string(), "{dp:#}");
        assert!(fp["attached"]["tag"].is_null(), "{fp:#}");
    }
    check_statements(&bench, &report, &krate, &[&to_docker, &to_ferro]);

    for (reg, reference, dest) in [(docker, &to_docker, d), (ferro, &to_ferro, f)] {
        check_index_with_regctl(&bench, reg, reference, dest);
        check_ours(&bench, &krate, reference, dest);
        check_cosign(&bench, reference, dest);
    }

    // A re-run of the same build attaches nothing again, anywhere.
    let again = attest_index(&bench, &krate, &[&to_docker, &to_ferro]);
    for reference in [&to_docker, &to_ferro] {
        let (before, now) = (
            destination(&report, reference),
            destination(&again, reference),
        );
        assert_eq!(now["digest"], before["digest"]);
        assert_eq!(now["attachedBefore"], true, "{now:#}");
        assert_eq!(now["attestation"], before["attestation"]);
        for (_, os_arch) in TARGETS {
            let p = platform(now, os_arch);
            assert_eq!(p["attachedBefore"], true, "{p:#}");
            assert_eq!(p["attestation"], platform(before, os_arch)["attestation"]);
        }
    }
}

/// Each target's statement names its triple, its own output and its own
/// manifest (under every destination's name); the index's names the index
/// and every target.
fn check_statements(bench: &Bench, report: &Value, krate: &Path, refs: &[&str]) {
    // Bundle paths are shown relative to the working directory, the bench.
    let bundle = |shown: &Value| bench.dir.path().join(shown.as_str().unwrap());
    let index_digest = report["destinations"][0]["digest"].as_str().unwrap();
    let targets = report["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 2, "{report:#}");
    for ((triple, os_arch), target) in TARGETS.iter().zip(targets) {
        assert_eq!(target["target"], *triple);
        assert_eq!(target["platform"], *os_arch);
        let (statement, _) = bundle_payload(&bundle(&target["bundle"]));
        let external = &statement["predicate"]["buildDefinition"]["externalParameters"];
        assert_eq!(external["target"], *triple, "{external:#}");
        assert!(external["targets"].is_null(), "{external:#}");
        let subjects = statement["subject"].as_array().unwrap();
        let lib = sha256(&output(krate, triple));
        assert!(
            subjects
                .iter()
                .any(|s| s["name"] == "libmulti.a" && s["digest"]["sha256"] == lib.as_str()),
            "{triple}'s statement names its own output: {subjects:#?}"
        );
        let (other, _) = TARGETS.iter().find(|(t, _)| t != triple).unwrap();
        let other_lib = sha256(&output(krate, other));
        assert!(
            !subjects
                .iter()
                .any(|s| s["digest"]["sha256"] == other_lib.as_str()),
            "{triple}'s statement names nothing of {other}: {subjects:#?}"
        );
        let manifest = report["destinations"][0]["platforms"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["target"] == *triple)
            .unwrap()["digest"]
            .as_str()
            .unwrap()
            .trim_start_matches("sha256:")
            .to_string();
        for r in refs {
            assert!(
                subjects
                    .iter()
                    .any(|s| s["name"] == *r && s["digest"]["sha256"] == manifest.as_str()),
                "{triple}'s statement names its manifest at {r}: {subjects:#?}"
            );
        }
    }
    let (index, _) = bundle_payload(&bundle(&report["bundle"]));
    let external = &index["predicate"]["buildDefinition"]["externalParameters"];
    assert_eq!(
        external["targets"],
        serde_json::json!([TARGETS[0].0, TARGETS[1].0])
    );
    assert!(external["target"].is_null(), "{external:#}");
    let subjects = index["subject"].as_array().unwrap();
    assert_eq!(subjects.len(), refs.len(), "{subjects:#?}");
    for s in subjects {
        assert_eq!(
            format!("sha256:{}", s["digest"]["sha256"].as_str().unwrap()),
            index_digest
        );
    }
}

/// regctl reads the index: one manifest per platform, the digests the
/// report gave.
fn check_index_with_regctl(bench: &Bench, reg: &testbed::Registry, reference: &str, dest: &Value) {
    let home = bench.dir.path();
    let regctl = regctl(home, reg);
    let out = peer(
        &regctl,
        home,
        &["manifest", "get", "--format", "raw-body", reference],
        &[],
    );
    assert_eq!(out.code, 0, "regctl manifest get: {out:?}");
    let index: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        index["mediaType"],
        "application/vnd.oci.image.index.v1+json"
    );
    let manifests = index["manifests"].as_array().unwrap();
    assert_eq!(manifests.len(), 2, "{index:#}");
    for (triple, os_arch) in TARGETS {
        let (os, arch) = os_arch.split_once('/').unwrap();
        let entry = manifests
            .iter()
            .find(|m| m["platform"]["os"] == os && m["platform"]["architecture"] == arch)
            .unwrap_or_else(|| panic!("no {os_arch} ({triple}) in {index:#}"));
        assert_eq!(entry["digest"], platform(dest, os_arch)["digest"]);
    }
    // regctl picks a platform's manifest from the index itself.
    let out = peer(
        &regctl,
        home,
        &[
            "manifest",
            "get",
            "--platform",
            "linux/arm64",
            "--format",
            "{{.GetDescriptor.Digest}}",
            reference,
        ],
        &[],
    );
    assert_eq!(out.code, 0, "regctl manifest get --platform: {out:?}");
    assert_eq!(out.stdout.trim(), platform(dest, "linux/arm64")["digest"]);
}

/// Our verify and discover, by index and by platform.
fn check_ours(bench: &Bench, krate: &Path, reference: &str, dest: &Value) {
    let by_index = bench
        .run(&["verify", reference, "--key", "k.pub", "--format", "json"])
        .success()
        .json();
    assert_eq!(by_index["digest"], dest["digest"], "{by_index:#}");
    for (triple, os_arch) in TARGETS {
        let expected = platform(dest, os_arch);
        let verified = bench
            .run(&[
                "verify",
                reference,
                "--platform",
                os_arch,
                "--key",
                "k.pub",
                "--format",
                "json",
            ])
            .success()
            .json();
        assert_eq!(verified["digest"], expected["digest"], "{verified:#}");
        assert!(
            verified["attestations"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["digest"] == expected["attestation"] && a["verified"] == true),
            "{verified:#}"
        );
        // The platform's file verifies against that platform's
        // attestation, and not against the other's.
        let lib = output(krate, triple);
        let lib = lib.to_str().unwrap();
        bench
            .run(&[
                "verify",
                lib,
                "--from",
                reference,
                "--platform",
                os_arch,
                "--key",
                "k.pub",
            ])
            .success();
        let (_, other) = TARGETS.iter().find(|(t, _)| *t != triple).unwrap();
        bench
            .run(&[
                "verify",
                lib,
                "--from",
                reference,
                "--platform",
                other,
                "--key",
                "k.pub",
            ])
            .fails_with(5, "is not a subject");
        let found = bench
            .run(&[
                "discover",
                reference,
                "--platform",
                os_arch,
                "--format",
                "json",
            ])
            .success()
            .json();
        assert_eq!(found["subject"]["digest"], expected["digest"]);
        assert!(
            found["referrers"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["digest"] == expected["attestation"]),
            "{found:#}"
        );
    }
    bench
        .run(&["discover", reference, "--platform", "windows/amd64"])
        .fails_with(4, "linux/amd64, linux/arm64");
}

/// cosign v3 and v2 verify every platform's attestation on its digest, and
/// the index's on the tag.
fn check_cosign(bench: &Bench, reference: &str, dest: &Value) {
    let home = tempfile::tempdir().unwrap();
    let repository = reference.rsplit_once(':').unwrap().0;
    let mut subjects = vec![reference.to_string()];
    for (_, os_arch) in TARGETS {
        let digest = platform(dest, os_arch)["digest"].as_str().unwrap();
        subjects.push(format!("{repository}@{digest}"));
    }
    for (name, cosign) in &cosigns() {
        for subject in &subjects {
            let out = cosign_verify(name, cosign, home.path(), &bench.path("k.pub"), subject);
            assert_eq!(out.code, 0, "{name} on {subject}: {}", out.stderr);
        }
    }
}

/// The index's platform manifest PUTs fail at one registry: the other
/// destination is complete, the exit code says one failed, and a re-run
/// finishes the missing one.
#[test]
fn an_index_destination_that_fails_does_not_undo_the_other_and_a_rerun_finishes_it() {
    let docker = testbed::docker_open();
    let ferro = testbed::ferro();
    let proxy = crate::proxy::FaultProxy::start(docker);
    let bench = Bench::new();
    let krate = two_target_build(bench.dir.path());
    let through_proxy = proxy.reference("targets/partial:v1");
    let to_ferro = ferro.reference("targets/partial:v1");
    proxy.add_rules(serde_json::json!([{
        "name": "registry gone", "method": "PUT", "kind": "manifest",
        "nth": 1, "times": -1, "when": "before", "action": {"status": 503}
    }]));
    let (code, report, stderr) = try_attest_index(&bench, &krate, &[&through_proxy, &to_ferro]);
    assert_eq!(
        code, 8,
        "some destinations failed: the registry exit code\n{stderr}"
    );
    assert_eq!(destination(&report, &to_ferro)["outcome"], "pushed");
    let failed = destination(&report, &through_proxy);
    assert_eq!(failed["outcome"], "failed", "{report:#}");
    assert!(failed["platforms"].is_null(), "{failed:#}");
    for os_arch in ["", "linux/amd64", "linux/arm64"] {
        let mut args = vec!["verify", to_ferro.as_str(), "--key", "k.pub"];
        if !os_arch.is_empty() {
            args.extend(["--platform", os_arch]);
        }
        bench.run(&args).success();
    }
    proxy.clear_rules();
    let again = attest_index(&bench, &krate, &[&through_proxy, &to_ferro]);
    let finished = destination(&again, &through_proxy);
    assert_eq!(finished["outcome"], "pushed", "{again:#}");
    assert_eq!(
        finished["digest"],
        destination(&report, &to_ferro)["digest"]
    );
    for os_arch in ["", "linux/amd64", "linux/arm64"] {
        let mut args = vec!["verify", through_proxy.as_str(), "--key", "k.pub"];
        if !os_arch.is_empty() {
            args.extend(["--platform", os_arch]);
        }
        bench.run(&args).success();
    }
    assert_eq!(destination(&again, &to_ferro)["attachedBefore"], true);
}

#[test]
fn a_triple_without_an_oci_platform_is_refused_before_anything_is_built_or_pushed() {
    let bench = Bench::new();
    let out = bench.run(&[
        "--target",
        "x86_64-unknown-linux-gnu",
        "--target",
        "thumbv7em-none-eabihf",
        "--key",
        "k.pem",
        "--push",
        "127.0.0.1:1/never/contacted:v1",
    ]);
    out.fails_with(2, "thumbv7em-none-eabihf");
    // Two triples for one platform: an index holds one manifest for it.
    let out = bench.run(&[
        "--target",
        "x86_64-unknown-linux-gnu",
        "--target",
        "x86_64-unknown-linux-musl",
        "--key",
        "k.pem",
    ]);
    out.fails_with(2, "linux/amd64");
}

/// Keyless, in a simulated GitLab CI job: one certificate signs every
/// target's statement and the index's, each records the certified job as
/// its builder, and each platform verifies by identity. Runs the local
/// Sigstore stack: `flock /tmp/sigstore-stack.lock cargo test ...`.
#[test]
fn keyless_multi_target_statements_share_the_certified_builder_and_verify_by_identity() {
    const IDENTITY: &str = "https://gitlab.com/acme/widget//.gitlab-ci.yml@refs/heads/main";
    let stack = crate::sigstore_stack::sigstore_stack();
    let ferro = testbed::ferro();
    let bench = Bench::new();
    let krate = two_target_build(bench.dir.path());
    let token = stack.gitlab_token();
    let reference = ferro.reference("targets/keyless:v1");
    let manifest = krate.join("Cargo.toml");
    let out_dir = bench.path("bundles");
    std::fs::create_dir_all(&out_dir).unwrap();
    let mut args = vec![
        "--manifest-path",
        manifest.to_str().unwrap(),
        "--signing-config",
        stack.signing_config_without_rekor.to_str().unwrap(),
        "-o",
        out_dir.to_str().unwrap(),
        "--push",
        &reference,
        "--format",
        "json",
    ];
    for (triple, _) in TARGETS {
        args.extend(["--target", triple]);
    }
    let job_url = "https://gitlab.com/acme/widget/-/jobs/1234567890";
    let report = bench
        .cmd(&args)
        .env("CI", "true")
        .env("GITLAB_CI", "true")
        .env("CI_SERVER_URL", "https://gitlab.com")
        .env("CI_PROJECT_PATH", "acme/widget")
        .env("CI_JOB_URL", job_url)
        .env("SIGSTORE_ID_TOKEN", &token.jwt)
        .run()
        .success()
        .json();
    assert_eq!(report["certificate"]["identity"], IDENTITY, "{report:#}");
    let shown: Vec<&str> = report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["bundle"].as_str().unwrap())
        .chain([report["bundle"].as_str().unwrap()])
        .collect();
    assert_eq!(shown.len(), 3);
    for bundle in shown {
        let (statement, _) = bundle_payload(&bench.dir.path().join(bundle));
        let run = &statement["predicate"]["runDetails"];
        assert_eq!(run["metadata"]["invocationId"], job_url, "{bundle}");
        assert_eq!(
            run["builder"]["id"],
            format!("https://{}", &IDENTITY[8..]),
            "{bundle}"
        );
    }
    let identity = [
        "--trusted-root",
        stack.trusted_root_without_rekor.to_str().unwrap(),
        "--certificate-identity",
        IDENTITY,
        "--certificate-oidc-issuer",
        &stack.gitlab_issuer_url,
    ];
    let dest = destination(&report, &reference);
    let mut by_index = vec!["verify", reference.as_str()];
    by_index.extend(identity);
    bench.run(&by_index).success();
    for (_, os_arch) in TARGETS {
        let mut by_platform = vec!["verify", reference.as_str(), "--platform", os_arch];
        by_platform.extend(identity);
        by_platform.extend(["--format", "json"]);
        let verified = bench.run(&by_platform).success().json();
        assert_eq!(verified["digest"], platform(dest, os_arch)["digest"]);
    }
}
