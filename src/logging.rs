//! Diagnostics on stderr through `tracing`: warnings and notes by default,
//! step-by-step detail at `-v`, every HTTP exchange at `-vv`, only errors
//! with `-q`. Secrets are never logged at any level: they are never put in
//! a message in the first place.
//! Map: docs/architecture.md#logging

use std::fmt;

use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// Installs the stderr logger for a verbosity (`-v` count) and `-q`.
pub fn init(verbose: u8, quiet: bool) {
    let level = if quiet {
        Level::ERROR
    } else {
        match verbose {
            0 => Level::INFO,
            1 => Level::DEBUG,
            _ => Level::TRACE,
        }
    };
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    // Only our own events: the HTTP stack's traces say nothing a user needs.
    let ours = tracing_subscriber::filter::Targets::new().with_target("cargo_attest", level);
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(|| crate::output::Stderr)
                .event_format(Plain),
        )
        .with(ours)
        .try_init();
}

/// `warning: ...` for warnings, the bare message for notes, an indented
/// line for detail: what people read, without timestamps or targets.
struct Plain;

impl<S, N> FormatEvent<S, N> for Plain
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        match *event.metadata().level() {
            Level::ERROR => write!(writer, "error: ")?,
            Level::WARN => write!(writer, "warning: ")?,
            Level::INFO => {}
            Level::DEBUG | Level::TRACE => write!(writer, "  ")?,
        }
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}
