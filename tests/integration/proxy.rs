//! A fault-injecting proxy in front of a test-bed registry
//! (tests/peers/fault-proxy; its header comment is the reference for the
//! control API): it forwards everything, and on request lies the ways real
//! registries do (DESIGN.md section 3): a fake or missing `OCI-Subject`, a
//! false 200 or a false 404 on the referrers endpoint. It also counts
//! requests by "METHOD kind", to assert what a client sent.
//!
//! It also fails on request, before the registry sees a request (its state
//! unchanged) or after the registry handled it (the write happened, the
//! client does not learn it): seeded random faults (`configure_random`),
//! targeted one-shot rules (`add_rules`), and hostile answers for
//! hardening tests (endless referrers pages, huge listings, a foreign auth
//! challenge, a huge token, a downgraded upload `Location`; `start_tls`
//! serves HTTPS for the latter), and servers that hang a client: an answer
//! before the body is read with the socket then held open unread
//! (`answer_early`), a body dripped a byte at a time (`drip_ms`), no answer
//! at all (`stall`); see `HANGING_FAULT_KINDS` and tests/integration/hangs.rs.
//!
//! Each `FaultProxy::start` runs a new proxy (cheap: it picks its own port)
//! under testbed.rs' watchdog: it stops when the `FaultProxy` is dropped or
//! the test process ends, whichever comes first.

#![allow(dead_code)] // an API for the tests to come; not all of it is used yet

use std::path::PathBuf;
use std::process::Command;

use serde_json::{Value, json};

use crate::support::missing_peer;
use crate::testbed::{self, HttpResponse, Registry, Server, http, https};

/// Every kind of random fault (see `RandomFaults`).
pub const RANDOM_FAULT_KINDS: [&str; 6] = [
    "5xx",
    "429",
    "429-retry-after",
    "reset-mid-body",
    "truncate-body",
    "slow",
];

/// The kinds of random fault that hang a request until the client gives
/// up: an answer before the body is read (429 or 503, the socket then held
/// open unread), a body dripped a byte a second, no answer at all. Drawn
/// only when named (not among the defaults).
pub const HANGING_FAULT_KINDS: [&str; 3] = ["answer-early", "drip", "stall"];

/// A running fault proxy. `host` is its "127.0.0.1:PORT" (plain HTTP, or
/// HTTPS when started with `start_tls`). Fresh, it forwards everything
/// unchanged (`configure(false, false, "pass")`, no faults, no rules).
pub struct FaultProxy {
    pub host: String,
    /// The upstream registry's name and "127.0.0.1:PORT".
    pub upstream_name: &'static str,
    pub upstream_host: String,
    /// The upstream's credentials (the proxy forwards `Authorization`).
    pub user: Option<String>,
    pub password: Option<String>,
    /// Its temp dir (holds `server.log`); removed when it stops.
    pub dir: PathBuf,
    /// With `start_tls`: the CA certificate (PEM, in `dir`) that signed its
    /// server certificate (for 127.0.0.1, ::1 and localhost), to trust.
    pub ca_cert: Option<PathBuf>,
    server: Server,
}

/// Seeded random faults: each request that passes the filters draws from
/// a generator seeded with `seed`; with probability `rate` it gets one of
/// `kinds` (see `RANDOM_FAULT_KINDS`; empty = all), at the time `when`
/// allows ("before" the registry sees it, "after" it handled it, or "any").
/// The same config and request order give the same faults.
#[derive(Clone, Debug)]
pub struct RandomFaults {
    pub seed: u64,
    pub rate: f64,
    pub kinds: Vec<String>,
    /// "before", "after" or "any".
    pub when: String,
    /// Only these methods (empty = any).
    pub methods: Vec<String>,
    /// Only these request kinds: ping, blob, upload, manifest, referrers,
    /// tags, other (empty = any).
    pub request_kinds: Vec<String>,
    /// Only request URIs (path and query) this RE2 regex matches.
    pub path_regex: Option<String>,
}

impl RandomFaults {
    pub fn new(seed: u64, rate: f64, kinds: &[&str]) -> RandomFaults {
        RandomFaults {
            seed,
            rate,
            kinds: kinds.iter().map(|k| k.to_string()).collect(),
            when: "any".into(),
            methods: vec![],
            request_kinds: vec![],
            path_regex: None,
        }
    }

    pub fn when(mut self, when: &str) -> Self {
        self.when = when.into();
        self
    }

    pub fn methods(mut self, methods: &[&str]) -> Self {
        self.methods = methods.iter().map(|m| m.to_string()).collect();
        self
    }

