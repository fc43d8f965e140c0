//! The fault proxy (proxy.rs, tests/peers/fault-proxy) does what it says:
//! it forwards faithfully (oras push and pull through it, uploads following
//! rewritten Locations), it lies on request (`OCI-Subject` stripped or
//! faked, a false 200 or a false 404 on the referrers endpoint), and it
//! counts requests.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::proxy::FaultProxy;
use crate::support::{Output, run};
use crate::testbed::{self, HttpResponse, Registry, http};

const EMPTY_DIGEST: &str =
    "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
const CONTENT: &[u8] = b"hello through the fault proxy\n";

fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// The upstream and a fresh proxy in front of it, or `None` when a peer is
/// missing (outside CI).
fn setup(reg: Option<&'static Registry>) -> Option<(&'static Registry, FaultProxy)> {
    let reg = reg?;
    testbed::oras()?;
    let proxy = FaultProxy::start(reg)?;
    Some((reg, proxy))
}

/// oras with the upstream's credentials, if it has auth.
fn oras(proxy: &FaultProxy, args: &[&str], cwd: &Path) -> Output {
    let bin = testbed::oras().expect("oras");
    let creds = proxy.oras_credentials();
    let mut all = args.to_vec();
    all.extend(creds.iter().map(String::as_str));
    run(bin.to_str().unwrap(), &all, Some(cwd))
}

/// oras push of a small file through the proxy, then pull into another dir:
/// the same bytes come back. Returns the manifest digest.
fn oras_round_trip(proxy: &FaultProxy, repo_tag: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("hello.txt"), CONTENT).unwrap();
    let out = oras(
        proxy,
        &[
            "push",
            "--plain-http",
            "--disable-path-validation",
            &proxy.reference(repo_tag),
            "hello.txt:text/plain",
        ],
        dir.path(),
    );
    assert_eq!(
        out.code,
        0,
        "oras push via proxy: {out:?}\n{}",
        proxy.log_tail()
    );
    let digest = out
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("Digest: "))
        .unwrap_or_else(|| panic!("no Digest line in oras output: {out:?}"))
        .trim()
        .to_string();
    let pulled = dir.path().join("pulled");
    let out = oras(
        proxy,
        &[
            "pull",
            "--plain-http",
            &proxy.reference(repo_tag),
            "-o",
            pulled.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(
        out.code,
        0,
        "oras pull via proxy: {out:?}\n{}",
        proxy.log_tail()
    );
    assert_eq!(std::fs::read(pulled.join("hello.txt")).unwrap(), CONTENT);
    digest
}

/// POST + monolithic PUT of a blob through the proxy, following the
/// Location it answered (which must not lead around it).
fn upload_blob(proxy: &FaultProxy, repo: &str, bytes: &[u8]) -> String {
    let digest = sha256(bytes);
    let r = http(
        "POST",
        &format!("{}/v2/{repo}/blobs/uploads/", proxy.url()),
        &[],
        None,
        None,
    );
    assert_eq!(r.status, 202, "start upload: {r:?}");
    let location = r.header("Location").expect("Location");
    assert!(
        !location.contains(&proxy.upstream_host),
        "Location leads around the proxy: {location}"
    );
    let mut url = if location.starts_with("http") {
        assert!(location.starts_with(&proxy.url()), "{location}");
        location.to_string()
    } else {
        format!("{}{location}", proxy.url())
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
    assert_eq!(r.status, 201, "finish upload: {r:?}\n{}", proxy.log_tail());
    digest
}

/// PUTs (through the proxy) a referrer manifest whose subject is `subject`
/// in `repo`; `note` makes each one distinct. Returns the PUT's response.
fn put_referrer(proxy: &FaultProxy, repo: &str, subject: &str, note: &str) -> HttpResponse {
    let r = http(
        "GET",
        &format!("{}/v2/{repo}/manifests/{subject}", proxy.url()),
        &[&format!("Accept: {OCI_MANIFEST}")],
        None,
        None,
    );
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(sha256(&r.body), subject);
    let subject_size = r.body.len();
    assert_eq!(upload_blob(proxy, repo, b"{}"), EMPTY_DIGEST);
    let manifest = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "artifactType": "application/vnd.example.proxy+json",
        "config": {"mediaType": "application/vnd.oci.empty.v1+json",
                   "digest": EMPTY_DIGEST, "size": 2},
        "layers": [{"mediaType": "application/vnd.oci.empty.v1+json",
                    "digest": EMPTY_DIGEST, "size": 2}],
        "subject": {"mediaType": OCI_MANIFEST, "digest": subject, "size": subject_size},
        "annotations": {"org.example.proxy": note},
    }))
    .unwrap();
    let r = http(
        "PUT",
        &format!("{}/v2/{repo}/manifests/{}", proxy.url(), sha256(&manifest)),
        &[&format!("Content-Type: {OCI_MANIFEST}")],
        Some(&manifest),
        None,
    );
    assert_eq!(r.status, 201, "PUT referrer: {r:?}\n{}", proxy.log_tail());
    r
}

