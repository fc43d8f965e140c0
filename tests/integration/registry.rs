//! Registry access against the real test bed: interop with oras and skopeo,
//! credentials from every source, no secrets in output, HTTPS rules,
//! progress.

use crate::support::{KeyringSession, attest, run};
use crate::testbed::{self, Registry};

/// Two files with distinct content, in a fresh temp dir.
fn payload() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tool"), b"#!/bin/sh\necho built\n").unwrap();
    let big: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(dir.path().join("data.bin"), big).unwrap();
    dir
}

fn oras_path() -> String {
    testbed::oras().display().to_string()
}

fn push_and_pull_back(reg: &Registry, repo: &str) {
    let oras = oras_path();
    let dir = payload();
    let reference = format!("{}/{repo}:v1", reg.host);
    let out = attest(&["push", &reference, "tool", "data.bin", "--format", "json"])
        .cwd(dir.path())
        .run();
    let pushed = out.success().json();
    assert_eq!(pushed["files"].as_array().unwrap().len(), 2);

    // oras pulls back byte-identical files.
    let pulled = dir.path().join("pulled");
    let out = run(
        &oras,
        &[
            "pull",
            "--plain-http",
            &reference,
            "-o",
            pulled.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.code, 0, "oras pull: {}{}", out.stdout, out.stderr);
    for name in ["tool", "data.bin"] {
        assert_eq!(
            std::fs::read(dir.path().join(name)).unwrap(),
            std::fs::read(pulled.join(name)).unwrap(),
            "{name} differs after the round trip"
        );
    }

    // The manifest is an artifact: empty config, artifactType, titles.
    let out = run(
        &oras,
        &["manifest", "fetch", "--plain-http", &reference],
        None,
    );
    let manifest: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        manifest["artifactType"],
        "application/vnd.cargo-attest.artifact.v1"
    );
    assert_eq!(
        manifest["config"]["mediaType"],
        "application/vnd.oci.empty.v1+json"
    );
    assert_eq!(
        manifest["layers"][0]["annotations"]["org.opencontainers.image.title"],
        "tool"
    );

    // skopeo moves it to an OCI layout and back to a new repository.
    let skopeo = testbed::skopeo();
    let skopeo = skopeo.display().to_string();
    let layout = dir.path().join("copied");
    let layout_ref = format!("oci:{}:v1", layout.display());
    let out = run(
        &skopeo,
        &[
            "copy",
            "--src-tls-verify=false",
            &format!("docker://{reference}"),
            &layout_ref,
        ],
        None,
    );
    assert_eq!(out.code, 0, "skopeo copy to layout: {}", out.stderr);
    let back = format!("{}/{repo}-back:v1", reg.host);
    let out = run(
        &skopeo,
        &[
            "copy",
            "--dest-tls-verify=false",
            &layout_ref,
            &format!("docker://{back}"),
        ],
        None,
    );
    assert_eq!(out.code, 0, "skopeo copy back: {}", out.stderr);
    let out = run(
        &oras,
        &[
            "pull",
            "--plain-http",
            &back,
            "-o",
            dir.path().join("back").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.code, 0, "oras pull of the copy: {}", out.stderr);
    assert_eq!(
        std::fs::read(dir.path().join("back/data.bin")).unwrap(),
        std::fs::read(dir.path().join("data.bin")).unwrap()
    );

    // A second push finds every blob present.
    let again = attest(&[
        "push",
        &reference,
        "tool",
        "data.bin",
        "--progress",
        "never",
    ])
    .cwd(dir.path())
    .run();
    assert!(
        again.success().stderr.contains("Exists data.bin"),
        "{}",
        again.stderr
    );
}

#[test]
fn interop_docker_registry() {
    {
        let reg = testbed::docker_open();
        push_and_pull_back(reg, "interop/app");
    }
}

#[test]
fn interop_ferro() {
    {
        let reg = testbed::ferro();
        push_and_pull_back(reg, "interop/app");
    }
}

#[test]
fn oci_layout_output_opens_with_oras_and_skopeo() {
    let (oras, skopeo) = (oras_path(), testbed::skopeo());
    let dir = payload();
    // No registry named: the default OCI layout target.
    attest(&["push", "app:v2", "tool", "data.bin"])
        .cwd(dir.path())
        .run()
        .success();
    let layout = dir.path().join("target/oci/app");
    for file in ["oci-layout", "index.json"] {
        assert!(layout.join(file).is_file(), "{file} missing");
    }
    let out = run(
        &oras,
        &[
            "pull",
            "--oci-layout",
            &format!("{}:v2", layout.display()),
            "-o",
            dir.path().join("o").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(
        out.code, 0,
        "oras pull --oci-layout: {}{}",
        out.stdout, out.stderr
    );
    assert_eq!(
        std::fs::read(dir.path().join("o/data.bin")).unwrap(),
        std::fs::read(dir.path().join("data.bin")).unwrap()
    );
    let out = run(
        &skopeo.display().to_string(),
        &["inspect", "--raw", &format!("oci:{}:v2", layout.display())],
        None,
    );
    assert_eq!(out.code, 0, "skopeo inspect: {}", out.stderr);
    assert!(
        out.stdout
            .contains("application/vnd.cargo-attest.artifact.v1")
    );

    // An explicit --oci-layout works the same.
    let explicit = dir.path().join("explicit");
    attest(&[
        "push",
        "--oci-layout",
        explicit.to_str().unwrap(),
        "v3",
        "tool",
    ])
    .cwd(dir.path())
    .run()
    .success();
    let out = run(
        &oras,
        &[
            "manifest",
            "fetch",
            "--oci-layout",
            &format!("{}:v3", explicit.display()),
        ],
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
}

/// Where credentials come from in one login test.
enum Source<'a> {
    Env,
    DockerAuths,
    CredHelper,
    Keyring(&'a KeyringSession),
}

fn push_with(
    reg: &Registry,
    source: Source<'_>,
    password: &str,
    repo: &str,
) -> crate::support::Output {
    let dir = payload();
    let user = reg.user.clone().unwrap();
    let mut cmd = attest(&[
        "push",
        "-vv",
        "--progress",
        "never",
        &format!("{}/{repo}:v1", reg.host),
        "tool",
    ])
    .cwd(dir.path());
    let docker = dir.path().join("docker");
    std::fs::create_dir_all(&docker).unwrap();
    // An empty docker config unless the case writes one.
    cmd = cmd
        .env("DOCKER_CONFIG", &docker)
        .env("REGISTRY_AUTH_FILE", dir.path().join("none.json"));
    match source {
        Source::Env => {
            cmd = cmd
                .env("CARGO_ATTEST_REGISTRY", &reg.host)
                .env("CARGO_ATTEST_REGISTRY_USERNAME", &user)
                .env("CARGO_ATTEST_REGISTRY_PASSWORD", password);
        }
        Source::DockerAuths => {
            use base64::Engine;
            let auth =
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            let config = serde_json::json!({ "auths": { reg.host.clone(): { "auth": auth } } });
            std::fs::write(docker.join("config.json"), config.to_string()).unwrap();
        }
        Source::CredHelper => {
            let bin = dir.path().join("bin");
            std::fs::create_dir_all(&bin).unwrap();
            let helper = bin.join("docker-credential-attesttest");
            let reply =
                serde_json::json!({ "ServerURL": reg.host, "Username": user, "Secret": password });
            std::fs::write(
                &helper,
                format!("#!/bin/sh\n[ \"$1\" = get ] || exit 1\nread server\n[ \"$server\" = \"{}\" ] || {{ echo 'credentials not found in native keychain'; exit 1; }}\necho '{}'\n", reg.host, reply),
            )
            .unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
            let config = serde_json::json!({ "credHelpers": { reg.host.clone(): "attesttest" } });
            std::fs::write(docker.join("config.json"), config.to_string()).unwrap();
            let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
            cmd = cmd.env("PATH", path);
        }
        Source::Keyring(session) => {
            let login = attest(&[
                "login",
                &reg.host,
                "--username",
                &user,
                "--password-stdin",
                "-vv",
            ])
            .envs(&session.env)
            .stdin(format!("{password}\n"))
            .run();
            assert_secret_free(&login, password);
            if password != reg.password.as_deref().unwrap() {
                return login;
            }
            login.success();
            cmd = cmd.envs(&session.env);
        }
    }
    let out = cmd.run();
    assert_secret_free(&out, password);
    out
}

/// Neither the password nor anything like a token is in the output.
fn assert_secret_free(out: &crate::support::Output, password: &str) {
    for text in [&out.stdout, &out.stderr] {
        assert!(!text.contains(password), "the password leaked:\n{text}");
        assert!(
            !text.contains("eyJ"),
            "something like a JWT leaked:\n{text}"
        );
        assert!(
            !text.to_ascii_lowercase().contains("bearer "),
            "a bearer token leaked:\n{text}"
        );
        assert!(
            !text.contains("Basic "),
            "basic credentials leaked:\n{text}"
        );
    }
}

fn login_from_every_source(reg: &Registry) {
    let password = reg.password.clone().unwrap();
    let name = reg.name;
    push_with(reg, Source::Env, &password, &format!("{name}/env")).success();
    push_with(
        reg,
        Source::DockerAuths,
        &password,
        &format!("{name}/auths"),
    )
    .success();
    push_with(
        reg,
        Source::CredHelper,
        &password,
        &format!("{name}/helper"),
    )
    .success();
    {
        let session = KeyringSession::start();
        push_with(
            reg,
            Source::Keyring(&session),
            &password,
            &format!("{name}/keyring"),
        )
        .success();
        // A wrong password: the auth exit code, and the registry named.
        let wrong = push_with(
            reg,
            Source::Keyring(&session),
            "not-the-password",
            &format!("{name}/keyring"),
        );
        wrong.fails_with(7, &reg.host);
        attest(&["logout", &reg.host])
            .envs(&session.env)
            .run()
            .success();
    }
    push_with(reg, Source::Env, "not-the-password", &format!("{name}/env"))
        .fails_with(7, &reg.host);
    push_with(
        reg,
        Source::DockerAuths,
        "not-the-password",
        &format!("{name}/auths"),
    )
    .fails_with(7, &reg.host);
    // No credentials at all: the auth exit code, and how to log in.
    let dir = payload();
    attest(&["push", &format!("{}/{name}/none:v1", reg.host), "tool"])
        .cwd(dir.path())
        .env("DOCKER_CONFIG", dir.path())
        .env("REGISTRY_AUTH_FILE", dir.path().join("none.json"))
        .run()
        .fails_with(7, "cargo attest login");
}

#[test]
fn credentials_from_every_source_htpasswd() {
    {
        let reg = testbed::docker_htpasswd();
        login_from_every_source(reg);
    }
}

#[test]
fn credentials_from_every_source_token_auth() {
    {
        let reg = testbed::docker_token();
        login_from_every_source(reg);
    }
}

#[test]
fn plain_http_is_refused_off_loopback() {
    let dir = payload();
    let out = attest(&["push", "http://registry.example.com/app:v1", "tool"])
        .cwd(dir.path())
        .run();
    out.fails_with(2, "refusing plain HTTP to registry.example.com");
    assert!(
        out.stderr.contains("--plain-http"),
        "says what to do: {}",
        out.stderr
    );
    attest(&[
        "login",
        "http://registry.example.com",
        "-u",
        "x",
        "--password-stdin",
    ])
    .stdin("pw")
    .run()
    .fails_with(2, "refusing plain HTTP");
}

#[test]
fn progress_plain_lines_off_a_terminal() {
    let reg = testbed::docker_open();
    let dir = payload();
    let out = attest(&[
        "push",
        &format!("{}/progress/plain:v1", reg.host),
        "tool",
        "data.bin",
    ])
    .cwd(dir.path())
    .run();
    out.success();
    // Blobs upload concurrently: sort the lines for a stable snapshot.
    let mut lines: Vec<&str> = out.stderr.lines().collect();
    lines.sort();
    let text = format!("{}\n---\n{}", lines.join("\n"), out.stdout);
    insta::with_settings!({filters => vec![
        (r"in \d+\.\d+s", "in [T]s"),
        (r"127\.0\.0\.1:\d+", "[REGISTRY]"),
        (r"sha256:[0-9a-f]{64}", "sha256:[DIGEST]"),
    ]}, {
        insta::assert_snapshot!("push-plain-progress", text);
    });
}

#[test]
fn progress_bars_on_a_terminal() {
    let reg = testbed::docker_open();
    if !crate::support::have_command("script") {
        crate::support::missing_peer("script (bsdutils)")
    }
    let dir = payload();
    let bin = env!("CARGO_BIN_EXE_cargo-attest");
    let log = dir.path().join("tty.log");
    let command = format!("{bin} push {}/progress/tty:v1 tool data.bin", reg.host);
    let out = run(
        "script",
        &["-q", "-e", "-c", &command, log.to_str().unwrap()],
        Some(dir.path()),
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let capture = String::from_utf8_lossy(&std::fs::read(&log).unwrap()).into_owned();
    assert!(capture.contains("Uploading"), "no bar: {capture}");
    assert!(capture.contains("Uploaded"), "no final status: {capture}");
    assert!(capture.contains("Total"), "no overall line: {capture}");
    assert!(
        capture.contains("=>") || capture.contains("=="),
        "no bar drawing: {capture}"
    );
}
