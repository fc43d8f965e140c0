//! Keyless signing against the local Sigstore stack (sigstore_stack.rs):
//! in simulated GitHub Actions and GitLab CI jobs, `cargo attest` gets a
//! Fulcio certificate and a TSA timestamp; `verify` checks the chain, the
//! signed time and the signer's identity, and refuses everything else;
//! cosign and @sigstore/verify accept our bundles and we accept cosign's;
//! tokens that cannot work never reach Fulcio and never show in output.

use std::collections::BTreeMap;
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::sigstore_stack::{
    self, SigstoreStack, TokenSpec, cosign_keyless_bundle, pem_blocks, sigstore_stack,
};
use crate::support::{Output, attest, bundle_payload, node_peer, tamper};
use crate::testbed::{self, http};

const USAGE: i32 = 2;
const VERIFY: i32 = 5;
const KEY: i32 = 6;

const GITHUB_IDENTITY: &str =
    "https://github.com/acme/widget/.github/workflows/release.yml@refs/heads/main";
/// The same workflow path in another repository: an identity that must not pass.
const OTHER_IDENTITY: &str =
    "https://github.com/evil/widget/.github/workflows/release.yml@refs/heads/main";
const GITLAB_IDENTITY: &str = "https://gitlab.com/acme/widget//.gitlab-ci.yml@refs/heads/main";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// The environment of a GitHub Actions job whose ID token endpoint mints
/// `spec`'s identity (the GITHUB_* variables agree with the token).
fn github_env(stack: &SigstoreStack, spec: &TokenSpec) -> BTreeMap<String, String> {
    let repo = spec.repository.clone().unwrap_or("acme/widget".into());
    let mut env = stack.actions_env(spec);
    for (k, v) in [
        ("CI", "true".to_string()),
        ("GITHUB_ACTIONS", "true".into()),
        ("GITHUB_SERVER_URL", "https://github.com".into()),
        ("GITHUB_REPOSITORY", repo.clone()),
        (
            "GITHUB_WORKFLOW_REF",
            format!("{repo}/.github/workflows/release.yml@refs/heads/main"),
        ),
        ("GITHUB_RUN_ID", "4242424242".into()),
        ("GITHUB_RUN_ATTEMPT", "1".into()),
        ("RUNNER_ENVIRONMENT", "github-hosted".into()),
    ] {
        env.insert(k.into(), v);
    }
    env
}

/// The environment of a GitLab CI job with `id_tokens: SIGSTORE_ID_TOKEN`.
fn gitlab_env(jwt: &str) -> BTreeMap<String, String> {
    gitlab_project_env(jwt, "acme/widget")
}

