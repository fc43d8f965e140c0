//! Release pipelines at scale: one bundle attached to many images
//! (`attach --subjects`), many bundles verified in one call (`verify
//! --bundle` with gh's JSON lines or a directory), and `repair` of fallback
//! indexes that other tools wrote without artifactType or annotations.

use std::path::PathBuf;

use crate::attach::{Bench, fallback_entries};
use crate::testbed;

/// Pushes one subject per name to `{host}/many/{name}:v1`; returns each
/// reference (by tag) and digest.
fn images(bench: &Bench, host: &str, names: &[&str]) -> Vec<(String, String)> {
    names
        .iter()
        .map(|name| {
            let reference = format!("{host}/many/{name}:v1");
            let digest = bench.subject(&reference);
            (reference, digest)
        })
        .collect()
}

/// A bundle (signed with the bench key) whose statement names `images`.
fn bundle_naming(bench: &Bench, name: &str, images: &[(String, String)]) -> PathBuf {
    let sums: String = images
        .iter()
        .map(|(reference, digest)| {
            format!("{}  {reference}\n", digest.trim_start_matches("sha256:"))
        })
        .collect();
    std::fs::write(bench.path(&format!("{name}.sums")), sums).unwrap();
    let bundle = bench.path(&format!("{name}.sigstore.json"));
    bench
        .run(&[
            "--subject-checksums",
            &format!("{name}.sums"),
            "--key",
            "k.pem",
            "-o",
            bundle.to_str().unwrap(),
        ])
        .success();
    bundle
}

#[test]
fn attach_subjects_attaches_one_bundle_to_three_images_and_reports_each() {
    let Some(reg) = testbed::docker_open() else {
        return;
    };
    let bench = Bench::new();
    let three = images(&bench, &reg.host, &["one", "two", "three"]);
    let bundle = bundle_naming(&bench, "release", &three);
    // Both line forms: pinned references, and GoReleaser's digests.txt
    // (`sha256:<hex>  NAME[:TAG]`).
    let (one, two, three_) = (&three[0], &three[1], &three[2]);
    let name_of = |r: &str| r.trim_end_matches(":v1").to_string();
    let list = format!(
        "# release\n{}@{}\n{}  {}\n{}  {}\n",
        name_of(&one.0),
        one.1,
        two.1,
        two.0,
        three_.1,
        name_of(&three_.0)
    );
    std::fs::write(bench.path("subjects.txt"), list).unwrap();
    let report = bench
        .run(&[
            "attach",
            "--subjects",
            "subjects.txt",
            "--bundle",
            bundle.to_str().unwrap(),
            "--format",
            "json",
        ])
        .success()
        .json();
    let outcomes = report.as_array().expect("a JSON array, one per subject");
    assert_eq!(outcomes.len(), 3, "{report:#}");
    for ((reference, digest), outcome) in three.iter().zip(outcomes) {
        assert_eq!(outcome["attached"], true, "{outcome:#}");
        assert_eq!(
            outcome["reference"],
            format!("{}@{digest}", name_of(reference))
        );
        assert_eq!(outcome["attach"]["subject"], digest.as_str());
        assert_eq!(outcome["attach"]["method"], "tag-fallback");
        let repo = reference
            .trim_start_matches(&format!("{}/", reg.host))
            .trim_end_matches(":v1");
        assert!(
            fallback_entries(reg, repo, digest).contains(
                &outcome["attach"]["attestation"]
                    .as_str()
                    .unwrap()
                    .to_string()
            )
        );
        bench
            .run(&["verify", reference, "--key", "k.pem"])
            .success();
    }
}

#[test]
fn attach_subjects_goes_on_after_a_failure_and_exits_with_it() {
    let Some(reg) = testbed::docker_open() else {
        return;
    };
    let bench = Bench::new();
    let named = images(&bench, &reg.host, &["named"]);
    let other = images(&bench, &reg.host, &["unnamed"]);
    let bundle = bundle_naming(&bench, "partial", &named);
    // The subject the bundle does not name comes first: the named one after
    // it must still be attached.
    let list = format!(
        "{}  {}\n{}  {}\n",
        other[0].1, other[0].0, named[0].1, named[0].0
    );
    std::fs::write(bench.path("subjects.txt"), list).unwrap();
    let args = [
        "attach",
        "--subjects",
        "subjects.txt",
        "--bundle",
        bundle.to_str().unwrap(),
    ];
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let out = bench.run(&json_args);
    out.fails_with(4, "does not name");
    let report = out.json();
    assert_eq!(report[0]["attached"], false, "{report:#}");
    assert_eq!(report[0]["error"]["exitCode"], 4);
    assert_eq!(report[1]["attached"], true, "{report:#}");
    bench
        .run(&["verify", &named[0].0, "--key", "k.pem"])
        .success();
    let text = bench.run(&args);
    text.fails_with(4, "does not name");
    assert!(text.stdout.contains("FAILED"), "{}", text.stdout);
    assert!(
        text.stdout.contains("to 1 of 2 subjects; 1 failed"),
        "{}",
        text.stdout
    );
}
