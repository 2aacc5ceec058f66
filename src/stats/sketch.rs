//! A mergeable quantile sketch with bounded memory and a stated relative
//! error, in the spirit of DDSketch (Masson, Rim & Lee 2019, "DDSketch: a
//! fast and fully-mergeable quantile sketch with relative-error guarantees",
//! VLDB 12(12)), its uniform-collapse variant UDDSketch (Epicoco, Melle,
//! Cafaro, Pulimeno & Morleo 2020, "UDDSketch: accurate tracking of
//! quantiles in data streams", IEEE Access 8) and HdrHistogram's log-linear
//! buckets.
//!
//! A value x > 0 has a *fine key*: the top bits of its IEEE-754
//! representation, the exponent and the first [`FINEST_BITS`] bits of the
//! mantissa. Fine buckets are [m·2^e, (m + 2^−13)·2^e) for m in [1, 2):
//! geometric across octaves, linear inside one. The key is one shift of the
//! bits (no logarithm), so adding a value is cheap.
//!
//! Memory is bounded: a store (one per sign) holds at most [`MAX_BUCKETS`]
//! counters. When the values of a store span more fine buckets than that,
//! the store works at a coarser *level* L: bucket = fine key >> L, which
//! merges 2^L neighbouring fine buckets and doubles the relative width per
//! level (UDDSketch's uniform collapse: the whole range stays covered, the
//! accuracy degrades evenly). The level is the smallest that fits the range
//! of fine keys seen, a function of the data alone: so adding and merging
//! in any order, on any number of threads or machines, give the same counts.
//!
//! Reporting a bucket's midpoint gives a relative error of at most
//! 2^−(14−L) for every value in it ([`Sketch::relative_accuracy`]):
//! 2^−14 ≈ 6.1e-5 at level 0, which holds for any metric whose values
//! (of one sign) span less than a factor of 2^8 = 256; 1.2e-4 up to 2^16,
//! 2.4e-4 up to 2^32, and so on. Negative values use a mirrored store.
//! |x| below [`MIN_INDEXABLE`] (the smallest normal double, 2.2e-308)
//! counts as zero, so the relative accuracy holds down to it. Counts are
//! integers, so merging is exact. Counters are 32-bit until a store's
//! total would pass 2^32 − 1, then 64-bit (see `counts.rs`): memory per
//! sketch is at most 2 × [`MAX_BUCKETS`] × 4 bytes = 1 MiB, whatever the
//! values, for up to 4.29·10^9 values per sign, and 2 MiB beyond.

use serde::{Deserialize, Serialize};

use super::counts::Counts;

/// Mantissa bits kept in a fine bucket key (2^13 buckets per octave).
pub const FINEST_BITS: u32 = 13;
/// Relative accuracy of a quantile read from a sketch at level 0: 2^−14 ≈ 0.0061%.
pub const RELATIVE_ACCURACY: f64 = 1.0 / (1u64 << (FINEST_BITS + 1)) as f64;
/// Most counters a store holds (per sign): bounds a sketch's memory.
pub const MAX_BUCKETS: i64 = 1 << 17;
const SHIFT: u32 = 52 - FINEST_BITS;
/// Magnitudes below this (subnormal numbers and zero) count as zero.
pub const MIN_INDEXABLE: f64 = f64::MIN_POSITIVE;

/// The counts of one sign's magnitudes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Store {
    /// Smallest and largest fine key ever added (exact; decide the level).
    min_key: i64,
    max_key: i64,
    /// Buckets are fine keys >> level.
    level: u32,
    /// Bucket of the first counter.
    offset: i64,
    counts: Counts,
}

impl Default for Store {
    fn default() -> Self {
        Store {
            min_key: i64::MAX,
            max_key: i64::MIN,
            level: 0,
            offset: 0,
            counts: Counts::zeros(0, 0),
        }
    }
}

/// The smallest level at which fine keys `min..=max` fit in MAX_BUCKETS buckets.
fn level_for(min: i64, max: i64) -> u32 {
    let mut level = 0;
    while (max >> level) - (min >> level) + 1 > MAX_BUCKETS {
        level += 1;
    }
    level
}

impl Store {
    fn is_empty(&self) -> bool {
        self.min_key > self.max_key
    }

