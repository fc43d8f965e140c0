//! One module per command: orchestration between the CLI model and the core
//! modules. Human text goes to stderr for notes and stdout for results; with
//! `--format json`, stdout carries exactly one JSON document.

mod attach;
mod attest;
mod generate;
mod key;
mod login;
mod maintain;
mod push;
mod target;
mod verify;

use std::io::Write;
use std::path::Path;

use serde::Serialize;
use zeroize::Zeroizing;

use crate::cli::{Cli, Command, Format, GlobalArgs};
use crate::error::{Error, Result};

pub use generate::{write_completions, write_man_pages};

/// Set once a command printed its JSON document: a command that reports
/// and then fails (verify REF, prune) must not get a second document.
static JSON_EMITTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether this process already printed its one JSON document.
pub fn json_emitted() -> bool {
    JSON_EMITTED.load(std::sync::atomic::Ordering::Relaxed)
}

/// Environment variable holding the passphrase of encrypted PEM keys.
pub const PASSPHRASE_ENV: &str = "CARGO_ATTEST_KEY_PASSPHRASE";

pub fn run(cli: Cli) -> Result<()> {
    let ui = Ui::new(&cli.global);
    match cli.command {
        None => attest::run(&ui, &cli.global, &cli.attest),
        Some(Command::Push(args)) => push::run(&ui, &cli.global, &args),
        Some(Command::Attach(args)) => attach::run_attach(&ui, &cli.global, &args),
        Some(Command::Discover(args)) => attach::run_discover(&ui, &cli.global, &args),
        Some(Command::Prune(args)) => maintain::prune(&ui, &cli.global, &args),
        Some(Command::Migrate(args)) => maintain::migrate(&ui, &cli.global, &args),
        Some(Command::Login(args)) => login::login(&ui, &cli.global, &args),
        Some(Command::Logout(args)) => login::logout(&ui, &args),
        Some(Command::Verify(args)) => verify::run(&ui, &cli.global, &args),
        Some(Command::Key(cmd)) => key::run(&ui, cmd),
        Some(Command::Generate(cmd)) => generate::run(&ui, cmd),
    }
}

/// Where and how much to print.
pub struct Ui {
    pub format: Format,
    pub quiet: bool,
    pub verbose: u8,
}

impl Ui {
    pub fn new(global: &GlobalArgs) -> Self {
        Ui {
            format: global.format,
            quiet: global.quiet,
            verbose: global.verbose,
        }
    }

    pub fn json(&self) -> bool {
        self.format == Format::Json
    }

    /// A result line for people (stdout, text format only).
    pub fn result(&self, line: impl AsRef<str>) {
        if !self.quiet && !self.json() {
            println!("{}", line.as_ref());
        }
    }

    /// The JSON document of a command (stdout, json format only).
    pub fn emit_json(&self, value: &impl Serialize) -> Result<()> {
        if self.json() {
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, value)
                .map_err(|e| Error::internal(format!("cannot write JSON: {e}")))?;
            writeln!(out).map_err(|e| Error::io("write", "stdout", e))?;
            JSON_EMITTED.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(())
    }

    /// A note for people, on stderr.
    pub fn note(&self, line: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", line.as_ref());
        }
    }

    pub fn warn(&self, line: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("warning: {}", line.as_ref());
        }
    }

    /// Step-by-step detail at `-v` (level 1) or `-vv` (level 2).
    pub fn detail(&self, level: u8, line: impl AsRef<str>) {
        if self.verbose >= level {
            eprintln!("  {}", line.as_ref());
        }
    }
}

/// Reads the passphrase for an encrypted key: the environment variable if
/// set, else a prompt on the terminal (asked twice when `confirm`).
pub fn read_passphrase(purpose: &str, confirm: bool) -> Result<Zeroizing<String>> {
    if let Some(pass) = std::env::var_os(PASSPHRASE_ENV) {
        let pass = pass
            .into_string()
            .map_err(|_| Error::key(format!("{PASSPHRASE_ENV} is not valid UTF-8")))?;
        if pass.is_empty() {
            return Err(Error::key(format!("{PASSPHRASE_ENV} is set but empty")));
        }
        return Ok(Zeroizing::new(pass));
    }
    let no_tty = |e: std::io::Error| {
        Error::key(format!(
            "{purpose} needs a passphrase and there is no terminal to ask on ({e}); \
             set {PASSPHRASE_ENV}"
        ))
    };
    let pass = Zeroizing::new(
        rpassword::prompt_password(format!("Passphrase for {purpose}: ")).map_err(no_tty)?,
    );
    if pass.is_empty() {
        return Err(Error::key("empty passphrase"));
    }
    if confirm {
        let again =
            Zeroizing::new(rpassword::prompt_password("Repeat passphrase: ").map_err(no_tty)?);
        if *again != *pass {
            return Err(Error::key("the passphrases differ"));
        }
    }
    Ok(pass)
}

/// Writes `contents` to `path` through a temporary file in the same
/// directory and a rename, so no reader ever sees half a file. `private`
/// files get owner-only permissions before any byte is written.
pub fn write_file_atomically(path: &Path, contents: &[u8], private: bool) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create directory", dir, e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".cargo-attest-")
        .tempfile_in(dir)
        .map_err(|e| Error::io("write", path, e))?;
    // tempfile creates files with mode 0600; widen only public outputs.
    #[cfg(unix)]
    if !private {
        use std::os::unix::fs::PermissionsExt;
        let mode = 0o644;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(mode))
            .map_err(|e| Error::io("write", path, e))?;
    }
    #[cfg(not(unix))]
    let _ = private;
    tmp.write_all(contents)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| Error::io("write", path, e))?;
    tmp.persist(path)
        .map_err(|e| Error::io("write", path, e.error))?;
    Ok(())
}

/// Reads a whole file (or stdin for `-`) as UTF-8 text.
pub fn read_text(path: &Path) -> Result<String> {
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| Error::io("read", "stdin", e))?;
        return Ok(text);
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
    String::from_utf8(bytes)
        .map_err(|_| Error::invalid_input(format!("{}: not UTF-8 text", path.display())))
}

/// A path as people want to read it: relative to the current directory when
/// it lies below it, else as it is.
pub fn display_path(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}
