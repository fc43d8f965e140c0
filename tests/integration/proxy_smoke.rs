//! The fault proxy (proxy.rs, tests/peers/fault-proxy) does what it says:
//! it forwards faithfully (oras push and pull through it, uploads following
//! rewritten Locations), it lies on request (`OCI-Subject` stripped or
//! faked, a false 200 or a false 404 on the referrers endpoint), and it
//! counts requests. Its faults (random and targeted) happen as said, before
//! the registry sees a request or after it handled it, and its hostile
//! answers (referrers pages, a foreign challenge, a huge token, a
//! downgraded upload Location, over TLS) are as specified.

use std::collections::BTreeSet;
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::proxy::{FaultProxy, RandomFaults};
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

/// The upstream and a fresh proxy in front of it.
fn setup(reg: &'static Registry) -> (&'static Registry, FaultProxy) {
    testbed::oras();
    let proxy = FaultProxy::start(reg);
    (reg, proxy)
}

/// oras with the upstream's credentials, if it has auth.
fn oras(proxy: &FaultProxy, args: &[&str], cwd: &Path) -> Output {
    let bin = testbed::oras();
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
    let (_, proxy) = setup(testbed::ferro());
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
    let (_, proxy) = setup(testbed::docker_open());
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
    let (reg, proxy) = setup(testbed::docker_open());
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
    let (reg, proxy) = setup(testbed::docker_open());
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
    let (reg, proxy) = setup(testbed::ferro());
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
fn oras_through_proxy_and_counts(reg: &'static Registry) {
    let (_, proxy) = setup(reg);
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
    let (_, proxy) = setup(testbed::docker_token());
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
    let (_, proxy) = setup(testbed::docker_open());
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

// ---- faults and hostile answers ---------------------------------------------

const SIGSTORE_BUNDLE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";

/// The upstream and a fresh proxy in front of it (no oras needed).
fn setup_proxy(reg: &'static Registry) -> (&'static Registry, FaultProxy) {
    let proxy = FaultProxy::start(reg);
    (reg, proxy)
}

/// Bytes that differ from test to test (`seed`), `len` long.
fn pattern(seed: u8, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u64 * 31 + seed as u64 * 7 % 251) as u8)
        .collect()
}

/// A blob uploaded straight to the registry (never through the proxy).
fn registry_blob(reg: &Registry, repo: &str, bytes: &[u8]) -> String {
    let digest = sha256(bytes);
    let r = http(
        "POST",
        &format!("{}/v2/{repo}/blobs/uploads/", reg.url()),
        &[],
        None,
        None,
    );
    assert_eq!(r.status, 202, "start upload: {r:?}");
    let mut url = absolute(&reg.url(), r.header("Location").unwrap());
    url.push_str(&format!("&digest={digest}"));
    let r = http(
        "PUT",
        &url,
        &["Content-Type: application/octet-stream"],
        Some(bytes),
        None,
    );
    assert_eq!(r.status, 201, "finish upload: {r:?}");
    digest
}

fn absolute(base: &str, location: &str) -> String {
    if location.starts_with("http") {
        location.to_string()
    } else {
        format!("{base}{location}")
    }
}

/// An OCI manifest (config and layer the empty blob, which must be in the
/// repository), distinct for each `note`.
fn manifest_bytes(note: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "artifactType": "application/vnd.example.proxy+json",
        "config": {"mediaType": "application/vnd.oci.empty.v1+json",
                   "digest": EMPTY_DIGEST, "size": 2},
        "layers": [{"mediaType": "application/vnd.oci.empty.v1+json",
                    "digest": EMPTY_DIGEST, "size": 2}],
        "annotations": {"org.example.proxy": note},
    }))
    .unwrap()
}

/// The registry's own answer (not the proxy's) for a manifest: 200 or 404.
fn upstream_manifest(reg: &Registry, repo: &str, reference: &str) -> HttpResponse {
    http(
        "GET",
        &format!("{}/v2/{repo}/manifests/{reference}", reg.url()),
        &[&format!("Accept: {OCI_MANIFEST}")],
        None,
        None,
    )
}

fn put_manifest(proxy: &FaultProxy, repo: &str, reference: &str, body: &[u8]) -> HttpResponse {
    proxy.request(
        "PUT",
        &format!("/v2/{repo}/manifests/{reference}"),
        &[&format!("Content-Type: {OCI_MANIFEST}")],
        Some(body),
    )
}

fn is_digest(d: &str) -> bool {
    d.len() == 71
        && d.starts_with("sha256:")
        && d[7..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn assert_oci_error(r: &HttpResponse, code: &str) {
    let body = r.json();
    assert_eq!(body["errors"][0]["code"], code, "{r:?}");
}

/// How a raw exchange ended.
#[derive(Debug, PartialEq, Clone)]
enum End {
    /// The server closed the connection (FIN).
    Eof,
    /// The connection was reset (RST).
    Reset,
    Error(String),
}

/// One exchange on a raw TCP connection, seen byte for byte: what a
/// client gets when the proxy resets or truncates.
#[derive(Debug)]
struct Raw {
    status: Option<u16>,
    headers: Vec<(String, String)>,
    /// The bytes after the head (not de-chunked).
    body: Vec<u8>,
    /// All bytes received, head included.
    received: usize,
    /// Sending the request failed (the server reset it while reading).
    write_error: Option<ErrorKind>,
    end: End,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn content_length(&self) -> Option<usize> {
        self.header("Content-Length").map(|v| v.parse().unwrap())
    }

    /// Nothing came back and the connection was reset.
    fn was_reset_without_answer(&self) -> bool {
        self.received == 0 && (self.end == End::Reset || self.write_error.is_some())
    }
}

fn connect(host: &str) -> TcpStream {
    let s = TcpStream::connect(host).unwrap_or_else(|e| panic!("connect {host}: {e}"));
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(20))).unwrap();
    s
}

