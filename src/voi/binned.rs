//! Single-input EVPPI by binning (Strong & Oakley 2013), as a mergeable
//! accumulator that streams through the engine's chunks.
//!
//! **Estimator.** The draws are put into K bins of equal probability on the
//! input θ: bin k holds the draws with F(θ) in ((k−1)/K, k/K]. F is monotone,
//! so this is binning θ itself against the K − 1 boundaries F⁻¹(k/K)
//! ([`BinnedEvppi::for_dist`]); with no known F, the boundaries are the
//! sample's own quantiles, which gives equal-count bins after sorting, the
//! original sorting estimator ([`BinnedEvppi::for_sample`]). With n_k draws
//! and mean incremental net benefits m_kd in bin k, Strong & Oakley's estimate is
//!
//! ```text
//! EVPPI_SO = Σ_k (n_k/n)·max_d m_kd − max_d m_d,
//! ```
//!
//! reported as [`BinnedEstimate::uncorrected`]. Each bin's max_d m_kd is a
//! maximum of noisy means, biased upwards. When θ does not matter and the
//! decision is close, the bias is about 0.4·σ·√(K/n) while the standard
//! error is about 0.7·σ/√n: an irrelevant input would look informative.
//!
//! **Cross-fitting (what is reported).** Each draw belongs to one of
//! [`FOLDS`] = 10 folds by its row in the run, (`first_row` + i) mod 10. In
//! each bin, a fold's draws are scored at the option that is best on the
//! bin's other nine folds:
//!
//! ```text
//! EVPPI = (1/n)·Σ_k Σ_f n_kf·(m_kf,a(k,−f) − m_kf,d*)
//! ```
//!
//! where m_kf are fold f's means in bin k, a(k,−f) the option best on the
//! other folds' means and d* the option best overall. A choice never sees
//! the draws that score it, so an irrelevant input gets EVPPI ≈ 0 (van
//! Hasselt 2010's double estimator; cross-fitting as in Chernozhukov et al.
//! 2018). The remaining biases are downward: the estimate is conservative.
//! Folds are tied to rows, not threads, so the result does not depend on
//! how the run was split into chunks.
//!
//! **Default K ([`default_bins`]).** Let Δ(u) be the incremental net benefit
//! given F(θ) = u, s = |Δ′| where Δ crosses zero, and σ² the variance of net
//! benefit within a bin. Two biases compete (derived for two options and a
//! single crossing; both are downward for the cross-fitted estimate):
//! - discretisation: one decision for a whole bin of width w = 1/K that
//!   straddles the crossing loses s·w²·a²/2 (a the crossing's distance
//!   from the nearer edge as a share of w, at most ½): s/(8K²) when the
//!   crossing falls mid-bin. A given problem has a fixed crossing, so this
//!   worst case, not the average s/(24K²), is what decides coverage.
//! - choice noise: a choice made on nine tenths of a bin uses a mean of
//!   variance τ² = (10/9)·σ²K/n, and is wrong with probability
//!   Φ(−|m_k|/τ) at a cost |m_k|; with bin means spaced s/K apart this sums
//!   to τ²/(2s) = (5/9)·σ²K/(s·n). (The uncorrected estimate has about the
//!   same bias, σ²K/(2s·n), upwards; two folds would double it.)
//!
//! The sum is smallest at K* = (0.45·s²·n/σ²)^{1/3}. The reference case is
//! an input explaining half the variance of a linear net benefit that
//! crosses zero at its median, s/σ = √(2π), so the default is
//! K = round((0.9πn)^{1/3}) ≈ 1.41·n^{1/3}, at least 1 and at most n/20:
//! 18 bins for 2000 draws, 141 for 10⁶. Both biases are then O(n^{−2/3}),
//! below the O(n^{−1/2}) standard error, and the total is flat near K*
//! (within 1.7 times its minimum for K anywhere in [K*/2, 2K*]).
//!
//! Checked by simulation of the linear-Gaussian model (400 runs per case;
//! n = 2000, 20 000 and 200 000; the input explaining 10–80% of the
//! variance; zero crossings up to 1.5 sd from the median): the bias stayed
//! within 0.5 standard errors and the 95% intervals covered 87–95%. Two
//! exceptions: an exact toss-up (E(NB) = 0), where max_d of the overall
//! means is itself biased up (as in EVPI) and pulls EVPPI down by about
//! 0.8 se; and the tails, below.
//!
//! **Blind spot: tails.** Information that changes the decision only in the
//! outermost 1/K of θ's probability is invisible to K equal-probability
//! bins: in the simulations a crossing 2 sd out was missed at n = 2000 and a
//! crossing 2.5 sd out was reported as EVPPI 0 even at n = 200 000. When
//! the option best now is best in more than 1 − 2/K of the draws, prefer
//! the regression estimator ([`super::regression`]), which resolves tails.
//!
//! **Standard error (delta method over draws).** With the choices held
//! fixed, the estimate is exactly the mean of zᵢ = INB_{c(i),i} − INB_{d*,i},
//! c(i) the option chosen for draw i's fold in its bin, so se = sd(z)/√n.
//! sd(z) is read off each fold's co-moments; it includes the between-bin spread,
//! as it must under plain Monte Carlo where the bin counts n_k are random
//! (under stratified sampling it is slightly conservative). The coverage of
//! value ± 1.96·se is checked in `tests/voi.rs`.
//!
//! **Choice noise (near a toss-up).** Holding the choices fixed misses what
//! dominates when the decision is close and an input says little: each
//! bin's choice is itself a coin flip. In bin k, with g_k the lead of the
//! bin's best option over its runner-up and τ_k the standard error of that
//! lead on the nine folds a choice uses, the choice is wrong with
//! probability q_k = Φ(−g_k/τ_k), which costs g_k on the bin's draws. So
//! the estimate is biased down by about Σ_k (n_k/n)·g_k·q_k
//! ([`BinnedEstimate::choice_bias`]) and varies by about
//! Σ_k (n_k/n)²·g_k²·q_k(1 − q_k) more than the draws alone say (each bin's
//! folds taken to flip together, which errs on the wide side). That
//! variance is added to se², and the interval written to evppi.csv is
//! asymmetric: [value − 1.96·se, value + choice_bias + 1.96·se]. On the
//! evidence scenario (P(fund is best) ≈ 0.46) at n = 10⁵, inputs that
//! barely move net savings get small negative estimates of a few se of
//! the draws alone; with these two terms their intervals cover 0.
//!
//! **Ties and discrete inputs.** A draw goes to bin k when
//! b_{k−1} < θ ≤ b_k, so equal values always share a bin ("bins by value"),
//! and coincident boundaries are merged. A discrete input with at most K
//! values gets one bin per value, which is exactly conditioning on it; a
//! fixed input gets one bin and EVPPI 0.
//!
//! **Storage and merging.** Each cell (fold f of bin k) keeps its count and
//! the sums Σ(x − c) and Σ(x − c)(x − c)ᵀ of the incremental net benefits x
//! about a fixed shift c (e.g. the base case's; [`BinnedEvppi::with_shift`]).
//! Two accumulators then merge by adding arrays, which is what lets the
//! engine keep one per chunk and merge them along a fixed tree at little
//! cost; means and co-moments are formed once, in
//! [`BinnedEvppi::estimate`]. The shift keeps the sums of squares small
//! where they would otherwise cancel (values far from zero with a small
//! spread), and a net benefit equal to the shift sums to exactly zero.
//! For the engine, finding each draw's cell ([`BinnedEvppi::cells`]) and
//! adding it ([`BinnedEvppi::add_cells`]) are separate steps, so the first
//! can run in parallel and the second in chunk order.

