//! The local keyless Sigstore stack (DESIGN.md section 9), started once per
//! test binary on 127.0.0.1 under testbed.rs' watchdog (nothing outlives the
//! test process):
//!
//! - tests/peers/oidc-issuer: GitHub-shaped tokens (issuer `oidc_url`) and
//!   GitLab-shaped ones (issuer `gitlab_issuer_url`, the same server's
//!   `/gitlab`), and GitHub Actions' token-request endpoint;
//! - Fulcio v1.8.8 (`--ca ephemeralca`, no CT log) trusting both issuers,
//!   as `github-workflow` and `gitlab-pipeline`;
//! - timestamp-server v2.1.3 (in-memory signer; its metrics listener takes
//!   the fixed port 2112, hence one stack per test binary);
//! - Rekor v2 (rekor-tiles v2.3.0's POSIX server) with an ed25519 log key
//!   made here, checkpoint origin "127.0.0.1".
//!
//! From their keys the harness writes a trusted root (with and without the
//! Rekor log) and a signing config v0.2 (with and without Rekor) into the
//! stack's temp dir; see tests/README.md. Installed by
//! scripts/setup-test-peers.sh; a missing peer fails the test that needs it
//! (`support::missing_peer`).
//!
//! Also here, for tests that check other verifiers against real cosign
//! output: `cosign_keyless_bundle()`, `cosign_keyless_bundle_rekor()` (DSSE)
//! and `cosign_keyless_blob_signature_rekor()`, made once by cosign v3
//! against this stack.

#![allow(dead_code)] // an API for the tests to come; not all of it is used yet

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::{Output, have_command, missing_peer};
use crate::testbed::{self, Server, http};

const START_TIMEOUT: Duration = Duration::from_secs(30);
/// timestamp-server v2.1.3 always serves its metrics on all interfaces at
/// this port, and exits when it is taken.
pub const TSA_METRICS_PORT: u16 = 2112;
/// The audience Fulcio expects (its `ClientID` for both issuers).
pub const AUDIENCE: &str = "sigstore";
/// Start of every `validFor` in the trusted root and signing config.
pub(crate) const VALID_FROM: &str = "2020-01-01T00:00:00Z";
pub const TRUSTED_ROOT_MEDIA_TYPE: &str =
    "application/vnd.dev.sigstore.trustedroot+json;version=0.1";
pub const SIGNING_CONFIG_MEDIA_TYPE: &str = "application/vnd.dev.sigstore.signingconfig.v0.2+json";

/// The running stack. URLs are "http://127.0.0.1:PORT" without a trailing
/// slash.
pub struct SigstoreStack {
    /// Holds the files below (and the OIDC issuer's `server.log`); removed
    /// when the test process ends.
    pub dir: PathBuf,
    /// The GitHub-shaped tokens' issuer (`iss`), also the OIDC server's base.
    pub oidc_url: String,
    /// The GitLab-shaped tokens' issuer: `{oidc_url}/gitlab`.
    pub gitlab_issuer_url: String,
    pub fulcio_url: String,
    /// The TSA's base URL; it timestamps at `tsa_timestamp_url()`.
    pub tsa_url: String,
    /// Rekor v2's base URL (`POST /api/v2/log/entries`).
    pub rekor_url: String,
    /// Rekor's tile storage (checkpoint and tiles as plain files).
    pub rekor_storage: PathBuf,
    /// Trusted root (`TRUSTED_ROOT_MEDIA_TYPE`): Fulcio's CA chain, the TSA's
    /// chain and the Rekor v2 log; no CT logs.
    pub trusted_root: PathBuf,
    /// The same without the Rekor log (`"tlogs": []`).
    pub trusted_root_without_rekor: PathBuf,
    /// Signing config v0.2 naming the local Fulcio, OIDC issuer, TSA and
    /// Rekor v2 (cosign v3's `--signing-config`).
    pub signing_config: PathBuf,
    /// The same without Rekor (`"rekorTlogUrls": []`).
    pub signing_config_without_rekor: PathBuf,
    /// Fulcio's chain as PEM (intermediates and root, root last).
    pub fulcio_chain_pem: PathBuf,
    /// The TSA's chain as PEM (leaf first, root last).
    pub tsa_chain_pem: PathBuf,
    /// Rekor's ed25519 public key (PEM, SubjectPublicKeyInfo).
    pub rekor_public_key_pem: PathBuf,
    /// The Rekor log's `logId.keyId` (base64): the signed-note key id,
    /// SHA-256("127.0.0.1" || 0x0A || 0x01 || raw key).
    pub rekor_log_id: String,
    /// The request token the Actions endpoint accepts for the default
    /// GitHub identity (`TokenSpec::github()`); see `actions_env`.
    pub actions_request_token: String,
    servers: Vec<Server>,
}

/// The CI that a token imitates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ci {
    GitHub,
    GitLab,
}