fn request_head(host: &str, method: &str, path: &str, headers: &[&str], body_len: usize) -> String {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for h in headers {
        head.push_str(h);
        head.push_str("\r\n");
    }
    if body_len > 0 || matches!(method, "PUT" | "PATCH" | "POST") {
        head.push_str(&format!("Content-Length: {body_len}\r\n"));
    }
    head.push_str("\r\n");
    head
}

/// Sends one request (`Connection: close`) and reads until the server
/// closes or resets the connection.
fn raw_request(host: &str, method: &str, path: &str, headers: &[&str], body: &[u8]) -> Raw {
    let mut s = connect(host);
    let head = request_head(host, method, path, headers, body.len());
    let mut send = || -> std::io::Result<()> {
        s.write_all(head.as_bytes())?;
        for chunk in body.chunks(16 << 10) {
            s.write_all(chunk)?;
        }
        Ok(())
    };
    let write_error = send().err().map(|e| e.kind());
    let mut buf = Vec::new();
    let mut chunk = vec![0u8; 64 << 10];
    let end = loop {
        match s.read(&mut chunk) {
            Ok(0) => break End::Eof,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => break End::Reset,
            Err(e) => break End::Error(e.to_string()),
        }
    };
    let received = buf.len();
    let (status, headers, body) = match buf.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(end) => {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            let mut lines = head.split("\r\n");
            let status = lines
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|c| c.parse().ok());
            let headers = lines
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .collect();
            (status, headers, buf[end + 4..].to_vec())
        }
        None => (None, vec![], buf),
    };
    Raw {
        status,
        headers,
        body,
        received,
        write_error,
        end,
    }
}

/// Polls `done` every 20 ms for up to 10 s.
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn last_fault(proxy: &FaultProxy) -> Value {
    proxy
        .fault_log()
        .last()
        .cloned()
        .unwrap_or_else(|| panic!("no fault applied\n{}", proxy.log_tail()))
}

/// Starts an upload through the proxy; returns the path (and query) of
/// the Location it answered, on the proxy.
fn start_upload(proxy: &FaultProxy, repo: &str) -> String {
    let r = proxy.request("POST", &format!("/v2/{repo}/blobs/uploads/"), &[], None);
    assert_eq!(r.status, 202, "{r:?}");
    let location = r.header("Location").unwrap();
    location
        .strip_prefix(&proxy.url())
        .unwrap_or(location)
        .to_string()
}

/// The registry's own upload status for an upload path: its Range.
fn upstream_upload_range(reg: &Registry, upload_path: &str) -> String {
    let r = http(
        "GET",
        &format!("{}{upload_path}", reg.url()),
        &[],
        None,
        None,
    );
    assert_eq!(r.status, 204, "{r:?}");
    r.header("Range").unwrap().to_string()
}

/// Random status faults: before, the registry never sees the PUT; after,
/// it stored the manifest, and the client got the fault instead.
#[test]
fn proxy_random_status_faults_before_and_after() {
    let (reg, proxy) = setup_proxy(testbed::docker_open());
    let repo = "proxy/random-status";
    registry_blob(reg, repo, b"{}");
    for (seed, kind) in ["5xx", "429", "429-retry-after"].into_iter().enumerate() {
        for when in ["before", "after"] {
            proxy.configure_random_faults(&RandomFaults::new(seed as u64, 1.0, &[kind]).when(when));
            let manifest = manifest_bytes(&format!("{kind} {when}"));
            let digest = sha256(&manifest);
            let r = put_manifest(&proxy, repo, &digest, &manifest);
            if kind == "5xx" {
                assert!([500, 502, 503].contains(&r.status), "{r:?}");
                assert_oci_error(&r, "UNAVAILABLE");
            } else {
                assert_eq!(r.status, 429, "{r:?}");
                assert_oci_error(&r, "TOOMANYREQUESTS");
            }
            let retry_after = (kind == "429-retry-after").then_some("1");
            assert_eq!(r.header("Retry-After"), retry_after, "{r:?}");
            let stored = upstream_manifest(reg, repo, &digest);
            let fault = last_fault(&proxy);
            assert_eq!(fault["fault"], kind, "{fault}");
            assert_eq!(fault["when"], when, "{fault}");
            assert_eq!(fault["source"], "random", "{fault}");
            assert_eq!(fault["status"], r.status, "{fault}");
            assert_eq!(fault["method"], "PUT", "{fault}");
            assert_eq!(fault["request_kind"], "manifest", "{fault}");
            if when == "before" {
                assert_eq!(
                    stored.status, 404,
                    "stored although faulted before: {stored:?}"
                );
                assert_eq!(fault.get("upstream_status"), None, "{fault}");
            } else {
                assert_eq!(stored.status, 200, "not stored by the upstream: {stored:?}");
                assert_eq!(stored.body, manifest);
                assert_eq!(fault["upstream_status"], 201, "{fault}");
            }
        }
    }
    let counts = proxy.counts();
    for kind in ["5xx", "429", "429-retry-after"] {
        assert_eq!(counts["faults"][kind], 2, "{counts}");
        assert_eq!(proxy.fault_count(kind, Some("before")), 1, "{counts}");
        assert_eq!(proxy.fault_count(kind, Some("after")), 1, "{counts}");
    }
    proxy.disable_random();
    let manifest = manifest_bytes("no more faults");
    let r = put_manifest(&proxy, repo, &sha256(&manifest), &manifest);
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(proxy.fault_log().len(), 6);
}

