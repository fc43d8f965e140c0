//! Transparency log: signatures recorded in the stack's Rekor v2 log
//! (hashedrekord v0.0.2 over the DSSE PAE), their entries verified offline
//! against the log's key in the trusted root, and every kind of forged or
//! misplaced entry refused.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};

use crate::sigstore_stack::{self, SigstoreStack, TokenSpec, pem_blocks, sigstore_stack};
use crate::support::{Output, attest, node_peer};

const USAGE: i32 = 2;
const VERIFY: i32 = 5;
const SERVICE: i32 = 8;

const IDENTITY: &str =
    "https://github.com/acme/widget/.github/workflows/release.yml@refs/heads/main";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn write_json(p: &Path, v: &Value) {
    std::fs::write(p, v.to_string()).unwrap();
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

    fn verify(&self, name: &str, bundle: &Path, args: &[&str]) -> Output {
        let file = format!("{name}.bin");
        let mut all = vec!["verify", &file, "--bundle", s(bundle)];
        all.extend_from_slice(args);
        attest(&all).cwd(self.dir.path()).run()
    }
}

fn github_env(stack: &SigstoreStack) -> BTreeMap<String, String> {
    let mut env = stack.actions_env(&TokenSpec::github());
    env.insert("CI".into(), "true".into());
    env.insert("GITHUB_ACTIONS".into(), "true".into());
    env
}

