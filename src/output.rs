//! Writing to stdout and stderr when the reader may be gone.
//!
//! `cargo attest discover REF | head -1` closes the pipe after one line.
//! Rust ignores SIGPIPE, so the next write fails with `BrokenPipe`, and
//! `println!`/`eprintln!` would panic (exit 101). Everything the command
//! prints goes through here instead: a failed write is remembered, the
//! command finishes its work quietly, and the binary exits with
//! [`crate::ExitCode::OutputClosed`].
//! Map: docs/architecture.md#output

use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static CLOSED: AtomicBool = AtomicBool::new(false);

/// The JSON label of a fieldless enum's variant (its serde name), for
/// human output: text spells a state as JSON does.
pub(crate) fn label(value: &impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(label)) => label,
        other => {
            debug_assert!(false, "not a label: {other:?}");
            String::new()
        }
    }
}

/// Whether a write to stdout or stderr has failed during this run.
pub(crate) fn closed() -> bool {
    CLOSED.load(Ordering::Relaxed)
}

fn note<T>(result: io::Result<T>) {
    if result.is_err() {
        CLOSED.store(true, Ordering::Relaxed);
    }
}

/// Writes to stdout, remembering a failure instead of panicking.
pub(crate) fn stdout(args: fmt::Arguments<'_>) {
    let mut out = io::stdout().lock();
    note(out.write_fmt(args).and_then(|()| out.flush()));
}

/// Writes to stderr, remembering a failure instead of panicking.
pub(crate) fn stderr(args: fmt::Arguments<'_>) {
    let mut err = io::stderr().lock();
    note(err.write_fmt(args).and_then(|()| err.flush()));
}

/// stderr as the logger's writer: a failed write is remembered and
/// swallowed, so diagnostics never turn a closed pipe into an error.
pub(crate) struct Stderr;

impl Write for Stderr {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = io::stderr().write(buf);
        match written {
            Ok(n) => Ok(n),
            Err(e) => {
                note::<()>(Err(e));
                Ok(buf.len())
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        note(io::stderr().flush());
        Ok(())
    }
}
