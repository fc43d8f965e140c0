//! The local Sigstore stack as a program: `scripts/sigstore-stack.sh` runs
//! it (`cargo run --quiet --example sigstore-stack -- [--env-file PATH]
//! [-- COMMAND ARGS...]`). tests/README.md ("The stack as a program")
//! documents it.
//!
//! It starts what the integration tests start, with the same code (the
//! harness modules below, included by path): the keyless stack, Rekor v1,
//! and the two instances (public good's and GitHub's shapes) with their
//! recording proxies and TUF repositories, all on free 127.0.0.1 ports. It
//! writes the env file (`NAME='VALUE'` lines, `Instances::env`), then
//!
//! - with a COMMAND: runs it with those variables exported and exits with
//!   its status (128 + N when a signal N ended it);
//! - without: prints the env file's path on stdout and waits until
//!   interrupted.
//!
//! Stopping: every server runs under testbed.rs' watchdog, whose stdin is a
//! pipe from this process, so when this process ends, however it ends
//! (COMMAND done, a failed start, Ctrl-C, SIGTERM, even SIGKILL), each
//! server is killed and its temp dir removed. SIGINT, SIGTERM and SIGHUP
//! are passed on to COMMAND (its exit ends this program); a second one, or
//! one while no COMMAND runs, ends it at once.

// The harness modules are written for the test binary: `pub` helpers for
// sibling modules, progress on stderr. This program prints the env file's
// path and exits with its command's status.
#![allow(
    unreachable_pub,
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::exit
)]

#[allow(dead_code)]
#[path = "../tests/integration/rekor_v1_stack.rs"]
mod rekor_v1_stack;
#[path = "../tests/integration/sigstore_instances.rs"]
mod sigstore_instances;
#[path = "../tests/integration/sigstore_stack.rs"]
mod sigstore_stack;
#[allow(dead_code)]
#[path = "../tests/integration/peer_support.rs"]
mod support;
#[path = "../tests/integration/testbed.rs"]
mod testbed;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::task::Poll;
use std::time::{Duration, Instant};

use tokio::signal::unix::{SignalKind, signal};

const USAGE: &str = "usage: scripts/sigstore-stack.sh [--env-file PATH] [-- COMMAND [ARGS...]]";

/// The running COMMAND's pid (0: none yet).
static CHILD: AtomicU32 = AtomicU32::new(0);

fn main() {
    let (env_file, command) = match parse_args(std::env::args().skip(1).collect()) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("sigstore-stack: {e}\n{USAGE}");
            std::process::exit(2);
        }
    };
    std::thread::spawn(watch_signals);
    wait_for_tsa_metrics_port();

    let instances = sigstore_instances::instances();
    // A relative --env-file is relative to where the script was started
    // (it runs cargo from the checkout).
    let env_file = match (env_file, std::env::var_os("SIGSTORE_STACK_CWD")) {
        (Some(f), Some(cwd)) if f.is_relative() => PathBuf::from(cwd).join(f),
        (Some(f), _) => f,
        (None, _) => instances.dir.join("sigstore-stack.env"),
    };
    let mut text = instances.env_file_text();
    text.push_str(&format!(
        "SIGSTORE_STACK_ENV='{}'\n",
        env_file.display().to_string().replace('\'', r"'\''")
    ));
    // Written whole, then renamed: a reader waiting for the file never
    // sees half of it.
    let partial = env_file.with_extension("partial");
    if let Err(e) =
        std::fs::write(&partial, text).and_then(|()| std::fs::rename(&partial, &env_file))
    {
        eprintln!("sigstore-stack: cannot write {}: {e}", env_file.display());
        std::process::exit(1);
    }

    if command.is_empty() {
        println!("{}", env_file.display());
        eprintln!(
            "sigstore-stack: up; `set -a; . {}; set +a` in another shell, Ctrl-C here stops it",
            env_file.display()
        );
        loop {
            std::thread::park();
        }
    }
    let mut cmd = Command::new(&command[0]);
    // scripts/sigstore-stack.sh runs cargo from the checkout; the command
    // runs where the script was started.
    if let Some(dir) = std::env::var_os("SIGSTORE_STACK_CWD") {
        cmd.current_dir(dir).env_remove("SIGSTORE_STACK_CWD");
    }
    cmd.args(&command[1..])
        .envs(instances.env())
        .env("SIGSTORE_STACK_ENV", &env_file);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("sigstore-stack: cannot run {}: {e}", command[0]);
            std::process::exit(127);
        }
    };
    CHILD.store(child.id(), Ordering::SeqCst);
    let status = child.wait().unwrap_or_else(|e| {
        eprintln!("sigstore-stack: waiting for {}: {e}", command[0]);
        std::process::exit(1);
    });
    use std::os::unix::process::ExitStatusExt;
    let code = status
        .code()
        .or_else(|| status.signal().map(|s| 128 + s))
        .unwrap_or(1);
    // Exiting closes the watchdogs' pipes: every server stops.
    std::process::exit(code);
}

fn parse_args(args: Vec<String>) -> Result<(Option<PathBuf>, Vec<String>), String> {
    let mut env_file = None;
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--" => {
                let command: Vec<String> = it.collect();
                if command.is_empty() {
                    return Err("`--` needs a COMMAND".into());
                }
                return Ok((env_file, command));
            }
            "--env-file" => {
                env_file = Some(PathBuf::from(it.next().ok_or("--env-file needs a PATH")?));
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    Ok((env_file, Vec::new()))
}

/// timestamp-server binds port 2112 (all interfaces) for its metrics and
/// exits when it is taken: a stack that just stopped (a previous run, the
/// test binary before this one) may hold it for a moment yet. Waits up to
/// 15 s; past that, the stack's start says who holds it.
fn wait_for_tsa_metrics_port() {
    let deadline = Instant::now() + Duration::from_secs(15);
    while TcpListener::bind(("0.0.0.0", sigstore_stack::TSA_METRICS_PORT)).is_err()
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Passes SIGINT, SIGTERM and SIGHUP on to COMMAND; exits on a second one,
/// or on one that comes while no COMMAND runs.
fn watch_signals() {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("sigstore-stack: no signal handling: {e}");
            return;
        }
    };
    runtime.block_on(async {
        let kinds = [
            (SignalKind::interrupt(), "INT", 2),
            (SignalKind::terminate(), "TERM", 15),
            (SignalKind::hangup(), "HUP", 1),
        ];
        let mut signals = Vec::new();
        for (kind, name, number) in kinds {
            match signal(kind) {
                Ok(s) => signals.push((s, name, number)),
                Err(e) => eprintln!("sigstore-stack: cannot handle SIG{name}: {e}"),
            }
        }
        let mut forwarded = false;
        loop {
            let (name, number) = std::future::poll_fn(|cx| {
                for (s, name, number) in signals.iter_mut() {
                    if s.poll_recv(cx).is_ready() {
                        return Poll::Ready((*name, *number));
                    }
                }
                Poll::Pending
            })
            .await;
            let child = CHILD.load(Ordering::SeqCst);
            if child == 0 || forwarded {
                eprintln!("sigstore-stack: SIG{name}: stopping the stack");
                std::process::exit(128 + number);
            }
            forwarded = true;
            // A terminal's Ctrl-C reached COMMAND already (same process
            // group); a signal sent to this process alone did not.
            let _ = Command::new("kill")
                .args(["-s", name, &child.to_string()])
                .status();
        }
    });
}
