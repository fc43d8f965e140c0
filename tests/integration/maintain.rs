//! prune and migrate against real registries and an OCI layout.

use std::collections::BTreeSet;

use crate::attach::{Bench, api_entries, fallback_entries, fallback_tags, tags};
use crate::testbed::{self, http};

/// Human output, with digests, hosts and key ids redacted.
pub fn snapshot(name: &str, text: &str) {
    insta::with_settings!({filters => vec![
        (r"sha256[:-][0-9a-f]{64}", "[DIGEST]"),
        (r"127\.0\.0\.1:\d+", "[REGISTRY]"),
        (r"key [0-9a-f]{64}", "key [KEY]"),
        (r"https://cargo-attest\.dev/builders/[a-z0-9/_-]+", "[BUILDER]"),
    ]}, {
        insta::assert_snapshot!(name, text);
    });
}

fn set(v: &serde_json::Value, kind: &str) -> BTreeSet<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == kind)
        .map(|i| i["reference"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn prune_removes_exactly_what_outlived_its_subject() {
    let reg = testbed::docker_open();
    let bench = Bench::new();
    let repo = "prune/app";
    let mut subjects = Vec::new();
    let mut attestations = Vec::new();
    for name in ["a", "b", "c"] {
        let reference = format!("{}/{repo}:{name}", reg.host);
        let subject = bench.subject(&reference);
        let report = bench.attach(&reference, &bench.bundle(&format!("p{name}")), &[]);
        assert_eq!(report["method"], "tag-fallback");
        subjects.push(subject);
        attestations.push(report["attestation"].as_str().unwrap().to_string());
    }
    // Delete images a and b by digest.
    for subject in &subjects[..2] {
        let r = http(
            "DELETE",
            &format!("{}/v2/{repo}/manifests/{subject}", reg.url()),
            &[],
            None,
            None,
        );
        assert_eq!(r.status, 202, "{}", r.text());
    }
    let target = format!("{}/{repo}", reg.host);
    let dry = bench
        .run(&["prune", &target, "--format", "json"])
        .success()
        .json();
    assert_eq!(dry["dryRun"], true);
    let want_tags: BTreeSet<String> = subjects[..2].iter().map(|s| s.replace(':', "-")).collect();
    let want_attestations: BTreeSet<String> = attestations[..2].iter().cloned().collect();
    assert_eq!(set(&dry, "orphaned-tag"), want_tags, "{dry}");
    assert_eq!(set(&dry, "attestation"), want_attestations, "{dry}");
    assert_eq!(
        dry["items"].as_array().unwrap().len(),
        4,
        "nothing else: {dry}"
    );
    // The dry run changed nothing.
    assert_eq!(fallback_tags(reg, repo).len(), 3);
    snapshot(
        "prune-dry-run",
        &bench.run(&["prune", &target]).success().stdout,
    );

    let done = bench
        .run(&["prune", &target, "--yes", "--format", "json"])
        .success()
        .json();
    assert!(
        done["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["action"] == "removed"),
        "{done}"
    );
    let remaining = fallback_tags(reg, repo);
    assert_eq!(remaining, [subjects[2].replace(':', "-")]);
    for d in &attestations[..2] {
        let r = http(
            "HEAD",
            &format!("{}/v2/{repo}/manifests/{d}", reg.url()),
            &["Accept: application/vnd.oci.image.manifest.v1+json"],
            None,
            None,
        );
        assert_eq!(r.status, 404, "{d} still there");
    }
    // The third image is untouched: tag, index, attestation.
    assert!(tags(reg, repo).contains(&"c".to_string()));
    assert_eq!(
        fallback_entries(reg, repo, &subjects[2]),
        [attestations[2].clone()]
    );
    {
        let oras = testbed::oras();
        let out = crate::support::run(
            oras.to_str().unwrap(),
            &[
                "discover",
                "--plain-http",
                "--format",
                "json",
                &format!("{}/{repo}:c", reg.host),
            ],
            None,
        );
        assert!(
            out.stdout.contains(&attestations[2]),
            "oras discover: {}{}",
            out.stdout,
            out.stderr
        );
    }
    // A second prune finds nothing.
    let again = bench
        .run(&["prune", &target, "--format", "json"])
        .success()
        .json();
    assert!(again["items"].as_array().unwrap().is_empty(), "{again}");
    let text = bench.run(&["prune", &target]).success().stdout.clone();
    assert!(text.contains("Nothing to prune"), "{text}");
}

#[test]
fn prune_removes_superseded_fallback_indexes_only() {
    let reg = testbed::docker_open();
    let bench = Bench::new();
    let repo = "prune/superseded";
    let reference = format!("{}/{repo}:v1", reg.host);
    let subject = bench.subject(&reference);
    bench.attach(&reference, &bench.bundle("s1"), &[]);
    bench.attach(&reference, &bench.bundle("s2"), &[]);
    let target = format!("{}/{repo}", reg.host);
    let dry = bench
        .run(&["prune", &target, "--format", "json"])
        .success()
        .json();
    assert_eq!(set(&dry, "superseded-index").len(), 1, "{dry}");
    assert_eq!(dry["items"].as_array().unwrap().len(), 1, "{dry}");
    bench.run(&["prune", &target, "--yes"]).success();
    assert_eq!(
        fallback_entries(reg, repo, &subject).len(),
        2,
        "the current index lost entries"
    );
    let again = bench
        .run(&["prune", &target, "--format", "json"])
        .success()
        .json();
    assert!(again["items"].as_array().unwrap().is_empty(), "{again}");
}

#[test]
fn migrate_moves_fallback_referrers_to_the_api() {
    let reg = testbed::ferro();
    let proxy = crate::proxy::FaultProxy::start(reg);
    // Through the proxy ferro looks API-less: fallback state is made.
    proxy.configure(false, true, "404");
    let bench = Bench::new();
    let repo = "migrate/app";
    let mut subjects = Vec::new();
    let mut attestations = Vec::new();
    for name in ["x", "y"] {
        let via_proxy = format!("{}/{repo}:{name}", proxy.host);
        let subject = bench.subject(&via_proxy);
        let mut mine = Vec::new();
        for i in 0..2 {
            let report = bench.attach(&via_proxy, &bench.bundle(&format!("m{name}{i}")), &[]);
            assert_eq!(report["method"], "tag-fallback", "{report}");
            mine.push(report["attestation"].as_str().unwrap().to_string());
        }
        subjects.push(subject);
        attestations.push(mine);
    }
    // A subject whose fallback index lists a manifest that is not one of its
    // referrers (here: another image, which has no subject): the API can
    // never list it, even re-pushed, so the tag must stay.
    let z = format!("{}/{repo}:z", reg.host);
    let z_subject = bench.subject(&z);
    let ghost = subjects[0].clone();
    let index = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": ghost,
            "size": 500,
            "artifactType": "application/vnd.dev.sigstore.bundle.v0.3+json"
        }]
    });
    let put = http(
        "PUT",
        &format!(
            "{}/v2/{repo}/manifests/{}",
            reg.url(),
            z_subject.replace(':', "-")
        ),
        &["Content-Type: application/vnd.oci.image.index.v1+json"],
        Some(index.to_string().as_bytes()),
        None,
    );
    assert!(put.status == 201 || put.status == 200, "{}", put.text());
    assert_eq!(fallback_tags(reg, repo).len(), 3);

    // Directly against ferro, whose API works.
    let target = format!("{}/{repo}", reg.host);
    let dry = bench
        .run(&["migrate", &target, "--format", "json"])
        .success()
        .json();
    let actions: Vec<(String, String)> = dry["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["subject"].as_str().unwrap().to_string(),
                s["action"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        actions.contains(&(subjects[0].clone(), "would remove tag".into())),
        "{dry}"
    );
    assert!(
        actions.contains(&(subjects[1].clone(), "would remove tag".into())),
        "{dry}"
    );
    assert!(
        actions.contains(&(z_subject.clone(), "kept".into())),
        "{dry}"
    );
    assert_eq!(
        fallback_tags(reg, repo).len(),
        3,
        "the dry run changed something"
    );
    // Subjects come in tag order, which follows random digests: sort lines.
    let text = bench.run(&["migrate", &target]).success().stdout.clone();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort();
    snapshot("migrate-dry-run", &lines.join("\n"));

    let done = bench
        .run(&["migrate", &target, "--yes", "--format", "json"])
        .success()
        .json();
    assert_eq!(
        fallback_tags(reg, repo),
        [z_subject.replace(':', "-")],
        "{done}"
    );
    for (subject, mine) in subjects.iter().zip(&attestations) {
        let listed = api_entries(reg, repo, subject);
        for d in mine {
            assert!(
                listed.contains(d),
                "{d} not listed by the API after migrate"
            );
        }
    }
    let kept = done["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["subject"] == z_subject.as_str())
        .unwrap();
    assert!(kept["message"].as_str().unwrap().contains(&ghost), "{kept}");
}

#[test]
fn prune_and_migrate_in_an_oci_layout() {
    let bench = Bench::new();
    bench.subject("maint:keep");
    let keep = bench.attach("maint:keep", &bench.bundle("k1"), &[]);
    std::fs::write(bench.path("gone.bin"), b"gone").unwrap();
    let gone_digest = bench
        .run(&["push", "maint:gone", "gone.bin", "--format", "json"])
        .success()
        .json()["digest"]
        .as_str()
        .unwrap()
        .to_string();
    let gone = bench.attach("maint:gone", &bench.bundle("g1"), &[]);
    // "Delete" the image: drop it from index.json.
    let index_path = bench.path("target/oci/maint/index.json");
    let mut index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&index_path).unwrap()).unwrap();
    index["manifests"]
        .as_array_mut()
        .unwrap()
        .retain(|m| m["digest"] != gone_digest.as_str());
    std::fs::write(&index_path, index.to_string()).unwrap();

    let dry = bench
        .run(&["prune", "maint", "--format", "json"])
        .success()
        .json();
    assert_eq!(
        set(&dry, "attestation"),
        BTreeSet::from([gone["attestation"].as_str().unwrap().to_string()]),
        "{dry}"
    );
    bench.run(&["prune", "maint", "--yes"]).success();
    let after = bench
        .run(&["discover", "maint:keep", "--format", "json"])
        .success()
        .json();
    assert_eq!(after["referrers"][0]["digest"], keep["attestation"]);
    let again = bench
        .run(&["prune", "maint", "--format", "json"])
        .success()
        .json();
    assert!(again["items"].as_array().unwrap().is_empty());
    let migrate = bench
        .run(&["migrate", "maint", "--format", "json"])
        .success()
        .json();
    assert!(
        migrate["subjects"].as_array().unwrap().is_empty(),
        "{migrate}"
    );
}

