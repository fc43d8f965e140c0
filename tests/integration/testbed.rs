//! The registry test bed (DESIGN.md section 9): real registries started on
//! free 127.0.0.1 ports in temp dirs, once per test binary, and the peer
//! tools that talk to them. Installed by scripts/setup-test-peers.sh.
//!
//! Every server runs under a small `sh` watchdog whose stdin is a pipe from
//! this process: when the test process ends (however it ends), the pipe
//! closes, and the watchdog stops the server and removes its temp dir. So no
//! server outlives `cargo test`, although the statics are never dropped.
//!
//! An accessor whose peer is not installed fails the test and says how to
//! install it (`support::missing_peer`), in CI and outside it alike: a run
//! without its peers proves nothing, so it never passes.

#![allow(dead_code)] // an API for the tests to come; not all of it is used yet

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::support::{have_command, missing_peer};

/// The user of the registries with auth.
pub const TEST_USER: &str = "tester";
/// That user's password (fixed: these are throwaway local servers).
pub const TEST_PASSWORD: &str = "tb-Vq7mK2xR9pLw4Zs";

const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A running registry. `host` is "127.0.0.1:PORT" (plain HTTP).
pub struct Registry {
    pub name: &'static str,
    pub host: String,
    pub user: Option<String>,
    pub password: Option<String>,
    /// Its temp dir: config, storage, `server.log`. Removed when the test
    /// process ends.
    pub dir: PathBuf,
    /// The token service's "127.0.0.1:PORT" (token auth only).
    pub token_service: Option<String>,
    servers: Vec<Server>,
}

impl Registry {
    /// "http://127.0.0.1:PORT".
    pub fn url(&self) -> String {
        format!("http://{}", self.host)
    }

    /// "127.0.0.1:PORT/REPO[:TAG|@DIGEST]" for `repo_ref` "REPO[:TAG|@DIGEST]".
    pub fn reference(&self, repo_ref: &str) -> String {
        format!("{}/{repo_ref}", self.host)
    }

    /// `-u USER -p PASSWORD` for oras when the registry has auth, else empty.
    pub fn oras_credentials(&self) -> Vec<String> {
        match (&self.user, &self.password) {
            (Some(u), Some(p)) => vec!["-u".into(), u.clone(), "-p".into(), p.clone()],
            _ => vec![],
        }
    }

    /// The last lines of each of its servers' logs (for failure messages).
    pub fn log_tail(&self) -> String {
        self.servers
            .iter()
            .map(|s| s.log_tail(60))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

// ---- binaries --------------------------------------------------------------

/// Where scripts/setup-test-peers.sh puts the peers it builds: a cache
/// shared by every checkout on the machine (same rule as the script).
pub fn peer_cache() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_ATTEST_PEER_CACHE") {
        return PathBuf::from(dir);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache")
        });
    cache.join("cargo-attest-test-peers")
}

fn peer_bin(rel: &str) -> PathBuf {
    let path = peer_cache().join(rel);
    if path.is_file() {
        path
    } else {
        missing_peer(&path.display().to_string())
    }
}

fn system_bin(name: &str) -> PathBuf {
    if have_command(name) {
        PathBuf::from(name)
    } else {
        missing_peer(name)
    }
}

/// The pinned oras CLI.
pub fn oras() -> PathBuf {
    peer_bin("bin/oras")
}

/// skopeo (Debian package).
pub fn skopeo() -> PathBuf {
    system_bin("skopeo")
}

/// curl (Debian package).
pub fn curl_bin() -> PathBuf {
    system_bin("curl")
}

pub fn docker_registry_bin() -> PathBuf {
    system_bin("docker-registry")
}

pub fn htpasswd_bin() -> PathBuf {
    system_bin("htpasswd")
}

pub fn ferro_bin() -> PathBuf {
    peer_bin("cargo/bin/ferro-oci-server")
}

pub fn go_registry_bin() -> PathBuf {
    peer_bin("bin/go-registry")
}

pub fn token_service_bin() -> PathBuf {
    peer_bin("bin/token-service")
}

// ---- registries ------------------------------------------------------------

/// docker-registry 2.8.2 without auth.
pub fn docker_open() -> &'static Registry {
    static R: OnceLock<Registry> = OnceLock::new();
    let bin = docker_registry_bin();
    R.get_or_init(|| start_docker("docker-open", &bin, DockerAuth::None))
}

