//! Trust material through TUF, against local TUF repositories made by
//! python-tuf (`tests/peers/python/tuf_repo.py`) and served on loopback,
//! named by the contract's variables (CARGO_ATTEST_*_TUF_URL/_ROOT): a
//! rotation is picked up, expired and rolled-back metadata are refused
//! (exit 11, never replaced by the cache), offline runs use the cache or
//! the built-in copy with a warning, `trusted-root` prints the fresh root as
//! gh does, `verify` without --trusted-root picks the root of the
//! certificate's instance, and keyless signing picks the instance (and so
//! its signing config) by the repository's visibility.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::sigstore_stack::{SigstoreStack, TokenSpec, sigstore_stack};
use crate::support::{Output, attest, missing_peer, repo_root};

const VERIFY: i32 = 5;
const SERVICE: i32 = 8;
const TRUST: i32 = 11;
const IDENTITY: &str =
    "https://github.com/acme/widget/.github/workflows/release.yml@refs/heads/main";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn python() -> PathBuf {
    let python = repo_root().join("tests/peers/python/.venv/bin/python");
    let ok = Command::new(&python)
        .args(["-c", "import tuf"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        missing_peer("python-tuf in the Python peer venv (tests/peers/python/.venv)")
    }
    python
}

/// A trusted root of no authority, told apart by a log's URL.
fn root_named(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(format!("{name}.json"));
    let doc = json!({
        "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
        "tlogs": [],
        "certificateAuthorities": [],
        "ctlogs": [],
        "timestampAuthorities": [],
        "note": name,
    });
    std::fs::write(&path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    path
}

/// A TUF repository of one instance, served on 127.0.0.1 while it lives.
struct Repo {
    dir: tempfile::TempDir,
    server: Option<Child>,
    url: String,
}

impl Repo {
    fn new(trusted_root: &Path, signing_config: Option<&Path>) -> Self {
        let mut repo = Repo {
            dir: tempfile::tempdir().unwrap(),
            server: None,
            url: String::new(),
        };
        let mut args = vec!["--trusted-root", s(trusted_root)];
        if let Some(config) = signing_config {
            args.extend(["--signing-config", s(config)]);
        }
        repo.run("init", &args);
        repo.serve();
        repo
    }

    fn tool(&self, args: &[&str]) {
        let out = Command::new(python())
            .arg(repo_root().join("tests/peers/python/tuf_repo.py"))
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "tuf_repo.py {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// `tuf_repo.py COMMAND DIR ARGS`.
    fn run(&self, command: &str, args: &[&str]) {
        let mut all = vec![command, s(self.dir.path())];
        all.extend_from_slice(args);
        self.tool(&all);
    }

    fn serve(&mut self) {
        let port_file = self.dir.path().join("url");
        let _ = std::fs::remove_file(&port_file);
        let child = Command::new(python())
            .arg(repo_root().join("tests/peers/python/tuf_repo.py"))
            .args(["serve", s(self.dir.path()), "--port-file", s(&port_file)])
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        self.server = Some(child);
        let start = Instant::now();
        while !port_file.exists() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "tuf_repo.py serve did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        self.url = std::fs::read_to_string(&port_file)
            .unwrap()
            .trim()
            .to_string();
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.server.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn initial_root(&self) -> PathBuf {
        self.dir.path().join("repo/1.root.json")
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The variables that point an instance at `repo`.
fn mirror_env(env: &mut BTreeMap<String, String>, instance: &str, repo: &Repo) {
    env.insert(format!("CARGO_ATTEST_{instance}_TUF_URL"), repo.url.clone());
    env.insert(
        format!("CARGO_ATTEST_{instance}_TUF_ROOT"),
        s(&repo.initial_root()).to_string(),
    );
}

fn cache_env(cache: &Path) -> BTreeMap<String, String> {
    BTreeMap::from([("CARGO_ATTEST_CACHE_DIR".to_string(), s(cache).to_string())])
}

fn trusted_root(env: &BTreeMap<String, String>, args: &[&str]) -> Output {
    let mut all = vec!["trusted-root"];
    all.extend_from_slice(args);
    attest(&all).envs(env).run()
}

fn compact(path: &Path) -> String {
    serde_json::from_slice::<Value>(&std::fs::read(path).unwrap())
        .unwrap()
        .to_string()
}

#[test]
fn trusted_root_prints_the_fresh_root_as_gh_does_and_follows_a_rotation() {
    let files = tempfile::tempdir().unwrap();
    let (first, second) = (
        root_named(files.path(), "first"),
        root_named(files.path(), "second"),
    );
    let public = root_named(files.path(), "public");
    let github = Repo::new(&first, None);
    let public_repo = Repo::new(&public, None);
    let mut env = cache_env(&files.path().join("cache"));
    mirror_env(&mut env, "GITHUB", &github);
    mirror_env(&mut env, "PUBLIC_GOOD", &public_repo);

    let out = trusted_root(&env, &["--sigstore", "github"]);
    out.success();
    assert_eq!(out.stdout, format!("{}\n", compact(&first)));
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    // Both instances, public good first, one JSON document per line.
    let out = trusted_root(&env, &[]);
    out.success();
    assert_eq!(
        out.stdout,
        format!("{}\n{}\n", compact(&public), compact(&first))
    );
    let v = trusted_root(&env, &["--format", "json"]).success().json();
    assert_eq!(v["trustedRoots"][1]["sigstore"], "github", "{v}");
    assert_eq!(v["trustedRoots"][1]["source"], "fresh", "{v}");
    assert_eq!(v["trustedRoots"][1]["trustedRoot"]["note"], "first", "{v}");

    // A rotation: a new trusted root published, and a new root key.
    github.run("publish", &["--trusted-root", s(&second)]);
    github.run("rotate-root", &[]);
    let out = trusted_root(&env, &["--sigstore", "github"]);
    out.success();
    assert_eq!(out.stdout, format!("{}\n", compact(&second)));
    // The flags name the mirror as the variables do.
    let flags = trusted_root(
        &cache_env(&files.path().join("cache2")),
        &[
            "--sigstore",
            "github",
            "--github-tuf-url",
            &github.url,
            "--github-tuf-root",
            s(&github.initial_root()),
        ],
    );
    flags.success();
    assert_eq!(flags.stdout, format!("{}\n", compact(&second)));
}

#[test]
fn expired_and_rolled_back_metadata_are_refused_and_never_replaced_by_the_cache() {
    let files = tempfile::tempdir().unwrap();
    let root = root_named(files.path(), "root");
    let repo = Repo::new(&root, None);
    let mut env = cache_env(&files.path().join("cache"));
    mirror_env(&mut env, "GITHUB", &repo);
    let args = ["--sigstore", "github"];
    trusted_root(&env, &args).success();
    repo.run("publish", &[]);
    trusted_root(&env, &args).success();

    // The timestamp this machine saw was version 2; the mirror now serves 1.
    repo.run("rollback", &[]);
    let out = trusted_root(&env, &args);
    out.fails_with(TRUST, "rollback");
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(!out.stderr.contains("using the cached"), "{}", out.stderr);

    repo.run("publish", &[]);
    trusted_root(&env, &args).success();
    repo.run("expire", &[]);
    trusted_root(&env, &args).fails_with(TRUST, "expired");
    repo.run("publish", &[]);
    trusted_root(&env, &args).success();
    repo.run("expire", &["--role", "targets"]);
    trusted_root(&env, &args).fails_with(TRUST, "expired");

    // A snapshot older than the one seen, under a new timestamp.
    repo.run("publish", &[]);
    trusted_root(&env, &args).success();
    repo.run("rollback", &["--role", "snapshot"]);
    trusted_root(&env, &args).fails_with(TRUST, "rollback");
}

#[test]
fn offline_and_unreachable_mirrors_fall_back_with_a_warning() {
    let files = tempfile::tempdir().unwrap();
    let root = root_named(files.path(), "root");
    let mut repo = Repo::new(&root, None);
    let mut env = cache_env(&files.path().join("cache"));
    mirror_env(&mut env, "GITHUB", &repo);
    let args = ["--sigstore", "github"];

    // Nothing cached yet, and offline: no copy at all for a private mirror.
    let mut offline = args.to_vec();
    offline.push("--offline");
    trusted_root(&env, &offline).fails_with(SERVICE, "nothing is cached");

    trusted_root(&env, &args).success();
    let out = trusted_root(&env, &offline);
    out.success();
    assert_eq!(out.stdout, format!("{}\n", compact(&root)));
    assert!(
        out.stderr
            .contains("--offline: using the cached trusted root")
            && out.stderr.contains("refreshed"),
        "{}",
        out.stderr
    );
    let mut by_env = env.clone();
    by_env.insert("CARGO_ATTEST_OFFLINE".into(), "1".into());
    let out = trusted_root(&by_env, &args);
    out.success();
    assert!(out.stderr.contains("--offline"), "{}", out.stderr);

    // The mirror is gone: a network failure, so the cache, with a warning.
    repo.stop();
    let out = trusted_root(&env, &args);
    out.success();
    assert_eq!(out.stdout, format!("{}\n", compact(&root)));
    assert!(
        out.stderr.contains("cannot reach the TUF mirror")
            && out.stderr.contains("using the cached trusted root"),
        "{}",
        out.stderr
    );
    let v = trusted_root(&env, &["--sigstore", "github", "--format", "json"])
        .success()
        .json();
    assert_eq!(v["trustedRoots"][0]["source"], "cached", "{v}");

    // The published mirrors, offline with nothing cached: the built-in copy.
    let fresh = cache_env(&files.path().join("empty"));
    let out = trusted_root(&fresh, &["--sigstore", "public-good", "--offline"]);
    out.success();
    assert!(
        out.stderr.contains("built into cargo-attest"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains("rekor.sigstore.dev"), "{}", out.stdout);
    // Plain http to a mirror off loopback is refused.
    let mut remote = fresh.clone();
    remote.insert(
        "CARGO_ATTEST_GITHUB_TUF_URL".into(),
        "http://tuf.example".into(),
    );
    trusted_root(&remote, &args).fails_with(2, "loopback");
}

/// A keyless bundle made with the local stack's Fulcio and TSA.
fn keyless_bundle(stack: &SigstoreStack, dir: &Path) -> PathBuf {
    std::fs::write(dir.join("app.bin"), "app\n").unwrap();
    let mut env = stack.actions_env(&TokenSpec::github());
    env.insert("CI".into(), "true".into());
    env.insert("GITHUB_ACTIONS".into(), "true".into());
    attest(&[
        "--subject-path",
        "app.bin",
        "-o",
        "app.sigstore.json",
        "--fulcio-url",
        &stack.fulcio_url,
        "--timestamp-server-url",
        &stack.tsa_timestamp_url(),
    ])
    .envs(&env)
    .env("CARGO_ATTEST_CACHE_DIR", dir.join("sign-cache"))
    .cwd(dir)
    .run()
    .success();
    dir.join("app.sigstore.json")
}

#[test]
fn verify_without_a_trusted_root_uses_the_certificates_instance_fresh_through_tuf() {
    let stack = sigstore_stack();
    let files = tempfile::tempdir().unwrap();
    let bundle = keyless_bundle(stack, files.path());
    let empty = root_named(files.path(), "empty");
    let verify = |env: &BTreeMap<String, String>| {
        attest(&[
            "verify",
            "app.bin",
            "--bundle",
            s(&bundle),
            "--certificate-identity",
            IDENTITY,
            "--certificate-oidc-issuer",
            &stack.oidc_url,
        ])
        .envs(env)
        .cwd(files.path())
        .run()
    };
    // The stack's Fulcio CA published as GitHub's instance's root (it has
    // no log: the shape of GitHub's instance), public good's knows nothing.
    let github = Repo::new(&stack.trusted_root_without_rekor, None);
    let public = Repo::new(&empty, None);
    let mut env = cache_env(&files.path().join("cache"));
    mirror_env(&mut env, "GITHUB", &github);
    mirror_env(&mut env, "PUBLIC_GOOD", &public);
    verify(&env).success();
    // What `trusted-root` prints for an instance is a trusted root file
    // (one JSON line, as gh writes and reads it) that --trusted-root takes.
    let printed = trusted_root(&env, &["--sigstore", "github"]);
    printed.success();
    let line = files.path().join("github.jsonl");
    std::fs::write(&line, &printed.stdout).unwrap();
    assert_eq!(printed.stdout.lines().count(), 1);
    attest(&[
        "verify",
        "app.bin",
        "--bundle",
        s(&bundle),
        "--trusted-root",
        s(&line),
        "--certificate-identity",
        IDENTITY,
        "--certificate-oidc-issuer",
        &stack.oidc_url,
    ])
    .cwd(files.path())
    .run()
    .success();

    // The other way round: public good's root holds the CA.
    let public2 = Repo::new(&stack.trusted_root_without_rekor, None);
    let github2 = Repo::new(&empty, None);
    let mut env2 = cache_env(&files.path().join("cache2"));
    mirror_env(&mut env2, "GITHUB", &github2);
    mirror_env(&mut env2, "PUBLIC_GOOD", &public2);
    verify(&env2).success();

    // Neither instance trusts the CA: refused, naming the root tried.
    let none_github = Repo::new(&empty, None);
    let none_public = Repo::new(&empty, None);
    let mut env3 = cache_env(&files.path().join("cache3"));
    mirror_env(&mut env3, "GITHUB", &none_github);
    mirror_env(&mut env3, "PUBLIC_GOOD", &none_public);
    verify(&env3).fails_with(VERIFY, "through TUF");

    // A rotation that drops the CA from GitHub's root is followed.
    github.run("publish", &["--trusted-root", s(&empty)]);
    verify(&env).fails_with(VERIFY, "through TUF");
    // Expired metadata is refused, not verified with the cache.
    github.run(
        "publish",
        &["--trusted-root", s(&stack.trusted_root_without_rekor)],
    );
    verify(&env).success();
    github.run("expire", &[]);
    verify(&env).fails_with(TRUST, "expired");
}

/// A signing config naming `fulcio` and `tsa` (no log).
fn signing_config(dir: &Path, name: &str, fulcio: &str, tsa: &str) -> PathBuf {
    let path = dir.join(format!("{name}.json"));
    let service = |url: &str| {
        json!([{"url": url, "majorApiVersion": 1,
        "validFor": {"start": "2020-01-01T00:00:00Z"}}])
    };
    let doc = json!({
        "mediaType": "application/vnd.dev.sigstore.signingconfig.v0.2+json",
        "caUrls": service(fulcio),
        "oidcUrls": [],
        "rekorTlogUrls": [],
        "tsaUrls": service(tsa),
        "rekorTlogConfig": {"selector": "ANY"},
        "tsaConfig": {"selector": "ANY"},
    });
    std::fs::write(&path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    path
}

#[test]
fn keyless_signing_in_github_actions_goes_to_the_instance_the_visibility_picks() {
    let stack = sigstore_stack();
    let files = tempfile::tempdir().unwrap();
    std::fs::write(files.path().join("app.bin"), "app\n").unwrap();
    // GitHub's instance: the stack's Fulcio and TSA; public good's: a
    // Fulcio nobody listens on, so a signature sent there fails (exit 8).
    let good = signing_config(
        files.path(),
        "good",
        &stack.fulcio_url,
        &stack.tsa_timestamp_url(),
    );
    let dead = signing_config(
        files.path(),
        "dead",
        "http://127.0.0.1:9",
        &stack.tsa_timestamp_url(),
    );
    let github = Repo::new(&stack.trusted_root_without_rekor, Some(&good));
    let public = Repo::new(&stack.trusted_root_without_rekor, Some(&dead));
    let sign_as = |spec: TokenSpec, visibility: Option<&str>, extra: &[&str]| {
        let mut env = stack.actions_env(&spec);
        env.insert("CI".into(), "true".into());
        env.insert("GITHUB_ACTIONS".into(), "true".into());
        mirror_env(&mut env, "GITHUB", &github);
        mirror_env(&mut env, "PUBLIC_GOOD", &public);
        env.extend(cache_env(&files.path().join("cache")));
        if let Some(v) = visibility {
            let event = files.path().join(format!("event-{v}.json"));
            std::fs::write(&event, json!({"repository": {"visibility": v}}).to_string()).unwrap();
            env.insert("GITHUB_EVENT_PATH".into(), s(&event).to_string());
        }
        let mut args = vec!["--subject-path", "app.bin", "-o", "app.sigstore.json", "-v"];
        args.extend_from_slice(extra);
        attest(&args).envs(&env).cwd(files.path()).run()
    };
    let sign =
        |visibility: Option<&str>, extra: &[&str]| sign_as(TokenSpec::github(), visibility, extra);
    // No event payload: the token's claim tells. (A token without the
    // claim, a visibility nobody tells, is in the unit tests: the local
    // Fulcio refuses GitHub tokens without it.)
    let private_token = TokenSpec::github().claim("repository_visibility", json!("private"));
    for out in [
        sign(Some("private"), &[]),
        sign(Some("internal"), &[]),
        sign_as(private_token, None, &[]),
    ] {
        out.success();
        assert!(
            out.stderr.contains("Signing on GitHub's Sigstore instance"),
            "{}",
            out.stderr
        );
    }
    // Public: public good, whose (dead) Fulcio is asked.
    sign(Some("public"), &[]).fails_with(SERVICE, "127.0.0.1:9");
    // Flags win: --sigstore, and explicit services.
    sign(Some("public"), &["--sigstore", "github"]).success();
    sign(Some("private"), &["--sigstore", "public-good"]).fails_with(SERVICE, "127.0.0.1:9");
    sign(
        Some("public"),
        &[
            "--fulcio-url",
            &stack.fulcio_url,
            "--timestamp-server-url",
            &stack.tsa_timestamp_url(),
        ],
    )
    .success();
    // The bundle GitHub's instance made verifies with no --trusted-root.
    sign(Some("private"), &[]).success();
    attest(&[
        "verify",
        "app.bin",
        "--bundle",
        "app.sigstore.json",
        "--certificate-identity",
        IDENTITY,
        "--certificate-oidc-issuer",
        &stack.oidc_url,
    ])
    .envs(&{
        let mut env = cache_env(&files.path().join("cache"));
        mirror_env(&mut env, "GITHUB", &github);
        mirror_env(&mut env, "PUBLIC_GOOD", &public);
        env
    })
    .cwd(files.path())
    .run()
    .success();
}
