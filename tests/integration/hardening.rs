//! Regression tests for what hostile registries, faults and tampered inputs
//! found (issue 9): each numbered item has a test here, against a real
//! registry, the fault proxy, or a real OCI layout on disk.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::attach::{Bench, fallback_entries};
use crate::proxy::FaultProxy;
use crate::support::{Output, attest, node_peer};
use crate::testbed::{self, TEST_PASSWORD, TEST_USER, http};

/// Runs `cargo attest ARGS` under /usr/bin/time and returns its output and
/// peak RSS in KiB.
fn run_measured(bench: &Bench, args: &[&str], envs: &[(&str, String)]) -> (Output, u64) {
    let report = bench.path("time.txt");
    let mut cmd = std::process::Command::new("/usr/bin/time");
    cmd.arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&report)
        .arg(env!("CARGO_BIN_EXE_cargo-attest"))
        .args(args)
        .current_dir(bench.dir.path())
        .env("CARGO_ATTEST_CACHE_DIR", bench.path("cache"))
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/cargo-attest-test-bus",
        );
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run /usr/bin/time");
    let rss = std::fs::read_to_string(&report)
        .unwrap_or_default()
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(u64::MAX);
    (
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        },
        rss,
    )
}

/// Item 1: a 429 on one writer's fallback-index PUT must send it back
/// through read-merge-write, never replay its old index over a second
/// writer's newer one.
#[test]
fn a_retried_index_write_never_erases_another_writers_attestation() {
    let reg = testbed::docker_open();
    let proxy = FaultProxy::start(reg);
    let bench = Bench::new();
    let reference = proxy.reference("hard/replay:v1");
    let subject = bench.subject(&reference);
    let (a, b) = (bench.bundle("writer-a"), bench.bundle("writer-b"));
    proxy.add_rules(json!([{
        "name": "first index PUT waits",
        "method": "PUT", "kind": "manifest", "path_regex": "/manifests/sha256-",
        "nth": 1, "when": "before",
        "action": {"status": 429, "headers": {"Retry-After": "4"}}
    }]));
    let report_a = std::thread::scope(|scope| {
        let first = scope.spawn(|| bench.attach(&reference, &a, &["--attach", "tag"]));
        let deadline = Instant::now() + Duration::from_secs(60);
        while proxy.rules()[0]["fired"].as_u64().unwrap_or(0) == 0 {
            assert!(Instant::now() < deadline, "{}", proxy.log_tail());
            std::thread::sleep(Duration::from_millis(50));
        }
        // Writer B writes, confirms and leaves while A waits out its 429.
        let report_b = bench.attach(&reference, &b, &["--attach", "tag"]);
        let report_a = first.join().unwrap();
        (report_a, report_b)
    });
    let (report_a, report_b) = report_a;
    let entries = fallback_entries(reg, "hard/replay", &subject);
    for report in [&report_a, &report_b] {
        let digest = report["attestation"].as_str().unwrap();
        assert!(
            entries.iter().any(|e| e == digest),
            "{digest} was lost: {entries:?}\n{}",
            proxy.log_tail()
        );
    }
}

/// Item 2: tokens that expire mid-push are fetched again, whether the token
/// answer says when they expire or claims more than the registry allows.
#[test]
fn tokens_that_expire_during_a_push_are_renewed() {
    for honest in [true, false] {
        let reg = testbed::docker_token_short_lived(honest);
        let proxy = FaultProxy::start(reg);
        // Each upload arrives 2.5 s after it was sent, so a push of six
        // files outlives the tokens.
        proxy.add_rules(json!([{
            "name": "slow link", "method": "PUT", "kind": "upload",
            "nth": 1, "times": -1, "when": "before", "action": {"delay_ms": 2500}
        }]));
        let bench = Bench::new();
        let mut files = Vec::new();
        for i in 0..6 {
            let name = format!("part{i}.bin");
            std::fs::write(bench.path(&name), vec![i as u8; 1 << 20]).unwrap();
            files.push(name);
        }
        let reference = proxy.reference(&format!("hard/tokens-{honest}:v1"));
        let mut args = vec!["push", reference.as_str()];
        args.extend(files.iter().map(String::as_str));
        let started = Instant::now();
        let out = attest(&args)
            .env("CARGO_ATTEST_CACHE_DIR", bench.path("cache"))
            .env("CARGO_ATTEST_REGISTRY", &proxy.host)
            .env("CARGO_ATTEST_REGISTRY_USERNAME", TEST_USER)
            .env("CARGO_ATTEST_REGISTRY_PASSWORD", TEST_PASSWORD)
            .cwd(bench.dir.path())
            .run();
        out.success();
        assert!(
            started.elapsed() > Duration::from_secs(testbed::SHORT_TOKEN_SECONDS + 1),
            "the push did not outlive a token: the test proves nothing"
        );
    }
}