/// docker-registry 2.8.2 without auth and with deletion disabled (the
/// package's default): every DELETE is refused.
pub fn docker_no_delete() -> &'static Registry {
    static R: OnceLock<Registry> = OnceLock::new();
    let bin = docker_registry_bin();
    R.get_or_init(|| start_docker("docker-nodelete", &bin, DockerAuth::None))
}

/// docker-registry 2.8.2 with htpasswd (bcrypt) auth for
/// `TEST_USER`/`TEST_PASSWORD`.
pub fn docker_htpasswd() -> &'static Registry {
    static R: OnceLock<Registry> = OnceLock::new();
    let bin = docker_registry_bin();
    let htpasswd = htpasswd_bin();
    R.get_or_init(|| start_docker("docker-htpasswd", &bin, DockerAuth::Htpasswd(htpasswd)))
}

/// docker-registry 2.8.2 with token auth, tokens from tests/peers/token-service
/// for `TEST_USER`/`TEST_PASSWORD` (anonymous: a token without access).
pub fn docker_token() -> &'static Registry {
    static R: OnceLock<Registry> = OnceLock::new();
    let bin = docker_registry_bin();
    let token = token_service_bin();
    R.get_or_init(|| start_docker("docker-token", &bin, DockerAuth::Token(token, Vec::new())))
}

/// Seconds a short-lived token is accepted for.
pub const SHORT_TOKEN_SECONDS: u64 = 4;

/// docker-registry 2.8.2 with token auth whose tokens are accepted for
/// [`SHORT_TOKEN_SECONDS`] only. The token answers' `expires_in` says so
/// (`honest`), or claims 300 s while the registry rejects the token earlier.
pub fn docker_token_short_lived(honest: bool) -> &'static Registry {
    static HONEST: OnceLock<Registry> = OnceLock::new();
    static LYING: OnceLock<Registry> = OnceLock::new();
    let bin = docker_registry_bin();
    let token = token_service_bin();
    let (cell, name, claimed) = if honest {
        (&HONEST, "docker-token-short", SHORT_TOKEN_SECONDS)
    } else {
        (&LYING, "docker-token-lying", 300)
    };
    // distribution accepts a token until its exp + 60 s of clock-skew leeway.
    let args = vec![
        "-exp-offset".to_string(),
        format!("{}s", SHORT_TOKEN_SECONDS as i64 - 60),
        "-expires-in".to_string(),
        format!("{claimed}s"),
    ];
    cell.get_or_init(|| start_docker(name, &bin, DockerAuth::Token(token, args)))
}

/// ferro-oci-server 1.0.0 (referrers API with `OCI-Subject`; no auth).
pub fn ferro() -> &'static Registry {
    static R: OnceLock<Registry> = OnceLock::new();
    let bin = ferro_bin();
    R.get_or_init(|| {
        with_port_retries("ferro", |port| {
            let dir = temp_dir("ferro");
            let storage = dir.join("storage");
            std::fs::create_dir_all(&storage).unwrap();
            let host = format!("127.0.0.1:{port}");
            let mut cmd = Command::new(&bin);
            cmd.env("FERRO_OCI_LISTEN", &host)
                .env("FERRO_OCI_STORAGE_DIR", &storage)
                .env("NO_COLOR", "1")
                .env("RUST_LOG", "info");
            let server = Server::start("ferro", &dir, cmd)?;
            wait_v2(&server, &host)?;
            Ok(Registry {
                name: "ferro",
                host,
                user: None,
                password: None,
                dir,
                token_service: None,
                servers: vec![server],
            })
        })
    })
}

/// go-containerregistry's in-memory registry with referrers support.
pub fn ggcr() -> &'static Registry {
    static R: OnceLock<Registry> = OnceLock::new();
    let bin = go_registry_bin();
    R.get_or_init(|| {
        let dir = temp_dir("ggcr");
        let mut cmd = Command::new(&bin);
        cmd.args(["-addr", "127.0.0.1:0"]);
        let server = Server::start("ggcr", &dir, cmd).unwrap_or_else(|e| panic!("{e}"));
        let host = server.listening().unwrap_or_else(|e| panic!("{e}"));
        wait_v2(&server, &host).unwrap_or_else(|e| panic!("{e}"));
        Registry {
            name: "ggcr",
            host,
            user: None,
            password: None,
            dir,
            token_service: None,
            servers: vec![server],
        }
    })
}

