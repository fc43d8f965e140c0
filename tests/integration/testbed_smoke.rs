//! The test bed works without our product: oras and skopeo against each
//! registry, auth that accepts the right password and refuses a wrong one,
//! and the referrers facts from REFERENCE.md that the OCI work relies on.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::support::{Output, run};
use crate::testbed::{self, Registry, TEST_PASSWORD, http};

const EMPTY_DIGEST: &str =
    "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";

fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn oras(args: &[&str], creds: &[String], cwd: &Path) -> Output {
    let bin = testbed::oras();
    let mut all: Vec<&str> = args.to_vec();
    all.extend(creds.iter().map(String::as_str));
    run(s(&bin), &all, Some(cwd))
}

/// Pushes a small file with oras; returns the manifest digest.
fn oras_push(reg: &Registry, repo_tag: &str, creds: &[String], dir: &Path) -> Output {
    std::fs::write(
        dir.join("hello.txt"),
        b"hello from the cargo-attest test bed\n",
    )
    .unwrap();
    oras(
        &[
            "push",
            "--plain-http",
            "--disable-path-validation",
            &reg.reference(repo_tag),
            "hello.txt:text/plain",
        ],
        creds,
        dir,
    )
}

fn digest_line(out: &Output) -> String {
    out.stdout
        .lines()
        .find_map(|l| l.strip_prefix("Digest: "))
        .unwrap_or_else(|| panic!("no Digest line in oras output: {out:?}"))
        .trim()
        .to_string()
}

/// oras push, then pull into another dir: the same bytes come back.
fn oras_round_trip(reg: &Registry, repo_tag: &str, creds: &[String]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = oras_push(reg, repo_tag, creds, dir.path());
    assert_eq!(
        out.code,
        0,
        "{}: oras push: {out:?}\n{}",
        reg.name,
        reg.log_tail()
    );
    let digest = digest_line(&out);
    let pulled = dir.path().join("pulled");
    let out = oras(
        &[
            "pull",
            "--plain-http",
            &reg.reference(repo_tag),
            "-o",
            s(&pulled),
        ],
        creds,
        dir.path(),
    );
    assert_eq!(
        out.code,
        0,
        "{}: oras pull: {out:?}\n{}",
        reg.name,
        reg.log_tail()
    );
    assert_eq!(
        std::fs::read(pulled.join("hello.txt")).unwrap(),
        std::fs::read(dir.path().join("hello.txt")).unwrap(),
        "{}: pulled bytes differ",
        reg.name
    );
    digest
}

fn write_blob(layout: &Path, bytes: &[u8]) -> String {
    let digest = sha256(bytes);
    let dir = layout.join("blobs/sha256");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(&digest[7..]), bytes).unwrap();
    digest
}

/// A one-layer OCI image in an `oci:` layout dir, tagged v1; returns the
/// manifest digest.
fn make_oci_image(layout: &Path) -> String {
    let content = layout.with_extension("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::write(content.join("hello.txt"), b"image layer content\n").unwrap();
    let tar = layout.with_extension("tar");
    let out = run(
        "tar",
        &[
            "--owner=0",
            "--group=0",
            "--mtime=@0",
            "-cf",
            s(&tar),
            "-C",
            s(&content),
            "hello.txt",
        ],
        None,
    );
    assert_eq!(out.code, 0, "tar: {out:?}");
    let layer = std::fs::read(&tar).unwrap();
    let layer_digest = write_blob(layout, &layer);
    let config = serde_json::to_vec(&serde_json::json!({
        "architecture": "amd64",
        "os": "linux",
        "config": {},
        "rootfs": {"type": "layers", "diff_ids": [layer_digest]},
    }))
    .unwrap();
    let config_digest = write_blob(layout, &config);
    let manifest = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": config_digest, "size": config.len()},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                    "digest": layer_digest, "size": layer.len()}],
    }))
    .unwrap();
    let manifest_digest = write_blob(layout, &manifest);
    std::fs::write(
        layout.join("oci-layout"),
        br#"{"imageLayoutVersion":"1.0.0"}"#,
    )
    .unwrap();
    let index = serde_json::json!({
        "schemaVersion": 2,
        "manifests": [{"mediaType": OCI_MANIFEST, "digest": manifest_digest,
                       "size": manifest.len(),
                       "annotations": {"org.opencontainers.image.ref.name": "v1"}}],
    });
    std::fs::write(layout.join("index.json"), index.to_string()).unwrap();
    manifest_digest
}

