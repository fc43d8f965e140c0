//! Destinations are checked before any work (nothing signed, logged or
//! created for a push that cannot happen), names follow the distribution
//! spec's grammar, and a closed output pipe ends a command quietly.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::support::attest;

/// A stand-in for Fulcio, the TSA and Rekor that only counts connections
/// (and closes each at once, so a regression fails fast instead of
/// hanging): a push refused up front must never reach it.
struct CountingListener {
    url: String,
    hits: Arc<AtomicUsize>,
}

impl CountingListener {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let hits = Arc::new(AtomicUsize::new(0));
        let counted = hits.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                counted.fetch_add(1, Ordering::SeqCst);
                drop(stream);
            }
        });
        CountingListener { url, hits }
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    /// `cargo attest --keyless --push DESTINATION` of `app.bin`, signing
    /// with this stand-in as Fulcio, TSA and Rekor.
    fn keyless_push(&self, destination: &str) -> crate::support::Cmd {
        attest(&[
            "--subject-path",
            "app.bin",
            "--identity-token",
            FAKE_TOKEN,
            "--fulcio-url",
            &self.url,
            "--timestamp-server-url",
            &format!("{}/api/v1/timestamp", self.url),
            "--rekor-url",
            &self.url,
            "-o",
            "app.sigstore.json",
            "--push",
            destination,
        ])
    }
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// A token shaped like a OIDC identity token (issuer, subject,
/// audience `sigstore`, expiring in 2100; the signature is not checked by
/// us, only by Fulcio, which these tests never reach for real).
const FAKE_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlIiwic3ViIjoiY2lAZXhhbXBsZS5jb20iLCJlbWFpbCI6ImNpQGV4YW1wbGUuY29tIiwiZW1haWxfdmVyaWZpZWQiOnRydWUsImF1ZCI6InNpZ3N0b3JlIiwiaWF0IjoxNzAwMDAwMDAwLCJuYmYiOjE3MDAwMDAwMDAsImV4cCI6NDEwMjQ0NDgwMH0.c2ln";

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn keyless_push_to_a_bad_destination_contacts_no_sigstore_service_and_writes_nothing() {
    let services = CountingListener::start();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.bin"), b"the artifact").unwrap();
    let digest_ref = format!("127.0.0.1:{}/app@sha256:{}", closed_port(), "a".repeat(64));
    let unreachable = format!("127.0.0.1:{}/app:v1", closed_port());
    let cases: [(&str, i32, &str); 4] = [
        (&digest_ref, 2, "to a tag, not a digest"),
        ("layout@sha256:0000", 2, "invalid digest"),
        ("bad ref!!", 2, "invalid reference"),
        (&unreachable, 8, "GET /v2/"),
    ];
    for (destination, code, needle) in cases {
        services
            .keyless_push(destination)
            .env("CARGO_ATTEST_CACHE_DIR", dir.path().join("cache"))
            .cwd(dir.path())
            .run()
            .fails_with(code, needle);
        assert_eq!(
            services.hits(),
            0,
            "--push {destination}: a Sigstore service was contacted before the destination was checked"
        );
        assert_eq!(
            entries(dir.path()),
            ["app.bin"],
            "--push {destination}: files were created for a refused push"
        );
    }
}

#[test]
fn key_push_to_a_bad_destination_fails_before_the_key_is_loaded() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.bin"), b"the artifact").unwrap();
    // The key file does not exist: had it been loaded first, this would be
    // a key error (exit 6), not the destination's usage error.
    attest(&[
        "--subject-path",
        "app.bin",
        "--key",
        "missing.pem",
        "--push",
        &format!("app@sha256:{}", "b".repeat(64)),
    ])
    .cwd(dir.path())
    .run()
    .fails_with(2, "to a tag, not a digest");
    assert_eq!(entries(dir.path()), ["app.bin"]);
}

#[test]
fn push_refuses_invalid_names_tags_and_digests_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("f.txt"), b"x").unwrap();
    for (reference, needle) in [
        ("bad ref!!", "invalid reference"),
        ("Upper:v1", "invalid reference"),
        ("..:v1", "invalid reference"),
        ("app:-tag", "invalid tag"),
        ("app@sha256:abc", "invalid digest"),
        (
            &*format!("app@sha256:{}", "c".repeat(64)),
            "to a tag, not a digest",
        ),
        ("127.0.0.1:5000/Bad/Name:v1", "invalid reference"),
        ("127.0.0.1:5000/app:bad!tag", "invalid reference"),
    ] {
        attest(&["push", reference, "f.txt"])
            .cwd(dir.path())
            .run()
            .fails_with(2, needle);
        assert_eq!(
            entries(dir.path()),
            ["f.txt"],
            "push {reference}: files were created for a refused push"
        );
    }
}