enum DockerAuth {
    None,
    Htpasswd(PathBuf),
    /// The token service binary and extra arguments for it.
    Token(PathBuf, Vec<String>),
}

fn start_docker(name: &'static str, bin: &Path, auth: DockerAuth) -> Registry {
    // The token service first (it picks its own port and survives port
    // retries of the registry).
    let mut token_server = None;
    let mut token_host = None;
    let mut cert = None;
    if let DockerAuth::Token(token_bin, extra) = &auth {
        let dir = temp_dir("token-service");
        let cert_path = dir.join("root.pem");
        let mut cmd = Command::new(token_bin);
        cmd.args(["-addr", "127.0.0.1:0", "-cert-out"])
            .arg(&cert_path)
            .args(["-user", TEST_USER, "-password", TEST_PASSWORD])
            .args(["-issuer", "cargo-attest-test-token-service"])
            .args(extra);
        let server = Server::start("token-service", &dir, cmd).unwrap_or_else(|e| panic!("{e}"));
        token_host = Some(server.listening().unwrap_or_else(|e| panic!("{e}")));
        cert = Some(cert_path);
        token_server = Some(server);
    }
    with_port_retries(name, |port| {
        let dir = temp_dir(name);
        let host = format!("127.0.0.1:{port}");
        let auth_yaml = match &auth {
            DockerAuth::None => String::new(),
            DockerAuth::Htpasswd(htpasswd) => {
                let out = Command::new(htpasswd)
                    .args(["-Bbn", TEST_USER, TEST_PASSWORD])
                    .output()
                    .expect("run htpasswd");
                assert!(out.status.success(), "htpasswd failed: {out:?}");
                let file = dir.join("htpasswd");
                std::fs::write(&file, &out.stdout).unwrap();
                format!(
                    "auth:\n  htpasswd:\n    realm: cargo-attest-test\n    path: {}\n",
                    file.display()
                )
            }
            DockerAuth::Token(..) => format!(
                "auth:\n  token:\n    realm: http://{}/token\n    service: cargo-attest-test-registry\n    \
                 issuer: cargo-attest-test-token-service\n    rootcertbundle: {}\n",
                token_host.as_ref().unwrap(),
                cert.as_ref().unwrap().display()
            ),
        };
        let config = format!(
            "version: 0.1\n\
             log:\n  level: info\n  formatter: text\n\
             storage:\n  filesystem:\n    rootdirectory: {storage}\n  delete:\n    enabled: {delete}\n  \
             maintenance:\n    uploadpurging:\n      enabled: false\n\
             http:\n  addr: {host}\n  secret: cargo-attest-test-secret\n\
             {auth_yaml}",
            storage = dir.join("storage").display(),
            delete = name != "docker-nodelete",
        );
        let config_path = dir.join("config.yml");
        std::fs::write(&config_path, config).unwrap();
        let mut cmd = Command::new(bin);
        cmd.arg("serve").arg(&config_path);
        let server = Server::start(name, &dir, cmd)?;
        wait_v2(&server, &host)?;
        let authed = !matches!(auth, DockerAuth::None);
        let mut servers = vec![server];
        servers.extend(token_server.take());
        Ok(Registry {
            name,
            host,
            user: authed.then(|| TEST_USER.to_string()),
            password: authed.then(|| TEST_PASSWORD.to_string()),
            dir,
            token_service: token_host.clone(),
            servers,
        })
    })
}

/// Starts a server that must be given its port: a free one is found by
/// binding 127.0.0.1:0; should another process take it in between, the
/// server fails and is tried again on a new port.
fn with_port_retries(
    name: &str,
    mut start: impl FnMut(u16) -> Result<Registry, String>,
) -> Registry {
    let mut errors = Vec::new();
    for _ in 0..3 {
        match start(free_port()) {
            Ok(r) => return r,
            Err(e) => errors.push(e),
        }
    }
    panic!("{name} did not start:\n{}", errors.join("\n----\n"));
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind 127.0.0.1:0")
        .port()
}