/// What token to mint. `github()` and `gitlab()` are valid tokens for
/// Fulcio (repository "acme/widget", ref "refs/heads/main", audience
/// "sigstore", ten minutes of life); the builder methods change them.
#[derive(Clone, Debug)]
pub struct TokenSpec {
    pub ci: Ci,
    /// OWNER/REPO (GROUP/PROJECT for GitLab).
    pub repository: Option<String>,
    /// Full git ref, e.g. "refs/heads/main" or "refs/tags/v1.0.0".
    pub git_ref: Option<String>,
    /// Workflow file: ".github/workflows/release.yml" / ".gitlab-ci.yml".
    pub workflow_path: Option<String>,
    /// GitHub: where a reusable workflow lives (job_workflow_ref).
    pub job_workflow_repository: Option<String>,
    pub sha: Option<String>,
    pub event_name: Option<String>,
    pub audience: Option<String>,
    /// Unix seconds.
    pub issued_at: Option<i64>,
    pub expires_at: Option<i64>,
    /// Raw claim overrides, applied last; `Value::Null` removes a claim.
    pub claims: serde_json::Map<String, Value>,
}

impl TokenSpec {
    pub fn github() -> Self {
        Self::new(Ci::GitHub)
    }

    pub fn gitlab() -> Self {
        Self::new(Ci::GitLab)
    }

    fn new(ci: Ci) -> Self {
        TokenSpec {
            ci,
            repository: None,
            git_ref: None,
            workflow_path: None,
            job_workflow_repository: None,
            sha: None,
            event_name: None,
            audience: None,
            issued_at: None,
            expires_at: None,
            claims: serde_json::Map::new(),
        }
    }

    /// Another repository (OWNER/REPO); the subject, ids and workflow refs
    /// follow.
    pub fn repository(mut self, repo: &str) -> Self {
        self.repository = Some(repo.into());
        self
    }

    pub fn git_ref(mut self, git_ref: &str) -> Self {
        self.git_ref = Some(git_ref.into());
        self
    }

    /// Another workflow file (the certificate identity follows).
    pub fn workflow(mut self, path: &str) -> Self {
        self.workflow_path = Some(path.into());
        self
    }

    /// GitHub: the workflow is a reusable one from another repository.
    pub fn reusable_workflow_from(mut self, repo: &str) -> Self {
        self.job_workflow_repository = Some(repo.into());
        self
    }

    pub fn sha(mut self, sha: &str) -> Self {
        self.sha = Some(sha.into());
        self
    }

    pub fn event(mut self, event_name: &str) -> Self {
        self.event_name = Some(event_name.into());
        self
    }

    pub fn audience(mut self, aud: &str) -> Self {
        self.audience = Some(aud.into());
        self
    }

    /// Issued two hours ago, expired an hour ago.
    pub fn expired(mut self) -> Self {
        let now = unix_now();
        self.issued_at = Some(now - 7200);
        self.expires_at = Some(now - 3600);
        self
    }

    pub fn times(mut self, issued_at: i64, expires_at: i64) -> Self {
        self.issued_at = Some(issued_at);
        self.expires_at = Some(expires_at);
        self
    }

    /// Sets a claim after all the others (any JSON value).
    pub fn claim(mut self, name: &str, value: Value) -> Self {
        self.claims.insert(name.into(), value);
        self
    }

    /// Leaves a claim out.
    pub fn without_claim(mut self, name: &str) -> Self {
        self.claims.insert(name.into(), Value::Null);
        self
    }

    /// The oidc-issuer's mint request.
    fn to_json(&self) -> Value {
        let mut m = serde_json::Map::new();
        m.insert(
            "kind".into(),
            match self.ci {
                Ci::GitHub => "github",
                Ci::GitLab => "gitlab",
            }
            .into(),
        );
        for (k, v) in [
            ("repository", &self.repository),
            ("ref", &self.git_ref),
            ("workflow_path", &self.workflow_path),
            ("job_workflow_repository", &self.job_workflow_repository),
            ("sha", &self.sha),
            ("event_name", &self.event_name),
            ("audience", &self.audience),
        ] {
            if let Some(v) = v {
                m.insert(k.into(), v.clone().into());
            }
        }
        if let Some(t) = self.issued_at {
            m.insert("iat".into(), t.into());
        }
        if let Some(t) = self.expires_at {
            m.insert("exp".into(), t.into());
        }
        if !self.claims.is_empty() {
            m.insert("claims".into(), Value::Object(self.claims.clone()));
        }
        Value::Object(m)
    }
}

/// A minted ID token and its claims.
#[derive(Clone, Debug)]
pub struct MintedToken {
    pub jwt: String,
    pub claims: Value,
}

impl MintedToken {
    /// The token's issuer (`iss`): what `--certificate-oidc-issuer` wants.
    pub fn issuer(&self) -> String {
        self.claims["iss"].as_str().unwrap_or_default().to_string()
    }

