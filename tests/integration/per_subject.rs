//! `cargo attest --bundle-per-subject`: one statement and bundle per
//! subject, named after it, signed under one certificate and logged in the
//! stack's Rekor v2 a few at a time; each entry's outcome reported, a failed
//! one failing the run while the others are written. The 200-subject
//! benchmark (`scripts/bench-subjects.sh`) is the `#[ignore]`d test at the
//! end.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::proxy::FaultProxy;
use crate::sigstore_stack::{SigstoreStack, TokenSpec, sigstore_stack};
use crate::support::{Output, attest};

const SERVICE: i32 = 8;

const IDENTITY: &str =
    "https://github.com/acme/widget/.github/workflows/release.yml@refs/heads/main";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn github_env(stack: &SigstoreStack) -> BTreeMap<String, String> {
    let mut env = stack.actions_env(&TokenSpec::github());
    env.insert("CI".into(), "true".into());
    env.insert("GITHUB_ACTIONS".into(), "true".into());
    env
}

/// A release directory `dist/` of `n` files (plus the names given), in a
/// fresh work dir with an empty `out/`.
struct Release {
    dir: tempfile::TempDir,
}

impl Release {
    fn new(n: usize, extra: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let dist = dir.path().join("dist");
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::create_dir_all(dir.path().join("out")).unwrap();
        for i in 0..n {
            let name = format!("app-{i:03}.tar.gz");
            std::fs::write(dist.join(&name), format!("asset {i}\n")).unwrap();
        }
        for name in extra {
            std::fs::write(dist.join(name), format!("{name}\n")).unwrap();
        }
        Release { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The files of `dist/`, as `dist/NAME`, sorted.
    fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.path("dist"))
            .unwrap()
            .map(|e| format!("dist/{}", e.unwrap().file_name().to_string_lossy()))
            .collect();
        names.sort();
        names
    }

    /// Every bundle in `out/`, by file name.
    fn bundles(&self) -> BTreeMap<String, Value> {
        std::fs::read_dir(self.path("out"))
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    read_json(&e.path()),
                )
            })
            .collect()
    }

    /// Attests every file of `dist/` (the glob given once, quoted) keyless
    /// with per-subject bundles into `out/`.
    fn attest_keyless(&self, stack: &SigstoreStack, extra: &[&str]) -> Output {
        let mut args = vec![
            "--subject-path",
            "dist/*",
            "--bundle-per-subject",
            "-o",
            "out",
            "--signing-config",
            s(&stack.signing_config),
        ];
        args.extend_from_slice(extra);
        attest(&args)
            .envs(&github_env(stack))
            .cwd(self.dir.path())
            .run()
    }

    /// `verify dist/... --bundle out` keyless, as one call.
    fn verify_keyless(&self, stack: &SigstoreStack, files: &[String]) -> Output {
        let mut args: Vec<&str> = vec!["verify"];
        args.extend(files.iter().map(String::as_str));
        args.extend([
            "--bundle",
            "out",
            "--trusted-root",
            s(&stack.trusted_root),
            "--certificate-identity",
            IDENTITY,
            "--certificate-oidc-issuer",
            &stack.oidc_url,
            "--format",
            "json",
        ]);
        attest(&args).cwd(self.dir.path()).run()
    }
}

/// The leaf certificate of a keyless bundle (base64 DER).
fn certificate(bundle: &Value) -> &str {
    bundle["verificationMaterial"]["certificate"]["rawBytes"]
        .as_str()
        .unwrap_or_else(|| panic!("no certificate: {bundle:#}"))
}

