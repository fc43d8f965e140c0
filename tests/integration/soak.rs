//! The fault soak: attaches and pushes through seeded random faults (5xx,
//! 429 with and without Retry-After, connection resets mid-body, truncated
//! bodies, slow answers, answers before the body is read with the socket
//! held open, bodies dripped a byte a second, requests never answered) at
//! a 10% rate, four writers at a time on one subject, on docker-registry
//! (tag fallback) and ferro-oci-server (referrers API). Every command runs
//! with a small stall window and `--timeout` under a wall clock, and must
//! succeed or fail with a clear error, never hang; afterwards no
//! attestation whose writer exited 0 may be missing, no index may be
//! malformed, and every image must verify.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::attach::Bench;
use crate::proxy::{FaultProxy, HANGING_FAULT_KINDS, RANDOM_FAULT_KINDS};
use crate::support::Output;
use crate::testbed::{self, Registry, http};

const ATTACHES: usize = 100;
const PUSHES: usize = 20;
const WRITERS: usize = 4;
const FAULT_RATE: f64 = 0.1;
/// The stall window of the soak's commands (CARGO_ATTEST_STALL_TIMEOUT).
const STALL: &str = "2";
/// Each soak command's `--timeout`, and the wall clock that kills it.
const TIMEOUT: &str = "90s";
const WALL: std::time::Duration = std::time::Duration::from_secs(150);

/// A soak command: bounded, so that a hang fails the soak.
fn bounded(bench: &Bench, args: &[&str]) -> Output {
    let mut all = args.to_vec();
    all.extend(["--timeout", TIMEOUT]);
    bench
        .cmd(&all)
        .env("CARGO_ATTEST_STALL_TIMEOUT", STALL)
        .run_within(WALL)
}

/// Runs `jobs` on `WRITERS` threads; returns each job's output in order.
fn in_parallel(jobs: Vec<Box<dyn Fn() -> Output + Send + Sync + '_>>) -> Vec<Output> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Output>>> = Mutex::new((0..jobs.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..WRITERS {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    let out = job();
                    results.lock().unwrap()[i] = Some(out);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|o| o.expect("every job ran"))
        .collect()
}