use serde::{Deserialize, Serialize};

use super::comoments::CoMoments;
use super::{Estimate, best_option, component, increment_count, increments};
use crate::dist::Dist;
use crate::error::{Error, Result};
use crate::special::norm_cdf;

/// Folds of the cross-fitting: draw i of the run is in fold i mod `FOLDS`.
pub const FOLDS: usize = 10;

/// The cell of a draw left out (θ not finite), in [`BinnedEvppi::cells`].
pub const NO_CELL: u32 = u32::MAX;

/// The default number of bins for n draws: round((0.9πn)^{1/3}), clamped
/// to [1, n/20] (see the module docs for why).
pub fn default_bins(n: u64) -> usize {
    let k = (0.9 * std::f64::consts::PI * n as f64).cbrt().round() as usize;
    let most = (n / 20).max(1) as usize;
    k.clamp(1, most)
}

/// Mergeable accumulator of per-bin, per-fold counts and sums of the
/// incremental net benefits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BinnedEvppi {
    columns: usize,
    /// Sorted, distinct, finite: bin k is (b_{k−1}, b_k], with b_0 = −∞, b_K = +∞.
    boundaries: Vec<f64>,
    /// c, one per incremental net benefit: the sums are of x − c.
    shift: Vec<f64>,
    /// Draws in cell FOLDS·k + f (fold f of bin k).
    counts: Vec<u64>,
    /// Σ(x − c) per cell, `m` per cell.
    sums: Vec<f64>,
    /// Σ(x − c)(x − c)ᵀ per cell, `m × m` per cell, row-major.
    products: Vec<f64>,
    nonfinite: u64,
}