#[test]
fn two_hundred_subjects_give_two_hundred_logged_bundles_that_verify() {
    let stack = sigstore_stack();
    // 197 plain names, one with a space, and two that differ only in case
    // (one file on a case-insensitive file system: both get a suffix).
    let release = Release::new(197, &["read me.txt", "UPPER.bin", "upper.bin"]);
    let files = release.files();
    assert_eq!(files.len(), 200);
    let started = Instant::now();
    let out = release.attest_keyless(stack, &["--format", "json"]);
    out.success();
    let elapsed = started.elapsed();
    let report = out.json();
    let bundles = &report["subjectBundles"];
    assert_eq!(bundles["written"], 200, "{bundles:#}");
    assert_eq!(bundles["failed"], 0);
    assert_eq!(bundles["certificates"], 1);
    assert_eq!(bundles["logJobs"], 8, "the default");
    assert!(
        report.get("bundle").is_none(),
        "no bundle over all: {report:#}"
    );
    let entries = bundles["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 200);
    let mut indexes = BTreeSet::new();
    for e in entries {
        assert_eq!(e["outcome"], "written", "{e:#}");
        let logged = e["logIndexes"].as_array().unwrap();
        assert_eq!(logged.len(), 1, "{e:#}");
        indexes.insert(logged[0].as_u64().unwrap());
    }
    assert_eq!(indexes.len(), 200, "200 distinct log entries");

    // On disk: exactly those 200, named after their subjects, each a
    // one-subject statement under the same certificate with one entry of
    // the stack's log.
    let on_disk = release.bundles();
    assert_eq!(on_disk.len(), 200, "{:?}", on_disk.keys());
    assert!(on_disk.contains_key("app-000.tar.gz.sigstore.json"));
    assert!(on_disk.contains_key("read%20me.txt.sigstore.json"));
    let cased: Vec<&String> = on_disk
        .keys()
        .filter(|k| k.to_lowercase().starts_with("upper.bin~"))
        .collect();
    assert_eq!(cased.len(), 2, "{cased:?}");
    let certificates: BTreeSet<&str> = on_disk.values().map(certificate).collect();
    assert_eq!(certificates.len(), 1, "one Fulcio certificate for all");
    for (name, bundle) in &on_disk {
        let entries = bundle["verificationMaterial"]["tlogEntries"]
            .as_array()
            .unwrap();
        assert_eq!(entries.len(), 1, "{name}");
        assert_eq!(entries[0]["logId"]["keyId"], stack.rekor_log_id.as_str());
    }

    // Our verify, all 200 files in one call against the directory.
    let verified = release.verify_keyless(stack, &files);
    verified.success();
    let v = verified.json();
    assert_eq!(v["verified"], true, "{v:#}");
    let results = v["files"].as_array().unwrap();
    assert_eq!(results.len(), 200);
    assert!(results.iter().all(|f| f["verified"] == true), "{v:#}");
    println!(
        "200 subjects, per-subject bundles logged in Rekor v2 (8 at a time): {:.1} s",
        elapsed.as_secs_f64()
    );
}

#[test]
fn one_failing_log_entry_is_reported_and_fails_the_run_the_others_are_written() {
    let stack = sigstore_stack();
    let rekor = FaultProxy::start_before("rekor", &stack.rekor_url);
    let release = Release::new(12, &[]);
    // The fifth entry the log is asked for is refused (400: not retried).
    rekor.add_rules(json!({
        "method": "POST",
        "path_regex": "^/api/v2/log/entries$",
        "nth": 5,
        "when": "before",
        "action": {"status": 400, "body": "refused by the test"}
    }));
    let via_proxy = [
        "--rekor-url",
        &rekor.url(),
        "--rekor-version",
        "2",
        "--log-jobs",
        "3",
    ];
    let mut args = via_proxy.to_vec();
    args.extend(["--format", "json"]);
    let out = release.attest_keyless(stack, &args);
    out.fails_with(SERVICE, "was not written");
    let bundles = out.json()["subjectBundles"].clone();
    assert_eq!(bundles["written"], 11, "{bundles:#}");
    assert_eq!(bundles["failed"], 1);
    assert_eq!(bundles["logJobs"], 3);
    let failed: Vec<&Value> = bundles["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["outcome"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1);
    let failed = failed[0];
    assert_eq!(failed["exitCode"], SERVICE);
    let error = failed["error"].as_str().unwrap();
    assert!(error.contains("did not record"), "{error}");
    assert!(error.contains("refused by the test"), "{error}");
    // Every other bundle is on disk; the failed one is not.
    let on_disk = release.bundles();
    assert_eq!(on_disk.len(), 11, "{:?}", on_disk.keys());
    let failed_file = Path::new(failed["bundle"].as_str().unwrap())
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(!on_disk.contains_key(&failed_file), "{failed_file}");
    assert_eq!(rekor.count("POST other"), 12, "{}", rekor.counts());

    // People read it too: the failed subject named, the summary, exit 8.
    rekor.add_rules(json!({
        "method": "POST",
        "path_regex": "^/api/v2/log/entries$",
        "nth": 2,
        "when": "before",
        "action": {"status": 400, "body": "refused again"}
    }));
    let text = release.attest_keyless(stack, &via_proxy);
    text.fails_with(SERVICE, "refused again");
    assert!(text.stdout.contains(" FAILED: "), "{}", text.stdout);
    assert!(
        text.stdout.contains(
            "Wrote 11 of 12 subject bundles in out (3 at a time, under one certificate); 1 failed"
        ),
        "{}",
        text.stdout
    );
    assert_eq!(
        text.stdout.matches(" -> out/").count(),
        11,
        "{}",
        text.stdout
    );
}

#[test]
fn key_signed_per_subject_bundles_with_push_and_names_that_cannot_escape() {
    let release = Release::new(3, &[]);
    let work = release.dir.path();
    attest(&["key", "generate", "--output", "k.pem", "--unencrypted"])
        .cwd(work)
        .run()
        .success();
    // A shell-expanded glob: the files after one --subject-path.
    let files = release.files();
    let mut args: Vec<&str> = vec!["--subject-path"];
    args.extend(files.iter().map(String::as_str));
    args.extend([
        "--bundle-per-subject",
        "--key",
        "k.pem",
        "-o",
        "out/release.sigstore.json",
        "--push",
        "app:1.0",
        "--format",
        "json",
    ]);
    let out = attest(&args)
        .env("CARGO_ATTEST_LOG_JOBS", "2")
        .cwd(work)
        .run();
    out.success();
    let report = out.json();
    let bundles = &report["subjectBundles"];
    assert_eq!(bundles["written"], 3, "{report:#}");
    assert_eq!(bundles["logJobs"], 2, "from CARGO_ATTEST_LOG_JOBS");
    assert!(bundles.get("certificates").is_none(), "a key has none");
    // With --push the artifact gets the bundle over every subject (and the
    // artifact), written at --output; the per-subject ones beside it.
    assert_eq!(report["bundle"], "out/release.sigstore.json", "{report:#}");
    assert_eq!(report["destinations"][0]["outcome"], "pushed");
    assert_eq!(release.bundles().len(), 4);
    let one = read_json(&release.path("out/app-001.tar.gz.sigstore.json"));
    let payload = one["dsseEnvelope"]["payload"].as_str().unwrap();
    let statement: Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::STANDARD, payload).unwrap(),
    )
    .unwrap();
    assert_eq!(statement["subject"].as_array().unwrap().len(), 1);
    assert_eq!(statement["subject"][0]["name"], "app-001.tar.gz");
    let mut verify: Vec<&str> = vec!["verify"];
    verify.extend(files.iter().map(String::as_str));
    verify.extend(["--bundle", "out", "--key", "k.pem"]);
    attest(&verify).cwd(work).run().success();
    attest(&["verify", "app:1.0", "--key", "k.pem"])
        .cwd(work)
        .run()
        .success();
    // A subject whose bundle would take the artifact's bundle path is
    // refused before anything is signed or pushed.
    std::fs::write(release.path("release"), "x\n").unwrap();
    attest(&[
        "--subject-path",
        "release",
        "--bundle-per-subject",
        "--key",
        "k.pem",
        "-o",
        "out/release.sigstore.json",
        "--push",
        "other:1.0",
    ])
    .cwd(work)
    .run()
    .fails_with(2, "would overwrite the artifact's bundle");
    assert!(release.path("target/oci/app").is_dir());
    assert!(!release.path("target/oci/other").exists());

    // Subjects named by a checksums file, with names that would leave the
    // directory or hide: every bundle stays in it, escaped.
    let hex = "a".repeat(64);
    std::fs::write(
        release.path("sums.txt"),
        format!("{hex}  ../../escape.bin\n{hex}  .hidden\n{hex}  sub/dir.bin\n"),
    )
    .unwrap();
    std::fs::create_dir_all(release.path("names")).unwrap();
    attest(&[
        "--subject-checksums",
        "sums.txt",
        "--bundle-per-subject",
        "--key",
        "k.pem",
        "-o",
        "names",
    ])
    .cwd(work)
    .run()
    .success();
    let mut names: Vec<String> = std::fs::read_dir(release.path("names"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "%2E.%2F..%2Fescape.bin.sigstore.json",
            "%2Ehidden.sigstore.json",
            "sub%2Fdir.bin.sigstore.json"
        ]
    );
    assert!(!work.join("escape.bin.sigstore.json").exists());
}

