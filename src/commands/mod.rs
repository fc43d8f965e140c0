//! One module per command: orchestration between the CLI model, the
//! settings and the core modules. Each command returns a [`Report`] that
//! the binary renders: human lines on stdout, or exactly one JSON document
//! with `--format json`. Notes and diagnostics go to stderr through
//! `tracing`.
//! Map: docs/architecture.md#commands

mod attach;
mod attest;
mod discover;
mod download;
mod generate;
mod inspect;
mod key;
mod login;
mod maintain;
mod package;
mod push;
mod trusted_root;
mod verify;

use serde::Serialize;

use crate::attach::AttachOptions;
use crate::attach::capabilities::Memory;
use crate::cli::{Command, Format};
use crate::error::{Error, ExitCode, Result};
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

    /// Adds `key` to the JSON document, after the fields it has.
    fn field(&mut self, key: &str, value: &impl Serialize) -> Result<()> {
        let value = serde_json::to_value(value)
            .map_err(|e| Error::internal(format!("cannot build the JSON output: {e}")))?;
        match &mut self.json {
            serde_json::Value::Object(map) => {
                map.insert(key.to_string(), value);
                Ok(())
            }
            _ => Err(Error::internal("the JSON output is not an object")),
        }
    }

    fn fail(mut self, error: Error) -> Self {
        self.failure = Some(error);
        self
    }
}

/// An error in a JSON report that goes on after it (`attach --subjects`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ErrorOutput {
    exit_code: u8,
    message: String,
}

impl ErrorOutput {
    fn of(error: &Error) -> Self {
        ErrorOutput {
            exit_code: error.exit_code().code(),
            message: error.report(),
        }
    }
}

/// Prints a command's outcome and returns the process exit code. A closed
/// stdout or stderr (`| head -1`) never panics: the command's own error
/// code wins, else [`ExitCode::OutputClosed`] says the output was cut.
pub fn finish(outcome: Result<Report>, format: Format, quiet: bool) -> u8 {
    use crate::output::{stderr, stdout};
    let (report, error) = match outcome {
        Ok(mut report) => {
            let failure = report.failure.take();
            (Some(report), failure)
        }
        Err(e) => (None, Some(e)),
    };
    match (&report, format) {
        (Some(r), Format::Json) => stdout(format_args!("{:#}\n", r.json)),
        (Some(r), Format::Text) if !quiet => {
            for line in &r.lines {
                stdout(format_args!("{line}\n"));
            }
        }
        _ => {}
    }
    let Some(error) = error else {
        return if crate::output::closed() {
            ExitCode::OutputClosed.code()
        } else {
            ExitCode::Success.code()
        };
    };
    let code = error.exit_code().code();
    let text = error.report();
    stderr(format_args!("error: {text}\n"));
    // One JSON document per run: a command that reported before failing
    // keeps its report; otherwise the error is the document.
    if format == Format::Json && report.is_none() {
        let doc = serde_json::json!({
            "error": { "exitCode": code, "message": text }
        });
        stdout(format_args!("{doc:#}\n"));
    }
    code
}

pub fn run(cli: crate::cli::Cli, settings: &Settings) -> Result<Report> {
    if let Some(deadline) = settings.deadline() {
        backstop(deadline);
    }
    match cli.command {
        None => attest::run(settings, &cli.attest),
        Some(Command::Package(args)) => package::run(settings, *args),
        Some(Command::Push(args)) => push::run(settings, &args),
        Some(Command::Attach(args)) => attach::run(settings, &args),
        Some(Command::Discover(args)) => discover::run(settings, &args),
        Some(Command::Download(args)) => download::run(settings, &args),
        Some(Command::Inspect(args)) => inspect::run(settings, &args),
        Some(Command::TrustedRoot(args)) => trusted_root::run(settings, &args),
        Some(Command::Prune(args)) => maintain::prune(settings, &args),
        Some(Command::Migrate(args)) => maintain::migrate(settings, &args),
        Some(Command::Repair(args)) => maintain::repair(settings, &args),
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
#[allow(clippy::exit)]
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
        crate::output::stderr(format_args!("error: {}\n", error.report()));
        std::process::exit(i32::from(error.exit_code().code()));
    });
}

/// The core's name of the instance `--sigstore` names.
fn instance(flag: crate::cli::SigstoreInstance) -> crate::trust::Instance {
    match flag {
        crate::cli::SigstoreInstance::PublicGood => crate::trust::Instance::PublicGood,
        crate::cli::SigstoreInstance::Github => crate::trust::Instance::GitHub,
    }
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
