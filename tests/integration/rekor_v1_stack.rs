//! A real Rekor v1 log (DESIGN.md section 9, tests/README.md), started once
//! per test binary, lazily, on 127.0.0.1 under testbed.rs' watchdog:
//!
//! - MariaDB (Debian's mariadbd) on a unix socket, no TCP, no grant tables
//!   (nothing but this stack can reach the socket, in its temp dir);
//! - Trillian v1.7.2: trillian_log_server and trillian_log_signer
//!   (`--force_master`, sequencing every 20 ms) on it, and a log tree made
//!   with createtree;
//! - rekor-server v1.5.4 on that tree, signing with an in-memory ECDSA
//!   P-256 key, its search index in MariaDB (no Redis).
//!
//! rekor-server always serves metrics on :2112 and ignores a failure to
//! bind it; the TSA of the keyless stack exits instead. So the keyless
//! stack (whose Fulcio and OIDC issuer the tests use anyway) starts first,
//! and takes the port.
//!
//! From the log's key the harness writes, in the stack's dir, a trusted
//! root (the keyless stack's, plus this log) and a signing config that
//! names the stack's Fulcio and this log as `majorApiVersion` 1, and no TSA:
//! the public-good instance's shape.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::sigstore_stack::{
    SIGNING_CONFIG_MEDIA_TYPE, SigstoreStack, VALID_FROM, pem_blocks, sigstore_stack, temp_dir,
    wait_http, with_port_retries, write_json,
};
use crate::support::{have_command, missing_peer};
use crate::testbed::{self, Server, http};

const TRILLIAN_VERSION: &str = "v1.7.2";

pub struct RekorV1 {
    /// The log's base URL, "http://127.0.0.1:PORT" (no trailing slash).
    pub url: String,
    /// `logId.keyId`: base64 SHA-256 of the key's DER.
    pub log_id: String,
    /// The keyless stack's trusted root plus this log.
    pub trusted_root: PathBuf,
    /// Signing config v0.2: the stack's Fulcio and OIDC issuer, this log as
    /// `majorApiVersion` 1, no TSA.
    pub signing_config: PathBuf,
    /// Trillian's gRPC address ("127.0.0.1:PORT"), for other trees on the
    /// same Trillian (the public-good-shaped instance's CT log).
    pub trillian_rpc: String,
    servers: Vec<Server>,
}

