//! The keyless stack (sigstore_stack.rs) works without our product, and its
//! trusted root and signing config are right: real peers (cosign v3,
//! @sigstore/verify) sign against it and verify with them, Fulcio takes the
//! issuer's GitHub- and GitLab-shaped tokens and refuses bad ones, and the
//! Actions token-request endpoint checks its request token.

use std::path::Path;
use std::process::Command;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD as B64, URL_SAFE_NO_PAD as B64URL};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::sigstore_stack::{
    self, CosignBundle, SigstoreStack, TokenSpec, cosign_keyless_blob_signature_rekor,
    cosign_keyless_bundle, cosign_keyless_bundle_rekor, pem_blocks, sigstore_stack,
};
use crate::support::{Output, node_peer};
use crate::testbed::http;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// The claims of a JWT (not verified: only to look).
fn jwt_claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&B64URL.decode(payload).unwrap()).unwrap()
}

/// Asks Fulcio for a certificate with `jwt`, proving possession of a fresh
/// P-256 key by signing `subject` with openssl. Returns (status, body).
fn fulcio_sign(stack: &SigstoreStack, jwt: &str, subject: &str) -> (u16, Value) {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.pem");
    let openssl = |args: &[&str]| {
        let o = Command::new("openssl").args(args).output().unwrap();
        assert!(o.status.success(), "openssl {args:?}: {o:?}");
        o.stdout
    };
    openssl(&[
        "ecparam",
        "-name",
        "prime256v1",
        "-genkey",
        "-noout",
        "-out",
        s(&key),
    ]);
    let public = String::from_utf8(openssl(&["ec", "-in", s(&key), "-pubout"])).unwrap();
    let subject_file = dir.path().join("subject");
    std::fs::write(&subject_file, subject).unwrap();
    let sig = openssl(&["dgst", "-sha256", "-sign", s(&key), s(&subject_file)]);
    let body = json!({
        "credentials": {"oidcIdentityToken": jwt},
        "publicKeyRequest": {
            "publicKey": {"algorithm": "ECDSA", "content": public},
            "proofOfPossession": B64.encode(sig),
        },
    })
    .to_string();
    let r = http(
        "POST",
        &format!("{}/api/v2/signingCert", stack.fulcio_url),
        &["Content-Type: application/json"],
        Some(body.as_bytes()),
        None,
    );
    let v = serde_json::from_slice(&r.body).unwrap_or(Value::String(r.text()));
    (r.status, v)
}