/// The same, in the project `project` (GROUP[/SUBGROUP...]/PROJECT).
fn gitlab_project_env(jwt: &str, project: &str) -> BTreeMap<String, String> {
    let job_url = format!("https://gitlab.com/{project}/-/jobs/1234567890");
    [
        ("CI", "true"),
        ("GITLAB_CI", "true"),
        ("CI_SERVER_URL", "https://gitlab.com"),
        ("CI_PROJECT_PATH", project),
        ("CI_JOB_URL", &job_url),
        ("SIGSTORE_ID_TOKEN", jwt),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// A directory with a subject file, for one signing run.
struct Job {
    dir: tempfile::TempDir,
}

impl Job {
    fn new(content: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("app.bin"), content).unwrap();
        Job { dir }
    }

    /// Makes the directory a git checkout of `remote`, as CI jobs have.
    fn checkout(self, remote: &str) -> Self {
        let git = |args: &[&str]| {
            let out = crate::support::run("git", args, Some(self.dir.path()));
            assert_eq!(out.code, 0, "git {args:?}: {}", out.stderr);
        };
        git(&["init", "-q", "-b", "main"]);
        git(&["remote", "add", "origin", remote]);
        let id = ["-c", "user.name=t", "-c", "user.email=t@example.com"];
        git(&[id[0], id[1], id[2], id[3], "add", "app.bin"]);
        git(&[id[0], id[1], id[2], id[3], "commit", "-qm", "app"]);
        self
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn file(&self) -> PathBuf {
        self.path("app.bin")
    }

    fn bundle(&self) -> PathBuf {
        self.path("app.sigstore.json")
    }

    /// `cargo attest --subject-path app.bin -o app.sigstore.json ARGS` in
    /// `env`.
    fn sign(&self, env: &BTreeMap<String, String>, args: &[&str]) -> Output {
        let mut all = vec!["--subject-path", "app.bin", "-o", "app.sigstore.json"];
        all.extend_from_slice(args);
        attest(&all)
            .envs(env)
            .env("CARGO_ATTEST_CACHE_DIR", self.path("cache"))
            .cwd(self.dir.path())
            .run()
    }

    /// `cargo attest verify app.bin --bundle B ARGS`.
    fn verify(&self, bundle: &Path, args: &[&str]) -> Output {
        let mut all = vec!["verify", "app.bin", "--bundle", s(bundle)];
        all.extend_from_slice(args);
        attest(&all).cwd(self.dir.path()).run()
    }
}

/// The stack's service flags.
fn services(stack: &SigstoreStack) -> Vec<String> {
    vec![
        "--fulcio-url".into(),
        stack.fulcio_url.clone(),
        "--timestamp-server-url".into(),
        stack.tsa_timestamp_url(),
    ]
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn github_identity_flags<'a>(stack: &'a SigstoreStack, root: &'a Path) -> Vec<&'a str> {
    vec![
        "--trusted-root",
        s(root),
        "--certificate-identity",
        GITHUB_IDENTITY,
        "--certificate-oidc-issuer",
        &stack.oidc_url,
    ]
}

/// cosign's flags for a keyless SLSA v1 attestation by `identity` from our
/// OIDC issuer, checked against the stack's trusted root by its signed
/// timestamp (the stack has no CT log; the tlog is checked in rekor.rs).
fn cosign_identity_policy<'a>(stack: &'a SigstoreStack, identity: &'a str) -> [&'a str; 11] {
    [
        "--trusted-root",
        s(&stack.trusted_root),
        "--certificate-identity",
        identity,
        "--certificate-oidc-issuer",
        &stack.oidc_url,
        "--use-signed-timestamps",
        "--insecure-ignore-tlog",
        "--insecure-ignore-sct",
        "--type",
        "slsaprovenance1",
    ]
}

/// The leaf certificate of a bundle, as openssl's text dump.
fn certificate_text(bundle: &Path) -> String {
    let v = read_json(bundle);
    let der = B64
        .decode(
            v["verificationMaterial"]["certificate"]["rawBytes"]
                .as_str()
                .expect("a certificate"),
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("leaf.der");
    std::fs::write(&path, der).unwrap();
    let o = Command::new("openssl")
        .args(["x509", "-inform", "DER", "-noout", "-text", "-in", s(&path)])
        .output()
        .unwrap();
    assert!(o.status.success());
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn keyless_in_github_actions_certifies_the_workflow_and_verifies_by_identity() {
    let stack = sigstore_stack();
    let job =
        Job::new("built in a pretend Actions job\n").checkout("https://github.com/acme/widget.git");
    let env = github_env(stack, &TokenSpec::github());
    // No --keyless: in CI with an ambient token and no key, it is chosen.
    let out = job.sign(&env, &strs(&services(stack)));
    out.success();
    assert!(
        out.stderr
            .contains("Signing keyless with the identity token from GitHub Actions"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains(GITHUB_IDENTITY), "{}", out.stdout);

    // The bundle: a Fulcio certificate, one RFC 3161 timestamp, no key.
    let bundle = read_json(&job.bundle());
    let material = &bundle["verificationMaterial"];
    assert!(
        material["certificate"]["rawBytes"].is_string(),
        "{bundle:#}"
    );
    assert!(material.get("publicKey").is_none(), "{bundle:#}");
    assert_eq!(
        material["timestampVerificationData"]["rfc3161Timestamps"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "{bundle:#}"
    );
    assert!(
        bundle["dsseEnvelope"]["signatures"][0]
            .get("keyid")
            .is_none(),
        "{bundle:#}"
    );
    let cert = certificate_text(&job.bundle());
    assert!(cert.contains(&format!("URI:{GITHUB_IDENTITY}")), "{cert}");

    // The provenance names the certified workflow and run.
    let (statement, _) = bundle_payload(&job.bundle());
    let run = &statement["predicate"]["runDetails"];
    assert_eq!(
        run["builder"]["id"],
        "https://github.com/acme/widget/.github/workflows/release.yml@refs/heads/main"
    );
    assert_eq!(
        run["metadata"]["invocationId"],
        "https://github.com/acme/widget/actions/runs/4242424242/attempts/1"
    );

    // Accepted with the identity and issuer...
    let flags = github_identity_flags(stack, &stack.trusted_root_without_rekor);
    let mut args = flags.clone();
    args.extend(["--format", "json"]);
    let v = job.verify(&job.bundle(), &args).success().json();
    assert_eq!(v["verified"], true);
    assert_eq!(v["signer"]["identity"], GITHUB_IDENTITY);
    assert_eq!(v["signer"]["issuer"], stack.oidc_url.as_str());
    assert_eq!(
        v["signer"]["extensions"]["sourceRepositoryUri"],
        "https://github.com/acme/widget"
    );
    assert_eq!(v["signedTimestamps"].as_array().map(Vec::len), Some(1));
    assert!(v.get("keyId").is_none(), "{v}");
    // ... with the trusted root that lists Rekor too, a log entry is
    // required unless told otherwise ...
    job.verify(
        &job.bundle(),
        &github_identity_flags(stack, &stack.trusted_root),
    )
    .fails_with(VERIFY, "0 transparency log entries, 1 required");
    let mut ignoring = github_identity_flags(stack, &stack.trusted_root);
    ignoring.push("--insecure-ignore-tlog");
    job.verify(&job.bundle(), &ignoring).success();
    // ... with a regular expression ...
    job.verify(
        &job.bundle(),
        &[
            "--trusted-root",
            s(&stack.trusted_root_without_rekor),
            "--certificate-identity-regexp",
            "^https://github\\.com/acme/.*$",
            "--certificate-oidc-issuer",
            &stack.oidc_url,
        ],
    )
    .success();
    // ... and with gh's shorthands.
    let text = job
        .verify(
            &job.bundle(),
            &[
                "--trusted-root",
                s(&stack.trusted_root_without_rekor),
                "--certificate-oidc-issuer",
                &stack.oidc_url,
                "--owner",
                "acme",
                "--repo",
                "acme/widget",
                "--signer-workflow",
                "acme/widget/.github/workflows/release.yml",
                "--source-repo",
                "https://github.com/acme/widget",
                "--deny-self-hosted-runners",
            ],
        )
        .success()
        .stdout
        .clone();
    assert!(
        text.contains(&format!("signed by {GITHUB_IDENTITY}")),
        "{text}"
    );

    // Refused: another identity, issuer, owner, repository, workflow.
    let root = s(&stack.trusted_root_without_rekor);
    let issuer = stack.oidc_url.as_str();
    let refusals: Vec<(&str, Vec<&str>)> = vec![
        (
            "identity",
            vec![
                "--certificate-identity",
                OTHER_IDENTITY,
                "--certificate-oidc-issuer",
                issuer,
            ],
        ),
        (
            "OIDC issuer",
            vec![
                "--certificate-identity",
                GITHUB_IDENTITY,
                "--certificate-oidc-issuer",
                &stack.gitlab_issuer_url,
            ],
        ),
        (
            "OIDC issuer",
            vec!["--repo", "acme/widget"], // GitHub's issuer by default
        ),
        (
            "source repository owner",
            vec!["--certificate-oidc-issuer", issuer, "--owner", "evil"],
        ),
        (
            "source repository",
            vec!["--certificate-oidc-issuer", issuer, "--repo", "acme/other"],
        ),
        (
            "signing workflow",
            vec![
                "--certificate-oidc-issuer",
                issuer,
                "--signer-workflow",
                "acme/widget/.github/workflows/other.yml",
            ],
        ),
        (
            "certificate's source repository",
            vec![
                "--certificate-identity",
                GITHUB_IDENTITY,
                "--certificate-oidc-issuer",
                issuer,
                "--source-repo",
                "https://github.com/acme/other",
            ],
        ),
    ];
    for (what, flags) in refusals {
        let mut args = vec!["--trusted-root", root];
        args.extend(flags.iter().copied());
        job.verify(&job.bundle(), &args).fails_with(VERIFY, what);
    }
    // Keyless needs to be told whom to trust.
    job.verify(&job.bundle(), &["--trusted-root", root])
        .fails_with(USAGE, "--certificate-identity");
    job.verify(
        &job.bundle(),
        &[
            "--trusted-root",
            root,
            "--certificate-identity",
            GITHUB_IDENTITY,
        ],
    )
    .fails_with(USAGE, "--certificate-oidc-issuer");

    // A stripped timestamp: nothing vouches for the signing time.
    let mut stripped = read_json(&job.bundle());
    stripped["verificationMaterial"]["timestampVerificationData"] = json!({});
    let stripped_path = job.path("stripped.json");
    std::fs::write(&stripped_path, stripped.to_string()).unwrap();
    job.verify(
        &stripped_path,
        &github_identity_flags(stack, &stack.trusted_root_without_rekor),
    )
    .fails_with(VERIFY, "timestamp");

    // A tampered payload.
    let tampered = job.path("tampered.json");
    tamper(&job.bundle(), &tampered);
    job.verify(
        &tampered,
        &github_identity_flags(stack, &stack.trusted_root_without_rekor),
    )
    .fails_with(VERIFY, "verification failed");

    // The built-in public-good root does not trust the local Fulcio.
    job.verify(
        &job.bundle(),
        &[
            "--certificate-identity",
            GITHUB_IDENTITY,
            "--certificate-oidc-issuer",
            issuer,
        ],
    )
    .fails_with(VERIFY, "public-good Sigstore instance");
}

#[test]
fn source_ref_and_digest_hold_for_the_statement_and_the_certificate() {
    let stack = sigstore_stack();
    let head = |job: &Job| {
        let out = crate::support::run("git", &["rev-parse", "HEAD"], Some(job.dir.path()));
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout.trim().to_string()
    };
    let who = [
        "--trusted-root",
        s(&stack.trusted_root_without_rekor),
        "--certificate-oidc-issuer",
        &stack.oidc_url,
        "--owner",
        "acme",
    ];
    let with = |extra: &[&str]| -> Vec<String> {
        who.iter().chain(extra).map(|a| a.to_string()).collect()
    };

    // The token's ref and sha are the checkout's: both agree.
    let job =
        Job::new("one source, two witnesses\n").checkout("https://github.com/acme/widget.git");
    let commit = head(&job);
    let spec = TokenSpec::github().git_ref("refs/heads/main").sha(&commit);
    job.sign(&github_env(stack, &spec), &strs(&services(stack)))
        .success();
    job.verify(
        &job.bundle(),
        &strs(&with(&[
            "--source-ref",
            "refs/heads/main",
            "--source-digest",
            &commit,
        ])),
    )
    .success();

    // The certificate names another ref and commit than the statement
    // (built on main at `commit`): each flag must hold for both.
    let other =
        Job::new("a certificate that disagrees\n").checkout("https://github.com/acme/widget.git");
    let other_commit = head(&other);
    let certified_sha = "0123456789abcdef0123456789abcdef01234567";
    let spec = TokenSpec::github()
        .git_ref("refs/heads/release")
        .sha(certified_sha);
    other
        .sign(&github_env(stack, &spec), &strs(&services(stack)))
        .success();
    let verify = |extra: &[&str]| other.verify(&other.bundle(), &strs(&with(extra)));
    verify(&["--source-ref", "refs/heads/main"]).fails_with(VERIFY, "certificate's source ref");
    verify(&["--source-ref", "refs/heads/release"])
        .fails_with(VERIFY, "source ref is `refs/heads/main`");
    verify(&["--source-digest", &other_commit]).fails_with(VERIFY, "certificate's source digest");
    verify(&["--source-digest", certified_sha]).fails_with(VERIFY, "source commit");
    verify(&[]).success();
}

#[test]
fn keyless_in_gitlab_ci_with_sigstore_id_token_and_a_signing_config() {
    let stack = sigstore_stack();
    let job = Job::new("built in a pretend GitLab job\n");
    let token = stack.gitlab_token();
    let env = gitlab_env(&token.jwt);
    let out = job.sign(
        &env,
        &[
            "--signing-config",
            s(&stack.signing_config_without_rekor),
            "--format",
            "json",
        ],
    );
    let v = out.success().json();
    assert_eq!(v["certificate"]["identity"], GITLAB_IDENTITY);
    assert_eq!(v["certificate"]["issuer"], stack.gitlab_issuer_url.as_str());
    assert_eq!(v["signedTimestamps"].as_array().map(Vec::len), Some(1));
    assert!(v.get("keyId").is_none(), "{v}");
    assert!(
        out.stderr.contains("from SIGSTORE_ID_TOKEN"),
        "{}",
        out.stderr
    );

    let (statement, _) = bundle_payload(&job.bundle());
    let run = &statement["predicate"]["runDetails"];
    assert_eq!(
        run["builder"]["id"],
        format!("https://{}", &GITLAB_IDENTITY[8..])
    );
    assert_eq!(
        run["metadata"]["invocationId"],
        "https://gitlab.com/acme/widget/-/jobs/1234567890"
    );

    let ok = [
        "--trusted-root",
        s(&stack.trusted_root_without_rekor),
        "--certificate-identity",
        GITLAB_IDENTITY,
        "--certificate-oidc-issuer",
        &stack.gitlab_issuer_url,
    ];
    job.verify(&job.bundle(), &ok).success();
    let mut wrong_issuer = ok;
    wrong_issuer[5] = &stack.oidc_url;
    job.verify(&job.bundle(), &wrong_issuer)
        .fails_with(VERIFY, "OIDC issuer");
    // Another repository, by the certificate's source repository.
    let mut other_repo = ok.to_vec();
    other_repo.extend(["--source-repo", "https://gitlab.com/acme/other"]);
    job.verify(&job.bundle(), &other_repo)
        .fails_with(VERIFY, "certificate's source repository");
}

/// A job in `repo` on `git_ref`, signed keyless in GitHub Actions.
fn github_job(stack: &SigstoreStack, repo: &str, git_ref: &str) -> Job {
    let job = Job::new(&format!("built in {repo} on {git_ref}\n"))
        .checkout(&format!("https://github.com/{repo}.git"));
    let spec = TokenSpec::github().repository(repo).git_ref(git_ref);
    job.sign(&github_env(stack, &spec), &strs(&services(stack)))
        .success();
    job
}

/// A job in the GitLab project `project`, signed keyless in GitLab CI.
fn gitlab_job(stack: &SigstoreStack, project: &str) -> Job {
    let job = Job::new(&format!("built in gitlab.com/{project}\n"))
        .checkout(&format!("https://gitlab.com/{project}.git"));
    let token = stack.mint(&TokenSpec::gitlab().repository(project));
    let out = job.sign(
        &gitlab_project_env(&token.jwt, project),
        &["--signing-config", s(&stack.signing_config_without_rekor)],
    );
    out.success();
    job
}

/// Identity regexps must be anchored: an unanchored one matches anywhere,
/// and the signer picks its branch names. Refused, it says how to anchor.
#[test]
fn unanchored_identity_patterns_are_refused() {
    let stack = sigstore_stack();
    let root = s(&stack.trusted_root_without_rekor);
    let issuer = stack.oidc_url.as_str();
    // evil/tool's workflow, on a branch whose name carries acme/tool's URL.
    let evil = github_job(stack, "evil/tool", "refs/heads/x/github.com/acme/tool/y");
    let verify = |job: &Job, flags: &[&str]| {
        let mut args = vec!["--trusted-root", root];
        args.extend(flags);
        job.verify(&job.bundle(), &args)
    };
    let unanchored = [
        "--certificate-identity-regexp",
        "github\\.com/acme/tool/",
        "--certificate-oidc-issuer",
        issuer,
    ];
    let out = verify(&evil, &unanchored);
    out.fails_with(USAGE, "not anchored");
    assert!(
        out.stderr.contains("^(?:github\\.com/acme/tool/)$")
            && out.stderr.contains("--allow-unanchored"),
        "{}",
        out.stderr
    );
    // What the refusal protects from: matching anywhere, when asked for,
    // lets the branch name stand in for the repository.
    let mut allowed = unanchored.to_vec();
    allowed.push("--allow-unanchored");
    verify(&evil, &allowed).success();
    // Anchored, the same repository is required where it belongs.
    verify(
        &evil,
        &[
            "--certificate-identity-regexp",
            "^https://github\\.com/acme/tool/.*$",
            "--certificate-oidc-issuer",
            issuer,
        ],
    )
    .fails_with(VERIFY, "identity");
    // The issuer's regexp too; `^a|b$` is not anchored on either side.
    for pattern in ["127\\.0\\.0\\.1", "^http://127\\.0\\.0\\.1|x$"] {
        verify(
            &evil,
            &[
                "--certificate-identity-regexp",
                "^https://github\\.com/evil/tool/.*$",
                "--certificate-oidc-issuer-regexp",
                pattern,
            ],
        )
        .fails_with(USAGE, "--certificate-oidc-issuer-regexp");
    }
    verify(
        &evil,
        &[
            "--certificate-identity-regexp",
            "^https://github\\.com/evil/tool/.*$",
            "--certificate-oidc-issuer-regexp",
            &format!("^{}$", regex::escape(issuer)),
        ],
    )
    .success();
    // The shorthands never match a branch name.
    for (what, flags) in [
        ("source repository", ["--repo", "acme/tool"]),
        ("source repository owner", ["--owner", "acme"]),
        (
            "signing workflow",
            [
                "--signer-workflow",
                "acme/tool/.github/workflows/release.yml",
            ],
        ),
    ] {
        let mut args = vec!["--certificate-oidc-issuer", issuer];
        args.extend(flags);
        verify(&evil, &args).fails_with(VERIFY, what);
    }

    // `acme`, anchored, is not `evilacme`.
    let evilacme = github_job(stack, "evilacme/tool", "refs/heads/main");
    let acme = [
        "--certificate-identity-regexp",
        "acme",
        "--certificate-oidc-issuer",
        issuer,
    ];
    verify(&evilacme, &acme).fails_with(USAGE, "not anchored");
    let mut allowed = acme.to_vec();
    allowed.push("--allow-unanchored");
    verify(&evilacme, &allowed).success();
    verify(
        &evilacme,
        &[
            "--certificate-identity-regexp",
            "^https://github\\.com/acme/.*$",
            "--certificate-oidc-issuer",
            issuer,
        ],
    )
    .fails_with(VERIFY, "identity");
    verify(
        &evilacme,
        &["--certificate-oidc-issuer", issuer, "--owner", "acme"],
    )
    .fails_with(VERIFY, "source repository owner");
}

/// `--owner`, `--repo` and `--signer-workflow` name a host (github.com by
/// default): a GitLab certificate passes only a GitLab policy, on its host.
#[test]
fn shorthands_check_the_host_and_know_gitlab() {
    let stack = sigstore_stack();
    let root = s(&stack.trusted_root_without_rekor);
    let gitlab = stack.gitlab_issuer_url.as_str();
    let verify = |job: &Job, flags: &[&str]| {
        let mut args = vec!["--trusted-root", root];
        args.extend(flags);
        job.verify(&job.bundle(), &args)
    };

    let project = gitlab_job(stack, "group/project");
    verify(
        &project,
        &[
            "--certificate-oidc-issuer",
            gitlab,
            "--repo",
            "gitlab.com/group/project",
        ],
    )
    .success();
    verify(
        &project,
        &[
            "--certificate-oidc-issuer",
            gitlab,
            "--owner",
            "gitlab.com/group",
            "--repo",
            "group/project",
            "--signer-workflow",
            "group/project//.gitlab-ci.yml",
            "--source-ref",
            "refs/heads/main",
            "--deny-self-hosted-runners",
        ],
    )
    .success();
    for (what, flags) in [
        // The same path on GitHub, said or by default.
        (
            "identity's host",
            vec!["--repo", "github.com/group/project"],
        ),
        ("identity's host", vec!["--repo", "group/project"]),
        ("identity's host", vec!["--owner", "group"]),
        // Another host.
        (
            "identity's host",
            vec!["--repo", "gitlab.example.com/group/project"],
        ),
        (
            "source repository",
            vec!["--repo", "gitlab.com/group/other"],
        ),
        (
            "source repository owner",
            vec!["--owner", "gitlab.com/grou"],
        ),
        (
            "signing workflow",
            vec!["--signer-workflow", "gitlab.com/group/project//release.yml"],
        ),
        (
            "source ref",
            vec![
                "--repo",
                "gitlab.com/group/project",
                "--source-ref",
                "refs/heads/other",
            ],
        ),
    ] {
        let mut args = vec!["--certificate-oidc-issuer", gitlab];
        args.extend(flags);
        verify(&project, &args).fails_with(VERIFY, what);
    }
    // GitLab's issuer, https://HOST, is the default on a GitLab host (the
    // stack's issuer is another).
    verify(&project, &["--repo", "gitlab.com/group/project"])
        .fails_with(VERIFY, "the policy requires `https://gitlab.com`");
    // A GitLab CI config is named after the `//`, as in the certificate.
    verify(
        &project,
        &[
            "--certificate-oidc-issuer",
            gitlab,
            "--signer-workflow",
            "gitlab.com/group/project/.gitlab-ci.yml",
        ],
    )
    .fails_with(USAGE, "GROUP/PROJECT//CI_CONFIG_PATH");
    verify(
        &project,
        &[
            "--certificate-oidc-issuer",
            gitlab,
            "--owner",
            "github.com/group",
            "--repo",
            "gitlab.com/group/project",
        ],
    )
    .fails_with(USAGE, "host");

    // Groups nest.
    let nested = gitlab_job(stack, "group/sub/project");
    verify(
        &nested,
        &[
            "--certificate-oidc-issuer",
            gitlab,
            "--owner",
            "gitlab.com/group",
            "--repo",
            "gitlab.com/group/sub/project",
            "--signer-workflow",
            "gitlab.com/group/sub/project//.gitlab-ci.yml@refs/heads/main",
        ],
    )
    .success();
    verify(
        &nested,
        &[
            "--certificate-oidc-issuer",
            gitlab,
            "--repo",
            "gitlab.com/group/sub",
        ],
    )
    .fails_with(VERIFY, "source repository");

    // A GitHub certificate, by its host: said or by default.
    let github = github_job(stack, "acme/widget", "refs/heads/main");
    let issuer = stack.oidc_url.as_str();
    for repo in ["acme/widget", "github.com/acme/widget"] {
        verify(
            &github,
            &["--certificate-oidc-issuer", issuer, "--repo", repo],
        )
        .success();
    }
    for repo in ["gitlab.com/acme/widget", "ghe.example.com/acme/widget"] {
        verify(
            &github,
            &["--certificate-oidc-issuer", issuer, "--repo", repo],
        )
        .fails_with(VERIFY, "identity's host");
    }
}

/// A trusted root like the stack's, whose Fulcio CA is a stranger (a fresh
/// self-signed CA): the bundle's certificate does not chain to it.
fn root_with_other_ca(stack: &SigstoreStack, dir: &Path) -> PathBuf {
    let key = dir.join("ca.key");
    let cert = dir.join("ca.pem");
    let o = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "3650",
            "-subj",
            "/O=sigstore/CN=stranger",
            "-keyout",
            s(&key),
            "-out",
            s(&cert),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    let der = pem_blocks(&std::fs::read_to_string(&cert).unwrap()).remove(0);
    let mut root = read_json(&stack.trusted_root_without_rekor);
    root["certificateAuthorities"][0]["certChain"]["certificates"] =
        json!([{"rawBytes": B64.encode(der)}]);
    let path = dir.join("other-ca-root.json");
    std::fs::write(&path, root.to_string()).unwrap();
    path
}

#[test]
fn keyless_bundles_from_an_untrusted_ca_are_refused() {
    let stack = sigstore_stack();
    let job = Job::new("untrusted CA\n");
    let token = stack.github_token();
    let svc = services(stack);
    let mut args = strs(&svc);
    args.extend(["--identity-token", &token.jwt]);
    job.sign(&BTreeMap::new(), &args).success();
    let root = root_with_other_ca(stack, job.dir.path());
    job.verify(&job.bundle(), &github_identity_flags(stack, &root))
        .fails_with(VERIFY, "certificate chain");
    job.verify(
        &job.bundle(),
        &github_identity_flags(stack, &stack.trusted_root_without_rekor),
    )
    .success();
}

/// Signs `statement` with a fresh openssl key and builds a keyless bundle
/// by hand: Fulcio's certificate for that key, and a TSA timestamp over
/// the signature taken before (`timestamp_first`) or after it.
fn hand_made_bundle(
    stack: &SigstoreStack,
    dir: &Path,
    payload: &[u8],
    timestamp_first: bool,
) -> PathBuf {
    let openssl = |args: &[&str]| {
        let o = Command::new("openssl").args(args).output().unwrap();
        assert!(o.status.success(), "openssl {args:?}: {o:?}");
        o.stdout
    };
    let key = dir.join("key.pem");
    openssl(&[
        "ecparam",
        "-name",
        "prime256v1",
        "-genkey",
        "-noout",
        "-out",
        s(&key),
    ]);
    let public = String::from_utf8(openssl(&["ec", "-in", s(&key), "-pubout"])).unwrap();
    let payload_type = "application/vnd.in-toto+json";
    let mut pae = format!(
        "DSSEv1 {} {payload_type} {} ",
        payload_type.len(),
        payload.len()
    )
    .into_bytes();
    pae.extend_from_slice(payload);
    let pae_file = dir.join("pae.bin");
    std::fs::write(&pae_file, &pae).unwrap();
    let sig = openssl(&["dgst", "-sha256", "-sign", s(&key), s(&pae_file)]);
    let sig_file = dir.join("sig.bin");
    std::fs::write(&sig_file, &sig).unwrap();

    let timestamp = || {
        let query = dir.join("q.tsq");
        openssl(&[
            "ts",
            "-query",
            "-data",
            s(&sig_file),
            "-sha256",
            "-cert",
            "-out",
            s(&query),
        ]);
        let r = http(
            "POST",
            &stack.tsa_timestamp_url(),
            &["Content-Type: application/timestamp-query"],
            Some(&std::fs::read(&query).unwrap()),
            None,
        );
        assert_eq!(r.status, 200, "{r:?}");
        r.body
    };
    let certificate = || {
        let token = stack.github_token();
        let proof_input = dir.join("sub");
        std::fs::write(&proof_input, token.subject()).unwrap();
        let proof = openssl(&["dgst", "-sha256", "-sign", s(&key), s(&proof_input)]);
        let body = json!({
            "credentials": {"oidcIdentityToken": token.jwt},
            "publicKeyRequest": {
                "publicKey": {"algorithm": "ECDSA", "content": public},
                "proofOfPossession": B64.encode(proof),
            },
        })
        .to_string();
        let r = http(
            "POST",
            &format!("{}/api/v2/signingCert", stack.fulcio_url),
            &["Content-Type: application/json"],
            Some(body.as_bytes()),
            None,
        );
        assert_eq!(r.status, 200, "{r:?}");
        let v = r.json();
        let pem = v["signedCertificateEmbeddedSct"]["chain"]["certificates"][0]
            .as_str()
            .or_else(|| v["signedCertificateDetachedSct"]["chain"]["certificates"][0].as_str())
            .unwrap()
            .to_string();
        pem_blocks(&pem).remove(0)
    };
    let (stamp, leaf) = if timestamp_first {
        let stamp = timestamp();
        // Past the second the TSA stated, so the certificate's notBefore
        // comes after it.
        std::thread::sleep(std::time::Duration::from_millis(2100));
        (stamp, certificate())
    } else {
        let leaf = certificate();
        (timestamp(), leaf)
    };
    let bundle = json!({
        "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "verificationMaterial": {
            "certificate": {"rawBytes": B64.encode(leaf)},
            "tlogEntries": [],
            "timestampVerificationData": {
                "rfc3161Timestamps": [{"signedTimestamp": B64.encode(stamp)}]
            },
        },
        "dsseEnvelope": {
            "payload": B64.encode(payload),
            "payloadType": payload_type,
            "signatures": [{"sig": B64.encode(sig)}],
        },
    });
    let path = dir.join(if timestamp_first {
        "early.sigstore.json"
    } else {
        "in-time.sigstore.json"
    });
    std::fs::write(&path, bundle.to_string()).unwrap();
    path
}

#[test]
fn a_timestamp_outside_the_certificate_validity_is_refused() {
    let stack = sigstore_stack();
    let job = Job::new("signed before it was certified\n");
    let digest = hex::encode(Sha256::digest(std::fs::read(job.file()).unwrap()));
    let statement = json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "app.bin", "digest": {"sha256": digest}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {"buildDefinition": {"buildType": "https://example.com/hand-made"}},
    })
    .to_string();
    let flags = github_identity_flags(stack, &stack.trusted_root_without_rekor);
    // Made the same way with the timestamp after the certificate: accepted,
    // so the refusal below is about the time alone.
    let in_time = hand_made_bundle(stack, job.dir.path(), statement.as_bytes(), false);
    job.verify(&in_time, &flags).success();
    let early = hand_made_bundle(stack, job.dir.path(), statement.as_bytes(), true);
    job.verify(&early, &flags)
        .fails_with(VERIFY, "outside the certificate's validity");
}

#[test]
fn independent_verifiers_accept_our_keyless_bundles() {
    let stack = sigstore_stack();
    let job = Job::new("checked by cosign and sigstore-js\n");
    let env = github_env(stack, &TokenSpec::github());
    let svc = services(stack);
    let mut args = strs(&svc);
    args.push("--keyless");
    job.sign(&env, &args).success();

    // @sigstore/verify: no log, one timestamp, the identity.
    {
        let out = node_peer(
            "verify-keyless.mjs",
            &[
                s(&job.bundle()),
                s(&stack.trusted_root_without_rekor),
                "--artifact",
                s(&job.file()),
                "--identity",
                GITHUB_IDENTITY,
                "--issuer",
                &stack.oidc_url,
                "--tlog-threshold",
                "0",
                "--timestamp-threshold",
                "1",
            ],
        );
        assert_eq!(out.code, 0, "@sigstore/verify refused ours: {out:?}");
        assert!(out.stdout.contains(GITHUB_IDENTITY), "{out:?}");
        let other = node_peer(
            "verify-keyless.mjs",
            &[
                s(&job.bundle()),
                s(&stack.trusted_root_without_rekor),
                "--identity",
                "https://github.com/evil/x/.github/workflows/a.yml@refs/heads/main",
                "--tlog-threshold",
                "0",
            ],
        );
        assert_ne!(other.code, 0, "{other:?}");
    }

    // cosign v3 and v2: verify-blob-attestation with the identity flags.
    for cosign in [sigstore_stack::cosign(), sigstore_stack::cosign2()].into_iter() {
        for (identity, ok) in [(GITHUB_IDENTITY, true), (OTHER_IDENTITY, false)] {
            let (bundle, file) = (job.bundle(), job.file());
            let mut args = vec!["verify-blob-attestation", "--bundle", s(&bundle)];
            args.extend(cosign_identity_policy(stack, identity));
            args.push(s(&file));
            let out = stack.run_peer(&cosign, &args);
            assert_eq!(
                out.code == 0,
                ok,
                "{} with {identity}: {out:?}",
                cosign.display()
            );
        }
    }
}

#[test]
fn we_verify_cosign_keyless_bundles() {
    let b = cosign_keyless_bundle();
    let stack = sigstore_stack();
    let run = |root: &Path, identity: &str| {
        attest(&[
            "verify",
            s(&b.artifact),
            "--bundle",
            s(&b.bundle),
            "--trusted-root",
            s(root),
            "--certificate-identity",
            identity,
            "--certificate-oidc-issuer",
            &b.issuer,
            "--format",
            "json",
        ])
        .run()
    };
    let v = run(&stack.trusted_root_without_rekor, &b.identity)
        .success()
        .json();
    assert_eq!(v["signer"]["identity"], b.identity.as_str());
    assert_eq!(v["builderId"], "https://example.com/cosign-peer-builder");
    run(&stack.trusted_root_without_rekor, OTHER_IDENTITY).fails_with(VERIFY, "identity");

    // A bundle with a Rekor v2 entry: the entry is verified with the log's
    // key from the trusted root, and one that cannot be is refused.
    let b = sigstore_stack::cosign_keyless_bundle_rekor();
    let run = |root: &Path| {
        attest(&[
            "verify",
            s(&b.artifact),
            "--bundle",
            s(&b.bundle),
            "--trusted-root",
            s(root),
            "--certificate-identity",
            &b.identity,
            "--certificate-oidc-issuer",
            &b.issuer,
            "--format",
            "json",
        ])
        .run()
    };
    let v = run(&stack.trusted_root).success().json();
    assert_eq!(v["signer"]["transparencyLogVerified"], true, "{v}");
    run(&stack.trusted_root_without_rekor).fails_with(VERIFY, "verification failed");
}

/// A TCP listener on 127.0.0.1 that counts connections (and answers none).
fn counting_listener() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            seen.fetch_add(1, Ordering::SeqCst);
            if let Ok(mut s) = stream {
                let mut buf = [0u8; 1024];
                let _ = s.read(&mut buf);
            }
        }
    });
    (url, count)
}

