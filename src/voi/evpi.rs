//! The expected value of perfect information (EVPI), as a mergeable
//! accumulator, and its population value over a horizon.
//!
//! EVPI = E(max_d NB_d) − max_d E(NB_d); for fund or not,
//! E(max(NB, 0)) − max(E(NB), 0). It is estimated by the same formula with
//! sample means (Raiffa & Schlaifer 1961; Claxton & Posnett 1996).
//!
//! **Standard error (delta method).** With d* the option best on average,
//! the estimate is exactly the mean of zᵢ = max_d NB_{d,i} − NB_{d*,i}, the
//! opportunity loss of deciding now, so se = sd(z)/√n. This treats d* as
//! fixed, which the delta method justifies whenever the best option on
//! average is clear (its lead over the runner-up many times that lead's own
//! standard error): then max_d of the means has gradient 1 on d* and 0
//! elsewhere. When two options tie on average, max_d E(NB_d) is estimated
//! with an upward bias of at most about 0.4 of the standard error of the
//! difference of their means (E(max(X, 0)) for X ~ N(0, s²) is 0.4·s), so
//! EVPI is then biased down by less than one se. A bootstrap would need the
//! draws themselves; the delta method needs only the mergeable co-moments of
//! (max_d NB_d, NB_1 − NB_0, …), so it streams.

use serde::{Deserialize, Serialize};

use super::comoments::CoMoments;
use super::{Estimate, best_option, component, increment_count, increments, option_count};
use crate::discount::{Schedule, Years};

/// Mergeable EVPI accumulator: feed it chunks of net-benefit columns, merge
/// chunk accumulators in chunk order, then [`EvpiAccumulator::estimate`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvpiAccumulator {
    columns: usize,
    /// Co-moments of (max_d INB_d, INB_1, …, INB_m), INB relative to option 0.
    stats: CoMoments,
    /// Draws in which each option is the best.
    best: Vec<u64>,
    /// Draws left out because some net benefit was NaN or infinite.
    nonfinite: u64,
}

/// What an EVPI accumulator estimates.
#[derive(Debug, Clone, PartialEq)]
pub struct EvpiEstimate {
    /// Draws used (finite in every option).
    pub n: u64,
    /// Number of options (2 for fund or not).
    pub options: usize,
    /// EVPI and its delta-method standard error.
    pub evpi: Estimate,
    /// The option with the highest mean net benefit (the decision now).
    pub best_on_average: usize,
    /// For each option, the share of draws in which it is the best.
    pub prob_best: Vec<f64>,
    /// Mean net benefit of each option relative to option 0 (0 for option 0).
    pub mean_increment: Vec<f64>,
    /// Draws left out because some net benefit was NaN or infinite.
    pub nonfinite: u64,
}

impl EvpiAccumulator {
    /// An empty accumulator for `columns` net-benefit columns (≥ 1; one
    /// column is fund or not).
    ///
    /// # Panics
    /// If `columns` is 0 (a caller's bug: there is no decision).
    pub fn new(columns: usize) -> EvpiAccumulator {
        assert!(columns >= 1, "EVPI needs at least one net-benefit column");
        EvpiAccumulator {
            columns,
            stats: CoMoments::empty(1 + increment_count(columns)),
            best: vec![0; option_count(columns)],
            nonfinite: 0,
        }
    }

    /// Add one chunk: `nb[d][i]` is option column d's net benefit in draw i.
    /// Draws with a NaN or infinite net benefit are counted and left out.
    ///
    /// # Panics
    /// If the number of columns differs from [`EvpiAccumulator::new`]'s or
    /// the columns differ in length (a caller's bug).
    pub fn add(&mut self, nb: &[&[f64]]) {
        assert_eq!(nb.len(), self.columns, "wrong number of net-benefit columns");
        let len = nb[0].len();
        assert!(
            nb.iter().all(|c| c.len() == len),
            "net-benefit columns differ in length"
        );
        let m = increment_count(self.columns);
        let dim = 1 + m;
        let mut data = vec![0.0; len * dim];
        let mut rows = Vec::with_capacity(len);
        for i in 0..len {
            let row = &mut data[i * dim..(i + 1) * dim];
            if !increments(nb, i, &mut row[1..]) {
                self.nonfinite += 1;
                continue;
            }
            let best = best_option(&row[1..]);
            self.best[best] += 1;
            row[0] = component(best).map_or(0.0, |c| row[1 + c]);
            rows.push(i);
        }
        self.stats.merge(&CoMoments::of_rows(dim, &data, &rows));
    }