/// What a binned accumulator estimates.
#[derive(Debug, Clone, PartialEq)]
pub struct BinnedEstimate {
    /// Draws used.
    pub n: u64,
    /// Bins that received draws (the K in results).
    pub bins: usize,
    /// The cross-fitted EVPPI and its standard error.
    pub evppi: Estimate,
    /// Strong & Oakley's estimate without cross-fitting (biased upwards for
    /// inputs that carry little information); for comparison with BCEA/SAVI.
    pub uncorrected: f64,
    /// The estimated downward bias of `evppi` from wrong choices in bins,
    /// Σ_k (n_k/n)·g_k·q_k (see the module docs): evppi.csv's upper end adds it.
    pub choice_bias: f64,
    /// Draws left out because θ or a net benefit was NaN or infinite.
    pub nonfinite: u64,
}

impl BinnedEstimate {
    /// How the estimate was made, for evppi.csv's `bins_or_basis`.
    pub fn describe(&self) -> String {
        format!("{} bins", self.bins)
    }
}

impl BinnedEvppi {
    /// An empty accumulator with the given bin boundaries (sorted and
    /// de-duplicated here) for `columns` net-benefit columns, with shift 0.
    pub fn new(mut boundaries: Vec<f64>, columns: usize) -> Result<BinnedEvppi> {
        if columns == 0 {
            return Err(Error::Config("EVPPI needs at least one net-benefit column".into()));
        }
        if let Some(b) = boundaries.iter().find(|b| !b.is_finite()) {
            return Err(Error::Config(format!("EVPPI bin boundary {b} is not a finite number")));
        }
        boundaries.sort_by(f64::total_cmp);
        boundaries.dedup();
        let m = increment_count(columns);
        let cells = FOLDS * (boundaries.len() + 1);
        if cells >= NO_CELL as usize {
            return Err(Error::Config(format!(
                "EVPPI with {} bins is more than this estimator can hold",
                boundaries.len() + 1
            )));
        }
        Ok(BinnedEvppi {
            columns,
            boundaries,
            shift: vec![0.0; m],
            counts: vec![0; cells],
            sums: vec![0.0; cells * m],
            products: vec![0.0; cells * m * m],
            nonfinite: 0,
        })
    }

    /// K equal-probability bins of `dist`: boundaries F⁻¹(k/K), k = 1 … K − 1.
    /// A discrete law with at most K values gets one bin per value.
    pub fn for_dist(dist: &Dist, bins: usize, columns: usize) -> Result<BinnedEvppi> {
        let bins = bins.max(1);
        if let Dist::Discrete(discrete) = dist {
            let mut atoms = discrete.values.clone();
            atoms.sort_by(f64::total_cmp);
            atoms.dedup();
            if atoms.len() <= bins {
                atoms.pop(); // the largest value's bin is (b_{L−1}, +∞)
                return BinnedEvppi::new(atoms, columns);
            }
        }
        let boundaries = (1..bins).map(|k| dist.quantile(k as f64 / bins as f64)).collect();
        BinnedEvppi::new(boundaries, columns)
    }

    /// K bins of equal count on a sample of θ (the empirical quantiles
    /// θ_(⌈kn/K⌉), k = 1 … K − 1); non-finite values are ignored.
    pub fn for_sample(theta: &[f64], bins: usize, columns: usize) -> Result<BinnedEvppi> {
        let mut sorted: Vec<f64> = theta.iter().copied().filter(|x| x.is_finite()).collect();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let bins = bins.max(1);
        let boundaries = if n == 0 {
            Vec::new()
        } else {
            (1..bins).map(|k| sorted[(k * n).div_ceil(bins).max(1) - 1]).collect()
        };
        BinnedEvppi::new(boundaries, columns)
    }