    pub fn subject(&self) -> String {
        self.claims["sub"].as_str().unwrap_or_default().to_string()
    }

    /// The URI SAN Fulcio puts in the certificate (`--certificate-identity`):
    /// "https://github.com/" + job_workflow_ref, or for GitLab
    /// "https://" + ci_config_ref_uri.
    pub fn identity(&self) -> String {
        if let Some(r) = self.claims["job_workflow_ref"].as_str() {
            format!("https://github.com/{r}")
        } else if let Some(r) = self.claims["ci_config_ref_uri"].as_str() {
            format!("https://{r}")
        } else {
            panic!("no workflow claim in {}", self.claims)
        }
    }
}

// ---- binaries --------------------------------------------------------------

fn peer_bin(name: &str) -> PathBuf {
    let path = testbed::peer_cache().join("bin").join(name);
    if path.is_file() {
        path
    } else {
        missing_peer(&path.display().to_string())
    }
}

/// cosign v3.1.3.
pub fn cosign() -> PathBuf {
    peer_bin("cosign")
}

/// cosign v2.6.5 (installed as `cosign2`).
pub fn cosign2() -> PathBuf {
    peer_bin("cosign2")
}

/// regctl v0.11.7.
pub fn regctl() -> PathBuf {
    peer_bin("regctl")
}

pub fn oidc_issuer_bin() -> PathBuf {
    peer_bin("oidc-issuer")
}

pub fn fulcio_bin() -> PathBuf {
    peer_bin("fulcio")
}

pub fn timestamp_server_bin() -> PathBuf {
    peer_bin("timestamp-server")
}

pub fn rekor_bin() -> PathBuf {
    peer_bin("rekor-server-posix")
}

fn openssl_bin() -> PathBuf {
    if have_command("openssl") {
        PathBuf::from("openssl")
    } else {
        missing_peer("openssl")
    }
}

// ---- the stack -------------------------------------------------------------

pub(crate) struct Bins {
    oidc: PathBuf,
    fulcio: PathBuf,
    tsa: PathBuf,
    rekor: PathBuf,
}

/// The stack, started on first use; a missing peer fails the test. Panics
/// with the servers' logs when it cannot start, and says so
/// when port 2112 (the TSA's metrics) is taken.
pub fn sigstore_stack() -> &'static SigstoreStack {
    static STACK: OnceLock<SigstoreStack> = OnceLock::new();
    if let Some(s) = STACK.get() {
        return s;
    }
    let bins = Bins {
        oidc: oidc_issuer_bin(),
        fulcio: fulcio_bin(),
        tsa: timestamp_server_bin(),
        rekor: rekor_bin(),
    };
    testbed::curl_bin();
    openssl_bin();
    STACK.get_or_init(|| start_stack(&bins))
}

