//! The counters of a sketch store: 32 bits each while their total stays
//! below 2^32, 64 bits from the addition that would take it past.
//!
//! Adding a value to a sketch is one increment at a data-dependent address
//! in up to [`MAX_BUCKETS`](super::MAX_BUCKETS) counters per store, so its
//! cost is mostly cache misses. 32-bit counters halve that memory (512 KiB
//! instead of 1 MiB per store at most) and with it the misses. No count can
//! exceed the store's total, so while the total fits in 32 bits no counter
//! can overflow; the counters widen to 64 bits, once, before any addition
//! that would take the total past `u32::MAX` (4.29·10^9 values in one
//! store, more than one thread adds in a run of 10^9 iterations). Counts are
//! exact integers either way: the width changes memory, never a result.
//!
//! Serialized as a sequence of `u64` whatever the width, so a state file
//! does not depend on it (postcard writes both widths as the same varints).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The counters of one store.
#[derive(Debug, Clone)]
pub(super) struct Counts {
    /// Sum of the counters, saturating (only a corrupted file can reach
    /// `u64::MAX`; `Store::check` refuses such a file by its exact sum).
    total: u64,
    cells: Cells,
}

#[derive(Debug, Clone)]
enum Cells {
    /// Every counter, and their total, at most `u32::MAX`.
    Narrow(Vec<u32>),
    Wide(Vec<u64>),
}

impl Counts {
    /// `len` zero counters, as wide as counts totalling `total` need (the
    /// total the counters will hold once refilled).
    pub(super) fn zeros(len: usize, total: u64) -> Counts {
        let cells = if total > u64::from(u32::MAX) {
            Cells::Wide(vec![0; len])
        } else {
            Cells::Narrow(vec![0; len])
        };
        Counts { total: 0, cells }
    }

