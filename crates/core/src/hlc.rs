//! A hybrid logical clock. Stamps order changes across devices whose wall clocks disagree:
//! a stamp never goes backwards on a device, and a device that has seen a remote stamp
//! stamps its next change after it. Ties between devices are broken by device id, in sync.
//!
//! A stamp is one `i64`: milliseconds since the Unix epoch in the high 48 bits and a
//! logical counter in the low 16, so stamps compare as plain integers.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "number"))]
#[serde(transparent)]
pub struct Hlc(i64);

const COUNTER_BITS: u32 = 16;
const COUNTER_MAX: i64 = (1 << COUNTER_BITS) - 1;

impl Hlc {
    pub const ZERO: Hlc = Hlc(0);

    pub fn from_raw(raw: i64) -> Self {
        Hlc(raw)
    }

    pub fn raw(self) -> i64 {
        self.0
    }

    pub fn millis(self) -> i64 {
        self.0 >> COUNTER_BITS
    }

    pub fn counter(self) -> i64 {
        self.0 & COUNTER_MAX
    }

    fn pack(millis: i64, counter: i64) -> Self {
        Hlc((millis << COUNTER_BITS) | counter)
    }

    /// The stamp for a local event, given the last stamp issued and the wall clock now.
    pub fn tick(last: Hlc, wall_millis: i64) -> Hlc {
        if wall_millis > last.millis() {
            Hlc::pack(wall_millis, 0)
        } else if last.counter() < COUNTER_MAX {
            Hlc(last.0 + 1)
        } else {
            // 65,536 events in one millisecond: borrow the next millisecond.
            Hlc::pack(last.millis() + 1, 0)
        }
    }

    /// The stamp after receiving `remote`: later than both `last` and `remote`.
    pub fn receive(last: Hlc, remote: Hlc, wall_millis: i64) -> Hlc {
        let newest = last.max(remote);
        Hlc::tick(newest, wall_millis)
    }
}

pub(crate) fn wall_millis() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn follows_the_wall_clock_when_it_moves_forward() {
        let a = Hlc::tick(Hlc::ZERO, 1_000);
        assert_eq!((a.millis(), a.counter()), (1_000, 0));
        let b = Hlc::tick(a, 2_000);
        assert_eq!((b.millis(), b.counter()), (2_000, 0));
    }

    #[test]
    fn never_goes_backwards_when_the_wall_clock_does() {
        let a = Hlc::tick(Hlc::ZERO, 5_000);
        let b = Hlc::tick(a, 1_000); // clock set back
        assert!(b > a);
        assert_eq!(b.millis(), 5_000);
    }

    #[test]
    fn a_received_stamp_from_a_fast_clock_moves_us_past_it() {
        let remote = Hlc::tick(Hlc::ZERO, 10_000_000); // days ahead
        let local = Hlc::tick(Hlc::ZERO, 1_000);
        let next = Hlc::receive(local, remote, 1_001);
        assert!(next > remote && next > local);
    }

    proptest! {
        #[test]
        fn stamps_strictly_increase(walls in proptest::collection::vec(0i64..1_000_000, 1..200)) {
            let mut last = Hlc::ZERO;
            for w in walls {
                let next = Hlc::tick(last, w);
                prop_assert!(next > last);
                last = next;
            }
        }
    }
}
