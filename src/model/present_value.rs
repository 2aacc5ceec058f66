//! The present-value factor of each domain's cost stream, per iteration.
//!
//! With fade(t) = ρ + (1 − ρ)·e^{−λt} and growth g, a domain's factor is
//!
//! ```text
//! factor = ρ·S(a) + (1 − ρ)·S(a − λ),   a = ln(1 + g),
//! S(x)   = Σ_{t=start}^{end−1} e^{x·t}·DF(t)
//!        = Σ_runs DF(t₁)·e^{x·t₁} · (e^{m·(x + ln v)} − 1)/(e^{x + ln v} − 1)
//! ```
//!
//! a sum of geometric series, one per discount band the span crosses
//! ([`crate::discount::Segments`]). When x is the same for every iteration
//! (fixed growth, no fade, or a fixed rate), S is computed once at compile
//! time. Otherwise each iteration needs, per run, one `exp` (the lead
//! e^{x·t₁}) and two `expm1` (the ratio). Domains that share their growth
//! and fade (in the evidence scenario all seven faded domains share ρ and λ)
//! need the same leads for the same first years and the same ratios for the
//! same band and length: a [`TermTable`] computes each distinct term once per
//! iteration, as a column over the chunk, and every domain's factor is then
//! sums and products of those columns. A discount *rate* that itself varies
//! per iteration (`costs = "r"`) falls back to the row-by-row sum.

use crate::discount::{Segments, Years, constant_rate_sum};
use crate::expr::{Operand, Tape};
use crate::special::{exp_in_place, exp_m1_in_place};

/// How a domain discounts: a fixed schedule (its runs precomputed), or a
/// constant rate that may vary per iteration, over years `[start, end)`.
#[derive(Debug, Clone)]
pub(super) enum Discount {
    Fixed(Segments),
    Rate(Operand, Years, Years),
}

impl Discount {
    fn sum(&self, ln_q: f64, rate: f64) -> f64 {
        match self {
            Discount::Fixed(segments) => segments.sum(ln_q),
            Discount::Rate(_, start, end) => constant_rate_sum(rate, *start, *end, ln_q),
        }
    }
}

/// What a domain's factor depends on.
#[derive(Debug, Clone)]
pub(super) struct Stream {
    pub growth: Operand,
    pub floor: Operand,
    /// λ, the fade's decay rate a year.
    pub rate: Operand,
    pub discount: Discount,
}

impl Stream {
    /// factor = ρ·S(ln(1+g)) + (1 − ρ)·S(ln(1+g) − λ), for one iteration
    /// (`r` is the discount rate when it varies).
    fn factor(&self, g: f64, floor: f64, lambda: f64, r: f64) -> f64 {
        let ln_q = g.ln_1p();
        let mut f = 0.0;
        if floor != 0.0 {
            f += floor * self.discount.sum(ln_q, r);
        }
        if floor != 1.0 {
            f += (1.0 - floor) * self.discount.sum(ln_q - lambda, r);
        }
        f
    }
}

fn value(op: Operand, cols: &[Vec<f64>], i: usize) -> f64 {
    match op {
        Operand::Const(c) => c,
        Operand::Slot(s) => cols[s][i],
    }
}

/// The terms of the sums S(x) at one x = ln(1 + g) − λ, as columns.
#[derive(Debug, Clone)]
pub(super) struct TermTable {
    growth: Operand,
    /// λ, or 0 for the undecayed part ρ·S(a).
    rate: Operand,
    /// Column of x.
    x: usize,
    /// Leads e^{x·t₁}: (t₁, column).
    leads: Vec<(Years, usize)>,
    /// Denominators e^{x + ln v} − 1 of each band: (ln v, column).
    denominators: Vec<(f64, usize)>,
    /// Ratios (e^{m·d} − 1)/(e^{d} − 1), d = x + ln v (m when d = 0):
    /// (ln v, m, column of the denominator, column).
    ratios: Vec<(f64, Years, usize, usize)>,
}

impl TermTable {
    fn lead(&mut self, first: Years, tape: &mut Tape) -> usize {
        if let Some(&(_, slot)) = self.leads.iter().find(|(t, _)| *t == first) {
            return slot;
        }
        let slot = tape.new_slot();
        self.leads.push((first, slot));
        slot
    }