    /// Make room for fine keys `lo..=hi` (adjusting the level if the range
    /// grows past MAX_BUCKETS), so that `increment` can index directly.
    fn reserve(&mut self, lo: i64, hi: i64) {
        let (min, max) = (self.min_key.min(lo), self.max_key.max(hi));
        self.rebin(min, max, level_for(min, max));
    }

    /// Re-bin the counts at `level` (≥ the current one) over fine keys `min..=max`.
    fn rebin(&mut self, min: i64, max: i64, level: u32) {
        let (first, last) = (min >> level, max >> level);
        let unchanged = level == self.level && !self.counts.is_empty();
        if unchanged && first >= self.offset && last < self.offset + self.counts.len() as i64 {
            self.min_key = min;
            self.max_key = max;
            return;
        }
        let mut counts = Counts::zeros((last - first + 1) as usize, self.counts.total());
        let coarsen = level - self.level;
        for (i, c) in self.counts.iter().enumerate() {
            if c > 0 {
                counts.add((((self.offset + i as i64) >> coarsen) - first) as usize, c);
            }
        }
        *self = Store {
            min_key: min,
            max_key: max,
            level,
            offset: first,
            counts,
        };
    }

    /// Count `sign·x` for every x of `values` (all of them magnitudes in
    /// fine keys `lo..=hi` once multiplied by `sign`).
    fn add_magnitudes(&mut self, values: &[f64], lo: i64, hi: i64, sign: f64) {
        self.reserve(lo, hi);
        let (level, offset) = (self.level, self.offset);
        self.counts
            .add_each(values, |x| ((fine_key(sign * x) >> level) - offset) as usize);
    }

    #[inline]
    fn increment(&mut self, fine_key: i64) {
        self.counts.add(((fine_key >> self.level) - self.offset) as usize, 1);
    }

    fn merge(&mut self, other: &Store) {
        if other.is_empty() {
            return;
        }
        let (min, max) = (self.min_key.min(other.min_key), self.max_key.max(other.max_key));
        self.rebin(min, max, level_for(min, max).max(self.level).max(other.level));
        let coarsen = self.level - other.level;
        for (i, c) in other.counts.iter().enumerate() {
            if c > 0 {
                let bucket = (other.offset + i as i64) >> coarsen;
                self.counts.add((bucket - self.offset) as usize, c);
            }
        }
    }

    /// Bounds of the bucket holding the value of ascending rank `rank`
    /// (0-based, below the store's count).
    fn bucket_at_rank(&self, rank: u64) -> (f64, f64) {
        if let Some(i) = self.counts.index_of_rank(rank) {
            let bucket = self.offset + i as i64;
            return (bound(bucket << self.level), bound((bucket + 1) << self.level));
        }
        let last = self.offset + self.counts.len() as i64 - 1;
        (bound(last << self.level), bound((last + 1) << self.level))
    }

    /// Check the invariants of a store that did not come from this code
    /// (one read from a file), so that merging it can neither index out of
    /// bounds nor overflow; returns the sum of its counts.
    fn check(&self) -> std::result::Result<u64, String> {
        if self.counts.is_empty() {
            return Ok(0);
        }
        // Fine keys are the top 64 − SHIFT bits of a non-negative double.
        let key_limit = 1i64 << (64 - SHIFT);
        if !(0 <= self.min_key && self.min_key <= self.max_key && self.max_key < key_limit) {
            return Err(format!("keys {}..={} out of range", self.min_key, self.max_key));
        }
        if self.level > 63 - SHIFT || self.level < level_for(self.min_key, self.max_key) {
            return Err(format!(
                "level {} does not fit keys {}..={}",
                self.level, self.min_key, self.max_key
            ));
        }
        let (first, last) = (self.min_key >> self.level, self.max_key >> self.level);
        let len = self.counts.len() as i64;
        if self.offset > first || self.offset + len <= last {
            return Err(format!(
                "{len} buckets from {} do not hold buckets {first}..={last}",
                self.offset
            ));
        }
        let mut total: u64 = 0;
        for (i, c) in self.counts.iter().enumerate() {
            let bucket = self.offset + i as i64;
            if c > 0 && !(first..=last).contains(&bucket) {
                return Err(format!("a count in bucket {bucket}, outside {first}..={last}"));
            }
            total = total.checked_add(c).ok_or("counts overflow")?;
        }
        Ok(total)
    }

