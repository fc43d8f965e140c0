//! `verify REF`: the attestations attached to an image, checked end to end,
//! and not fooled by tampering, other keys, other subjects or policy.

use crate::attach::{Bench, fallback_entries};
use crate::support::tamper;
use crate::testbed::{self, http};

const VERIFY: i32 = 5;

/// Pushes `file` to REF with an attached bundle signed by `key`; returns
/// the bundle path.
fn push_attested(bench: &Bench, reference: &str, key: &str, name: &str) -> std::path::PathBuf {
    std::fs::write(bench.path(name), name).unwrap();
    let bundle = bench.path(&format!("{name}.sigstore.json"));
    bench
        .run(&[
            "--subject-path",
            name,
            "--key",
            key,
            "-o",
            bundle.to_str().unwrap(),
            "--push",
            reference,
        ])
        .success();
    bundle
}

#[test]
fn verify_passes_on_every_registry_kind_and_the_layout() {
    let mut places: Vec<String> = [testbed::docker_open(), testbed::ferro(), testbed::ggcr()]
        .into_iter()
        .map(|r| format!("{}/verify/ok:v1", r.host))
        .collect();
    places.push("verifyok:v1".into());
    for reference in places {
        let bench = Bench::new();
        push_attested(&bench, &reference, "k.pem", "app.bin");
        let out = bench.run(&["verify", &reference, "--key", "k.pem", "--format", "json"]);
        let v = out.success().json();
        assert_eq!(v["verified"], true, "{reference}: {v}");
        assert_eq!(v["attestations"][0]["verified"], true, "{reference}: {v}");
        // The human form lists each attestation.
        let text = bench
            .run(&["verify", &reference, "--key", "k.pem"])
            .success()
            .stdout
            .clone();
        assert!(text.contains("ok "), "{text}");
    }
}

#[test]
fn verify_fails_for_tampering_other_keys_other_subjects_and_policy() {
    let reg = testbed::docker_open();
    let bench = Bench::new();
    bench
        .run(&[
            "key",
            "generate",
            "--algorithm",
            "ed25519",
            "--output",
            "other.pem",
            "--unencrypted",
        ])
        .success();

    // A tampered bundle attached by the test.
    let reference = format!("{}/verify/tampered:v1", reg.host);
    let good = push_attested(&bench, &reference, "k.pem", "t.bin");
    let tampered = bench.path("tampered.json");
    tamper(&good, &tampered);
    let other_ref = format!("{}/verify/tampered:v2", reg.host);
    std::fs::write(bench.path("t2.bin"), b"second").unwrap();
    bench.run(&["push", &other_ref, "t2.bin"]).success();
    // Its statement names the first image: attach refuses it unless forced.
    bench
        .run(&["attach", &other_ref, "--bundle", tampered.to_str().unwrap()])
        .fails_with(4, "does not name");
    bench
        .run(&[
            "attach",
            &other_ref,
            "--bundle",
            tampered.to_str().unwrap(),
            "--force",
        ])
        .success();
    let out = bench.run(&["verify", &other_ref, "--key", "k.pem", "--format", "json"]);
    out.fails_with(VERIFY, "no valid attestation");
    assert!(
        out.stdout.contains("signature does not verify"),
        "{}",
        out.stdout
    );

    // Signed by another key.
    let reference = format!("{}/verify/otherkey:v1", reg.host);
    push_attested(&bench, &reference, "other.pem", "o.bin");
    let out = bench.run(&["verify", &reference, "--key", "k.pem", "--format", "json"]);
    out.fails_with(VERIFY, "no valid attestation");
    assert!(
        out.stdout.contains("does not verify with key"),
        "{}",
        out.stdout
    );

    // A statement whose subject is not the image.
    let reference = format!("{}/verify/wrongsubject:v1", reg.host);
    std::fs::write(bench.path("img.bin"), b"image").unwrap();
    bench.run(&["push", &reference, "img.bin"]).success();
    let unrelated = bench.bundle("unrelated");
    bench
        .run(&[
            "attach",
            &reference,
            "--bundle",
            unrelated.to_str().unwrap(),
        ])
        .fails_with(4, "--force");
    bench
        .run(&[
            "attach",
            &reference,
            "--bundle",
            unrelated.to_str().unwrap(),
            "--force",
        ])
        .success();
    let out = bench.run(&["verify", &reference, "--key", "k.pem", "--format", "json"]);
    out.fails_with(VERIFY, "no valid attestation");
    assert!(out.stdout.contains("does not name"), "{}", out.stdout);

    // Policy: builder id and source repository.
    let reference = format!("{}/verify/policy:v1", reg.host);
    push_attested(&bench, &reference, "k.pem", "p.bin");
    let ok = bench.run(&["verify", &reference, "--key", "k.pem"]);
    let failed = bench.run(&["verify", &reference, "--key", "other.pem"]);
    crate::maintain::snapshot(
        "verify-ref",
        &format!(
            "{}{}--- failing\n{}{}(exit {})",
            ok.success().stdout,
            ok.stderr,
            failed.stdout,
            failed.stderr,
            failed.code
        ),
    );
    bench
        .run(&[
            "verify",
            &reference,
            "--key",
            "k.pem",
            "--builder-id",
            "https://example.com/other",
        ])
        .fails_with(VERIFY, "no valid attestation");
    bench
        .run(&[
            "verify",
            &reference,
            "--key",
            "k.pem",
            "--source-repo",
            "https://github.com/acme/other",
        ])
        .fails_with(VERIFY, "no valid attestation");

    // An attestation of another image, listed in this image's fallback
    // index by hand: not counted for this image.
    let a = format!("{}/verify/smuggle:a", reg.host);
    push_attested(&bench, &a, "k.pem", "a.bin");
    let b = format!("{}/verify/smuggle:b", reg.host);
    std::fs::write(bench.path("b.bin"), b"bee").unwrap();
    let b_digest = bench
        .run(&["push", &b, "b.bin", "--format", "json"])
        .success()
        .json()["digest"]
        .as_str()
        .unwrap()
        .to_string();
    let a_found = bench
        .run(&["discover", &a, "--format", "json"])
        .success()
        .json();
    let a_subject = a_found["subject"]["digest"].as_str().unwrap().to_string();
    let a_entries = fallback_entries(reg, "verify/smuggle", &a_subject);
    let a_index = http(
        "GET",
        &format!(
            "{}/v2/verify/smuggle/manifests/{}",
            reg.url(),
            a_subject.replace(':', "-")
        ),
        &["Accept: application/vnd.oci.image.index.v1+json"],
        None,
        None,
    );
    assert_eq!(a_entries.len(), 1);
    let put = http(
        "PUT",
        &format!(
            "{}/v2/verify/smuggle/manifests/{}",
            reg.url(),
            b_digest.replace(':', "-")
        ),
        &["Content-Type: application/vnd.oci.image.index.v1+json"],
        Some(&a_index.body),
        None,
    );
    assert_eq!(put.status, 201, "{}", put.text());
    let out = bench.run(&["verify", &b, "--key", "k.pem", "--format", "json"]);
    out.fails_with(VERIFY, "no valid attestation");
    assert!(
        out.stdout.contains("attached to a different subject"),
        "{}",
        out.stdout
    );
}