fn identity(stack: &SigstoreStack, root: &Path) -> Vec<String> {
    [
        "--trusted-root",
        s(root),
        "--certificate-identity",
        IDENTITY,
        "--certificate-oidc-issuer",
        &stack.oidc_url,
    ]
    .map(String::from)
    .to_vec()
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Rewrites a copy of `bundle`'s first log entry with `change`.
fn forged(bundle: &Path, out: &Path, change: impl FnOnce(&mut Value)) -> PathBuf {
    let mut v = read_json(bundle);
    change(&mut v["verificationMaterial"]["tlogEntries"][0]);
    write_json(out, &v);
    out.to_path_buf()
}

/// A trusted root whose Rekor log has another ed25519 key (same log id).
fn root_with_other_log_key(stack: &SigstoreStack, dir: &Path) -> PathBuf {
    let key = dir.join("other-log.pem");
    let public = dir.join("other-log.pub.pem");
    for args in [
        vec!["genpkey", "-algorithm", "ed25519", "-out", s(&key)],
        vec!["pkey", "-in", s(&key), "-pubout", "-out", s(&public)],
    ] {
        let o = Command::new("openssl").args(&args).output().unwrap();
        assert!(o.status.success(), "{o:?}");
    }
    let spki = pem_blocks(&std::fs::read_to_string(&public).unwrap()).remove(0);
    let mut root = read_json(&stack.trusted_root);
    root["tlogs"][0]["publicKey"]["rawBytes"] = json!(B64.encode(spki));
    let path = dir.join("other-log-key-root.json");
    write_json(&path, &root);
    path
}

#[test]
fn keyless_signatures_are_logged_and_their_entries_verified_offline() {
    let stack = sigstore_stack();
    let job = Job::new();
    let env = github_env(stack);
    let config = ["--signing-config", s(&stack.signing_config)];
    // Two signatures, so the second's inclusion proof has hashes.
    job.sign("first", &env, &config).success();
    let v = job
        .sign("app", &env, &[config[0], config[1], "--format", "json"])
        .success()
        .json();
    assert_eq!(v["tlogEntries"], 1, "{v}");
    let bundle = job.path("app.sigstore.json");
    let b = read_json(&bundle);
    let entries = b["verificationMaterial"]["tlogEntries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{b:#}");
    assert_eq!(
        entries[0]["kindVersion"],
        json!({"kind": "hashedrekord", "version": "0.0.2"})
    );
    assert!(
        entries[0]["inclusionProof"]["checkpoint"]["envelope"]
            .as_str()
            .is_some_and(|c| c.starts_with("127.0.0.1\n")),
        "{b:#}"
    );
    assert!(
        !entries[0]["inclusionProof"]["hashes"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Ours: accepted with the log in the trusted root, no ignore flag.
    let ok = identity(stack, &stack.trusted_root);
    let mut json_args = strs(&ok);
    json_args.extend(["--format", "json"]);
    let v = job.verify("app", &bundle, &json_args).success().json();
    assert_eq!(v["signer"]["transparencyLogVerified"], true, "{v}");
    assert_eq!(v["transparencyLogVerified"], true, "{v}");

    // cosign v3 without --insecure-ignore-tlog.
    {
        let cosign = sigstore_stack::cosign();
        let out = stack.run_peer(
            &cosign,
            &[
                "verify-blob-attestation",
                "--bundle",
                s(&bundle),
                "--trusted-root",
                s(&stack.trusted_root),
                "--certificate-identity",
                IDENTITY,
                "--certificate-oidc-issuer",
                &stack.oidc_url,
                "--use-signed-timestamps",
                "--insecure-ignore-sct",
                "--type",
                "slsaprovenance1",
                s(&job.path("app.bin")),
            ],
        );
        assert_eq!(out.code, 0, "cosign refused our logged bundle: {out:?}");
    }
    // @sigstore/verify 3.x (Node 20) checks the checkpoint and inclusion
    // proof but compares a DSSE hashedrekord v0.0.2 body with SHA-256 of the
    // payload instead of the PAE (tests/README.md): it either accepts (4.x)
    // or fails on exactly that.
    {
        let out = node_peer(
            "verify-keyless.mjs",
            &[
                s(&bundle),
                s(&stack.trusted_root),
                "--identity",
                IDENTITY,
                "--issuer",
                &stack.oidc_url,
                "--tlog-threshold",
                "1",
            ],
        );
        assert!(
            out.code == 0 || out.stderr.contains("TLOG_BODY_ERROR"),
            "@sigstore/verify: {out:?}"
        );
    }

    // Refused: a root without the log, a forged checkpoint, a wrong index,
    // a flipped proof hash, another log key, an entry for another signature.
    let mut refusals: Vec<(&str, PathBuf, Vec<String>)> = vec![(
        "checkpoint",
        bundle.clone(),
        identity(stack, &stack.trusted_root_without_rekor),
    )];
    let root_hash = |e: &Value| {
        B64.decode(e["inclusionProof"]["rootHash"].as_str().unwrap())
            .unwrap()
    };
    let forged_root = forged(&bundle, &job.path("forged-root.json"), |e| {
        let old = root_hash(e);
        let mut new = old.clone();
        new[0] ^= 1;
        e["inclusionProof"]["rootHash"] = json!(B64.encode(&new));
        let envelope = e["inclusionProof"]["checkpoint"]["envelope"]
            .as_str()
            .unwrap()
            .replace(&B64.encode(&old), &B64.encode(&new));
        e["inclusionProof"]["checkpoint"]["envelope"] = json!(envelope);
    });
    refusals.push(("root hash mismatch", forged_root, ok.clone()));
    let wrong_index = forged(&bundle, &job.path("wrong-index.json"), |e| {
        let index: u64 = e["logIndex"].as_str().unwrap_or("0").parse().unwrap();
        let other = if index == 0 { 1 } else { index - 1 };
        e["logIndex"] = json!(other.to_string());
        e["inclusionProof"]["logIndex"] = json!(other.to_string());
    });
    refusals.push(("inclusion proof", wrong_index, ok.clone()));
    let flipped = forged(&bundle, &job.path("flipped.json"), |e| {
        let mut h = B64
            .decode(e["inclusionProof"]["hashes"][0].as_str().unwrap())
            .unwrap();
        h[31] ^= 0x80;
        e["inclusionProof"]["hashes"][0] = json!(B64.encode(h));
    });
    refusals.push(("root hash mismatch", flipped, ok.clone()));
    refusals.push((
        "signature found on checkpoint",
        bundle.clone(),
        identity(stack, &root_with_other_log_key(stack, job.dir.path())),
    ));
    let first_entry =
        read_json(&job.path("first.sigstore.json"))["verificationMaterial"]["tlogEntries"][0]
            .clone();
    let misplaced = forged(&bundle, &job.path("misplaced.json"), |e| *e = first_entry);
    refusals.push(("artifact hash mismatch", misplaced, ok.clone()));
    for (why, forged_bundle, flags) in refusals {
        job.verify("app", &forged_bundle, &strs(&flags))
            .fails_with(VERIFY, why);
    }
    // Ignoring the log is explicit.
    let mut ignoring = identity(stack, &stack.trusted_root_without_rekor);
    ignoring.push("--insecure-ignore-tlog".into());
    job.verify("app", &bundle, &strs(&ignoring)).success();
}

#[test]
fn key_signatures_are_logged_when_asked() {
    let stack = sigstore_stack();
    let job = Job::new();
    for (name, alg) in [("k.pem", "p256"), ("ed.pem", "ed25519")] {
        attest(&[
            "key",
            "generate",
            "--algorithm",
            alg,
            "--output",
            s(&job.path(name)),
            "--unencrypted",
        ])
        .run()
        .success();
    }
    let none = BTreeMap::new();
    let tsa = stack.tsa_timestamp_url();
    let v = job
        .sign(
            "app",
            &none,
            &[
                "--key",
                "k.pem",
                "--tlog-upload",
                "--rekor-url",
                &stack.rekor_url,
                "--timestamp-server-url",
                &tsa,
                "--format",
                "json",
            ],
        )
        .success()
        .json();
    assert_eq!(v["tlogEntries"], 1, "{v}");
    let bundle = job.path("app.sigstore.json");
    let root = s(&stack.trusted_root);
    let v = job
        .verify(
            "app",
            &bundle,
            &["--key", "k.pem", "--trusted-root", root, "--format", "json"],
        )
        .success()
        .json();
    assert_eq!(v["transparencyLogVerified"], true, "{v}");
    assert_eq!(v["signedTimestamps"].as_array().map(Vec::len), Some(1));
    // The entry is checked even though key bundles need none by default.
    job.verify(
        "app",
        &bundle,
        &[
            "--key",
            "k.pem",
            "--trusted-root",
            s(&stack.trusted_root_without_rekor),
        ],
    )
    .fails_with(VERIFY, "verification failed");

    // Without upload (the default for keys), a threshold asks for one.
    job.sign("plain", &none, &["--key", "k.pem"]).success();
    let plain = job.path("plain.sigstore.json");
    job.verify("plain", &plain, &["--key", "k.pem"]).success();
    job.verify(
        "plain",
        &plain,
        &[
            "--key",
            "k.pem",
            "--trusted-root",
            root,
            "--tlog-threshold",
            "1",
        ],
    )
    .fails_with(VERIFY, "0 transparency log entries, 1 required");

    // Rekor v2 records P-256 signatures only.
    job.sign(
        "ed",
        &none,
        &[
            "--key",
            "ed.pem",
            "--tlog-upload",
            "--rekor-url",
            &stack.rekor_url,
        ],
    )
    .fails_with(USAGE, "ECDSA P-256");
    // --tlog-upload with no log named.
    job.sign("nolog", &none, &["--key", "k.pem", "--tlog-upload"])
        .fails_with(USAGE, "--rekor-url");
}

#[test]
fn an_unreachable_rekor_fails_signing_and_writes_no_bundle() {
    let stack = sigstore_stack();
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let job = Job::new();
    let out = job.sign(
        "app",
        &github_env(stack),
        &[
            "--fulcio-url",
            &stack.fulcio_url,
            "--timestamp-server-url",
            &stack.tsa_timestamp_url(),
            "--rekor-url",
            &closed,
        ],
    );
    out.fails_with(SERVICE, "Rekor");
    assert!(!job.path("app.sigstore.json").exists());
}