/// Random resets and truncation, as a client sees them on the wire.
#[test]
fn proxy_random_resets_and_truncation() {
    let (reg, proxy) = setup_proxy(testbed::docker_open());
    let repo = "proxy/random-reset";
    let blob = pattern(1, 10_000);
    let digest = registry_blob(reg, repo, &blob);
    let blob_path = format!("/v2/{repo}/blobs/{digest}");

    // After: the answer's headers and part of its body, then a reset.
    proxy.configure_random_faults(&RandomFaults::new(1, 1.0, &["reset-mid-body"]).when("after"));
    let r = raw_request(&proxy.host, "GET", &blob_path, &[], b"");
    assert_eq!(r.status, Some(200), "{:?}", r.headers);
    assert_eq!(r.content_length(), Some(blob.len()));
    assert!(r.body.len() < blob.len(), "{} bytes", r.body.len());
    assert_eq!(r.body, blob[..r.body.len()]);
    assert_eq!(r.end, End::Reset);
    let fault = last_fault(&proxy);
    assert_eq!(fault["when"], "after", "{fault}");
    assert_eq!(fault["bytes"], r.body.len(), "{fault}");
    assert_eq!(fault["upstream_status"], 200, "{fault}");
    // Nothing to cut (HEAD): reset with no answer at all.
    let r = raw_request(&proxy.host, "HEAD", &blob_path, &[], b"");
    assert!(r.was_reset_without_answer(), "{r:?}");

    // Truncated: Content-Length says more than comes, then a clean close.
    proxy.configure_random(2, 1.0, &["truncate-body"]);
    let r = raw_request(&proxy.host, "GET", &blob_path, &[], b"");
    assert_eq!(r.status, Some(200), "{:?}", r.headers);
    assert_eq!(r.content_length(), Some(blob.len()));
    assert!(r.body.len() < blob.len(), "{} bytes", r.body.len());
    assert_eq!(r.body, blob[..r.body.len()]);
    assert_eq!(r.end, End::Eof);
    let fault = last_fault(&proxy);
    assert_eq!(fault["fault"], "truncate-body", "{fault}");
    assert_eq!(fault["when"], "after", "{fault}");
    assert_eq!(fault["bytes"], r.body.len(), "{fault}");

    // Before, no request body: reset at once.
    proxy.configure_random_faults(&RandomFaults::new(3, 1.0, &["reset-mid-body"]).when("before"));
    let r = raw_request(&proxy.host, "GET", &blob_path, &[], b"");
    assert!(r.was_reset_without_answer(), "{r:?}");
    assert_eq!(last_fault(&proxy)["when"], "before");

    // Before, with a body: part of it read, nothing forwarded.
    proxy.disable_random();
    let upload = start_upload(&proxy, repo);
    assert_eq!(upstream_upload_range(reg, &upload), "0-0");
    proxy.configure_random_faults(
        &RandomFaults::new(4, 1.0, &["reset-mid-body"])
            .when("before")
            .methods(&["PATCH"]),
    );
    let chunk = pattern(2, 64 << 10);
    let r = raw_request(
        &proxy.host,
        "PATCH",
        &upload,
        &["Content-Type: application/octet-stream"],
        &chunk,
    );
    assert!(r.was_reset_without_answer(), "{r:?}");
    let fault = last_fault(&proxy);
    assert_eq!(fault["fault"], "reset-mid-body", "{fault}");
    assert_eq!(fault["when"], "before", "{fault}");
    let read = fault["bytes"].as_u64().unwrap();
    assert!((1..chunk.len() as u64).contains(&read), "{fault}");
    // The registry's upload is as it was: the whole chunk still goes in.
    assert_eq!(upstream_upload_range(reg, &upload), "0-0");
    let r = http(
        "PATCH",
        &format!("{}{upload}", reg.url()),
        &["Content-Type: application/octet-stream"],
        Some(&chunk),
        None,
    );
    assert_eq!(r.status, 202, "{r:?}");
    assert_eq!(r.header("Range"), Some("0-65535"), "{r:?}");
}

/// Slow: before, the PUT lands late; after, it landed at once and the
/// answer comes late. Two proxies, so both run at the same time.
#[test]
fn proxy_random_slow_before_and_after() {
    let (reg, slow_before) = setup_proxy(testbed::docker_open());
    let slow_after = FaultProxy::start(reg);
    let repo = "proxy/random-slow";
    registry_blob(reg, repo, b"{}");
    slow_before.configure_random_faults(&RandomFaults::new(5, 1.0, &["slow"]).when("before"));
    slow_after.configure_random_faults(&RandomFaults::new(6, 1.0, &["slow"]).when("after"));
    let early = manifest_bytes("slow before");
    let late = manifest_bytes("slow after");
    std::thread::scope(|s| {
        let start = Instant::now();
        let a = s.spawn(|| put_manifest(&slow_before, repo, "slow-before", &early));
        let b = s.spawn(|| put_manifest(&slow_after, repo, "slow-after", &late));
        // The "after" PUT lands at once, the "before" one only after its
        // delay (so a look that ends before that must not see it).
        wait_until("slow-after stored", || {
            upstream_manifest(reg, repo, "slow-after").status == 200
        });
        let early_seen = upstream_manifest(reg, repo, "slow-before").status;
        let looked = start.elapsed();
        for (proxy, put, when) in [(&slow_before, a, "before"), (&slow_after, b, "after")] {
            let r = put.join().unwrap();
            let took = start.elapsed();
            assert_eq!(r.status, 201, "{r:?}");
            let fault = last_fault(proxy);
            assert_eq!(fault["fault"], "slow", "{fault}");
            assert_eq!(fault["when"], when, "{fault}");
            let delay = Duration::from_millis(fault["delay_ms"].as_u64().unwrap());
            assert!(delay >= Duration::from_secs(1), "{fault}");
            assert!(delay < Duration::from_secs(3), "{fault}");
            assert!(took >= delay, "{took:?} {fault}");
            assert!(took < Duration::from_secs(15), "{took:?}");
            if when == "before" && looked < delay {
                assert_eq!(early_seen, 404, "landed before its delay");
            }
            if when == "after" {
                assert_eq!(fault["upstream_status"], 201, "{fault}");
            }
        }
    });
    assert_eq!(upstream_manifest(reg, repo, "slow-before").body, early);
    assert_eq!(slow_before.fault_count("slow", Some("before")), 1);
    assert_eq!(slow_after.fault_count("slow", Some("after")), 1);
}

