//! Chunks: the unit of work and of randomness.
//!
//! A run of n iterations is cut into chunks of [`CHUNK_SIZE`] iterations
//! (the last may be short). Chunk k always holds iterations
//! k·CHUNK_SIZE .. min((k+1)·CHUNK_SIZE, n) and draws from streams keyed by
//! k, so what a chunk computes never depends on which thread ran it. This is
//! the lowest layer that knows about chunks; sampling, the engine,
//! sensitivity and the output all read the size from here.

/// Iterations per chunk. Part of the definition of a run's random numbers:
/// changing it changes every result for a given seed (value-breaking).
pub const CHUNK_SIZE: usize = 1024;

/// Number of chunks in a run of `iterations`.
pub fn chunk_count(iterations: u64) -> u64 {
    iterations.div_ceil(CHUNK_SIZE as u64)
}

/// Index of the first iteration of chunk `index`.
pub fn first_iteration(index: u64) -> u64 {
    index * CHUNK_SIZE as u64
}

/// Number of iterations in chunk `index` of a run of `iterations`.
pub fn chunk_len(iterations: u64, index: u64) -> usize {
    (iterations - first_iteration(index)).min(CHUNK_SIZE as u64) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_the_run_once() {
        for n in [1u64, 1023, 1024, 1025, 5000] {
            let total: u64 = (0..chunk_count(n)).map(|k| chunk_len(n, k) as u64).sum();
            assert_eq!(total, n);
        }
        assert_eq!(chunk_len(1025, 1), 1);
    }
}