#[test]
fn unusable_tokens_never_reach_fulcio_and_never_show() {
    let stack = sigstore_stack();
    let (fulcio, connections) = counting_listener();
    let expired = stack.mint(&TokenSpec::github().expired());
    let wrong_audience = stack.mint(&TokenSpec::github().audience("not-sigstore"));
    let job = Job::new("never signed\n");
    let token_file = job.path("token.jwt");
    std::fs::write(&token_file, &wrong_audience.jwt).unwrap();
    let token_arg = format!("@{}", token_file.display());
    let tsa = stack.tsa_timestamp_url();
    let common = [
        "--fulcio-url",
        fulcio.as_str(),
        "--timestamp-server-url",
        tsa.as_str(),
        "-vv",
    ];

    type Case<'a> = (
        &'a str,
        BTreeMap<String, String>,
        Vec<&'a str>,
        &'a str,
        &'a str,
    );
    let cases: Vec<Case<'_>> = vec![
        (
            "SIGSTORE_ID_TOKEN expired",
            gitlab_env(&expired.jwt),
            vec!["--keyless"],
            "expired",
            &expired.jwt,
        ),
        (
            "--identity-token @FILE for another audience",
            BTreeMap::new(),
            vec!["--identity-token", &token_arg],
            "audience `not-sigstore`",
            &wrong_audience.jwt,
        ),
    ];
    for (what, env, extra, needle, jwt) in cases {
        let mut args = common.to_vec();
        args.extend(extra);
        let out = job.sign(&env, &args);
        out.fails_with(KEY, needle);
        for part in jwt.split('.').chain([jwt]) {
            assert!(
                !out.stderr.contains(part) && !out.stdout.contains(part),
                "{what}: the token shows in the output:\n{}\n{}",
                out.stdout,
                out.stderr
            );
        }
        assert!(!job.bundle().exists(), "{what}: a bundle was written");
    }

    // GitHub Actions' endpoint hands out an expired token: the same.
    let env = github_env(stack, &TokenSpec::github().expired());
    let mut args = common.to_vec();
    args.push("--keyless");
    let out = job.sign(&env, &args);
    out.fails_with(KEY, "expired");
    assert!(
        !out.stderr.contains(&env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"]),
        "the request token shows:\n{}",
        out.stderr
    );
    assert_eq!(
        connections.load(Ordering::SeqCst),
        0,
        "Fulcio was contacted with an unusable token"
    );

    // No token at all where keyless is asked for: a key error too.
    job.sign(&BTreeMap::new(), &["--keyless", "--fulcio-url", &fulcio])
        .fails_with(KEY, "needs an OIDC identity token");
    // A plain-http Fulcio off loopback is refused before anything is sent.
    job.sign(
        &BTreeMap::new(),
        &[
            "--identity-token",
            &token_arg,
            "--fulcio-url",
            "http://fulcio.example",
        ],
    )
    .fails_with(USAGE, "plain http");
}