    /// Check an accumulator read from a file: `columns` net-benefit
    /// columns, co-moments and best-option counts of the right sizes, and
    /// its `draws` draws all counted (finite ones each with one best
    /// option, the rest as non-finite). Returns what is wrong.
    pub(crate) fn check(&self, columns: usize, draws: u64) -> Result<(), String> {
        if self.columns != columns || self.best.len() != option_count(columns) {
            return Err(format!(
                "EVPI of {} net-benefit columns and {} options, not {columns} and {}",
                self.columns,
                self.best.len(),
                option_count(columns)
            ));
        }
        self.stats.check(1 + increment_count(columns))?;
        if self.stats.n.checked_add(self.nonfinite) != Some(draws) {
            return Err(format!(
                "EVPI counts {} finite and {} non-finite draws, not {draws} in all",
                self.stats.n, self.nonfinite
            ));
        }
        let best = self.best.iter().try_fold(0u64, |a, &b| a.checked_add(b));
        if best != Some(self.stats.n) {
            return Err(format!(
                "EVPI's best options are counted {best:?} times in {} finite draws",
                self.stats.n
            ));
        }
        Ok(())
    }

    /// Merge another accumulator (of the same decision) into this one.
    /// Exact up to rounding; deterministic for a fixed merge order.
    pub fn merge(&mut self, other: &EvpiAccumulator) {
        assert_eq!(self.columns, other.columns, "merging EVPI of different decisions");
        self.stats.merge(&other.stats);
        for (a, b) in self.best.iter_mut().zip(&other.best) {
            *a += b;
        }
        self.nonfinite += other.nonfinite;
    }

    /// EVPI = mean(max_d NB_d) − max_d mean(NB_d) with its delta-method
    /// standard error sd(max_d NB_d − NB_{d*})/√n (NaN below two draws).
    pub fn estimate(&self) -> EvpiEstimate {
        let s = &self.stats;
        let n = s.n;
        let mut mean_increment = vec![0.0];
        mean_increment.extend_from_slice(&s.mean[1..]);
        let best_on_average = best_option(&s.mean[1..]);
        // Component 0 is max_d INB_d; component 1 + c is INB of option c + 1.
        let d_star = component(best_on_average).map(|c| c + 1);
        let value = if n == 0 {
            f64::NAN
        } else {
            s.mean_difference(Some(0), d_star)
        };
        let se = if n < 2 {
            f64::NAN
        } else {
            let variance = s.squares_of_difference(Some(0), d_star) / (n - 1) as f64;
            (variance / n as f64).sqrt()
        };
        EvpiEstimate {
            n,
            options: option_count(self.columns),
            evpi: Estimate { value, se },
            best_on_average,
            prob_best: self
                .best
                .iter()
                .map(|&b| if n == 0 { f64::NAN } else { b as f64 / n as f64 })
                .collect(),
            mean_increment,
            nonfinite: self.nonfinite,
        }
    }
}

