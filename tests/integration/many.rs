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
    let reg = testbed::docker_open();
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
    let reg = testbed::docker_open();
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

const BUNDLE_TYPE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
const INDEX_TYPE: &str = "application/vnd.oci.image.index.v1+json";

/// The fallback index exactly as go-containerregistry 0.20 writes it
/// (pkg/v1/remote/write.go, `commitSubjectReferrers`): `json.Marshal` of a
/// `v1.IndexManifest` {schemaVersion 2, mediaType the OCI index type}
/// whose `v1.Descriptor` entries carry `mediaType`, `size` and `digest` in
/// that field order and nothing else (no artifactType, no annotations:
/// Go's omitempty drops them), sorted by digest, no trailing newline.
fn ggcr_0_20_index(entries: &[(String, u64)]) -> Vec<u8> {
    let mut sorted = entries.to_vec();
    sorted.sort();
    let manifests: Vec<String> = sorted
        .iter()
        .map(|(digest, size)| {
            format!(
                r#"{{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":{size},"digest":"{digest}"}}"#
            )
        })
        .collect();
    format!(
        r#"{{"schemaVersion":2,"mediaType":"{INDEX_TYPE}","manifests":[{}]}}"#,
        manifests.join(",")
    )
    .into_bytes()
}

fn get_tag(reg: &testbed::Registry, repo: &str, tag: &str) -> testbed::HttpResponse {
    let r = testbed::http(
        "GET",
        &format!("{}/v2/{repo}/manifests/{tag}", reg.url()),
        &[&format!("Accept: {INDEX_TYPE}")],
        None,
        None,
    );
    assert_eq!(r.status, 200, "{tag}: {}", r.text());
    r
}

/// oras's view with an artifactType filter (oras-go filters fallback-index
/// entries by their own artifactType).
fn oras_discover_typed(reference: &str) -> String {
    let oras = testbed::oras();
    let out = crate::support::run(
        oras.to_str().unwrap(),
        &[
            "discover",
            "--plain-http",
            "--format",
            "json",
            "--artifact-type",
            BUNDLE_TYPE,
            reference,
        ],
        None,
    );
    assert_eq!(out.code, 0, "oras discover: {}{}", out.stdout, out.stderr);
    out.stdout
}

/// Rewrites the fallback tag `tag` with the same entries as
/// go-containerregistry 0.20 would have written them; returns the bytes.
fn as_ggcr_wrote_it(reg: &testbed::Registry, repo: &str, tag: &str) -> Vec<u8> {
    let sizes: Vec<(String, u64)> = get_tag(reg, repo, tag).json()["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["digest"].as_str().unwrap().to_string(),
                m["size"].as_u64().unwrap(),
            )
        })
        .collect();
    let fixture = ggcr_0_20_index(&sizes);
    let put = testbed::http(
        "PUT",
        &format!("{}/v2/{repo}/manifests/{tag}", reg.url()),
        &[&format!("Content-Type: {INDEX_TYPE}")],
        Some(&fixture),
        None,
    );
    assert_eq!(put.status, 201, "{}", put.text());
    assert_eq!(get_tag(reg, repo, tag).body, fixture);
    fixture
}

#[test]
fn ggcr_fixture_has_go_s_exact_bytes() {
    let d = |c: char| format!("sha256:{}", std::iter::repeat_n(c, 64).collect::<String>());
    let bytes = ggcr_0_20_index(&[(d('b'), 7), (d('a'), 513)]);
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":513,"digest":"{}"}},{{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":7,"digest":"{}"}}]}}"#,
            d('a'),
            d('b')
        )
    );
}

