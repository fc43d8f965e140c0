//! One module per command: orchestration between the CLI model, the
//! settings and the core modules. Each command returns a [`Report`] that
//! the binary renders: human lines on stdout, or exactly one JSON document
//! with `--format json`. Notes and diagnostics go to stderr through
//! `tracing`.

mod attach;
mod attest;
mod discover;
mod download;
mod generate;
mod inspect;
mod key;
mod login;
mod maintain;
mod push;
mod verify;

use serde::Serialize;

use crate::cli::{Command, Format};
use crate::error::{Error, Result};
use crate::registry::attach::AttachOptions;
use crate::registry::attach::capabilities::Memory;
use crate::settings::Settings;

/// What a command produced: its JSON document, its lines for people, and
/// the error it ends with after reporting (verify REF, prune), if any.
pub struct Report {
    json: serde_json::Value,
    lines: Vec<String>,
    failure: Option<Error>,
}

impl Report {
    fn new(json: &impl Serialize) -> Result<Self> {
        Ok(Report {
            json: serde_json::to_value(json)
                .map_err(|e| Error::internal(format!("cannot build the JSON output: {e}")))?,
            lines: Vec::new(),
            failure: None,
        })
    }

    fn line(&mut self, line: impl Into<String>) {
        self.lines.push(line.into());
    }

    fn fail(mut self, error: Error) -> Self {
        self.failure = Some(error);
        self
    }
}

/// Prints a command's outcome and returns the process exit code.
pub fn finish(outcome: Result<Report>, format: Format, quiet: bool) -> u8 {
    use std::io::Write;
    let (report, error) = match outcome {
        Ok(mut report) => {
            let failure = report.failure.take();
            (Some(report), failure)
        }
        Err(e) => (None, Some(e)),
    };
    let mut out = std::io::stdout().lock();
    match (&report, format) {
        (Some(r), Format::Json) => {
            let _ = serde_json::to_writer_pretty(&mut out, &r.json);
            let _ = writeln!(out);
        }
        (Some(r), Format::Text) if !quiet => {
            for line in &r.lines {
                let _ = writeln!(out, "{line}");
            }
        }
        _ => {}
    }
    let Some(error) = error else {
        return 0;
    };
    let code = error.exit_code().code();
    let text = error.report();
    eprintln!("error: {text}");
    // One JSON document per run: a command that reported before failing
    // keeps its report; otherwise the error is the document.
    if format == Format::Json && report.is_none() {
        let doc = serde_json::json!({
            "error": { "exitCode": code, "message": text }
        });
        let _ = writeln!(out, "{doc:#}");
    }
    let _ = out.flush();
    code
}

pub fn run(cli: crate::cli::Cli, settings: &Settings) -> Result<Report> {
    if let Some(deadline) = settings.deadline() {
        backstop(deadline);
    }
    match cli.command {
        None => attest::run(settings, &cli.attest),
        Some(Command::Push(args)) => push::run(settings, &args),
        Some(Command::Attach(args)) => attach::run(settings, &args),
        Some(Command::Discover(args)) => discover::run(settings, &args),
        Some(Command::Download(args)) => download::run(settings, &args),
        Some(Command::Inspect(args)) => inspect::run(settings, &args),
        Some(Command::Prune(args)) => maintain::prune(settings, &args),
        Some(Command::Migrate(args)) => maintain::migrate(settings, &args),
        Some(Command::Login(args)) => login::login(settings, &args),
        Some(Command::Logout(args)) => login::logout(settings, &args),
        Some(Command::Verify(args)) => verify::run(settings, &args),
        Some(Command::Key(cmd)) => key::run(settings, cmd),
        Some(Command::Generate(cmd)) => generate::run(cmd),
    }
}

/// Ends the process a little after the command's deadline, whatever it is
/// stuck in. Registry requests are bounded by the deadline themselves and
/// fail first, with an error that names what timed out; this catches what
/// they do not cover (a signing service, a keyring, a credential helper),
/// so that an unattended run never hangs. It prints and exits itself:
/// the thread that would report the error is the one that is stuck.
#[allow(clippy::exit, clippy::print_stderr)]
fn backstop(deadline: crate::deadline::Deadline) {
    let at = deadline.backstop();
    std::thread::spawn(move || {
        loop {
            let left = at.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                break;
            }
            std::thread::sleep(left);
        }
        let error = deadline.error("waiting for a service or the system to answer");
        eprintln!("error: {}", error.report());
        std::process::exit(i32::from(error.exit_code().code()));
    });
}

/// The capability memory at the settings' cache directory.
fn memory(settings: &Settings) -> Memory {
    Memory::in_dir(settings.cache_dir.as_deref())
}

fn attach_options<'a>(
    settings: &Settings,
    memory: &'a Memory,
    created: Option<&'a str>,
) -> AttachOptions<'a> {
    AttachOptions {
        strategy: settings.strategy,
        memory,
        redetect: settings.redetect,
        created,
    }
}