fn referrers(base_url: &str, repo: &str, digest: &str) -> HttpResponse {
    http(
        "GET",
        &format!("{base_url}/v2/{repo}/referrers/{digest}"),
        &[],
        None,
        None,
    )
}

fn assert_empty_index(r: &HttpResponse) {
    assert_eq!(r.status, 200, "{r:?}");
    assert!(
        r.header("Content-Type").unwrap().starts_with(OCI_INDEX),
        "{r:?}"
    );
    let index = r.json();
    assert_eq!(index["schemaVersion"], 2, "{index}");
    assert_eq!(index["mediaType"], OCI_INDEX, "{index}");
    assert_eq!(index["manifests"], serde_json::json!([]), "{index}");
}

fn assert_plain_404(r: &HttpResponse) {
    assert_eq!(r.status, 404, "{r:?}");
    assert!(
        r.header("Content-Type").unwrap().starts_with("text/plain"),
        "{r:?}"
    );
    assert_eq!(r.text().trim(), "404 page not found");
}

#[test]
fn proxy_strips_oci_subject_from_ferro() {
    let Some((_, proxy)) = setup(testbed::ferro()) else {
        return;
    };
    let repo = "proxy/strip";
    let subject = oras_round_trip(&proxy, &format!("{repo}:subject"));
    // Forwarded unchanged: ferro's own header comes through.
    let put = put_referrer(&proxy, repo, &subject, "passed");
    assert_eq!(put.header("OCI-Subject"), Some(subject.as_str()), "{put:?}");
    proxy.configure(false, true, "pass");
    let put = put_referrer(&proxy, repo, &subject, "stripped");
    assert_eq!(put.header("OCI-Subject"), None, "{put:?}");
    // The API itself still works through it.
    let r = referrers(&proxy.url(), repo, &subject);
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.json()["manifests"].as_array().unwrap().len(), 2, "{r:?}");
}

#[test]
fn proxy_fakes_oci_subject_on_docker_registry() {
    let Some((_, proxy)) = setup(testbed::docker_open()) else {
        return;
    };
    let repo = "proxy/fake-subject";
    let subject = oras_round_trip(&proxy, &format!("{repo}:subject"));
    let put = put_referrer(&proxy, repo, &subject, "honest");
    assert_eq!(put.header("OCI-Subject"), None, "{put:?}");
    proxy.configure(true, false, "pass");
    let put = put_referrer(&proxy, repo, &subject, "lying");
    assert_eq!(put.header("OCI-Subject"), Some(subject.as_str()), "{put:?}");
    // A lie: there is still no API behind it.
    assert_plain_404(&referrers(&proxy.url(), repo, &subject));
    // No subject in the body: no header, even when faking.
    let r = http(
        "GET",
        &format!("{}/v2/{repo}/manifests/{subject}", proxy.url()),
        &[&format!("Accept: {OCI_MANIFEST}")],
        None,
        None,
    );
    let r = http(
        "PUT",
        &format!("{}/v2/{repo}/manifests/again", proxy.url()),
        &[&format!("Content-Type: {OCI_MANIFEST}")],
        Some(&r.body),
        None,
    );
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.header("OCI-Subject"), None, "{r:?}");
}

#[test]
fn proxy_rewrites_docker_registrys_upload_locations() {
    let Some((reg, proxy)) = setup(testbed::docker_open()) else {
        return;
    };
    // docker-registry answers with absolute Locations naming itself...
    let r = http(
        "POST",
        &format!("{}/v2/proxy/location/blobs/uploads/", reg.url()),
        &[],
        None,
        None,
    );
    assert_eq!(r.status, 202, "{r:?}");
    assert!(
        r.header("Location")
            .unwrap()
            .starts_with(&format!("{}/", reg.url())),
        "{r:?}"
    );
    // ...which the proxy points at itself; the upload completes through it.
    upload_blob(
        &proxy,
        "proxy/location",
        b"uploaded through a rewritten Location\n",
    );
    let counts = proxy.counts();
    assert_eq!(proxy.count("POST upload"), 1, "{counts}");
    assert_eq!(proxy.count("PUT upload"), 1, "{counts}");
}

#[test]
fn proxy_fake200_answers_referrers_on_docker_registry() {
    let Some((reg, proxy)) = setup(testbed::docker_open()) else {
        return;
    };
    let repo = "proxy/fake200";
    let subject = oras_round_trip(&proxy, &format!("{repo}:subject"));
    put_referrer(&proxy, repo, &subject, "unlisted");
    assert_plain_404(&referrers(&proxy.url(), repo, &subject));
    proxy.configure(false, false, "fake200");
    proxy.reset();
    assert_empty_index(&referrers(&proxy.url(), repo, &subject));
    let none = format!("sha256:{}", "0".repeat(64));
    assert_empty_index(&referrers(&proxy.url(), "proxy/no-such-repo", &none));
    assert_eq!(proxy.count("GET referrers"), 2, "{}", proxy.counts());
    // Only through the proxy: the registry itself still has no API.
    assert_plain_404(&referrers(&reg.url(), repo, &subject));
}

