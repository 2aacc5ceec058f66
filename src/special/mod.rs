//! Special functions the model and the distributions share: the standard
//! normal CDF Φ and its inverse Φ⁻¹; and, in `exp`, e^x and e^x − 1 over
//! columns (vectorised, the same bits on every machine).
//!
//! Φ uses the `libm` crate's `erfc` (a port of musl/FreeBSD msun, about
//! 1 ulp; statrs' `erfc` is off by ~1e-12 near Φ⁻¹(0.975)). Φ⁻¹ is Wichura's algorithm AS 241 (PPND16), accurate
//! to about 1e-16 relative, and fast enough for the hot loop (no iteration).

// AS 241's coefficients are kept digit for digit as published.
#![allow(
    clippy::inconsistent_digit_grouping,
    clippy::excessive_precision,
    clippy::unreadable_literal
)]

mod exp;

pub use exp::{exp, exp_in_place, exp_m1, exp_m1_in_place};

/// z such that Φ(z) = 0.975 (two-sided 95%).
pub const Z95: f64 = 1.959_963_984_540_054;
/// z such that Φ(z) = 0.95 (two-sided 90%).
pub const Z90: f64 = 1.644_853_626_951_472_2;

/// Standard normal CDF: Φ(x) = ½·erfc(−x/√2).
pub fn norm_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}

/// Inverse of the standard normal CDF, Φ⁻¹(p), for p in (0, 1).
///
/// Returns −∞ at 0, +∞ at 1 and NaN outside [0, 1].
/// Reference: M. J. Wichura (1988), "Algorithm AS 241: The percentage points
/// of the normal distribution", Applied Statistics 37(3):477–484.
pub fn norm_inv(p: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        return q
            * (((((((2509.080_928_730_122_7 * r + 33_430.575_583_588_13) * r + 67_265.770_927_008_7) * r
                + 45_921.953_931_549_87)
                * r
                + 13_731.693_765_509_46)
                * r
                + 1971.590_950_306_551_3)
                * r
                + 133.141_667_891_784_38)
                * r
                + 3.387_132_872_796_366_5)
            / (((((((5_226.495_278_852_545 * r + 28729.085_735_721_942) * r + 39_307.895_800_092_71) * r
                + 21213.794_301_586_595)
                * r
                + 5_394.196_021_424_751)
                * r
                + 687.187_007_492_057_9)
                * r
                + 42.313_330_701_600_91)
                * r
                + 1.0);
    }
    let tail = if q < 0.0 { p } else { 1.0 - p };
    let mut r = (-tail.ln()).sqrt();
    let value = if r <= 5.0 {
        r -= 1.6;
        (((((((7.745_450_142_783_414e-4 * r + 0.022_723_844_989_269_184) * r + 0.241_780_725_177_450_6) * r
            + 1.270_458_252_452_368_4)
            * r
            + 3.647_848_324_763_204_5)
            * r
            + 5.769_497_221_460_691)
            * r
            + 4.630_337_846_156_546)
            * r
            + 1.423_437_110_749_683_5)
            / (((((((1.050_750_071_644_416_9e-9 * r + 5.475_938_084_995_345e-4) * r + 0.015_198_666_563_616_457)
                * r
                + 0.148_103_976_427_480_08)
                * r
                + 0.689_767_334_985_100_1)
                * r
                + 1.676_384_830_183_803_8)
                * r
                + 2.053_191_626_637_759)
                * r
                + 1.0)
    } else {
        r -= 5.0;
        (((((((2.010_334_399_292_288_1e-7 * r + 2.711_555_568_743_487_6e-5) * r + 0.001_242_660_947_388_078_4) * r
            + 0.026_532_189_526_576_124)
            * r
            + 0.296_560_571_828_504_9)
            * r
            + 1.784_826_539_917_291_3)
            * r
            + 5.463_784_911_164_114)
            * r
            + 6.657_904_643_501_103)
            / (((((((2.044_263_103_389_939_7e-15 * r + 1.421_511_758_316_446e-7) * r + 1.846_318_317_510_054_8e-5)
                * r
                + 7.868_691_311_456_133e-4)
                * r
                + 0.014_875_361_290_850_615)
                * r
                + 0.136_929_880_922_735_8)
                * r
                + 0.599_832_206_555_888)
                * r
                + 1.0)
    };
    if q < 0.0 { -value } else { value }
}

#[cfg(test)]
mod tests {
    use super::*;
    use statrs::distribution::{ContinuousCDF, Normal};

    #[test]
    fn norm_inv_matches_statrs_including_tails() {
        let n = Normal::standard();
        for &p in &[
            1e-12,
            1e-9,
            1e-5,
            0.001,
            0.025,
            0.1,
            0.3,
            0.5,
            0.7,
            0.975,
            0.999,
            1.0 - 1e-9,
        ] {
            let ours = norm_inv(p);
            let theirs = n.inverse_cdf(p);
            assert!(
                (ours - theirs).abs() < 1e-9 * theirs.abs().max(1.0),
                "p={p}: {ours} vs {theirs}"
            );
        }
    }

    #[test]
    fn norm_inv_inverts_norm_cdf() {
        // Up to x = 3: beyond it 1 − Φ(x) keeps too few digits for any inverse.
        for i in 1..140 {
            let x = -8.0 + i as f64 * 0.08;
            let back = norm_inv(norm_cdf(x));
            assert!((back - x).abs() < 1e-8, "x={x} back={back}");
        }
        assert_eq!(norm_inv(0.5), 0.0);
        assert!(norm_inv(1.5).is_nan());
        assert_eq!(norm_inv(0.0), f64::NEG_INFINITY);
    }

    #[test]
    fn norm_cdf_known_values() {
        assert!((norm_cdf(1.959_963_984_540_054) - 0.975).abs() < 1e-15);
        assert_eq!(norm_cdf(0.0), 0.5);
    }
}