fn temp_dir(name: &str) -> PathBuf {
    tempfile::Builder::new()
        .prefix(&format!("cargo-attest-tb-{name}-"))
        .tempdir()
        .expect("temp dir")
        .keep()
}

// ---- servers under a watchdog ----------------------------------------------

/// The watchdog: starts the server (argv "$@") in the background with its
/// output in DIR/server.log, prints its pid, then blocks reading stdin. When
/// this test process ends, stdin closes: it kills the server (throwaway
/// state, so no graceful stop), reaps it and removes DIR. Being the server's
/// parent until then, it never signals a recycled pid. Its own process group
/// keeps a terminal's Ctrl-C away from it: only the pipe decides.
const WATCHDOG: &str = r#"dir=$1; shift
"$@" </dev/null >"$dir/server.log" 2>&1 &
s=$!
echo "$s"
cat >/dev/null
kill -KILL "$s" 2>/dev/null
wait "$s" 2>/dev/null
rm -rf "$dir"
"#;

pub(crate) struct Server {
    name: String,
    pid: u32,
    log: PathBuf,
    // Holding the pipe keeps the server up; dropping it (or exiting) stops it.
    _stdin: Mutex<ChildStdin>,
}

impl Server {
    pub(crate) fn start(name: &str, dir: &Path, server: Command) -> Result<Server, String> {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(WATCHDOG)
            .arg("watchdog")
            .arg(dir)
            .arg(server.get_program())
            .args(server.get_args())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (k, v) in server.get_envs() {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            cmd.process_group(0);
        }
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("cannot start sh for {name}: {e}"))?;
        let stdin = child.stdin.take().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .map_err(|e| format!("{name}: watchdog: {e}"))?;
        let pid = line
            .trim()
            .parse()
            .map_err(|_| format!("{name}: watchdog printed {line:?}"))?;
        // The watchdog runs until this process ends; the server is its child.
        drop(child);
        Ok(Server {
            name: name.to_string(),
            pid,
            log: dir.join("server.log"),
            _stdin: Mutex::new(stdin),
        })
    }

    /// Whether the server process still runs (not gone, not a zombie).
    pub(crate) fn alive(&self) -> bool {
        match std::fs::read_to_string(format!("/proc/{}/stat", self.pid)) {
            Ok(stat) => !matches!(
                stat.rsplit_once(')')
                    .and_then(|(_, rest)| rest.trim_start().chars().next()),
                Some('Z' | 'X')
            ),
            // No procfs (not Linux): assume it runs; the deadline still applies.
            Err(_) => !Path::new("/proc/self").exists(),
        }
    }

    pub(crate) fn log_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        let tail = all[all.len().saturating_sub(lines)..].join("\n");
        format!("--- {} log ({}) ---\n{tail}", self.name, self.log.display())
    }

    fn fail(&self, what: &str) -> String {
        format!("{} {what}\n{}", self.name, self.log_tail(60))
    }

    /// For servers that pick their port: waits for "LISTENING HOST:PORT" in
    /// the log and returns HOST:PORT.
    pub(crate) fn listening(&self) -> Result<String, String> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let text = std::fs::read_to_string(&self.log).unwrap_or_default();
            if let Some(addr) = text.lines().find_map(|l| l.strip_prefix("LISTENING ")) {
                return Ok(addr.trim().to_string());
            }
            if !self.alive() {
                return Err(self.fail("exited before listening"));
            }
            if Instant::now() > deadline {
                return Err(self.fail("did not report its address in time"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Waits until `GET /v2/` answers 200 or 401.
fn wait_v2(server: &Server, host: &str) -> Result<(), String> {
    let deadline = Instant::now() + START_TIMEOUT;
    let addr: SocketAddr = host.parse().unwrap();
    loop {
        let last = match v2_status(&addr) {
            Ok(200 | 401) => return Ok(()),
            Ok(code) => format!("GET /v2/ answered {code}"),
            Err(e) => e.to_string(),
        };
        if !server.alive() {
            return Err(server.fail(&format!("exited during start ({last})")));
        }
        if Instant::now() > deadline {
            return Err(server.fail(&format!("not ready at {host} in time ({last})")));
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

fn v2_status(addr: &SocketAddr) -> std::io::Result<u16> {
    let mut s = TcpStream::connect_timeout(addr, Duration::from_secs(2))?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(
        s,
        "GET /v2/ HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut head = [0u8; 12];
    s.read_exact(&mut head)?;
    std::str::from_utf8(&head[9..12])
        .ok()
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other("not an HTTP status line"))
}

// ---- raw HTTP through curl -------------------------------------------------

/// One HTTP response, as `curl -si` saw it (the last one, after any 1xx).
#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first value of a header (name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {self:?}"))
    }
}

/// An HTTP request with curl (loopback only: `url` must be on 127.0.0.1).
/// `headers` are "Name: value"; `basic` is (user, password).
pub fn http(
    method: &str,
    url: &str,
    headers: &[&str],
    body: Option<&[u8]>,
    basic: Option<(&str, &str)>,
) -> HttpResponse {
    assert!(
        url.starts_with("http://127.0.0.1:"),
        "the test bed talks to loopback only: {url}"
    );
    curl_http(method, url, headers, body, basic, None)
}

/// `http` over HTTPS, trusting the CA certificate (PEM) `ca` (e.g. the
/// fault proxy's under `-tls`); loopback only: `url` must be
/// `https://127.0.0.1:...`.
pub fn https(
    method: &str,
    url: &str,
    headers: &[&str],
    body: Option<&[u8]>,
    basic: Option<(&str, &str)>,
    ca: &Path,
) -> HttpResponse {
    assert!(
        url.starts_with("https://127.0.0.1:"),
        "the test bed talks to loopback only: {url}"
    );
    curl_http(method, url, headers, body, basic, Some(ca))
}

fn curl_http(
    method: &str,
    url: &str,
    headers: &[&str],
    body: Option<&[u8]>,
    basic: Option<(&str, &str)>,
    ca: Option<&Path>,
) -> HttpResponse {
    let mut cmd = Command::new("curl");
    cmd.args(["-sS", "-i", "--max-time", "60", "-X", method]);
    if let Some(ca) = ca {
        cmd.arg("--cacert").arg(ca);
    }
    if method == "HEAD" {
        cmd.arg("-I");
    }
    for h in headers {
        cmd.args(["-H", h]);
    }
    if let Some((u, p)) = basic {
        cmd.arg("-u").arg(format!("{u}:{p}"));
    }
    if body.is_some() {
        cmd.args(["--data-binary", "@-", "-H", "Expect:"]);
        cmd.stdin(Stdio::piped());
    } else {
        cmd.stdin(Stdio::null());
    }
    cmd.arg(url).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run curl");
    if let Some(b) = body {
        let mut stdin = child.stdin.take().unwrap();
        let b = b.to_vec();
        std::thread::spawn(move || {
            let _ = stdin.write_all(&b);
        });
    }
    let out = child.wait_with_output().expect("wait for curl");
    assert!(
        out.status.success(),
        "curl {method} {url} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    parse_http(&out.stdout).unwrap_or_else(|| {
        panic!(
            "cannot parse curl's output for {method} {url}:\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn parse_http(mut raw: &[u8]) -> Option<HttpResponse> {
    loop {
        let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = std::str::from_utf8(&raw[..end]).ok()?;
        let rest = &raw[end + 4..];
        let mut lines = head.split("\r\n");
        let status: u16 = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
        if (100..200).contains(&status) && rest.starts_with(b"HTTP/") {
            raw = rest;
            continue;
        }
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        return Some(HttpResponse {
            status,
            headers,
            body: rest.to_vec(),
        });
    }
}

#[test]
fn testbed_reports_a_server_that_dies_at_start_with_its_log() {
    let dir = temp_dir("dies");
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "echo 'boom: cannot start' >&2; exit 3"]);
    let server = Server::start("dies", &dir, cmd).unwrap();
    let err = wait_v2(&server, &format!("127.0.0.1:{}", free_port())).unwrap_err();
    assert!(err.contains("dies exited during start"), "{err}");
    assert!(err.contains("boom: cannot start"), "{err}");
    // Dropping the server closes the watchdog's stdin: it removes the dir.
    drop(server);
    let deadline = Instant::now() + Duration::from_secs(10);
    while dir.exists() {
        assert!(Instant::now() < deadline, "{} not removed", dir.display());
        std::thread::sleep(Duration::from_millis(20));
    }
}
