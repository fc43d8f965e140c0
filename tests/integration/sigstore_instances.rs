//! The two Sigstore instances a GitHub Actions job signs with (issue 19,
//! tests/README.md "Two instances"), built once per process on the keyless
//! stack (sigstore_stack.rs) and Rekor v1 (rekor_v1_stack.rs), on 127.0.0.1
//! under testbed.rs' watchdog:
//!
//! - public good's shape: a Fulcio of its own (CA organisation
//!   "sigstore.dev") with a CT log (certificate-transparency-go's CTFE on a
//!   tree of Rekor v1's Trillian: certificates carry SCTs), and Rekor v1; no
//!   TSA;
//! - GitHub's shape: a Fulcio of its own whose CA is named as GitHub's
//!   (organisation "GitHub, Inc.", which gh and our verify read to tell the
//!   instance), no CT log, the stack's TSA, no transparency log.
//!
//! The keyless stack's own Fulcio and Rekor v2 are not part of either.
//!
//! Each Fulcio is reached through tests/peers/recording-proxy, which appends
//! one line to the instance's `fulcio_requests` file per certificate request
//! before the answer goes back: after a signer has its certificate, the line
//! is there. Each instance has its own trusted root and signing config v0.2,
//! published as the targets of a TUF repository of its own
//! (tests/peers/python/tuf_repo.py) served on loopback.
//!
//! examples/sigstore-stack.rs (`scripts/sigstore-stack.sh`) runs exactly
//! this, and exports `Instances::env()` to the command it runs.

#![allow(dead_code)] // the example and the tests each use a part

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};
use sha2::Digest;

use crate::rekor_v1_stack::{RekorV1, rekor_v1};
use crate::sigstore_stack::{
    CtLog, FileCa, SIGNING_CONFIG_MEDIA_TYPE, SigstoreStack, TRUSTED_ROOT_MEDIA_TYPE, TokenSpec,
    VALID_FROM, fulcio_bin, fulcio_chain, pem_blocks, start_fulcio, temp_dir,
};
use crate::support::missing_peer;
use crate::testbed::{self, Server};

/// The repository, workflow and ref of the tokens the Actions endpoint
/// hands out (`TokenSpec::github()`'s defaults).
pub const REPOSITORY: &str = "acme/widget";

/// One instance: what a signer and a verifier are told about it.
pub struct Instance {
    /// "public-good" or "github".
    pub name: &'static str,
    /// Its Fulcio as signers reach it: the recording proxy in front.
    pub fulcio_url: String,
    /// Gains one JSON line per certificate request its Fulcio serves
    /// (`{"time", "method", "path", "status"}`); empty at start.
    pub fulcio_requests: PathBuf,
    /// `trusted_root.json`, on one line (gh reads a custom trusted root as
    /// JSON lines).
    pub trusted_root: PathBuf,
    /// `signing_config.v0.2.json`.
    pub signing_config: PathBuf,
    /// The TUF repository (`tuf_repo.py` DIR): publish or rotate with it.
    pub tuf_dir: PathBuf,
    /// Its mirror URL (`http://127.0.0.1:PORT`, consistent snapshots).
    pub tuf_url: String,
    /// The initial root a client is bootstrapped with (`1.root.json`).
    pub tuf_root: PathBuf,
}

pub struct Instances {
    /// Where the instances' files and the env file live (the keyless
    /// stack's dir, removed when the process ends).
    pub dir: PathBuf,
    pub public_good: Instance,
    pub github: Instance,
    /// The GitHub-shaped tokens' issuer.
    pub oidc_url: String,
    /// GitHub Actions' token-request endpoint: tokens for a public
    /// repository...
    pub actions_request_url: String,
    /// ... and the same endpoint with `repository_visibility: private`.
    pub private_actions_request_url: String,
    /// The request token both URLs take.
    pub actions_request_token: String,
    /// The certificate SAN those tokens get.
    pub cert_identity: String,
    /// Rekor v1's base URL (public good's log).
    pub rekor_v1_url: String,
    /// The TSA's timestamp URL (GitHub's).
    pub tsa_url: String,
    servers: Vec<Server>,
}