    /// (lower bound, upper bound, count) of each non-empty bucket, ascending.
    fn buckets(&self) -> impl DoubleEndedIterator<Item = (f64, f64, u64)> + '_ {
        self.counts.iter().enumerate().filter(|&(_, c)| c > 0).map(|(i, c)| {
            let bucket = self.offset + i as i64;
            (bound(bucket << self.level), bound((bucket + 1) << self.level), c)
        })
    }
}

/// The fine key of a magnitude ≥ MIN_INDEXABLE (monotone in the value).
#[inline]
fn fine_key(magnitude: f64) -> i64 {
    (magnitude.to_bits() >> SHIFT) as i64
}

/// The smallest value with fine key `key` (the largest finite double past the top).
fn bound(key: i64) -> f64 {
    f64::from_bits((key as u64) << SHIFT).min(f64::MAX)
}

/// The sketch of one output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sketch {
    positive: Store,
    negative: Store,
    zero: u64,
    count: u64,
    min: f64,
    max: f64,
}

impl Default for Sketch {
    fn default() -> Self {
        Sketch {
            positive: Store::default(),
            negative: Store::default(),
            zero: 0,
            count: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }
}

impl Sketch {
    /// Add every finite value of a slice (non-finite values are skipped:
    /// they are counted by `Moments`).
    pub fn add_all(&mut self, values: &[f64]) {
        // The common case: every value finite and of one sign, away from
        // zero. One branch-free pass finds the range (NaN compares false, so
        // it is caught by `nan`), and the counting loop has no branch at all.
        let (mut lo, mut hi, mut nan) = (f64::INFINITY, f64::NEG_INFINITY, false);
        for &x in values {
            lo = if x < lo { x } else { lo };
            hi = if x > hi { x } else { hi };
            nan |= x.is_nan();
        }
        if !nan && lo >= MIN_INDEXABLE && hi < f64::INFINITY {
            self.count += values.len() as u64;
            self.min = self.min.min(lo);
            self.max = self.max.max(hi);
            self.positive.add_magnitudes(values, fine_key(lo), fine_key(hi), 1.0);
            return;
        }
        if !nan && hi <= -MIN_INDEXABLE && lo > f64::NEG_INFINITY {
            self.count += values.len() as u64;
            self.min = self.min.min(lo);
            self.max = self.max.max(hi);
            self.negative.add_magnitudes(values, fine_key(-hi), fine_key(-lo), -1.0);
            return;
        }
        self.add_mixed(values);
    }

    /// `add_all` for a slice with both signs, zeros or non-finite values.
    fn add_mixed(&mut self, values: &[f64]) {
        // One pass for the range of each sign's magnitudes, so the stores
        // grow once per slice and the counting loop below only indexes.
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        let (mut pos_lo, mut pos_hi) = (f64::INFINITY, 0.0f64);
        let (mut neg_lo, mut neg_hi) = (f64::INFINITY, 0.0f64);
        for &x in values {
            if x.is_finite() {
                lo = lo.min(x);
                hi = hi.max(x);
                if x >= MIN_INDEXABLE {
                    pos_lo = pos_lo.min(x);
                    pos_hi = pos_hi.max(x);
                } else if x <= -MIN_INDEXABLE {
                    neg_lo = neg_lo.min(-x);
                    neg_hi = neg_hi.max(-x);
                }
            }
        }
        if lo > hi {
            return;
        }
        self.min = self.min.min(lo);
        self.max = self.max.max(hi);
        if pos_hi > 0.0 {
            self.positive.reserve(fine_key(pos_lo), fine_key(pos_hi));
        }
        if neg_hi > 0.0 {
            self.negative.reserve(fine_key(neg_lo), fine_key(neg_hi));
        }
        for &x in values {
            if !x.is_finite() {
                continue;
            }
            self.count += 1;
            if x >= MIN_INDEXABLE {
                self.positive.increment(fine_key(x));
            } else if x <= -MIN_INDEXABLE {
                self.negative.increment(fine_key(-x));
            } else {
                self.zero += 1;
            }
        }
    }