fn layout_digest(layout: &Path) -> String {
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(layout.join("index.json")).unwrap()).unwrap();
    index["manifests"][0]["digest"]
        .as_str()
        .unwrap()
        .to_string()
}

fn skopeo(args: &[&str]) -> Output {
    let bin = testbed::skopeo();
    let mut all = vec!["--insecure-policy"];
    all.extend_from_slice(args);
    run(s(&bin), &all, None)
}

/// skopeo copies an image into the registry and back out to an `oci:`
/// layout, digests unchanged.
fn skopeo_round_trip(reg: &Registry) {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    let digest = make_oci_image(&src);
    let remote = format!("docker://{}", reg.reference("smoke/skopeo:v1"));
    let out = skopeo(&[
        "copy",
        "--preserve-digests",
        "--dest-tls-verify=false",
        &format!("oci:{}:v1", s(&src)),
        &remote,
    ]);
    assert_eq!(
        out.code,
        0,
        "{}: skopeo copy to registry: {out:?}\n{}",
        reg.name,
        reg.log_tail()
    );
    let dest: PathBuf = dir.path().join("dest");
    // Without --preserve-digests skopeo 1.9 gzips the tar layer for `oci:`.
    let out = skopeo(&[
        "copy",
        "--preserve-digests",
        "--src-tls-verify=false",
        &remote,
        &format!("oci:{}:v1", s(&dest)),
    ]);
    assert_eq!(
        out.code,
        0,
        "{}: skopeo copy from registry: {out:?}\n{}",
        reg.name,
        reg.log_tail()
    );
    assert_eq!(layout_digest(&dest), digest, "{}: digest changed", reg.name);
}

/// skopeo also copies the artifact that oras pushed (empty config, text
/// layer) out of the registry.
fn skopeo_copies_artifact(reg: &Registry, repo_tag: &str, digest: &str) {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("artifact");
    let out = skopeo(&[
        "copy",
        "--src-tls-verify=false",
        &format!("docker://{}", reg.reference(repo_tag)),
        &format!("oci:{}:v1", s(&dest)),
    ]);
    assert_eq!(
        out.code,
        0,
        "{}: skopeo copy artifact: {out:?}\n{}",
        reg.name,
        reg.log_tail()
    );
    assert_eq!(
        layout_digest(&dest),
        digest,
        "{}: artifact digest changed",
        reg.name
    );
}

fn full_round_trip(reg: &'static Registry) {
    let digest = oras_round_trip(reg, "smoke/oras:v1", &[]);
    skopeo_copies_artifact(reg, "smoke/oras:v1", &digest);
    skopeo_round_trip(reg);
}

#[test]
fn docker_open_oras_and_skopeo() {
    full_round_trip(testbed::docker_open());
}

#[test]
fn ferro_oras_and_skopeo() {
    full_round_trip(testbed::ferro());
}

#[test]
fn ggcr_oras_and_skopeo() {
    full_round_trip(testbed::ggcr());
}

/// Right password: push and pull work. Wrong or no password: refused.
fn auth_round_trip(reg: &'static Registry) {
    assert_eq!(reg.user.as_deref(), Some(testbed::TEST_USER));
    assert_eq!(reg.password.as_deref(), Some(TEST_PASSWORD));
    oras_round_trip(reg, "smoke/auth:v1", &reg.oras_credentials());

    let dir = tempfile::tempdir().unwrap();
    let wrong = ["-u", "tester", "-p", "not-the-password"].map(String::from);
    let out = oras_push(reg, "smoke/auth:wrong", &wrong, dir.path());
    assert_ne!(
        out.code, 0,
        "{}: push with a wrong password worked: {out:?}",
        reg.name
    );
    assert!(
        out.stderr.contains("401") || out.stderr.contains("unauthorized"),
        "{out:?}"
    );
    let out = oras(
        &[
            "pull",
            "--plain-http",
            &reg.reference("smoke/auth:v1"),
            "-o",
            "p",
        ],
        &wrong,
        dir.path(),
    );
    assert_ne!(
        out.code, 0,
        "{}: pull with a wrong password worked: {out:?}",
        reg.name
    );
    let out = oras(
        &[
            "pull",
            "--plain-http",
            &reg.reference("smoke/auth:v1"),
            "-o",
            "p",
        ],
        &[],
        dir.path(),
    );
    assert_ne!(out.code, 0, "{}: anonymous pull worked: {out:?}", reg.name);

    // skopeo with credentials too.
    {
        let out = skopeo(&[
            "inspect",
            "--raw",
            "--tls-verify=false",
            "--creds",
            &format!("tester:{TEST_PASSWORD}"),
            &format!("docker://{}", reg.reference("smoke/auth:v1")),
        ]);
        assert_eq!(out.code, 0, "{}: skopeo inspect: {out:?}", reg.name);
    }
}

