//! Owen-scrambled Sobol points.
//!
//! The Sobol sequence in base 2 with Joe–Kuo direction numbers (1,111
//! dimensions, 32-bit integers, so 2^32 points), generated directly from the
//! point index through its Gray code (Bratley & Fox 1988, Algorithm 659), so
//! any range of points can be produced by any thread.
//!
//! Scrambling is Burley's hash-based approximation of Owen's nested uniform
//! scrambling (B. Burley 2020, "Practical Hash-based Owen Scrambling", JCGT
//! 9(4)): reverse the bits, apply a Laine–Karras permutation keyed by a seed
//! per dimension, reverse back. Each output bit depends only on the bits
//! above it, which is the nested property, and the scrambled points keep the
//! sequence's stratification. A point x maps to (x + ½)/2^32, strictly inside
//! (0, 1).

use super::joe_kuo::DIRECTIONS;

/// Bits per coordinate (so at most 2^32 points).
pub const BITS: usize = 32;
/// Dimensions available.
pub const MAX_DIMS: usize = DIRECTIONS.len();

/// Direction numbers for the first `dims` dimensions.
#[derive(Debug, Clone)]
pub struct Sobol {
    directions: Vec<[u32; BITS]>,
}

impl Sobol {
    /// The sequence in `dims` dimensions (at most [`MAX_DIMS`]).
    pub fn new(dims: usize) -> Option<Sobol> {
        if dims > MAX_DIMS {
            return None;
        }
        let directions = DIRECTIONS[..dims]
            .iter()
            .map(|(poly, m)| direction_numbers(*poly, m))
            .collect();
        Some(Sobol { directions })
    }

    /// Number of dimensions.
    pub fn dims(&self) -> usize {
        self.directions.len()
    }

    /// Coordinate `dim` of point `index`, as a 32-bit integer (unscrambled).
    pub fn integer(&self, index: u32, dim: usize) -> u32 {
        let mut gray = index ^ (index >> 1);
        let mut x = 0;
        let v = &self.directions[dim];
        let mut bit = 0;
        while gray != 0 {
            if gray & 1 == 1 {
                x ^= v[bit];
            }
            gray >>= 1;
            bit += 1;
        }
        x
    }

    /// Coordinate `dim` of point `index` in [0, 1), unscrambled (x/2^32).
    pub fn unscrambled(&self, index: u32, dim: usize) -> f64 {
        f64::from(self.integer(index, dim)) / 4_294_967_296.0
    }

    /// Coordinates `dim` of points start, start + 1, … (one per element of
    /// `out`), scrambled with `seed`, in (0, 1): the first directly, the rest
    /// by Gray-code updates, x(i) = x(i − 1) ⊕ v[ctz(i)].
    pub fn fill_scrambled(&self, start: u32, dim: usize, seed: u64, out: &mut [f64]) {
        let v = &self.directions[dim];
        let key = dimension_seed(seed, dim);
        let mut x = self.integer(start, dim);
        for (k, slot) in out.iter_mut().enumerate() {
            if k > 0 {
                let index = start + k as u32;
                x ^= v[index.trailing_zeros() as usize];
            }
            *slot = (f64::from(owen_scramble(x, key)) + 0.5) / 4_294_967_296.0;
        }
    }

    /// Coordinate `dim` of point `index`, Owen-scrambled with `seed`, in (0, 1).
    pub fn scrambled(&self, index: u32, dim: usize, seed: u64) -> f64 {
        let x = owen_scramble(self.integer(index, dim), dimension_seed(seed, dim));
        (f64::from(x) + 0.5) / 4_294_967_296.0
    }
}

/// v_j = m_j·2^(32−j), with m_j from the primitive polynomial's recurrence
/// m_j = 2a_1 m_{j−1} ⊕ 2²a_2 m_{j−2} ⊕ … ⊕ 2^s m_{j−s} ⊕ m_{j−s}.
fn direction_numbers(poly: u32, initial: &[u32]) -> [u32; BITS] {
    let s = initial.len();
    let mut m = [0u64; BITS];
    if s == 0 {
        m = [1; BITS];
    } else {
        for (j, &mj) in initial.iter().enumerate() {
            m[j] = u64::from(mj);
        }
        for j in s..BITS {
            let mut value = m[j - s];
            for k in 0..s {
                if (poly >> (s - 1 - k)) & 1 == 1 {
                    value ^= m[j - k - 1] << (k + 1);
                }
            }
            m[j] = value;
        }
    }
    let mut v = [0u32; BITS];
    for j in 0..BITS {
        v[j] = (m[j] << (BITS - 1 - j)) as u32;
    }
    v
}