fn start_stack(bins: &Bins) -> SigstoreStack {
    if let Err(e) = TcpListener::bind(("0.0.0.0", TSA_METRICS_PORT)) {
        panic!(
            "cannot start the Sigstore stack: port {TSA_METRICS_PORT} is busy ({e}); \
             timestamp-server v2.1.3 always binds its metrics listener there. \
             Is another test binary with the stack (or something else) running? \
             See `ss -ltnp 'sport = :{TSA_METRICS_PORT}'`"
        );
    }
    let started = Instant::now();
    let mut servers = Vec::new();

    // The OIDC issuer picks its own port; its dir holds the stack's files.
    let dir = temp_dir("sigstore-oidc");
    let actions_request_token = random_hex(16);
    let mut cmd = Command::new(&bins.oidc);
    cmd.args([
        "-addr",
        "127.0.0.1:0",
        "-request-token",
        &actions_request_token,
    ]);
    let oidc = Server::start("oidc-issuer", &dir, cmd).unwrap_or_else(|e| panic!("{e}"));
    let oidc_url = format!(
        "http://{}",
        oidc.listening().unwrap_or_else(|e| panic!("{e}"))
    );
    let gitlab_issuer_url = format!("{oidc_url}/gitlab");
    servers.push(oidc);

    let (fulcio, fulcio_url) = start_fulcio(&bins.fulcio, "fulcio", &oidc_url, None, None);
    servers.push(fulcio);

    let (tsa, tsa_url) = with_port_retries("timestamp-server", |ports| {
        let d = temp_dir("sigstore-tsa");
        let mut cmd = Command::new(&bins.tsa);
        cmd.args([
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            &ports[0].to_string(),
        ])
        .args(["--disable-ntp-monitoring", "--timestamp-signer", "memory"])
        .args(["--log-type", "prod"]);
        let server = Server::start("timestamp-server", &d, cmd)?;
        let url = format!("http://127.0.0.1:{}", ports[0]);
        wait_http(&server, &url, "/api/v1/timestamp/certchain")?;
        Ok((server, url))
    });
    servers.push(tsa);

    // Rekor v2 with an ed25519 log key of ours.
    let rekor_key = dir.join("rekor-key.pem");
    let rekor_public_key_pem = dir.join("rekor-key.pub.pem");
    openssl(&["genpkey", "-algorithm", "ed25519", "-out"], &rekor_key);
    openssl_pubout(&rekor_key, &rekor_public_key_pem);
    let rekor_spki = pem_blocks(&std::fs::read_to_string(&rekor_public_key_pem).unwrap())
        .pop()
        .expect("a public key PEM");
    assert_eq!(rekor_spki.len(), 44, "not an ed25519 SubjectPublicKeyInfo");
    let rekor_log_id = B64.encode(note_key_id("127.0.0.1", &rekor_spki[12..]));
    let ((rekor, rekor_url), rekor_storage) = {
        let mut storage = PathBuf::new();
        let r = with_port_retries("rekor", |ports| {
            let d = temp_dir("sigstore-rekor");
            storage = d.join("storage");
            std::fs::create_dir_all(&storage).unwrap();
            let mut cmd = Command::new(&bins.rekor);
            cmd.args(["serve", "--hostname", "127.0.0.1"])
                .arg("--storage-dir")
                .arg(&storage)
                .arg("--signer-filepath")
                .arg(&rekor_key)
                .args([
                    "--http-address",
                    "127.0.0.1",
                    "--http-port",
                    &ports[0].to_string(),
                ])
                .args([
                    "--grpc-address",
                    "127.0.0.1",
                    "--grpc-port",
                    &ports[1].to_string(),
                ])
                .args(["--http-metrics-port", &ports[2].to_string()])
                .args(["--checkpoint-interval", "1s", "--batch-max-age", "100ms"]);
            let server = Server::start("rekor", &d, cmd)?;
            let url = format!("http://127.0.0.1:{}", ports[0]);
            wait_http(&server, &url, "/healthz")?;
            Ok((server, url))
        });
        (r, storage)
    };
    servers.push(rekor);

    // Trust material, as the services publish it.
    let fulcio_chain_pem = dir.join("fulcio-chain.pem");
    let fulcio_ders = fulcio_chain(&fulcio_url, &fulcio_chain_pem);

    let r = http(
        "GET",
        &format!("{tsa_url}/api/v1/timestamp/certchain"),
        &[],
        None,
        None,
    );
    assert_eq!(r.status, 200, "TSA certchain: {r:?}");
    let tsa_chain_pem = dir.join("tsa-chain.pem");
    std::fs::write(&tsa_chain_pem, &r.body).unwrap();
    let tsa_ders = pem_blocks(&r.text());
    assert!(
        !tsa_ders.is_empty(),
        "TSA certchain has no PEM: {}",
        r.text()
    );

    let chain = |ders: &[Vec<u8>]| json!({"certificates": ders.iter().map(|d| json!({"rawBytes": B64.encode(d)})).collect::<Vec<_>>()});
    let ca = json!({
        "subject": {"organization": "sigstore", "commonName": "cargo-attest test Fulcio"},
        "uri": &fulcio_url,
        "certChain": chain(&fulcio_ders),
        "validFor": {"start": VALID_FROM},
    });
    let tsa_entry = json!({
        "subject": {"organization": "local", "commonName": "cargo-attest test TSA"},
        "uri": format!("{tsa_url}/api/v1/timestamp"),
        "certChain": chain(&tsa_ders),
        "validFor": {"start": VALID_FROM},
    });
    let tlog = json!({
        "baseUrl": &rekor_url,
        "hashAlgorithm": "SHA2_256",
        "publicKey": {
            "rawBytes": B64.encode(&rekor_spki),
            "keyDetails": "PKIX_ED25519",
            "validFor": {"start": VALID_FROM},
        },
        "logId": {"keyId": &rekor_log_id},
    });
    let root = |tlogs: Vec<Value>| {
        json!({
            "mediaType": TRUSTED_ROOT_MEDIA_TYPE,
            "tlogs": tlogs,
            "certificateAuthorities": [ca.clone()],
            "ctlogs": [],
            "timestampAuthorities": [tsa_entry.clone()],
        })
    };
    let trusted_root = dir.join("trusted_root.json");
    let trusted_root_without_rekor = dir.join("trusted_root_without_rekor.json");
    write_json(&trusted_root, &root(vec![tlog]));
    write_json(&trusted_root_without_rekor, &root(vec![]));

    let service = |url: &str, major: u32| {
        json!({
            "url": url,
            "majorApiVersion": major,
            "validFor": {"start": VALID_FROM},
            "operator": "cargo-attest-test",
        })
    };
    let signing = |rekor: Vec<Value>| {
        json!({
            "mediaType": SIGNING_CONFIG_MEDIA_TYPE,
            "caUrls": [service(&fulcio_url, 1)],
            "oidcUrls": [service(&oidc_url, 1)],
            "rekorTlogUrls": rekor,
            "rekorTlogConfig": {"selector": "ANY"},
            "tsaUrls": [service(&format!("{tsa_url}/api/v1/timestamp"), 1)],
            "tsaConfig": {"selector": "ANY"},
        })
    };
    let signing_config = dir.join("signing_config.json");
    let signing_config_without_rekor = dir.join("signing_config_without_rekor.json");
    write_json(&signing_config, &signing(vec![service(&rekor_url, 2)]));
    write_json(&signing_config_without_rekor, &signing(vec![]));

    eprintln!(
        "sigstore stack up in {:.1?}: oidc {oidc_url}, fulcio {fulcio_url}, tsa {tsa_url}, \
         rekor {rekor_url}, files in {}",
        started.elapsed(),
        dir.display()
    );
    SigstoreStack {
        dir,
        oidc_url,
        gitlab_issuer_url,
        fulcio_url,
        tsa_url,
        rekor_url,
        rekor_storage,
        trusted_root,
        trusted_root_without_rekor,
        signing_config,
        signing_config_without_rekor,
        fulcio_chain_pem,
        tsa_chain_pem,
        rekor_public_key_pem,
        rekor_log_id,
        actions_request_token,
        servers,
    }
}