impl RekorV1 {
    pub fn log_tail(&self) -> String {
        self.servers
            .iter()
            .map(|s| s.log_tail(40))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn peer_bin(name: &str) -> PathBuf {
    let path = testbed::peer_cache().join("bin").join(name);
    if path.is_file() {
        path
    } else {
        missing_peer(&path.display().to_string())
    }
}

/// A Debian binary: on PATH, or in /usr/sbin (mariadbd is there, and a
/// non-root PATH often lacks it).
fn system_bin(name: &str) -> PathBuf {
    if have_command(name) {
        return PathBuf::from(name);
    }
    let sbin = Path::new("/usr/sbin").join(name);
    if sbin.is_file() {
        sbin
    } else {
        missing_peer(name)
    }
}

struct Bins {
    mariadbd: PathBuf,
    install_db: PathBuf,
    client: PathBuf,
    log_server: PathBuf,
    log_signer: PathBuf,
    createtree: PathBuf,
    rekor: PathBuf,
    schema: PathBuf,
}

/// The running log with the keyless stack it trusts, started on first use
/// (a missing peer fails the test).
pub fn rekor_v1() -> (&'static SigstoreStack, &'static RekorV1) {
    static LOG: OnceLock<RekorV1> = OnceLock::new();
    // First: its TSA must own port 2112 before rekor-server starts.
    let stack = sigstore_stack();
    if let Some(log) = LOG.get() {
        return (stack, log);
    }
    let schema = testbed::peer_cache()
        .join("share")
        .join(format!("trillian-{TRILLIAN_VERSION}-storage.sql"));
    if !schema.is_file() {
        missing_peer(&schema.display().to_string());
    }
    let bins = Bins {
        mariadbd: system_bin("mariadbd"),
        install_db: system_bin("mariadb-install-db"),
        client: system_bin("mariadb"),
        log_server: peer_bin("trillian_log_server"),
        log_signer: peer_bin("trillian_log_signer"),
        createtree: peer_bin("createtree"),
        rekor: peer_bin("rekor-server"),
        schema,
    };
    (stack, LOG.get_or_init(|| start(stack, &bins)))
}

fn start(stack: &SigstoreStack, bins: &Bins) -> RekorV1 {
    let started = Instant::now();
    let mut servers = Vec::new();

    // MariaDB, in a data dir made here. As root, mariadbd wants to be told
    // that root is meant.
    let db_dir = temp_dir("rekor1-mariadb");
    let data = db_dir.join("data");
    let socket = db_dir.join("mysqld.sock");
    let as_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let user: &[&str] = if as_root { &["--user=root"] } else { &[] };
    let o = Command::new(&bins.install_db)
        .arg("--no-defaults")
        .arg(format!("--datadir={}", data.display()))
        .args(["--auth-root-authentication-method=normal", "--skip-test-db"])
        .args(user)
        .output()
        .expect("run mariadb-install-db");
    assert!(o.status.success(), "mariadb-install-db: {o:?}");
    let mut cmd = Command::new(&bins.mariadbd);
    cmd.arg("--no-defaults")
        .arg(format!("--datadir={}", data.display()))
        .arg(format!("--socket={}", socket.display()))
        .arg(format!(
            "--pid-file={}",
            db_dir.join("mariadbd.pid").display()
        ))
        .args(["--skip-networking", "--skip-grant-tables"])
        // Small: ~34 MB resident instead of ~130.
        .args([
            "--innodb-buffer-pool-size=8M",
            "--innodb-log-file-size=8M",
            "--performance-schema=OFF",
            "--skip-name-resolve",
        ])
        .args(user);
    let db = Server::start("mariadbd", &db_dir, cmd).unwrap_or_else(|e| panic!("{e}"));
    let sql = |args: &[&str], input: Option<&Path>| -> Result<(), String> {
        let mut c = Command::new(&bins.client);
        c.arg("--no-defaults")
            .arg(format!("--socket={}", socket.display()))
            .arg("-uroot")
            .args(args);
        if let Some(file) = input {
            c.stdin(std::fs::File::open(file).unwrap());
        }
        let o = c.output().map_err(|e| format!("cannot run mariadb: {e}"))?;
        if o.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&o.stderr).into_owned())
        }
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while let Err(e) = sql(&["-e", "CREATE DATABASE IF NOT EXISTS trillian"], None) {
        assert!(
            db.alive() && Instant::now() < deadline,
            "mariadbd did not come up: {e}\n{}",
            db.log_tail(40)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    sql(&["trillian"], Some(&bins.schema)).unwrap_or_else(|e| panic!("Trillian schema: {e}"));
    sql(&["-e", "CREATE DATABASE rekor"], None).unwrap_or_else(|e| panic!("{e}"));
    servers.push(db);
    let dsn = |database: &str| format!("root@unix({})/{database}", socket.display());

    // Trillian: the log server (gRPC for rekor-server and createtree), and
    // the signer that sequences new leaves into the tree.
    let (log_server, rpc) = with_port_retries("trillian_log_server", |ports| {
        let d = temp_dir("rekor1-trillian-server");
        let rpc = format!("127.0.0.1:{}", ports[0]);
        let mut cmd = Command::new(&bins.log_server);
        cmd.args(["--storage_system=mysql", "--quota_system=noop"])
            .arg(format!("--mysql_uri={}", dsn("trillian")))
            .arg(format!("--rpc_endpoint={rpc}"))
            .arg(format!("--http_endpoint=127.0.0.1:{}", ports[1]));
        let server = Server::start("trillian_log_server", &d, cmd)?;
        wait_http(
            &server,
            &format!("http://127.0.0.1:{}", ports[1]),
            "/healthz",
        )?;
        Ok((server, rpc))
    });
    servers.push(log_server);
    let log_signer = with_port_retries("trillian_log_signer", |ports| {
        let d = temp_dir("rekor1-trillian-signer");
        let mut cmd = Command::new(&bins.log_signer);
        cmd.args([
            "--storage_system=mysql",
            "--quota_system=noop",
            "--force_master",
            "--sequencer_interval=20ms",
        ])
        .arg(format!("--mysql_uri={}", dsn("trillian")))
        .arg(format!("--rpc_endpoint=127.0.0.1:{}", ports[0]))
        .arg(format!("--http_endpoint=127.0.0.1:{}", ports[1]));
        let server = Server::start("trillian_log_signer", &d, cmd)?;
        wait_http(
            &server,
            &format!("http://127.0.0.1:{}", ports[1]),
            "/healthz",
        )?;
        Ok(server)
    });
    servers.push(log_signer);
    let o = Command::new(&bins.createtree)
        .arg(format!("--admin_server={rpc}"))
        .output()
        .expect("run createtree");
    assert!(o.status.success(), "createtree: {o:?}");
    let tree = String::from_utf8_lossy(&o.stdout).trim().to_string();
    assert!(
        tree.parse::<u64>().is_ok(),
        "createtree printed no tree id: {o:?}"
    );

    let (rekor, url) = with_port_retries("rekor-server", |ports| {
        let d = temp_dir("rekor1-server");
        let mut cmd = Command::new(&bins.rekor);
        cmd.arg("serve")
            .args(["--trillian_log_server.address", "127.0.0.1"])
            .arg(format!(
                "--trillian_log_server.port={}",
                rpc.rsplit(':').next().unwrap()
            ))
            .arg(format!("--trillian_log_server.tlog_id={tree}"))
            .args(["--rekor_server.address", "127.0.0.1"])
            .arg(format!("--port={}", ports[0]))
            .args(["--rekor_server.hostname", "127.0.0.1"])
            .args(["--rekor_server.signer", "memory"])
            .args(["--search_index.storage_provider", "mysql"])
            .arg(format!("--search_index.mysql.dsn={}", dsn("rekor")))
            .args(["--log_type", "prod"]);
        let server = Server::start("rekor-server", &d, cmd)?;
        let url = format!("http://127.0.0.1:{}", ports[0]);
        wait_http(&server, &url, "/api/v1/log")?;
        Ok((server, url))
    });
    servers.push(rekor);

    let r = http(
        "GET",
        &format!("{url}/api/v1/log/publicKey"),
        &[],
        None,
        None,
    );
    assert_eq!(r.status, 200, "rekor publicKey: {r:?}");
    let public_key_der = pem_blocks(&r.text()).pop().expect("the log's key as PEM");
    let log_id = B64.encode(Sha256::digest(&public_key_der));

    // Beside MariaDB's data, so its watchdog removes them too.
    let dir = db_dir;
    let mut root: Value =
        serde_json::from_slice(&std::fs::read(&stack.trusted_root).unwrap()).unwrap();
    root["tlogs"].as_array_mut().expect("tlogs").push(json!({
        "baseUrl": &url,
        "hashAlgorithm": "SHA2_256",
        "publicKey": {
            "rawBytes": B64.encode(&public_key_der),
            "keyDetails": "PKIX_ECDSA_P256_SHA_256",
            "validFor": {"start": VALID_FROM},
        },
        "logId": {"keyId": &log_id},
    }));
    let trusted_root = dir.join("trusted_root.json");
    write_json(&trusted_root, &root);
    let service = |url: &str, major: u32| {
        json!({
            "url": url,
            "majorApiVersion": major,
            "validFor": {"start": VALID_FROM},
            "operator": "cargo-attest-test",
        })
    };
    let signing_config = dir.join("signing_config.json");
    write_json(
        &signing_config,
        &json!({
            "mediaType": SIGNING_CONFIG_MEDIA_TYPE,
            "caUrls": [service(&stack.fulcio_url, 1)],
            "oidcUrls": [service(&stack.oidc_url, 1)],
            "rekorTlogUrls": [service(&url, 1)],
            "rekorTlogConfig": {"selector": "ANY"},
            "tsaUrls": [],
            "tsaConfig": {"selector": "ANY"},
        }),
    );
    eprintln!(
        "rekor v1 up in {:.1?}: {url} (tree {tree}), files in {}",
        started.elapsed(),
        dir.display()
    );
    RekorV1 {
        url,
        log_id,
        trusted_root,
        signing_config,
        trillian_rpc: rpc,
        servers,
    }
}
