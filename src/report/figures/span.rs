//! The extent of an axis: the smallest interval holding every finite value
//! a figure draws, then padded so that nothing sits on the frame. Always
//! finite and of positive width, whatever the data (plotters maps a
//! zero-width range to the wrong pixel and loops on a NaN one).

/// An interval grown by the finite values it is shown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Span {
    lo: f64,
    hi: f64,
}

impl Default for Span {
    fn default() -> Self {
        Span {
            lo: f64::INFINITY,
            hi: f64::NEG_INFINITY,
        }
    }
}

impl Span {
    /// The span of `values` (non-finite ones ignored).
    pub(crate) fn of(values: impl IntoIterator<Item = f64>) -> Span {
        let mut s = Span::default();
        for v in values {
            s.include(v);
        }
        s
    }

    /// Grow to hold `v` (ignored unless finite).
    pub(crate) fn include(&mut self, v: f64) {
        if v.is_finite() {
            self.lo = self.lo.min(v);
            self.hi = self.hi.max(v);
        }
    }

    /// True before any finite value was included.
    pub(crate) fn is_empty(&self) -> bool {
        self.lo > self.hi
    }

    /// Lowest value included (+∞ when empty).
    pub(crate) fn lo(&self) -> f64 {
        self.lo
    }

    /// Highest value included (−∞ when empty).
    pub(crate) fn hi(&self) -> f64 {
        self.hi
    }

    /// The axis range: widened by `fraction` of the width on each side; a
    /// single value gets ±10% of itself (±1 at zero); an empty span is 0..1.
    pub(crate) fn padded(&self, fraction: f64) -> (f64, f64) {
        if self.is_empty() {
            return (0.0, 1.0);
        }
        let width = self.hi - self.lo;
        let pad = if width > 0.0 {
            width * fraction
        } else if self.lo != 0.0 {
            self.lo.abs() * 0.1
        } else {
            1.0
        };
        let (lo, hi) = (self.lo - pad, self.hi + pad);
        if lo.is_finite() && hi.is_finite() && hi > lo {
            (lo, hi)
        } else {
            // Values near ±f64::MAX: fall back to the unpadded span, or a unit one.
            if width > 0.0 && width.is_finite() {
                (self.lo, self.hi)
            } else {
                (0.0, 1.0)
            }
        }
    }

    /// As [`Span::padded`], but a side that sits at zero stays at zero (bars
    /// grow from zero, and a gap below them would read as a negative value).
    pub(crate) fn padded_from_zero(&self, fraction: f64) -> (f64, f64) {
        let (lo, hi) = self.padded(fraction);
        let lo = if self.lo == 0.0 { 0.0 } else { lo };
        let hi = if self.hi == 0.0 { 0.0 } else { hi };
        if hi > lo { (lo, hi) } else { self.padded(fraction) }
    }
}

/// `v` moved into [lo, hi] (for drawing a mark cut at the frame).
pub(crate) fn clamp(v: f64, (lo, hi): (f64, f64)) -> f64 {
    v.max(lo).min(hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_span_gives_a_finite_range_of_positive_width() {
        let cases = [
            Span::of([]),
            Span::of([f64::NAN, f64::INFINITY]),
            Span::of([5.0]),
            Span::of([0.0]),
            Span::of([-3.0, 7.0]),
            Span::of([f64::MAX, -f64::MAX]),
            Span::of([f64::MAX]),
        ];
        for s in cases {
            let (lo, hi) = s.padded(0.05);
            assert!(lo.is_finite() && hi.is_finite() && hi > lo, "{s:?} -> {lo} {hi}");
        }
    }

    #[test]
    fn padding_contains_the_values() {
        let s = Span::of([-3.0, 7.0, f64::NAN]);
        assert_eq!(s.padded(0.1), (-4.0, 8.0));
        assert_eq!(Span::of([40_000.0]).padded(0.1), (36_000.0, 44_000.0));
        assert_eq!(Span::of([0.0, 2.0]).padded_from_zero(0.5), (0.0, 3.0));
        assert_eq!(Span::of([-2.0, 0.0]).padded_from_zero(0.5), (-3.0, 0.0));
        assert_eq!(Span::of([0.0]).padded_from_zero(0.5), (-1.0, 1.0));
        assert_eq!(clamp(5.0, (0.0, 1.0)), 1.0);
    }
}
