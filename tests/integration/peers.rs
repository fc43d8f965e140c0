//! Independent verifiers accept our bundles, and we accept bundles that an
//! independent signer wrote: @sigstore/verify and @sigstore/sign (npm),
//! securesystemslib's DSSE (PyPI).

use std::path::Path;

use crate::support::{attest, node_peer, python_dsse_verify, tamper};

fn key_pair(dir: &Path, algorithm: &str) -> (String, String) {
    let private = dir.join(format!("{algorithm}.pem"));
    let public = dir.join(format!("{algorithm}.pub"));
    attest(&[
        "key",
        "generate",
        "--algorithm",
        algorithm,
        "--output",
        private.to_str().unwrap(),
        "--unencrypted",
    ])
    .run()
    .success();
    let pem = std::fs::read_to_string(&private).unwrap();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    // The public half, through the product: a private PEM given to
    // `verify --key` works too, but verifiers get only the public key.
    let out = std::process::Command::new("openssl")
        .args([
            "pkey",
            "-pubout",
            "-in",
            private.to_str().unwrap(),
            "-out",
            public.to_str().unwrap(),
        ])
        .status()
        .expect("openssl");
    assert!(out.success());
    (private.display().to_string(), public.display().to_string())
}

#[test]
fn independent_verifiers_accept_ours_and_reject_tampering() {
    for algorithm in ["p256", "ed25519"] {
        let tmp = tempfile::tempdir().unwrap();
        let (private, public) = key_pair(tmp.path(), algorithm);
        let artifact = tmp.path().join("artifact.bin");
        std::fs::write(&artifact, b"some build output").unwrap();
        let bundle = tmp.path().join("artifact.sigstore.json");
        attest(&[
            "--subject-path",
            artifact.to_str().unwrap(),
            "--key",
            &private,
            "-o",
            bundle.to_str().unwrap(),
        ])
        .cwd(tmp.path())
        .run()
        .success();
        let bundle_s = bundle.to_str().unwrap();

        let node = node_peer("verify.mjs", &[bundle_s, &public]);
        assert_eq!(
            node.code, 0,
            "@sigstore/verify rejected our {algorithm} bundle: {}{}",
            node.stdout, node.stderr
        );
        let py = python_dsse_verify(&bundle, Path::new(&public));
        assert_eq!(
            py.code, 0,
            "securesystemslib rejected our {algorithm} bundle: {}{}",
            py.stdout, py.stderr
        );
        attest(&[
            "verify",
            artifact.to_str().unwrap(),
            "--bundle",
            bundle_s,
            "--key",
            &public,
        ])
        .run()
        .success();

        let tampered = tmp.path().join("tampered.sigstore.json");
        tamper(&bundle, &tampered);
        let t = tampered.to_str().unwrap();
        let node = node_peer("verify.mjs", &[t, &public]);
        assert_eq!(
            node.code, 1,
            "@sigstore/verify accepted a tampered {algorithm} bundle"
        );
        let py = python_dsse_verify(&tampered, Path::new(&public));
        assert_eq!(
            py.code, 1,
            "securesystemslib accepted a tampered {algorithm} bundle"
        );
        attest(&[
            "verify",
            artifact.to_str().unwrap(),
            "--bundle",
            t,
            "--key",
            &public,
        ])
        .run()
        .fails_with(5, "signature does not verify");
    }
}

#[test]
fn we_verify_bundles_from_sigstore_sign() {
    for algorithm in ["p256", "ed25519"] {
        let tmp = tempfile::tempdir().unwrap();
        let (private, public) = key_pair(tmp.path(), algorithm);
        let artifact = tmp.path().join("tool");
        std::fs::write(&artifact, b"binary bytes").unwrap();
        let digest = {
            use sha2::Digest;
            hex::encode(sha2::Sha256::digest(b"binary bytes"))
        };
        let statement = serde_json::json!({
            "_type": "https://in-toto.io/Statement/v1",
            "subject": [{"name": "tool", "digest": {"sha256": digest}}],
            "predicateType": "https://slsa.dev/provenance/v1",
            "predicate": {
                "buildDefinition": {"buildType": "https://example.com/other", "externalParameters": {}},
                "runDetails": {"builder": {"id": "https://example.com/builder"}}
            }
        });
        let payload = tmp.path().join("statement.json");
        std::fs::write(&payload, serde_json::to_vec(&statement).unwrap()).unwrap();
        let bundle = tmp.path().join("theirs.sigstore.json");
        let out = node_peer(
            "sign.mjs",
            &[
                &private,
                payload.to_str().unwrap(),
                bundle.to_str().unwrap(),
            ],
        );
        assert_eq!(
            out.code, 0,
            "@sigstore/sign failed: {}{}",
            out.stdout, out.stderr
        );

        let verified = attest(&[
            "verify",
            artifact.to_str().unwrap(),
            "--bundle",
            bundle.to_str().unwrap(),
            "--key",
            &public,
            "--builder-id",
            "https://example.com/builder",
            "--format",
            "json",
        ])
        .run();
        assert_eq!(
            verified.success().json()["builderId"],
            "https://example.com/builder"
        );

        // Their bundle, our policy: a different builder is refused.
        attest(&[
            "verify",
            artifact.to_str().unwrap(),
            "--bundle",
            bundle.to_str().unwrap(),
            "--key",
            &public,
            "--builder-id",
            "https://example.com/evil",
        ])
        .run()
        .fails_with(5, "builder id");
    }
}
