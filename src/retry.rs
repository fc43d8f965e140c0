//! The one backoff of the crate: exponential with full jitter, so writers
//! that collided do not collide again in lockstep.
//! Map: docs/architecture.md#retry

use std::time::Duration;

/// The wait before retry `attempt` (1-based): `base * 2^attempt` plus up to
/// as much again of random jitter, the exponent capped at `max_doublings`.
pub(crate) fn backoff(attempt: u32, base: Duration, max_doublings: u32) -> Duration {
    let step = base.as_millis() as u64 * (1u64 << attempt.min(max_doublings));
    let mut bytes = [0u8; 4];
    let _ = getrandom::fill(&mut bytes);
    let jitter = u64::from(u32::from_le_bytes(bytes)) % step.max(1);
    Duration::from_millis(step + jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_and_is_capped() {
        let base = Duration::from_millis(100);
        for attempt in 0..10 {
            let d = backoff(attempt, base, 3);
            let step = 100u64 << attempt.min(3);
            assert!(d >= Duration::from_millis(step), "{attempt}: {d:?}");
            assert!(d < Duration::from_millis(2 * step), "{attempt}: {d:?}");
        }
    }
}
