//! What other tools make of what we attach, and what we make of theirs, on
//! docker-registry (referrers tag fallback) and ferro-oci-server (referrers
//! API): cosign v3 and v2 `verify-attestation --key`, regctl's artifact
//! listing, `regctl artifact put --subject`, and cosign's legacy
//! `sha256-<hex>.att` / `.sig` tags.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::attach::Bench;
use crate::sigstore_stack;
use crate::support::{Output, node_peer, python_dsse_verify, tamper};
use crate::testbed::{self, Registry};

const BUNDLE_TYPE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";

/// docker-registry and ferro-oci-server (a missing one fails the test).
fn registries() -> Vec<&'static Registry> {
    [testbed::docker_open(), testbed::ferro()]
        .into_iter()
        .collect()
}

/// Runs a Go peer with HOME and its config and cache dirs in `home`, so
/// neither the developer's ~/.sigstore nor ~/.regctl is read or written.
pub fn peer(program: &Path, home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(program);
    c.args(args)
        .stdin(Stdio::null())
        .current_dir(home)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("TUF_ROOT", home.join(".sigstore/root"));
    for k in [
        "SIGSTORE_ID_TOKEN",
        "COSIGN_EXPERIMENTAL",
        "ACTIONS_ID_TOKEN_REQUEST_URL",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
        "COSIGN_PASSWORD",
    ] {
        c.env_remove(k);
    }
    c.envs(env.iter().copied());
    let out = c
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// cosign v3 and v2 (a missing one fails the test).
pub fn cosigns() -> Vec<(&'static str, PathBuf)> {
    vec![
        ("cosign v3", sigstore_stack::cosign()),
        ("cosign v2", sigstore_stack::cosign2()),
    ]
}

/// `cosign verify-attestation --key` on REF. cosign v2 reads referrers
/// bundles only with `--new-bundle-format` and wants a trusted root even
/// with a key: an empty one does.
pub fn cosign_verify(
    name: &str,
    cosign: &Path,
    home: &Path,
    key: &Path,
    reference: &str,
) -> Output {
    let root = home.join("empty_trusted_root.json");
    std::fs::write(
        &root,
        r#"{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}"#,
    )
    .unwrap();
    let mut args = vec![
        "verify-attestation",
        "--key",
        key.to_str().unwrap(),
        "--type",
        "slsaprovenance1",
        "--insecure-ignore-tlog",
        "--allow-http-registry",
    ];
    if name == "cosign v2" {
        args.extend([
            "--new-bundle-format",
            "--trusted-root",
            root.to_str().unwrap(),
        ]);
    }
    args.push(reference);
    peer(cosign, home, &args, &[])
}

/// Pushes `name` to REF with a bundle signed by `key`; returns the attest
/// JSON report and the bundle path.
fn push_attested(
    bench: &Bench,
    reference: &str,
    key: &str,
    name: &str,
) -> (serde_json::Value, PathBuf) {
    std::fs::write(bench.path(name), format!("{name} for {reference}")).unwrap();
    let bundle = bench.path(&format!("{name}.sigstore.json"));
    let out = bench.run(&[
        "--subject-path",
        name,
        "--key",
        key,
        "-o",
        bundle.to_str().unwrap(),
        "--push",
        reference,
        "--format",
        "json",
    ]);
    (out.success().json(), bundle)
}

fn key_pair(bench: &Bench, algorithm: &str) -> (String, PathBuf) {
    let private = format!("{algorithm}.pem");
    bench
        .run(&[
            "key",
            "generate",
            "--algorithm",
            algorithm,
            "--output",
            &private,
            "--unencrypted",
        ])
        .success();
    // `key generate --output` writes the public half beside it.
    let public = bench.path(&format!("{algorithm}.pub"));
    assert!(public.is_file());
    (private, public)
}

#[test]
fn cosign_verifies_what_we_attach_and_rejects_tampering() {
    let cosigns = cosigns();
    for reg in registries() {
        // cosign v3.1.3 and v2.6.5 verify DSSE with both key types.
        for algorithm in ["p256", "ed25519"] {
            let bench = Bench::new();
            let (private, public) = key_pair(&bench, algorithm);
            let reference = format!("{}/cosign/{algorithm}:v1", reg.host);
            let (_, bundle) = push_attested(&bench, &reference, &private, "app.bin");
            for (name, cosign) in &cosigns {
                let out = cosign_verify(name, cosign, bench.dir.path(), &public, &reference);
                assert_eq!(
                    out.code, 0,
                    "{name} rejected our {algorithm} attestation on {}: {out:?}",
                    reg.name
                );
                assert!(out.stdout.contains("\"payload\""), "{out:?}");
            }
            // The other verifiers accept the very bundle attached.
            for (verifier, out) in other_verifiers(&bundle, &public) {
                assert_eq!(out.code, 0, "{verifier}: {out:?}");
            }

            // A tampered bundle attached to another artifact: rejected by all.
            let tampered = bench.path("tampered.sigstore.json");
            tamper(&bundle, &tampered);
            let other = format!("{}/cosign/{algorithm}:tampered", reg.host);
            std::fs::write(bench.path("other.bin"), b"other").unwrap();
            bench
                .run(&[
                    "push",
                    &other,
                    "other.bin",
                    "--bundle",
                    tampered.to_str().unwrap(),
                ])
                .success();
            for (name, cosign) in &cosigns {
                let out = cosign_verify(name, cosign, bench.dir.path(), &public, &other);
                assert_ne!(
                    out.code, 0,
                    "{name} accepted a tampered {algorithm} attestation on {}: {out:?}",
                    reg.name
                );
                // Found, and refused for its signature (not for lack of one).
                assert!(
                    out.stderr.contains("failed to verify signature"),
                    "{name} on {}: {out:?}",
                    reg.name
                );
            }
            for (verifier, out) in other_verifiers(&tampered, &public) {
                assert_eq!(out.code, 1, "{verifier} accepted tampering: {out:?}");
            }
            bench
                .run(&["verify", &other, "--key", public.to_str().unwrap()])
                .fails_with(5, "no valid attestation");
        }
    }
}

/// regctl with plain HTTP allowed for `reg`, in `home`.
pub fn regctl(home: &Path, reg: &Registry) -> PathBuf {
    let bin = sigstore_stack::regctl();
    let out = peer(
        &bin,
        home,
        &["registry", "set", "--tls", "disabled", &reg.host],
        &[],
    );
    assert_eq!(out.code, 0, "regctl registry set: {out:?}");
    bin
}

#[test]
fn regctl_lists_ours_and_we_list_what_regctl_attaches() {
    for reg in registries() {
        let bench = Bench::new();
        let home = bench.dir.path();
        let regctl = regctl(home, reg);
        let reference = format!("{}/regctl/app:v1", reg.host);
        let (report, _) = push_attested(&bench, &reference, "k.pem", "app.bin");
        let ours = report["pushed"]["attestation"]
            .as_str()
            .unwrap()
            .to_string();

        let out = peer(
            &regctl,
            home,
            &[
                "artifact",
                "list",
                "--filter-artifact-type",
                BUNDLE_TYPE,
                "--format",
                "{{jsonPretty .}}",
                &reference,
            ],
            &[],
        );
        assert_eq!(out.code, 0, "regctl artifact list: {out:?}");
        let listed: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let descriptors = listed["descriptors"].as_array().unwrap();
        assert!(
            descriptors
                .iter()
                .any(|d| d["digest"] == ours.as_str() && d["artifactType"] == BUNDLE_TYPE),
            "regctl artifact list on {} lacks {ours}: {listed}",
            reg.name
        );
        let out = peer(&regctl, home, &["artifact", "tree", &reference], &[]);
        assert_eq!(out.code, 0, "regctl artifact tree: {out:?}");
        assert!(
            out.stdout.contains(&format!("{ours}: {BUNDLE_TYPE}")),
            "regctl artifact tree on {}: {}",
            reg.name,
            out.stdout
        );

        // What regctl attaches, we list.
        std::fs::write(bench.path("sbom.txt"), b"an sbom").unwrap();
        let sbom_type = "application/vnd.example.sbom";
        let out = peer(
            &regctl,
            home,
            &[
                "artifact",
                "put",
                "--subject",
                &reference,
                "--artifact-type",
                sbom_type,
                "--file",
                "sbom.txt",
                "--file-media-type",
                "text/plain",
            ],
            &[],
        );
        assert_eq!(out.code, 0, "regctl artifact put: {out:?}");
        let out = peer(
            &regctl,
            home,
            &[
                "artifact",
                "list",
                "--filter-artifact-type",
                sbom_type,
                "--format",
                "{{jsonPretty .}}",
                &reference,
            ],
            &[],
        );
        let theirs: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let theirs = theirs["descriptors"][0]["digest"].as_str().unwrap();
        let found = bench
            .run(&["discover", &reference, "--format", "json"])
            .success()
            .json();
        let referrers = found["referrers"].as_array().unwrap();
        assert!(
            referrers
                .iter()
                .any(|r| r["digest"] == theirs && r["artifactType"] == sbom_type),
            "discover on {} lacks regctl's {theirs}: {found}",
            reg.name
        );
        assert!(referrers.iter().any(|r| r["digest"] == ours.as_str()));
    }
}

/// A cosign key pair (`cosign.key`, `cosign.pub`) named `name` in `dir`.
fn cosign_key_pair(cosign: &Path, dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let sub = dir.join(name);
    std::fs::create_dir_all(&sub).unwrap();
    let out = peer(
        cosign,
        &sub,
        &["generate-key-pair"],
        &[("COSIGN_PASSWORD", "")],
    );
    assert_eq!(out.code, 0, "cosign generate-key-pair: {out:?}");
    (sub.join("cosign.key"), sub.join("cosign.pub"))
}

/// `cosign attest` in the legacy format (a `sha256-<hex>.att` tag), no
/// transparency log.
fn cosign_attest_legacy(cosign: &Path, home: &Path, key: &Path, reference: &str) {
    let predicate = home.join("predicate.json");
    std::fs::write(
        &predicate,
        serde_json::json!({
            "buildDefinition": {"buildType": "https://example.com/cosign-test", "externalParameters": {}},
            "runDetails": {"builder": {"id": "https://example.com/cosign-builder"}}
        })
        .to_string(),
    )
    .unwrap();
    let out = peer(
        cosign,
        home,
        &[
            "attest",
            "--new-bundle-format=false",
            "--use-signing-config=false",
            "--tlog-upload=false",
            "--allow-http-registry",
            "--yes",
            "--key",
            key.to_str().unwrap(),
            "--type",
            "slsaprovenance1",
            "--predicate",
            predicate.to_str().unwrap(),
            reference,
        ],
        &[("COSIGN_PASSWORD", "")],
    );
    assert_eq!(out.code, 0, "cosign attest: {out:?}");
}

#[test]
fn legacy_cosign_attestations_are_discovered_and_verified() {
    let cosign = sigstore_stack::cosign();
    for reg in registries() {
        let bench = Bench::new();
        let home = bench.dir.path();
        let (key, public) = cosign_key_pair(&cosign, home, "signer");
        let (other_key, other_public) = cosign_key_pair(&cosign, home, "other");

        std::fs::write(bench.path("image.bin"), b"legacy image").unwrap();
        let reference = format!("{}/legacy/app:v1", reg.host);
        let pushed = bench
            .run(&["push", &reference, "image.bin", "--format", "json"])
            .success()
            .json();
        let digest = pushed["digest"].as_str().unwrap();
        let by_digest = format!("{}/legacy/app@{digest}", reg.host);
        cosign_attest_legacy(&cosign, home, &key, &by_digest);
        // A legacy signature too: listed, marked as such, never verified
        // as an attestation.
        let out = peer(
            &cosign,
            home,
            &[
                "sign",
                "--new-bundle-format=false",
                "--use-signing-config=false",
                "--tlog-upload=false",
                "--allow-http-registry",
                "--yes",
                "--key",
                key.to_str().unwrap(),
                &by_digest,
            ],
            &[("COSIGN_PASSWORD", "")],
        );
        assert_eq!(out.code, 0, "cosign sign: {out:?}");
        // And a (deprecated) SBOM attachment, `.sbom`.
        std::fs::write(
            home.join("sbom.spdx.json"),
            br#"{"spdxVersion":"SPDX-2.3"}"#,
        )
        .unwrap();
        let out = peer(
            &cosign,
            home,
            &[
                "attach",
                "sbom",
                "--sbom",
                "sbom.spdx.json",
                "--type",
                "spdx",
                "--input-format",
                "json",
                "--allow-http-registry",
                &by_digest,
            ],
            &[],
        );
        assert_eq!(out.code, 0, "cosign attach sbom: {out:?}");

        let found = bench
            .run(&["discover", &reference, "--format", "json"])
            .success()
            .json();
        let hex = digest.strip_prefix("sha256:").unwrap();
        let legacy = |kind: &str, suffix: &str| {
            let r = found["referrers"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["cosign"]["kind"] == kind)
                .unwrap_or_else(|| panic!("no cosign {kind} on {}: {found}", reg.name))
                .clone();
            assert_eq!(r["sources"], serde_json::json!(["cosign-legacy"]));
            assert_eq!(r["cosign"]["tag"], format!("sha256-{hex}.{suffix}"));
            r
        };
        let att = legacy("attestation", "att");
        assert_eq!(att["artifactType"], "application/vnd.dsse.envelope.v1+json");
        legacy("signature", "sig");
        let sbom = legacy("sbom", "sbom");
        assert_eq!(sbom["artifactType"], "text/spdx+json");
        let text = bench
            .run(&["discover", &reference])
            .success()
            .stdout
            .clone();
        assert!(text.contains(&format!("sha256-{hex}.att")), "{text}");

        let out = bench.run(&[
            "verify",
            &reference,
            "--key",
            public.to_str().unwrap(),
            "--builder-id",
            "https://example.com/cosign-builder",
            "--format",
            "json",
        ]);
        let v = out.success().json();
        assert_eq!(v["verified"], true, "{v}");
        let checked = v["attestations"].as_array().unwrap();
        assert_eq!(checked.len(), 1, "only the .att is an attestation: {v}");
        assert_eq!(checked[0]["source"], "cosign-legacy");
        assert_eq!(checked[0]["digest"], att["digest"]);

        // Signed by another key: rejected.
        std::fs::write(bench.path("image2.bin"), b"another legacy image").unwrap();
        let reference2 = format!("{}/legacy/app:v2", reg.host);
        let pushed = bench
            .run(&["push", &reference2, "image2.bin", "--format", "json"])
            .success()
            .json();
        let by_digest2 = format!(
            "{}/legacy/app@{}",
            reg.host,
            pushed["digest"].as_str().unwrap()
        );
        cosign_attest_legacy(&cosign, home, &other_key, &by_digest2);
        let out = bench.run(&[
            "verify",
            &reference2,
            "--key",
            public.to_str().unwrap(),
            "--format",
            "json",
        ]);
        out.fails_with(5, "no valid attestation");
        assert!(
            out.stdout.contains("does not verify with key"),
            "{}",
            out.stdout
        );
        bench
            .run(&[
                "verify",
                &reference2,
                "--key",
                other_public.to_str().unwrap(),
            ])
            .success();
    }
}

/// @sigstore/verify and securesystemslib on one bundle and public key.
fn other_verifiers(bundle: &Path, public: &Path) -> Vec<(&'static str, Output)> {
    let node = node_peer(
        "verify.mjs",
        &[bundle.to_str().unwrap(), public.to_str().unwrap()],
    );
    let python = python_dsse_verify(bundle, public);
    vec![("@sigstore/verify", node), ("securesystemslib", python)]
}