/// `scripts/bench-subjects.sh`: 200 subjects with per-subject bundles
/// logged in the stack's Rekor v2, at the default parallelism and at 1,
/// from one run; prints both times and their ratio.
#[test]
#[ignore = "a benchmark: run it with scripts/bench-subjects.sh"]
fn bench_two_hundred_subjects() {
    let stack = sigstore_stack();
    let jobs = std::env::var("BENCH_LOG_JOBS").unwrap_or_else(|_| "8".into());
    let mut times = Vec::new();
    for run_jobs in [jobs.as_str(), "1"] {
        let release = Release::new(200, &[]);
        let started = Instant::now();
        let out = release.attest_keyless(stack, &["--log-jobs", run_jobs, "--format", "json"]);
        let elapsed = started.elapsed();
        out.success();
        let report = out.json();
        assert_eq!(report["subjectBundles"]["written"], 200, "{report:#}");
        assert_eq!(report["subjectBundles"]["certificates"], 1);
        assert_eq!(release.bundles().len(), 200);
        println!(
            "bench-subjects: --log-jobs {run_jobs}: 200 bundles signed, logged and written in {:.1} s",
            elapsed.as_secs_f64()
        );
        times.push(elapsed);
    }
    let (parallel, serial) = (times[0], times[1]);
    println!(
        "bench-subjects: parallel (--log-jobs {jobs}) {:.1} s, serial (--log-jobs 1) {:.1} s, \
         serial/parallel {:.2}x; goal: parallel < 60 s: {}",
        parallel.as_secs_f64(),
        serial.as_secs_f64(),
        serial.as_secs_f64() / parallel.as_secs_f64(),
        if parallel < Duration::from_secs(60) {
            "met"
        } else {
            "NOT met"
        }
    );
}