/// The same seed and request order give the same faults; filters keep
/// other requests out (they neither fault nor draw).
#[test]
fn proxy_random_faults_are_deterministic() {
    let (_, proxy) = setup_proxy(testbed::docker_open());
    let kinds = [
        "5xx",
        "429",
        "429-retry-after",
        "reset-mid-body",
        "truncate-body",
    ];
    let run_with = |seed: u64| {
        proxy.configure_random(seed, 0.5, &kinds);
        proxy.reset();
        let outcomes: Vec<String> = (0..30)
            .map(|_| {
                let r = raw_request(&proxy.host, "GET", "/v2/", &[], b"");
                format!("{:?} {:?} {:?}", r.status, r.body, r.end)
            })
            .collect();
        let log: Vec<Value> = proxy
            .fault_log()
            .into_iter()
            .map(|mut f| {
                f.as_object_mut().unwrap().remove("seq");
                f
            })
            .collect();
        (outcomes, log)
    };
    let (outcomes, log) = run_with(42);
    let n = log.len();
    assert!(n > 5 && n < 25, "{n} faults of 30 at rate 0.5: {log:?}");
    for when in ["before", "after"] {
        assert!(log.iter().any(|f| f["when"] == when), "{log:?}");
    }
    assert_eq!(run_with(42), (outcomes, log.clone()));
    assert_ne!(run_with(43).1, log);

    // Filtered out: GET /v2/ is neither PUT nor a manifest request.
    proxy.configure_random_faults(&RandomFaults::new(42, 1.0, &["429"]).methods(&["PUT"]));
    proxy.reset();
    assert_eq!(proxy.request("GET", "/v2/", &[], None).status, 200);
    proxy.configure_random_faults(
        &RandomFaults::new(42, 1.0, &["429"]).request_kinds(&["manifest", "blob"]),
    );
    assert_eq!(proxy.request("GET", "/v2/", &[], None).status, 200);
    proxy.configure_random_faults(&RandomFaults::new(42, 1.0, &["429"]).path_regex("^/v2/x/"));
    assert_eq!(proxy.request("GET", "/v2/", &[], None).status, 200);
    assert_eq!(
        proxy.request("GET", "/v2/x/tags/list", &[], None).status,
        429
    );
    assert_eq!(proxy.fault_log().len(), 1);
}

/// The brief's example: a 429 after the registry stored the manifest.
#[test]
fn proxy_rule_after_429_leaves_the_manifest_stored() {
    let (reg, proxy) = setup_proxy(testbed::docker_open());
    let repo = "proxy/rule-after";
    registry_blob(reg, repo, b"{}");
    let manifest = manifest_bytes("rule after");
    let tag = format!("sha256-{}", &sha256(&manifest)[7..]);
    proxy.add_rules(json!([{
        "method": "PUT", "kind": "manifest", "path_regex": "sha256-", "nth": 1,
        "action": {"status": 429, "headers": {"Retry-After": "4"}}, "when": "after",
    }]));
    // Not matching (by digest, no "sha256-"): passes.
    let other = manifest_bytes("not matched");
    assert_eq!(
        put_manifest(&proxy, repo, &sha256(&other), &other).status,
        201
    );
    let r = put_manifest(&proxy, repo, &tag, &manifest);
    assert_eq!(r.status, 429, "{r:?}");
    assert_eq!(r.header("Retry-After"), Some("4"), "{r:?}");
    assert_oci_error(&r, "TOOMANYREQUESTS");
    let stored = upstream_manifest(reg, repo, &tag);
    assert_eq!(stored.status, 200, "{stored:?}");
    assert_eq!(stored.body, manifest);
    // One shot: the next matching PUT passes.
    assert_eq!(put_manifest(&proxy, repo, &tag, &manifest).status, 201);
    let rules = proxy.rules();
    assert_eq!(rules[0]["matched"], 2, "{rules}");
    assert_eq!(rules[0]["fired"], 1, "{rules}");
    let fault = last_fault(&proxy);
    assert_eq!(fault["source"], "rule", "{fault}");
    assert_eq!(fault["rule"], 0, "{fault}");
    assert_eq!(fault["fault"], "rule-status-429", "{fault}");
    assert_eq!(fault["when"], "after", "{fault}");
    assert_eq!(fault["upstream_status"], 201, "{fault}");
    assert_eq!(proxy.faults(), json!({"rule-status-429": 1}));
    assert_eq!(proxy.fault_count("rule-status-429", Some("after")), 1);
}