/// Item 3: verify on a layout hashes the subject manifest; a swapped blob
/// behind an unchanged index.json is caught.
#[test]
fn verify_on_a_layout_catches_a_swapped_manifest_blob() {
    let bench = Bench::new();
    std::fs::write(bench.path("app.bin"), b"the app").unwrap();
    std::fs::write(bench.path("other.bin"), b"another layer").unwrap();
    bench
        .run(&[
            "--subject-path",
            "app.bin",
            "--key",
            "k.pem",
            "--push",
            "swap:v1",
        ])
        .success();
    bench.run(&["push", "swap:v2", "other.bin"]).success();
    bench
        .run(&["verify", "swap:v1", "--key", "k.pem"])
        .success();
    let layout = bench.path("target/oci/swap");
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(layout.join("index.json")).unwrap()).unwrap();
    let digest_of = |tag: &str| {
        index["manifests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["annotations"]["org.opencontainers.image.ref.name"] == tag)
            .unwrap()["digest"]
            .as_str()
            .unwrap()
            .trim_start_matches("sha256:")
            .to_string()
    };
    let blobs = layout.join("blobs/sha256");
    let other = std::fs::read(blobs.join(digest_of("v2"))).unwrap();
    std::fs::write(blobs.join(digest_of("v1")), other).unwrap();
    let out = bench.run(&["verify", "swap:v1", "--key", "k.pem"]);
    assert_ne!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(!out.stdout.contains("Verified"), "{}", out.stdout);
    out.fails_with(4, "tampered");
}

/// Item 4a: an attestation of a child manifest of a listed image index is
/// live, not "subject gone".
#[test]
fn prune_keeps_attestations_of_child_manifests_in_a_layout() {
    let bench = Bench::new();
    std::fs::write(bench.path("child.bin"), b"a platform image").unwrap();
    let pushed = bench
        .run(&["push", "multi:child", "child.bin", "--format", "json"])
        .success()
        .json();
    let child = pushed["digest"].as_str().unwrap().to_string();
    let child_size = pushed["size"].as_u64().unwrap();
    let bundle = bench.path("child.sigstore.json");
    bench
        .run(&[
            "--subject-name",
            "child",
            "--subject-digest",
            &child,
            "--key",
            "k.pem",
            "-o",
            bundle.to_str().unwrap(),
        ])
        .success();
    bench
        .run(&[
            "attach",
            &format!("multi@{child}"),
            "--bundle",
            bundle.to_str().unwrap(),
        ])
        .success();
    // Make the child reachable only through a tagged image index.
    let layout = bench.path("target/oci/multi");
    let index_json = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "digest": child, "size": child_size}]
    })
    .to_string();
    let image_index_digest = format!("sha256:{}", sha256_hex(index_json.as_bytes()));
    std::fs::write(
        layout.join("blobs/sha256").join(&image_index_digest[7..]),
        &index_json,
    )
    .unwrap();
    let path = layout.join("index.json");
    let mut top: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let manifests = top["manifests"].as_array_mut().unwrap();
    manifests.retain(|m| m["digest"] != child.as_str());
    manifests.push(json!({
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "digest": image_index_digest, "size": index_json.len(),
        "annotations": {"org.opencontainers.image.ref.name": "v1"}
    }));
    std::fs::write(&path, top.to_string()).unwrap();
    let out = bench
        .run(&["prune", "multi", "--yes", "--format", "json"])
        .success()
        .json();
    assert_eq!(out["items"], json!([]), "{out}");
    let found = bench
        .run(&["discover", &format!("multi@{child}"), "--format", "json"])
        .success()
        .json();
    assert_eq!(found["referrers"].as_array().unwrap().len(), 1, "{found}");
}