    /// The same accumulator with the sums taken about `shift` (one value per
    /// incremental net benefit: option d's minus option 0's, d = 1 … m).
    /// Non-finite values are read as 0. Set it before adding draws.
    ///
    /// # Panics
    /// If `shift` has the wrong length or draws were already added (a caller's bug).
    pub fn with_shift(mut self, shift: &[f64]) -> BinnedEvppi {
        assert_eq!(shift.len(), self.shift.len(), "one shift per incremental net benefit");
        assert!(
            self.counts.iter().all(|&c| c == 0),
            "the shift is set before any draw is added"
        );
        self.shift = shift.iter().map(|&c| if c.is_finite() { c } else { 0.0 }).collect();
        self
    }

    /// An empty accumulator like this one (same bins, options and shift).
    pub fn empty_like(&self) -> BinnedEvppi {
        BinnedEvppi {
            columns: self.columns,
            boundaries: self.boundaries.clone(),
            shift: self.shift.clone(),
            counts: vec![0; self.counts.len()],
            sums: vec![0.0; self.sums.len()],
            products: vec![0.0; self.products.len()],
            nonfinite: 0,
        }
    }

    /// The bin boundaries in use.
    pub fn boundaries(&self) -> &[f64] {
        &self.boundaries
    }

    /// The cell of each draw of a chunk, FOLDS·bin + fold, written into
    /// `out`; [`NO_CELL`] where θ is NaN or infinite. Row i is draw
    /// `first_row + i` of the run, which picks its fold.
    pub fn cells(&self, first_row: u64, theta: &[f64], out: &mut Vec<u32>) {
        out.clear();
        let mut fold = (first_row % FOLDS as u64) as usize;
        for &t in theta {
            out.push(if t.is_finite() {
                let bin = self.boundaries.partition_point(|b| *b < t);
                (FOLDS * bin + fold) as u32
            } else {
                NO_CELL
            });
            fold += 1;
            if fold == FOLDS {
                fold = 0;
            }
        }
    }

    /// Add draws whose cells [`BinnedEvppi::cells`] found, with their
    /// net-benefit columns. Draws with no cell or a non-finite net benefit
    /// are counted and left out.
    ///
    /// # Panics
    /// If the number of columns differs from the accumulator's or the
    /// columns differ in length (a caller's bug).
    pub fn add_cells(&mut self, cells: &[u32], nb: &[&[f64]]) {
        assert_eq!(nb.len(), self.columns, "wrong number of net-benefit columns");
        assert!(
            nb.iter().all(|c| c.len() == cells.len()),
            "cells and net-benefit columns differ in length"
        );
        if let [only] = nb {
            // Fund or not, the engine's case: one incremental net benefit.
            let c = self.shift[0];
            for (&cell, &x) in cells.iter().zip(only.iter()) {
                if cell == NO_CELL || !x.is_finite() {
                    self.nonfinite += 1;
                    continue;
                }
                let (cell, d) = (cell as usize, x - c);
                self.counts[cell] += 1;
                self.sums[cell] += d;
                self.products[cell] += d * d;
            }
            return;
        }
        let m = increment_count(self.columns);
        let mut x = vec![0.0; m];
        for (i, &cell) in cells.iter().enumerate() {
            if cell == NO_CELL || !increments(nb, i, &mut x) {
                self.nonfinite += 1;
                continue;
            }
            let cell = cell as usize;
            for (v, c) in x.iter_mut().zip(&self.shift) {
                *v -= c;
            }
            self.counts[cell] += 1;
            for (s, v) in self.sums[cell * m..(cell + 1) * m].iter_mut().zip(&x) {
                *s += v;
            }
            let products = &mut self.products[cell * m * m..(cell + 1) * m * m];
            for a in 0..m {
                for b in 0..m {
                    products[a * m + b] += x[a] * x[b];
                }
            }
        }
    }

    /// Add one chunk: θ of each draw and the net-benefit columns. Row i is
    /// draw `first_row + i` of the run, which picks its fold.
    ///
    /// # Panics
    /// If the number of columns differs from the accumulator's or the
    /// columns differ in length (a caller's bug).
    pub fn add(&mut self, first_row: u64, theta: &[f64], nb: &[&[f64]]) {
        assert!(
            nb.iter().all(|c| c.len() == theta.len()),
            "θ and net-benefit columns differ in length"
        );
        let mut cells = Vec::with_capacity(theta.len());
        self.cells(first_row, theta, &mut cells);
        self.add_cells(&cells, nb);
    }

