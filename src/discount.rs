//! Discount schedules and the closed-form present value of a cost stream.
//!
//! DF(t) = Π_{s=1}^{t} 1/(1 + r(s)), DF(0) = 1, where t counts whole years
//! after the intervention. The HM Treasury Green Book schedule (Green Book
//! 2022, annex A6) declines with the horizon:
//!
//! | years s | 1–30 | 31–75 | 76–125 | 126–200 | 201–300 | 301+ |
//! |---|---|---|---|---|---|---|
//! | costs  | 3.5% | 3.0% | 2.5% | 2.0% | 1.5% | 1.0% |
//! | health | 1.5% | 1.29% | 1.07% | 0.86% | 0.64% | 0.43% |
//!
//! The health rates are the Green Book's published ones (annex A6, the rates
//! for health effects valued in QALYs), as printed, to two decimal places
//! of a percent. They are close to the cost rates × 1.5/3.5 (1.2857…%, …)
//! but not equal to them; using the printed values makes results match the
//! Green Book's own table and the other tools that use it.
//!
//! Within one band the discount factor is geometric, so a sum over the years
//! of a band is a geometric series and is computed in closed form
//! ([`Segments::sum`]), never year by year in the hot loop.

/// Years after the intervention, as whole numbers.
pub type Years = u32;

/// One band of a schedule: the rate applies to years `first..=last`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    /// First year s the rate applies to (≥ 1).
    pub first: Years,
    /// Last year (inclusive); `Years::MAX` for "forever".
    pub last: Years,
    /// The annual discount rate, as a fraction (0.035, not 3.5).
    pub rate: f64,
}

/// A piecewise-constant discount schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    bands: Vec<Band>,
}

/// The Green Book's bands: (first year, last year, cost rate, health rate).
const GREEN_BOOK_BREAKS: [(Years, Years, f64, f64); 6] = [
    (1, 30, 0.035, 0.015),
    (31, 75, 0.030, 0.0129),
    (76, 125, 0.025, 0.0107),
    (126, 200, 0.020, 0.0086),
    (201, 300, 0.015, 0.0064),
    (301, Years::MAX, 0.010, 0.0043),
];

impl Schedule {
    /// HM Treasury Green Book declining schedule for costs and benefits.
    pub fn green_book() -> Schedule {
        Schedule::green_book_column(|&(_, _, costs, _)| costs)
    }

    /// Green Book schedule for health effects valued in QALYs, at the
    /// published rates: 1.5% for years 1–30, then 1.29%, 1.07%, 0.86%,
    /// 0.64% and 0.43%.
    pub fn green_book_health() -> Schedule {
        Schedule::green_book_column(|&(_, _, _, health)| health)
    }

    fn green_book_column(rate: impl Fn(&(Years, Years, f64, f64)) -> f64) -> Schedule {
        let bands = GREEN_BOOK_BREAKS
            .iter()
            .map(|band| Band {
                first: band.0,
                last: band.1,
                rate: rate(band),
            })
            .collect();
        Schedule { bands }
    }

    /// A constant rate for every year.
    pub fn constant(rate: f64) -> Schedule {
        Schedule {
            bands: vec![Band {
                first: 1,
                last: Years::MAX,
                rate,
            }],
        }
    }

    /// The bands, in order.
    pub fn bands(&self) -> &[Band] {
        &self.bands
    }

    /// DF(t), year by year: the reference the closed forms are tested against.
    pub fn discount_factor(&self, t: Years) -> f64 {
        let mut df = 1.0;
        for s in 1..=t {
            df /= 1.0 + self.rate(s);
        }
        df
    }

    /// The rate r(s) that applies to year s ≥ 1.
    pub fn rate(&self, s: Years) -> f64 {
        self.bands
            .iter()
            .find(|b| b.first <= s && s <= b.last)
            .map_or(f64::NAN, |b| b.rate)
    }

    /// Precompute the geometric segments of Σ_{t=start}^{end−1} q^t·DF(t).
    pub fn segments(&self, start: Years, end: Years) -> Segments {
        let mut parts = Vec::new();
        if start == 0 && end > 0 {
            // Year 0 (the year of support) is undiscounted: DF(0) = 1.
            parts.push(Segment {
                first: 0,
                len: 1,
                ln_df_first: 0.0,
                ln_v: 0.0,
            });
        }
        let mut ln_df_before_band = 0.0; // ln DF(band.first − 1)
        for band in &self.bands {
            let ln_v = -(band.rate).ln_1p();
            let lo = start.max(band.first).max(1);
            let hi = (end.saturating_sub(1)).min(band.last); // inclusive
            if lo <= hi && end > 0 {
                let ln_df_first = ln_df_before_band + ln_v * f64::from(lo - band.first + 1);
                parts.push(Segment {
                    first: lo,
                    len: hi - lo + 1,
                    ln_df_first,
                    ln_v,
                });
            }
            if band.last == Years::MAX || band.last >= end {
                break;
            }
            ln_df_before_band += ln_v * f64::from(band.last - band.first + 1);
        }
        Segments { parts }
    }
}

