//! Progress of blob transfers: indicatif bars on a terminal, one plain line
//! per event elsewhere, or nothing.
//! Map: docs/architecture.md#progress

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{HumanBytes, MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Bars when stderr is a terminal, else plain lines.
    Auto,
    Bars,
    Plain,
    Quiet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Uploaded,
    Exists,
}

/// Reports transfers. Cheap to share across threads.
pub(crate) struct Progress {
    kind: Kind,
}

enum Kind {
    Bars {
        multi: MultiProgress,
        overall: ProgressBar,
    },
    /// Shared with the blobs' counters, which print a line when stalled.
    Plain(Arc<Mutex<()>>),
    Quiet,
}

/// One blob's transfer.
pub(crate) struct Blob<'a> {
    progress: &'a Progress,
    name: String,
    size: u64,
    started: Instant,
    bar: Option<ProgressBar>,
}

impl Progress {
    pub(crate) fn new(mode: Mode) -> Self {
        let mode = match mode {
            Mode::Auto if std::io::stderr().is_terminal() => Mode::Bars,
            Mode::Auto => Mode::Plain,
            m => m,
        };
        let kind = match mode {
            Mode::Bars => {
                let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr_with_hz(10));
                let overall = multi.add(ProgressBar::new(0));
                overall.set_style(
                    ProgressStyle::with_template(
                        "{prefix:>10.bold} {bytes}/{total_bytes} ({binary_bytes_per_sec}) {msg}",
                    )
                    .expect("static template"),
                );
                overall.set_prefix("Total");
                Kind::Bars { multi, overall }
            }
            Mode::Plain => Kind::Plain(Arc::new(Mutex::new(()))),
            _ => Kind::Quiet,
        };
        Progress { kind }
    }

    /// Adds a blob of `size` bytes to the overall total.
    pub(crate) fn blob(&self, name: &str, size: u64) -> Blob<'_> {
        let bar = match &self.kind {
            Kind::Bars { multi, overall } => {
                overall.inc_length(size);
                let bar = multi.insert_before(overall, ProgressBar::new(size));
                bar.set_style(
                    ProgressStyle::with_template(
                        "{prefix:>10.cyan.bold} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} {msg}",
                    )
                    .expect("static template")
                    .progress_chars("=> "),
                );
                bar.set_prefix("Uploading");
                bar.set_message(name.to_string());
                bar.enable_steady_tick(Duration::from_millis(200));
                Some(bar)
            }
            _ => None,
        };
        Blob {
            progress: self,
            name: name.to_string(),
            size,
            started: Instant::now(),
            bar,
        }
    }

    /// A line of its own (above the bars on a terminal).
    pub(crate) fn line(&self, text: &str) {
        match &self.kind {
            Kind::Bars { multi, .. } => {
                let _ = multi.println(text);
            }
            Kind::Plain(lock) => {
                let _guard = lock.lock().unwrap_or_else(|p| p.into_inner());
                crate::output::stderr(format_args!("{text}\n"));
            }
            Kind::Quiet => {}
        }
    }

    pub(crate) fn finish(&self) {
        if let Kind::Bars { overall, .. } = &self.kind {
            overall.finish_with_message("done");
        }
    }
}

/// Counts transferred bytes into a blob's bar and the overall line from any
/// thread, without a message per read; says when the transfer stalls.
#[derive(Clone)]
pub(crate) struct Counter {
    bars: Option<(ProgressBar, ProgressBar)>,
    /// Plain lines: the lock they are printed under, and the blob's name.
    plain: Option<(Arc<Mutex<()>>, Arc<str>)>,
    /// Set while the bar says "Stalled", until bytes move again.
    stalled: Arc<AtomicBool>,
}

impl Counter {
    /// A counter that shows nothing.
    #[cfg(test)]
    pub(crate) fn none() -> Self {
        Counter {
            bars: None,
            plain: None,
            stalled: Arc::new(AtomicBool::new(false)),
        }
    }

    pub(crate) fn add(&self, bytes: u64) {
        if let Some((bar, overall)) = &self.bars {
            if self.stalled.swap(false, Ordering::Relaxed) {
                bar.set_prefix("Uploading");
            }
            bar.inc(bytes);
            overall.inc(bytes);
        }
    }

    /// The transfer moved nothing for `idle`: it is cut and resumed, and
    /// the user sees why it paused.
    pub(crate) fn stalled(&self, idle: Duration) {
        if let Some((bar, _)) = &self.bars {
            self.stalled.store(true, Ordering::Relaxed);
            bar.set_prefix("Stalled");
        }
        if let Some((lock, name)) = &self.plain {
            let _guard = lock.lock().unwrap_or_else(|p| p.into_inner());
            crate::output::stderr(format_args!(
                "Stalled {name}: no progress for {}; cutting the transfer to resume it\n",
                crate::deadline::human(idle)
            ));
        }
    }
}

impl Blob<'_> {
    /// A counter for this blob that can move to another thread.
    pub(crate) fn counter(&self) -> Counter {
        Counter {
            bars: match (&self.bar, &self.progress.kind) {
                (Some(bar), Kind::Bars { overall, .. }) => Some((bar.clone(), overall.clone())),
                _ => None,
            },
            plain: match &self.progress.kind {
                Kind::Plain(lock) => Some((Arc::clone(lock), Arc::from(self.name.as_str()))),
                _ => None,
            },
            stalled: Arc::new(AtomicBool::new(false)),
        }
    }

    pub(crate) fn start(&self) {
        if let Kind::Plain(_) = self.progress.kind {
            self.progress.line(&format!(
                "Uploading {} ({})",
                self.name,
                HumanBytes(self.size)
            ));
        }
    }

    /// A retry starts the transfer over.
    pub(crate) fn restart(&self) {
        if let Some(bar) = &self.bar {
            let done = bar.position();
            bar.set_position(0);
            if let Kind::Bars { overall, .. } = &self.progress.kind {
                overall.set_position(overall.position().saturating_sub(done));
            }
        }
    }

    pub(crate) fn finish(self, status: Status) {
        let word = match status {
            Status::Uploaded => "Uploaded",
            Status::Exists => "Exists",
        };
        match &self.bar {
            Some(bar) => {
                if status == Status::Exists {
                    if let Kind::Bars { overall, .. } = &self.progress.kind {
                        overall.inc(self.size.saturating_sub(bar.position()));
                    }
                    // Nothing was transferred: no bar and no speed (a blob
                    // skipped in a millisecond would show terabytes/s).
                    bar.set_style(
                        ProgressStyle::with_template(
                            "{prefix:>10.green.bold} {msg} ({total_bytes}, already there)",
                        )
                        .expect("static template"),
                    );
                }
                bar.set_prefix(word);
                bar.set_position(self.size);
                bar.finish();
            }
            None => {
                let secs = self.started.elapsed().as_secs_f64();
                let line = match status {
                    Status::Uploaded => format!(
                        "{word} {} ({}) in {secs:.1}s",
                        self.name,
                        HumanBytes(self.size)
                    ),
                    Status::Exists => format!("{word} {} ({})", self.name, HumanBytes(self.size)),
                };
                self.progress.line(&line);
            }
        }
    }
}