    /// Check an accumulator read from a file against `template`, the plan's
    /// empty one: the same options, bin boundaries and shift, per-cell
    /// arrays of its sizes, no NaN, and its `draws` draws all counted (in a
    /// cell, or as non-finite). Returns what is wrong.
    pub(crate) fn check(&self, template: &BinnedEvppi, draws: u64) -> std::result::Result<(), String> {
        if self.columns != template.columns || self.boundaries != template.boundaries {
            return Err(format!(
                "binned EVPPI of {} bins and {} net-benefit columns (or other bin boundaries), not the plan's {} and {}",
                self.boundaries.len() + 1,
                self.columns,
                template.boundaries.len() + 1,
                template.columns
            ));
        }
        if self.shift != template.shift {
            return Err(format!(
                "binned EVPPI summed about {:?}, not about the plan's base-case net benefit {:?} (a state of another metric or scenario)",
                self.shift, template.shift
            ));
        }
        let sizes = |a: &BinnedEvppi| (a.counts.len(), a.sums.len(), a.products.len());
        if sizes(self) != sizes(template) {
            return Err(format!(
                "binned EVPPI with (counts, sums, products) of sizes {:?}, not {:?}",
                sizes(self),
                sizes(template)
            ));
        }
        if self.sums.iter().chain(&self.products).any(|x| x.is_nan()) {
            return Err("NaN in binned EVPPI's sums, which sums of finite values never give".into());
        }
        let counted = self.counts.iter().try_fold(self.nonfinite, |a, &b| a.checked_add(b));
        if counted != Some(draws) {
            return Err(format!(
                "binned EVPPI counts {counted:?} draws (in cells and non-finite), not {draws}"
            ));
        }
        Ok(())
    }

    /// Merge another accumulator (same boundaries, options and shift) into
    /// this one: counts and sums add.
    pub fn merge(&mut self, other: &BinnedEvppi) {
        assert!(
            self.columns == other.columns && self.boundaries == other.boundaries && self.shift == other.shift,
            "merging binned EVPPI accumulators of different bins, decisions or shifts"
        );
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        for (a, b) in self.sums.iter_mut().zip(&other.sums) {
            *a += b;
        }
        for (a, b) in self.products.iter_mut().zip(&other.products) {
            *a += b;
        }
        self.nonfinite += other.nonfinite;
    }

    /// Cell `cell`'s count, means and co-moments:
    /// x̄ = c + S/n, C = P − S·Sᵀ/n.
    fn cell(&self, cell: usize) -> CoMoments {
        let m = self.shift.len();
        let n = self.counts[cell];
        let mut moments = CoMoments::empty(m);
        if n == 0 {
            return moments;
        }
        let count = n as f64;
        let sums = &self.sums[cell * m..(cell + 1) * m];
        let products = &self.products[cell * m * m..(cell + 1) * m * m];
        for ((mean, shift), sum) in moments.mean.iter_mut().zip(&self.shift).zip(sums) {
            *mean = shift + sum / count;
        }
        for a in 0..m {
            for b in 0..m {
                let c = products[a * m + b] - sums[a] * sums[b] / count;
                // Rounding can leave a variance a hair below zero.
                moments.comoment[a * m + b] = if a == b { c.max(0.0) } else { c };
            }
        }
        moments.n = n;
        moments
    }

