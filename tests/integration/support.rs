//! Test-bed helpers: run the built binary, real peers, a real keyring.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub use crate::peer_support::{Output, bundle_payload, have_command, missing_peer};

/// A command line for the product binary with a controlled environment:
/// no keyring unless one is given, no inherited CI markers that would change
/// the provenance.
pub struct Cmd {
    command: Command,
    stdin: Option<Vec<u8>>,
}

pub fn attest(args: &[&str]) -> Cmd {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cargo-attest"));
    command.args(args);
    for var in [
        "CARGO_ATTEST_KEY_FILE",
        "CARGO_ATTEST_KEY_NAME",
        "CARGO_ATTEST_KEY_PASSPHRASE",
        "CARGO_ATTEST_SBOM_SIZE_LIMIT",
        "SOURCE_DATE_EPOCH",
        "GITHUB_ACTIONS",
        "GITLAB_CI",
        "CI",
        "RUSTFLAGS",
        "SIGSTORE_ID_TOKEN",
        "ACTIONS_ID_TOKEN_REQUEST_URL",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
        "GITHUB_EVENT_PATH",
        "CI_PROJECT_VISIBILITY",
        "CARGO_ATTEST_SIGSTORE",
        "CARGO_ATTEST_OFFLINE",
        "CARGO_ATTEST_PUBLIC_GOOD_TUF_URL",
        "CARGO_ATTEST_PUBLIC_GOOD_TUF_ROOT",
        "CARGO_ATTEST_GITHUB_TUF_URL",
        "CARGO_ATTEST_GITHUB_TUF_ROOT",
    ] {
        command.env_remove(var);
    }
    // Without a keyring session, point D-Bus nowhere so no test touches the
    // developer's real keyring by accident.
    command.env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/cargo-attest-test-bus",
    );
    command.env("XDG_RUNTIME_DIR", "/nonexistent/cargo-attest-test-runtime");
    Cmd {
        command,
        stdin: None,
    }
}

impl Cmd {
    pub fn env(mut self, key: &str, value: impl Into<OsString>) -> Self {
        self.command.env(key, value.into());
        self
    }

    pub fn envs(mut self, vars: &BTreeMap<String, String>) -> Self {
        self.command.envs(vars);
        self
    }

    pub fn cwd(mut self, dir: &Path) -> Self {
        self.command.current_dir(dir);
        self
    }

    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(bytes.into());
        self
    }

    pub fn run(mut self) -> Output {
        self.command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            });
        let mut child = self.command.spawn().expect("spawn cargo-attest");
        if let Some(bytes) = self.stdin.take() {
            let mut stdin = child.stdin.take().unwrap();
            std::thread::spawn(move || {
                let _ = stdin.write_all(&bytes);
            });
        }
        let out = child.wait_with_output().expect("wait for cargo-attest");
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Cmd {
    /// Runs it, killing it if it has not ended within `limit`: a command
    /// that hangs fails the test, with what it printed so far, instead of
    /// blocking the run.
    #[track_caller]
    pub fn run_within(mut self, limit: Duration) -> Output {
        use std::io::Read;
        self.command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(Stdio::null());
        let started = Instant::now();
        let mut child = self.command.spawn().expect("spawn cargo-attest");
        let drain = |mut pipe: Box<dyn Read + Send>| {
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                let _ = pipe.read_to_end(&mut bytes);
                String::from_utf8_lossy(&bytes).into_owned()
            })
        };
        let stdout = drain(Box::new(child.stdout.take().unwrap()));
        let stderr = drain(Box::new(child.stderr.take().unwrap()));
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for cargo-attest") {
                break Some(status);
            }
            if started.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let stdout = stdout.join().unwrap_or_default();
        let stderr = stderr.join().unwrap_or_default();
        let Some(status) = status else {
            panic!(
                "cargo-attest did not end within {limit:?}: a hang (killed)\nstdout:\n{stdout}\nstderr:\n{stderr}"
            );
        };
        Output {
            code: status.code().unwrap_or(-1),
            stdout,
            stderr,
        }
    }
}

/// Runs any program; panics if it cannot start.
pub fn run(program: &str, args: &[&str], cwd: Option<&Path>) -> Output {
    let mut c = Command::new(program);
    c.args(args).stdin(Stdio::null());
    if let Some(d) = cwd {
        c.current_dir(d);
    }
    let out = c
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Writes a copy of `bundle` whose payload has one character changed.
pub fn tamper(bundle: &Path, out: &Path) {
    use base64::Engine;
    let mut value: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bundle).unwrap()).unwrap();
    let b64 = value["dsseEnvelope"]["payload"].as_str().unwrap();
    let mut bytes = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    // Change a digest hex digit: still valid JSON, different statement.
    let pos = text.find("\"sha256\":\"").expect("a sha256 digest") + 10;
    bytes[pos] = if bytes[pos] == b'0' { b'1' } else { b'0' };
    value["dsseEnvelope"]["payload"] =
        serde_json::Value::String(base64::engine::general_purpose::STANDARD.encode(bytes));
    std::fs::write(out, serde_json::to_vec(&value).unwrap()).unwrap();
}

