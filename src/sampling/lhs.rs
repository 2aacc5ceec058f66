//! Latin hypercube sampling over a whole run, without storing it.
//!
//! Each parameter's n strata [k/n, (k+1)/n) are visited in the order of a
//! pseudorandom permutation π of {0, …, n − 1}, keyed by the seed and the
//! parameter's name: iteration i falls in stratum π(i), at a uniform jitter
//! inside it. π is a hash-based bijection on the smallest power of two ≥ n,
//! restricted to [0, n) by cycle walking (Black & Rogaway 2002), so π(i) is
//! computed from i alone: any chunk, on any thread, in O(1) memory, and every
//! stratum holds exactly one point for any n. For n ≤ 2^32 the bijection is
//! Kensler's `permute` (A. Kensler 2013, "Correlated Multi-Jittered
//! Sampling", Pixar Technical Memo 13-01), built for exactly this; above
//! that, a balanced four-round Feistel network (Luby & Rackoff 1988).

/// One pass of Kensler's hash, a bijection of [0, w] (w + 1 a power of two).
#[inline(always)]
fn kensler_step(mut i: u32, p: u32, w: u32) -> u32 {
    i ^= p;
    i = i.wrapping_mul(0xe170_893d);
    i ^= p >> 16;
    i ^= (i & w) >> 4;
    i ^= p >> 8;
    i = i.wrapping_mul(0x0929_eb3f);
    i ^= p >> 23;
    i ^= (i & w) >> 1;
    i = i.wrapping_mul(1 | p >> 27);
    i = i.wrapping_mul(0x6935_fa69);
    i ^= (i & w) >> 11;
    i = i.wrapping_mul(0x74dc_b303);
    i ^= (i & w) >> 2;
    i = i.wrapping_mul(0x9e50_1cc3);
    i ^= (i & w) >> 2;
    i = i.wrapping_mul(0xc860_a3df);
    i &= w;
    i ^ (i >> 5)
}