    /// The cross-fitted EVPPI with its delta-method standard error, and
    /// Strong & Oakley's uncorrected estimate (see the module docs).
    pub fn estimate(&self) -> BinnedEstimate {
        let m = increment_count(self.columns);
        let cells: Vec<CoMoments> = (0..self.counts.len()).map(|c| self.cell(c)).collect();
        let mut overall = CoMoments::empty(m);
        for c in &cells {
            overall.merge(c);
        }
        let n = overall.n;
        let best = component(best_option(&overall.mean));
        let mut bins = 0;
        let mut uncorrected = 0.0;
        // Σ_k (n_k/n)²·g_k²·q_k(1 − q_k) and Σ_k (n_k/n)·g_k·q_k, in units of n.
        let (mut choice_var, mut choice_bias) = (0.0, 0.0);
        // (fold cell, option chosen for its draws): z = INB_choice − INB_best.
        let mut scored: Vec<(&CoMoments, Option<usize>)> = Vec::with_capacity(cells.len());
        for folds in cells.chunks(FOLDS) {
            let mut bin = CoMoments::empty(m);
            for f in folds {
                bin.merge(f);
            }
            if bin.n == 0 {
                continue;
            }
            bins += 1;
            let own_choice = component(best_option(&bin.mean));
            uncorrected += bin.n as f64 * bin.mean_difference(own_choice, best);
            let (gap, q) = choice_noise(&bin);
            choice_var += (bin.n as f64 * gap).powi(2) * q * (1.0 - q);
            choice_bias += bin.n as f64 * gap * q;
            for fold in folds.iter().filter(|f| f.n > 0) {
                let rest = bin.n - fold.n;
                // The other folds' means, n·m − n_f·m_f over n − n_f; with
                // no other draws the bin keeps the decision made now.
                let choice = if rest == 0 {
                    best
                } else {
                    let others: Vec<f64> = (0..m)
                        .map(|d| (bin.n as f64 * bin.mean[d] - fold.n as f64 * fold.mean[d]) / rest as f64)
                        .collect();
                    component(best_option(&others))
                };
                scored.push((fold, choice));
            }
        }
        if n == 0 {
            return BinnedEstimate {
                n,
                bins,
                evppi: Estimate {
                    value: f64::NAN,
                    se: f64::NAN,
                },
                uncorrected: f64::NAN,
                choice_bias: f64::NAN,
                nonfinite: self.nonfinite,
            };
        }
        let total = n as f64;
        let mut sum = 0.0;
        for (cell, choice) in &scored {
            sum += cell.n as f64 * cell.mean_difference(*choice, best);
        }
        let value = sum / total;
        let mut squares = 0.0;
        for (cell, choice) in &scored {
            let centre = cell.mean_difference(*choice, best) - value;
            squares += cell.squares_of_difference(*choice, best) + cell.n as f64 * centre * centre;
        }
        let se = if n < 2 {
            f64::NAN
        } else {
            (squares / (total - 1.0) / total + choice_var / (total * total)).sqrt()
        };
        BinnedEstimate {
            n,
            bins,
            evppi: Estimate { value, se },
            uncorrected: uncorrected / total,
            choice_bias: choice_bias / total,
            nonfinite: self.nonfinite,
        }
    }
}