    /// Merge another sketch into this one (exact: counts add, and the level
    /// depends only on the union of the values).
    pub fn merge(&mut self, other: &Sketch) {
        self.positive.merge(&other.positive);
        self.negative.merge(&other.negative);
        self.zero += other.zero;
        self.count += other.count;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// Check the invariants of a sketch that did not come from this code
    /// (one read from a state file): each store's buckets hold its keys,
    /// and the counts add up to [`Sketch::count`]. Returns what is wrong.
    pub fn check(&self) -> std::result::Result<(), String> {
        let positive = self.positive.check().map_err(|e| format!("positive values: {e}"))?;
        let negative = self.negative.check().map_err(|e| format!("negative values: {e}"))?;
        let total = [positive, negative, self.zero]
            .iter()
            .try_fold(0u64, |a, &b| a.checked_add(b))
            .ok_or("counts overflow")?;
        if total != self.count {
            return Err(format!(
                "its buckets hold {total} values but its count is {}",
                self.count
            ));
        }
        // (Written so that a NaN bound fails too.)
        if self.count > 0 && self.min.partial_cmp(&self.max).is_none_or(|o| o.is_gt()) {
            return Err(format!("min {} above max {}", self.min, self.max));
        }
        Ok(())
    }

    /// Number of values.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Smallest value seen (exact).
    pub fn min(&self) -> f64 {
        self.min
    }

    /// Largest value seen (exact).
    pub fn max(&self) -> f64 {
        self.max
    }

    /// The worst relative error of a value read from this sketch:
    /// 2^−(14−L) at the coarser of the two stores' levels L.
    pub fn relative_accuracy(&self) -> f64 {
        let level = self.positive.level.max(self.negative.level);
        RELATIVE_ACCURACY * f64::from(1u32 << level)
    }

    /// Counters held (both signs), a measure of its memory.
    pub fn buckets_held(&self) -> usize {
        self.positive.counts.len() + self.negative.counts.len()
    }

    /// Every bucket as (representative value, count), ascending by value.
    /// The representative is the bucket's midpoint.
    pub fn buckets(&self) -> impl Iterator<Item = (f64, u64)> + '_ {
        let mid = |lo: f64, hi: f64| lo + 0.5 * (hi - lo);
        let negative = self.negative.buckets().rev().map(move |(lo, hi, c)| (-mid(lo, hi), c));
        let zero = (self.zero > 0).then_some((0.0, self.zero));
        let positive = self.positive.buckets().map(move |(lo, hi, c)| (mid(lo, hi), c));
        negative.chain(zero).chain(positive)
    }

    /// The value of order statistic `rank` (0-based, may be fractional:
    /// rounded down), within the sketch's relative accuracy. NaN when empty.
    pub fn value_at_rank(&self, rank: f64) -> f64 {
        if self.count == 0 {
            return f64::NAN;
        }
        if rank <= 0.0 {
            return self.min;
        }
        if rank >= (self.count - 1) as f64 {
            return self.max;
        }
        // Walk the raw counts (most negative first), without computing any
        // bucket's bounds until the one holding the rank is found.
        let target = rank.floor() as u64;
        let mid = |lo: f64, hi: f64| lo + 0.5 * (hi - lo);
        let negative: u64 = self.negative.counts.total();
        let value = if target < negative {
            let (lo, hi) = self.negative.bucket_at_rank(negative - 1 - target);
            -mid(lo, hi)
        } else if target < negative + self.zero {
            0.0
        } else {
            let (lo, hi) = self.positive.bucket_at_rank(target - negative - self.zero);
            mid(lo, hi)
        };
        value.clamp(self.min, self.max)
    }

