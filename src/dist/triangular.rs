//! The triangular law on [min, max] with its peak at mode.
//!
//! With w = max − min, F(x) = (x − min)²/(w·(mode − min)) left of the mode and
//! 1 − (max − x)²/(w·(max − mode)) right of it. The quantile inverts each
//! branch: Q(u) = min + √(u·w·(mode − min)) for u·w < mode − min, else
//! max − √((1 − u)·w·(max − mode)). E(X) = (min + mode + max)/3 and
//! Var(X) = (min² + mode² + max² − min·mode − min·max − mode·max)/18
//! (Kotz & van Dorp 2004, *Beyond Beta*, ch. 1).
//!
//! Every formula is evaluated on the parameters divided by a power of two s
//! near their magnitude, and the result multiplied by s (by s² for E(X²)).
//! That is exact, so the numbers are those of the plain formulas wherever
//! these neither overflow nor underflow; and a range as wide as
//! (−1.7e308, 1.7e308), or as narrow as (0, 1e-300), still has finite,
//! correct draws.

use rand::Rng;

use super::{DResult, mode_inside, uniform01};

/// Triangular on [min, max] with peak at mode.
#[derive(Debug, Clone, PartialEq)]
pub struct Triangular {
    /// Lower bound.
    pub min: f64,
    /// Most likely value.
    pub mode: f64,
    /// Upper bound.
    pub max: f64,
    /// A power of two near max(|min|, |max|).
    scale: f64,
    /// (min, mode, max)/scale.
    scaled: (f64, f64, f64),
}

/// The power of two 2^e with 2^e ≤ |x| < 2^(e+1) (2^−1022 for subnormal x).
fn power_of_two_below(x: f64) -> f64 {
    let exponent = (x.abs().to_bits() >> 52) & 0x7ff;
    f64::from_bits(exponent.max(1) << 52)
}

/// The triangular quantile: min + √(u·w·(mode − min)) left of the mode,
/// max − √((1 − u)·w·(max − mode)) right of it, w = max − min. Both branches
/// are computed and one is selected, so loops over it vectorise.
#[inline]
fn triangular_quantile(u: f64, min: f64, mode: f64, max: f64) -> f64 {
    let width = max - min;
    let low = min + (u * width * (mode - min)).sqrt();
    let high = max - ((1.0 - u) * width * (max - mode)).sqrt();
    if u * width < mode - min { low } else { high }
}

impl Triangular {
    /// Triangular(min, mode, max); all finite, min < max, min ≤ mode ≤ max.
    pub(super) fn new(min: f64, mode: f64, max: f64) -> DResult<Triangular> {
        mode_inside(min, mode, max)?;
        let scale = power_of_two_below(min.abs().max(max.abs()));
        Ok(Triangular {
            min,
            mode,
            max,
            scale,
            scaled: (min / scale, mode / scale, max / scale),
        })
    }

    /// One draw by inversion: Q(U).
    pub(super) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.quantile(uniform01(rng))
    }

    /// Independent draws, the same as [`Triangular::sample`] once per
    /// element: the uniforms first, then the quantile over the whole column.
    pub(super) fn fill<R: Rng + ?Sized>(&self, rng: &mut R, out: &mut [f64]) {
        for x in out.iter_mut() {
            *x = uniform01(rng);
        }
        self.quantile_in_place(out);
    }

    /// Q(u), see [`triangular_quantile`].
    pub(super) fn quantile(&self, u: f64) -> f64 {
        let (min, mode, max) = self.scaled;
        self.scale * triangular_quantile(u, min, mode, max)
    }

    /// [`Triangular::quantile`] over a column of u, in place.
    pub(super) fn quantile_in_place(&self, values: &mut [f64]) {
        let (min, mode, max) = self.scaled;
        let scale = self.scale;
        for x in values.iter_mut() {
            *x = scale * triangular_quantile(*x, min, mode, max);
        }
    }

    /// F(x): 0 below min, (x − min)²/(w·(mode − min)) up to the mode,
    /// 1 − (max − x)²/(w·(max − mode)) above it, 1 from max.
    pub(super) fn cdf(&self, x: f64) -> f64 {
        let (min, mode, max) = &self.scaled;
        let x = x / self.scale;
        if x <= *min {
            0.0
        } else if x >= *max {
            1.0
        } else if x <= *mode {
            (x - min).powi(2) / ((max - min) * (mode - min))
        } else {
            1.0 - (max - x).powi(2) / ((max - min) * (max - mode))
        }
    }

    /// E(X) = (a + b + c)/3; E(X²) = Var + E(X)², Var = (a² + b² + c² − ab − ac − bc)/18.
    pub(super) fn raw_moment(&self, k: i32) -> f64 {
        let (a, c, b) = self.scaled;
        let s = self.scale;
        let mean = (a + b + c) / 3.0;
        if k == 1 {
            s * mean
        } else {
            s * (s * ((a * a + b * b + c * c - a * b - a * c - b * c) / 18.0 + mean * mean))
        }
    }

    /// The base value is the mode.
    pub(super) fn default_base(&self) -> f64 {
        self.mode
    }

    /// The support [min, max].
    pub(super) fn support(&self) -> (f64, f64) {
        (self.min, self.max)
    }
}

#[cfg(test)]
mod tests {
    use crate::dist::Dist;

    #[test]
    fn invalid_parameters_are_rejected() {
        assert!(Dist::triangular(0.0, 2.0, 1.0).unwrap_err().0.contains("mode must lie"));
    }
}