#[test]
fn prune_reports_registries_that_refuse_delete_and_keeps_going() {
    let reg = testbed::docker_no_delete();
    let bench = Bench::new();
    let repo = "prune/nodelete";
    let reference = format!("{}/{repo}:v1", reg.host);
    bench.subject(&reference);
    let report = bench.attach(&reference, &bench.bundle("nd"), &[]);
    let attestation = report["attestation"].as_str().unwrap().to_string();
    // Two fallback tags for subjects that do not exist (this registry
    // cannot delete, so orphans are made by hand).
    for fake in ["1", "2"] {
        let index = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": attestation, "size": 1}],
            "annotations": {"n": fake}
        });
        let tag = format!("sha256-{}", fake.repeat(64));
        let put = http(
            "PUT",
            &format!("{}/v2/{repo}/manifests/{tag}", reg.url()),
            &["Content-Type: application/vnd.oci.image.index.v1+json"],
            Some(index.to_string().as_bytes()),
            None,
        );
        assert_eq!(put.status, 201, "{}", put.text());
    }
    let target = format!("{}/{repo}", reg.host);
    let out = bench.run(&["prune", &target, "--yes", "--format", "json"]);
    out.fails_with(8, "could not be removed");
    let v = out.json();
    let items = v["items"].as_array().unwrap();
    // The attestation's own subject exists: it is not listed, only the tags.
    assert_eq!(items.len(), 2, "{v}");
    for it in items {
        assert_eq!(it["kind"], "orphaned-tag");
        assert_eq!(it["action"], "refused", "{it}");
        assert!(
            it["message"]
                .as_str()
                .unwrap()
                .contains("storage.delete.enabled"),
            "{it}"
        );
    }
    assert_eq!(fallback_tags(reg, repo).len(), 3, "nothing may change");
}
