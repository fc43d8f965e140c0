//! Time limits, so that nothing waits forever (DESIGN.md section 7): the
//! command's overall bound (`--timeout`), and the stall window after which
//! a transfer that moves no bytes is cut (`CARGO_ATTEST_STALL_TIMEOUT`).
//! Every request's own deadline grows with its size and is capped by what
//! is left of the command's bound.
//! Map: docs/architecture.md#deadline

use std::time::{Duration, Instant};

use crate::error::Error;

/// The stall window when none is set: long enough for a registry that
/// stores a large blob before it answers, short enough that a dead link
/// is noticed within a minute.
pub(crate) const DEFAULT_STALL: Duration = Duration::from_secs(60);
/// The command's bound when nobody is at a terminal to press Ctrl-C (CI,
/// cron, a Makefile under nohup): a hang costs at most this much.
pub(crate) const DEFAULT_UNATTENDED_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// The slowest transfer rate a request's deadline allows for, in bytes per
/// second: a request of N MiB gets N seconds on top of the stall window.
const MIN_RATE: u64 = 1 << 20;

/// The command's overall bound, and when it started.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline {
    at: Instant,
    limit: Duration,
}

impl Deadline {
    pub(crate) fn after(limit: Duration) -> Self {
        Deadline {
            at: Instant::now() + limit,
            limit,
        }
    }

    pub(crate) fn remaining(&self) -> Duration {
        self.at.saturating_duration_since(Instant::now())
    }

    pub(crate) fn expired(&self) -> bool {
        Instant::now() >= self.at
    }

    /// The error of a command that ran out of time while doing `what`.
    pub(crate) fn error(&self, what: &str) -> Error {
        Error::timeout(format!(
            "gave up after {}: the command's time limit ran out while {what}; \
             raise it with --timeout (or CARGO_ATTEST_TIMEOUT), e.g. --timeout 2h, or 0 for none",
            human(self.limit)
        ))
    }

    /// When the process is ended however it is stuck: a moment after the
    /// deadline, so that the requests it bounds fail first with an error
    /// that names what timed out.
    pub(crate) fn backstop(&self) -> Instant {
        self.at + Duration::from_secs(10)
    }
}

/// The limits every transfer of a command runs under.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// No progress for this long cuts a transfer (resumed or retried).
    pub(crate) stall: Duration,
    /// The command's overall bound, if any.
    pub(crate) deadline: Option<Deadline>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            stall: DEFAULT_STALL,
            deadline: None,
        }
    }
}

impl Limits {
    /// The total deadline of a request that moves `bytes` bytes: the stall
    /// window plus a second per MiB, capped by what is left of the
    /// command's bound.
    pub(crate) fn for_transfer(&self, bytes: u64) -> Duration {
        self.cap(self.stall + Duration::from_secs(bytes / MIN_RATE))
    }

    /// `wanted`, cut to what is left of the command's bound.
    pub(crate) fn cap(&self, wanted: Duration) -> Duration {
        match &self.deadline {
            Some(d) => wanted.min(d.remaining()),
            None => wanted,
        }
    }

    /// The error to end with when the command's bound is spent, if it is.
    pub(crate) fn check(&self, what: &str) -> Result<(), Error> {
        match &self.deadline {
            Some(d) if d.expired() => Err(d.error(what)),
            _ => Ok(()),
        }
    }

    /// Whether the command's bound is spent (a request that timed out then
    /// timed out because of it).
    pub(crate) fn expired(&self) -> bool {
        self.deadline.as_ref().is_some_and(Deadline::expired)
    }

    /// Sleeps `wait` before a retry, or fails when that would outlive the
    /// command's bound.
    pub(crate) fn sleep(&self, wait: Duration, what: &str) -> Result<(), Error> {
        if let Some(d) = &self.deadline
            && d.remaining() <= wait
        {
            std::thread::sleep(d.remaining());
            return Err(d.error(what));
        }
        std::thread::sleep(wait);
        Ok(())
    }
}

/// A duration as `--timeout` takes it: whole seconds, or a number with the
/// unit `s`, `m` or `h` (`90`, `90s`, `15m`, `2h`). `0` means none.
pub(crate) fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => text.split_at(i),
        None => (text, "s"),
    };
    let n: u64 = number.parse().ok()?;
    let seconds = match unit.trim() {
        "s" => n,
        "m" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        _ => return None,
    };
    Some(Duration::from_secs(seconds))
}

/// A duration for messages: `45s`, `30m`, `1h30m`.
pub(crate) fn human(d: Duration) -> String {
    let s = d.as_secs();
    match (s / 3600, (s % 3600) / 60, s % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, 0) => format!("{m}m"),
        (0, m, s) => format!("{m}m{s}s"),
        (h, 0, 0) => format!("{h}h"),
        (h, m, _) => format!("{h}h{m}m"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("90"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("90s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("15m"), Some(Duration::from_secs(900)));
        assert_eq!(parse_duration("2h"), Some(Duration::from_secs(7200)));
        assert_eq!(parse_duration("0"), Some(Duration::ZERO));
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_duration("1.5h"), None);
        assert_eq!(parse_duration("10d"), None);
        assert_eq!(parse_duration("-3"), None);
    }

    #[test]
    fn durations_print_short() {
        assert_eq!(human(Duration::from_secs(45)), "45s");
        assert_eq!(human(Duration::from_secs(1800)), "30m");
        assert_eq!(human(Duration::from_secs(5400)), "1h30m");
        assert_eq!(human(Duration::from_secs(7200)), "2h");
    }

    #[test]
    fn request_deadlines_grow_with_size_and_stop_at_the_commands() {
        let limits = Limits {
            stall: Duration::from_secs(60),
            deadline: None,
        };
        assert_eq!(limits.for_transfer(0), Duration::from_secs(60));
        assert_eq!(limits.for_transfer(1 << 30), Duration::from_secs(60 + 1024));
        let bounded = Limits {
            deadline: Some(Deadline::after(Duration::from_secs(5))),
            ..limits
        };
        assert!(bounded.for_transfer(1 << 30) <= Duration::from_secs(5));
        assert!(bounded.check("pushing").is_ok());
        let spent = Limits {
            deadline: Some(Deadline::after(Duration::ZERO)),
            ..limits
        };
        let e = spent.check("pushing x").unwrap_err();
        assert_eq!(e.exit_code(), crate::error::ExitCode::Timeout);
        assert!(e.to_string().contains("--timeout"), "{e}");
    }
}
