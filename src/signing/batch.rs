//! Many signatures in one run (`cargo attest --bundle-per-subject`): made a
//! few at a time, since a Rekor v2 log answers only once an entry is
//! integrated (seconds each), all under one keyless certificate, renewed
//! only when the run would outlive it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use jiff::{SignedDuration, Timestamp};

use super::signer::Signer;
use crate::error::{Error, ExitCode, Result};

/// How much of a certificate must be left to start a signature with it:
/// the signature, its timestamp (or, without a TSA, a Rekor v1 entry's
/// signed time) and their retries must all fall within the certificate
/// (Fulcio's last ten minutes), or the bundle cannot be verified.
pub(crate) const CERTIFICATE_MARGIN: SignedDuration = SignedDuration::from_secs(120);

/// Signatures made (and logged) at once by default: enough to hide a
/// Rekor v2 log's integration delay, few enough to be polite to a public
/// instance.
pub(crate) const DEFAULT_JOBS: usize = 8;

/// The most signatures made at once.
pub(crate) const MAX_JOBS: usize = 64;

/// The time, so tests can move it.
pub(crate) trait Clock: Sync {
    fn now(&self) -> Timestamp;
}

/// The system's clock.
pub(crate) struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// Whether a certificate valid until `not_after` ends too soon to start a
/// signature at `now` with it.
pub(crate) fn renewal_due(now: Timestamp, not_after: Timestamp, margin: SignedDuration) -> bool {
    now.checked_add(margin).map_or(true, |t| t >= not_after)
}

/// A signer whose validity may end (a keyless signer's certificate).
pub(crate) trait Expiring: Send + Sync {
    fn not_after(&self) -> Option<Timestamp>;
}

impl Expiring for Signer {
    fn not_after(&self) -> Option<Timestamp> {
        match self {
            Signer::Keyless(k) => Some(k.info().not_after),
            Signer::Key { .. } => None,
        }
    }
}

/// Obtains a new signer (a fresh key and certificate).
pub(crate) type Obtain<'a, S> = dyn Fn() -> Result<S> + Sync + 'a;

/// The signer of a run of many signatures: the one it starts with, until
/// its certificate would end within the margin; then a new one, obtained
/// once for every signature still to come. A failed renewal is not tried
/// again: the signatures left fail with its error.
pub(crate) struct SignerSource<'a, S> {
    state: Mutex<State<S>>,
    obtain: &'a Obtain<'a, S>,
    clock: &'a dyn Clock,
    margin: SignedDuration,
}

struct State<S> {
    current: Arc<S>,
    /// Certificates (signers) used so far.
    obtained: usize,
    /// The exit code and text of a failed renewal.
    failed: Option<(ExitCode, String)>,
}

impl<'a, S: Expiring> SignerSource<'a, S> {
    pub(crate) fn new(
        first: Arc<S>,
        obtain: &'a Obtain<'a, S>,
        clock: &'a dyn Clock,
        margin: SignedDuration,
    ) -> Self {
        SignerSource {
            state: Mutex::new(State {
                current: first,
                obtained: 1,
                failed: None,
            }),
            obtain,
            clock,
            margin,
        }
    }

    /// The signer to start the next signature with.
    pub(crate) fn signer(&self) -> Result<Arc<S>> {
        // Held while a new certificate is obtained: the other workers need
        // it too, and one Fulcio request serves them all.
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let Some(not_after) = state.current.not_after() else {
            return Ok(state.current.clone());
        };
        let now = self.clock.now();
        if !renewal_due(now, not_after, self.margin) {
            return Ok(state.current.clone());
        }
        if let Some((code, text)) = &state.failed {
            return Err(again(*code, text));
        }
        tracing::info!(
            "the signing certificate ends at {not_after}, less than {} after {now}: \
             obtaining a new one for the signatures left",
            self.margin
        );
        match (self.obtain)() {
            Ok(signer) => {
                state.current = Arc::new(signer);
                state.obtained += 1;
                Ok(state.current.clone())
            }
            Err(e) => {
                state.failed = Some((e.exit_code(), e.report()));
                Err(e)
            }
        }
    }

    /// How many signers (certificates) the run has used.
    pub(crate) fn obtained(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .obtained
    }
}

/// The error of a renewal that failed before, for a later signature: the
/// same exit code, its text quoted.
fn again(code: ExitCode, text: &str) -> Error {
    let message = format!("no certificate to sign with: obtaining one failed: {text}");
    match code {
        ExitCode::Key => Error::key(message),
        ExitCode::Usage => Error::usage(message),
        ExitCode::InvalidInput => Error::invalid_input(message),
        ExitCode::Timeout => Error::timeout(message),
        ExitCode::Registry => Error::registry("Fulcio", message),
        _ => Error::internal(message),
    }
}

/// The number of signatures made at once: `--log-jobs`, else the
/// variable's value, else [`DEFAULT_JOBS`]; 1 to [`MAX_JOBS`].
pub(crate) fn jobs(flag: Option<usize>, variable: Option<(&str, String)>) -> Result<usize> {
    let (n, from) = match (flag, variable) {
        (Some(n), _) => (n, "--log-jobs".to_string()),
        (None, Some((name, text))) => (
            text.trim().parse::<usize>().map_err(|_| {
                Error::usage(format!(
                    "{name}=`{text}`: expected a number from 1 to {MAX_JOBS}"
                ))
            })?,
            name.to_string(),
        ),
        (None, None) => return Ok(DEFAULT_JOBS),
    };
    if !(1..=MAX_JOBS).contains(&n) {
        return Err(Error::usage(format!(
            "{from} {n}: expected a number from 1 to {MAX_JOBS}"
        )));
    }
    Ok(n)
}

