//! Sampling designs: how the input columns of a chunk are filled.
//!
//! Three designs ([`Sampler`]): plain Monte Carlo, a Latin hypercube over the
//! whole run ([`lhs`]) and Owen-scrambled Sobol points ([`sobol`]); rank
//! correlation between inputs by Iman–Conover ([`correlation`]); and a
//! Gaussian copula ([`copula`]) for designs that draw correlated inputs row by
//! row (the Saltelli design of Sobol indices).
//!
//! Every parameter has its own ChaCha8 stream in every chunk, derived from
//! (seed, parameter name, chunk index) by [`parameter_rng`]. So the draws of
//! an iteration depend only on the seed and its chunk, never on which thread
//! ran it; and under Monte Carlo a parameter draws the same random numbers in
//! every scenario that has it, whatever else the scenario contains (common
//! random numbers for `cradle compare`).

pub mod copula;
pub mod correlation;
mod joe_kuo;
pub mod lhs;
pub mod sobol;

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;

use crate::chunk::CHUNK_SIZE;
use crate::dist::uniform01;
use crate::error::{Error, Result};
use crate::model::{Model, Workspace};
pub use crate::scenario::Sampler;

/// A sampling design for one run of `total` iterations: everything that is
/// built once (permutations, Sobol direction numbers) and then used by
/// every chunk.
#[derive(Debug, Clone)]
pub struct Design {
    sampler: Sampler,
    seed: u64,
    total: u64,
    /// Per model input: its LHS permutation, or its Sobol dimension.
    permutations: Vec<Option<lhs::Permutation>>,
    dimensions: Vec<Option<usize>>,
    sobol: Option<sobol::Sobol>,
    /// Rank correlation between inputs, if the scenario asks for it.
    pub correlator: Option<correlation::Correlator>,
}

impl Design {
    /// The design of `sampler` for `model`, `total` iterations, `seed`.
    pub fn new(sampler: Sampler, model: &Model, total: u64, seed: u64) -> Result<Design> {
        let uncertain: Vec<bool> = model.inputs.iter().map(|i| !i.dist.is_fixed()).collect();
        let mut design = Design {
            sampler,
            seed,
            total,
            permutations: vec![None; model.inputs.len()],
            dimensions: vec![None; model.inputs.len()],
            sobol: None,
            correlator: model
                .correlation
                .as_ref()
                .map(|t| correlation::Correlator::new(model, t))
                .transpose()?,
        };
        match sampler {
            Sampler::MonteCarlo => {}
            Sampler::LatinHypercube => {
                for (i, input) in model.inputs.iter().enumerate() {
                    if uncertain[i] {
                        design.permutations[i] =
                            Some(lhs::Permutation::new(total, fnv1a(&input.name) ^ seed.rotate_left(17)));
                    }
                }
            }
            Sampler::Sobol => {
                let dims = uncertain.iter().filter(|u| **u).count();
                if total > 1 << 32 {
                    return Err(Error::Config(format!(
                        "the Sobol sampler has 2^32 points; {total} iterations asked"
                    )));
                }
                design.sobol = Some(sobol::Sobol::new(dims).ok_or_else(|| {
                    Error::Config(format!(
                        "the Sobol sampler has {} dimensions; the scenario has {dims} uncertain parameters",
                        sobol::MAX_DIMS
                    ))
                })?);
                let mut next = 0;
                for (i, u) in uncertain.iter().enumerate() {
                    if *u {
                        design.dimensions[i] = Some(next);
                        next += 1;
                    }
                }
            }
        }
        Ok(design)
    }

    /// The sampler.
    pub fn sampler(&self) -> Sampler {
        self.sampler
    }