/// The leaf certificate's text dump (openssl x509 -text) from a Fulcio
/// answer.
fn leaf_text(answer: &Value) -> String {
    let chain = answer["signedCertificateDetachedSct"]["chain"]["certificates"]
        .as_array()
        .or_else(|| answer["signedCertificateEmbeddedSct"]["chain"]["certificates"].as_array())
        .unwrap_or_else(|| panic!("no chain in {answer}"));
    let dir = tempfile::tempdir().unwrap();
    let leaf = dir.path().join("leaf.pem");
    std::fs::write(&leaf, chain[0].as_str().unwrap()).unwrap();
    let o = Command::new("openssl")
        .args(["x509", "-noout", "-text", "-in", s(&leaf)])
        .output()
        .unwrap();
    assert!(o.status.success());
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn sigstore_stack_trusted_root_matches_the_services() {
    let stack = sigstore_stack();
    let root = read_json(&stack.trusted_root);
    assert_eq!(root["mediaType"], sigstore_stack::TRUSTED_ROOT_MEDIA_TYPE);
    // Fulcio's chain: every certificate of its trust bundle.
    let fulcio_ders = pem_blocks(&std::fs::read_to_string(&stack.fulcio_chain_pem).unwrap());
    let ca = &root["certificateAuthorities"][0]["certChain"]["certificates"];
    assert_eq!(ca.as_array().unwrap().len(), fulcio_ders.len());
    assert_eq!(ca[0]["rawBytes"], B64.encode(&fulcio_ders[0]));
    // The TSA's chain, leaf first.
    let tsa_ders = pem_blocks(&std::fs::read_to_string(&stack.tsa_chain_pem).unwrap());
    assert!(tsa_ders.len() >= 2, "TSA chain of {}", tsa_ders.len());
    let tsa = &root["timestampAuthorities"][0]["certChain"]["certificates"];
    assert_eq!(tsa[0]["rawBytes"], B64.encode(&tsa_ders[0]));

    // The Rekor log: its checkpoint (a plain file in its storage) names the
    // origin "127.0.0.1" and is signed with a key hint that is the first
    // four bytes of the trusted root's logId.keyId.
    let tlog = &root["tlogs"][0];
    assert_eq!(tlog["baseUrl"], stack.rekor_url.as_str());
    assert_eq!(tlog["publicKey"]["keyDetails"], "PKIX_ED25519");
    let log_id = B64
        .decode(tlog["logId"]["keyId"].as_str().unwrap())
        .unwrap();
    let checkpoint = std::fs::read_to_string(stack.rekor_storage.join("checkpoint")).unwrap();
    assert_eq!(checkpoint.lines().next(), Some("127.0.0.1"), "{checkpoint}");
    let sig_line = checkpoint
        .lines()
        .find(|l| l.starts_with("\u{2014} 127.0.0.1 "))
        .unwrap_or_else(|| panic!("no signature line: {checkpoint}"));
    let sig = B64.decode(sig_line.rsplit(' ').next().unwrap()).unwrap();
    assert_eq!(sig[..4], log_id[..4], "checkpoint key hint vs logId");

    let without = read_json(&stack.trusted_root_without_rekor);
    assert_eq!(without["tlogs"], json!([]));
    assert_eq!(
        without["certificateAuthorities"],
        root["certificateAuthorities"]
    );

    let config = read_json(&stack.signing_config);
    assert_eq!(
        config["mediaType"],
        sigstore_stack::SIGNING_CONFIG_MEDIA_TYPE
    );
    assert_eq!(config["caUrls"][0]["url"], stack.fulcio_url.as_str());
    assert_eq!(
        config["tsaUrls"][0]["url"],
        stack.tsa_timestamp_url().as_str()
    );
    assert_eq!(config["rekorTlogUrls"][0]["url"], stack.rekor_url.as_str());
    assert_eq!(config["rekorTlogUrls"][0]["majorApiVersion"], 2);
    let config = read_json(&stack.signing_config_without_rekor);
    assert_eq!(config["rekorTlogUrls"], json!([]));
}

#[test]
fn sigstore_stack_fulcio_takes_github_and_gitlab_tokens_and_refuses_bad_ones() {
    let stack = sigstore_stack();
    for (spec, san, issuer) in [
        (
            TokenSpec::github().repository("octo/tool"),
            "https://github.com/octo/tool/.github/workflows/release.yml@refs/heads/main",
            stack.oidc_url.clone(),
        ),
        (
            TokenSpec::gitlab().repository("group/proj"),
            "https://gitlab.com/group/proj//.gitlab-ci.yml@refs/heads/main",
            stack.gitlab_issuer_url.clone(),
        ),
    ] {
        let token = stack.mint(&spec);
        assert_eq!(token.identity(), san);
        assert_eq!(token.issuer(), issuer);
        assert_eq!(stack.issuer(spec.ci), issuer);
        let (status, answer) = fulcio_sign(stack, &token.jwt, &token.subject());
        assert_eq!(status, 200, "{answer}\n{}", stack.log_tail());
        let text = leaf_text(&answer);
        assert!(text.contains(&format!("URI:{san}")), "{text}");
        assert!(text.contains(&issuer), "{text}");

        // Refused: expired, wrong audience, a claim Fulcio needs left out,
        // and a proof of possession over something else than `sub`.
        let bad = [
            ("expired", spec.clone().expired()),
            ("wrong audience", spec.clone().audience("not-sigstore")),
            ("no sha", spec.clone().without_claim("sha")),
        ];
        for (what, bad_spec) in bad {
            let t = stack.mint(&bad_spec);
            let (status, answer) = fulcio_sign(stack, &t.jwt, &t.subject());
            assert!(
                (400..500).contains(&status),
                "{what} {:?} token: {status} {answer}",
                spec.ci
            );
        }
        let (status, answer) = fulcio_sign(stack, &token.jwt, "someone else");
        assert!(
            (400..500).contains(&status),
            "wrong proof of possession: {status} {answer}"
        );
    }
}

#[test]
fn sigstore_stack_actions_token_endpoint_checks_the_request_token() {
    let stack = sigstore_stack();
    let get = |env: &std::collections::BTreeMap<String, String>, token: &str, aud: Option<&str>| {
        let mut url = env["ACTIONS_ID_TOKEN_REQUEST_URL"].clone();
        if let Some(a) = aud {
            url.push_str(&format!("&audience={a}"));
        }
        http(
            "GET",
            &url,
            &[&format!("Authorization: bearer {token}")],
            None,
            None,
        )
    };
    let env = stack.default_actions_env();
    let r = get(
        &env,
        &env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"],
        Some("sigstore"),
    );
    assert_eq!(r.status, 200, "{r:?}");
    let claims = jwt_claims(r.json()["value"].as_str().unwrap());
    assert_eq!(claims["aud"], "sigstore");
    assert_eq!(claims["iss"], stack.oidc_url.as_str());
    assert_eq!(claims["sub"], "repo:acme/widget:ref:refs/heads/main");
    for name in [
        "job_workflow_ref",
        "job_workflow_sha",
        "sha",
        "event_name",
        "repository",
        "workflow",
        "ref",
        "runner_environment",
        "repository_id",
        "repository_owner",
        "repository_owner_id",
        "repository_visibility",
        "workflow_ref",
        "workflow_sha",
        "run_id",
        "run_attempt",
    ] {
        assert!(
            claims[name].as_str().is_some_and(|v| !v.is_empty()),
            "{name} in {claims}"
        );
    }
    // Without `audience`: GitHub's default, the owner's URL.
    let r = get(&env, &env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"], None);
    assert_eq!(
        jwt_claims(r.json()["value"].as_str().unwrap())["aud"],
        "https://github.com/acme"
    );
    assert_eq!(get(&env, "wrong-token", Some("sigstore")).status, 401);

    // A registered identity: its own pair, its own claims.
    let other = stack.actions_env(&TokenSpec::github().repository("other/repo"));
    assert_ne!(
        other["ACTIONS_ID_TOKEN_REQUEST_TOKEN"],
        env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"]
    );
    let r = get(&other, &other["ACTIONS_ID_TOKEN_REQUEST_TOKEN"], Some("x"));
    assert_eq!(r.status, 200, "{r:?}");
    let claims = jwt_claims(r.json()["value"].as_str().unwrap());
    assert_eq!(claims["repository"], "other/repo");
    assert_eq!(claims["aud"], "x");

    // A real client of the flow: cosign v3 picks the token up from the
    // environment (its github-actions provider) and signs through the
    // signing config without Rekor.
    let cosign = sigstore_stack::cosign();
    let dir = tempfile::tempdir().unwrap();
    let blob = dir.path().join("blob.txt");
    std::fs::write(&blob, b"signed in a pretend Actions job\n").unwrap();
    let bundle = dir.path().join("blob.sigstore.json");
    let mut cmd = Command::new(&cosign);
    cmd.args(["sign-blob", "--yes", "--bundle", s(&bundle)])
        .args(["--signing-config", s(&stack.signing_config_without_rekor)])
        .args(["--trusted-root", s(&stack.trusted_root_without_rekor)])
        .arg(&blob)
        .envs(stack.peer_env())
        .envs(&other)
        .env_remove("SIGSTORE_ID_TOKEN");
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "cosign sign-blob in Actions: {out:?}");
    let identity = "https://github.com/other/repo/.github/workflows/release.yml@refs/heads/main";
    let out = stack.run_peer(
        &cosign,
        &[
            "verify-blob",
            "--bundle",
            s(&bundle),
            "--trusted-root",
            s(&stack.trusted_root_without_rekor),
            "--certificate-identity",
            identity,
            "--certificate-oidc-issuer",
            &stack.oidc_url,
            "--use-signed-timestamps",
            "--insecure-ignore-tlog",
            "--insecure-ignore-sct",
            s(&blob),
        ],
    );
    assert_eq!(out.code, 0, "{out:?}");
}

/// `cosign verify-blob-attestation` of a stack bundle; `extra` adds flags.
fn cosign_verify(
    stack: &SigstoreStack,
    b: &CosignBundle,
    trusted_root: &Path,
    identity: &str,
    extra: &[&str],
) -> Output {
    let cosign = sigstore_stack::cosign();
    let mut args = vec![
        "verify-blob-attestation",
        "--bundle",
        s(&b.bundle),
        "--trusted-root",
        s(trusted_root),
        "--certificate-identity",
        identity,
        "--certificate-oidc-issuer",
        &b.issuer,
        "--use-signed-timestamps",
        "--insecure-ignore-sct",
        "--type",
        "slsaprovenance1",
    ];
    args.extend_from_slice(extra);
    args.push(s(&b.artifact));
    stack.run_peer(&cosign, &args)
}

#[test]
fn sigstore_stack_cosign_keyless_with_tsa_only() {
    let b = cosign_keyless_bundle();
    let stack = sigstore_stack();
    let bundle = read_json(&b.bundle);
    assert_eq!(
        bundle["mediaType"],
        "application/vnd.dev.sigstore.bundle.v0.3+json"
    );
    assert!(bundle["verificationMaterial"]["certificate"]["rawBytes"].is_string());
    assert!(
        bundle["verificationMaterial"]["tlogEntries"]
            .as_array()
            .is_none_or(Vec::is_empty),
        "{bundle:#}"
    );
    assert_eq!(
        bundle["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(
        b.statement["predicateType"],
        "https://slsa.dev/provenance/v1"
    );

    for root in [&stack.trusted_root_without_rekor, &stack.trusted_root] {
        let out = cosign_verify(stack, b, root, &b.identity, &["--insecure-ignore-tlog"]);
        assert_eq!(out.code, 0, "cosign rejected its own bundle: {out:?}");
    }
    let other = "https://github.com/evil/repo/.github/workflows/release.yml@refs/heads/main";
    let out = cosign_verify(
        stack,
        b,
        &stack.trusted_root_without_rekor,
        other,
        &["--insecure-ignore-tlog"],
    );
    assert_ne!(out.code, 0, "cosign accepted another identity: {out:?}");
    // Without --insecure-ignore-tlog it wants a log entry.
    let out = cosign_verify(stack, b, &stack.trusted_root, &b.identity, &[]);
    assert_ne!(
        out.code, 0,
        "cosign accepted a bundle without tlog entry: {out:?}"
    );
}

#[test]
fn sigstore_stack_cosign_keyless_with_rekor_v2() {
    let b = cosign_keyless_bundle_rekor();
    let stack = sigstore_stack();
    let bundle = read_json(&b.bundle);
    let entry = &bundle["verificationMaterial"]["tlogEntries"][0];
    // cosign v3.1.3 (sigstore-go v1.2.2) logs a DSSE envelope in Rekor v2
    // as hashedrekord v0.0.2 over the envelope's PAE (rekor-tiles v2.3.0
    // deprecates its dsse type); entry 0 has no logIndex key.
    assert_eq!(
        entry["kindVersion"],
        json!({"kind": "hashedrekord", "version": "0.0.2"}),
        "{bundle:#}"
    );
    let body: Value = serde_json::from_slice(
        &B64.decode(entry["canonicalizedBody"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    let envelope = &bundle["dsseEnvelope"];
    let payload_type = envelope["payloadType"].as_str().unwrap();
    let mut pae = format!(
        "DSSEv1 {} {payload_type} {} ",
        payload_type.len(),
        b.payload.len()
    )
    .into_bytes();
    pae.extend_from_slice(&b.payload);
    assert_eq!(
        body["spec"]["hashedRekordV002"]["data"]["digest"],
        B64.encode(Sha256::digest(&pae)),
        "{body:#}"
    );
    assert_eq!(entry["logId"]["keyId"], stack.rekor_log_id.as_str());
    assert!(entry["inclusionProof"]["checkpoint"]["envelope"].is_string());

    let out = cosign_verify(stack, b, &stack.trusted_root, &b.identity, &[]);
    assert_eq!(out.code, 0, "cosign rejected its Rekor v2 bundle: {out:?}");
    let other = "https://github.com/acme/widget/.github/workflows/other.yml@refs/heads/main";
    let out = cosign_verify(stack, b, &stack.trusted_root, other, &[]);
    assert_ne!(out.code, 0, "cosign accepted another identity: {out:?}");
    // The log is really checked: without it in the trusted root, refused.
    let out = cosign_verify(
        stack,
        b,
        &stack.trusted_root_without_rekor,
        &b.identity,
        &[],
    );
    assert_ne!(
        out.code, 0,
        "cosign accepted an entry of an unknown log: {out:?}"
    );

    // A message signature (sign-blob) through the same signing config.
    let signed = cosign_keyless_blob_signature_rekor();
    let bundle = read_json(&signed.bundle);
    assert!(bundle["messageSignature"].is_object(), "{bundle:#}");
    let verify_blob = |root: &Path| {
        stack.run_peer(
            &sigstore_stack::cosign(),
            &[
                "verify-blob",
                "--bundle",
                s(&signed.bundle),
                "--trusted-root",
                s(root),
                "--certificate-identity",
                &signed.identity,
                "--certificate-oidc-issuer",
                &signed.issuer,
                "--use-signed-timestamps",
                "--insecure-ignore-sct",
                s(&signed.artifact),
            ],
        )
    };
    let out = verify_blob(&stack.trusted_root);
    assert_eq!(out.code, 0, "cosign rejected its sign-blob bundle: {out:?}");
    let out = verify_blob(&stack.trusted_root_without_rekor);
    assert_ne!(
        out.code, 0,
        "cosign accepted an entry of an unknown log: {out:?}"
    );
}

/// tests/peers/node/verify-keyless.mjs (@sigstore/verify 3.1.1).
fn js_verify(args: &[&str]) -> Output {
    node_peer("verify-keyless.mjs", args)
}

#[test]
fn sigstore_stack_sigstore_js_verifies_with_the_trusted_root() {
    let signed = cosign_keyless_blob_signature_rekor();
    let stack = sigstore_stack();
    let root = s(&stack.trusted_root);
    let no_rekor = s(&stack.trusted_root_without_rekor);

    // A message signature logged in Rekor v2: CA chain, TSA chain and the
    // log's key, id and origin all check out (tlog and timestamp
    // thresholds 1).
    let bundle = s(&signed.bundle);
    let artifact = s(&signed.artifact);
    let policy = ["--identity", &signed.identity, "--issuer", &signed.issuer];
    let mut args = vec![bundle, root, "--artifact", artifact];
    args.extend_from_slice(&policy);
    let out = js_verify(&args);
    assert_eq!(
        out.code, 0,
        "@sigstore/verify rejected cosign's bundle: {out:?}"
    );
    assert!(out.stdout.contains(&signed.identity), "{out:?}");

    let rejected = |args: &[&str], why: &str| -> String {
        let out = js_verify(args);
        assert_eq!(out.code, 1, "@sigstore/verify accepted {why}: {out:?}");
        out.stderr
    };
    let evil = "https://github.com/evil/x/.github/workflows/a.yml@refs/heads/main";
    rejected(
        &[bundle, root, "--artifact", artifact, "--identity", evil],
        "another identity",
    );
    rejected(
        &[
            bundle,
            root,
            "--artifact",
            artifact,
            "--issuer",
            &stack.gitlab_issuer_url,
        ],
        "another issuer",
    );
    let other = stack.dir.join("other-artifact.bin");
    std::fs::write(&other, b"not what was signed").unwrap();
    rejected(&[bundle, root, "--artifact", s(&other)], "another artifact");
    let err = rejected(
        &[bundle, no_rekor, "--artifact", artifact],
        "an unknown log",
    );
    assert!(err.contains("TLOG_INCLUSION_PROOF_ERROR"), "{err}");

    // The attestation without log: CA and TSA chains (tlog threshold 0).
    let tsa_only = cosign_keyless_bundle();
    let t = s(&tsa_only.bundle);
    let out = js_verify(&[
        t,
        no_rekor,
        "--tlog-threshold",
        "0",
        "--identity",
        &tsa_only.identity,
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    let err = rejected(&[t, root], "a bundle without tlog entry");
    assert!(err.contains("TLOG_ERROR"), "{err}");

    // The attestation logged in Rekor v2: 3.1.1 verifies the checkpoint
    // signature and the inclusion proof against the trusted root, then
    // stops at the entry's body, a hashedrekord over the PAE that it
    // compares with SHA-256 of the payload (fixed in @sigstore/verify 4,
    // which needs Node 22). Pinned so that an upgrade shows up here.
    let logged = cosign_keyless_bundle_rekor();
    let l = s(&logged.bundle);
    let err = rejected(&[l, root], "a DSSE bundle with a hashedrekord v0.0.2 entry");
    assert!(err.contains("TLOG_BODY_ERROR: digest mismatch"), "{err}");
    let err = rejected(&[l, no_rekor], "an unknown log");
    assert!(err.contains("TLOG_INCLUSION_PROOF_ERROR"), "{err}");
}

#[test]
fn sigstore_stack_regctl_and_cosign2_report_their_versions() {
    let regctl = sigstore_stack::regctl();
    let out = crate::support::run(s(&regctl), &["version", "--format", "{{.VCSTag}}"], None);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout.trim(), "v0.11.7", "{out:?}");

    for (name, bin, version) in [
        ("cosign2", sigstore_stack::cosign2(), "v2.6.5"),
        ("cosign", sigstore_stack::cosign(), "v3.1.3"),
    ] {
        let out = crate::support::run(s(&bin), &["version", "--json"], None);
        assert_eq!(out.code, 0, "{name}: {out:?}");
        assert_eq!(out.json()["gitVersion"], version, "{name}: {out:?}");
    }
}

#[test]
fn sigstore_stack_cosign2_verifies_cosign3_bundles() {
    let (cosign2, tsa_only, logged, signed) = (
        sigstore_stack::cosign2(),
        cosign_keyless_bundle(),
        cosign_keyless_bundle_rekor(),
        cosign_keyless_blob_signature_rekor(),
    );
    let stack = sigstore_stack();
    for (b, root, extra) in [
        (
            tsa_only,
            &stack.trusted_root_without_rekor,
            Some("--insecure-ignore-tlog"),
        ),
        (logged, &stack.trusted_root, None),
        (signed, &stack.trusted_root, None),
    ] {
        let mut args = vec![
            if b.dsse {
                "verify-blob-attestation"
            } else {
                "verify-blob"
            },
            "--new-bundle-format",
            "--bundle",
            s(&b.bundle),
            "--trusted-root",
            s(root),
            "--certificate-identity",
            &b.identity,
            "--certificate-oidc-issuer",
            &b.issuer,
            "--use-signed-timestamps",
            "--insecure-ignore-sct",
        ];
        if b.dsse {
            args.extend(["--type", "slsaprovenance1"]);
        }
        args.extend(extra);
        args.push(s(&b.artifact));
        let out = stack.run_peer(&cosign2, &args);
        assert_eq!(
            out.code,
            0,
            "cosign v2 rejected {}: {out:?}",
            b.bundle.display()
        );
        // And refuses them from another log's point of view.
        if b.rekor {
            let root_arg = args.iter().position(|a| *a == "--trusted-root").unwrap() + 1;
            args[root_arg] = s(&stack.trusted_root_without_rekor);
            let out = stack.run_peer(&cosign2, &args);
            assert_ne!(out.code, 0, "cosign v2 took an unknown log: {out:?}");
        }
    }
}