#[test]
fn docker_htpasswd_accepts_only_the_password() {
    auth_round_trip(testbed::docker_htpasswd());
    {
        let reg = testbed::docker_htpasswd();
        let r = http("GET", &format!("{}/v2/", reg.url()), &[], None, None);
        assert_eq!(r.status, 401);
        assert!(
            r.header("WWW-Authenticate").unwrap().starts_with("Basic "),
            "{r:?}"
        );
    }
}

#[test]
fn docker_token_accepts_only_the_password() {
    auth_round_trip(testbed::docker_token());
    {
        let reg = testbed::docker_token();
        let r = http("GET", &format!("{}/v2/", reg.url()), &[], None, None);
        assert_eq!(r.status, 401);
        let challenge = r.header("WWW-Authenticate").unwrap();
        assert!(
            challenge.starts_with("Bearer realm=\"http://127.0.0.1:"),
            "{r:?}"
        );
        // The token service itself: 401 + JSON for a wrong password.
        let ts = reg.token_service.as_ref().unwrap();
        let url = format!(
            "http://{ts}/token?service=cargo-attest-test-registry&scope=repository:smoke/auth:pull"
        );
        let r = http("GET", &url, &[], None, Some(("tester", "wrong")));
        assert_eq!(r.status, 401, "{r:?}");
        assert_eq!(r.json()["errors"][0]["code"], "UNAUTHORIZED");
        let r = http("GET", &url, &[], None, Some(("tester", TEST_PASSWORD)));
        assert_eq!(r.status, 200, "{r:?}");
        let body = r.json();
        assert_eq!(body["expires_in"], 300);
        assert_eq!(body["token"], body["access_token"]);
    }
}

// ---- referrers facts -------------------------------------------------------

/// Uploads a blob (POST, then monolithic PUT); returns its digest.
fn upload_blob(reg: &Registry, repo: &str, bytes: &[u8]) -> String {
    let digest = sha256(bytes);
    let r = http(
        "POST",
        &format!("{}/v2/{repo}/blobs/uploads/", reg.url()),
        &[],
        None,
        None,
    );
    assert_eq!(r.status, 202, "{}: start upload: {r:?}", reg.name);
    let location = r.header("Location").expect("Location");
    let mut url = if location.starts_with("http") {
        location.to_string()
    } else {
        format!("{}{location}", reg.url())
    };
    url.push(if url.contains('?') { '&' } else { '?' });
    url.push_str(&format!("digest={digest}"));
    let r = http(
        "PUT",
        &url,
        &["Content-Type: application/octet-stream"],
        Some(bytes),
        None,
    );
    assert_eq!(r.status, 201, "{}: finish upload: {r:?}", reg.name);
    digest
}

