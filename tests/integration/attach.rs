//! Attaching on each registry the way it really supports: the referrers API
//! with no tag where it works, the tag fallback where it does not, never
//! losing an entry, and reading what other producers attached.

use std::path::{Path, PathBuf};

use crate::support::{Cmd, Output, attest, run};
use crate::testbed::{self, Registry, http};

/// A workspace for one test: a key, bundles, and its own capability memory.
pub struct Bench {
    pub dir: tempfile::TempDir,
}

impl Bench {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        attest(&[
            "key",
            "generate",
            "--output",
            dir.path().join("k.pem").to_str().unwrap(),
            "--unencrypted",
        ])
        .run()
        .success();
        Bench { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A fresh signed bundle (its own subject file, so its own digest).
    pub fn bundle(&self, name: &str) -> PathBuf {
        let file = self.path(&format!("{name}.txt"));
        std::fs::write(&file, name).unwrap();
        let bundle = self.path(&format!("{name}.sigstore.json"));
        attest(&[
            "--subject-path",
            file.to_str().unwrap(),
            "--key",
            self.path("k.pem").to_str().unwrap(),
            "-o",
            bundle.to_str().unwrap(),
        ])
        .cwd(self.dir.path())
        .run()
        .success();
        bundle
    }

    /// `cargo attest ARGS` with this bench's capability memory.
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).run()
    }

    /// The command `run` runs, to add to before running it.
    pub fn cmd(&self, args: &[&str]) -> Cmd {
        attest(args)
            .env("CARGO_ATTEST_CACHE_DIR", self.path("cache"))
            .cwd(self.dir.path())
    }

    /// `discover REF --format json` and the digests of what it lists.
    pub fn discovered(&self, reference: &str) -> (serde_json::Value, Vec<String>) {
        let found = self
            .run(&["discover", reference, "--format", "json"])
            .success()
            .json();
        let digests = found["referrers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["digest"].as_str().unwrap().to_string())
            .collect();
        (found, digests)
    }

    /// Pushes a subject artifact and returns its digest.
    pub fn subject(&self, reference: &str) -> String {
        let file = self.path("subject.bin");
        std::fs::write(&file, reference).unwrap();
        let out = self.run(&["push", reference, "subject.bin", "--format", "json"]);
        out.success().json()["digest"].as_str().unwrap().to_string()
    }

    /// Attaches a bench bundle. These bundles attest text files, not the
    /// image, so `--force`: these tests are about where attestations go.
    pub fn attach(&self, reference: &str, bundle: &Path, extra: &[&str]) -> serde_json::Value {
        let mut args = vec![
            "attach",
            reference,
            "--bundle",
            bundle.to_str().unwrap(),
            "--force",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        self.run(&args).success().json()
    }
}

/// Tags of a repository, through the registry API.
pub fn tags(reg: &Registry, repo: &str) -> Vec<String> {
    let r = http(
        "GET",
        &format!("{}/v2/{repo}/tags/list", reg.url()),
        &[],
        None,
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["tags"]
        .as_array()
        .map(|a| a.iter().map(|t| t.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

pub fn fallback_tags(reg: &Registry, repo: &str) -> Vec<String> {
    tags(reg, repo)
        .into_iter()
        .filter(|t| t.starts_with("sha256-"))
        .collect()
}

/// Digests listed by the fallback index of `subject`.
pub fn fallback_entries(reg: &Registry, repo: &str, subject: &str) -> Vec<String> {
    let tag = subject.replace(':', "-");
    let r = http(
        "GET",
        &format!("{}/v2/{repo}/manifests/{tag}", reg.url()),
        &["Accept: application/vnd.oci.image.index.v1+json"],
        None,
        None,
    );
    assert_eq!(r.status, 200, "no fallback index: {}", r.text());
    digests(&r.json())
}

/// Digests the referrers API lists for `subject`.
pub fn api_entries(reg: &Registry, repo: &str, subject: &str) -> Vec<String> {
    let r = http(
        "GET",
        &format!("{}/v2/{repo}/referrers/{subject}", reg.url()),
        &[],
        None,
        None,
    );
    assert_eq!(r.status, 200, "referrers API: {}", r.text());
    digests(&r.json())
}

fn digests(index: &serde_json::Value) -> Vec<String> {
    index["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["digest"].as_str().unwrap().to_string())
        .collect()
}

fn oras_discover(reg: &Registry, reference: &str) -> String {
    let oras = testbed::oras();
    let out = run(
        oras.to_str().unwrap(),
        &["discover", "--plain-http", "--format", "json", reference],
        None,
    );
    assert_eq!(out.code, 0, "oras discover: {}{}", out.stdout, out.stderr);
    let _ = reg;
    out.stdout
}

#[test]
fn docker_registry_uses_one_fallback_tag() {
    let reg = testbed::docker_open();
    let bench = Bench::new();
    let reference = format!("{}/attach/three:v1", reg.host);
    let subject = bench.subject(&reference);
    let mut ours = Vec::new();
    for i in 0..3 {
        let report = bench.attach(&reference, &bench.bundle(&format!("b{i}")), &[]);
        assert_eq!(report["method"], "tag-fallback");
        ours.push(report["attestation"].as_str().unwrap().to_string());
    }
    assert_eq!(
        fallback_tags(reg, "attach/three"),
        [subject.replace(':', "-")]
    );
    let entries = fallback_entries(reg, "attach/three", &subject);
    for d in &ours {
        assert!(
            entries.contains(d),
            "{d} missing from the fallback index {entries:?}"
        );
    }
    assert_eq!(entries.len(), 3);
    let discovered = oras_discover(reg, &reference);
    for d in &ours {
        assert!(
            discovered.contains(d.as_str()),
            "oras discover does not list {d}: {discovered}"
        );
    }
    // Ours too, with sources.
    let mine = bench
        .run(&["discover", &reference, "--format", "json"])
        .success()
        .json();
    assert_eq!(mine["referrers"].as_array().unwrap().len(), 3);
    assert_eq!(
        mine["referrers"][0]["sources"],
        serde_json::json!(["tag-fallback"])
    );
}

#[test]
fn ferro_uses_the_api_and_no_tag() {
    let reg = testbed::ferro();
    let bench = Bench::new();
    let reference = format!("{}/attach/api:v1", reg.host);
    let subject = bench.subject(&reference);
    let mut ours = Vec::new();
    for i in 0..3 {
        let report = bench.attach(&reference, &bench.bundle(&format!("f{i}")), &[]);
        assert_eq!(report["method"], "referrers-api", "{report}");
        ours.push(report["attestation"].as_str().unwrap().to_string());
    }
    assert!(
        fallback_tags(reg, "attach/api").is_empty(),
        "a fallback tag was written"
    );
    let listed = api_entries(reg, "attach/api", &subject);
    for d in &ours {
        assert!(listed.contains(d), "{d} not listed by the API: {listed:?}");
    }
    let discovered = oras_discover(reg, &reference);
    for d in &ours {
        assert!(
            discovered.contains(d.as_str()),
            "oras discover does not list {d}"
        );
    }
}

#[test]
fn ggcr_serves_the_api_without_the_header_and_gets_no_tag() {
    let reg = testbed::ggcr();
    let bench = Bench::new();
    let reference = format!("{}/attach/noheader:v1", reg.host);
    let subject = bench.subject(&reference);
    let report = bench.attach(&reference, &bench.bundle("g"), &["-v"]);
    assert_eq!(report["method"], "referrers-api", "{report}");
    assert!(
        report["evidence"]
            .as_str()
            .unwrap()
            .contains("OCI-Subject absent"),
        "{report}"
    );
    assert!(fallback_tags(reg, "attach/noheader").is_empty());
    assert!(
        api_entries(reg, "attach/noheader", &subject)
            .contains(&report["attestation"].as_str().unwrap().to_string())
    );
}

#[test]
fn forced_strategies() {
    let (docker, ferro) = (testbed::docker_open(), testbed::ferro());
    let bench = Bench::new();
    // --attach referrers where the API does not work: a clear failure.
    let reference = format!("{}/attach/forced:v1", docker.host);
    bench.subject(&reference);
    let bundle = bench.bundle("forced");
    let out = bench.run(&[
        "attach",
        &reference,
        "--bundle",
        bundle.to_str().unwrap(),
        "--force",
        "--attach",
        "referrers",
    ]);
    out.fails_with(8, "does not list the attestation");
    assert!(fallback_tags(docker, "attach/forced").is_empty());
    // --attach tag where the API works: the tag is written as asked.
    let reference = format!("{}/attach/forced:v1", ferro.host);
    let subject = bench.subject(&reference);
    let report = bench.attach(&reference, &bundle, &["--attach", "tag"]);
    assert_eq!(report["method"], "tag-fallback");
    assert_eq!(
        fallback_tags(ferro, "attach/forced"),
        [subject.replace(':', "-")]
    );
    // discover merges both sources for the same entry.
    let found = bench
        .run(&["discover", &reference, "--format", "json"])
        .success()
        .json();
    assert_eq!(
        found["referrers"][0]["sources"],
        serde_json::json!(["referrers-api", "tag-fallback"])
    );
}

#[test]
fn refuses_tags_that_are_not_a_referrers_index() {
    let reg = testbed::docker_open();
    let bench = Bench::new();
    let reference = format!("{}/attach/gitlab:v1", reg.host);
    let subject = bench.subject(&reference);
    // What GitLab does: the fallback tag resolves to the subject itself.
    let manifest = http(
        "GET",
        &format!("{}/v2/attach/gitlab/manifests/{subject}", reg.url()),
        &["Accept: application/vnd.oci.image.manifest.v1+json"],
        None,
        None,
    );
    let put = http(
        "PUT",
        &format!(
            "{}/v2/attach/gitlab/manifests/{}",
            reg.url(),
            subject.replace(':', "-")
        ),
        &["Content-Type: application/vnd.oci.image.manifest.v1+json"],
        Some(&manifest.body),
        None,
    );
    assert_eq!(put.status, 201, "{}", put.text());
    let bundle = bench.bundle("gl");
    let out = bench.run(&[
        "attach",
        &reference,
        "--bundle",
        bundle.to_str().unwrap(),
        "--force",
        "--attach",
        "tag",
    ]);
    out.fails_with(8, "resolves to the subject itself");
    // A tag holding some other image manifest: refused, not overwritten.
    let reference = format!("{}/attach/notindex:v1", reg.host);
    let subject = bench.subject(&reference);
    std::fs::write(bench.path("other.bin"), b"other").unwrap();
    bench
        .run(&[
            "push",
            &format!("{}/attach/notindex:{}", reg.host, subject.replace(':', "-")),
            "other.bin",
        ])
        .success();
    let out = bench.run(&[
        "attach",
        &reference,
        "--bundle",
        bundle.to_str().unwrap(),
        "--force",
        "--attach",
        "tag",
    ]);
    out.fails_with(8, "not an OCI index");
}

#[test]
fn oci_layout_attach_and_discover() {
    let bench = Bench::new();
    bench.subject("lay:v1");
    let bundle = bench.bundle("l");
    let report = bench.attach("lay:v1", &bundle, &[]);
    assert_eq!(report["method"], "oci-layout");
    let found = bench
        .run(&["discover", "lay:v1", "--format", "json"])
        .success()
        .json();
    assert_eq!(found["referrers"][0]["digest"], report["attestation"]);
    assert_eq!(
        found["referrers"][0]["artifactType"],
        "application/vnd.dev.sigstore.bundle.v0.3+json"
    );
    let none = bench
        .run(&[
            "discover",
            "lay:v1",
            "--artifact-type",
            "application/x-none",
            "--format",
            "json",
        ])
        .success()
        .json();
    assert!(none["referrers"].as_array().unwrap().is_empty());
    {
        let oras = testbed::oras();
        let layout = bench.path("target/oci/lay");
        let out = run(
            oras.to_str().unwrap(),
            &[
                "discover",
                "--oci-layout",
                "--format",
                "json",
                &format!("{}:v1", layout.display()),
            ],
            None,
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            out.stdout.contains(report["attestation"].as_str().unwrap()),
            "{}",
            out.stdout
        );
    }
}

#[test]
fn sixteen_concurrent_writers_lose_nothing() {
    let reg = testbed::docker_open();
    let bench = Bench::new();
    let bundles: Vec<PathBuf> = (0..16).map(|i| bench.bundle(&format!("c{i}"))).collect();
    let bin = env!("CARGO_BIN_EXE_cargo-attest");
    for round in 0..10 {
        let reference = format!("{}/attach/concurrent:r{round}", reg.host);
        let subject = bench.subject(&reference);
        let children: Vec<_> = bundles
            .iter()
            .map(|b| {
                std::process::Command::new(bin)
                    .args([
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
                    .env("CARGO_ATTEST_CACHE_DIR", bench.path("cache"))
                    .stdin(std::process::Stdio::null())
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let mut ours = Vec::new();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            ours.push(v["attestation"].as_str().unwrap().to_string());
        }
        let entries = fallback_entries(reg, "attach/concurrent", &subject);
        let lost: Vec<_> = ours.iter().filter(|d| !entries.contains(d)).collect();
        assert!(
            lost.is_empty(),
            "round {round}: {} of 16 lost: {lost:?}",
            lost.len()
        );
        assert_eq!(entries.len(), 16, "round {round}");
    }
}

#[test]
fn liar_false_header_and_false_200_still_end_in_the_fallback() {
    let reg = testbed::docker_open();
    let proxy = crate::proxy::FaultProxy::start(reg);
    proxy.configure(true, false, "fake200");
    let bench = Bench::new();
    let reference = format!("{}/attach/liar-yes:v1", proxy.host);
    let subject = bench.subject(&reference);
    let mut ours = Vec::new();
    for i in 0..2 {
        let report = bench.attach(&reference, &bench.bundle(&format!("ly{i}")), &[]);
        assert_eq!(report["method"], "tag-fallback", "{report}");
        ours.push(report["attestation"].as_str().unwrap().to_string());
    }
    // Checked on the registry itself, past the liar: nothing lost.
    let entries = fallback_entries(reg, "attach/liar-yes", &subject);
    for d in &ours {
        assert!(entries.contains(d), "{d} lost: {entries:?}");
    }
}

#[test]
fn liar_without_header_gets_no_tag() {
    let reg = testbed::ferro();
    let proxy = crate::proxy::FaultProxy::start(reg);
    proxy.configure(false, true, "pass");
    let bench = Bench::new();
    let reference = format!("{}/attach/liar-no:v1", proxy.host);
    let subject = bench.subject(&reference);
    let report = bench.attach(&reference, &bench.bundle("ln"), &[]);
    assert_eq!(report["method"], "referrers-api", "{report}");
    assert!(
        fallback_tags(reg, "attach/liar-no").is_empty(),
        "a tag was written"
    );
    assert!(
        api_entries(reg, "attach/liar-no", &subject)
            .contains(&report["attestation"].as_str().unwrap().to_string())
    );
}

#[test]
fn second_attach_uses_the_remembered_verdict() {
    let reg = testbed::docker_open();
    let proxy = crate::proxy::FaultProxy::start(reg);
    let bench = Bench::new();
    let reference = format!("{}/attach/memory:v1", proxy.host);
    bench.subject(&reference);
    proxy.reset();
    let first = bench.attach(&reference, &bench.bundle("m1"), &[]);
    assert_eq!(first["remembered"], false);
    assert_eq!(proxy.count("GET referrers"), 1, "{}", proxy.counts());
    proxy.reset();
    let second = bench.attach(&reference, &bench.bundle("m2"), &[]);
    assert_eq!(second["remembered"], true);
    assert_eq!(
        proxy.count("GET referrers"),
        0,
        "the verdict was probed again: {}",
        proxy.counts()
    );
    // --redetect forgets and probes again.
    proxy.reset();
    let third = bench.attach(&reference, &bench.bundle("m3"), &["--redetect"]);
    assert_eq!(third["remembered"], false);
    assert_eq!(proxy.count("GET referrers"), 1);
}

/// Attaches with oras and returns the digest it reports.
fn oras_attach(reference: &str, dir: &Path) -> String {
    let oras = testbed::oras();
    std::fs::write(dir.join("sbom.json"), br#"{"sbom":true}"#).unwrap();
    let out = run(
        oras.to_str().unwrap(),
        &[
            "attach",
            "--plain-http",
            "--artifact-type",
            "application/vnd.example.sbom+json",
            "--format",
            "json",
            reference,
            "sbom.json",
        ],
        Some(dir),
    );
    assert_eq!(out.code, 0, "oras attach: {}{}", out.stdout, out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    v["digest"].as_str().unwrap().to_string()
}

#[test]
fn discover_reads_what_oras_attached() {
    for reg in [testbed::docker_open(), testbed::ferro(), testbed::ggcr()].into_iter() {
        let bench = Bench::new();
        let reference = format!("{}/attach/oras-made:v1", reg.host);
        bench.subject(&reference);
        let theirs = oras_attach(&reference, bench.dir.path());
        let ours = bench.attach(&reference, &bench.bundle("o"), &[]);
        let found = bench
            .run(&["discover", &reference, "--format", "json"])
            .success()
            .json();
        let listed: Vec<(String, String)> = found["referrers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["digest"].as_str().unwrap().to_string(),
                    r["artifactType"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        assert!(
            listed.contains(&(theirs.clone(), "application/vnd.example.sbom+json".into())),
            "{}: oras' referrer missing: {listed:?}",
            reg.name
        );
        assert!(
            listed
                .iter()
                .any(|(d, _)| d == ours["attestation"].as_str().unwrap()),
            "{}",
            reg.name
        );
        let filtered = bench
            .run(&[
                "discover",
                &reference,
                "--artifact-type",
                "application/vnd.example.sbom+json",
                "--format",
                "json",
            ])
            .success()
            .json();
        assert_eq!(
            filtered["referrers"].as_array().unwrap().len(),
            1,
            "{}: {filtered}",
            reg.name
        );
        // The tree for people names both types.
        let tree = bench
            .run(&["discover", &reference])
            .success()
            .stdout
            .clone();
        assert!(
            tree.contains("application/vnd.example.sbom+json") && tree.contains("sigstore.bundle"),
            "{tree}"
        );
    }
}

/// Attaches with @sigstore/oci (the library GitHub's attest action uses).
fn sigstore_oci_attach(bundle: &Path, image: &str, subject: &str) -> String {
    let out = crate::support::node_peer(
        "oci-attach.mjs",
        &[bundle.to_str().unwrap(), image, subject, "--plain-http"],
    );
    assert_eq!(
        out.code, 0,
        "@sigstore/oci attach: {}{}",
        out.stdout, out.stderr
    );
    let v: serde_json::Value =
        serde_json::from_str(out.stdout.lines().last().unwrap_or("{}")).unwrap();
    v["digest"].as_str().unwrap_or_default().to_string()
}

#[test]
fn interleaved_with_sigstore_oci_nothing_is_lost() {
    let reg = testbed::docker_open();
    let bench = Bench::new();
    let reference = format!("{}/attach/interleave:v1", reg.host);
    let subject = bench.subject(&reference);
    let image = format!("{}/attach/interleave", reg.host);
    let first = sigstore_oci_attach(&bench.bundle("s1"), &image, &subject);
    let ours = bench.attach(&reference, &bench.bundle("s2"), &[]);
    let third = sigstore_oci_attach(&bench.bundle("s3"), &image, &subject);
    let entries = fallback_entries(reg, "attach/interleave", &subject);
    for d in [&first, ours["attestation"].as_str().unwrap(), &third] {
        assert!(entries.iter().any(|e| e == d), "{d} missing: {entries:?}");
    }
    assert_eq!(entries.len(), 3, "{entries:?}");
}

#[test]
fn discover_reads_what_sigstore_oci_attached() {
    for reg in [testbed::docker_open(), testbed::ferro(), testbed::ggcr()].into_iter() {
        let bench = Bench::new();
        let reference = format!("{}/attach/sigstore-made:v1", reg.host);
        let subject = bench.subject(&reference);
        let image = format!("{}/attach/sigstore-made", reg.host);
        let theirs = sigstore_oci_attach(&bench.bundle("so"), &image, &subject);
        let (found, listed) = bench.discovered(&reference);
        assert!(
            listed.contains(&theirs),
            "{}: {theirs} not found in {listed:?}",
            reg.name
        );
        assert_eq!(
            found["referrers"][0]["artifactType"],
            "application/vnd.dev.sigstore.bundle.v0.3+json"
        );
    }
}

/// Round trips of one attach, counted through the fault proxy: ours and
/// @sigstore/oci's, on each registry. A measurement, not a check:
/// `cargo test --test integration round_trip_counts -- --ignored --nocapture`.
#[test]
#[ignore = "measurement; prints a table"]
fn round_trip_counts() {
    let mut rows = Vec::new();
    for reg in [testbed::docker_open(), testbed::ferro(), testbed::ggcr()].into_iter() {
        let proxy = crate::proxy::FaultProxy::start(reg);
        let bench = Bench::new();
        let reference = format!("{}/rtt/count:v1", proxy.host);
        let subject = bench.subject(&reference);
        let image = format!("{}/rtt/count", proxy.host);
        // Warm: both tools see the blobs and tag state of a first attach.
        bench.attach(&reference, &bench.bundle("warm"), &["--redetect"]);
        proxy.reset();
        bench.attach(&reference, &bench.bundle("probe"), &["--redetect"]);
        let probed = proxy.counts();
        proxy.reset();
        bench.attach(&reference, &bench.bundle("memo"), &[]);
        let remembered = proxy.counts();
        proxy.reset();
        sigstore_oci_attach(&bench.bundle("js"), &image, &subject);
        let theirs = proxy.counts();
        rows.push((reg.name, probed, remembered, theirs));
    }
    println!(
        "\n{:<16} {:>22} {:>22} {:>14}",
        "registry", "cargo-attest (probe)", "cargo-attest (memory)", "@sigstore/oci"
    );
    for (name, p, m, t) in &rows {
        println!(
            "{name:<16} {:>22} {:>22} {:>14}",
            p["total"], m["total"], t["total"]
        );
    }
    for (name, p, m, t) in &rows {
        println!(
            "\n{name}:\n  probe: {}\n  memory: {}\n  @sigstore/oci: {}",
            p["by_kind"], m["by_kind"], t["by_kind"]
        );
    }
}
