//! How long to wait before trying again after a failed sync: doubling from a few seconds up
//! to a cap, with jitter so that a school's PCs do not all knock at once when the network
//! returns.

use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Backoff {
    failures: u32,
    base: Duration,
    cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff::new(Duration::from_secs(2), Duration::from_secs(300))
    }
}

impl Backoff {
    pub fn new(base: Duration, cap: Duration) -> Self {
        Backoff {
            failures: 0,
            base,
            cap,
        }
    }

    /// The wait after one more failure: `base * 2^n` up to `cap`, then jittered to between
    /// half and all of it. `random` is a number in `[0, 1)`.
    pub fn next_delay(&mut self, random: f64) -> Duration {
        let exp = self.failures.min(20);
        self.failures = self.failures.saturating_add(1);
        let full = self.base.saturating_mul(1u32 << exp).min(self.cap);
        full.mul_f64(0.5 + 0.5 * random.clamp(0.0, 1.0))
    }

    /// A success: the next failure starts again from `base`.
    pub fn reset(&mut self) {
        self.failures = 0;
    }

    pub fn failures(&self) -> u32 {
        self.failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_cap_with_jitter_and_start_over_after_a_success() {
        let mut b = Backoff::new(Duration::from_secs(2), Duration::from_secs(60));
        let full: Vec<u64> = (0..7).map(|_| b.next_delay(0.999_999).as_secs()).collect();
        assert_eq!(full, [1, 3, 7, 15, 31, 59, 59]);
        let mut b = Backoff::new(Duration::from_secs(2), Duration::from_secs(60));
        assert_eq!(
            b.next_delay(0.0),
            Duration::from_secs(1),
            "jitter halves at most"
        );
        b.reset();
        assert_eq!(b.failures(), 0);
        assert_eq!(b.next_delay(0.0), Duration::from_secs(1));
    }
}