    pub fn request_kinds(mut self, kinds: &[&str]) -> Self {
        self.request_kinds = kinds.iter().map(|k| k.to_string()).collect();
        self
    }

    pub fn path_regex(mut self, regex: &str) -> Self {
        self.path_regex = Some(regex.into());
        self
    }

    /// The proxy's `"random"` config object.
    pub fn to_json(&self) -> Value {
        json!({
            "seed": self.seed,
            "rate": self.rate,
            "kinds": self.kinds,
            "when": self.when,
            "methods": self.methods,
            "request_kinds": self.request_kinds,
            "path_regex": self.path_regex.clone().unwrap_or_default(),
        })
    }
}

/// tests/peers/fault-proxy as built by scripts/setup-test-peers.sh.
pub fn fault_proxy_bin() -> PathBuf {
    let path = testbed::peer_cache().join("bin/fault-proxy");
    if path.is_file() {
        path
    } else {
        missing_peer(&path.display().to_string())
    }
}

impl FaultProxy {
    /// Starts a new proxy in front of `upstream` (the test fails when the
    /// proxy or curl, for the control calls, is not installed).
    pub fn start(upstream: &Registry) -> FaultProxy {
        FaultProxy::start_with(upstream, false)
    }

    /// Like `start`, serving HTTPS (HTTP/1.1) with a certificate it makes;
    /// `ca_cert` is the CA to trust (or use curl -k / an insecure client).
    pub fn start_tls(upstream: &Registry) -> FaultProxy {
        FaultProxy::start_with(upstream, true)
    }

    /// A plain-HTTP proxy in front of another loopback service (a Sigstore
    /// log, say) at `url` ("http://127.0.0.1:PORT"), without credentials.
    pub fn start_before(name: &'static str, url: &str) -> FaultProxy {
        let host = url.trim_start_matches("http://").trim_end_matches('/');
        FaultProxy::start_at(name, host, None, None, false)
    }

    fn start_with(upstream: &Registry, tls: bool) -> FaultProxy {
        FaultProxy::start_at(
            upstream.name,
            &upstream.host,
            upstream.user.clone(),
            upstream.password.clone(),
            tls,
        )
    }

    fn start_at(
        name: &'static str,
        upstream_host: &str,
        user: Option<String>,
        password: Option<String>,
        tls: bool,
    ) -> FaultProxy {
        let bin = fault_proxy_bin();
        testbed::curl_bin();
        let dir = tempfile::Builder::new()
            .prefix("cargo-attest-tb-fault-proxy-")
            .tempdir()
            .expect("temp dir")
            .keep();
        let mut cmd = Command::new(bin);
        let upstream = format!("http://{upstream_host}");
        cmd.args(["-addr", "127.0.0.1:0", "-upstream", &upstream]);
        let ca_cert = tls.then(|| dir.join("ca.pem"));
        if let Some(ca) = &ca_cert {
            cmd.arg("-tls").arg("-tls-cert-out").arg(ca);
        }
        let server = Server::start("fault-proxy", &dir, cmd).unwrap_or_else(|e| panic!("{e}"));
        let host = server.listening().unwrap_or_else(|e| panic!("{e}"));
        FaultProxy {
            host,
            upstream_name: name,
            upstream_host: upstream_host.to_string(),
            user,
            password,
            dir,
            ca_cert,
            server,
        }
    }