/// The instances, started on first use (with the keyless stack and Rekor v1
/// they build on); a missing peer fails the caller.
pub fn instances() -> &'static Instances {
    static INSTANCES: OnceLock<Instances> = OnceLock::new();
    let (stack, log) = rekor_v1();
    if let Some(i) = INSTANCES.get() {
        return i;
    }
    let bins = Bins {
        fulcio: fulcio_bin(),
        ct_server: peer_bin("ct_server"),
        createtree: peer_bin("createtree"),
        proxy: peer_bin("recording-proxy"),
        python: python_peer(),
        tuf_repo: tuf_repo_script(),
    };
    INSTANCES.get_or_init(|| start(stack, log, &bins))
}

struct Bins {
    fulcio: PathBuf,
    ct_server: PathBuf,
    createtree: PathBuf,
    proxy: PathBuf,
    python: PathBuf,
    tuf_repo: PathBuf,
}

fn peer_bin(name: &str) -> PathBuf {
    let path = testbed::peer_cache().join("bin").join(name);
    if path.is_file() {
        path
    } else {
        missing_peer(&path.display().to_string())
    }
}

fn peers_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers")
}

/// The Python peer venv's interpreter (python-tuf is installed there).
fn python_peer() -> PathBuf {
    let path = peers_dir().join("python/.venv/bin/python");
    if path.is_file() {
        path
    } else {
        missing_peer(&path.display().to_string())
    }
}

fn tuf_repo_script() -> PathBuf {
    peers_dir().join("python/tuf_repo.py")
}

fn start(stack: &SigstoreStack, log: &RekorV1, bins: &Bins) -> Instances {
    let started = Instant::now();
    let mut servers = Vec::new();
    let dir = stack.dir.clone();

    // Public good: a Fulcio of its own with a CT log, Rekor v1.
    let pg_dir = dir.join("public-good");
    std::fs::create_dir_all(&pg_dir).unwrap();
    let pg_ca = fulcio_ca(
        &pg_dir.join("ca"),
        "sigstore.dev",
        "sigstore",
        "sigstore-intermediate",
    );
    let (ct, ct_url, ct_key, ct_entry) = start_ct_log(bins, log, &pg_dir.join("ct"), &pg_ca);
    servers.push(ct);
    let ct_log = CtLog {
        url: &ct_url,
        public_key_pem: &ct_key,
    };
    let (fulcio, pg_fulcio) = start_fulcio(
        &bins.fulcio,
        "fulcio-public-good",
        &stack.oidc_url,
        Some(&pg_ca),
        Some(&ct_log),
    );
    servers.push(fulcio);
    let pg_chain = fulcio_chain(&pg_fulcio, &pg_dir.join("fulcio-chain.pem"));
    let pg_requests = pg_dir.join("fulcio-requests.jsonl");
    let (proxy, pg_fulcio_url) =
        start_recorder(&bins.proxy, "public-good", &pg_fulcio, &pg_requests);
    servers.push(proxy);
    let rekor_tlog = rekor_v1_tlog(log);
    let pg_root = trusted_root(
        &pg_fulcio_url,
        &pg_chain,
        vec![rekor_tlog],
        vec![ct_entry],
        vec![],
    );
    let pg_signing = signing_config(
        &pg_fulcio_url,
        &stack.oidc_url,
        vec![service(&log.url, 1)],
        vec![],
    );

    // GitHub: a Fulcio whose CA is named as GitHub's ("GitHub, Inc."),
    // which verifiers (gh, ours) read to tell the instance; the stack's TSA;
    // no log.
    let gh_dir = dir.join("github");
    std::fs::create_dir_all(&gh_dir).unwrap();
    let gh_ca = fulcio_ca(
        &gh_dir.join("ca"),
        "GitHub, Inc.",
        "Internal Services Root",
        "Fulcio Intermediate l2",
    );
    let (fulcio, gh_fulcio) = start_fulcio(
        &bins.fulcio,
        "fulcio-github",
        &stack.oidc_url,
        Some(&gh_ca),
        None,
    );
    servers.push(fulcio);
    let gh_chain = fulcio_chain(&gh_fulcio, &gh_dir.join("fulcio-chain.pem"));
    let gh_requests = gh_dir.join("fulcio-requests.jsonl");
    let (proxy, gh_fulcio_url) = start_recorder(&bins.proxy, "github", &gh_fulcio, &gh_requests);
    servers.push(proxy);
    let tsa_ders = pem_blocks(&std::fs::read_to_string(&stack.tsa_chain_pem).unwrap());
    let tsa_url = stack.tsa_timestamp_url();
    let tsa = json!({
        "subject": {"organization": "local", "commonName": "cargo-attest test TSA"},
        "uri": &tsa_url,
        "certChain": cert_chain(&tsa_ders),
        "validFor": {"start": VALID_FROM},
    });
    let gh_root = trusted_root(&gh_fulcio_url, &gh_chain, vec![], vec![], vec![tsa]);
    let gh_signing = signing_config(
        &gh_fulcio_url,
        &stack.oidc_url,
        vec![],
        vec![service(&tsa_url, 1)],
    );

    let mut instance = |name: &'static str,
                        dir: &Path,
                        fulcio_url: String,
                        fulcio_requests: PathBuf,
                        root: &Value,
                        signing: &Value| {
        let trusted_root = dir.join("trusted_root.json");
        let mut line = serde_json::to_vec(root).unwrap();
        line.push(b'\n');
        std::fs::write(&trusted_root, line).unwrap();
        let signing_config = dir.join("signing_config.v0.2.json");
        crate::sigstore_stack::write_json(&signing_config, signing);
        let tuf_dir = dir.join("tuf");
        let (server, tuf_url, tuf_root) =
            tuf_repository(bins, name, &tuf_dir, &trusted_root, &signing_config);
        servers.push(server);
        Instance {
            name,
            fulcio_url,
            fulcio_requests,
            trusted_root,
            signing_config,
            tuf_dir,
            tuf_url,
            tuf_root,
        }
    };
    let public_good = instance(
        "public-good",
        &pg_dir,
        pg_fulcio_url,
        pg_requests,
        &pg_root,
        &pg_signing,
    );
    let github = instance(
        "github",
        &gh_dir,
        gh_fulcio_url,
        gh_requests,
        &gh_root,
        &gh_signing,
    );

    let request = |visibility: &str| {
        format!(
            "{}/actions/token?api-version=2.0&repository_visibility={visibility}",
            stack.oidc_url
        )
    };
    check_visibility_urls(&request("private"), &stack.actions_request_token);
    let instances = Instances {
        dir,
        public_good,
        github,
        oidc_url: stack.oidc_url.clone(),
        actions_request_url: request("public"),
        private_actions_request_url: request("private"),
        actions_request_token: stack.actions_request_token.clone(),
        cert_identity: stack.mint(&TokenSpec::github()).identity(),
        rekor_v1_url: log.url.clone(),
        tsa_url,
        servers,
    };
    eprintln!(
        "sigstore instances up in {:.1?}: public good (fulcio {}, rekor v1 {}, tuf {}), \
         github (fulcio {}, tsa {}, tuf {})",
        started.elapsed(),
        instances.public_good.fulcio_url,
        instances.rekor_v1_url,
        instances.public_good.tuf_url,
        instances.github.fulcio_url,
        instances.tsa_url,
        instances.github.tuf_url,
    );
    instances
}