/// A CA for Fulcio's `--ca fileca`: the chain as PEM (the issuing
/// certificate first, the root last) and the issuing certificate's
/// unencrypted PKCS#8 key.
pub(crate) struct FileCa {
    pub chain_pem: PathBuf,
    pub key_pem: PathBuf,
    /// The root alone (PEM).
    pub root_pem: PathBuf,
}

/// A CT log for Fulcio's precertificates: its URL with the log's prefix
/// (`--ct-log-url`) and its public key (PEM), with which Fulcio checks the
/// SCTs it gets.
pub(crate) struct CtLog<'a> {
    pub url: &'a str,
    pub public_key_pem: &'a Path,
}

/// Starts a Fulcio v1.8.8 (with `ct_log`, else none) that trusts the OIDC issuer at
/// `oidc_url` as `github-workflow` and `{oidc_url}/gitlab` as
/// `gitlab-pipeline`, both with client id `AUDIENCE`; its CA is `ca`, else
/// `--ca ephemeralca` (one made at start, subject organisation "sigstore").
/// Returns it and its base URL. HTTP, gRPC and metrics ports, and a legacy
/// gRPC socket of its own (the default is one abstract socket name for
/// every instance, so a second Fulcio could not start).
pub(crate) fn start_fulcio(
    bin: &Path,
    name: &str,
    oidc_url: &str,
    ca: Option<&FileCa>,
    ct_log: Option<&CtLog<'_>>,
) -> (Server, String) {
    let gitlab_issuer_url = format!("{oidc_url}/gitlab");
    let fulcio_config = json!({
        "OIDCIssuers": {
            oidc_url: {"IssuerURL": oidc_url, "ClientID": AUDIENCE, "Type": "github-workflow"},
            &gitlab_issuer_url: {"IssuerURL": &gitlab_issuer_url, "ClientID": AUDIENCE, "Type": "gitlab-pipeline"},
        }
    });
    with_port_retries(name, |ports| {
        let d = temp_dir(&format!("sigstore-{name}"));
        let config = d.join("config.json");
        std::fs::write(&config, fulcio_config.to_string()).unwrap();
        let mut cmd = Command::new(bin);
        cmd.arg("serve");
        match ca {
            None => cmd.args(["--ca", "ephemeralca"]),
            // fileca insists on a password flag; an unencrypted PKCS#8 key
            // ignores it.
            Some(ca) => cmd
                .args(["--ca", "fileca", "--fileca-cert"])
                .arg(&ca.chain_pem)
                .arg("--fileca-key")
                .arg(&ca.key_pem)
                .args(["--fileca-key-passwd", "unused", "--fileca-watch=false"]),
        };
        match ct_log {
            None => cmd.args(["--ct-log-url", ""]),
            Some(ct) => cmd
                .args(["--ct-log-url", ct.url])
                .arg("--ct-log-public-key-path")
                .arg(ct.public_key_pem),
        };
        cmd.arg("--config-path")
            .arg(&config)
            .args(["--host", "127.0.0.1", "--port", &ports[0].to_string()])
            .args([
                "--grpc-host",
                "127.0.0.1",
                "--grpc-port",
                &ports[1].to_string(),
            ])
            .args(["--metrics-port", &ports[2].to_string()])
            .arg("--legacy-unix-domain-socket")
            .arg(d.join("legacy-grpc.sock"))
            .args(["--log_type", "prod"]);
        let server = Server::start(name, &d, cmd)?;
        let url = format!("http://127.0.0.1:{}", ports[0]);
        wait_http(&server, &url, "/api/v2/trustBundle")?;
        Ok((server, url))
    })
}