    /// The q-quantile (q in [0, 1]) at rank q·(n − 1), within the sketch's
    /// relative accuracy.
    pub fn quantile(&self, q: f64) -> f64 {
        self.value_at_rank(q * (self.count.saturating_sub(1)) as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sketch_of(xs: &[f64]) -> Sketch {
        let mut s = Sketch::default();
        s.add_all(xs);
        s
    }

    fn exact(sorted: &[f64], q: f64) -> f64 {
        sorted[(q * (sorted.len() - 1) as f64).floor() as usize]
    }

    #[test]
    fn quantiles_within_relative_error_of_exact() {
        let xs: Vec<f64> = (0..20_001).map(|i| (i as f64 - 5000.0) * 1.37 + 0.25).collect();
        let s = sketch_of(&xs);
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        for &q in &[0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975, 1.0] {
            let (got, want) = (s.quantile(q), exact(&sorted, q));
            assert!(
                (got - want).abs() <= s.relative_accuracy() * want.abs() + 1e-12,
                "q={q}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn merging_is_exact_and_order_free() {
        let a: Vec<f64> = (1..500).map(|i| i as f64 * 3.1).collect();
        let b: Vec<f64> = (1..700).map(|i| -(i as f64) * 0.7).collect();
        let (sa, sb, mut all) = (sketch_of(&a), sketch_of(&b), sketch_of(&a));
        all.add_all(&b);
        let mut ab = sa.clone();
        ab.merge(&sb);
        let mut ba = sb.clone();
        ba.merge(&sa);
        assert_eq!(ab.buckets().collect::<Vec<_>>(), all.buckets().collect::<Vec<_>>());
        assert_eq!(ba.buckets().collect::<Vec<_>>(), all.buckets().collect::<Vec<_>>());
        assert_eq!(ab.count(), 1198);
    }

    #[test]
    fn every_value_is_within_the_stated_accuracy_of_its_bucket() {
        for i in 0..100_000 {
            let x = 1e-6 * 1.000_37f64.powi(i);
            let s = sketch_of(&[x]);
            let m = s.buckets().next().unwrap().0;
            assert!((m - x).abs() <= RELATIVE_ACCURACY * x, "x={x} midpoint={m}");
        }
        assert!(fine_key(1.0) < fine_key(1.0 + 2e-4) && fine_key(0.999) < fine_key(1.0));
    }

    #[test]
    fn sketches_built_here_pass_their_check_and_broken_ones_fail() {
        let mut s = sketch_of(&[1.0, -2.0, 0.0, 3.5e10, 1e-300]);
        assert_eq!(s.check(), Ok(()));
        assert_eq!(Sketch::default().check(), Ok(()));
        s.count += 1;
        assert!(s.check().unwrap_err().contains("count"));
        s.count -= 1;
        s.positive.offset += 1;
        assert!(s.check().unwrap_err().contains("positive"));
        s.positive.offset -= 1;
        s.negative.max_key = i64::MAX;
        assert!(s.check().unwrap_err().contains("negative"));
    }

    #[test]
    fn zero_and_constant() {
        let s = sketch_of(&[0.0, 0.0, 5.0, f64::NAN]);
        assert_eq!(s.count(), 3);
        assert_eq!(s.quantile(0.5), 0.0);
        assert_eq!(sketch_of(&[7.0; 10]).quantile(0.3), 7.0);
    }

    /// Values over a huge range: memory stays bounded, the level rises, the
    /// stated accuracy holds, and any split of the data merges to the same counts.
    #[test]
    fn memory_is_bounded_and_coarsening_is_order_free() {
        // A lognormal-like spread over ~280 octaves, both signs, and tiny values.
        let xs: Vec<f64> = (0..40_000)
            .map(|i| {
                let t = (i as f64 * 0.618_033_988_749_895).fract();
                let sign = if i % 3 == 0 { -1.0 } else { 1.0 };
                sign * (t * 400.0 - 200.0).exp2() * (1.0 + t)
            })
            .collect();
        let whole = sketch_of(&xs);
        assert!(whole.buckets_held() as i64 <= 2 * MAX_BUCKETS);
        assert!(whole.relative_accuracy() > RELATIVE_ACCURACY, "coarsened");
        for cut in [1, 777, 20_000, 39_999] {
            let (mut left, right) = (sketch_of(&xs[..cut]), sketch_of(&xs[cut..]));
            left.merge(&right);
            assert_eq!(left, whole, "cut at {cut}");
            let mut in_pieces = Sketch::default();
            for piece in xs.chunks(1000) {
                in_pieces.add_all(piece);
            }
            assert_eq!(in_pieces, whole);
        }
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        for &q in &[0.01, 0.2, 0.5, 0.8, 0.99] {
            let (got, want) = (whole.quantile(q), exact(&sorted, q));
            assert!(
                (got - want).abs() <= whole.relative_accuracy() * want.abs(),
                "q={q}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn relative_accuracy_holds_down_to_the_smallest_normal_and_up_to_the_largest() {
        let xs = [1e-307, 3e-300, 8e-31, 2.5e-10, 1.0, 7e150, 1.7e308];
        let s = sketch_of(&xs);
        for (i, &x) in xs.iter().enumerate() {
            let got = s.value_at_rank(i as f64);
            assert!((got - x).abs() <= s.relative_accuracy() * x, "{got} vs {x}");
        }
        assert!(s.quantile(1.0).is_finite() && s.quantile(0.99).is_finite());
    }
}