/// Pushes an artifact with oras, then PUTs a referrer manifest whose subject
/// is that artifact; returns (subject digest, the PUT's response).
fn put_referrer(reg: &Registry, repo: &str) -> (String, testbed::HttpResponse) {
    let subject = oras_round_trip(reg, &format!("{repo}:subject"), &[]);
    let r = http(
        "GET",
        &format!("{}/v2/{repo}/manifests/{subject}", reg.url()),
        &[&format!("Accept: {OCI_MANIFEST}")],
        None,
        None,
    );
    assert_eq!(r.status, 200, "{}: {r:?}", reg.name);
    assert_eq!(sha256(&r.body), subject);
    let subject_size = r.body.len();

    assert_eq!(upload_blob(reg, repo, b"{}"), EMPTY_DIGEST);
    let manifest = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "artifactType": "application/vnd.example.testbed+json",
        "config": {"mediaType": "application/vnd.oci.empty.v1+json",
                   "digest": EMPTY_DIGEST, "size": 2},
        "layers": [{"mediaType": "application/vnd.oci.empty.v1+json",
                    "digest": EMPTY_DIGEST, "size": 2}],
        "subject": {"mediaType": OCI_MANIFEST, "digest": subject, "size": subject_size},
        "annotations": {"org.example.testbed": "smoke"},
    }))
    .unwrap();
    let r = http(
        "PUT",
        &format!("{}/v2/{repo}/manifests/{}", reg.url(), sha256(&manifest)),
        &[&format!("Content-Type: {OCI_MANIFEST}")],
        Some(&manifest),
        None,
    );
    assert_eq!(
        r.status,
        201,
        "{}: PUT referrer: {r:?}\n{}",
        reg.name,
        reg.log_tail()
    );
    (subject, r)
}

fn referrers(reg: &Registry, repo: &str, digest: &str) -> testbed::HttpResponse {
    http(
        "GET",
        &format!("{}/v2/{repo}/referrers/{digest}", reg.url()),
        &[],
        None,
        None,
    )
}

#[test]
fn docker_registry_has_no_referrers_api() {
    let reg = testbed::docker_open();
    let (subject, put) = put_referrer(reg, "smoke/referrers");
    assert_eq!(put.header("OCI-Subject"), None, "{put:?}");
    let r = referrers(reg, "smoke/referrers", &subject);
    assert_eq!(r.status, 404, "{r:?}");
    assert!(
        r.header("Content-Type").unwrap().starts_with("text/plain"),
        "{r:?}"
    );
    assert_eq!(r.text().trim(), "404 page not found");
}

#[test]
fn ferro_has_referrers_api_and_oci_subject() {
    let reg = testbed::ferro();
    // Before any referrer: an empty index, never 404.
    let none = format!("sha256:{}", "0".repeat(64));
    let r = referrers(reg, "smoke/referrers", &none);
    assert_eq!(r.status, 200, "{r:?}");
    assert!(
        r.header("Content-Type").unwrap().starts_with(OCI_INDEX),
        "{r:?}"
    );
    assert_eq!(r.json()["manifests"], serde_json::json!([]), "{r:?}");

    let (subject, put) = put_referrer(reg, "smoke/referrers");
    assert_eq!(put.header("OCI-Subject"), Some(subject.as_str()), "{put:?}");
    let r = referrers(reg, "smoke/referrers", &subject);
    assert_eq!(r.status, 200, "{r:?}");
    assert!(
        r.header("Content-Type").unwrap().starts_with(OCI_INDEX),
        "{r:?}"
    );
    let index = r.json();
    assert_eq!(index["schemaVersion"], 2);
    assert_eq!(index["mediaType"], OCI_INDEX);
    let listed = index["manifests"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{index}");
    assert_eq!(
        listed[0]["artifactType"],
        "application/vnd.example.testbed+json"
    );
}

#[test]
fn ggcr_has_referrers_api_without_oci_subject() {
    let reg = testbed::ggcr();
    let (subject, put) = put_referrer(reg, "smoke/referrers");
    assert_eq!(put.header("OCI-Subject"), None, "{put:?}");
    let r = referrers(reg, "smoke/referrers", &subject);
    assert_eq!(r.status, 200, "{r:?}");
    assert!(
        r.header("Content-Type").unwrap().starts_with(OCI_INDEX),
        "{r:?}"
    );
    let listed = r.json()["manifests"].as_array().unwrap().clone();
    assert_eq!(listed.len(), 1, "{listed:?}");
    // ggcr lists the config media type, not the manifest's artifactType.
    assert_eq!(
        listed[0]["artifactType"],
        "application/vnd.oci.empty.v1+json"
    );
}

#[test]
fn servers_start_once_per_test_binary() {
    let (a, b) = (testbed::ggcr(), testbed::ggcr());
    assert!(std::ptr::eq(a, b));
    assert!(a.host.starts_with("127.0.0.1:"));
}