#[test]
fn a_valid_token_never_shows_at_the_highest_verbosity() {
    let stack = sigstore_stack();
    let job = Job::new("quiet about secrets\n");
    let spec = TokenSpec::github();
    let env = github_env(stack, &spec);
    let svc = services(stack);
    let mut args = strs(&svc);
    args.extend(["--keyless", "-vv"]);
    let out = job.sign(&env, &args);
    out.success();
    let request_token = &env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"];
    assert!(
        !out.stderr.contains(request_token.as_str()),
        "{}",
        out.stderr
    );
    // The token the endpoint minted is not known here; its signature part is
    // what would show: no JWT-shaped string at all may appear.
    let jwt_like = regex_lite_jwt(&out.stderr);
    assert!(
        jwt_like.is_none(),
        "a JWT shows: {jwt_like:?}\n{}",
        out.stderr
    );
}

/// Finds something shaped like a JWT (three base64url parts, the first
/// starting `eyJ`).
fn regex_lite_jwt(text: &str) -> Option<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
        .find(|w| w.starts_with("eyJ") && w.split('.').count() == 3)
        .map(str::to_string)
}

#[test]
fn key_signed_bundles_carry_a_timestamp_when_asked() {
    let stack = sigstore_stack();
    let job = Job::new("key plus time\n");
    attest(&[
        "key",
        "generate",
        "--output",
        s(&job.path("k.pem")),
        "--unencrypted",
    ])
    .run()
    .success();
    let tsa = stack.tsa_timestamp_url();
    let v = job
        .sign(
            &BTreeMap::new(),
            &[
                "--key",
                "k.pem",
                "--timestamp-server-url",
                &tsa,
                "--format",
                "json",
            ],
        )
        .success()
        .json();
    assert!(v["keyId"].is_string(), "{v}");
    assert_eq!(
        v["signedTimestamps"].as_array().map(Vec::len),
        Some(1),
        "{v}"
    );
    let bundle = read_json(&job.bundle());
    assert!(bundle["verificationMaterial"]["publicKey"]["hint"].is_string());
    let v = job
        .verify(
            &job.bundle(),
            &[
                "--key",
                "k.pem",
                "--trusted-root",
                s(&stack.trusted_root_without_rekor),
                "--format",
                "json",
            ],
        )
        .success()
        .json();
    assert_eq!(
        v["signedTimestamps"].as_array().map(Vec::len),
        Some(1),
        "{v}"
    );
    // The public-good root does not trust the local TSA.
    job.verify(&job.bundle(), &["--key", "k.pem"])
        .fails_with(VERIFY, "timestamp");
    // Identity flags cannot hold for a key-signed bundle.
    job.verify(
        &job.bundle(),
        &[
            "--key",
            "k.pem",
            "--trusted-root",
            s(&stack.trusted_root_without_rekor),
            "--owner",
            "acme",
        ],
    )
    .fails_with(VERIFY, "signed with a key");
}