#[test]
fn repair_racing_attaches_loses_nothing() {
    let reg = testbed::docker_open();
    let bench = Bench::new();
    let repo = "repair/race";
    let bundles: Vec<PathBuf> = (0..10).map(|i| bench.bundle(&format!("q{i}"))).collect();
    let bin = env!("CARGO_BIN_EXE_cargo-attest");
    for round in 0..3 {
        let reference = format!("{}/{repo}:r{round}", reg.host);
        let subject = bench.subject(&reference);
        let tag = subject.replace(':', "-");
        let mut old = Vec::new();
        for b in &bundles[..4] {
            let r = bench.attach(&reference, b, &["--attach", "tag"]);
            old.push(r["attestation"].as_str().unwrap().to_string());
        }
        as_ggcr_wrote_it(reg, repo, &tag);
        let spawn = |args: &[&str]| {
            std::process::Command::new(bin)
                .args(args)
                .env("CARGO_ATTEST_CACHE_DIR", bench.path("cache"))
                .current_dir(bench.dir.path())
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let repair = spawn(&["repair", &reference, "--yes", "--format", "json"]);
        let attaches: Vec<_> = bundles[4..]
            .iter()
            .map(|b| {
                spawn(&[
                    "attach",
                    &reference,
                    "--bundle",
                    b.to_str().unwrap(),
                    "--force",
                    "--attach",
                    "tag",
                    "--format",
                    "json",
                ])
            })
            .collect();
        let mut new = Vec::new();
        for child in attaches {
            let out = child.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "round {round}: {err}");
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            new.push(v["attestation"].as_str().unwrap().to_string());
        }
        let out = repair.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "round {round}: repair: {err}");
        let index = get_tag(reg, repo, &tag).json();
        let entries = index["manifests"].as_array().unwrap();
        for d in old.iter().chain(&new) {
            let e = entries
                .iter()
                .find(|e| e["digest"] == d.as_str())
                .unwrap_or_else(|| panic!("round {round}: {d} lost: {index:#}"));
            assert_eq!(e["artifactType"], BUNDLE_TYPE, "round {round}: {e:#}");
        }
        assert_eq!(entries.len(), 10, "round {round}: {index:#}");
    }
}