/// The fixture workspace, copied to a temp dir, committed to git and built
/// once per test binary (debug and release).
pub struct Fixture {
    pub dir: PathBuf,
    pub target: PathBuf,
    pub commit: String,
}

pub fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let base =
            std::env::temp_dir().join(format!("cargo-attest-fixture-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let dir = base.join("workspace");
        copy_dir(&repo_root().join("tests/fixtures/workspace"), &dir);
        let git = |args: &[&str]| {
            let out = run("git", args, Some(&dir));
            assert_eq!(out.code, 0, "git {args:?}: {}", out.stderr);
            out.stdout.trim().to_string()
        };
        git(&["init", "-q", "-b", "main"]);
        git(&[
            "remote",
            "add",
            "origin",
            "https://user:hunter2@example.com/acme/fixture.git",
        ]);
        git(&[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "add",
            "-A",
        ]);
        git(&[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-qm",
            "fixture",
        ]);
        let commit = git(&["rev-parse", "HEAD"]);
        let target = base.join("target");
        for profile in [&[][..], &["--release"][..]] {
            let mut args = vec![
                "build",
                "-q",
                "--locked",
                "--target-dir",
                target.to_str().unwrap(),
            ];
            args.extend_from_slice(profile);
            let out = run("cargo", &args, Some(&dir));
            assert_eq!(out.code, 0, "fixture build failed: {}", out.stderr);
        }
        Fixture {
            dir,
            target,
            commit,
        }
    })
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != "target" {
                copy_dir(&entry.path(), &dest);
            }
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}

/// A private D-Bus session with gnome-keyring's Secret Service, unlocked
/// with a non-empty password, started under `dbus-run-session`. Its HOME and
/// runtime dir are temporary, so the developer's keyring is never touched.
pub struct KeyringSession {
    child: Child,
    pub env: BTreeMap<String, String>,
    _dir: tempfile::TempDir,
}

impl KeyringSession {
    pub fn start() -> Self {
        Self::start_with(true)
    }

    /// A session whose keyring was never unlocked: every use needs a prompt,
    /// which nobody answers.
    pub fn start_locked() -> Self {
        Self::start_with(false)
    }

    fn start_with(unlock: bool) -> Self {
        for tool in ["dbus-run-session", "gnome-keyring-daemon"] {
            if !have_command(tool) {
                missing_peer(tool)
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let runtime = dir.path().join("run");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::create_dir_all(&runtime).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        let addr_file = dir.path().join("bus-address");
        let daemon = if unlock {
            "printf 'keyring-test-pw' | gnome-keyring-daemon --unlock --components=secrets"
        } else {
            "gnome-keyring-daemon --start --components=secrets"
        };
        let script = format!(
            "{daemon} >/dev/null 2>&1; \
             echo \"$DBUS_SESSION_BUS_ADDRESS\" > {addr}.tmp && mv {addr}.tmp {addr}; \
             exec sleep 900",
            addr = addr_file.display()
        );
        let mut command = Command::new("dbus-run-session");
        command
            .args(["--", "sh", "-c", &script])
            .env("HOME", &home)
            .env("XDG_RUNTIME_DIR", &runtime)
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        let child = command.spawn().expect("start dbus-run-session");
        let deadline = Instant::now() + Duration::from_secs(20);
        let address = loop {
            if let Ok(a) = std::fs::read_to_string(&addr_file) {
                break a.trim().to_string();
            }
            assert!(
                Instant::now() < deadline,
                "the keyring session did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        let env = BTreeMap::from([
            ("DBUS_SESSION_BUS_ADDRESS".to_string(), address),
            ("HOME".to_string(), home.display().to_string()),
            ("XDG_RUNTIME_DIR".to_string(), runtime.display().to_string()),
        ]);
        KeyringSession {
            child,
            env,
            _dir: dir,
        }
    }
}

impl Drop for KeyringSession {
    fn drop(&mut self) {
        // The whole process group: dbus-daemon, gnome-keyring, sleep.
        #[cfg(unix)]
        {
            let _ = Command::new("kill")
                .args(["-TERM", "--", &format!("-{}", self.child.id())])
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs a Node peer script from tests/peers/node (the test fails when the
/// peers are not installed).
pub fn node_peer(script: &str, args: &[&str]) -> Output {
    let dir = repo_root().join("tests/peers/node");
    if !dir.join("node_modules").is_dir() || !have_command("node") {
        missing_peer("the npm peers (tests/peers/node/node_modules)")
    }
    let script = dir.join(script);
    let mut full = vec![script.to_str().unwrap()];
    full.extend_from_slice(args);
    run("node", &full, None)
}

/// Runs the securesystemslib DSSE verifier from its venv.
pub fn python_dsse_verify(bundle: &Path, public_key: &Path) -> Output {
    let peers = repo_root().join("tests/peers/python");
    let python = peers.join(".venv/bin/python");
    if !python.is_file() {
        missing_peer("the Python peer venv (tests/peers/python/.venv)")
    }
    run(
        python.to_str().unwrap(),
        &[
            peers.join("dsse_verify.py").to_str().unwrap(),
            bundle.to_str().unwrap(),
            public_key.to_str().unwrap(),
        ],
        None,
    )
}