/// The lead g of a bin's best option over its runner-up, and the
/// probability q that a choice made on nine tenths of the bin's draws picks
/// the runner-up: q = Φ(−g/τ), τ² = Var(NB_best − NB_runner-up)/(0.9·n_k).
/// (0, 0) for a bin of fewer than two draws or with no noise.
fn choice_noise(bin: &CoMoments) -> (f64, f64) {
    if bin.n < 2 {
        return (0.0, 0.0);
    }
    let value = |d: usize| if d == 0 { 0.0 } else { bin.mean[d - 1] };
    let first = best_option(&bin.mean);
    let second = (0..=bin.dim())
        .filter(|&d| d != first)
        .max_by(|&a, &b| value(a).total_cmp(&value(b)))
        .expect("a decision has at least two options");
    let gap = value(first) - value(second);
    let spread = bin.squares_of_difference(component(first), component(second)) / (bin.n - 1) as f64;
    let share = (FOLDS - 1) as f64 / FOLDS as f64;
    let tau = (spread / (share * bin.n as f64)).sqrt();
    if tau > 0.0 {
        (gap, norm_cdf(-gap / tau))
    } else {
        (gap, 0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_read_from_a_file_is_checked_against_the_plans_bins() {
        let template = BinnedEvppi::new(vec![0.0, 1.0], 1).unwrap().with_shift(&[2.0]);
        let mut acc = template.empty_like();
        acc.add(3, &[-1.0, 0.5, 2.0, f64::NAN], &[&[1.0, 2.0, 3.0, 4.0]]);
        assert_eq!(acc.check(&template, 4), Ok(()));
        assert!(acc.check(&template, 3).unwrap_err().contains("not 3"));
        let other = BinnedEvppi::new(vec![0.0, 1.5], 1).unwrap().with_shift(&[2.0]);
        assert!(acc.check(&other, 4).unwrap_err().contains("bin boundaries"));
        let shifted = BinnedEvppi::new(vec![0.0, 1.0], 1).unwrap();
        assert!(acc.check(&shifted, 4).unwrap_err().contains("summed about [2.0]"));
        let mut bad = acc.clone();
        bad.sums[5] = f64::NAN;
        assert!(bad.check(&template, 4).unwrap_err().contains("NaN"));
        let mut bad = acc.clone();
        bad.products.truncate(3);
        assert!(bad.check(&template, 4).unwrap_err().contains("sizes"));
        let mut bad = acc.clone();
        bad.counts[0] = u64::MAX;
        assert!(bad.check(&template, 4).is_err());
        let mut bad = acc;
        bad.nonfinite += 1;
        assert!(bad.check(&template, 4).is_err());
    }

    #[test]
    fn default_bins_grow_as_the_cube_root() {
        assert_eq!(default_bins(1), 1);
        assert_eq!(default_bins(100), 5); // capped at n/20
        assert_eq!(default_bins(2_000), 18);
        assert_eq!(default_bins(1_000_000), 141);
        assert_eq!(default_bins(100_000_000), 656);
        assert_eq!(default_bins(60), 3); // capped at n/20
    }

    #[test]
    fn hand_computed_two_bins() {
        // θ = 0: NB −1, −3, −1, −3; θ = 1: NB 2, 4, 2, 4. Mean 0.5: fund now.
        // Knowing θ = 0 one would not fund, gaining 2 on half the draws: EVPPI = 1.
        let theta = [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0];
        let nb = [-1.0, -3.0, -1.0, -3.0, 2.0, 4.0, 2.0, 4.0];
        let mut acc = BinnedEvppi::new(vec![0.5], 1).unwrap();
        acc.add(0, &theta, &[&nb]);
        let e = acc.estimate();
        assert_eq!((e.n, e.bins), (8, 2));
        assert!((e.evppi.value - 1.0).abs() < 1e-15 && (e.uncorrected - 1.0).abs() < 1e-15);
        // z = 1, 3, 1, 3, 0, 0, 0, 0: var 12/7, so √(12/7/8) from the draws.
        // Choice noise: in bin θ = 0 not funding leads by g = 2, in bin
        // θ = 1 funding leads by 3; the variance of NB within each bin is
        // 4/3, so τ = √((4/3)/(0.9·4)) and q = Φ(−g/τ).
        let tau = (4.0f64 / 3.0 / 3.6).sqrt();
        let (q0, q1) = (norm_cdf(-2.0 / tau), norm_cdf(-3.0 / tau));
        let choice = 0.25 * (4.0 * q0 * (1.0 - q0) + 9.0 * q1 * (1.0 - q1));
        assert!((e.evppi.se - (12.0f64 / 7.0 / 8.0 + choice).sqrt()).abs() < 1e-15);
        assert!((e.choice_bias - 0.5 * (2.0 * q0 + 3.0 * q1)).abs() < 1e-15);
    }

    #[test]
    fn choice_noise_is_the_chance_of_picking_the_runner_up() {
        // A bin whose mean lead is one standard error of the nine-fold mean:
        // q = Φ(−1). Ninety draws at ±√(0.9·90) around 1 (sd of the lead ≈ 9).
        let mut nb = Vec::new();
        for i in 0..90 {
            nb.push(1.0 + if i % 2 == 0 { 9.0 } else { -9.0 });
        }
        let rows: Vec<usize> = (0..90).collect();
        let bin = CoMoments::of_rows(1, &nb, &rows);
        let (gap, q) = choice_noise(&bin);
        let tau = (81.0 * 90.0 / 89.0 / 81.0f64).sqrt();
        assert!(
            (gap - 1.0).abs() < 1e-12 && (q - norm_cdf(-1.0 / tau)).abs() < 1e-12,
            "{gap} {q}"
        );
        // Constant bins have no noise; a single draw says nothing either.
        assert_eq!(
            choice_noise(&CoMoments::of_rows(1, &[5.0; 4], &[0, 1, 2, 3])),
            (5.0, 0.0)
        );
        assert_eq!(choice_noise(&CoMoments::of_rows(1, &[5.0], &[0])), (0.0, 0.0));
    }

    #[test]
    fn each_fold_is_scored_at_the_other_folds_choice() {
        // One bin, ten draws, one per fold: +9 in fold 0, −1 in folds 1–9.
        // Overall mean 0: not funding now (ties go to not funding).
        // Fold 0's choice comes from folds 1–9 (mean −1): not fund, z = 0.
        // Each other fold's comes from a mean of (9 − 8)/9 > 0: fund, z = −1.
        // EVPPI = −9/10; the uncorrected estimate is 0 (one bin, no information).
        let mut nb = [-1.0; 10];
        nb[0] = 9.0;
        let mut acc = BinnedEvppi::new(vec![], 1).unwrap();
        acc.add(0, &[0.0; 10], &[&nb]);
        let e = acc.estimate();
        assert!((e.evppi.value + 0.9).abs() < 1e-15 && e.uncorrected == 0.0, "{e:?}");
        // Starting at row 5 shifts the folds but not the answer.
        let mut shifted = BinnedEvppi::new(vec![], 1).unwrap();
        shifted.add(5, &[0.0; 10], &[&nb]);
        assert_eq!(shifted.estimate().evppi, e.evppi);
    }

    #[test]
    fn equal_values_share_a_bin_and_discrete_laws_bin_by_value() {
        let d = Dist::discrete(vec![3.0, 1.0, 2.0, 1.0], vec![1.0, 1.0, 1.0, 1.0]).unwrap();
        let acc = BinnedEvppi::for_dist(&d, 10, 1).unwrap();
        assert_eq!(acc.boundaries(), &[1.0, 2.0]);
        // More values than bins: boundaries F⁻¹(k/K) are values themselves.
        let acc = BinnedEvppi::for_dist(&d, 2, 1).unwrap();
        assert_eq!(acc.boundaries(), &[2.0]);
        let fixed = BinnedEvppi::for_dist(&Dist::fixed(4.0).unwrap(), 10, 1).unwrap();
        assert_eq!(fixed.boundaries(), &[4.0]);
        // The sample 1, 1, 1, 2 in 2 bins: the tied 1s never split.
        let mut acc = BinnedEvppi::for_sample(&[1.0, 1.0, 1.0, 2.0], 2, 1).unwrap();
        assert_eq!(acc.boundaries(), &[1.0]);
        acc.add(0, &[1.0, 1.0, 1.0, 2.0], &[&[1.0, 2.0, 3.0, 4.0]]);
        assert_eq!(acc.estimate().bins, 2);
    }

    #[test]
    fn quantile_boundaries_have_equal_probability() {
        let d = Dist::uniform(0.0, 10.0).unwrap();
        let acc = BinnedEvppi::for_dist(&d, 4, 2).unwrap();
        assert_eq!(acc.boundaries(), &[2.5, 5.0, 7.5]);
        let sample: Vec<f64> = (1..=12).map(f64::from).collect();
        let acc = BinnedEvppi::for_sample(&sample, 3, 1).unwrap();
        assert_eq!(acc.boundaries(), &[4.0, 8.0]);
        assert!(BinnedEvppi::new(vec![f64::NAN], 1).is_err());
        assert!(BinnedEvppi::new(vec![], 0).is_err());
    }

    #[test]
    fn constant_net_benefit_gives_exactly_zero() {
        let theta: Vec<f64> = (0..3000).map(|i| f64::from((i * 7919) % 1000)).collect();
        for c in [0.1, -7.3, 1e9] {
            let mut acc = BinnedEvppi::for_sample(&theta, 17, 1).unwrap();
            for (k, chunk) in theta.chunks(1024).enumerate() {
                acc.add(k as u64 * 1024, chunk, &[&vec![c; chunk.len()]]);
            }
            let e = acc.estimate();
            assert_eq!((e.evppi.value, e.evppi.se, e.uncorrected), (0.0, 0.0, 0.0), "c = {c}");
        }
    }

    #[test]
    fn nonfinite_draws_are_counted_and_left_out() {
        let mut acc = BinnedEvppi::new(vec![0.0], 1).unwrap();
        acc.add(0, &[-1.0, f64::NAN, 1.0, 2.0], &[&[1.0, 2.0, f64::INFINITY, 3.0]]);
        let e = acc.estimate();
        assert_eq!((e.n, e.nonfinite), (2, 2));
    }
}