/// The oidc-issuer in the peer cache is shared by every checkout, and one
/// built from an older source ignores `repository_visibility` in the URL:
/// say so at start rather than sign a "private" job on public good.
fn check_visibility_urls(private_url: &str, request_token: &str) {
    let auth = format!("Authorization: bearer {request_token}");
    let r = testbed::http(
        "GET",
        &format!("{private_url}&audience=sigstore"),
        &[&auth],
        None,
        None,
    );
    assert_eq!(r.status, 200, "the Actions token endpoint: {r:?}");
    let jwt = r.json()["value"].as_str().unwrap_or_default().to_string();
    let claims: Value = jwt
        .split('.')
        .nth(1)
        .and_then(|p| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p)
                .ok()
        })
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null);
    assert_eq!(
        claims["repository_visibility"], "private",
        "the oidc-issuer in the peer cache ignores repository_visibility in the token URL \
         (built from an older tests/peers/oidc-issuer): run scripts/setup-test-peers.sh"
    );
}

impl Instances {
    /// What `scripts/sigstore-stack.sh` exports to its command, in this
    /// order (the names are a contract: tests/README.md lists them).
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let p = |p: &Path| p.display().to_string();
        vec![
            (
                "CARGO_ATTEST_PUBLIC_GOOD_TUF_URL",
                self.public_good.tuf_url.clone(),
            ),
            (
                "CARGO_ATTEST_PUBLIC_GOOD_TUF_ROOT",
                p(&self.public_good.tuf_root),
            ),
            ("CARGO_ATTEST_GITHUB_TUF_URL", self.github.tuf_url.clone()),
            ("CARGO_ATTEST_GITHUB_TUF_ROOT", p(&self.github.tuf_root)),
            (
                "ACTIONS_ID_TOKEN_REQUEST_URL",
                self.actions_request_url.clone(),
            ),
            (
                "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
                self.actions_request_token.clone(),
            ),
            (
                "PRIVATE_ACTIONS_ID_TOKEN_REQUEST_URL",
                self.private_actions_request_url.clone(),
            ),
            ("OIDC_ISSUER_URL", self.oidc_url.clone()),
            ("CERT_IDENTITY", self.cert_identity.clone()),
            (
                "PUBLIC_GOOD_TRUSTED_ROOT",
                p(&self.public_good.trusted_root),
            ),
            ("GITHUB_TRUSTED_ROOT", p(&self.github.trusted_root)),
            (
                "PUBLIC_GOOD_FULCIO_REQUESTS",
                p(&self.public_good.fulcio_requests),
            ),
            ("GITHUB_FULCIO_REQUESTS", p(&self.github.fulcio_requests)),
            (
                "PUBLIC_GOOD_SIGNING_CONFIG",
                p(&self.public_good.signing_config),
            ),
            ("GITHUB_SIGNING_CONFIG", p(&self.github.signing_config)),
            (
                "PUBLIC_GOOD_FULCIO_URL",
                self.public_good.fulcio_url.clone(),
            ),
            ("GITHUB_FULCIO_URL", self.github.fulcio_url.clone()),
            ("PUBLIC_GOOD_REKOR_URL", self.rekor_v1_url.clone()),
            ("GITHUB_TSA_URL", self.tsa_url.clone()),
            ("SIGSTORE_STACK_DIR", p(&self.dir)),
        ]
    }

    /// `env()` as lines `NAME='VALUE'` (single-quoted for sh: source it with
    /// `set -a; . FILE; set +a`).
    pub fn env_file_text(&self) -> String {
        self.env()
            .iter()
            .map(|(k, v)| format!("{k}='{}'\n", v.replace('\'', r"'\''")))
            .collect()
    }

    /// The last lines of the instances' own servers' logs.
    pub fn log_tail(&self) -> String {
        self.servers
            .iter()
            .map(|s| s.log_tail(40))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// A CA for a Fulcio, made with openssl in `dir`: a root and an
/// intermediate (with the code-signing usage Fulcio requires of an
/// intermediate), both of organisation `org`, named as the real instance
/// names its own (public good: "sigstore.dev"; GitHub: "GitHub, Inc.",
/// which gh and our verify read to tell the instances apart).
fn fulcio_ca(dir: &Path, org: &str, root_cn: &str, intermediate_cn: &str) -> FileCa {
    std::fs::create_dir_all(dir).unwrap();
    let openssl = |args: &[&str]| {
        let o = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap_or_else(|e| panic!("run openssl: {e}"));
        assert!(o.status.success(), "openssl {args:?}: {o:?}");
    };
    let ec = ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"];
    openssl(&[&["genpkey"][..], &ec, &["-out", "root.key"]].concat());
    let root_subject = format!("/O={org}/CN={root_cn}");
    openssl(&[
        "req",
        "-x509",
        "-new",
        "-key",
        "root.key",
        "-days",
        "3650",
        "-subj",
        &root_subject,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
        "-out",
        "root.pem",
    ]);
    openssl(&[&["genpkey"][..], &ec, &["-out", "intermediate.key"]].concat());
    let intermediate_subject = format!("/O={org}/CN={intermediate_cn}");
    openssl(&[
        "req",
        "-new",
        "-key",
        "intermediate.key",
        "-subj",
        &intermediate_subject,
        "-out",
        "intermediate.csr",
    ]);
    std::fs::write(
        dir.join("intermediate.ext"),
        "basicConstraints=critical,CA:TRUE,pathlen:0\n\
         keyUsage=critical,keyCertSign,cRLSign\n\
         extendedKeyUsage=codeSigning\n\
         subjectKeyIdentifier=hash\n\
         authorityKeyIdentifier=keyid\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "intermediate.csr",
        "-CA",
        "root.pem",
        "-CAkey",
        "root.key",
        "-CAcreateserial",
        "-days",
        "3650",
        "-extfile",
        "intermediate.ext",
        "-out",
        "intermediate.pem",
    ]);
    let chain = [
        std::fs::read_to_string(dir.join("intermediate.pem")).unwrap(),
        std::fs::read_to_string(dir.join("root.pem")).unwrap(),
    ]
    .concat();
    let chain_pem = dir.join("chain.pem");
    std::fs::write(&chain_pem, chain).unwrap();
    FileCa {
        chain_pem,
        key_pem: dir.join("intermediate.key"),
        root_pem: dir.join("root.pem"),
    }
}