/// A keyed permutation of {0, …, n − 1}.
#[derive(Debug, Clone, PartialEq)]
pub struct Permutation {
    n: u64,
    half_bits: u32,
    keys: [u64; 4],
    /// A final rotation of the image, in [0, n).
    offset: u64,
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Permutation {
    /// The permutation of {0, …, n − 1} for `key`.
    pub fn new(n: u64, key: u64) -> Permutation {
        let bits = (64 - n.saturating_sub(1).leading_zeros()).max(2);
        let half_bits = bits.div_ceil(2);
        let mut keys = [0; 4];
        for (round, k) in keys.iter_mut().enumerate() {
            *k = mix(key ^ (round as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        }
        let offset = (keys[1] >> 32) % n.max(1);
        Permutation {
            n,
            half_bits,
            keys,
            offset,
        }
    }

    fn feistel(&self, x: u64) -> u64 {
        let mask = (1u64 << self.half_bits) - 1;
        let (mut left, mut right) = (x >> self.half_bits, x & mask);
        for key in self.keys {
            // Round function: the SplitMix64 finaliser, a full-avalanche hash
            // (weaker one-multiply rounds left consecutive indices in nearby
            // strata and correlated the parameters: tested).
            let next = left ^ (mix(right ^ key) & mask);
            left = right;
            right = next;
        }
        (left << self.half_bits) | right
    }

    /// Kensler's permute: every step is a bijection of the low bits, so the
    /// whole is a bijection of [0, w]; cycle walking restricts it to [0, n).
    fn kensler(&self, index: u32) -> u32 {
        let (n, p, w) = self.kensler_constants();
        let mut i = kensler_step(index, p, w);
        while i >= n {
            i = kensler_step(i, p, w);
        }
        self.rotate(i)
    }

    fn kensler_constants(&self) -> (u32, u32, u32) {
        let n = self.n as u32;
        let mut w = n.wrapping_sub(1);
        w |= w >> 1;
        w |= w >> 2;
        w |= w >> 4;
        w |= w >> 8;
        w |= w >> 16;
        (n, self.keys[0] as u32, w)
    }

    /// (i + offset) mod n, without a division.
    #[inline(always)]
    fn rotate(&self, i: u32) -> u32 {
        let rotated = u64::from(i) + self.offset;
        (if rotated >= self.n { rotated - self.n } else { rotated }) as u32
    }

    /// π(first), π(first + 1), … into `out` (n ≤ 2^32): the same values as
    /// [`Permutation::apply`], computed as one branch-free pass that the
    /// compiler vectorises, then cycle walking for the few that need it.
    pub fn apply_chunk(&self, first: u64, out: &mut [u32]) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2 (checked just above); the function
            // only enables the compiler to use it. Integer arithmetic gives the
            // same results with or without it.
            unsafe { self.apply_chunk_avx2(first, out) };
            return;
        }
        self.apply_chunk_portable(first, out);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn apply_chunk_avx2(&self, first: u64, out: &mut [u32]) {
        self.apply_chunk_portable(first, out);
    }

    #[inline(always)]
    fn apply_chunk_portable(&self, first: u64, out: &mut [u32]) {
        let (n, p, w) = self.kensler_constants();
        let start = first as u32;
        for (r, o) in out.iter_mut().enumerate() {
            *o = kensler_step(start.wrapping_add(r as u32), p, w);
        }
        for o in out.iter_mut() {
            while *o >= n {
                *o = kensler_step(*o, p, w);
            }
            *o = self.rotate(*o);
        }
    }

    /// π(i) for i < n.
    pub fn apply(&self, i: u64) -> u64 {
        if self.n <= 1 << 32 {
            return u64::from(self.kensler(i as u32));
        }
        let mut x = self.feistel(i);
        while x >= self.n {
            x = self.feistel(x);
        }
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_a_permutation_for_awkward_sizes() {
        for n in [1u64, 2, 3, 7, 1000, 1024, 1025, 4099] {
            let p = Permutation::new(n, 42);
            let mut seen = vec![false; n as usize];
            for i in 0..n {
                let j = p.apply(i) as usize;
                assert!(!seen[j], "n = {n}: {j} twice");
                seen[j] = true;
            }
        }
        assert_ne!(Permutation::new(1000, 1).apply(5), Permutation::new(1000, 2).apply(5));
    }

    #[test]
    fn chunk_evaluation_equals_one_by_one() {
        for n in [1000u64, 1024, 5000, 1 << 20] {
            let p = Permutation::new(n, 77);
            let first = n / 3;
            let len = (n - first).min(1024) as usize;
            let mut out = vec![0u32; len];
            p.apply_chunk(first, &mut out);
            for (r, x) in out.iter().enumerate() {
                assert_eq!(u64::from(*x), p.apply(first + r as u64));
            }
        }
    }

    #[test]
    fn large_runs_use_the_feistel_network() {
        let p = Permutation::new(1 << 40, 3);
        let images: std::collections::HashSet<u64> = (0..10_000).map(|i| p.apply(i)).collect();
        assert_eq!(images.len(), 10_000);
        assert!(images.iter().all(|x| *x < 1 << 40));
    }

    #[test]
    fn permutations_with_different_keys_are_uncorrelated() {
        // Pearson correlation of π_a(i) and π_b(i), and of π_a(i) and π_a(i + 1):
        // about N(0, 1/n) for random permutations.
        let n = 1u64 << 14;
        let (a, b) = (Permutation::new(n, 11), Permutation::new(n, 12));
        let mean = (n - 1) as f64 / 2.0;
        let var = (n * n - 1) as f64 / 12.0;
        let corr = |f: &dyn Fn(u64) -> (f64, f64), m: u64| {
            (0..m)
                .map(|i| {
                    let (x, y) = f(i);
                    (x - mean) * (y - mean)
                })
                .sum::<f64>()
                / (m as f64 * var)
        };
        let across = corr(&|i| (a.apply(i) as f64, b.apply(i) as f64), n);
        let lag = corr(&|i| (a.apply(i) as f64, a.apply(i + 1) as f64), n - 1);
        let limit = 4.0 / (n as f64).sqrt();
        assert!(
            across.abs() < limit && lag.abs() < limit,
            "across {across}, lag {lag}, limit {limit}"
        );
    }
}