    /// "http://127.0.0.1:PORT" ("https://..." with `start_tls`).
    pub fn url(&self) -> String {
        let scheme = if self.ca_cert.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.host)
    }

    /// "127.0.0.1:PORT/REPO[:TAG|@DIGEST]" for `repo_ref` "REPO[:TAG|@DIGEST]".
    pub fn reference(&self, repo_ref: &str) -> String {
        format!("{}/{repo_ref}", self.host)
    }

    /// `-u USER -p PASSWORD` for oras when the upstream has auth, else empty.
    pub fn oras_credentials(&self) -> Vec<String> {
        match (&self.user, &self.password) {
            (Some(u), Some(p)) => vec!["-u".into(), u.clone(), "-p".into(), p.clone()],
            _ => vec![],
        }
    }

    /// Sets how it lies, from now on (counts are kept):
    /// - `fake_subject_header`: a successful manifest PUT whose body has a
    ///   `subject` is answered with `OCI-Subject: <subject digest>`;
    /// - `strip_subject_header`: `OCI-Subject` is removed from every answer
    ///   of the upstream (before the fake one is added: both = fake);
    /// - `referrers`: "pass" forwards `GET /v2/<name>/referrers/<digest>`;
    ///   "fake200" answers it 200 with an empty OCI index; "404" answers it
    ///   with docker-registry's text/plain `404 page not found`.
    pub fn configure(
        &self,
        fake_subject_header: bool,
        strip_subject_header: bool,
        referrers: &str,
    ) {
        let body = serde_json::json!({
            "fake_subject_header": fake_subject_header,
            "strip_subject_header": strip_subject_header,
            "referrers": referrers,
        })
        .to_string();
        let r = self.control("POST", "config", Some(body.as_bytes()));
        assert_eq!(
            r.status,
            200,
            "fault-proxy config {body}: {r:?}\n{}",
            self.log_tail()
        );
    }

    /// Requests since start or the last `reset` (control calls excluded):
    /// `{"total": N, "by_kind": {"PUT manifest": 2, "GET referrers": 1, ...},
    /// "faults": {"429": 1, ...}, "faults_before": {..}, "faults_after":
    /// {..}, "token_requests": N}`, kind one of ping, blob, upload,
    /// manifest, referrers, tags, other.
    pub fn counts(&self) -> serde_json::Value {
        let r = self.control("GET", "counts", None);
        assert_eq!(
            r.status,
            200,
            "fault-proxy counts: {r:?}\n{}",
            self.log_tail()
        );
        r.json()
    }

    /// One "METHOD kind" count, e.g. `count("PUT manifest")` (0 when none).
    pub fn count(&self, method_kind: &str) -> u64 {
        self.counts()["by_kind"][method_kind].as_u64().unwrap_or(0)
    }

    /// Zeroes the counts, the fault log and the token calls (the
    /// configuration, the random generator and the rules stay).
    pub fn reset(&self) {
        let r = self.control("POST", "reset", None);
        assert_eq!(
            r.status,
            204,
            "fault-proxy reset: {r:?}\n{}",
            self.log_tail()
        );
    }

    /// The current configuration (every field; see the proxy's header
    /// comment).
    pub fn config(&self) -> Value {
        let r = self.control("GET", "config", None);
        assert_eq!(r.status, 200, "fault-proxy config: {r:?}");
        r.json()
    }

    /// POSTs a config patch (omitted fields keep their value); the answer,
    /// 200 with the new config or 400 with `{"error": ...}`.
    pub fn try_set_config(&self, patch: &Value) -> HttpResponse {
        self.control("POST", "config", Some(patch.to_string().as_bytes()))
    }

    /// Applies a config patch; panics unless accepted. Returns the new
    /// config.
    pub fn set_config(&self, patch: Value) -> Value {
        let r = self.try_set_config(&patch);
        assert_eq!(
            r.status,
            200,
            "fault-proxy config {patch}: {r:?}\n{}",
            self.log_tail()
        );
        r.json()
    }

    /// Random faults of `kinds` (empty = all) at `rate`, before or after
    /// (whichever each draw picks), on every request. Seeds the generator
    /// again, even with the same seed.
    pub fn configure_random(&self, seed: u64, rate: f64, kinds: &[&str]) {
        self.configure_random_faults(&RandomFaults::new(seed, rate, kinds));
    }

    /// Random faults as given (filters, when). Seeds the generator again.
    pub fn configure_random_faults(&self, random: &RandomFaults) {
        self.set_config(json!({ "random": random.to_json() }));
    }

    /// No more random faults.
    pub fn disable_random(&self) {
        self.set_config(json!({ "random": null }));
    }

    /// Appends targeted rules: one rule object or a list of them, e.g.
    /// `{"method": "PUT", "kind": "manifest", "path_regex": "sha256-",
    /// "nth": 1, "when": "after", "action": {"status": 429, "headers":
    /// {"Retry-After": "4"}}}`; actions `{"status": N, "headers": {..},
    /// "body": ".."}`, `{"delay_ms": N}`, `{"reset": true}`,
    /// `{"reset_after_request_bytes": N}`, `{"reset_after_response_bytes":
    /// N}`. Returns all the rules with their state (index, matched, fired,
    /// missed).
    pub fn add_rules(&self, rules: Value) -> Value {
        let r = self.try_add_rules(&rules);
        assert_eq!(
            r.status,
            200,
            "fault-proxy rules {rules}: {r:?}\n{}",
            self.log_tail()
        );
        r.json()
    }

    /// POSTs rules; the answer (200, or 400 with `{"error": ...}`).
    pub fn try_add_rules(&self, rules: &Value) -> HttpResponse {
        self.control("POST", "rules", Some(rules.to_string().as_bytes()))
    }

    /// The rules, in order, with their state.
    pub fn rules(&self) -> Value {
        let r = self.control("GET", "rules", None);
        assert_eq!(r.status, 200, "fault-proxy rules: {r:?}");
        r.json()
    }

    /// Removes every rule.
    pub fn clear_rules(&self) {
        let r = self.control("DELETE", "rules", None);
        assert_eq!(r.status, 204, "fault-proxy clear rules: {r:?}");
    }

    /// Faults applied since start or the last `reset`, by name: the random
    /// kinds ("429", ...) and "rule-status-NNN", "rule-delay",
    /// "rule-reset", "rule-reset-request", "rule-reset-response".
    pub fn faults(&self) -> Value {
        self.counts()["faults"].clone()
    }

    /// One fault's count (0 when none); `when` splits by "before" or
    /// "after" (None: both).
    pub fn fault_count(&self, name: &str, when: Option<&str>) -> u64 {
        let key = match when {
            None => "faults".to_string(),
            Some(w) => format!("faults_{w}"),
        };
        self.counts()[key.as_str()][name].as_u64().unwrap_or(0)
    }

    /// The faults applied since start or the last `reset`, oldest first:
    /// `{"seq", "source", "rule"?, "fault", "when", "method", "uri",
    /// "request_kind", "status"?, "delay_ms"?, "bytes"?, "upstream_status"?}`.
    pub fn fault_log(&self) -> Vec<Value> {
        let r = self.control("GET", "faults", None);
        assert_eq!(r.status, 200, "fault-proxy faults: {r:?}");
        r.json()["faults"].as_array().unwrap().clone()
    }

    /// Answers GET referrers itself with a chain of `pages` pages linked by
    /// `Link: <...>; rel="next"`, each an OCI index of `entries` synthetic
    /// descriptors, padded to `pad_bytes` (0: no padding).
    pub fn referrers_pages(&self, pages: u64, entries: u64, pad_bytes: u64) {
        self.set_config(json!({"referrers_pages": {
            "pages": pages, "entries": entries, "pad_bytes": pad_bytes}}));
    }

    /// Answers GET referrers itself with one page of `n` synthetic
    /// descriptors (0: off).
    pub fn referrers_entries(&self, n: u64) {
        self.set_config(json!({ "referrers_entries": n }));
    }

    /// Synthetic referrers off (both pages and entries).
    pub fn referrers_synthetic_off(&self) {
        self.set_config(json!({"referrers_pages": null, "referrers_entries": 0}));
    }

    /// Answers every request without `Authorization` with 401 and this
    /// `WWW-Authenticate` value (None: off).
    pub fn challenge(&self, www_authenticate: Option<&str>) {
        self.set_config(json!({ "challenge": www_authenticate.unwrap_or("") }));
    }

    /// Makes `token_url()` answer with a JSON body of exactly `bytes` bytes
    /// (0: a small valid token), streamed, with Content-Length unless
    /// `chunked`.
    pub fn token_body(&self, bytes: u64, chunked: bool) {
        self.set_config(json!({"token_body_bytes": bytes, "token_chunked": chunked}));
    }

    /// The proxy's own token endpoint, for a challenge's realm.
    pub fn token_url(&self) -> String {
        format!("{}/__proxy/token", self.url())
    }

    /// The calls of the token endpoint since start or the last `reset`:
    /// `{"method", "uri", "authorization", "bytes_sent", "complete",
    /// "finished"}`.
    pub fn token_requests(&self) -> Vec<Value> {
        let r = self.control("GET", "token-requests", None);
        assert_eq!(r.status, 200, "fault-proxy token-requests: {r:?}");
        r.json()["requests"].as_array().unwrap().clone()
    }

    /// Rewrites the `Location` of upload answers (POST, PATCH on
    /// blobs/uploads) to "http" or "https" with the proxy's host, or to
    /// "SCHEME://HOST[:PORT]" (None: off).
    pub fn upload_location(&self, to: Option<&str>) {
        self.set_config(json!({ "upload_location": to.unwrap_or("") }));
    }

    /// The last lines of its log: one line per request, with what it faked.
    pub fn log_tail(&self) -> String {
        self.server.log_tail(60)
    }

    /// A request to the proxy (any path, e.g. "/v2/") with curl, over HTTPS
    /// trusting its CA when it serves TLS.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[&str],
        body: Option<&[u8]>,
    ) -> HttpResponse {
        let url = format!("{}{path}", self.url());
        match &self.ca_cert {
            Some(ca) => https(method, &url, headers, body, None, ca),
            None => http(method, &url, headers, body, None),
        }
    }

    fn control(&self, method: &str, what: &str, body: Option<&[u8]>) -> HttpResponse {
        let headers: &[&str] = if body.is_some() {
            &["Content-Type: application/json"]
        } else {
            &[]
        };
        self.request(method, &format!("/__proxy/{what}"), headers, body)
    }
}