/// A seed per dimension, from the run seed (SplitMix64 finaliser).
fn dimension_seed(seed: u64, dim: usize) -> u32 {
    let mut z = seed ^ (dim as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) as u32
}

/// Burley's nested uniform scramble: reverse, Laine–Karras permute, reverse.
pub fn owen_scramble(x: u32, seed: u32) -> u32 {
    let mut y = x.reverse_bits();
    y = y.wrapping_add(seed);
    y ^= y.wrapping_mul(0x6c50_b47c);
    y ^= y.wrapping_mul(0xb82f_1e52);
    y ^= y.wrapping_mul(0xc7af_e638);
    y ^= y.wrapping_mul(0x8d22_f6e6);
    y.reverse_bits()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_points_match_published_values() {
        // Joe & Kuo's own generator (and scipy.stats.qmc.Sobol(scramble=False)):
        // dimension 1: 0, .5, .75, .25, .375, .875, .625, .125
        // dimension 2: 0, .5, .25, .75, .375, .875, .125, .625
        // dimension 3: 0, .5, .25, .75, .625, .125, .875, .375
        let s = Sobol::new(3).unwrap();
        let expect = [
            [0.0, 0.5, 0.75, 0.25, 0.375, 0.875, 0.625, 0.125],
            [0.0, 0.5, 0.25, 0.75, 0.375, 0.875, 0.125, 0.625],
            [0.0, 0.5, 0.25, 0.75, 0.625, 0.125, 0.875, 0.375],
        ];
        for (d, row) in expect.iter().enumerate() {
            for (i, &x) in row.iter().enumerate() {
                assert_eq!(s.unscrambled(i as u32, d), x, "dim {d} point {i}");
            }
        }
        // Points 8..16 of high dimensions, from scipy.stats.qmc.Sobol(d=1111, scramble=False).
        let s = Sobol::new(MAX_DIMS).unwrap();
        let high: [(usize, [f64; 8]); 3] = [
            (99, [0.9375, 0.4375, 0.1875, 0.6875, 0.0625, 0.5625, 0.8125, 0.3125]),
            (500, [0.6875, 0.1875, 0.9375, 0.4375, 0.8125, 0.3125, 0.5625, 0.0625]),
            (1110, [0.3125, 0.8125, 0.5625, 0.0625, 0.6875, 0.1875, 0.4375, 0.9375]),
        ];
        for (d, row) in high {
            for (i, &x) in row.iter().enumerate() {
                assert_eq!(s.unscrambled(8 + i as u32, d), x, "dim {d} point {}", 8 + i);
            }
        }
    }

    #[test]
    fn gray_code_fill_equals_direct_points() {
        let s = Sobol::new(5).unwrap();
        let mut out = vec![0.0; 300];
        s.fill_scrambled(1000, 4, 9, &mut out);
        for (k, x) in out.iter().enumerate() {
            assert_eq!(*x, s.scrambled(1000 + k as u32, 4, 9));
        }
    }

    #[test]
    fn each_dimension_is_stratified() {
        // The first 2^m points of every dimension hit each interval [k/2^m, (k+1)/2^m) once,
        // before and after scrambling.
        let s = Sobol::new(MAX_DIMS).unwrap();
        for d in [0, 1, 7, 100, 500, MAX_DIMS - 1] {
            for scramble in [false, true] {
                let mut seen = vec![false; 1024];
                for i in 0..1024u32 {
                    let x = if scramble {
                        s.scrambled(i, d, 99)
                    } else {
                        s.unscrambled(i, d)
                    };
                    assert!((0.0..1.0).contains(&x) && (!scramble || x > 0.0));
                    let cell = (x * 1024.0) as usize;
                    assert!(!seen[cell], "dim {d}: cell {cell} twice");
                    seen[cell] = true;
                }
            }
        }
    }

    #[test]
    fn two_dimensional_projection_is_a_net() {
        // The first two dimensions form a (0, m, 2)-net: 2^m points, one in each of the
        // 2^m elementary boxes of shape 2^-a × 2^-(m-a).
        let s = Sobol::new(3).unwrap();
        let m = 8;
        for a in 0..=m {
            let mut seen = vec![false; 1 << m];
            for i in 0..(1u32 << m) {
                let (x, y) = (s.scrambled(i, 0, 5), s.scrambled(i, 1, 5));
                let cell = ((x * f64::from(1u32 << a)) as usize) << (m - a) | (y * f64::from(1u32 << (m - a))) as usize;
                assert!(!seen[cell]);
                seen[cell] = true;
            }
        }
    }
}