/// Population EVPI: the per-cohort (per-decision) EVPI times the discounted
/// number of cohorts the decision affects over `horizon` years,
/// Σ_{t=0}^{H−1} DF(t) on `schedule` (the scenario's cost schedule; the
/// first cohort, t = 0, is undiscounted). This assumes one cohort a year of
/// the same size, as in Claxton & Posnett (1996) and the NICE/SAVI
/// convention. The standard error scales by the same factor, so pass it
/// through this function too. Zero for a zero horizon.
pub fn population_evpi(per_cohort: f64, schedule: &Schedule, horizon: Years) -> f64 {
    per_cohort * schedule.segments(0, horizon).sum(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_read_from_a_file_is_checked_for_counts_and_sizes() {
        let mut acc = EvpiAccumulator::new(1);
        acc.add(&[&[-2.0, 1.0, f64::NAN, 4.0]]);
        assert_eq!(acc.check(1, 4), Ok(()));
        assert!(acc.check(1, 5).unwrap_err().contains("not 5 in all"));
        assert!(acc.check(2, 4).unwrap_err().contains("not 2"));
        let mut bad = acc.clone();
        bad.best[0] += 1;
        assert!(bad.check(1, 4).unwrap_err().contains("best options"));
        let mut bad = acc.clone();
        bad.best.push(0);
        assert!(bad.check(1, 4).is_err());
        let mut bad = acc.clone();
        bad.stats.mean[1] = f64::NAN;
        assert!(bad.check(1, 4).unwrap_err().contains("NaN"));
        let mut bad = acc.clone();
        bad.stats.comoment.pop();
        assert!(bad.check(1, 4).unwrap_err().contains("co-moments"));
        let mut bad = acc;
        bad.nonfinite = u64::MAX;
        assert!(bad.check(1, 4).is_err());
    }

    #[test]
    fn hand_computed_fund_or_not() {
        // NB = −2, 1, 4: mean 1 > 0, so fund; max(NB, 0) = 0, 1, 4 with mean 5/3.
        // EVPI = 5/3 − 1 = 2/3; z = max − NB = 2, 0, 0: sd² = 4/3, se = √(4/9) = 2/3.
        let mut acc = EvpiAccumulator::new(1);
        acc.add(&[&[-2.0, 1.0, 4.0]]);
        let e = acc.estimate();
        assert!((e.evpi.value - 2.0 / 3.0).abs() < 1e-15);
        assert!((e.evpi.se - 2.0 / 3.0).abs() < 1e-15);
        assert_eq!((e.best_on_average, e.options, e.n), (1, 2, 3));
        assert_eq!(e.prob_best, vec![1.0 / 3.0, 2.0 / 3.0]);
    }

    #[test]
    fn explicit_reference_column_changes_nothing() {
        let nb: Vec<f64> = (0..200).map(|i| ((i * 7919) % 113) as f64 - 50.0).collect();
        let zero = vec![0.0; nb.len()];
        let (mut one, mut two) = (EvpiAccumulator::new(1), EvpiAccumulator::new(2));
        one.add(&[&nb]);
        two.add(&[&zero, &nb]);
        assert_eq!(one.estimate().evpi, two.estimate().evpi);
        // Shifting every option by the same amount per draw changes nothing either.
        let shift: Vec<f64> = (0..200).map(|i| (i % 13) as f64 * 100.0).collect();
        let a: Vec<f64> = shift.clone();
        let b: Vec<f64> = nb.iter().zip(&shift).map(|(x, s)| x + s).collect();
        let mut shifted = EvpiAccumulator::new(2);
        shifted.add(&[&a, &b]);
        let (x, y) = (one.estimate().evpi, shifted.estimate().evpi);
        assert!((x.value - y.value).abs() < 1e-12 && (x.se - y.se).abs() < 1e-12);
    }

    #[test]
    fn a_dominated_option_changes_nothing() {
        // Options: not funding, NB, and NB − 1 (never better than NB).
        let nb: Vec<f64> = (0..300).map(|i| ((i * 7919) % 101) as f64 - 45.0).collect();
        let worse: Vec<f64> = nb.iter().map(|v| v - 1.0).collect();
        let zero = vec![0.0; nb.len()];
        let (mut two, mut three) = (EvpiAccumulator::new(1), EvpiAccumulator::new(3));
        two.add(&[&nb]);
        three.add(&[&zero, &nb, &worse]);
        let (a, b) = (two.estimate(), three.estimate());
        assert!((a.evpi.value - b.evpi.value).abs() < 1e-12 && (a.evpi.se - b.evpi.se).abs() < 1e-12);
        assert_eq!((b.options, b.prob_best[2]), (3, 0.0));
        assert_eq!(a.prob_best[1], b.prob_best[1]);
    }

    #[test]
    fn constant_net_benefit_gives_exactly_zero() {
        for c in [0.1, -3.7, 0.0, 1e9] {
            let mut acc = EvpiAccumulator::new(1);
            for _ in 0..5 {
                acc.add(&[&[c; 333]]);
            }
            let e = acc.estimate().evpi;
            assert_eq!((e.value, e.se), (0.0, 0.0), "c = {c}");
        }
    }

    #[test]
    fn nonfinite_draws_are_counted_and_left_out() {
        let mut acc = EvpiAccumulator::new(1);
        acc.add(&[&[1.0, f64::NAN, -1.0, f64::INFINITY]]);
        let e = acc.estimate();
        assert_eq!((e.n, e.nonfinite), (2, 2));
        assert_eq!(e.evpi.value, 0.5);
    }

    #[test]
    fn population_factor_is_the_discounted_cohort_count() {
        let gb = Schedule::green_book();
        let by_year: f64 = (0..10).map(|t| gb.discount_factor(t)).sum();
        assert!((population_evpi(2.0, &gb, 10) - 2.0 * by_year).abs() < 1e-12);
        assert_eq!(population_evpi(5.0, &gb, 1), 5.0);
        assert_eq!(population_evpi(5.0, &gb, 0), 0.0);
        assert!((population_evpi(1.0, &Schedule::constant(0.0), 20) - 20.0).abs() < 1e-12);
    }
}