    pub(super) fn len(&self) -> usize {
        match &self.cells {
            Cells::Narrow(c) => c.len(),
            Cells::Wide(c) => c.len(),
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The sum of the counters.
    pub(super) fn total(&self) -> u64 {
        self.total
    }

    /// The counters in order, as `u64`.
    pub(super) fn iter(&self) -> impl DoubleEndedIterator<Item = u64> + ExactSizeIterator + '_ {
        (0..self.len()).map(move |i| match &self.cells {
            Cells::Narrow(c) => u64::from(c[i]),
            Cells::Wide(c) => c[i],
        })
    }

    /// Index of the counter holding 0-based ascending rank `rank`, or
    /// `None` if the counters hold `rank` or fewer values.
    pub(super) fn index_of_rank(&self, rank: u64) -> Option<usize> {
        fn find<T: Copy + Into<u64>>(cells: &[T], rank: u64) -> Option<usize> {
            let mut seen = 0u64;
            cells.iter().position(|&c| {
                seen += c.into();
                seen > rank
            })
        }
        match &self.cells {
            Cells::Narrow(c) => find(c, rank),
            Cells::Wide(c) => find(c, rank),
        }
    }

    /// Make room for `more` further values in the total, widening the
    /// counters first if the total would pass `u32::MAX`.
    fn make_room(&mut self, more: u64) {
        self.total = self.total.saturating_add(more);
        if self.total > u64::from(u32::MAX)
            && let Cells::Narrow(narrow) = &self.cells
        {
            self.cells = Cells::Wide(narrow.iter().map(|&c| u64::from(c)).collect());
        }
    }

    /// Add `count` to counter `index`.
    pub(super) fn add(&mut self, index: usize, count: u64) {
        self.make_room(count);
        match &mut self.cells {
            // make_room keeps the total, hence this counter, within u32.
            Cells::Narrow(c) => c[index] += count as u32,
            Cells::Wide(c) => c[index] = c[index].saturating_add(count),
        }
    }

    /// Add one to counter `index(x)` for each x of `values`; every index
    /// must be below [`Counts::len`].
    #[inline]
    pub(super) fn add_each(&mut self, values: &[f64], index: impl Fn(f64) -> usize) {
        #[inline]
        fn count<T: Copy + std::ops::AddAssign + From<u8>>(
            cells: &mut [T],
            values: &[f64],
            index: impl Fn(f64) -> usize,
        ) {
            for &x in values {
                cells[index(x)] += T::from(1);
            }
        }
        self.make_room(values.len() as u64);
        match &mut self.cells {
            Cells::Narrow(c) => count(c, values, index),
            Cells::Wide(c) => count(c, values, index),
        }
    }
}

/// Equal when the counters hold the same counts, whatever their width.
impl PartialEq for Counts {
    fn eq(&self, other: &Counts) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Serialize for Counts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Counts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Counts, D::Error> {
        let wide = Vec::<u64>::deserialize(deserializer)?;
        let total = wide.iter().fold(0u64, |a, &c| a.saturating_add(c));
        let cells = if total > u64::from(u32::MAX) {
            Cells::Wide(wide)
        } else {
            // Every counter is at most the total, so each fits.
            Cells::Narrow(wide.into_iter().map(|c| c as u32).collect())
        };
        Ok(Counts { total, cells })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn narrow_near_the_limit() -> Counts {
        let mut counts = Counts::zeros(3, 0);
        counts.add(1, u64::from(u32::MAX) - 2);
        counts
    }

    #[test]
    fn counters_widen_before_the_total_passes_32_bits() {
        let mut counts = narrow_near_the_limit();
        assert!(matches!(counts.cells, Cells::Narrow(_)));
        counts.add_each(&[1.0, 1.0], |_| 1);
        assert!(matches!(counts.cells, Cells::Narrow(_)), "u32::MAX itself still fits");
        assert_eq!(counts.iter().collect::<Vec<_>>(), [0, u64::from(u32::MAX), 0]);
        // The next value would wrap a 32-bit counter to 0.
        counts.add_each(&[1.0, 1.0, 1.0], |_| 1);
        assert!(matches!(counts.cells, Cells::Wide(_)));
        assert_eq!(counts.iter().collect::<Vec<_>>(), [0, u64::from(u32::MAX) + 3, 0]);
        assert_eq!(counts.total(), u64::from(u32::MAX) + 3);
        // Adding a count (as a merge does) also widens, and is exact past 2^32.
        let mut other = narrow_near_the_limit();
        other.add(2, 10);
        assert!(matches!(other.cells, Cells::Wide(_)));
        assert_eq!(other.iter().collect::<Vec<_>>(), [0, u64::from(u32::MAX) - 2, 10]);
        let mut big = Counts::zeros(3, 0);
        big.add(0, 1 << 40);
        assert_eq!(big.iter().next(), Some(1 << 40));
        assert_eq!(big.index_of_rank((1 << 40) - 1), Some(0));
        assert_eq!(big.index_of_rank(1 << 40), None);
    }

    #[test]
    fn the_width_changes_neither_equality_nor_the_bytes_written() {
        let mut narrow = Counts::zeros(4, 0);
        narrow.add(0, 5);
        narrow.add(3, 7);
        let mut wide = Counts::zeros(4, 1 << 33);
        wide.add(0, 5);
        wide.add(3, 7);
        assert!(matches!(wide.cells, Cells::Wide(_)));
        assert_eq!(narrow, wide);
        let as_u64: Vec<u64> = vec![5, 0, 0, 7];
        let bytes = postcard::to_stdvec(&narrow).unwrap();
        assert_eq!(bytes, postcard::to_stdvec(&wide).unwrap());
        assert_eq!(bytes, postcard::to_stdvec(&as_u64).unwrap());
        let back: Counts = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back, narrow);
        assert!(matches!(back.cells, Cells::Narrow(_)));
        // Counts past 32 bits come back wide and exact.
        let big: Vec<u64> = vec![1 << 35, 3];
        let back: Counts = postcard::from_bytes(&postcard::to_stdvec(&big).unwrap()).unwrap();
        assert!(matches!(back.cells, Cells::Wide(_)));
        assert_eq!(back.iter().collect::<Vec<_>>(), big);
        assert_eq!(back.total(), (1 << 35) + 3);
    }
}