    fn ratio(&mut self, ln_v: f64, m: Years, tape: &mut Tape) -> usize {
        let same = |v: f64| v.to_bits() == ln_v.to_bits();
        if let Some(&(_, _, _, slot)) = self.ratios.iter().find(|(v, len, _, _)| same(*v) && *len == m) {
            return slot;
        }
        let denominator = match self.denominators.iter().find(|(v, _)| same(*v)) {
            Some(&(_, slot)) => slot,
            None => {
                let slot = tape.new_slot();
                self.denominators.push((ln_v, slot));
                slot
            }
        };
        let slot = tape.new_slot();
        self.ratios.push((ln_v, m, denominator, slot));
        slot
    }

    /// Fill every term column over the first `len` rows.
    fn eval(&self, cols: &mut [Vec<f64>], len: usize) {
        let mut x_column = std::mem::take(&mut cols[self.x]);
        for (i, xi) in x_column[..len].iter_mut().enumerate() {
            *xi = value(self.growth, cols, i).ln_1p() - value(self.rate, cols, i);
        }
        let x = &x_column[..len];
        // Arguments first, then the exponentials over the whole column
        // (`special::exp_in_place`: vectorised, the same bits on every machine).
        for &(first, slot) in &self.leads {
            let t = f64::from(first);
            let out = &mut cols[slot][..len];
            for (o, xi) in out.iter_mut().zip(x) {
                *o = t * xi;
            }
            exp_in_place(out);
        }
        for &(ln_v, slot) in &self.denominators {
            let out = &mut cols[slot][..len];
            for (o, xi) in out.iter_mut().zip(x) {
                *o = xi + ln_v;
            }
            exp_m1_in_place(out);
        }
        for &(ln_v, m, denominator, slot) in &self.ratios {
            let mut out = std::mem::take(&mut cols[slot]);
            let mf = f64::from(m);
            for (o, xi) in out[..len].iter_mut().zip(x) {
                *o = mf * (xi + ln_v);
            }
            exp_m1_in_place(&mut out[..len]);
            for ((o, xi), den) in out[..len].iter_mut().zip(x).zip(&cols[denominator][..len]) {
                *o = if xi + ln_v == 0.0 { mf } else { *o / den };
            }
            cols[slot] = out;
        }
        cols[self.x] = x_column;
    }
}

/// One run of a sum: weight·lead·ratio (lead 1 when t₁ = 0, ratio 1 when m = 1).
#[derive(Debug, Clone)]
struct Part {
    weight: f64,
    lead: Option<usize>,
    ratio: Option<usize>,
}

/// S(x) for one domain: a constant, or a sum of parts over a term table.
#[derive(Debug, Clone)]
enum Sum {
    Const(f64),
    Terms { column: usize, parts: Vec<Part> },
}

impl Sum {
    /// Fill `column` with Σ parts over the first `len` rows.
    fn eval(&self, cols: &mut [Vec<f64>], len: usize) {
        let Sum::Terms { column, parts } = self else { return };
        let mut out = std::mem::take(&mut cols[*column]);
        out[..len].fill(0.0);
        for part in parts {
            let w = part.weight;
            match (part.lead, part.ratio) {
                (Some(l), Some(r)) => {
                    for ((o, a), b) in out[..len].iter_mut().zip(&cols[l][..len]).zip(&cols[r][..len]) {
                        *o += w * a * b;
                    }
                }
                (Some(s), None) | (None, Some(s)) => {
                    for (o, a) in out[..len].iter_mut().zip(&cols[s][..len]) {
                        *o += w * a;
                    }
                }
                (None, None) => out[..len].iter_mut().for_each(|o| *o += w),
            }
        }
        cols[*column] = out;
    }

    fn at(&self, cols: &[Vec<f64>], i: usize) -> f64 {
        match self {
            Sum::Const(c) => *c,
            Sum::Terms { column, .. } => cols[*column][i],
        }
    }
}

/// A domain's factor from its two sums: ρ·S(a) + (1 − ρ)·S(a − λ).
#[derive(Debug, Clone)]
pub(super) struct FactorStep {
    out: usize,
    floor: Operand,
    undecayed: Sum,
    decayed: Sum,
}

