//! Sampling designs: how the input columns of a chunk are filled.
//!
//! The only design so far is plain Monte Carlo: each chunk has its own
//! ChaCha8 stream, derived from (seed, chunk index) by [`chunk_rng`], and
//! each input column is filled in scenario order from that stream. So the
//! draws of an iteration depend only on the seed and its chunk, never on
//! which thread ran it.

mod joe_kuo;
pub mod sobol;

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;

use crate::model::{Model, Workspace};

/// The random stream of chunk `chunk` of a run with `seed`.
///
/// ChaCha8 keyed by the seed, with the chunk index as its 64-bit stream
/// number: 2^64 independent streams per seed. (Never `seed + chunk`, which
/// would make chunk 1 of seed 1 equal chunk 0 of seed 2.)
pub fn chunk_rng(seed: u64, chunk: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(chunk);
    rng
}

/// What a random stream is for, so that the streams of different analyses
/// with the same seed never overlap: the stream number is
/// `(purpose << 56) | index`. Monte Carlo chunks are purpose 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// Bootstrap resamples (index = resample number).
    Bootstrap = 1,
    /// Morris trajectories (index = trajectory number).
    Morris = 2,
}

/// The random stream `index` of `purpose` for a run with `seed`.
pub fn purpose_rng(seed: u64, purpose: Purpose, index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(((purpose as u64) << 56) | (index & ((1 << 56) - 1)));
    rng
}

/// Fill the first `len` rows of every random input's column with
/// independent Monte Carlo draws from chunk `chunk`'s stream.
pub fn fill_monte_carlo(model: &Model, ws: &mut Workspace, seed: u64, chunk: u64, len: usize) {
    let mut rng = chunk_rng(seed, chunk);
    for input in &model.inputs {
        input.dist.fill(&mut rng, &mut ws.cols[input.slot][..len]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_differ_by_seed_and_chunk() {
        let first = |seed, chunk| chunk_rng(seed, chunk).next_u64();
        assert_ne!(first(1, 1), first(2, 0));
        assert_ne!(first(1, 0), first(1, 1));
        assert_eq!(first(5, 9), first(5, 9));
    }
}