/// Before rules answer without the registry; nth and times pick the
/// matches; rules fire before random faults; bad rules are refused whole;
/// DELETE clears.
#[test]
fn proxy_rules_before_nth_times_and_clear() {
    let (reg, proxy) = setup_proxy(testbed::docker_open());
    let repo = "proxy/rule-before";
    registry_blob(reg, repo, b"{}");
    proxy.add_rules(
        json!({"method": "get", "kind": "ping", "nth": 2, "times": 2,
                           "action": {"status": 503}}),
    );
    let statuses: Vec<u16> = (0..5)
        .map(|_| proxy.request("GET", "/v2/", &[], None).status)
        .collect();
    assert_eq!(statuses, [200, 503, 503, 200, 200]);
    assert_eq!(proxy.fault_count("rule-status-503", Some("before")), 2);

    let manifest = manifest_bytes("rule before");
    let digest = sha256(&manifest);
    let rules = proxy.add_rules(json!([{"method": "PUT", "kind": "manifest",
        "action": {"status": 429, "body": "slow down"}}]));
    assert_eq!(rules.as_array().unwrap().len(), 2, "{rules}");
    assert_eq!(rules[1]["when"], "before", "{rules}");
    // The rule wins over a random fault due on the same request.
    proxy.configure_random(7, 1.0, &["5xx"]);
    let r = put_manifest(&proxy, repo, &digest, &manifest);
    assert_eq!(r.status, 429, "{r:?}");
    assert_eq!(r.text(), "slow down");
    assert_eq!(upstream_manifest(reg, repo, &digest).status, 404);
    proxy.disable_random();

    // A bad rule in a list: nothing of the list is added.
    for bad in [
        json!([{"action": {"status": 429}}, {"action": {"status": 429, "delay_ms": 5}}]),
        json!({"action": {"reset_after_response_bytes": 5}, "when": "before"}),
        json!({"action": {"reset_after_request_bytes": 5}, "when": "after"}),
        json!({"kind": "manifests", "action": {"reset": true}}),
        json!({"path_regex": "(", "action": {"reset": true}}),
        json!({"action": {"status": 429}, "colour": "red"}),
        json!({"action": {}}),
    ] {
        let r = proxy.try_add_rules(&bad);
        assert_eq!(r.status, 400, "{bad}: {r:?}");
        assert!(r.json()["error"].is_string(), "{r:?}");
    }
    assert_eq!(proxy.rules().as_array().unwrap().len(), 2);

    proxy.clear_rules();
    assert_eq!(proxy.rules(), json!([]));
    assert_eq!(put_manifest(&proxy, repo, &digest, &manifest).status, 201);
    assert_eq!(proxy.request("GET", "/v2/", &[], None).status, 200);
}

/// delay_ms before: the PUT lands late; after: it landed, the answer is
/// late.
#[test]
fn proxy_rule_delay() {
    let (reg, proxy) = setup_proxy(testbed::docker_open());
    let repo = "proxy/rule-delay";
    registry_blob(reg, repo, b"{}");
    proxy.add_rules(json!([
        {"method": "PUT", "path_regex": "/manifests/late$", "action": {"delay_ms": 1500}},
        {"method": "PUT", "path_regex": "/manifests/early$", "action": {"delay_ms": 1500},
         "when": "after"},
    ]));
    let late = manifest_bytes("lands late");
    let early = manifest_bytes("lands early");
    std::thread::scope(|s| {
        let start = Instant::now();
        let a = s.spawn(|| put_manifest(&proxy, repo, "late", &late));
        let b = s.spawn(|| put_manifest(&proxy, repo, "early", &early));
        wait_until("early stored", || {
            upstream_manifest(reg, repo, "early").status == 200
        });
        let late_seen = upstream_manifest(reg, repo, "late").status;
        if start.elapsed() < Duration::from_millis(1500) {
            assert_eq!(late_seen, 404, "landed before its delay");
            assert!(!a.is_finished() && !b.is_finished());
        }
        for put in [a, b] {
            let r = put.join().unwrap();
            assert_eq!(r.status, 201, "{r:?}");
            let took = start.elapsed();
            assert!(took >= Duration::from_millis(1500), "{took:?}");
            assert!(took < Duration::from_secs(15), "{took:?}");
        }
    });
    assert_eq!(upstream_manifest(reg, repo, "late").body, late);
    assert_eq!(proxy.fault_count("rule-delay", Some("before")), 1);
    assert_eq!(proxy.fault_count("rule-delay", Some("after")), 1);
    let log = proxy.fault_log();
    assert!(log.iter().all(|f| f["delay_ms"] == 1500), "{log:?}");
    let after = log.iter().find(|f| f["when"] == "after").unwrap();
    assert_eq!(after["upstream_status"], 201, "{log:?}");
}