/// A failed command must say what went wrong, with a documented code.
fn assert_clear_failure(out: &Output) {
    if let Some(line) = out.stderr.lines().find(|l| l.starts_with("error: ")) {
        eprintln!("  failed clearly (exit {}): {line}", out.code);
    }
    assert!(
        [4, 7, 8, 9].contains(&out.code),
        "unexpected exit {}:\n{}",
        out.code,
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    assert!(
        out.stderr.lines().any(|l| l.starts_with("error: ")),
        "{}",
        out.stderr
    );
}

fn soak(reg: &'static Registry, seed: u64) {
    let proxy = FaultProxy::start(reg);
    let bench = Bench::new();
    let repo = "soak/app";
    let subject_ref = proxy.reference(&format!("{repo}:subject"));
    let subject = bench.subject(&subject_ref);

    // Bundles that name the subject, made before any fault.
    let bundles: Vec<_> = (0..ATTACHES)
        .map(|i| {
            let bundle = bench.path(&format!("a{i}.sigstore.json"));
            bench
                .run(&[
                    "--subject-name",
                    &format!("writer-{i}"),
                    "--subject-digest",
                    &subject,
                    "--key",
                    "k.pem",
                    "-o",
                    bundle.to_str().unwrap(),
                ])
                .success();
            bundle
        })
        .collect();
    for i in 0..PUSHES {
        std::fs::write(bench.path(&format!("p{i}.bin")), format!("pushed {i}")).unwrap();
    }

    let kinds: Vec<&str> = RANDOM_FAULT_KINDS
        .iter()
        .chain(&HANGING_FAULT_KINDS)
        .copied()
        .collect();
    proxy.configure_random(seed, FAULT_RATE, &kinds);
    let attaches: Vec<Box<dyn Fn() -> Output + Send + Sync>> = bundles
        .iter()
        .map(|b| {
            let (bench, subject_ref) = (&bench, &subject_ref);
            Box::new(move || {
                bounded(
                    bench,
                    &[
                        "attach",
                        subject_ref,
                        "--bundle",
                        b.to_str().unwrap(),
                        "--format",
                        "json",
                    ],
                )
            }) as Box<dyn Fn() -> Output + Send + Sync>
        })
        .collect();
    let attached = in_parallel(attaches);
    let pushes: Vec<Box<dyn Fn() -> Output + Send + Sync>> = (0..PUSHES)
        .map(|i| {
            let (bench, proxy) = (&bench, &proxy);
            Box::new(move || {
                bounded(
                    bench,
                    &[
                        "--subject-path",
                        &format!("p{i}.bin"),
                        "--key",
                        "k.pem",
                        "-o",
                        &format!("p{i}.sigstore.json"),
                        "--push",
                        &proxy.reference(&format!("{repo}:p{i}")),
                        "--format",
                        "json",
                    ],
                )
            }) as Box<dyn Fn() -> Output + Send + Sync>
        })
        .collect();
    let pushed = in_parallel(pushes);
    let faults = proxy.faults();
    proxy.disable_random();

    // Every writer that exited 0 is listed; every failure was clear.
    let mut ok_attestations = Vec::new();
    for out in &attached {
        if out.code == 0 {
            ok_attestations.push(out.json()["attestation"].as_str().unwrap().to_string());
        } else {
            assert_clear_failure(out);
        }
    }
    let (_, listed) = bench.discovered(&subject_ref);
    let lost: Vec<&String> = ok_attestations
        .iter()
        .filter(|d| !listed.contains(d))
        .collect();
    // No malformed index: the fallback tag, where there is one, parses.
    let tag = subject.replace(':', "-");
    let index = http(
        "GET",
        &format!("{}/v2/{repo}/manifests/{tag}", reg.url()),
        &["Accept: application/vnd.oci.image.index.v1+json"],
        None,
        None,
    );
    if index.status == 200 {
        let doc = index.json();
        assert_eq!(doc["mediaType"], "application/vnd.oci.image.index.v1+json");
        assert!(doc["manifests"].is_array(), "{doc}");
    }
    bench
        .run(&["verify", &subject_ref, "--key", "k.pem"])
        .success();

    let mut pushes_ok = 0;
    for (i, out) in pushed.iter().enumerate() {
        if out.code == 0 {
            pushes_ok += 1;
            let image = proxy.reference(&format!("{repo}:p{i}"));
            bench.run(&["verify", &image, "--key", "k.pem"]).success();
        } else {
            assert_clear_failure(out);
            assert!(
                !bench.path(&format!("p{i}.sigstore.json")).exists(),
                "a failed push left a bundle"
            );
        }
    }
    eprintln!(
        "soak on {}: attaches {}/{} ok ({} failed clearly), pushes {}/{} ok, lost {}, \
         referrers listed {}, faults injected {}",
        reg.name,
        ok_attestations.len(),
        ATTACHES,
        ATTACHES - ok_attestations.len(),
        pushes_ok,
        PUSHES,
        lost.len(),
        listed.len(),
        faults
    );
    assert!(lost.is_empty(), "lost attestations: {lost:?}");
    // The soak means nothing if the faults kept every command from working.
    assert!(
        ok_attestations.len() >= ATTACHES / 2,
        "too few attaches got through"
    );
    assert!(pushes_ok >= PUSHES / 4, "too few pushes got through");
}

#[test]
fn fault_soak_on_docker_registry() {
    let reg = testbed::docker_open();
    soak(reg, 0x5eed_d0c4);
}

#[test]
fn fault_soak_on_ferro() {
    let reg = testbed::ferro();
    soak(reg, 0x5eed_fe77);
}