    /// The points in (0, 1) of input `i` for the `len` rows of chunk `chunk`:
    /// what the quantile function turns into draws (for `mc`, plain uniforms).
    pub fn unit_values(&self, model: &Model, i: usize, chunk: u64, len: usize, out: &mut [f64]) {
        let first = chunk * CHUNK_SIZE as u64;
        match self.sampler {
            Sampler::MonteCarlo => {
                let mut rng = parameter_rng(self.seed, &model.inputs[i].name, chunk);
                for u in out[..len].iter_mut() {
                    *u = uniform01(&mut rng);
                }
            }
            Sampler::LatinHypercube => {
                let permutation = self.permutations[i]
                    .as_ref()
                    .expect("uncertain inputs have a permutation");
                let mut rng = parameter_rng(self.seed, &model.inputs[i].name, chunk);
                let width = 1.0 / self.total as f64;
                let below_one = 1.0 - f64::EPSILON / 2.0;
                if self.total <= 1 << 32 {
                    let mut strata = [0u32; CHUNK_SIZE];
                    permutation.apply_chunk(first, &mut strata[..len]);
                    for (u, stratum) in out[..len].iter_mut().zip(&strata) {
                        *u = ((f64::from(*stratum) + uniform01(&mut rng)) * width).min(below_one);
                    }
                } else {
                    for (r, u) in out[..len].iter_mut().enumerate() {
                        // via i64: one instruction (strata are < 2^63)
                        let stratum = permutation.apply(first + r as u64) as i64 as f64;
                        *u = ((stratum + uniform01(&mut rng)) * width).min(below_one);
                    }
                }
            }
            Sampler::Sobol => {
                let sobol = self.sobol.as_ref().expect("built for the Sobol sampler");
                let dim = self.dimensions[i].expect("uncertain inputs have a dimension");
                sobol.fill_scrambled(first as u32, dim, self.seed, &mut out[..len]);
            }
        }
    }

    /// Fill the first `len` rows of every input's column for chunk `chunk`.
    pub fn fill(&self, model: &Model, ws: &mut Workspace, chunk: u64, len: usize) {
        self.fill_independent(model, ws, chunk, len);
        if let Some(c) = &self.correlator {
            c.apply(model, ws, self.seed, chunk, len);
        }
    }

    fn fill_independent(&self, model: &Model, ws: &mut Workspace, chunk: u64, len: usize) {
        if self.sampler == Sampler::MonteCarlo {
            return fill_monte_carlo(model, ws, self.seed, chunk, len);
        }
        for (i, input) in model.inputs.iter().enumerate() {
            let column = &mut ws.cols[input.slot][..len];
            if input.dist.is_fixed() {
                column.fill(input.base);
                continue;
            }
            self.unit_values(model, i, chunk, len, column);
            input.dist.quantile_in_place(column);
        }
    }
}

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

/// 64-bit FNV-1a hash of a name (Fowler, Noll & Vo): a stable, portable
/// key for a parameter's stream.
fn fnv1a(name: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The random stream of parameter `name` in chunk `chunk` of a run with
/// `seed`: ChaCha8 keyed by (seed, hash of the name), with the chunk index as
/// its stream number.
pub fn parameter_rng(seed: u64, name: &str, chunk: u64) -> ChaCha8Rng {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key[8..16].copy_from_slice(&fnv1a(name).to_le_bytes());
    key[16..24].copy_from_slice(b"cradle-p");
    let mut rng = ChaCha8Rng::from_seed(key);
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
    /// Iman–Conover score shuffles (index = chunk).
    ImanConover = 3,
    /// Replicates of a value-of-information regression (index = group).
    VoiRegression = 4,
}

/// The random stream `index` of `purpose` for a run with `seed`.
pub fn purpose_rng(seed: u64, purpose: Purpose, index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(((purpose as u64) << 56) | (index & ((1 << 56) - 1)));
    rng
}

/// Fill the first `len` rows of every random input's column with
/// independent Monte Carlo draws, each from its own stream for this chunk.
pub fn fill_monte_carlo(model: &Model, ws: &mut Workspace, seed: u64, chunk: u64, len: usize) {
    for input in &model.inputs {
        if input.dist.is_fixed() {
            ws.cols[input.slot][..len].fill(input.base);
            continue;
        }
        let mut rng = parameter_rng(seed, &input.name, chunk);
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
        let param = |seed, name, chunk| parameter_rng(seed, name, chunk).next_u64();
        assert_ne!(param(1, "a", 0), param(1, "b", 0));
        assert_ne!(param(1, "a", 0), param(1, "a", 1));
        assert_ne!(param(1, "a", 0), param(2, "a", 0));
        assert_eq!(param(1, "a", 3), param(1, "a", 3));
    }
}