/// Item 4b: a live image's digest planted in a fallback index's superseded
/// annotation is not deleted by prune.
#[test]
fn prune_never_deletes_a_planted_superseded_digest() {
    let reg = testbed::docker_open();
    let bench = Bench::new();
    let live_ref = format!("{}/hard/planted:live", reg.host);
    let live = bench.subject(&live_ref);
    let subject_ref = format!("{}/hard/planted:v1", reg.host);
    let subject = bench.subject(&subject_ref);
    bench.attach(&subject_ref, &bench.bundle("p"), &["--attach", "tag"]);
    // Anyone with push rights rewrites the fallback index.
    let tag = subject.replace(':', "-");
    let url = format!("{}/v2/hard/planted/manifests/{tag}", reg.url());
    let index = http(
        "GET",
        &url,
        &["Accept: application/vnd.oci.image.index.v1+json"],
        None,
        None,
    );
    let mut doc = index.json();
    doc["annotations"]["dev.cargo-attest.superseded"] = json!(live);
    let body = doc.to_string();
    let put = http(
        "PUT",
        &url,
        &["Content-Type: application/vnd.oci.image.index.v1+json"],
        Some(body.as_bytes()),
        None,
    );
    assert_eq!(put.status, 201, "{}", put.text());
    let out = bench
        .run(&[
            "prune",
            &format!("{}/hard/planted", reg.host),
            "--yes",
            "--format",
            "json",
        ])
        .success()
        .json();
    assert!(
        !out["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["reference"] == live.as_str()),
        "{out}"
    );
    let head = http(
        "HEAD",
        &format!("{}/v2/hard/planted/manifests/{live}", reg.url()),
        &["Accept: application/vnd.oci.image.manifest.v1+json"],
        None,
        None,
    );
    assert_eq!(head.status, 200, "the live image was deleted");
}

/// Item 5: a token realm on another host never gets credentials over plain
/// HTTP, however the URL hides its host.
#[test]
fn credentials_never_go_to_a_plain_http_realm_off_loopback() {
    let reg = testbed::docker_open();
    let proxy = FaultProxy::start(reg);
    let bench = Bench::new();
    std::fs::write(bench.path("f.bin"), b"f").unwrap();
    for realm in [
        "http://[::1]:x@evil.test:9/token",
        "http://127.0.0.1@evil.test:9/token",
        "http://10.255.255.1:9/token",
    ] {
        proxy.challenge(Some(&format!(r#"Bearer realm="{realm}",service="x""#)));
        let started = Instant::now();
        let out = attest(&["push", &proxy.reference("hard/realm:v1"), "f.bin"])
            .env("CARGO_ATTEST_REGISTRY", &proxy.host)
            .env("CARGO_ATTEST_REGISTRY_USERNAME", TEST_USER)
            .env("CARGO_ATTEST_REGISTRY_PASSWORD", TEST_PASSWORD)
            .cwd(bench.dir.path())
            .run();
        out.fails_with(7, "refusing to send credentials");
        assert!(!out.stderr.contains(TEST_PASSWORD));
        assert!(started.elapsed() < Duration::from_secs(20), "{realm}");
    }
}

/// Item 6: an https registry's upload Location pointing at http:// is not
/// followed.
#[test]
fn an_upload_location_that_leaves_https_is_refused() {
    let reg = testbed::docker_open();
    let proxy = FaultProxy::start_tls(reg);
    proxy.upload_location(Some("http"));
    let bench = Bench::new();
    std::fs::write(bench.path("f.bin"), b"f").unwrap();
    let reference = format!("https://{}/hard/downgrade:v1", proxy.host);
    let out = bench.run(&["push", &reference, "f.bin", "--insecure"]);
    out.fails_with(8, "would leave https");
}

/// Item 7: a token endpoint that answers 1 GiB is cut off, with flat memory.
#[test]
fn a_huge_token_answer_is_cut_off() {
    let reg = testbed::docker_open();
    let proxy = FaultProxy::start(reg);
    proxy.challenge(Some(&format!(
        r#"Bearer realm="{}",service="x""#,
        proxy.token_url()
    )));
    proxy.token_body(1 << 30, false);
    let bench = Bench::new();
    std::fs::write(bench.path("f.bin"), b"f").unwrap();
    let (out, rss_kib) = run_measured(
        &bench,
        &["push", &proxy.reference("hard/token:v1"), "f.bin"],
        &[],
    );
    out.fails_with(8, "larger than");
    assert!(rss_kib < 100 * 1024, "peak RSS {rss_kib} KiB");
    let calls = proxy.token_requests();
    assert!(!calls.is_empty());
    for call in calls {
        assert!(call["bytes_sent"].as_u64().unwrap() < 128 << 20, "{call}");
    }
}

/// Item 8: a chain of huge referrers pages hits one budget for the whole
/// listing.
#[test]
fn a_chain_of_huge_referrers_pages_is_refused_with_flat_memory() {
    let reg = testbed::ferro();
    let proxy = FaultProxy::start(reg);
    let bench = Bench::new();
    let reference = proxy.reference("hard/pages:v1");
    bench.subject(&reference);
    proxy.referrers_pages(20, 1, 16 << 20);
    let (out, rss_kib) = run_measured(&bench, &["discover", &reference], &[]);
    out.fails_with(8, "too large");
    assert!(rss_kib < 200 * 1024, "peak RSS {rss_kib} KiB");
}

/// Item 9: 100,000 referrers are listed in linear time.
#[test]
fn a_hundred_thousand_referrers_are_listed_quickly() {
    let reg = testbed::ferro();
    let proxy = FaultProxy::start(reg);
    let bench = Bench::new();
    let reference = proxy.reference("hard/many:v1");
    bench.subject(&reference);
    proxy.referrers_entries(100_000);
    let started = Instant::now();
    let out = bench.run(&["discover", &reference, "--format", "json"]);
    let took = started.elapsed();
    let found = out.success().json();
    assert_eq!(found["referrers"].as_array().unwrap().len(), 100_000);
    // Quadratic merging took 101 s here; linear takes a few.
    assert!(took < Duration::from_secs(30), "took {took:?}");
}

/// Item 10: a layout whose blobs directory is a symlink out of it is
/// refused, and nothing is written outside.
#[cfg(unix)]
#[test]
fn a_layout_with_a_symlinked_blob_directory_is_refused() {
    let bench = Bench::new();
    let outside = tempfile::tempdir().unwrap();
    let layout = bench.path("evil");
    std::fs::create_dir_all(layout.join("blobs")).unwrap();
    std::os::unix::fs::symlink(outside.path(), layout.join("blobs/sha256")).unwrap();
    std::fs::write(bench.path("f.bin"), b"f").unwrap();
    // Not even shaped as a layout: refused before anything is written.
    let out = bench.run(&["push", "--oci-layout", "evil", "v1", "f.bin"]);
    out.fails_with(4, "not an OCI image layout");
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    // Shaped as one, the symlinked blob directory is refused.
    std::fs::write(
        layout.join("oci-layout"),
        r#"{"imageLayoutVersion":"1.0.0"}"#,
    )
    .unwrap();
    std::fs::write(
        layout.join("index.json"),
        r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#,
    )
    .unwrap();
    let out = bench.run(&["push", "--oci-layout", "evil", "v1", "f.bin"]);
    out.fails_with(4, "not a directory");
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}

/// Item 11: `--source-repo` matches the build's source, not a dependency.
#[test]
fn source_repo_policy_ignores_dependencies() {
    let bench = Bench::new();
    std::fs::write(bench.path("f.bin"), b"built").unwrap();
    let statement = json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "f.bin", "digest": {"sha256": sha256_hex(b"built")}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {
            "buildDefinition": {
                "buildType": "https://example.com/build",
                "resolvedDependencies": [
                    {"uri": "git+https://github.com/acme/tool@refs/heads/main", "name": "source",
                     "digest": {"gitCommit": "0123456789abcdef0123456789abcdef01234567"}},
                    {"uri": "git+https://github.com/evil/dep@v1", "name": "dep"}
                ]
            },
            "runDetails": {"builder": {"id": "https://example.com/builder"}}
        }
    });
    std::fs::write(bench.path("statement.json"), statement.to_string()).unwrap();
    let bundle = bench.path("b.json");
    let signed = node_peer(
        "sign.mjs",
        &[
            bench.path("k.pem").to_str().unwrap(),
            bench.path("statement.json").to_str().unwrap(),
            bundle.to_str().unwrap(),
        ],
    );
    signed.success();
    let verify = |repo: &str| {
        bench.run(&[
            "verify",
            "f.bin",
            "--bundle",
            "b.json",
            "--key",
            "k.pem",
            "--source-repo",
            repo,
        ])
    };
    verify("https://github.com/acme/tool").success();
    verify("https://github.com/evil/dep").fails_with(5, "source repository");
}

/// Item 12 is in verify_ref.rs: attach refuses a bundle that does not name
/// the image (exit 4) unless `--force`.
///
/// Item 13: a failed `--push` leaves no bundle that names an artifact that
/// was never pushed, and says so.
#[test]
fn a_failed_push_writes_no_bundle() {
    let bench = Bench::new();
    std::fs::write(bench.path("f.bin"), b"f").unwrap();
    let push_to = |reference: &str| {
        bench.run(&[
            "--subject-path",
            "f.bin",
            "--key",
            "k.pem",
            "-o",
            "out.sigstore.json",
            "--push",
            reference,
        ])
    };
    // A registry that is not there is found out before anything is signed.
    let port = free_port();
    push_to(&format!("127.0.0.1:{port}/hard/nopush:v1")).fails_with(8, "GET /v2/");
    assert!(!bench.path("out.sigstore.json").exists());
    // One that fails after the check (its manifest PUT refused): signed,
    // not published, and the bundle is not written either.
    let reg = testbed::docker_open();
    let proxy = FaultProxy::start(reg);
    proxy.add_rules(json!([{
        "name": "manifest refused", "method": "PUT", "kind": "manifest",
        "nth": 1, "times": -1, "when": "before", "action": {"status": 503}
    }]));
    push_to(&proxy.reference("hard/nopush:v1")).fails_with(8, "was not written");
    assert!(!bench.path("out.sigstore.json").exists());
}

/// Item 14: retries show on stderr as they happen; the final error is short
/// and names the host, with the URL only at -v.
#[test]
fn retries_are_shown_and_errors_are_short() {
    let reg = testbed::docker_open();
    let proxy = FaultProxy::start(reg);
    let bench = Bench::new();
    let reference = proxy.reference("hard/retries:v1");
    bench.subject(&reference);
    proxy.add_rules(json!([{
        "method": "GET", "kind": "manifest", "nth": 1, "times": 2,
        "when": "before", "action": {"status": 503}
    }]));
    let out = bench.run(&["discover", &reference]);
    out.success();
    assert!(
        out.stderr
            .contains(&format!("503 from {}, retry 1/4 in", proxy.host)),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("retry 2/4"), "{}", out.stderr);

    let port = free_port();
    let unreachable = format!("127.0.0.1:{port}/hard/nothing:v1");
    let url = format!("http://127.0.0.1:{port}/v2/");
    let quiet = bench.run(&["discover", &unreachable]);
    quiet.fails_with(8, &format!("127.0.0.1:{port}"));
    assert!(quiet.stderr.contains("cannot connect"), "{}", quiet.stderr);
    assert!(!quiet.stderr.contains(&url), "{}", quiet.stderr);
    assert!(quiet.stderr.lines().count() <= 8, "{}", quiet.stderr);
    let verbose = bench.run(&["discover", &unreachable, "-v"]);
    assert!(verbose.stderr.contains(&url), "{}", verbose.stderr);
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap()
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Issue 13: a connection reset in the middle of a large blob resumes from
/// the offset the registry reports, in the same upload session, and the
/// content arrives intact.
#[test]
fn an_upload_cut_off_mid_blob_resumes_where_the_registry_stands() {
    let reg = testbed::docker_open();
    let proxy = FaultProxy::start(reg);
    let oras = testbed::oras();
    let bench = Bench::new();
    // 96 MiB of varied bytes (a 1 GiB run is in scripts/bench-push.sh's
    // resume case), sent as a 64 MiB PATCH and a 32 MiB one; the second
    // is cut off 20 MB in.
    let size = 96usize << 20;
    let mut data = Vec::with_capacity(size);
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    while data.len() < size {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        data.extend_from_slice(&x.to_le_bytes());
    }
    std::fs::write(bench.path("big.bin"), &data).unwrap();
    proxy.add_rules(json!([{
        "name": "cut", "method": "PATCH", "kind": "upload", "nth": 2,
        "when": "before", "action": {"reset_after_request_bytes": 20_000_000}
    }]));
    let reference = proxy.reference("hard/resume:v1");
    let out = bench.run(&["push", &reference, "big.bin"]);
    out.success();
    assert!(
        out.stderr
            .contains(&format!("resuming the upload at byte {}", 64u64 << 20)),
        "{}",
        out.stderr
    );
    assert_eq!(
        proxy.rules()[0]["fired"].as_u64(),
        Some(1),
        "{}",
        proxy.log_tail()
    );
    assert_eq!(
        proxy.count("POST upload"),
        2,
        "a new upload session was started (one POST for the config, one for the blob)\n{}",
        out.stderr
    );
    let pulled = bench.path("pulled");
    std::fs::create_dir_all(&pulled).unwrap();
    let pull = crate::support::run(
        oras.to_str().unwrap(),
        &[
            "pull",
            "--plain-http",
            "-o",
            pulled.to_str().unwrap(),
            &format!("{}/hard/resume:v1", reg.host),
        ],
        None,
    );
    pull.success();
    assert!(std::fs::read(pulled.join("big.bin")).unwrap() == data);
}

/// Issue 13: a blob the registry already holds in another repository we
/// pushed to is mounted, not uploaded again.
#[test]
fn a_blob_pushed_before_to_another_repository_is_mounted() {
    let reg = testbed::docker_open();
    let proxy = FaultProxy::start(reg);
    let bench = Bench::new();
    std::fs::write(bench.path("app.bin"), vec![7u8; 6 << 20]).unwrap();
    let push = |repo: &str| {
        bench.run(&[
            "--subject-path",
            "app.bin",
            "--key",
            "k.pem",
            "--push",
            &proxy.reference(&format!("{repo}:v1")),
            "-v",
        ])
    };
    push("hard/mount-a").success();
    proxy.reset();
    let out = push("hard/mount-b");
    out.success();
    assert!(out.stderr.contains("mount sha256:"), "{}", out.stderr);
    assert!(out.stderr.contains(": done"), "{}", out.stderr);
    assert_eq!(proxy.count("PATCH upload"), 0, "{}", proxy.log_tail());
    // The mounted blob is really there.
    let pulled = bench.path("pulled");
    std::fs::create_dir_all(&pulled).unwrap();
    let oras = testbed::oras();
    crate::support::run(
        oras.to_str().unwrap(),
        &[
            "pull",
            "--plain-http",
            "-o",
            pulled.to_str().unwrap(),
            &format!("{}/hard/mount-b:v1", reg.host),
        ],
        None,
    )
    .success();
    assert_eq!(
        std::fs::read(pulled.join("app.bin")).unwrap(),
        vec![7u8; 6 << 20]
    );
}

/// A file rewritten between its hashing (for the statement) and its upload
/// is refused by the registry's digest check, and the command says so
/// (exit 4), rather than pushing a manifest that names content the
/// registry does not hold. (`push` hashes a small file from the very bytes
/// it sends, read once: nothing can change in between.)
#[test]
fn a_file_that_changes_after_it_was_hashed_is_named() {
    let reg = testbed::docker_open();
    let proxy = FaultProxy::start(reg);
    let bench = Bench::new();
    let path = bench.path("app.bin");
    let before = vec![1u8; 3 << 20];
    std::fs::write(&path, &before).unwrap();
    // The HEAD of the file's blob answers 3 s late: time enough to change
    // the file after `cargo attest` hashed it for the statement and before
    // the upload reads it (after that HEAD).
    proxy.add_rules(json!([{
        "name": "slow HEAD", "method": "HEAD", "kind": "blob",
        "path_regex": sha256_hex(&before),
        "nth": 1, "times": 1, "when": "before", "action": {"delay_ms": 3000}
    }]));
    let rewrite = {
        let path = path.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(1500));
            std::fs::write(&path, vec![2u8; 3 << 20]).unwrap();
        })
    };
    let reference = proxy.reference("hard/changed:v1");
    let out = bench.run(&[
        "--subject-path",
        "app.bin",
        "--key",
        "k.pem",
        "-o",
        "app.sigstore.json",
        "--push",
        &reference,
    ]);
    rewrite.join().unwrap();
    assert_eq!(
        proxy.rules()[0]["fired"].as_u64(),
        Some(1),
        "{}",
        proxy.log_tail()
    );
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("app.bin changed since it was hashed: the registry refused its content"),
        "{}",
        out.stderr
    );
    // No manifest was pushed for content the registry refused.
    let head = http(
        "HEAD",
        &format!("{}/v2/hard/changed/manifests/v1", reg.url()),
        &[],
        None,
        None,
    );
    assert_eq!(head.status, 404, "{head:?}");
}
