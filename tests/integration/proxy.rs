//! A fault-injecting proxy in front of a test-bed registry
//! (tests/peers/fault-proxy): it forwards everything, and on request lies
//! the ways real registries do (DESIGN.md section 3): a fake or missing
//! `OCI-Subject`, a false 200 or a false 404 on the referrers endpoint. It
//! also counts requests by "METHOD kind", to assert what a client sent.
//!
//! Each `FaultProxy::start` runs a new proxy (cheap: it picks its own port)
//! under testbed.rs' watchdog: it stops when the `FaultProxy` is dropped or
//! the test process ends, whichever comes first.

#![allow(dead_code)] // an API for the tests to come; not all of it is used yet

use std::path::PathBuf;
use std::process::Command;

use crate::support::missing_peer;
use crate::testbed::{self, HttpResponse, Registry, Server, http};

/// A running fault proxy. `host` is its "127.0.0.1:PORT" (plain HTTP).
/// Fresh, it forwards everything unchanged (`configure(false, false,
/// "pass")`).
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
    server: Server,
}

/// tests/peers/fault-proxy as built by scripts/setup-test-peers.sh.
pub fn fault_proxy_bin() -> Option<PathBuf> {
    let path = testbed::peer_cache().join("bin/fault-proxy");
    if path.is_file() {
        Some(path)
    } else {
        missing_peer(&path.display().to_string());
        None
    }
}

impl FaultProxy {
    /// Starts a new proxy in front of `upstream`. `None` when the proxy or
    /// curl (for the control calls) is not installed (outside CI).
    pub fn start(upstream: &Registry) -> Option<FaultProxy> {
        let bin = fault_proxy_bin()?;
        testbed::curl_bin()?;
        let dir = tempfile::Builder::new()
            .prefix("cargo-attest-tb-fault-proxy-")
            .tempdir()
            .expect("temp dir")
            .keep();
        let mut cmd = Command::new(bin);
        cmd.args(["-addr", "127.0.0.1:0", "-upstream", &upstream.url()]);
        let server = Server::start("fault-proxy", &dir, cmd).unwrap_or_else(|e| panic!("{e}"));
        let host = server.listening().unwrap_or_else(|e| panic!("{e}"));
        Some(FaultProxy {
            host,
            upstream_name: upstream.name,
            upstream_host: upstream.host.clone(),
            user: upstream.user.clone(),
            password: upstream.password.clone(),
            dir,
            server,
        })
    }

    /// "http://127.0.0.1:PORT".
    pub fn url(&self) -> String {
        format!("http://{}", self.host)
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
    /// `{"total": N, "by_kind": {"PUT manifest": 2, "GET referrers": 1, ...}}`,
    /// kind one of ping, blob, upload, manifest, referrers, tags, other.
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

    /// Zeroes the counts (the configuration stays).
    pub fn reset(&self) {
        let r = self.control("POST", "reset", None);
        assert_eq!(
            r.status,
            204,
            "fault-proxy reset: {r:?}\n{}",
            self.log_tail()
        );
    }

    /// The last lines of its log: one line per request, with what it faked.
    pub fn log_tail(&self) -> String {
        self.server.log_tail(60)
    }

    fn control(&self, method: &str, what: &str, body: Option<&[u8]>) -> HttpResponse {
        let headers: &[&str] = if body.is_some() {
            &["Content-Type: application/json"]
        } else {
            &[]
        };
        http(
            method,
            &format!("{}/__proxy/{what}", self.url()),
            headers,
            body,
            None,
        )
    }
}
