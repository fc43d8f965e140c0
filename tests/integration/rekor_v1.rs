//! Rekor v1, the public-good instance's default log: signatures recorded in
//! a real local Rekor v1 (rekor_v1_stack.rs) as `dsse` v0.0.1 entries with
//! inclusion promise and proof; keyless without a TSA (the log's signed
//! integration time is the signed time), key-based with the public key in
//! the entry; ours, cosign and @sigstore/verify accept the keyless bundle,
//! ours and cosign refuse tampered files and wrong identities; a log answer
//! that does not verify is refused and no bundle is written.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};

use crate::proxy::FaultProxy;
use crate::rekor_v1_stack::rekor_v1;
use crate::sigstore_stack::{self, SigstoreStack, TokenSpec};
use crate::support::{Output, attest, node_peer};
use crate::testbed::http;

const VERIFY: i32 = 5;
const SERVICE: i32 = 8;

const IDENTITY: &str =
    "https://github.com/acme/widget/.github/workflows/release.yml@refs/heads/main";
const OTHER_IDENTITY: &str =
    "https://github.com/evil/widget/.github/workflows/release.yml@refs/heads/main";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

struct Job {
    dir: tempfile::TempDir,
}

impl Job {
    fn new() -> Self {
        Job {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Signs a fresh file `NAME.bin` into `NAME.sigstore.json`.
    fn sign(&self, name: &str, env: &BTreeMap<String, String>, args: &[&str]) -> Output {
        std::fs::write(self.path(&format!("{name}.bin")), format!("{name}\n")).unwrap();
        let file = format!("{name}.bin");
        let bundle = format!("{name}.sigstore.json");
        let mut all = vec!["--subject-path", &file, "-o", &bundle];
        all.extend_from_slice(args);
        attest(&all).envs(env).cwd(self.dir.path()).run()
    }

    fn verify(&self, file: &str, bundle: &Path, args: &[&str]) -> Output {
        let mut all = vec!["verify", file, "--bundle", s(bundle)];
        all.extend_from_slice(args);
        attest(&all).cwd(self.dir.path()).run()
    }

    fn key(&self, name: &str, algorithm: &str) {
        attest(&[
            "key",
            "generate",
            "--algorithm",
            algorithm,
            "--output",
            s(&self.path(name)),
            "--unencrypted",
        ])
        .run()
        .success();
    }
}

fn github_env(stack: &SigstoreStack) -> BTreeMap<String, String> {
    let mut env = stack.actions_env(&TokenSpec::github());
    env.insert("CI".into(), "true".into());
    env.insert("GITHUB_ACTIONS".into(), "true".into());
    env
}

/// The bundle's only log entry, checked to be a Rekor v1 `dsse` entry with
/// everything a verifier needs, from the log `log_id`.
fn only_v1_entry(bundle: &Path, log_id: &str) -> Value {
    let b = read_json(bundle);
    let entries = b["verificationMaterial"]["tlogEntries"]
        .as_array()
        .unwrap_or_else(|| panic!("no tlogEntries: {b:#}"));
    assert_eq!(entries.len(), 1, "{b:#}");
    let e = entries[0].clone();
    assert_eq!(
        e["kindVersion"],
        json!({"kind": "dsse", "version": "0.0.1"}),
        "{e:#}"
    );
    assert_eq!(e["logId"]["keyId"], log_id, "{e:#}");
    assert!(e["integratedTime"].as_str().is_some(), "{e:#}");
    assert!(
        e["inclusionPromise"]["signedEntryTimestamp"]
            .as_str()
            .is_some_and(|s| !s.is_empty()),
        "{e:#}"
    );
    assert!(
        e["inclusionProof"]["checkpoint"]["envelope"]
            .as_str()
            .is_some_and(|c| c.starts_with("127.0.0.1 - ")),
        "{e:#}"
    );
    assert!(e["inclusionProof"]["rootHash"].as_str().is_some(), "{e:#}");
    assert!(e["canonicalizedBody"].as_str().is_some(), "{e:#}");
    e
}

/// The entry's body, decoded.
fn body(entry: &Value) -> Value {
    serde_json::from_slice(
        &B64.decode(entry["canonicalizedBody"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap()
}

#[test]
fn keyless_without_a_tsa_records_one_dsse_entry_that_ours_and_cosign_verify() {
    let (stack, log) = rekor_v1();
    let job = Job::new();
    let env = github_env(stack);
    let config = ["--signing-config", s(&log.signing_config)];
    let out = job.sign("app", &env, &[config[0], config[1], "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}\n{}", log.log_tail());
    let v = out.json();
    assert_eq!(v["tlogEntries"], 1, "{v}");
    assert!(
        v["signedTimestamps"].as_array().is_none_or(Vec::is_empty),
        "no TSA: {v}"
    );
    let bundle = job.path("app.sigstore.json");
    let entry = only_v1_entry(&bundle, &log.log_id);
    let b = read_json(&bundle);
    let tsa = &b["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"];
    assert!(
        tsa.is_null() || tsa.as_array().is_some_and(Vec::is_empty),
        "{b:#}"
    );
    // The log recorded the certificate as the verifier.
    let verifier = B64
        .decode(
            body(&entry)["spec"]["signatures"][0]["verifier"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
    assert!(
        String::from_utf8(verifier)
            .unwrap()
            .contains("BEGIN CERTIFICATE"),
        "{entry:#}"
    );

    // Ours: the log in the trusted root, no ignore flag; the integration
    // time is the signed time the certificate is checked at.
    let ours = |file: &str, identity: &str, more: &[&str]| {
        let mut args = vec![
            "--trusted-root",
            s(&log.trusted_root),
            "--certificate-identity",
            identity,
            "--certificate-oidc-issuer",
            &stack.oidc_url,
        ];
        args.extend_from_slice(more);
        job.verify(file, &bundle, &args)
    };
    let v = ours("app.bin", IDENTITY, &["--format", "json"])
        .success()
        .json();
    assert_eq!(v["transparencyLogVerified"], true, "{v}");
    // cosign v3: no --insecure-ignore-tlog, no --use-signed-timestamps.
    // (--insecure-ignore-sct only because the stack's Fulcio has no CT log.)
    let cosign = |file: &Path, identity: &str| {
        let cosign = sigstore_stack::cosign();
        {
            stack.run_peer(
                &cosign,
                &[
                    "verify-blob-attestation",
                    "--bundle",
                    s(&bundle),
                    "--trusted-root",
                    s(&log.trusted_root),
                    "--certificate-identity",
                    identity,
                    "--certificate-oidc-issuer",
                    &stack.oidc_url,
                    "--insecure-ignore-sct",
                    "--type",
                    "slsaprovenance1",
                    s(file),
                ],
            )
        }
    };
    {
        let out = cosign(&job.path("app.bin"), IDENTITY);
        assert_eq!(out.code, 0, "cosign refused our Rekor v1 bundle: {out:?}");
    }

    // @sigstore/verify: the entry is its log entry and its signed time
    // (thresholds 1 and 1, no TSA timestamp in the bundle).
    {
        let out = node_peer(
            "verify-keyless.mjs",
            &[
                s(&bundle),
                s(&log.trusted_root),
                "--identity",
                IDENTITY,
                "--issuer",
                &stack.oidc_url,
            ],
        );
        assert_eq!(out.code, 0, "@sigstore/verify: {out:?}");
    }

    // A tampered file and a wrong identity: refused by both.
    // Same name as the subject, other content.
    let mut tampered = std::fs::read(job.path("app.bin")).unwrap();
    tampered[0] ^= 1;
    let elsewhere = job.path("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("app.bin"), &tampered).unwrap();
    ours(s(&elsewhere.join("app.bin")), IDENTITY, &[]).fails_with(VERIFY, "");
    ours("app.bin", OTHER_IDENTITY, &[]).fails_with(VERIFY, "identity");
    {
        let out = cosign(&elsewhere.join("app.bin"), IDENTITY);
        assert_ne!(out.code, 0, "cosign accepted a tampered file: {out:?}");
    }
    {
        let out = cosign(&job.path("app.bin"), OTHER_IDENTITY);
        assert_ne!(out.code, 0, "cosign accepted a wrong identity: {out:?}");
    }

    // A root without the log: the entry cannot verify, and keyless needs one.
    job.verify(
        "app.bin",
        &bundle,
        &[
            "--trusted-root",
            s(&stack.trusted_root_without_rekor),
            "--certificate-identity",
            IDENTITY,
            "--certificate-oidc-issuer",
            &stack.oidc_url,
        ],
    )
    .fails_with(VERIFY, "");
    // The same entry twice is still one witness.
    let mut twice = read_json(&bundle);
    let again = twice["verificationMaterial"]["tlogEntries"][0].clone();
    twice["verificationMaterial"]["tlogEntries"]
        .as_array_mut()
        .unwrap()
        .push(again);
    let twice_path = job.path("twice.sigstore.json");
    std::fs::write(&twice_path, twice.to_string()).unwrap();
    job.verify(
        "app.bin",
        &twice_path,
        &[
            "--trusted-root",
            s(&log.trusted_root),
            "--certificate-identity",
            IDENTITY,
            "--certificate-oidc-issuer",
            &stack.oidc_url,
            "--tlog-threshold",
            "2",
        ],
    )
    .fails_with(VERIFY, "1 transparency log entry");
}

#[test]
fn keys_are_recorded_in_rekor_v1_with_their_public_key() {
    let (stack, log) = rekor_v1();
    let job = Job::new();
    let none = BTreeMap::new();
    for (name, algorithm) in [("k.pem", "p256"), ("ed.pem", "ed25519")] {
        job.key(name, algorithm);
        let stem = name.trim_end_matches(".pem");
        let v = job
            .sign(
                stem,
                &none,
                &[
                    "--key",
                    name,
                    "--tlog-upload",
                    "--rekor-url",
                    &log.url,
                    "--rekor-version",
                    "1",
                    "--format",
                    "json",
                ],
            )
            .success()
            .json();
        assert_eq!(v["tlogEntries"], 1, "{v}");
        let bundle = job.path(&format!("{stem}.sigstore.json"));
        let entry = only_v1_entry(&bundle, &log.log_id);
        let verifier = B64
            .decode(
                body(&entry)["spec"]["signatures"][0]["verifier"]
                    .as_str()
                    .unwrap(),
            )
            .unwrap();
        assert!(
            String::from_utf8(verifier)
                .unwrap()
                .contains("BEGIN PUBLIC KEY"),
            "{entry:#}"
        );
        let v = job
            .verify(
                &format!("{stem}.bin"),
                &bundle,
                &[
                    "--key",
                    name,
                    "--trusted-root",
                    s(&log.trusted_root),
                    "--format",
                    "json",
                ],
            )
            .success()
            .json();
        assert_eq!(v["transparencyLogVerified"], true, "{v}");
    }
    // The wrong API version for a log: refused, saying which to pass.
    for (url, version, hint) in [
        (&log.url, "2", "--rekor-version 1"),
        (&stack.rekor_url, "1", "--rekor-version 2"),
    ] {
        let out = job.sign(
            "wrong",
            &none,
            &[
                "--key",
                "k.pem",
                "--tlog-upload",
                "--rekor-url",
                url,
                "--rekor-version",
                version,
            ],
        );
        out.fails_with(SERVICE, hint);
        assert!(!job.path("wrong.sigstore.json").exists());
    }
}

/// A one-connection-at-a-time HTTP proxy to `upstream` that rewrites the
/// answer to `POST /api/v1/log/entries` with `change` (a log, or something
/// between, that vouches for what it cannot prove).
fn lying_log(upstream: &str, change: fn(&mut Value)) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let upstream = upstream.to_string();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let mut reader = BufReader::new(conn.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((k, v)) = line.split_once(':')
                    && k.eq_ignore_ascii_case("content-length")
                {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                continue;
            }
            let mut parts = request_line.split_whitespace();
            let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            let answer = http(
                method,
                &format!("{upstream}{path}"),
                &["Content-Type: application/json"],
                (method == "POST").then_some(body.as_slice()),
                None,
            );
            let mut out = answer.body.clone();
            if method == "POST" && path == "/api/v1/log/entries" && answer.status == 201 {
                let mut v: Value = serde_json::from_slice(&out).unwrap();
                for entry in v.as_object_mut().unwrap().values_mut() {
                    change(entry);
                }
                out = v.to_string().into_bytes();
            }
            let _ = write!(
                conn,
                "HTTP/1.1 {} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n",
                answer.status,
                out.len()
            );
            let _ = conn.write_all(&out);
        }
    });
    url
}

fn flip_base64(v: &mut Value) {
    let mut bytes = B64.decode(v.as_str().unwrap()).unwrap();
    bytes[10] ^= 1;
    *v = json!(B64.encode(bytes));
}

fn flip_hex(v: &mut Value) {
    let mut bytes = hex::decode(v.as_str().unwrap()).unwrap();
    bytes[0] ^= 1;
    *v = json!(hex::encode(bytes));
}

#[test]
fn a_log_answer_that_does_not_verify_is_refused_and_no_bundle_is_written() {
    let (_, log) = rekor_v1();
    let job = Job::new();
    job.key("k.pem", "p256");
    let none = BTreeMap::new();
    let direct = [
        "--key",
        "k.pem",
        "--tlog-upload",
        "--rekor-version",
        "1",
        "--rekor-url",
    ];
    // An honest entry first, so the next one's inclusion proof has hashes.
    let mut args = direct.to_vec();
    args.push(&log.url);
    let out = job.sign("honest", &none, &args);
    out.success();
    // The integration time is a signed time: people are shown it.
    assert!(
        out.stdout
            .contains("Recorded in the transparency log at 20"),
        "{out:?}"
    );

    // (name, how the answer lies, what the refusal names)
    type Lie = fn(&mut Value);
    let cases: [(&str, Lie, &str); 4] = [
        (
            "bad-set",
            |e| flip_base64(&mut e["verification"]["signedEntryTimestamp"]),
            "signed entry timestamp",
        ),
        (
            "bad-proof",
            |e| flip_hex(&mut e["verification"]["inclusionProof"]["hashes"][0]),
            "inclusion proof",
        ),
        (
            "bad-root",
            |e| flip_hex(&mut e["verification"]["inclusionProof"]["rootHash"]),
            "inclusion proof",
        ),
        (
            "bad-time",
            |e| {
                let t = e["integratedTime"].as_i64().unwrap();
                e["integratedTime"] = json!(t - 1);
            },
            "signed entry timestamp",
        ),
    ];
    for (name, change, why) in cases {
        let proxy = lying_log(&log.url, change);
        let mut args = direct.to_vec();
        args.push(&proxy);
        let out = job.sign(name, &none, &args);
        out.fails_with(SERVICE, "does not verify");
        assert!(out.stderr.contains(why), "{name}: {out:?}");
        assert!(
            out.stderr.contains("no bundle was written"),
            "{name}: {out:?}"
        );
        assert!(
            !job.path(&format!("{name}.sigstore.json")).exists(),
            "{name}: a bundle was written"
        );
    }
    // The proxy itself is honest when nothing is changed.
    let proxy = lying_log(&log.url, |_| {});
    let mut args = direct.to_vec();
    args.push(&proxy);
    job.sign("relayed", &none, &args).success();
}

/// The log records the entry but its answer is lost (a proxy in between
/// answers 503 after the log has answered); the client's retry then meets
/// 409, "an equivalent entry already exists". The signature is in the log:
/// the run fetches that entry, checks it like a fresh answer, and succeeds,
/// instead of failing (and, re-run, logging the artifact twice).
#[test]
fn an_entry_recorded_before_its_answer_was_lost_is_fetched_not_refused() {
    let (_, log) = rekor_v1();
    let proxy = FaultProxy::start_before("rekor-v1", &log.url);
    proxy.add_rules(json!({
        "method": "POST",
        "path_regex": "^/api/v1/log/entries$",
        "nth": 1,
        "when": "after",
        "action": {"status": 503, "body": "the answer was lost on the way"}
    }));
    let job = Job::new();
    job.key("k.pem", "p256");
    let none = BTreeMap::new();
    let url = proxy.url();
    let out = job.sign(
        "lost",
        &none,
        &[
            "--key",
            "k.pem",
            "--tlog-upload",
            "--rekor-version",
            "1",
            "--rekor-url",
            &url,
            "--format",
            "json",
        ],
    );
    let v = out.success().json();
    assert_eq!(v["tlogEntries"], 1, "{v}");
    let faults = proxy.fault_log();
    assert_eq!(
        faults.len(),
        1,
        "the lost answer was not injected: {faults:?}"
    );
    assert_eq!(
        faults[0]["upstream_status"], 201,
        "the log did not record the first POST, so no 409 was met: {faults:?}"
    );
    let bundle = job.path("lost.sigstore.json");
    let entry = only_v1_entry(&bundle, &log.log_id);
    assert!(
        entry["inclusionProof"]["checkpoint"]["envelope"].is_string(),
        "{entry:#}"
    );
    job.verify(
        "lost.bin",
        &bundle,
        &["--key", "k.pem", "--trusted-root", s(&log.trusted_root)],
    )
    .success();
}