/// Runs the binary with stdout and stderr each either a pipe whose reader
/// is already gone, or discarded.
fn run_with_closed(args: &[&str], cwd: &Path, close_stdout: bool, close_stderr: bool) -> i32 {
    let closed = || {
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        Stdio::from(writer)
    };
    let status = Command::new(env!("CARGO_BIN_EXE_cargo-attest"))
        .args(args)
        .current_dir(cwd)
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .stdin(Stdio::null())
        .stdout(if close_stdout {
            closed()
        } else {
            Stdio::null()
        })
        .stderr(if close_stderr {
            closed()
        } else {
            Stdio::null()
        })
        .status()
        .expect("run cargo-attest");
    status.code().unwrap_or(-1)
}

#[test]
fn a_closed_output_pipe_ends_the_command_quietly_with_exit_141() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("f.txt"), b"x").unwrap();
    // Human and JSON output, stdout closed, stderr closed, or both.
    for (i, format) in ["text", "json"].iter().enumerate() {
        for (close_stdout, close_stderr) in [(true, false), (true, true)] {
            let tag = format!("app:t{i}{}", u8::from(close_stderr));
            let code = run_with_closed(
                &[
                    "push",
                    &tag,
                    "f.txt",
                    "--format",
                    format,
                    "--progress",
                    "never",
                ],
                dir.path(),
                close_stdout,
                close_stderr,
            );
            assert_eq!(code, 141, "push {tag} --format {format}");
            // The work itself was done: the tag is there.
            let code = run_with_closed(&["discover", &tag], dir.path(), false, false);
            assert_eq!(code, 0, "discover {tag} after the closed-pipe push");
            let code = run_with_closed(
                &["discover", &tag, "--format", format],
                dir.path(),
                close_stdout,
                close_stderr,
            );
            assert_eq!(code, 141, "discover {tag} --format {format}");
        }
    }
    // A failing command keeps its own exit code when it cannot say why.
    let code = run_with_closed(&["discover", "nosuch:v1"], dir.path(), true, true);
    assert_eq!(code, 3, "discover of a missing layout with closed output");
    // The shell's way: `| head -1` under pipefail.
    let bin = env!("CARGO_BIN_EXE_cargo-attest");
    let out = crate::support::run(
        "bash",
        &[
            "-c",
            &format!(
                "'{bin}' discover app:t00 --format json 2>&1 | (exec 0<&-; true); echo \"${{PIPESTATUS[0]}}\""
            ),
        ],
        Some(dir.path()),
    );
    let code = out.stdout.trim();
    assert!(
        code == "141" || code == "0",
        "`discover | head` ended with {code} (101 is a panic): {}",
        out.stderr
    );
}

#[test]
fn wrong_registry_credentials_fail_before_signing_on_a_token_registry() {
    let reg = crate::testbed::docker_token();
    let services = CountingListener::start();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.bin"), b"the artifact").unwrap();
    let destination = reg.reference("preflight/app:v1");
    let run = |password: &str| {
        services
            .keyless_push(&destination)
            .env("CARGO_ATTEST_REGISTRY", &reg.host)
            .env("CARGO_ATTEST_REGISTRY_USERNAME", crate::testbed::TEST_USER)
            .env("CARGO_ATTEST_REGISTRY_PASSWORD", password)
            .env("CARGO_ATTEST_CACHE_DIR", dir.path().join("cache"))
            .cwd(dir.path())
            .run()
    };
    // The token service refuses the password for the push scope: the auth
    // exit code, before anything is signed.
    run("not-the-password").fails_with(7, &reg.host);
    assert_eq!(services.hits(), 0, "a Sigstore service was contacted");
    assert_eq!(entries(dir.path()), ["app.bin"]);
    // With the right password the same command gets past the destination
    // check and on to Fulcio (the counting stand-in, which refuses): the
    // check is not a blanket refusal.
    let out = run(crate::testbed::TEST_PASSWORD);
    assert_ne!(out.code, 0, "{}", out.stderr);
    assert!(
        services.hits() > 0,
        "the right credentials never reached the signing step: {}",
        out.stderr
    );
    assert!(
        !dir.path().join("app.sigstore.json").exists(),
        "a bundle was written for a failed signing"
    );
}
