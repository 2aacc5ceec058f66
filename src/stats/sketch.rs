//! A mergeable quantile sketch with bounded relative error, in the spirit of
//! DDSketch (Masson, Rim & Lee 2019, "DDSketch: a fast and fully-mergeable
//! quantile sketch with relative-error guarantees", VLDB 12(12)) and of
//! HdrHistogram's log-linear buckets.
//!
//! A value x > 0 goes to the bucket named by the top bits of its IEEE-754
//! representation: the exponent and the first [`MANTISSA_BITS`] bits of the
//! mantissa. Buckets are therefore [m·2^e, (m + 2^−13)·2^e) for m in [1, 2):
//! geometric across octaves, linear inside one, with a relative width of at
//! most 2^−13. Reporting the bucket's midpoint gives a relative error of at
//! most 2^−14 ≈ 6.1e-5 ([`RELATIVE_ACCURACY`]) for every value in it. The
//! key is one shift of the bits (no logarithm), so adding a value is cheap.
//!
//! Negative values use a mirrored store, and |x| below [`MIN_INDEXABLE`]
//! counts as zero. Counts are integers, so merging is exact and does not
//! depend on the order of merges; memory depends on the range of the values
//! (8,192 buckets per factor of two), never on how many there are.

/// Mantissa bits kept in a bucket key.
pub const MANTISSA_BITS: u32 = 13;
/// Relative accuracy of every quantile read from a sketch: 2^−14 ≈ 0.0061%.
pub const RELATIVE_ACCURACY: f64 = 1.0 / (1u64 << (MANTISSA_BITS + 1)) as f64;
const SHIFT: u32 = 52 - MANTISSA_BITS;
/// Magnitudes below this are counted in the zero bucket.
pub const MIN_INDEXABLE: f64 = 1e-30;

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
struct Store {
    offset: i64,
    counts: Vec<u64>,
}

impl Store {
    fn add(&mut self, key: i64, n: u64) {
        if self.counts.is_empty() {
            self.offset = key;
            self.counts.push(0);
        }
        if key < self.offset {
            let grow = (self.offset - key) as usize;
            let extra = grow.max(self.counts.len() / 2);
            let mut counts = vec![0; extra + self.counts.len()];
            counts[extra..].copy_from_slice(&self.counts);
            self.counts = counts;
            self.offset -= extra as i64;
        }
        let i = (key - self.offset) as usize;
        if i >= self.counts.len() {
            let new_len = (i + 1).max(self.counts.len() + self.counts.len() / 2);
            self.counts.resize(new_len, 0);
        }
        self.counts[i] += n;
    }

    /// Make sure keys lo..=hi have a slot, so that `add_unchecked` can index.
    fn reserve(&mut self, lo: i64, hi: i64) {
        self.add(lo, 0);
        self.add(hi, 0);
    }

    fn increment(&mut self, key: i64) {
        self.counts[(key - self.offset) as usize] += 1;
    }

    fn merge(&mut self, other: &Store) {
        for (i, &c) in other.counts.iter().enumerate() {
            if c > 0 {
                self.add(other.offset + i as i64, c);
            }
        }
    }

    /// (key, count) pairs with a count, keys ascending.
    fn buckets(&self) -> impl DoubleEndedIterator<Item = (i64, u64)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(i, c)| (self.offset + i as i64, *c))
    }
}

/// The sketch of one output.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
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

/// The bucket key of a magnitude ≥ MIN_INDEXABLE (monotone in the value).
fn key(magnitude: f64) -> i64 {
    (magnitude.to_bits() >> SHIFT) as i64
}

/// The midpoint of bucket `key`.
fn midpoint(key: i64) -> f64 {
    let lower = f64::from_bits((key as u64) << SHIFT);
    let upper = f64::from_bits(((key + 1) as u64) << SHIFT);
    0.5 * (lower + upper)
}