/// reset_after_request_bytes, reset_after_response_bytes and reset.
#[test]
fn proxy_rule_resets() {
    let (reg, proxy) = setup_proxy(testbed::docker_open());
    let repo = "proxy/rule-reset";
    registry_blob(reg, repo, b"{}");

    // In the middle of a PATCH: 1000 bytes read, nothing forwarded.
    let upload = start_upload(&proxy, repo);
    proxy.add_rules(json!({"method": "PATCH", "kind": "upload",
                           "action": {"reset_after_request_bytes": 1000}}));
    let chunk = pattern(3, 64 << 10);
    let r = raw_request(
        &proxy.host,
        "PATCH",
        &upload,
        &["Content-Type: application/octet-stream"],
        &chunk,
    );
    assert!(r.was_reset_without_answer(), "{r:?}");
    let fault = last_fault(&proxy);
    assert_eq!(fault["fault"], "rule-reset-request", "{fault}");
    assert_eq!(fault["bytes"], 1000, "{fault}");
    assert_eq!(upstream_upload_range(reg, &upload), "0-0");

    // In the middle of an answer: headers and 100 body bytes, then reset.
    let blob = pattern(4, 10_000);
    let digest = registry_blob(reg, repo, &blob);
    proxy.add_rules(json!({"method": "GET", "kind": "blob",
                           "action": {"reset_after_response_bytes": 100}}));
    let r = raw_request(
        &proxy.host,
        "GET",
        &format!("/v2/{repo}/blobs/{digest}"),
        &[],
        b"",
    );
    assert_eq!(r.status, Some(200), "{r:?}");
    assert_eq!(r.content_length(), Some(blob.len()));
    assert_eq!(r.body, blob[..100]);
    assert_eq!(r.end, End::Reset);
    assert_eq!(last_fault(&proxy)["when"], "after");

    // A reset after the registry stored the manifest: no answer at all.
    let stored = manifest_bytes("reset after");
    proxy.add_rules(json!({"method": "PUT", "kind": "manifest", "when": "after",
                           "action": {"reset": true}}));
    let r = raw_request(
        &proxy.host,
        "PUT",
        &format!("/v2/{repo}/manifests/reset-after"),
        &[&format!("Content-Type: {OCI_MANIFEST}")],
        &stored,
    );
    assert!(r.was_reset_without_answer(), "{r:?}");
    assert_eq!(upstream_manifest(reg, repo, "reset-after").body, stored);
    // ...and one before: nothing stored.
    let lost = manifest_bytes("reset before");
    proxy.add_rules(json!({"method": "PUT", "kind": "manifest", "action": {"reset": true}}));
    let r = raw_request(
        &proxy.host,
        "PUT",
        &format!("/v2/{repo}/manifests/reset-before"),
        &[&format!("Content-Type: {OCI_MANIFEST}")],
        &lost,
    );
    assert!(r.was_reset_without_answer(), "{r:?}");
    assert_eq!(upstream_manifest(reg, repo, "reset-before").status, 404);
    let faults = proxy.faults();
    assert_eq!(
        faults,
        json!({"rule-reset-request": 1, "rule-reset-response": 1, "rule-reset": 2}),
        "{faults}"
    );
    assert_eq!(proxy.fault_count("rule-reset", Some("after")), 1);
}

/// A referrers listing of the proxy's own: a chain of pages, padded
/// pages, one page of 100000 entries.
#[test]
fn proxy_synthetic_referrers_pages_and_entries() {
    let (_, proxy) = setup_proxy(testbed::docker_open());
    let repo = "proxy/pages";
    let subject = format!("sha256:{}", "ab".repeat(32));
    let first = format!("/v2/{repo}/referrers/{subject}");
    let check_page = |r: &HttpResponse, entries: usize| -> Vec<String> {
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(r.header("Content-Type"), Some(OCI_INDEX), "{r:?}");
        assert_eq!(
            r.header("Content-Length")
                .unwrap()
                .parse::<usize>()
                .unwrap(),
            r.body.len()
        );
        let index = r.json();
        assert_eq!(index["schemaVersion"], 2);
        assert_eq!(index["mediaType"], OCI_INDEX);
        let manifests = index["manifests"].as_array().unwrap();
        assert_eq!(manifests.len(), entries);
        manifests
            .iter()
            .map(|m| {
                assert_eq!(m["mediaType"], OCI_MANIFEST, "{m}");
                assert_eq!(m["artifactType"], SIGSTORE_BUNDLE, "{m}");
                assert_eq!(m["size"], 1024, "{m}");
                let d = m["digest"].as_str().unwrap();
                assert!(is_digest(d), "{m}");
                d.to_string()
            })
            .collect()
    };

    proxy.referrers_pages(3, 5, 0);
    let mut path = first.clone();
    let mut digests = BTreeSet::new();
    let mut pages = 0;
    loop {
        let r = proxy.request("GET", &path, &[], None);
        digests.extend(check_page(&r, 5));
        pages += 1;
        assert!(pages <= 3, "more pages than configured");
        let Some(link) = r.header("Link") else { break };
        let next = link
            .strip_prefix('<')
            .and_then(|l| l.split_once(">; rel=\"next\""))
            .unwrap_or_else(|| panic!("Link: {link}"))
            .0;
        assert!(next.starts_with(&first), "{next}");
        path = next.to_string();
    }
    assert_eq!(pages, 3);
    assert_eq!(digests.len(), 15, "entries repeat");
    let head = proxy.request("HEAD", &first, &[], None);
    assert_eq!(head.status, 200);
    assert!(head.header("Link").is_some(), "{head:?}");
    // Past the last page: 404.
    let r = proxy.request("GET", &format!("{first}?fault-proxy-page=4"), &[], None);
    assert_eq!(r.status, 404, "{r:?}");

    // Padded, exactly, with an annotation or (when too short) spaces.
    proxy.referrers_pages(1, 2, 0);
    let plain = proxy.request("GET", &first, &[], None).body.len();
    for pad in [100_000, plain + 5] {
        proxy.referrers_pages(1, 2, pad as u64);
        let r = proxy.request("GET", &first, &[], None);
        assert_eq!(r.body.len(), pad);
        check_page(&r, 2);
        assert!(r.header("Link").is_none(), "{r:?}");
    }

    // One page of 100000 entries, all distinct.
    proxy.referrers_entries(100_000);
    let start = Instant::now();
    let r = proxy.request("GET", &first, &[], None);
    let digests: BTreeSet<String> = check_page(&r, 100_000).into_iter().collect();
    assert_eq!(digests.len(), 100_000);
    assert!(r.header("Link").is_none(), "{r:?}");
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );

    // Off: forwarded again (docker-registry has no API).
    proxy.referrers_synthetic_off();
    assert_plain_404(&proxy.request("GET", &first, &[], None));
    assert_eq!(proxy.count("GET referrers"), 9, "{}", proxy.counts());
}