impl FactorStep {
    fn eval(&self, cols: &mut [Vec<f64>], len: usize) {
        self.undecayed.eval(cols, len);
        self.decayed.eval(cols, len);
        let mut out = std::mem::take(&mut cols[self.out]);
        for (i, o) in out[..len].iter_mut().enumerate() {
            let rho = value(self.floor, cols, i);
            // A term whose weight is exactly 0 is left out (as in the scalar
            // form), so an infinite sum it multiplies cannot give NaN.
            let a = if rho != 0.0 {
                rho * self.undecayed.at(cols, i)
            } else {
                0.0
            };
            let b = if rho != 1.0 {
                (1.0 - rho) * self.decayed.at(cols, i)
            } else {
                0.0
            };
            *o = a + b;
        }
        cols[self.out] = out;
    }
}

/// A domain whose discount rate varies per iteration: summed row by row.
#[derive(Debug, Clone)]
pub(super) struct RowStep {
    out: usize,
    stream: Stream,
}

impl RowStep {
    fn eval(&self, cols: &mut [Vec<f64>], len: usize) {
        let mut out = std::mem::take(&mut cols[self.out]);
        let s = &self.stream;
        let rate = match s.discount {
            Discount::Fixed(_) => Operand::Const(0.0),
            Discount::Rate(op, _, _) => op,
        };
        for (i, o) in out[..len].iter_mut().enumerate() {
            *o = s.factor(
                value(s.growth, cols, i),
                value(s.floor, cols, i),
                value(s.rate, cols, i),
                value(rate, cols, i),
            );
        }
        cols[self.out] = out;
    }
}

/// The column steps of the present values, in the order they must run.
#[derive(Debug, Clone)]
pub(super) enum PvStep {
    Terms(TermTable),
    Factor(FactorStep),
    Row(RowStep),
}

impl PvStep {
    pub(super) fn eval(&self, cols: &mut [Vec<f64>], len: usize) {
        match self {
            PvStep::Terms(t) => t.eval(cols, len),
            PvStep::Factor(f) => f.eval(cols, len),
            PvStep::Row(r) => r.eval(cols, len),
        }
    }
}

/// Collects the streams of a model and shares their terms.
#[derive(Debug, Default)]
pub(super) struct Planner {
    tables: Vec<TermTable>,
    factors: Vec<PvStep>,
}

impl Planner {
    /// The factor of `stream`: a constant when nothing in it varies, else a
    /// column the planned steps fill.
    pub(super) fn factor(&mut self, stream: Stream, tape: &mut Tape) -> Operand {
        let segments = match &stream.discount {
            Discount::Fixed(segments) => segments.clone(),
            Discount::Rate(..) => {
                let out = tape.new_slot();
                self.factors.push(PvStep::Row(RowStep { out, stream }));
                return Operand::Slot(out);
            }
        };
        if let (Operand::Const(g), Operand::Const(floor), Operand::Const(lambda)) =
            (stream.growth, stream.floor, stream.rate)
        {
            return Operand::Const(stream.factor(g, floor, lambda, 0.0));
        }
        let undecayed = self.sum(&segments, stream.growth, Operand::Const(0.0), tape);
        let decayed = self.sum(&segments, stream.growth, stream.rate, tape);
        let out = tape.new_slot();
        self.factors.push(PvStep::Factor(FactorStep {
            out,
            floor: stream.floor,
            undecayed,
            decayed,
        }));
        Operand::Slot(out)
    }

    /// S(x) at x = ln(1 + growth) − rate over `segments`.
    fn sum(&mut self, segments: &Segments, growth: Operand, rate: Operand, tape: &mut Tape) -> Sum {
        if let (Operand::Const(g), Operand::Const(lambda)) = (growth, rate) {
            return Sum::Const(segments.sum(g.ln_1p() - lambda));
        }
        let table = match self.tables.iter().position(|t| t.growth == growth && t.rate == rate) {
            Some(i) => i,
            None => {
                self.tables.push(TermTable {
                    growth,
                    rate,
                    x: tape.new_slot(),
                    leads: Vec::new(),
                    denominators: Vec::new(),
                    ratios: Vec::new(),
                });
                self.tables.len() - 1
            }
        };
        let table = &mut self.tables[table];
        let parts = segments
            .runs()
            .map(|run| Part {
                weight: run.ln_df_first.exp(),
                lead: (run.first > 0).then(|| table.lead(run.first, tape)),
                ratio: (run.len > 1).then(|| table.ratio(run.ln_v, run.len, tape)),
            })
            .collect();
        Sum::Terms {
            column: tape.new_slot(),
            parts,
        }
    }

    /// The steps: every term table, then every factor.
    pub(super) fn steps(self) -> Vec<PvStep> {
        self.tables.into_iter().map(PvStep::Terms).chain(self.factors).collect()
    }
}