/// Runs `work` on every item, at most `jobs` at a time, and returns the
/// results in the items' order.
pub(crate) fn bounded<T: Sync, R: Send>(
    items: &[T],
    jobs: usize,
    work: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, items.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let result = work(item);
                    results.lock().unwrap_or_else(|p| p.into_inner())[i] = Some(result);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicI64;

    /// A clock the test moves.
    struct FakeClock(AtomicI64);

    impl FakeClock {
        fn at(seconds: i64) -> Self {
            FakeClock(AtomicI64::new(seconds))
        }
        fn set(&self, seconds: i64) {
            self.0.store(seconds, Ordering::SeqCst);
        }
    }

    impl Clock for FakeClock {
        fn now(&self) -> Timestamp {
            Timestamp::from_second(self.0.load(Ordering::SeqCst)).unwrap()
        }
    }

    /// A signer with a certificate (`Some` end) or a key (`None`).
    struct Fake {
        id: usize,
        not_after: Option<Timestamp>,
    }

    impl Expiring for Fake {
        fn not_after(&self) -> Option<Timestamp> {
            self.not_after
        }
    }

    const START: i64 = 1_800_000_000;
    const TEN_MINUTES: i64 = 600;

    fn ts(seconds: i64) -> Timestamp {
        Timestamp::from_second(seconds).unwrap()
    }

    #[test]
    fn renewal_is_due_within_the_margin_of_the_end() {
        let margin = SignedDuration::from_secs(120);
        let end = ts(START + TEN_MINUTES);
        assert!(!renewal_due(ts(START), end, margin));
        assert!(!renewal_due(ts(START + TEN_MINUTES - 121), end, margin));
        assert!(renewal_due(ts(START + TEN_MINUTES - 120), end, margin));
        assert!(renewal_due(ts(START + TEN_MINUTES + 1), end, margin));
        assert!(renewal_due(Timestamp::MAX, end, margin));
    }

    #[test]
    fn a_certificate_is_renewed_once_when_the_run_would_outlive_it() {
        let clock = FakeClock::at(START);
        let calls = AtomicUsize::new(0);
        // Each new certificate lasts ten minutes from the clock's now.
        let obtain = || {
            let id = calls.fetch_add(1, Ordering::SeqCst) + 2;
            Ok(Fake {
                id,
                not_after: Some(clock.now() + SignedDuration::from_secs(TEN_MINUTES)),
            })
        };
        let first = Arc::new(Fake {
            id: 1,
            not_after: Some(ts(START + TEN_MINUTES)),
        });
        let source = SignerSource::new(first, &obtain, &clock, CERTIFICATE_MARGIN);
        assert_eq!(source.signer().unwrap().id, 1);
        clock.set(START + 479);
        assert_eq!(source.signer().unwrap().id, 1, "121 s left: kept");
        clock.set(START + 480);
        assert_eq!(source.signer().unwrap().id, 2, "120 s left: renewed");
        // Every signature after that uses the new one, many at once.
        let ids = bounded(&[(); 50], 8, |_| source.signer().unwrap().id);
        assert!(ids.iter().all(|&id| id == 2), "{ids:?}");
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(source.obtained(), 2);
        // Ten more minutes: the second one is renewed in its turn.
        clock.set(START + 480 + 480);
        assert_eq!(source.signer().unwrap().id, 3);
        assert_eq!(source.obtained(), 3);
    }

    #[test]
    fn a_failed_renewal_fails_the_signatures_left_without_asking_again() {
        let clock = FakeClock::at(START);
        let calls = AtomicUsize::new(0);
        let obtain = || {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(Error::key("the identity token has expired"))
        };
        let first = Arc::new(Fake {
            id: 1,
            not_after: Some(ts(START + TEN_MINUTES)),
        });
        let source = SignerSource::new(first, &obtain, &clock, CERTIFICATE_MARGIN);
        assert!(source.signer().is_ok());
        clock.set(START + 500);
        for _ in 0..3 {
            let e = source.signer().err().unwrap();
            assert_eq!(e.exit_code(), ExitCode::Key);
            assert!(e.to_string().contains("expired"), "{e}");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(source.obtained(), 1);
    }

    #[test]
    fn key_signers_never_expire() {
        let clock = FakeClock::at(START);
        let obtain = || -> Result<Fake> { panic!("a key is never renewed") };
        let source = SignerSource::new(
            Arc::new(Fake {
                id: 7,
                not_after: None,
            }),
            &obtain,
            &clock,
            CERTIFICATE_MARGIN,
        );
        clock.set(i64::from(i32::MAX));
        assert_eq!(source.signer().unwrap().id, 7);
    }

    #[test]
    fn bounded_keeps_order_and_its_bound() {
        let running = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let items: Vec<usize> = (0..40).collect();
        let out = bounded(&items, 3, |&i| {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(std::time::Duration::from_millis(2));
            running.fetch_sub(1, Ordering::SeqCst);
            i * 2
        });
        assert_eq!(out, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        assert!(most.load(Ordering::SeqCst) <= 3);
        assert!(bounded(&[] as &[usize], 4, |&i| i).is_empty());
    }

    #[test]
    fn jobs_come_from_the_flag_then_the_variable() {
        let var = |v: &str| Some(("CARGO_ATTEST_LOG_JOBS", v.to_string()));
        assert_eq!(jobs(None, None).unwrap(), DEFAULT_JOBS);
        assert_eq!(jobs(Some(3), var("5")).unwrap(), 3);
        assert_eq!(jobs(None, var("5")).unwrap(), 5);
        for bad in [var("0"), var("x"), var("65")] {
            assert_eq!(jobs(None, bad).unwrap_err().exit_code(), ExitCode::Usage);
        }
        assert!(jobs(Some(0), None).is_err());
    }
}