/// Public good's CT log: certificate-transparency-go's CTFE (`ct_server`)
/// on a tree of its own in Rekor v1's Trillian, accepting chains to
/// `ca`'s root, with an ECDSA P-256 key made here. Returns the server, its
/// URL with the log prefix (what Fulcio's `--ct-log-url` takes), the key's
/// PEM and its trusted-root entry.
fn start_ct_log(
    bins: &Bins,
    log: &RekorV1,
    dir: &Path,
    ca: &FileCa,
) -> (Server, String, PathBuf, Value) {
    std::fs::create_dir_all(dir).unwrap();
    let o = Command::new(&bins.createtree)
        .arg(format!("--admin_server={}", log.trillian_rpc))
        .output()
        .expect("run createtree");
    assert!(o.status.success(), "createtree (CT log): {o:?}");
    let tree = String::from_utf8_lossy(&o.stdout).trim().to_string();
    assert!(tree.parse::<u64>().is_ok(), "createtree printed {o:?}");

    // The CTFE reads a password-protected (legacy PEM) key only.
    let key = dir.join("ct.key");
    let encrypted = dir.join("ct-encrypted.key");
    let public = dir.join("ct.pub.pem");
    crate::sigstore_stack::openssl(
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
        ],
        &key,
    );
    let o = Command::new("openssl")
        .args(["ec", "-aes256", "-passout", "pass:cargo-attest-test", "-in"])
        .arg(&key)
        .arg("-out")
        .arg(&encrypted)
        .output()
        .expect("run openssl");
    assert!(o.status.success(), "openssl ec -aes256: {o:?}");
    let o = Command::new("openssl")
        .args(["pkey", "-pubout", "-in"])
        .arg(&key)
        .arg("-out")
        .arg(&public)
        .output()
        .expect("run openssl");
    assert!(o.status.success(), "openssl pkey -pubout: {o:?}");
    let spki = pem_blocks(&std::fs::read_to_string(&public).unwrap())
        .pop()
        .expect("the CT key as PEM");

    let config = dir.join("ct.cfg");
    std::fs::write(
        &config,
        format!(
            "config {{\n  log_id: {tree}\n  prefix: \"test\"\n  roots_pem_file: \"{roots}\"\n  \
             private_key {{\n    [type.googleapis.com/keyspb.PEMKeyFile] {{\n      \
             path: \"{key}\"\n      password: \"cargo-attest-test\"\n    }}\n  }}\n  \
             ext_key_usages: [\"CodeSigning\"]\n}}\n",
            roots = ca.root_pem.display(),
            key = encrypted.display(),
        ),
    )
    .unwrap();
    let (server, url) = crate::sigstore_stack::with_port_retries("ct_server", |ports| {
        let d = temp_dir("ct-server");
        let mut cmd = Command::new(&bins.ct_server);
        cmd.arg(format!("--log_config={}", config.display()))
            .arg(format!("--log_rpc_server={}", log.trillian_rpc))
            .arg(format!("--http_endpoint=127.0.0.1:{}", ports[0]))
            .args(["--quota_remote=false", "--quota_intermediate=false"]);
        let server = Server::start("ct_server", &d, cmd)?;
        let base = format!("http://127.0.0.1:{}", ports[0]);
        crate::sigstore_stack::wait_http(&server, &base, "/test/ct/v1/get-roots")?;
        Ok((server, format!("{base}/test")))
    });
    let entry = json!({
        "baseUrl": &url,
        "hashAlgorithm": "SHA2_256",
        "publicKey": {
            "rawBytes": B64.encode(&spki),
            "keyDetails": "PKIX_ECDSA_P256_SHA_256",
            "validFor": {"start": VALID_FROM},
        },
        "logId": {"keyId": B64.encode(sha2::Sha256::digest(&spki))},
    });
    (server, url, public, entry)
}