#[test]
fn keyless_push_to_registries_then_verify_ref() {
    let stack = sigstore_stack();
    let registries: Vec<_> = [testbed::docker_open(), testbed::ferro()]
        .into_iter()
        .collect();
    for reg in registries {
        let job = Job::new(&format!("pushed to {}\n", reg.host));
        let reference = format!("{}/keyless/app:v1", reg.host);
        let env = github_env(stack, &TokenSpec::github());
        let svc = services(stack);
        let mut args = strs(&svc);
        args.extend(["--push", &reference]);
        job.sign(&env, &args).success();

        let verify = |extra: &[&str]| {
            let mut all = vec![
                "verify",
                reference.as_str(),
                "--trusted-root",
                s(&stack.trusted_root_without_rekor),
                "--certificate-oidc-issuer",
                &stack.oidc_url,
                "--format",
                "json",
            ];
            all.extend_from_slice(extra);
            attest(&all).cwd(job.dir.path()).run()
        };
        let v = verify(&[
            "--repo",
            "acme/widget",
            "--signer-workflow",
            "acme/widget/.github/workflows/release.yml",
        ])
        .success()
        .json();
        assert_eq!(v["verified"], true, "{}: {v}", reg.host);
        assert_eq!(
            v["attestations"][0]["signer"]["identity"], GITHUB_IDENTITY,
            "{}: {v}",
            reg.host
        );
        let out = verify(&["--repo", "evil/widget"]);
        out.fails_with(VERIFY, "no valid attestation");
        assert!(out.stdout.contains("source repository"), "{}", out.stdout);

        // The consumer's commands take keyless attestations too: the file
        // against what REF has attached, in one step, ...
        let identity = [
            "--trusted-root",
            s(&stack.trusted_root_without_rekor),
            "--certificate-oidc-issuer",
            &stack.oidc_url,
            "--repo",
            "acme/widget",
        ];
        let mut from = vec!["verify", "app.bin", "--from", reference.as_str()];
        from.extend(identity);
        let mut from_json = from.clone();
        from_json.extend(["--format", "json"]);
        let v = attest(&from_json)
            .cwd(job.dir.path())
            .run()
            .success()
            .json();
        assert_eq!(v["files"][0]["subject"], "app.bin", "{}: {v}", reg.host);
        assert_eq!(
            v["attestations"][0]["signer"]["identity"], GITHUB_IDENTITY,
            "{}: {v}",
            reg.host
        );
        from.extend(["--source-repo", "https://github.com/acme/other"]);
        attest(&from)
            .cwd(job.dir.path())
            .run()
            .fails_with(VERIFY, "not a subject of any valid attestation");
        // ... and downloaded, then verified offline.
        attest(&["download", reference.as_str(), "-o", "dl"])
            .cwd(job.dir.path())
            .run()
            .success();
        let downloaded: Vec<PathBuf> = std::fs::read_dir(job.path("dl"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(downloaded.len(), 1, "{}: {downloaded:?}", reg.host);
        job.verify(&downloaded[0], &identity).success();

        // cosign v3 finds the attestation as an OCI 1.1 referrer (or the
        // referrers tag) and verifies it by identity.
        {
            let cosign = sigstore_stack::cosign();
            for (identity, ok) in [(GITHUB_IDENTITY, true), (OTHER_IDENTITY, false)] {
                let mut args = vec![
                    "verify-attestation",
                    "--allow-http-registry",
                    "--allow-insecure-registry",
                ];
                args.extend(cosign_identity_policy(stack, identity));
                args.push(&reference);
                let out = stack.run_peer(&cosign, &args);
                assert_eq!(out.code == 0, ok, "{} {identity}: {out:?}", reg.host);
            }
        }
    }
}

/// Issue 21: gh's JSON lines of keyless bundles, verified offline in one
/// call by identity; a bundle about another file is skipped; the bundle of
/// another identity that names the file fails the run, by its line.
#[test]
fn keyless_bundles_in_gh_json_lines_verify_by_identity() {
    let stack = sigstore_stack();
    let job = Job::new("released\n").checkout("https://github.com/acme/widget.git");
    job.sign(
        &github_env(stack, &TokenSpec::github()),
        &strs(&services(stack)),
    )
    .success();
    let ours = std::fs::read_to_string(job.bundle()).unwrap();
    // A bundle about another file, from the same job.
    std::fs::write(job.path("other.bin"), "other").unwrap();
    let services = services(stack);
    let mut sign = vec!["--subject-path", "other.bin", "-o", "other.sigstore.json"];
    sign.extend(strs(&services));
    attest(&sign)
        .envs(&github_env(stack, &TokenSpec::github()))
        .env("CARGO_ATTEST_CACHE_DIR", job.path("cache"))
        .cwd(job.dir.path())
        .run()
        .success();
    let other = std::fs::read_to_string(job.path("other.sigstore.json")).unwrap();
    let line = |text: &str| format!("{}\n", serde_json::from_str::<Value>(text).unwrap());
    let gh = job.path("sha256:abc.jsonl");
    std::fs::write(&gh, format!("{}{}", line(&other), line(&ours))).unwrap();
    let flags = github_identity_flags(stack, &stack.trusted_root_without_rekor);
    let mut args = flags.clone();
    args.extend(["--format", "json"]);
    let v = job.verify(&gh, &args).success().json();
    assert_eq!(v["bundles"][0]["outcome"], "skipped", "{v:#}");
    assert_eq!(v["bundles"][1]["outcome"], "verified", "{v:#}");
    assert!(
        v["bundles"][1]["signer"]
            .as_str()
            .unwrap()
            .contains(GITHUB_IDENTITY),
        "{v:#}"
    );
    assert_eq!(v["files"][0]["verified"], true);
    // A policy the bundle naming the file does not meet fails the run, and
    // names that bundle by its line, though the other one is skipped.
    job.verify(
        &gh,
        &[
            "--trusted-root",
            s(&stack.trusted_root_without_rekor),
            "--certificate-identity",
            OTHER_IDENTITY,
            "--certificate-oidc-issuer",
            &stack.oidc_url,
        ],
    )
    .fails_with(VERIFY, "sha256:abc.jsonl:2");
}