/// A Fulcio's CA chain from `GET /api/v2/trustBundle`: written to `pem_out`
/// as PEM (intermediates and root, root last) and returned as DER.
pub(crate) fn fulcio_chain(fulcio_url: &str, pem_out: &Path) -> Vec<Vec<u8>> {
    let bundle = get_json(&format!("{fulcio_url}/api/v2/trustBundle"));
    let fulcio_pems: Vec<String> = bundle["chains"][0]["certificates"]
        .as_array()
        .unwrap_or_else(|| panic!("Fulcio's trustBundle has no chain: {bundle}"))
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    std::fs::write(pem_out, fulcio_pems.concat()).unwrap();
    fulcio_pems.iter().flat_map(|p| pem_blocks(p)).collect()
}

impl SigstoreStack {
    /// "{tsa_url}/api/v1/timestamp" (cosign's `--timestamp-server-url`).
    pub fn tsa_timestamp_url(&self) -> String {
        format!("{}/api/v1/timestamp", self.tsa_url)
    }

    /// The issuer URL of a CI's tokens.
    pub fn issuer(&self, ci: Ci) -> &str {
        match ci {
            Ci::GitHub => &self.oidc_url,
            Ci::GitLab => &self.gitlab_issuer_url,
        }
    }

    /// Mints a token as `spec` says.
    pub fn mint(&self, spec: &TokenSpec) -> MintedToken {
        let body = spec.to_json().to_string();
        let r = http(
            "POST",
            &format!("{}/mint", self.oidc_url),
            &["Content-Type: application/json"],
            Some(body.as_bytes()),
            None,
        );
        assert_eq!(r.status, 200, "mint {body}: {r:?}\n{}", self.log_tail());
        let v = r.json();
        MintedToken {
            jwt: v["token"].as_str().unwrap().to_string(),
            claims: v["claims"].clone(),
        }
    }

    /// A valid GitHub-shaped token (`TokenSpec::github()`).
    pub fn github_token(&self) -> MintedToken {
        self.mint(&TokenSpec::github())
    }

    /// A valid GitLab-shaped token (`TokenSpec::gitlab()`).
    pub fn gitlab_token(&self) -> MintedToken {
        self.mint(&TokenSpec::gitlab())
    }

    /// The environment of a GitHub Actions job whose token-request endpoint
    /// mints `spec`'s GitHub token (the `audience` query parameter replaces
    /// the spec's audience): ACTIONS_ID_TOKEN_REQUEST_URL and
    /// ACTIONS_ID_TOKEN_REQUEST_TOKEN, a pair of its own.
    pub fn actions_env(&self, spec: &TokenSpec) -> BTreeMap<String, String> {
        assert_eq!(
            spec.ci,
            Ci::GitHub,
            "the Actions endpoint mints GitHub tokens"
        );
        let body = spec.to_json().to_string();
        let r = http(
            "POST",
            &format!("{}/actions/register", self.oidc_url),
            &["Content-Type: application/json"],
            Some(body.as_bytes()),
            None,
        );
        assert_eq!(r.status, 200, "register {body}: {r:?}\n{}", self.log_tail());
        let v = r.json();
        actions_env_map(
            v["request_url"].as_str().unwrap(),
            v["request_token"].as_str().unwrap(),
        )
    }

    /// `actions_env` for the default GitHub identity (fixed request token).
    pub fn default_actions_env(&self) -> BTreeMap<String, String> {
        actions_env_map(
            &format!("{}/actions/token?api-version=2.0", self.oidc_url),
            &self.actions_request_token,
        )
    }