/// challenge: a 401 with the configured WWW-Authenticate for every request
/// without Authorization, before any fault; requests with one pass.
#[test]
fn proxy_challenge_answers_requests_without_authorization() {
    let (_, proxy) = setup_proxy(testbed::docker_open());
    let port = proxy.host.rsplit_once(':').unwrap().1;
    let challenge = format!(r#"Bearer realm="http://evil.test:{port}/token",service="x""#);
    proxy.challenge(Some(&challenge));
    proxy.configure_random(8, 1.0, &["429"]);
    for path in ["/v2/", "/v2/proxy/challenge/manifests/latest"] {
        let r = proxy.request("GET", path, &[], None);
        assert_eq!(r.status, 401, "{r:?}");
        assert_eq!(r.header("WWW-Authenticate"), Some(challenge.as_str()));
        assert_oci_error(&r, "UNAUTHORIZED");
    }
    assert_eq!(proxy.fault_log(), Vec::<Value>::new());
    proxy.disable_random();
    // With credentials: handled as usual (docker-open ignores them).
    let r = proxy.request("GET", "/v2/", &["Authorization: Bearer anything"], None);
    assert_eq!(r.status, 200, "{r:?}");
    proxy.challenge(None);
    assert_eq!(proxy.request("GET", "/v2/", &[], None).status, 200);
    assert_eq!(proxy.count("GET ping"), 3, "{}", proxy.counts());
}

/// The token endpoint: a small token by default, recorded with the
/// credentials it was sent; N bytes exactly; 1 GiB streamed, stopping when
/// the client hangs up; chunked.
#[test]
fn proxy_token_endpoint() {
    use base64::Engine;
    let (_, proxy) = setup_proxy(testbed::docker_open());
    let url = format!("{}?scope=repository:a/b:pull&service=x", proxy.token_url());
    let r = http("GET", &url, &[], None, Some(("someone", "secret")));
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.json()["token"], "fault-proxy-token");
    wait_until("the token call recorded", || {
        proxy.token_requests()[0]["finished"] == true
    });
    let calls = proxy.token_requests();
    assert_eq!(calls.len(), 1, "{calls:?}");
    let basic = base64::engine::general_purpose::STANDARD.encode("someone:secret");
    assert_eq!(calls[0]["authorization"], format!("Basic {basic}"));
    assert_eq!(
        calls[0]["uri"],
        "/__proxy/token?scope=repository:a/b:pull&service=x"
    );
    assert_eq!(calls[0]["complete"], true);
    assert_eq!(proxy.counts()["token_requests"], 1);
    // Control calls are not requests to the registry.
    assert_eq!(proxy.counts()["total"], 0);

    proxy.token_body(100, false);
    let r = http("GET", &proxy.token_url(), &[], None, None);
    assert_eq!(r.body.len(), 100);
    assert_eq!(r.json()["token"].as_str().unwrap().len(), 100 - 12);

    // 1 GiB: read the head and 1 MiB, then hang up.
    let size: u64 = 1 << 30;
    proxy.token_body(size, false);
    {
        let mut s = connect(&proxy.host);
        let head = request_head(&proxy.host, "GET", "/__proxy/token", &[], 0);
        s.write_all(head.as_bytes()).unwrap();
        let mut got = Vec::new();
        let mut chunk = vec![0u8; 64 << 10];
        while got.len() < (1 << 20) {
            let n = s.read(&mut chunk).unwrap();
            assert!(n > 0, "closed early");
            got.extend_from_slice(&chunk[..n]);
        }
        let text = String::from_utf8_lossy(&got[..2048]);
        assert!(text.starts_with("HTTP/1.1 200 "), "{text}");
        assert!(
            text.contains(&format!("Content-Length: {size}\r\n")),
            "{text}"
        );
        assert!(text.contains("\r\n\r\n{\"token\":\"aaaa"), "{text}");
    }
    wait_until("the proxy to stop sending", || {
        proxy.token_requests().last().unwrap()["finished"] == true
    });
    let call = proxy.token_requests().last().unwrap().clone();
    assert_eq!(call["complete"], false, "{call}");
    let sent = call["bytes_sent"].as_u64().unwrap();
    assert!((1 << 20..size / 8).contains(&sent), "{call}");

    proxy.token_body(1000, true);
    let r = http("GET", &proxy.token_url(), &[], None, None);
    assert_eq!(r.header("Transfer-Encoding"), Some("chunked"), "{r:?}");
    assert_eq!(r.header("Content-Length"), None, "{r:?}");
    assert_eq!(r.body.len(), 1000);
    assert_eq!(proxy.token_requests().len(), 4);
}