impl Sketch {
    /// Add every finite value of a slice (non-finite values are skipped:
    /// they are counted by `Moments`).
    pub fn add_all(&mut self, values: &[f64]) {
        // One pass for the range, so the stores grow once per slice and the
        // counting loop below only indexes.
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for &x in values {
            if x.is_finite() {
                lo = lo.min(x);
                hi = hi.max(x);
            }
        }
        if lo > hi {
            return;
        }
        self.min = self.min.min(lo);
        self.max = self.max.max(hi);
        if hi >= MIN_INDEXABLE {
            self.positive.reserve(key(lo.max(MIN_INDEXABLE)), key(hi));
        }
        if lo <= -MIN_INDEXABLE {
            self.negative.reserve(key((-hi).max(MIN_INDEXABLE)), key(-lo));
        }
        for &x in values {
            if !x.is_finite() {
                continue;
            }
            self.count += 1;
            if x >= MIN_INDEXABLE {
                self.positive.increment(key(x));
            } else if x <= -MIN_INDEXABLE {
                self.negative.increment(key(-x));
            } else {
                self.zero += 1;
            }
        }
    }

    /// Merge another sketch into this one (exact: counts add).
    pub fn merge(&mut self, other: &Sketch) {
        self.positive.merge(&other.positive);
        self.negative.merge(&other.negative);
        self.zero += other.zero;
        self.count += other.count;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
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

    /// Every bucket as (representative value, count), ascending by value.
    pub fn buckets(&self) -> impl Iterator<Item = (f64, u64)> + '_ {
        let negative = self.negative.buckets().rev().map(|(k, c)| (-midpoint(k), c));
        let zero = (self.zero > 0).then_some((0.0, self.zero));
        let positive = self.positive.buckets().map(|(k, c)| (midpoint(k), c));
        negative.chain(zero).chain(positive)
    }

    /// The value of order statistic `rank` (0-based, may be fractional:
    /// rounded down), within relative error α. NaN when empty.
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
        let mut seen = 0u64;
        let target = rank.floor() as u64;
        for (value, count) in self.buckets() {
            seen += count;
            if seen > target {
                return value.clamp(self.min, self.max);
            }
        }
        self.max
    }

    /// The q-quantile (q in [0, 1]) at rank q·(n − 1), within relative error α.
    pub fn quantile(&self, q: f64) -> f64 {
        self.value_at_rank(q * (self.count.saturating_sub(1)) as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_within_relative_error_of_exact() {
        let xs: Vec<f64> = (0..20_001).map(|i| (i as f64 - 5000.0) * 1.37 + 0.25).collect();
        let mut s = Sketch::default();
        s.add_all(&xs);
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        for &q in &[0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975, 1.0] {
            let exact = sorted[(q * (xs.len() - 1) as f64).floor() as usize];
            let got = s.quantile(q);
            assert!(
                (got - exact).abs() <= RELATIVE_ACCURACY * exact.abs() + 1e-12,
                "q={q}: {got} vs {exact}"
            );
        }
    }

    #[test]
    fn merging_is_exact_and_order_free() {
        let a: Vec<f64> = (1..500).map(|i| i as f64 * 3.1).collect();
        let b: Vec<f64> = (1..700).map(|i| -(i as f64) * 0.7).collect();
        let (mut sa, mut sb, mut all) = (Sketch::default(), Sketch::default(), Sketch::default());
        sa.add_all(&a);
        sb.add_all(&b);
        all.add_all(&a);
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
            let m = midpoint(key(x));
            assert!((m - x).abs() <= RELATIVE_ACCURACY * x, "x={x} midpoint={m}");
        }
        assert!(key(1.0) < key(1.0 + 2e-4) && key(0.999) < key(1.0));
    }

    #[test]
    fn zero_and_constant() {
        let mut s = Sketch::default();
        s.add_all(&[0.0, 0.0, 5.0, f64::NAN]);
        assert_eq!(s.count(), 3);
        assert_eq!(s.quantile(0.5), 0.0);
        let mut c = Sketch::default();
        c.add_all(&[7.0; 10]);
        assert_eq!(c.quantile(0.3), 7.0);
    }
}
