//! `scripts/sigstore-stack.sh` as users run it (tests/README.md "The stack
//! as a program"): its own test binary (`cargo test --test stack_script`),
//! not a module of `integration`, because the stack's timestamp-server
//! takes the fixed port 2112: the integration binary's in-process stack and
//! the script's cannot run at once, and cargo runs test binaries one after
//! the other.
//!
//! Each test runs the script with a COMMAND (`sh -c ...`) that writes what
//! it saw into a directory of the test's, and then checks it here.

#![allow(unreachable_pub, clippy::print_stdout, clippy::print_stderr)]

#[allow(dead_code)]
#[path = "peer_support.rs"]
mod peer_support;
#[allow(dead_code, unused_imports)]
#[path = "support.rs"]
mod support;
#[path = "testbed.rs"]
mod testbed;

use std::collections::BTreeMap;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::Value;
use sha2::Digest;

use crate::support::{Output, attest, repo_root};

/// The variables the script must export (the contract of issue 19; the
/// reviewers' checks use these names).
const CONTRACT: &[&str] = &[
    "CARGO_ATTEST_PUBLIC_GOOD_TUF_URL",
    "CARGO_ATTEST_PUBLIC_GOOD_TUF_ROOT",
    "CARGO_ATTEST_GITHUB_TUF_URL",
    "CARGO_ATTEST_GITHUB_TUF_ROOT",
    "ACTIONS_ID_TOKEN_REQUEST_URL",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    "PRIVATE_ACTIONS_ID_TOKEN_REQUEST_URL",
    "OIDC_ISSUER_URL",
    "CERT_IDENTITY",
    "PUBLIC_GOOD_TRUSTED_ROOT",
    "GITHUB_TRUSTED_ROOT",
    "PUBLIC_GOOD_FULCIO_REQUESTS",
    "GITHUB_FULCIO_REQUESTS",
];

/// Starting the stack takes about 10 s; building the example on a loaded
/// 2-core machine, minutes.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(900);

/// One stack at a time (the TSA's fixed port): every test that runs the
/// script holds this while it runs.
static ONE_STACK: Mutex<()> = Mutex::new(());

fn one_stack() -> MutexGuard<'static, ()> {
    ONE_STACK.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `scripts/sigstore-stack.sh -- sh -c SCRIPT` with `OUT` (a fresh
/// directory, returned) in its environment; kills it past the timeout.
fn run_stack(script: &str, extra_env: &[(&str, &Path)]) -> (Output, tempfile::TempDir) {
    let _one = one_stack();
    let out = tempfile::Builder::new()
        .prefix("cargo-attest-stack-script-")
        .tempdir()
        .unwrap();
    let mut cmd = Command::new(repo_root().join("scripts/sigstore-stack.sh"));
    cmd.args(["--", "sh", "-c", script])
        .env("OUT", out.path())
        .env("COSIGN", testbed::peer_cache().join("bin/cosign"))
        .current_dir(out.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // What the script exports must come from it, not from this process.
    for k in CONTRACT
        .iter()
        .chain(&["GITHUB_ACTIONS", "SIGSTORE_ID_TOKEN"])
    {
        cmd.env_remove(k);
    }
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let child = cmd.spawn().expect("run scripts/sigstore-stack.sh");
    let pid = child.id();
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let o = child.wait_with_output();
        let _ = done_tx.send(());
        o
    });
    if done_rx.recv_timeout(SCRIPT_TIMEOUT).is_err() {
        // SIGTERM: the stack passes it on to the command and stops.
        let _ = Command::new("kill").arg(pid.to_string()).status();
    }
    let o = waiter.join().unwrap().expect("wait for the script");
    let output = Output {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    };
    (output, out)
}

/// `NAME=VALUE` lines (as `env` prints them, values without newlines).
fn read_env(path: &Path) -> std::collections::BTreeMap<String, String> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn jwt_claims(jwt: &str) -> Value {
    let payload = jwt.trim().split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("JWT payload base64url");
    serde_json::from_slice(&bytes).expect("JWT payload JSON")
}

fn port_of(url: &str) -> SocketAddr {
    let host = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap_or_default();
    host.parse()
        .unwrap_or_else(|_| panic!("not http://127.0.0.1:PORT: {url}"))
}

