//! One signature, many destinations: `cargo attest --push A --push B`
//! pushes the same artifact to every registry at once, each attached the
//! way that registry supports, with one report; a destination that fails
//! does not undo the others, and a re-run finishes the missing one.

use serde_json::{Value, json};

use crate::attach::Bench;
use crate::proxy::FaultProxy;
use crate::testbed;

/// `cargo attest` of `app.bin` to every REF in `refs`, signed with the
/// bench's key; the JSON report and the exit code.
fn attest_to(bench: &Bench, refs: &[&str]) -> (i32, Value, String) {
    let mut args = vec![
        "--subject-path",
        "app.bin",
        "--key",
        "k.pem",
        "-o",
        "app.sigstore.json",
        "--format",
        "json",
    ];
    for r in refs {
        args.extend(["--push", r]);
    }
    // A fixed build time: the same build gives the same statement, which
    // is how a re-run recognises what it attached before.
    let out = crate::support::attest(&args)
        .env("CARGO_ATTEST_CACHE_DIR", bench.path("cache"))
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .cwd(bench.dir.path())
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

fn ours_verify(bench: &Bench, reference: &str) {
    bench
        .run(&["verify", reference, "--key", "k.pub"])
        .success();
}

#[test]
fn one_run_pushes_to_a_tag_fallback_registry_and_a_referrers_api_registry() {
    let docker = testbed::docker_open();
    let ferro = testbed::ferro();
    let bench = Bench::new();
    std::fs::write(bench.path("app.bin"), b"one artifact, two registries").unwrap();
    let to_docker = docker.reference("multi/app:v1");
    let to_ferro = ferro.reference("multi/app:v1");
    let (code, report, stderr) = attest_to(&bench, &[&to_docker, &to_ferro]);
    assert_eq!(code, 0, "{stderr}");
    let (d, f) = (
        destination(&report, &to_docker),
        destination(&report, &to_ferro),
    );
    assert_eq!(d["outcome"], "pushed", "{report:#}");
    assert_eq!(f["outcome"], "pushed", "{report:#}");
    // The same artifact everywhere, each attached its own way.
    assert_eq!(d["digest"], f["digest"]);
    assert!(
        d["attached"]["tag"].is_string(),
        "docker-registry has no referrers API: the tag fallback: {d:#}"
    );
    assert!(
        f["attached"]["tag"].is_null(),
        "ferro-oci-server serves the referrers API: no tag: {f:#}"
    );
    assert_ne!(d["attached"]["method"], f["attached"]["method"]);
    // One statement names both destinations.
    let names: Vec<&str> = report["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert!(names.contains(&to_docker.as_str()) && names.contains(&to_ferro.as_str()));
    // The human report is a table naming both, with their methods.
    let human = bench.run(&[
        "--subject-path",
        "app.bin",
        "--key",
        "k.pem",
        "-o",
        "app2.sigstore.json",
        "--push",
        &docker.reference("multi/human:v1"),
        "--push",
        &ferro.reference("multi/human:v1"),
    ]);
    human.success();
    assert!(
        human.stdout.contains("DESTINATION") && human.stdout.contains("referrers"),
        "{}",
        human.stdout
    );
    for reference in [&to_docker, &to_ferro] {
        ours_verify(&bench, reference);
    }
    let cosigns = crate::interop::cosigns();
    let home = tempfile::tempdir().unwrap();
    for (name, cosign) in &cosigns {
        for reference in [&to_docker, &to_ferro] {
            let out = crate::interop::cosign_verify(
                name,
                cosign,
                home.path(),
                &bench.path("k.pub"),
                reference,
            );
            assert_eq!(out.code, 0, "{name} on {reference}: {}", out.stderr);
        }
    }
}

#[test]
fn a_destination_that_fails_mid_run_does_not_undo_the_other_and_a_rerun_finishes_it() {
    let docker = testbed::docker_open();
    let ferro = testbed::ferro();
    let proxy = FaultProxy::start(docker);
    let bench = Bench::new();
    std::fs::write(bench.path("app.bin"), b"a registry dies mid-run").unwrap();
    let through_proxy = proxy.reference("partial/app:v1");
    let to_ferro = ferro.reference("partial/app:v1");
    // The destination check (GET /v2/) passes; then every manifest PUT
    // fails, as a registry that went away mid-run.
    proxy.add_rules(json!([{
        "name": "registry gone", "method": "PUT", "kind": "manifest",
        "nth": 1, "times": -1, "when": "before", "action": {"status": 503}
    }]));
    let (code, report, stderr) = attest_to(&bench, &[&through_proxy, &to_ferro]);
    assert_eq!(
        code, 8,
        "some destinations failed: the registry exit code\n{stderr}"
    );
    assert_eq!(destination(&report, &to_ferro)["outcome"], "pushed");
    let failed = destination(&report, &through_proxy);
    assert_eq!(failed["outcome"], "failed", "{report:#}");
    assert!(
        failed["error"].as_str().unwrap_or("").contains("503"),
        "{failed:#}"
    );
    // The other destination is complete: artifact and attestation.
    ours_verify(&bench, &to_ferro);
    // Its bundle was written: it describes an artifact that exists.
    assert!(bench.path("app.sigstore.json").is_file());
    // The registry is back: a re-run finishes the missing destination.
    proxy.clear_rules();
    let uploads_before = proxy.count("PATCH upload") + proxy.count("PUT upload");
    let first_ferro = destination(&report, &to_ferro)["attestation"].clone();
    let (code, report, stderr) = attest_to(&bench, &[&through_proxy, &to_ferro]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(destination(&report, &through_proxy)["outcome"], "pushed");
    ours_verify(&bench, &through_proxy);
    ours_verify(&bench, &to_ferro);
    // Only what was missing: the artifact's blobs went up in the first run,
    // so the re-run uploads just the attestation's bundle there...
    assert_eq!(
        proxy.count("PATCH upload") + proxy.count("PUT upload"),
        uploads_before + 1,
        "{}",
        proxy.counts()
    );
    // ...and where the same attestation is attached already, nothing.
    let again = destination(&report, &to_ferro);
    assert_eq!(again["attachedBefore"], true, "{again:#}");
    assert_eq!(again["attestation"], first_ferro);
    let listed = bench
        .run(&["discover", &to_ferro, "--format", "json"])
        .success()
        .json();
    let attestations: Vec<&Value> = listed["referrers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["artifactType"] == BUNDLE_TYPE)
        .collect();
    assert_eq!(
        attestations.len(),
        1,
        "attached once, not per run: {listed:#}"
    );
}

const BUNDLE_TYPE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";

#[test]
fn push_file_lists_destinations_and_a_bad_one_refuses_the_whole_run() {
    let docker = testbed::docker_open();
    let bench = Bench::new();
    std::fs::write(bench.path("app.bin"), b"from a file of references").unwrap();
    let list = format!(
        "# release destinations\n{}\n\n{}\n{}\n",
        docker.reference("listed/a:v1"),
        docker.reference("listed/b:v1"),
        docker.reference("listed/a:v1"),
    );
    std::fs::write(bench.path("refs.txt"), list).unwrap();
    let out = bench.run(&[
        "--subject-path",
        "app.bin",
        "--key",
        "k.pem",
        "-o",
        "app.sigstore.json",
        "--push-file",
        "refs.txt",
        "--format",
        "json",
    ]);
    let report = out.success().json();
    assert_eq!(
        report["destinations"].as_array().map(Vec::len),
        Some(2),
        "a repeated REF is pushed once: {report:#}"
    );
    // One bad REF among good ones: nothing is signed or written.
    let out = bench.run(&[
        "--subject-path",
        "app.bin",
        "--key",
        "k.pem",
        "-o",
        "bad.sigstore.json",
        "--push",
        &docker.reference("listed/c:v1"),
        "--push",
        &format!("{}/listed/d@sha256:{}", docker.host, "e".repeat(64)),
    ]);
    out.fails_with(2, "not a digest");
    assert!(!bench.path("bad.sigstore.json").exists());
}