#[test]
fn repair_fills_in_an_index_go_containerregistry_wrote_and_loses_nothing() {
    let reg = testbed::docker_open();
    let bench = Bench::new();
    let repo = "repair/ggcr";
    let reference = format!("{}/{repo}:v1", reg.host);
    let subject = bench.subject(&reference);
    let tag = subject.replace(':', "-");
    let mut live = Vec::new();
    for i in 0..4 {
        let report = bench.attach(
            &reference,
            &bench.bundle(&format!("r{i}")),
            &["--attach", "tag"],
        );
        live.push(report["attestation"].as_str().unwrap().to_string());
    }
    // The tag as go-containerregistry 0.20 leaves it, then one of its
    // attestation manifests deleted: an entry to drop.
    let fixture = as_ggcr_wrote_it(reg, repo, &tag);
    let gone = live.pop().unwrap();
    let del = testbed::http(
        "DELETE",
        &format!("{}/v2/{repo}/manifests/{gone}", reg.url()),
        &[],
        None,
        None,
    );
    assert_eq!(del.status, 202, "{}", del.text());
    {
        let before = oras_discover_typed(&reference);
        for d in &live {
            assert!(
                !before.contains(d.as_str()),
                "oras found {d} before repair: {before}"
            );
        }
    }

    // Dry run: reports, changes nothing.
    let target = format!("{}/{repo}", reg.host);
    let dry = bench
        .run(&["repair", &target, "--format", "json"])
        .success()
        .json();
    assert_eq!(dry["dryRun"], true);
    let t = &dry["tags"][0];
    assert_eq!(t["tag"], tag.as_str(), "{dry:#}");
    assert_eq!(t["action"], "would repair");
    assert_eq!(t["fixed"].as_array().unwrap().len(), 3, "{dry:#}");
    assert_eq!(t["dropped"], serde_json::json!([gone]));
    assert_eq!(get_tag(reg, repo, &tag).body, fixture, "a dry run wrote");

    // --yes: every live entry filled in from its manifest, none lost.
    let text = bench
        .run(&["repair", &target, "--yes"])
        .success()
        .stdout
        .clone();
    assert!(text.contains("repaired"), "{text}");
    let index = get_tag(reg, repo, &tag).json();
    let entries = index["manifests"].as_array().unwrap();
    let mut digests: Vec<String> = entries
        .iter()
        .map(|e| e["digest"].as_str().unwrap().to_string())
        .collect();
    digests.sort();
    let mut want = live.clone();
    want.sort();
    assert_eq!(digests, want, "{index:#}");
    for e in entries {
        assert_eq!(e["artifactType"], BUNDLE_TYPE, "{e:#}");
        assert_eq!(
            e["annotations"]["dev.sigstore.bundle.content"],
            "dsse-envelope"
        );
        assert_eq!(
            e["annotations"]["dev.sigstore.bundle.predicateType"],
            "https://slsa.dev/provenance/v1"
        );
    }
    let found = bench
        .run(&[
            "discover",
            &reference,
            "--artifact-type",
            BUNDLE_TYPE,
            "--format",
            "json",
        ])
        .success()
        .json();
    let mut seen: Vec<String> = found["referrers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["digest"].as_str().unwrap().to_string())
        .collect();
    seen.sort();
    assert_eq!(seen, want);
    {
        let after = oras_discover_typed(&reference);
        for d in &live {
            assert!(
                after.contains(d.as_str()),
                "oras misses {d} after repair: {after}"
            );
        }
    }
    // A second repair (of the image REF this time) finds nothing to do.
    let again = bench
        .run(&["repair", &reference, "--yes", "--format", "json"])
        .success()
        .json();
    assert_eq!(again["tags"][0]["action"], "healthy", "{again:#}");
    assert_eq!(again["tags"][0]["kept"].as_array().unwrap().len(), 3);
}

/// A bundle signed with the bench key naming `files` (in the bench dir).
fn bundle_of(bench: &Bench, name: &str, files: &[&str]) -> PathBuf {
    let bundle = bench.path(&format!("{name}.sigstore.json"));
    let mut args = Vec::new();
    for f in files {
        std::fs::write(bench.path(f), format!("contents of {f}")).unwrap();
        args.extend(["--subject-path", *f]);
    }
    args.extend(["--key", "k.pem", "-o", bundle.to_str().unwrap()]);
    bench.run(&args).success();
    bundle
}

/// `bundles` as `gh attestation download` writes them: one compact JSON
/// document per line, each line newline-terminated.
fn json_lines(bundles: &[&PathBuf]) -> String {
    bundles
        .iter()
        .map(|b| {
            let v: serde_json::Value = serde_json::from_slice(&std::fs::read(b).unwrap()).unwrap();
            format!("{v}\n")
        })
        .collect()
}

#[test]
fn verify_takes_gh_json_lines_and_directories_and_names_a_bad_bundle() {
    let bench = Bench::new();
    let ab = bundle_of(&bench, "ab", &["a.bin", "b.bin"]);
    let c = bundle_of(&bench, "c", &["c.bin"]);
    let other = bundle_of(&bench, "other", &["other.bin"]);
    let files = ["a.bin", "b.bin", "c.bin"];
    let verify = |bundle: &str, extra: &[&str]| {
        let mut args = vec!["verify"];
        args.extend(files);
        args.extend(["--bundle", bundle, "--key", "k.pem"]);
        args.extend(extra);
        bench.run(&args)
    };

    // gh's JSON lines: every file covered, the unrelated bundle skipped.
    let gh = "sha256:0123.jsonl";
    std::fs::write(bench.path(gh), json_lines(&[&ab, &other, &c])).unwrap();
    let report = verify(gh, &["--format", "json"]).success().json();
    assert_eq!(report["verified"], true, "{report:#}");
    let outcomes: Vec<&str> = report["bundles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["verified", "skipped", "verified"], "{report:#}");
    assert_eq!(report["bundles"][0]["bundle"], format!("{gh}:1"));
    for f in report["files"].as_array().unwrap() {
        assert_eq!(f["verified"], true, "{f:#}");
    }
    assert_eq!(
        report["files"][2]["bundles"],
        serde_json::json!([format!("{gh}:3")])
    );
    let text = verify(gh, &[]).success().stdout.clone();
    assert!(
        text.contains(
            "3 of 3 files verified against 3 bundles from sha256:0123.jsonl: 0 failed, 1 skipped"
        ),
        "{text}"
    );

    // A directory of *.sigstore.json and *.jsonl.
    let dir = bench.path("bundles");
    std::fs::create_dir(&dir).unwrap();
    std::fs::copy(&ab, dir.join("ab.sigstore.json")).unwrap();
    std::fs::write(dir.join("rest.jsonl"), json_lines(&[&other, &c])).unwrap();
    verify("bundles", &[]).success();

    // A file none of the bundles names fails the run, named.
    std::fs::write(bench.path("d.bin"), "d").unwrap();
    bench
        .run(&[
            "verify", "a.bin", "d.bin", "--bundle", "bundles", "--key", "k.pem",
        ])
        .fails_with(5, "d.bin");

    // One tampered bundle among many (it still names b.bin) fails the run
    // and is named, though the others cover every file.
    crate::support::tamper(&ab, &dir.join("tampered.sigstore.json"));
    let out = verify("bundles", &["--format", "json"]);
    out.fails_with(5, "tampered.sigstore.json");
    let report = out.json();
    assert_eq!(report["verified"], false);
    let bad: Vec<&serde_json::Value> = report["bundles"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["outcome"] == "failed")
        .collect();
    assert_eq!(bad.len(), 1, "{report:#}");
    assert!(
        bad[0]["bundle"]
            .as_str()
            .unwrap()
            .ends_with("tampered.sigstore.json")
    );
    let text = verify("bundles", &[]);
    assert!(text.stdout.contains("FAILED"), "{}", text.stdout);

    // A line that is no bundle at all is named by its line number (exit 4,
    // as for any bundle that cannot be read).
    std::fs::write(
        bench.path("broken.jsonl"),
        format!("{}not json\n", json_lines(&[&c])),
    )
    .unwrap();
    bench
        .run(&[
            "verify",
            "c.bin",
            "--bundle",
            "broken.jsonl",
            "--key",
            "k.pem",
        ])
        .fails_with(4, "broken.jsonl:2");
}

#[test]
fn download_writes_gh_json_lines_that_verify_takes() {
    let reg = testbed::docker_open();
    let bench = Bench::new();
    let reference = format!("{}/many/jsonl:v1", reg.host);
    let subject = bench.subject(&reference);
    for name in ["j0", "j1"] {
        bench.attach(&reference, &bench.bundle(name), &[]);
    }
    let out = bench
        .run(&[
            "download",
            &reference,
            "--bundle-format",
            "jsonl",
            "-o",
            "dl",
            "--format",
            "json",
        ])
        .success()
        .json();
    let file = bench.path("dl").join(format!("{subject}.jsonl"));
    assert_eq!(out["bundles"].as_array().unwrap().len(), 2, "{out:#}");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.ends_with('\n'));
    assert_eq!(text.lines().count(), 2, "{text}");
    for line in text.lines() {
        serde_json::from_str::<serde_json::Value>(line).expect("one bundle per line");
    }
    bench
        .run(&[
            "verify",
            "j0.txt",
            "j1.txt",
            "--bundle",
            file.to_str().unwrap(),
            "--key",
            "k.pem",
        ])
        .success();
}

/// A registry that fails to serve an entry's manifest proves nothing about
/// it: the entry is kept as it was (never dropped), the others are still
/// repaired, and the run exits 8 naming it.
#[test]
fn repair_keeps_entries_it_cannot_check() {
    let reg = testbed::docker_open();
    let proxy = crate::proxy::FaultProxy::start(reg);
    let bench = Bench::new();
    let repo = "repair/fault";
    let reference = proxy.reference(&format!("{repo}:v1"));
    let subject = bench.subject(&reference);
    let tag = subject.replace(':', "-");
    let attached: Vec<String> = ["f0", "f1"]
        .iter()
        .map(|n| {
            let r = bench.attach(&reference, &bench.bundle(n), &["--attach", "tag"]);
            r["attestation"].as_str().unwrap().to_string()
        })
        .collect();
    as_ggcr_wrote_it(reg, repo, &tag);
    let broken = &attached[0];
    proxy.add_rules(serde_json::json!([{
        "method": "GET", "kind": "manifest", "path_regex": broken.trim_start_matches("sha256:"),
        "times": 1000, "action": {"status": 500, "body": "storage unavailable"},
    }]));
    let out = bench.run(&["repair", &reference, "--yes", "--format", "json"]);
    out.fails_with(8, "could not be repaired");
    let t = &out.json()["tags"][0];
    assert_eq!(t["action"], "failed", "{t:#}");
    assert_eq!(t["unchecked"][0]["digest"], broken.as_str(), "{t:#}");
    assert_eq!(t["fixed"][0]["digest"], attached[1].as_str(), "{t:#}");
    assert_eq!(t["dropped"], serde_json::json!([]));
    let index = get_tag(reg, repo, &tag).json();
    let entries = index["manifests"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{index:#}");
    for e in entries {
        let repaired = e["digest"] == attached[1].as_str();
        assert_eq!(e.get("artifactType").is_some(), repaired, "{e:#}");
    }
}