#[test]
fn proxy_404_hides_ferros_referrers_api() {
    let Some((reg, proxy)) = setup(testbed::ferro()) else {
        return;
    };
    let repo = "proxy/hide";
    let subject = oras_round_trip(&proxy, &format!("{repo}:subject"));
    put_referrer(&proxy, repo, &subject, "hidden");
    proxy.configure(false, false, "404");
    assert_plain_404(&referrers(&proxy.url(), repo, &subject));
    let none = format!("sha256:{}", "0".repeat(64));
    assert_plain_404(&referrers(&proxy.url(), repo, &none));
    // Directly, and through the proxy once it passes again: one referrer.
    let direct = referrers(&reg.url(), repo, &subject);
    assert_eq!(direct.status, 200, "{direct:?}");
    assert_eq!(direct.json()["manifests"].as_array().unwrap().len(), 1);
    proxy.configure(false, false, "pass");
    let r = referrers(&proxy.url(), repo, &subject);
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.json(), direct.json());
}

/// oras push and pull through the proxy, and what it counted.
fn oras_through_proxy_and_counts(reg: Option<&'static Registry>) {
    let Some((_, proxy)) = setup(reg) else {
        return;
    };
    // Fresh: nothing counted, and control calls never count.
    assert_eq!(proxy.counts()["total"], 0, "{}", proxy.counts());
    let repo = "proxy/oras";
    let dir = tempfile::tempdir().unwrap();
    // A layer no other test pushes: ferro's blob store is global, and a
    // blob it already has is not uploaded again.
    let content = format!(
        "counted through the fault proxy to {}\n",
        proxy.upstream_name
    );
    std::fs::write(dir.path().join("hello.txt"), &content).unwrap();
    let out = oras(
        &proxy,
        &[
            "push",
            "--plain-http",
            "--disable-path-validation",
            &proxy.reference(&format!("{repo}:v1")),
            "hello.txt:text/plain",
        ],
        dir.path(),
    );
    assert_eq!(out.code, 0, "oras push: {out:?}\n{}", proxy.log_tail());
    let pushed = proxy.counts();
    let by_kind = pushed["by_kind"].as_object().unwrap();
    let sum: u64 = by_kind.values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(pushed["total"].as_u64().unwrap(), sum, "{pushed}");
    // Two blobs (config `{}` and the layer) checked; each missing one
    // uploaded by POST + PUT to the rewritten Location (the layer always;
    // `{}` unless another test put it in ferro's global store); one manifest.
    let n = |k: &str| by_kind.get(k).and_then(|v| v.as_u64()).unwrap_or(0);
    assert_eq!(n("HEAD blob"), 2, "{pushed}");
    assert!((1..=2).contains(&n("POST upload")), "{pushed}");
    assert_eq!(n("PUT upload"), n("POST upload"), "{pushed}");
    assert_eq!(n("PUT manifest"), 1, "{pushed}");
    assert!(!by_kind.contains_key("GET blob"), "{pushed}");

    proxy.reset();
    assert_eq!(proxy.counts()["total"], 0, "{}", proxy.counts());
    assert_eq!(proxy.counts()["by_kind"], serde_json::json!({}));
    let pulled = dir.path().join("pulled");
    let out = oras(
        &proxy,
        &[
            "pull",
            "--plain-http",
            &proxy.reference(&format!("{repo}:v1")),
            "-o",
            pulled.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(out.code, 0, "oras pull: {out:?}\n{}", proxy.log_tail());
    assert_eq!(
        std::fs::read_to_string(pulled.join("hello.txt")).unwrap(),
        content
    );
    let counts = proxy.counts();
    assert!(proxy.count("GET manifest") >= 1, "{counts}");
    assert!(proxy.count("GET blob") >= 1, "{counts}");
    assert_eq!(proxy.count("PUT manifest"), 0, "{counts}");
    assert_eq!(proxy.count("POST upload"), 0, "{counts}");
}

#[test]
fn proxy_oras_and_counts_docker_registry() {
    oras_through_proxy_and_counts(testbed::docker_open());
}

#[test]
fn proxy_oras_and_counts_ferro() {
    oras_through_proxy_and_counts(testbed::ferro());
}

/// Authorization passes through: oras gets its token from the token service
/// (the challenge names it, not the proxy) and pushes through the proxy.
#[test]
fn proxy_forwards_token_auth() {
    let Some((_, proxy)) = setup(testbed::docker_token()) else {
        return;
    };
    assert!(!proxy.oras_credentials().is_empty());
    oras_round_trip(&proxy, "proxy/auth:v1");
    let r = http("GET", &format!("{}/v2/", proxy.url()), &[], None, None);
    assert_eq!(r.status, 401, "{r:?}");
    assert!(
        r.header("WWW-Authenticate")
            .unwrap()
            .starts_with("Bearer realm="),
        "{r:?}"
    );
}

#[test]
fn proxy_stops_when_dropped() {
    let Some((_, proxy)) = setup(testbed::docker_open()) else {
        return;
    };
    let dir = proxy.dir.clone();
    assert!(dir.is_dir());
    // The watchdog removes the dir after it has killed and reaped the proxy.
    drop(proxy);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while dir.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "{} not removed: the proxy still runs?",
            dir.display()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