/// Starts a recording proxy in front of `upstream`; returns it and its URL.
fn start_recorder(bin: &Path, name: &str, upstream: &str, record: &Path) -> (Server, String) {
    let d = temp_dir(&format!("recording-proxy-{name}"));
    let mut cmd = Command::new(bin);
    cmd.args(["-addr", "127.0.0.1:0", "-upstream", upstream])
        .arg("-record")
        .arg(record);
    let server = Server::start(&format!("recording-proxy ({name})"), &d, cmd)
        .unwrap_or_else(|e| panic!("{e}"));
    let url = format!(
        "http://{}",
        server.listening().unwrap_or_else(|e| panic!("{e}"))
    );
    (server, url)
}

/// Makes a TUF repository in `dir` whose targets are `trusted_root` and
/// `signing_config`, and serves it; returns the server, its URL and the
/// initial root.
fn tuf_repository(
    bins: &Bins,
    name: &str,
    dir: &Path,
    trusted_root: &Path,
    signing_config: &Path,
) -> (Server, String, PathBuf) {
    let o = Command::new(&bins.python)
        .arg(&bins.tuf_repo)
        .arg("init")
        .arg(dir)
        .arg("--trusted-root")
        .arg(trusted_root)
        .arg("--signing-config")
        .arg(signing_config)
        .output()
        .expect("run tuf_repo.py init");
    assert!(o.status.success(), "tuf_repo.py init ({name}): {o:?}");
    let root = PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
    assert!(root.is_file(), "tuf_repo.py init printed no root: {o:?}");

    let d = temp_dir(&format!("tuf-{name}"));
    let url_file = d.join("url");
    let mut cmd = Command::new(&bins.python);
    cmd.arg(&bins.tuf_repo)
        .arg("serve")
        .arg(dir)
        .args(["--port", "0", "--port-file"])
        .arg(&url_file);
    let server = Server::start(&format!("tuf ({name})"), &d, cmd).unwrap_or_else(|e| panic!("{e}"));
    let deadline = Instant::now() + Duration::from_secs(30);
    let url = loop {
        if let Ok(u) = std::fs::read_to_string(&url_file) {
            break u.trim().to_string();
        }
        assert!(
            server.alive() && Instant::now() < deadline,
            "the TUF repository ({name}) did not start\n{}",
            server.log_tail(40)
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    (server, url, root)
}

fn service(url: &str, major: u32) -> Value {
    json!({
        "url": url,
        "majorApiVersion": major,
        "validFor": {"start": VALID_FROM},
        "operator": "cargo-attest-test",
    })
}

fn signing_config(fulcio_url: &str, oidc_url: &str, rekor: Vec<Value>, tsas: Vec<Value>) -> Value {
    json!({
        "mediaType": SIGNING_CONFIG_MEDIA_TYPE,
        "caUrls": [service(fulcio_url, 1)],
        "oidcUrls": [service(oidc_url, 1)],
        "rekorTlogUrls": rekor,
        "rekorTlogConfig": {"selector": "ANY"},
        "tsaUrls": tsas,
        "tsaConfig": {"selector": "ANY"},
    })
}

fn cert_chain(ders: &[Vec<u8>]) -> Value {
    json!({"certificates": ders.iter().map(|d| json!({"rawBytes": B64.encode(d)})).collect::<Vec<_>>()})
}

fn trusted_root(
    fulcio_url: &str,
    fulcio_chain: &[Vec<u8>],
    tlogs: Vec<Value>,
    ctlogs: Vec<Value>,
    tsas: Vec<Value>,
) -> Value {
    json!({
        "mediaType": TRUSTED_ROOT_MEDIA_TYPE,
        "tlogs": tlogs,
        "certificateAuthorities": [{
            "subject": {"organization": "sigstore", "commonName": "cargo-attest test Fulcio"},
            "uri": fulcio_url,
            "certChain": cert_chain(fulcio_chain),
            "validFor": {"start": VALID_FROM},
        }],
        "ctlogs": ctlogs,
        "timestampAuthorities": tsas,
    })
}

/// Rekor v1's entry in its trusted root (rekor_v1_stack.rs wrote it).
fn rekor_v1_tlog(log: &RekorV1) -> Value {
    let root: Value = serde_json::from_slice(&std::fs::read(&log.trusted_root).unwrap()).unwrap();
    root["tlogs"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["baseUrl"] == log.url.as_str()))
        .cloned()
        .unwrap_or_else(|| panic!("no Rekor v1 log in {}", log.trusted_root.display()))
}