/// One geometric run of years inside a band.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Segment {
    first: Years,
    len: Years,
    ln_df_first: f64,
    ln_v: f64,
}

/// Σ_{t=start}^{end−1} q^t·DF(t) for a fixed schedule and span, as a sum of
/// geometric series, one per band the span crosses.
#[derive(Debug, Clone, PartialEq)]
pub struct Segments {
    parts: Vec<Segment>,
}

impl Segments {
    /// Σ_t q^t·DF(t) with q = e^{ln_q}:
    /// Σ_bands DF(t₁)·q^{t₁}·(1 − x^m)/(1 − x), x = q·v, v = 1/(1+r).
    pub fn sum(&self, ln_q: f64) -> f64 {
        let mut total = 0.0;
        for p in &self.parts {
            let lead = (f64::from(p.first) * ln_q + p.ln_df_first).exp();
            total += lead * geometric(ln_q + p.ln_v, p.len);
        }
        total
    }
}

/// Σ_{k=0}^{m−1} e^{k·d} = (e^{m·d} − 1)/(e^{d} − 1), exactly m when d = 0.
/// `expm1` keeps it accurate when d is near zero (q·v ≈ 1).
pub fn geometric(d: f64, m: Years) -> f64 {
    if m == 1 {
        return 1.0;
    }
    if d == 0.0 {
        return f64::from(m);
    }
    (f64::from(m) * d).exp_m1() / d.exp_m1()
}

/// Σ_{t=start}^{end−1} q^t·DF(t) for a constant rate r that varies per
/// iteration: one geometric series with ratio q/(1+r).
pub fn constant_rate_sum(rate: f64, start: Years, end: Years, ln_q: f64) -> f64 {
    if end <= start {
        return 0.0;
    }
    let d = ln_q - rate.ln_1p();
    (f64::from(start) * d).exp() * geometric(d, end - start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year_by_year(s: &Schedule, start: Years, end: Years, q: f64) -> f64 {
        (start..end).map(|t| q.powi(t as i32) * s.discount_factor(t)).sum()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-11 * b.abs().max(1.0)
    }

    #[test]
    fn closed_form_matches_year_by_year_across_band_edges() {
        for schedule in [
            Schedule::green_book(),
            Schedule::green_book_health(),
            Schedule::constant(0.035),
            Schedule::constant(0.0),
        ] {
            for &(start, end) in &[
                (0, 1),
                (0, 31),
                (5, 18),
                (18, 41),
                (15, 66),
                (25, 80),
                (0, 130),
                (29, 32),
                (74, 77),
                (120, 210),
                (0, 400),
                (7, 7),
            ] {
                for &q in &[1.0, 1.02, 0.9, 0.86, 1.0 / 1.035] {
                    let closed = schedule.segments(start, end).sum(f64::ln(q));
                    let slow = year_by_year(&schedule, start, end, q);
                    assert!(
                        close(closed, slow),
                        "{schedule:?} [{start},{end}) q={q}: {closed} vs {slow}"
                    );
                }
            }
        }
    }

    #[test]
    fn constant_rate_matches_schedule() {
        for &(start, end) in &[(0, 1), (3, 40), (0, 200)] {
            for &q in &[1.0, 1.01, 0.8] {
                let a = constant_rate_sum(0.035, start, end, f64::ln(q));
                let b = year_by_year(&Schedule::constant(0.035), start, end, q);
                assert!(close(a, b));
            }
        }
        assert_eq!(constant_rate_sum(0.035, 5, 5, 0.0), 0.0);
    }

    #[test]
    fn annuity_closed_form() {
        // An annuity-immediate of 1 for years 1..=n at rate r: (1 − (1+r)^−n)/r.
        let r: f64 = 0.035;
        let n = 20;
        let expected = (1.0 - (1.0 + r).powi(-n)) / r;
        let got = Schedule::constant(r).segments(1, n as Years + 1).sum(0.0);
        assert!(close(got, expected));
    }

    #[test]
    fn green_book_rates() {
        let gb = Schedule::green_book();
        assert_eq!(gb.rate(1), 0.035);
        assert_eq!(gb.rate(30), 0.035);
        assert_eq!(gb.rate(31), 0.030);
        assert_eq!(gb.rate(76), 0.025);
        assert_eq!(gb.rate(301), 0.010);
        // The published health rates, not the cost rates × 1.5/3.5.
        let health = Schedule::green_book_health();
        let published = [0.015, 0.0129, 0.0107, 0.0086, 0.0064, 0.0043];
        for (year, rate) in [1, 31, 76, 126, 201, 301].into_iter().zip(published) {
            assert_eq!(health.rate(year), rate, "year {year}");
        }
        assert_eq!(health.rate(30), 0.015);
        assert_eq!(health.rate(75), 0.0129);
    }

    #[test]
    fn geometric_near_one_is_accurate() {
        let d = 1e-13;
        let exact = 10.0 + 45.0 * d;
        assert!((geometric(d, 10) - exact).abs() < 1e-9);
        assert_eq!(geometric(0.0, 7), 7.0);
    }
}