    /// The last lines of every server's log (for failure messages).
    pub fn log_tail(&self) -> String {
        self.servers
            .iter()
            .map(|s| s.log_tail(40))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The environment for peers run against the stack: HOME (and
    /// XDG dirs) in the stack's dir, so cosign never reads or writes the
    /// developer's ~/.sigstore.
    pub fn peer_env(&self) -> Vec<(String, PathBuf)> {
        let home = self.dir.join("home");
        std::fs::create_dir_all(&home).unwrap();
        vec![
            ("HOME".into(), home.clone()),
            ("XDG_CONFIG_HOME".into(), home.join(".config")),
            ("XDG_CACHE_HOME".into(), home.join(".cache")),
            ("TUF_ROOT".into(), home.join(".sigstore/root")),
        ]
    }

    /// Runs cosign (v3) or another peer with `peer_env`.
    pub fn run_peer(&self, program: &Path, args: &[&str]) -> Output {
        let mut c = Command::new(program);
        c.args(args).stdin(std::process::Stdio::null());
        for (k, v) in self.peer_env() {
            c.env(k, v);
        }
        for k in [
            "SIGSTORE_ID_TOKEN",
            "COSIGN_EXPERIMENTAL",
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
        ] {
            c.env_remove(k);
        }
        let out = c
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

fn actions_env_map(url: &str, token: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("ACTIONS_ID_TOKEN_REQUEST_URL".to_string(), url.to_string()),
        (
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN".to_string(),
            token.to_string(),
        ),
    ])
}

// ---- cosign's bundles, for other verifiers ---------------------------------

/// A keyless bundle (v0.3 JSON) that cosign v3 wrote against the stack with
/// a default GitHub-shaped token.
#[derive(Debug)]
pub struct CosignBundle {
    pub bundle: PathBuf,
    /// The signed file (for attestations: the statement's only subject).
    pub artifact: PathBuf,
    /// Attestations: the DSSE payload (an in-toto Statement v0.1 with an
    /// SLSA provenance v1 predicate, `COSIGN_PREDICATE`) as bytes and
    /// parsed. Blob signatures: the artifact's bytes, and `Value::Null`.
    pub payload: Vec<u8>,
    pub statement: Value,
    /// The token's identity (certificate SAN) and issuer.
    pub identity: String,
    pub issuer: String,
    /// A DSSE envelope (`attest-blob`), else a message signature
    /// (`sign-blob`).
    pub dsse: bool,
    /// Whether it has a Rekor v2 entry (else only a TSA timestamp).
    pub rekor: bool,
}

/// `attest-blob` with Fulcio + TSA, no transparency log (verify with
/// `trusted_root_without_rekor`, or `trusted_root` ignoring the tlog).
pub fn cosign_keyless_bundle() -> &'static CosignBundle {
    static B: OnceLock<CosignBundle> = OnceLock::new();
    let stack = sigstore_stack();
    let cosign = cosign();
    B.get_or_init(|| make_cosign_bundle(stack, &cosign, true, false))
}

/// `attest-blob` with Fulcio + TSA + Rekor v2 (through `signing_config`).
/// cosign v3.1.3 logs the envelope as a hashedrekord v0.0.2 entry whose
/// digest is SHA-256 of the DSSE PAE (rekor-tiles v2.3.0 takes no other
/// kind).
pub fn cosign_keyless_bundle_rekor() -> &'static CosignBundle {
    static B: OnceLock<CosignBundle> = OnceLock::new();
    let stack = sigstore_stack();
    let cosign = cosign();
    B.get_or_init(|| make_cosign_bundle(stack, &cosign, true, true))
}

/// `sign-blob` (a message signature, not DSSE) with Fulcio + TSA + Rekor v2
/// (through `signing_config`).
pub fn cosign_keyless_blob_signature_rekor() -> &'static CosignBundle {
    static B: OnceLock<CosignBundle> = OnceLock::new();
    let stack = sigstore_stack();
    let cosign = cosign();
    B.get_or_init(|| make_cosign_bundle(stack, &cosign, false, true))
}

/// The predicate cosign attests (SLSA provenance v1, minimal).
pub const COSIGN_PREDICATE: &str = r#"{"buildDefinition":{"buildType":"https://example.com/cosign-peer","externalParameters":{}},"runDetails":{"builder":{"id":"https://example.com/cosign-peer-builder"}}}"#;

fn make_cosign_bundle(
    stack: &SigstoreStack,
    cosign: &Path,
    dsse: bool,
    rekor: bool,
) -> CosignBundle {
    let name = format!(
        "{}-{}",
        if dsse { "attest" } else { "sign" },
        if rekor { "rekor" } else { "tsa" }
    );
    let dir = stack.dir.join(format!("cosign-{name}"));
    std::fs::create_dir_all(&dir).unwrap();
    let artifact = dir.join("artifact.bin");
    let content = format!("cosign peer artifact ({name})\n");
    std::fs::write(&artifact, &content).unwrap();
    let bundle = dir.join("artifact.sigstore.json");
    let token = stack.github_token();
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let mut args: Vec<String> = if dsse {
        let predicate = dir.join("predicate.json");
        std::fs::write(&predicate, COSIGN_PREDICATE).unwrap();
        vec![
            "attest-blob".into(),
            "--predicate".into(),
            s(&predicate),
            "--type".into(),
            "slsaprovenance1".into(),
        ]
    } else {
        vec!["sign-blob".into()]
    };
    args.extend([
        "--yes".into(),
        "--new-bundle-format".into(),
        "--identity-token".into(),
        token.jwt.clone(),
        "--bundle".into(),
        s(&bundle),
    ]);
    if rekor {
        args.extend([
            "--signing-config".into(),
            s(&stack.signing_config),
            "--trusted-root".into(),
            s(&stack.trusted_root),
        ]);
    } else {
        args.extend([
            "--use-signing-config=false".into(),
            "--fulcio-url".into(),
            stack.fulcio_url.clone(),
            "--timestamp-server-url".into(),
            stack.tsa_timestamp_url(),
            "--tlog-upload=false".into(),
            "--trusted-root".into(),
            s(&stack.trusted_root_without_rekor),
        ]);
    }
    args.push(s(&artifact));
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = stack.run_peer(cosign, &argv);
    assert_eq!(
        out.code,
        0,
        "cosign {} ({name}) failed:\n{}\n{}\n{}",
        args[0],
        out.stdout,
        out.stderr,
        stack.log_tail()
    );
    let (statement, payload) = if dsse {
        crate::support::bundle_payload(&bundle)
    } else {
        (Value::Null, content.into_bytes())
    };
    CosignBundle {
        bundle,
        artifact,
        payload,
        statement,
        identity: token.identity(),
        issuer: token.issuer(),
        dsse,
        rekor,
    }
}