/// Every variable set, every endpoint answering, one line per certificate
/// request in the right instance's file only; and once the script is done,
/// nothing of the stack answers any more and its files are gone.
#[test]
fn the_stack_script_exports_the_contract_serves_each_endpoint_and_records_certificate_requests() {
    // Each step writes a file of its own into $OUT; `set -e` stops at the
    // first failing one (curl -f: an HTTP error fails).
    let script = r#"set -eu
env > "$OUT/env"
for n in CARGO_ATTEST_PUBLIC_GOOD_TUF_URL CARGO_ATTEST_PUBLIC_GOOD_TUF_ROOT \
         CARGO_ATTEST_GITHUB_TUF_URL CARGO_ATTEST_GITHUB_TUF_ROOT \
         ACTIONS_ID_TOKEN_REQUEST_URL ACTIONS_ID_TOKEN_REQUEST_TOKEN \
         PRIVATE_ACTIONS_ID_TOKEN_REQUEST_URL OIDC_ISSUER_URL CERT_IDENTITY \
         PUBLIC_GOOD_TRUSTED_ROOT GITHUB_TRUSTED_ROOT \
         PUBLIC_GOOD_FULCIO_REQUESTS GITHUB_FULCIO_REQUESTS; do
  eval "v=\${$n:-}"
  [ -n "$v" ] || { echo "unset: $n" >&2; exit 1; }
done
get() { curl -fsS --max-time 30 "$@"; }
for i in PUBLIC_GOOD GITHUB; do
  eval "url=\$CARGO_ATTEST_${i}_TUF_URL root=\$CARGO_ATTEST_${i}_TUF_ROOT"
  get "$url/1.root.json" > "$OUT/$i.tuf-root"
  cmp "$OUT/$i.tuf-root" "$root"
  get "$url/timestamp.json" > "$OUT/$i.tuf-timestamp"
  get "$url/1.targets.json" > "$OUT/$i.tuf-targets"
  eval "root=\$${i}_TRUSTED_ROOT config=\$${i}_SIGNING_CONFIG"
  cp "$root" "$OUT/$i.trusted_root.json"
  cp "$config" "$OUT/$i.signing_config.json"
  h=$(sha256sum "$root" | cut -d' ' -f1)
  get "$url/targets/$h.trusted_root.json" | cmp - "$root"
  h=$(sha256sum "$config" | cut -d' ' -f1)
  get "$url/targets/$h.signing_config.v0.2.json" | cmp - "$config"
done
get "$OIDC_ISSUER_URL/.well-known/openid-configuration" > "$OUT/discovery"
get "$PUBLIC_GOOD_FULCIO_URL/api/v2/trustBundle" > "$OUT/PUBLIC_GOOD.trust-bundle"
get "$GITHUB_FULCIO_URL/api/v2/trustBundle" > "$OUT/GITHUB.trust-bundle"
get "$PUBLIC_GOOD_REKOR_URL/api/v1/log" > "$OUT/rekor-log"
get "${GITHUB_TSA_URL%/api/v1/timestamp}/api/v1/timestamp/certchain" > "$OUT/tsa-chain"
token() {
  get -H "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$1&audience=sigstore"
}
token "$ACTIONS_ID_TOKEN_REQUEST_URL" > "$OUT/public-token.json"
token "$PRIVATE_ACTIONS_ID_TOKEN_REQUEST_URL" > "$OUT/private-token.json"
curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: bearer wrong" \
  "$ACTIONS_ID_TOKEN_REQUEST_URL" > "$OUT/wrong-token-status"
jwt() { sed 's/.*"value": *"\([^"]*\)".*/\1/' "$1"; }

echo hello > "$OUT/artifact"
lines() { wc -l < "$1" | tr -d ' '; }
echo "$(lines "$PUBLIC_GOOD_FULCIO_REQUESTS") $(lines "$GITHUB_FULCIO_REQUESTS")" > "$OUT/lines-0"
HOME="$OUT" "$COSIGN" sign-blob --yes --new-bundle-format \
  --identity-token "$(jwt "$OUT/public-token.json")" \
  --signing-config "$PUBLIC_GOOD_SIGNING_CONFIG" --trusted-root "$PUBLIC_GOOD_TRUSTED_ROOT" \
  --bundle "$OUT/public-good.bundle" "$OUT/artifact" > "$OUT/cosign-public-good.log" 2>&1
echo "$(lines "$PUBLIC_GOOD_FULCIO_REQUESTS") $(lines "$GITHUB_FULCIO_REQUESTS")" > "$OUT/lines-1"
HOME="$OUT" "$COSIGN" sign-blob --yes --new-bundle-format \
  --identity-token "$(jwt "$OUT/private-token.json")" \
  --signing-config "$GITHUB_SIGNING_CONFIG" --trusted-root "$GITHUB_TRUSTED_ROOT" \
  --bundle "$OUT/github.bundle" "$OUT/artifact" > "$OUT/cosign-github.log" 2>&1
echo "$(lines "$PUBLIC_GOOD_FULCIO_REQUESTS") $(lines "$GITHUB_FULCIO_REQUESTS")" > "$OUT/lines-2"
cp "$PUBLIC_GOOD_FULCIO_REQUESTS" "$OUT/public-good.requests"
cp "$GITHUB_FULCIO_REQUESTS" "$OUT/github.requests"
echo done > "$OUT/done"
"#;
    let (o, out) = run_stack(script, &[]);
    let out = out.path();
    let file = |name: &str| -> String {
        std::fs::read_to_string(out.join(name)).unwrap_or_else(|e| {
            panic!(
                "{name}: {e}\nscript stdout:\n{}\nstderr:\n{}",
                o.stdout, o.stderr
            )
        })
    };
    assert_eq!(
        o.code, 0,
        "the script failed\nstdout:\n{}\nstderr:\n{}",
        o.stdout, o.stderr
    );
    assert_eq!(file("done").trim(), "done");
    let env = read_env(&out.join("env"));
    for name in CONTRACT {
        assert!(
            env.get(*name).is_some_and(|v| !v.is_empty()),
            "{name} not exported: {env:?}"
        );
    }
    // Not a GitHub Actions job unless the user says so.
    assert!(!env.contains_key("GITHUB_ACTIONS"), "{env:?}");

    // The TUF repositories: loopback mirrors whose initial roots are the
    // files named; targets are each instance's root and signing config.
    for i in ["PUBLIC_GOOD", "GITHUB"] {
        let url = &env[&format!("CARGO_ATTEST_{i}_TUF_URL")];
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        let timestamp: Value = serde_json::from_str(&file(&format!("{i}.tuf-timestamp"))).unwrap();
        assert_eq!(timestamp["signed"]["_type"], "timestamp");
    }
    assert_ne!(
        env["CARGO_ATTEST_PUBLIC_GOOD_TUF_URL"],
        env["CARGO_ATTEST_GITHUB_TUF_URL"]
    );
    let discovery: Value = serde_json::from_str(&file("discovery")).unwrap();
    assert_eq!(discovery["issuer"], env["OIDC_ISSUER_URL"].as_str());

    // The two instances: their own CAs, public good with Rekor v1 and no
    // TSA, GitHub with a TSA and no log; each root one line of JSON (gh
    // reads a custom trusted root as JSON lines).
    let json = |name: &str| -> Value {
        serde_json::from_str(&file(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    for i in ["PUBLIC_GOOD", "GITHUB"] {
        let text = file(&format!("{i}.trusted_root.json"));
        assert_eq!(text.trim_end().lines().count(), 1, "{i}: not one line");
        // The TUF repository's targets are this root and signing config.
        let targets = json(&format!("{i}.tuf-targets"));
        let sha = |name: &str| hex::encode(sha2::Sha256::digest(file(name)));
        assert_eq!(
            targets["signed"]["targets"]["trusted_root.json"]["hashes"]["sha256"],
            sha(&format!("{i}.trusted_root.json")).as_str(),
            "{targets}"
        );
        assert_eq!(
            targets["signed"]["targets"]["signing_config.v0.2.json"]["hashes"]["sha256"],
            sha(&format!("{i}.signing_config.json")).as_str(),
            "{targets}"
        );
    }
    let count = |v: &Value, key: &str| v[key].as_array().map_or(usize::MAX, Vec::len);
    let pg_root = json("PUBLIC_GOOD.trusted_root.json");
    let gh_root = json("GITHUB.trusted_root.json");
    assert_eq!(
        (
            count(&pg_root, "tlogs"),
            count(&pg_root, "timestampAuthorities")
        ),
        (1, 0),
        "{pg_root}"
    );
    assert_eq!(
        (
            count(&gh_root, "tlogs"),
            count(&gh_root, "timestampAuthorities")
        ),
        (0, 1),
        "{gh_root}"
    );
    assert_eq!(
        pg_root["tlogs"][0]["baseUrl"],
        env["PUBLIC_GOOD_REKOR_URL"].as_str()
    );
    // Public good's Fulcio logs its certificates in a CT log; GitHub's not.
    assert_eq!(count(&pg_root, "ctlogs"), 1, "{pg_root}");
    assert_eq!(count(&gh_root, "ctlogs"), 0, "{gh_root}");
    let pg_config = json("PUBLIC_GOOD.signing_config.json");
    let gh_config = json("GITHUB.signing_config.json");
    assert_eq!(
        (
            count(&pg_config, "rekorTlogUrls"),
            count(&pg_config, "tsaUrls")
        ),
        (1, 0),
        "{pg_config}"
    );
    assert_eq!(pg_config["rekorTlogUrls"][0]["majorApiVersion"], 1);
    assert_eq!(
        (
            count(&gh_config, "rekorTlogUrls"),
            count(&gh_config, "tsaUrls")
        ),
        (0, 1),
        "{gh_config}"
    );
    assert_eq!(
        pg_config["caUrls"][0]["url"],
        env["PUBLIC_GOOD_FULCIO_URL"].as_str()
    );
    assert_eq!(
        gh_config["caUrls"][0]["url"],
        env["GITHUB_FULCIO_URL"].as_str()
    );
    let pg_bundle = file("PUBLIC_GOOD.trust-bundle");
    let gh_bundle = file("GITHUB.trust-bundle");
    assert_ne!(pg_bundle, gh_bundle, "the two Fulcios share a CA");

    // The token endpoint: the same request token, a visibility per URL.
    let public = jwt_claims(json("public-token.json")["value"].as_str().unwrap());
    let private = jwt_claims(json("private-token.json")["value"].as_str().unwrap());
    assert_eq!(public["repository_visibility"], "public", "{public}");
    assert_eq!(private["repository_visibility"], "private", "{private}");
    assert_eq!(public["iss"], env["OIDC_ISSUER_URL"].as_str());
    assert_eq!(
        format!(
            "https://github.com/{}",
            public["job_workflow_ref"].as_str().unwrap()
        ),
        env["CERT_IDENTITY"]
    );
    assert_eq!(file("wrong-token-status").trim(), "401");

    // One certificate request, one line, in that instance's file only.
    assert_eq!(file("lines-0").trim(), "0 0");
    assert_eq!(
        file("lines-1").trim(),
        "1 0",
        "{}",
        file("cosign-public-good.log")
    );
    assert_eq!(
        file("lines-2").trim(),
        "1 1",
        "{}",
        file("cosign-github.log")
    );
    for name in ["public-good.requests", "github.requests"] {
        let line: Value = serde_json::from_str(file(name).trim()).unwrap();
        assert_eq!(line["method"], "POST", "{line}");
        assert!(
            line["path"].as_str().unwrap().ends_with("/signingCert"),
            "{line}"
        );
        assert!(matches!(line["status"].as_u64(), Some(200 | 201)), "{line}");
    }
    // cosign's bundles: public good's has a Rekor v1 entry and no
    // timestamp, GitHub's a timestamp and no entry.
    let pg = json("public-good.bundle");
    let gh = json("github.bundle");
    let entries = |b: &Value| {
        b["verificationMaterial"]["tlogEntries"]
            .as_array()
            .map_or(0, Vec::len)
    };
    let timestamps = |b: &Value| {
        b["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"]
            .as_array()
            .map_or(0, Vec::len)
    };
    assert_eq!((entries(&pg), timestamps(&pg)), (1, 0), "{pg}");
    assert_eq!((entries(&gh), timestamps(&gh)), (0, 1), "{gh}");

    // Stopped: nothing answers, the stack's dir is gone.
    assert_stopped(&env);
}

// ---- GitHub Actions jobs against the stack (issue 19, "Done when") ---------

/// The script without a COMMAND, as a user leaves it running in another
/// terminal: its env file read back. It runs under testbed.rs' watchdog,
/// so it stops when this is dropped or the test process ends.
struct Running {
    env: BTreeMap<String, String>,
    server: testbed::Server,
    _dir: tempfile::TempDir,
    _one: MutexGuard<'static, ()>,
}

impl Running {
    fn start() -> Running {
        let one = one_stack();
        let dir = tempfile::Builder::new()
            .prefix("cargo-attest-stack-job-")
            .tempdir()
            .unwrap();
        let env_file = dir.path().join("stack.env");
        // The watchdog removes its log dir when the stack stops.
        let log_dir = tempfile::Builder::new()
            .prefix("cargo-attest-tb-stack-script-")
            .tempdir()
            .unwrap()
            .keep();
        let mut cmd = Command::new(repo_root().join("scripts/sigstore-stack.sh"));
        cmd.arg("--env-file").arg(&env_file);
        let server = testbed::Server::start("sigstore-stack.sh", &log_dir, cmd)
            .unwrap_or_else(|e| panic!("{e}"));
        let deadline = Instant::now() + SCRIPT_TIMEOUT;
        while !env_file.exists() {
            assert!(
                server.alive() && Instant::now() < deadline,
                "the stack did not write its env file\n{}",
                server.log_tail(80)
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let env = std::fs::read_to_string(&env_file)
            .unwrap()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| {
                let v = v.strip_prefix('\'').and_then(|v| v.strip_suffix('\''));
                (
                    k.to_string(),
                    v.expect("a quoted value").replace(r"'\''", "'"),
                )
            })
            .collect();
        Running {
            env,
            server,
            _dir: dir,
            _one: one,
        }
    }

    fn var(&self, name: &str) -> &str {
        self.env
            .get(name)
            .unwrap_or_else(|| panic!("{name} not in the env file: {:?}", self.env))
    }

    fn path(&self, name: &str) -> PathBuf {
        PathBuf::from(self.var(name))
    }

    fn requests(&self, name: &str) -> usize {
        std::fs::read_to_string(self.path(name))
            .unwrap()
            .lines()
            .count()
    }

    /// Only the TUF settings: what a verifier (or a signer) is given.
    fn tuf_env(&self, cache: &Path) -> BTreeMap<String, String> {
        let mut env: BTreeMap<String, String> = [
            "CARGO_ATTEST_PUBLIC_GOOD_TUF_URL",
            "CARGO_ATTEST_PUBLIC_GOOD_TUF_ROOT",
            "CARGO_ATTEST_GITHUB_TUF_URL",
            "CARGO_ATTEST_GITHUB_TUF_ROOT",
        ]
        .iter()
        .map(|k| (k.to_string(), self.var(k).to_string()))
        .collect();
        env.insert("CARGO_ATTEST_CACHE_DIR".into(), cache.display().to_string());
        env
    }

    /// A GitHub Actions job of acme/widget's release workflow whose token
    /// endpoint says the repository is `visibility` (public: the script's
    /// ACTIONS_ID_TOKEN_REQUEST_URL; private: its
    /// PRIVATE_ACTIONS_ID_TOKEN_REQUEST_URL), with no signing settings but
    /// the TUF ones: tests/README.md "Emulating a job".
    fn job_env(&self, visibility: &str, cache: &Path) -> BTreeMap<String, String> {
        let url = match visibility {
            "public" => self.var("ACTIONS_ID_TOKEN_REQUEST_URL"),
            _ => self.var("PRIVATE_ACTIONS_ID_TOKEN_REQUEST_URL"),
        };
        let mut env = self.tuf_env(cache);
        for (k, v) in [
            ("CI", "true"),
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_REPOSITORY", "acme/widget"),
            (
                "GITHUB_WORKFLOW_REF",
                "acme/widget/.github/workflows/release.yml@refs/heads/main",
            ),
            ("GITHUB_RUN_ID", "4242424242"),
            ("GITHUB_RUN_ATTEMPT", "1"),
            ("RUNNER_ENVIRONMENT", "github-hosted"),
            ("ACTIONS_ID_TOKEN_REQUEST_URL", url),
            (
                "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
                self.var("ACTIONS_ID_TOKEN_REQUEST_TOKEN"),
            ),
        ] {
            env.insert(k.into(), v.into());
        }
        env
    }

    fn log_tail(&self) -> String {
        self.server.log_tail(80)
    }
}

/// A job's working directory: the file it attests and what it writes.
struct Job {
    dir: tempfile::TempDir,
}

impl Job {
    fn new(content: &str) -> Job {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("app.bin"), content).unwrap();
        std::fs::write(dir.path().join("tampered.bin"), format!("{content}!")).unwrap();
        Job { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn s(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }

    /// `cargo attest --push REF` in the job: no key, no --keyless, no
    /// --sigstore; the bundle also written to app.sigstore.json.
    fn attest_and_push(&self, stack: &Running, visibility: &str, reference: &str) -> Value {
        let out = attest(&[
            "--subject-path",
            "app.bin",
            "-o",
            "app.sigstore.json",
            "--push",
            reference,
            "--format",
            "json",
        ])
        .envs(&stack.job_env(visibility, &self.path("job-cache")))
        .cwd(self.dir.path())
        .run();
        assert_eq!(
            out.code,
            0,
            "cargo attest --push in a {visibility} job failed\nstdout:\n{}\nstderr:\n{}\n{}",
            out.stdout,
            out.stderr,
            stack.log_tail()
        );
        serde_json::from_slice(&std::fs::read(self.path("app.sigstore.json")).unwrap()).unwrap()
    }

    /// Our verify, as a consumer runs it: only the TUF settings (a cache
    /// of its own), the owner and the stack's OIDC issuer.
    fn ours(&self, stack: &Running, args: &[&str]) -> Output {
        attest(&[&["verify"][..], args].concat())
            .envs(&stack.tuf_env(&self.path("verify-cache")))
            .cwd(self.dir.path())
            .run()
    }

    fn peer(&self, program: &Path, args: &[&str]) -> Output {
        let home = self.path("home");
        std::fs::create_dir_all(&home).unwrap();
        let out = Command::new(program)
            .args(args)
            .current_dir(self.dir.path())
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .env("TUF_ROOT", home.join(".sigstore/root"))
            .env("GH_CONFIG_DIR", home.join(".config/gh"))
            // gh wants a token for oci:// even offline; any value does.
            .env("GH_TOKEN", "unused")
            .env("GH_PROMPT_DISABLED", "1")
            .env_remove("GITHUB_ACTIONS")
            .env_remove("ACTIONS_ID_TOKEN_REQUEST_URL")
            .env_remove("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// gh 2.83.0 `attestation verify` with the instance's root as a custom
    /// trusted root and the stack's OIDC issuer.
    fn gh(&self, stack: &Running, root: &str, target: &str, extra: &[&str]) -> Output {
        let args = [
            &["attestation", "verify", target][..],
            extra,
            &[
                "--custom-trusted-root",
                stack.var(root),
                "--cert-oidc-issuer",
                stack.var("OIDC_ISSUER_URL"),
            ],
        ]
        .concat();
        self.peer(&testbed::peer_cache().join("bin/gh"), &args)
    }

    /// cosign v3 `verify-blob-attestation` of app.sigstore.json: the
    /// instance's trusted root, an identity and issuer, no --insecure-*.
    fn cosign(&self, stack: &Running, root: &str, file: &str, identity: &str) -> Output {
        self.peer(
            &testbed::peer_cache().join("bin/cosign"),
            &[
                "verify-blob-attestation",
                "--bundle",
                &self.s("app.sigstore.json"),
                "--new-bundle-format",
                "--trusted-root",
                stack.var(root),
                "--certificate-identity",
                identity,
                "--certificate-oidc-issuer",
                stack.var("OIDC_ISSUER_URL"),
                "--type",
                "slsaprovenance1",
                &self.s(file),
            ],
        )
    }
}

fn accepted(who: &str, out: &Output) {
    assert_eq!(
        out.code, 0,
        "{who} refused it\nstdout:\n{}\nstderr:\n{}",
        out.stdout, out.stderr
    );
}

fn refused(who: &str, out: &Output) {
    assert_ne!(
        out.code, 0,
        "{who} accepted it\nstdout:\n{}\nstderr:\n{}",
        out.stdout, out.stderr
    );
    assert!(!out.stderr.contains("panicked"), "{who}: {}", out.stderr);
}

/// The identity of the same workflow in another owner's repository.
fn other_owner(identity: &str) -> String {
    identity.replace("/acme/", "/evil/")
}

/// A public repository's job signs on public good's shape with no signing
/// flags: one Rekor v1 `dsse` entry, no TSA; our verify (TUF defaults),
/// cosign (no insecure flags) and gh accept it, and refuse a tampered file
/// and a wrong owner.
#[test]
fn a_public_repository_job_signs_on_public_good_with_rekor_v1_and_every_verifier_agrees() {
    let stack = Running::start();
    let registry = testbed::docker_open();
    let reference = registry.reference("stack/public:v1");
    let job = Job::new("built by a public repository's job");
    let bundle = job.attest_and_push(&stack, "public", &reference);

    assert_eq!(stack.requests("PUBLIC_GOOD_FULCIO_REQUESTS"), 1);
    assert_eq!(stack.requests("GITHUB_FULCIO_REQUESTS"), 0);
    let entries = bundle["verificationMaterial"]["tlogEntries"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(entries.len(), 1, "{bundle:#}");
    assert_eq!(
        entries[0]["kindVersion"],
        serde_json::json!({"kind": "dsse", "version": "0.0.1"}),
        "{bundle:#}"
    );
    let root: Value =
        serde_json::from_slice(&std::fs::read(stack.path("PUBLIC_GOOD_TRUSTED_ROOT")).unwrap())
            .unwrap();
    assert_eq!(
        entries[0]["logId"]["keyId"], root["tlogs"][0]["logId"]["keyId"],
        "not Rekor v1's entry: {bundle:#}"
    );
    assert!(
        bundle["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"]
            .as_array()
            .is_none_or(Vec::is_empty),
        "a TSA timestamp: {bundle:#}"
    );

    let oidc = stack.var("OIDC_ISSUER_URL").to_string();
    let identity = stack.var("CERT_IDENTITY").to_string();
    let ours = |file: &str, owner: &str| {
        job.ours(
            &stack,
            &[
                file,
                "--from",
                &reference,
                "--owner",
                owner,
                "--certificate-oidc-issuer",
                &oidc,
            ],
        )
    };
    accepted("our verify", &ours("app.bin", "acme"));
    refused("our verify (tampered file)", &ours("tampered.bin", "acme"));
    refused("our verify (wrong owner)", &ours("app.bin", "evil"));

    let root = "PUBLIC_GOOD_TRUSTED_ROOT";
    accepted("cosign", &job.cosign(&stack, root, "app.bin", &identity));
    refused(
        "cosign (tampered file)",
        &job.cosign(&stack, root, "tampered.bin", &identity),
    );
    refused(
        "cosign (wrong owner)",
        &job.cosign(&stack, root, "app.bin", &other_owner(&identity)),
    );

    let bundle_file = job.s("app.sigstore.json");
    let gh_file = |file: &str, owner: &str| {
        job.gh(
            &stack,
            root,
            &job.s(file),
            &["--bundle", &bundle_file, "--owner", owner],
        )
    };
    accepted("gh", &gh_file("app.bin", "acme"));
    accepted(
        "gh (oci://)",
        &job.gh(
            &stack,
            root,
            &format!("oci://{reference}"),
            &["--bundle-from-oci", "--owner", "acme"],
        ),
    );
    refused("gh (tampered file)", &gh_file("tampered.bin", "acme"));
    refused("gh (wrong owner)", &gh_file("app.bin", "evil"));
}

/// The same job in a private repository signs on GitHub's shape: its Fulcio
/// saw the request and public good's none; a TSA timestamp, no log entry;
/// our verify and gh accept it with that instance's root.
#[test]
fn a_private_repository_job_signs_on_githubs_instance_with_a_timestamp_and_no_log() {
    let stack = Running::start();
    let registry = testbed::docker_open();
    let reference = registry.reference("stack/private:v1");
    let job = Job::new("built by a private repository's job");
    let bundle = job.attest_and_push(&stack, "private", &reference);

    assert_eq!(stack.requests("GITHUB_FULCIO_REQUESTS"), 1);
    assert_eq!(stack.requests("PUBLIC_GOOD_FULCIO_REQUESTS"), 0);
    assert!(
        bundle["verificationMaterial"]["tlogEntries"]
            .as_array()
            .is_none_or(Vec::is_empty),
        "a log entry: {bundle:#}"
    );
    assert_eq!(
        bundle["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"]
            .as_array()
            .map_or(0, Vec::len),
        1,
        "{bundle:#}"
    );

    let oidc = stack.var("OIDC_ISSUER_URL").to_string();
    let root_file = stack.var("GITHUB_TRUSTED_ROOT").to_string();
    let ours = |file: &str, owner: &str, root: Option<&str>| {
        let mut args = vec![
            file,
            "--from",
            &reference,
            "--owner",
            owner,
            "--certificate-oidc-issuer",
            &oidc,
        ];
        if let Some(r) = root {
            args.extend(["--trusted-root", r]);
        }
        job.ours(&stack, &args)
    };
    // At its defaults (the instance told by the certificate, its root
    // through TUF) and with the instance's root named.
    accepted("our verify", &ours("app.bin", "acme", None));
    accepted(
        "our verify --trusted-root",
        &ours("app.bin", "acme", Some(&root_file)),
    );
    refused(
        "our verify (tampered file)",
        &ours("tampered.bin", "acme", None),
    );
    refused("our verify (wrong owner)", &ours("app.bin", "evil", None));

    let root = "GITHUB_TRUSTED_ROOT";
    let bundle_file = job.s("app.sigstore.json");
    let gh_file = |file: &str, owner: &str| {
        job.gh(
            &stack,
            root,
            &job.s(file),
            &["--bundle", &bundle_file, "--owner", owner],
        )
    };
    accepted("gh", &gh_file("app.bin", "acme"));
    accepted(
        "gh (oci://)",
        &job.gh(
            &stack,
            root,
            &format!("oci://{reference}"),
            &["--bundle-from-oci", "--owner", "acme"],
        ),
    );
    refused("gh (tampered file)", &gh_file("tampered.bin", "acme"));
    refused("gh (wrong owner)", &gh_file("app.bin", "evil"));
}

/// Waits until none of the stack's URLs answers and its dir is gone.
fn assert_stopped(env: &BTreeMap<String, String>) {
    let deadline = Instant::now() + Duration::from_secs(20);
    for name in [
        "OIDC_ISSUER_URL",
        "PUBLIC_GOOD_FULCIO_URL",
        "GITHUB_FULCIO_URL",
        "CARGO_ATTEST_PUBLIC_GOOD_TUF_URL",
        "CARGO_ATTEST_GITHUB_TUF_URL",
        "PUBLIC_GOOD_REKOR_URL",
    ] {
        let addr = port_of(&env[name]);
        while TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok() {
            assert!(
                Instant::now() < deadline,
                "{name} ({addr}) still answers after the stack ended"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    let dir = PathBuf::from(&env["SIGSTORE_STACK_DIR"]);
    while dir.exists() {
        assert!(
            Instant::now() < deadline,
            "{} not removed after the stack ended",
            dir.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A failing COMMAND: the script exits with its status, and stops the
/// stack all the same.
#[test]
fn the_stack_script_exits_with_a_failing_commands_status_and_stops_the_stack() {
    let (o, out) = run_stack(r#"env > "$OUT/env"; exit 3"#, &[]);
    assert_eq!(o.code, 3, "stdout:\n{}\nstderr:\n{}", o.stdout, o.stderr);
    assert_stopped(&read_env(&out.path().join("env")));
}

/// Without a COMMAND: the env file's path on stdout, then it waits; an
/// interrupt (SIGINT, as Ctrl-C sends) stops it and everything it started.
#[test]
fn the_stack_script_without_a_command_waits_and_stops_on_an_interrupt() {
    use std::io::{BufRead, BufReader};
    let _one = one_stack();
    let mut child = Command::new(repo_root().join("scripts/sigstore-stack.sh"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run scripts/sigstore-stack.sh");
    // Whatever happens below, the stack does not outlive the test (and
    // once it has been reaped, its pid is not signalled again).
    struct Kill(Option<u32>);
    impl Drop for Kill {
        fn drop(&mut self) {
            if let Some(pid) = self.0 {
                let _ = Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .stderr(Stdio::null())
                    .status();
            }
        }
    }
    let mut kill = Kill(Some(child.id()));
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let path = rx
        .recv_timeout(SCRIPT_TIMEOUT)
        .expect("the env file's path on stdout");
    let env_file = PathBuf::from(path.trim());
    let env: BTreeMap<String, String> = std::fs::read_to_string(&env_file)
        .unwrap_or_else(|e| panic!("{}: {e}", env_file.display()))
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.trim_matches('\'').to_string()))
        .collect();
    for name in CONTRACT {
        assert!(env.contains_key(*name), "{name} not in {env:?}");
    }
    // Still up: it waits.
    std::thread::sleep(Duration::from_secs(1));
    assert!(child.try_wait().unwrap().is_none(), "it did not wait");
    assert!(TcpStream::connect(port_of(&env["OIDC_ISSUER_URL"])).is_ok());

    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            kill.0 = None;
            break s;
        }
        assert!(Instant::now() < deadline, "SIGINT did not stop it");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(130), "{status:?}");
    assert_stopped(&env);
}