/// -tls: HTTPS with a CA the test trusts (and with curl -k); Locations
/// name the proxy with https://; upload_location downgrades or diverts
/// them; oras pushes and pulls through it; faults work over TLS too.
#[test]
fn proxy_tls_mode() {
    let reg = testbed::docker_open();
    let oras_bin = testbed::oras();
    let proxy = FaultProxy::start_tls(reg);
    let ca = proxy.ca_cert.clone().unwrap();
    assert!(proxy.url().starts_with("https://127.0.0.1:"));
    assert_eq!(proxy.request("GET", "/v2/", &[], None).status, 200);
    let out = run(
        "curl",
        &[
            "-sS",
            "-k",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            &format!("{}/v2/", proxy.url()),
        ],
        None,
    );
    assert_eq!(out.stdout, "200", "{out:?}");
    // Without trusting the CA: refused.
    let out = run(
        "curl",
        &["-sS", "-o", "/dev/null", &format!("{}/v2/", proxy.url())],
        None,
    );
    assert_ne!(out.code, 0, "{out:?}");

    let repo = "proxy/tls";
    let upload = proxy.request("POST", &format!("/v2/{repo}/blobs/uploads/"), &[], None);
    let location = upload.header("Location").unwrap();
    assert!(
        location.starts_with(&format!("{}/v2/{repo}/", proxy.url())),
        "{location}"
    );
    let bytes = b"uploaded over TLS\n";
    let put = proxy.request(
        "PUT",
        &format!(
            "{}&digest={}",
            &location[proxy.url().len()..],
            sha256(bytes)
        ),
        &["Content-Type: application/octet-stream"],
        Some(bytes),
    );
    assert_eq!(put.status, 201, "{put:?}");

    proxy.upload_location(Some("http"));
    let r = proxy.request("POST", &format!("/v2/{repo}/blobs/uploads/"), &[], None);
    let location = r.header("Location").unwrap();
    let downgraded = format!("http://{}/v2/{repo}/blobs/uploads/", proxy.host);
    assert!(location.starts_with(&downgraded), "{location}");
    proxy.upload_location(Some("http://evil.test:1"));
    let r = proxy.request("POST", &format!("/v2/{repo}/blobs/uploads/"), &[], None);
    let location = r.header("Location").unwrap();
    let path = location
        .strip_prefix("http://evil.test:1")
        .unwrap_or_else(|| panic!("{location}"));
    assert!(
        path.starts_with(&format!("/v2/{repo}/blobs/uploads/")),
        "{location}"
    );
    // PATCH answers too (sent to the proxy, as no client should).
    let r = proxy.request(
        "PATCH",
        path,
        &["Content-Type: application/octet-stream"],
        Some(b"chunk"),
    );
    assert_eq!(r.status, 202, "{r:?}");
    assert!(
        r.header("Location")
            .unwrap()
            .starts_with("http://evil.test:1/v2/")
    );
    proxy.upload_location(None);

    // oras through it, trusting the CA.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("hello.txt"), CONTENT).unwrap();
    let ca_arg = ca.to_str().unwrap();
    let out = run(
        oras_bin.to_str().unwrap(),
        &[
            "push",
            "--ca-file",
            ca_arg,
            "--disable-path-validation",
            &proxy.reference(&format!("{repo}:v1")),
            "hello.txt:text/plain",
        ],
        Some(dir.path()),
    );
    assert_eq!(
        out.code,
        0,
        "oras push over TLS: {out:?}\n{}",
        proxy.log_tail()
    );
    let out = run(
        oras_bin.to_str().unwrap(),
        &[
            "pull",
            "--ca-file",
            ca_arg,
            &proxy.reference(&format!("{repo}:v1")),
            "-o",
            "pulled",
        ],
        Some(dir.path()),
    );
    assert_eq!(
        out.code,
        0,
        "oras pull over TLS: {out:?}\n{}",
        proxy.log_tail()
    );
    assert_eq!(
        std::fs::read(dir.path().join("pulled/hello.txt")).unwrap(),
        CONTENT
    );

    // Faults over TLS: curl sees the reset and the truncation.
    let blob_url = format!("{}/v2/{repo}/blobs/{}", proxy.url(), sha256(bytes));
    proxy.configure_random_faults(&RandomFaults::new(9, 1.0, &["reset-mid-body"]).when("after"));
    let out = run(
        "curl",
        &["-sS", "--cacert", ca_arg, "-o", "/dev/null", &blob_url],
        None,
    );
    assert_eq!(out.code, 56, "curl: recv failure expected: {out:?}");
    proxy.configure_random(9, 1.0, &["truncate-body"]);
    let out = run(
        "curl",
        &["-sS", "--cacert", ca_arg, "-o", "/dev/null", &blob_url],
        None,
    );
    assert_eq!(out.code, 18, "curl: partial file expected: {out:?}");
}

/// The config API: omitted fields keep their value, bad values are refused
/// and change nothing, and every field is reported.
#[test]
fn proxy_config_patches_and_refusals() {
    let (_, proxy) = setup_proxy(testbed::docker_open());
    let fresh = proxy.config();
    assert_eq!(
        fresh,
        json!({"fake_subject_header": false, "strip_subject_header": false,
               "referrers": "pass", "referrers_pages": null, "referrers_entries": 0,
               "challenge": "", "token_body_bytes": 0, "token_chunked": false,
               "upload_location": "", "random": null})
    );
    proxy.configure(true, false, "fake200");
    let cfg = proxy.set_config(json!({"random": {"seed": 1, "rate": 0.25}}));
    assert_eq!(cfg["fake_subject_header"], true);
    assert_eq!(cfg["referrers"], "fake200");
    assert_eq!(cfg["random"]["kinds"].as_array().unwrap().len(), 6, "{cfg}");
    assert_eq!(cfg["random"]["when"], "any", "{cfg}");
    for bad in [
        json!({"random": {"seed": 1, "rate": 1.5}}),
        json!({"random": {"seed": 1, "rate": 1, "kinds": ["teapot"]}}),
        json!({"random": {"seed": 1, "rate": 1, "kinds": ["truncate-body"], "when": "before"}}),
        json!({"random": {"seed": 1, "rate": 1, "request_kinds": ["manifests"]}}),
        json!({"random": {"seed": 1, "rate": 1, "colour": "red"}}),
        json!({"referrers_pages": {"pages": 0, "entries": 1}}),
        json!({"upload_location": "ftp://x"}),
        json!({"upload_location": "http://x/path"}),
        json!({"challenge": "a\r\nb"}),
        json!({"referrers": "maybe"}),
        json!({"token_body_bytes": -1}),
        json!({"no_such_field": true}),
        json!([1]),
    ] {
        let r = proxy.try_set_config(&bad);
        assert_eq!(r.status, 400, "{bad}: {r:?}");
    }
    assert_eq!(proxy.config(), cfg);
    let cfg = proxy.set_config(json!({"random": null, "referrers": "pass"}));
    assert_eq!(cfg["random"], Value::Null);
    assert_eq!(cfg["fake_subject_header"], true);
}