// ---- helpers ---------------------------------------------------------------

/// The signed-note key id of an ed25519 key: SHA-256(name || "\n" || 0x01
/// || key). Its first four bytes are the checkpoint signature's key hint.
pub fn note_key_id(name: &str, raw_ed25519: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n\x01");
    h.update(raw_ed25519);
    h.finalize().into()
}

/// The DER contents of every PEM block in `text`, in order.
pub fn pem_blocks(text: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut body: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("-----BEGIN ") {
            body = Some(String::new());
        } else if line.starts_with("-----END ") {
            if let Some(b) = body.take() {
                out.push(B64.decode(b).expect("PEM base64"));
            }
        } else if let Some(b) = body.as_mut() {
            b.push_str(line);
        }
    }
    out
}

pub(crate) fn write_json(path: &Path, v: &Value) {
    std::fs::write(path, serde_json::to_vec_pretty(v).unwrap()).unwrap();
}

pub(crate) fn get_json(url: &str) -> Value {
    let r = http("GET", url, &[], None, None);
    assert_eq!(r.status, 200, "GET {url}: {r:?}");
    r.json()
}

pub(crate) fn openssl(args: &[&str], out: &Path) {
    let o = Command::new("openssl")
        .args(args)
        .arg(out)
        .output()
        .expect("run openssl");
    assert!(o.status.success(), "openssl {args:?}: {o:?}");
}

fn openssl_pubout(private: &Path, out: &Path) {
    let o = Command::new("openssl")
        .args(["pkey", "-pubout", "-in"])
        .arg(private)
        .arg("-out")
        .arg(out)
        .output()
        .expect("run openssl");
    assert!(o.status.success(), "openssl pkey -pubout: {o:?}");
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .expect("read /dev/urandom");
    hex::encode(buf)
}

pub(crate) fn temp_dir(name: &str) -> PathBuf {
    tempfile::Builder::new()
        .prefix(&format!("cargo-attest-tb-{name}-"))
        .tempdir()
        .expect("temp dir")
        .keep()
}

/// Three distinct free ports on 127.0.0.1 (held together while picked).
pub(crate) fn free_ports() -> [u16; 3] {
    let ls: Vec<TcpListener> = (0..3)
        .map(|_| TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0"))
        .collect();
    let p: Vec<u16> = ls.iter().map(|l| l.local_addr().unwrap().port()).collect();
    [p[0], p[1], p[2]]
}

/// Starts a server that must be given its ports; should another process
/// take one in between, it is tried again on new ones.
pub(crate) fn with_port_retries<T>(
    name: &str,
    mut start: impl FnMut([u16; 3]) -> Result<T, String>,
) -> T {
    let mut errors = Vec::new();
    for _ in 0..3 {
        match start(free_ports()) {
            Ok(r) => return r,
            Err(e) => errors.push(e),
        }
    }
    panic!("{name} did not start:\n{}", errors.join("\n----\n"));
}

/// Waits until `GET {base}{path}` answers 200.
pub(crate) fn wait_http(server: &Server, base: &str, path: &str) -> Result<(), String> {
    let deadline = Instant::now() + START_TIMEOUT;
    let addr: SocketAddr = base.trim_start_matches("http://").parse().unwrap();
    loop {
        let last = match status_of(&addr, path) {
            Ok(200) => return Ok(()),
            Ok(code) => format!("GET {path} answered {code}"),
            Err(e) => e.to_string(),
        };
        if !server.alive() {
            return Err(format!(
                "exited during start ({last})\n{}",
                server.log_tail(60)
            ));
        }
        if Instant::now() > deadline {
            return Err(format!(
                "not ready at {base} in time ({last})\n{}",
                server.log_tail(60)
            ));
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

fn status_of(addr: &SocketAddr, path: &str) -> std::io::Result<u16> {
    let mut s = TcpStream::connect_timeout(addr, Duration::from_secs(2))?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut head = [0u8; 12];
    s.read_exact(&mut head)?;
    std::str::from_utf8(&head[9..12])
        .ok()
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other("not an HTTP status line"))
}

#[test]
fn pem_blocks_decodes_each_block() {
    let pem = "-----BEGIN A-----\nAAEC\n-----END A-----\njunk\n-----BEGIN B-----\nAw==\n-----END B-----\n";
    assert_eq!(pem_blocks(pem), vec![vec![0, 1, 2], vec![3]]);
}
