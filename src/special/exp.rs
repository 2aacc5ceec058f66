//! The exponential function for columns of f64: e^x and e^x − 1, one value
//! at a time ([`exp`], [`exp_m1`]) or in place over a slice
//! ([`exp_in_place`], [`exp_m1_in_place`]). The slice functions are what the
//! model's hot loops want: the compiler vectorises them (x86-64 baseline
//! SSE2, no `unsafe`, no target features), and every element gets the same
//! bits as the scalar function, whatever the slice's length or alignment and
//! whatever the machine.
//!
//! # Method
//!
//! Table-driven, after Tang (1989), in the form of the exp of ARM's
//! optimized-routines (also musl's and glibc's):
//!
//! 1. Cody–Waite reduction: x = k·ln2/N + r, N = 128, k = round(x·N/ln2),
//!    |r| ≤ ln2/(2N) ≈ 0.0027. ln2/N is split in two; its high part has 35
//!    significant bits, so k·hi and x − k·hi are exact for every |k| < 2^18,
//!    and r carries only the rounding of k·lo (≈ 2^-76 relative).
//! 2. With k = N·e + j, e^x = 2^e · 2^(j/N) · e^r. 2^(j/N) comes from a table
//!    of pairs: h, the f64 nearest to it, and its relative error `tail`
//!    (2^(j/N) = h·(1 + tail)), so the table is good to about 2^-106.
//!    s = 2^e·h is built by adding e to h's exponent field (integer
//!    arithmetic on the bits, no conversion).
//! 3. e^r − 1 ≈ p(r) = r + r²/2! + … + r⁵/5! (Taylor; remainder < 2^-60
//!    relative), and e^x ≈ s + s·(tail + p(r)).
//! 4. Where |x| > 512, 2^e alone may leave the normal range, so s is formed
//!    with its exponent moved down by 1009 (x > 512) or up by 1022
//!    (x < −512) and the result multiplied by 2^1009 or 2^-1022 at the end:
//!    this last multiplication overflows to +∞, or underflows to a subnormal
//!    or 0, as IEEE 754 rounding says.
//!
//! e^x − 1 uses the same reduction and table with two changes. It forms
//! s − 1 exactly (Knuth's TwoSum) before adding s·(tail + p), so nothing is
//! lost when s is close to 1; and for |x| < 1/32, where the result is small
//! and the reduction would cancel, it takes k = 0, r = x, with p of degree 8.
//! The same degree-8 polynomial serves the whole of e^x − 1.
//!
//! There are no branches: inputs are clamped first (e^-746 rounds to 0,
//! e^710 to +∞, e^-40 − 1 to −1, and NaN stays NaN), and the few choices
//! are selects. The slice functions run the steps as three passes over
//! blocks of [`BLOCK`] elements (the arithmetic of the reduction; the table
//! look-up; the arithmetic of the result), so that the compiler sees two loops
//! of pure arithmetic it vectorises without a gather in the way, whatever its
//! cost model says about the look-up.
//!
//! No `mul_add`: on x86-64 without FMA it is a slow software routine, and it
//! would make results differ between machines with and without FMA. Rust
//! never fuses a·b + c by itself, so every operation is one IEEE 754
//! rounding, the same in the vector body, the scalar tail and [`exp`].
//!
//! # Accuracy
//!
//! Measured against a double-double reference (about 2^-93 relative) over
//! 10^6 points in each of 11 ranges, from |x| < 1e-300 to past overflow and
//! into the subnormal results (fixed seed; the ignored tests): the largest
//! error of e^x is 0.510 ulp where the result is normal and 0.750 ulp where
//! it is subnormal (rounded twice there: once to 53 bits, once to the
//! subnormal's precision); of e^x − 1, 0.623 ulp. The tests assert 0.52,
//! 0.76 and 0.65. glibc (its FMA variants, x86-64) under the same test:
//! exp 0.507 ulp, expm1 0.849 ulp.
//!
//! # References
//!
//! - P. T. P. Tang (1989), "Table-driven implementation of the exponential
//!   function in IEEE floating-point arithmetic", ACM TOMS 15(2), 144–157.
//! - J.-M. Muller (2016), *Elementary Functions: Algorithms and
//!   Implementation*, 3rd ed., Birkhäuser.
//! - W. J. Cody and W. Waite (1980), *Software Manual for the Elementary
//!   Functions*, Prentice-Hall.
//! - D. E. Knuth, *The Art of Computer Programming* vol. 2, §4.2.2 (TwoSum).
//! - ARM optimized-routines, `math/exp.c` (Szabolcs Nagy), for the table
//!   layout and the scaling of the far range.

/// log2 of the table size N.
const TABLE_BITS: u32 = 7;
/// Table size N: 2^(j/N) for j = 0..N.
const N: usize = 1 << TABLE_BITS;

/// N/ln 2, rounded to nearest.
const INV_LN2_N: f64 = f64::from_bits(0x4067_1547_652b_82fe);
/// ln 2/N to 35 significant bits (the low 18 bits are zero), so that
/// k·`LN2_HI_N` is exact for |k| < 2^18.
const LN2_HI_N: f64 = f64::from_bits(0x3f76_2e42_fefc_0000);
/// ln 2/N − `LN2_HI_N`, rounded to nearest (negative).
const LN2_LO_N: f64 = f64::from_bits(0xbd3c_610c_a86c_3899);
/// 1.5·2^52: z + `SHIFT` rounds z (|z| < 2^51) to the nearest integer k and
/// leaves k, in two's complement, in the low bits of the sum.
const SHIFT: f64 = 6_755_399_441_055_744.0;

/// Taylor coefficients 1/n! of e^r − 1 (for e^x: n = 2..5; for e^x − 1:
/// n = 2..8). Each is the f64 nearest to 1/n!.
const C2: f64 = 1.0 / 2.0;
const C3: f64 = 1.0 / 6.0;
const C4: f64 = 1.0 / 24.0;
const C5: f64 = 1.0 / 120.0;
const C6: f64 = 1.0 / 720.0;
const C7: f64 = 1.0 / 5_040.0;
const C8: f64 = 1.0 / 40_320.0;

/// e^x for x < −746 rounds to 0 (e^-746 < 2^-1075), for x > 710 overflows
/// (e^710 > 2^1024): clamping changes no result and keeps |k| < 2^18.
const EXP_MIN: f64 = -746.0;
const EXP_MAX: f64 = 710.0;
/// e^x − 1 for x < −40 is −1 within 2^-57, so exactly −1 once rounded.
const EXP_M1_MIN: f64 = -40.0;
/// Below this |x|, e^x − 1 takes k = 0 (see the module docs).
const NEAR_ZERO: f64 = 1.0 / 32.0;

/// Beyond |x| > `FAR`, 2^e alone (e from −1077 to 1025) may not be a normal
/// f64, so it is applied in two steps: s with its exponent moved, then a
/// factor.
const FAR: f64 = 512.0;
/// For x > `FAR`: s carries 2^(e − 1009), the factor 2^1009.
const OVER_FACTOR: f64 = f64::from_bits((1023 + 1009) << 52);
/// For x < −`FAR`: s carries 2^(e + 1022), the factor 2^-1022.
const UNDER_FACTOR: f64 = f64::MIN_POSITIVE;
/// Bits of 1.0: a factor 2^m has bits `ONE_BITS` + (m << 52).
const ONE_BITS: u64 = 1023 << 52;

/// Elements per block in the slice functions: the passes over a block keep
/// their intermediate columns (4 × 512 bytes) in L1.
const BLOCK: usize = 64;

/// Relative error of the table's 2^(j/N): 2^(j/N) = h·(1 + `TAIL[j]`), with
/// h the f64 nearest to 2^(j/N). Computed with mpmath at 300 bits.
#[rustfmt::skip]
const TAIL: [f64; N] = [
    0.0, 9.447885451727066e-17, -1.507066976926039e-17, -5.679155082825012e-17,
    4.9997448722726326e-17, -4.823683599994895e-17, 7.357846871247418e-18, 5.773230223741951e-17,
    8.189317638195515e-17, 5.326891139980878e-17, 1.6665881442326747e-18, -1.128113245461828e-17,
    -7.402825309426177e-17, -3.578659767309563e-18, -6.170654745608695e-17, 2.919139999949279e-17,
    -2.7939114859515733e-17, -5.399285355184285e-17, 4.776959425256223e-17, -7.927701432338473e-17,
    9.341710609905046e-17, -5.534520675707472e-17, 4.585670326662351e-17, 2.8582430411116143e-17,
    7.826573258636076e-17, 4.053626906769216e-17, 2.823784425951061e-17, -7.882802262487991e-17,
    3.2904726646008416e-17, -1.5792094703347882e-18, 4.721368121170128e-17, 1.3045277096919659e-17,
    3.3484623336251524e-17, 3.8611199774925664e-17, 5.527550048505249e-17, -3.927184172445234e-17,
    -6.346552106729483e-17, -8.684417614865944e-17, -1.5456342819397733e-17, -8.70763476495455e-17,
    3.750854201303127e-17, -6.616854503526488e-17, -5.346099009198751e-18, -2.443726321015018e-17,
    2.1023049675215714e-18, 7.771067937501065e-17, 1.3357510088834541e-17, 6.938291696959204e-17,
    1.9572585293112036e-17, 6.632256961675804e-17, -5.478069123926778e-17, -4.140839310392624e-17,
    -2.1571477251208752e-17, -3.8287766552120535e-17, 6.663804589232195e-17, 2.3936187400285282e-17,
    5.68648095791174e-17, 1.1264523354521684e-18, 7.007875046906994e-17, -5.0119214278381254e-17,
    -4.8923067513522756e-17, -3.5260089953269434e-17, -6.872303720902018e-17, 5.001446664133532e-18,
    -6.835808657661922e-17, -1.1307344092910212e-17, -8.416011634717156e-18, -2.9247977035436566e-17,
    -2.092304381843353e-17, -3.9778645875427124e-17, -3.833464968654295e-17, 5.763611164480894e-17,
    -2.3591094770850053e-17, 7.260074661098575e-17, 9.50689710108796e-18, -4.272956133839906e-17,
    -6.735219232374683e-17, -2.8396044410430936e-17, -7.226635472101257e-17, 5.786121003395918e-17,
    5.1548301170786783e-17, -9.416257568878152e-18, 2.4253985766689806e-17, -6.604314051707707e-17,
    -6.432131775424189e-18, -1.2204007601863921e-17, -6.336161863401293e-17, -3.7800879246373815e-17,
    1.5341410053603723e-17, 1.2932855580427452e-17, -4.123367330661149e-17, 4.703083974463456e-17,
    -6.152602891550265e-17, 5.827849326195279e-17, 3.540948262646183e-17, -3.2741571320938764e-17,
    4.875160526227062e-17, -5.718569790077838e-17, -4.719539664590972e-18, -5.773451958805706e-17,
    -1.0772487078934056e-17, -6.221808618533911e-17, 1.821405440362259e-17, -6.155536546227639e-17,
    1.685487290628973e-17, 5.3581249177694816e-17, 3.621615935336894e-17, 8.588379527574144e-18,
    1.01562190116415e-17, -2.869134889187244e-17, -5.495118966122005e-17, -5.56965572431627e-17,
    1.790126907604513e-17, -3.2211766346200164e-17, 5.265370768556274e-17, 3.5089866402403033e-17,
    -3.266924100901318e-17, -4.3657593008079375e-17, 1.7963932659833022e-17, 3.4300925275214166e-17,
    -5.545065618639427e-17, -5.149009745457733e-17, 5.336805878514151e-17, 3.498978661192973e-17,
    4.5784915277060095e-17, -5.241934575393899e-17, 2.0414278897578303e-17, 4.124842848606488e-18,
];

/// bits(h) − (j << 45), h the f64 nearest to 2^(j/N). Adding k << 45 =
/// (N·e + j) << 45 gives bits(2^e·h): e lands in the exponent field and the
/// j cancels. Computed with mpmath at 300 bits.
#[rustfmt::skip]
const SCALE_BITS: [u64; N] = [
    0x3ff0_0000_0000_0000, 0x3fef_f63d_a9fb_3335, 0x3fef_ec9a_3e77_8061, 0x3fef_e315_e86e_7f85,
    0x3fef_d9b0_d315_8574, 0x3fef_d06b_29dd_f6de, 0x3fef_c745_1875_9bc8, 0x3fef_be3e_cac6_f383,
    0x3fef_b558_6cf9_890f, 0x3fef_ac92_2b72_47f7, 0x3fef_a3ec_32d3_d1a2, 0x3fef_9b66_affe_d31b,
    0x3fef_9301_d012_5b51, 0x3fef_8abd_c06c_31cc, 0x3fef_829a_aea9_2de0, 0x3fef_7a98_c8a5_8e51,
    0x3fef_72b8_3c7d_517b, 0x3fef_6af9_388c_8dea, 0x3fef_635b_eb6f_cb75, 0x3fef_5be0_8404_5cd4,
    0x3fef_5487_3168_b9aa, 0x3fef_4d50_22fc_d91d, 0x3fef_463b_8862_8cd6, 0x3fef_3f49_917d_dc96,
    0x3fef_387a_6e75_6238, 0x3fef_31ce_4fb2_a63f, 0x3fef_2b45_65e2_7cdd, 0x3fef_24df_e1f5_6381,
    0x3fef_1e9d_f51f_dee1, 0x3fef_187f_d0da_d990, 0x3fef_1285_a6e4_030b, 0x3fef_0caf_a93e_2f56,
    0x3fef_06fe_0a31_b715, 0x3fef_0170_fc4c_d831, 0x3fee_fc08_b264_16ff, 0x3fee_f6c5_5f92_9ff1,
    0x3fee_f1a7_373a_a9cb, 0x3fee_ecae_6d05_d866, 0x3fee_e7db_34e5_9ff7, 0x3fee_e32d_c313_a8e5,
    0x3fee_dea6_4c12_3422, 0x3fee_da45_04ac_801c, 0x3fee_d60a_21f7_2e2a, 0x3fee_d1f5_d950_a897,
    0x3fee_ce08_6061_892d, 0x3fee_ca41_ed1d_0057, 0x3fee_c6a2_b5c1_3cd0, 0x3fee_c32a_f0d7_d3de,
    0x3fee_bfda_d536_2a27, 0x3fee_bcb2_99fd_dd0d, 0x3fee_b9b2_769d_2ca7, 0x3fee_b6da_a2cf_6642,
    0x3fee_b42b_569d_4f82, 0x3fee_b1a4_ca5d_920f, 0x3fee_af47_36b5_27da, 0x3fee_ad12_d497_c7fd,
    0x3fee_ab07_dd48_5429, 0x3fee_a926_8a59_46b7, 0x3fee_a76f_15ad_2148, 0x3fee_a5e1_b976_dc09,
    0x3fee_a47e_b03a_5585, 0x3fee_a346_34cc_c320, 0x3fee_a238_8255_2225, 0x3fee_a155_d44c_a973,
    0x3fee_a09e_667f_3bcd, 0x3fee_a012_750b_dabf, 0x3fee_9fb2_3c65_1a2f, 0x3fee_9f7d_f951_9484,
    0x3fee_9f75_e8ec_5f74, 0x3fee_9f9a_48a5_8174, 0x3fee_9feb_5642_67c9, 0x3fee_a069_4fde_5d3f,
    0x3fee_a114_73eb_0187, 0x3fee_a1ed_0130_c132, 0x3fee_a2f3_36cf_4e62, 0x3fee_a427_543e_1a12,
    0x3fee_a589_994c_ce13, 0x3fee_a71a_4623_c7ad, 0x3fee_a8d9_9b44_92ed, 0x3fee_aac7_d98a_6699,
    0x3fee_ace5_422a_a0db, 0x3fee_af32_16b5_448c, 0x3fee_b1ae_9915_7736, 0x3fee_b45b_0b91_ffc6,
    0x3fee_b737_b0cd_c5e5, 0x3fee_ba44_cbc8_520f, 0x3fee_bd82_9fde_4e50, 0x3fee_c0f1_70ca_07ba,
    0x3fee_c491_82a3_f090, 0x3fee_c863_19e3_2323, 0x3fee_cc66_7b5d_e565, 0x3fee_d09b_ec4a_2d33,
    0x3fee_d503_b23e_255d, 0x3fee_d99e_1330_b358, 0x3fee_de6b_5579_fdbf, 0x3fee_e36b_bfd3_f37a,
    0x3fee_e89f_995a_d3ad, 0x3fee_ee07_298d_b666, 0x3fee_f3a2_b84f_15fb, 0x3fee_f972_8de5_593a,
    0x3fee_ff76_f2fb_5e47, 0x3fef_05b0_30a1_064a, 0x3fef_0c1e_904b_c1d2, 0x3fef_12c2_5bd7_1e09,
    0x3fef_199b_dd85_529c, 0x3fef_20ab_5fff_d07a, 0x3fef_27f1_2e57_d14b, 0x3fef_2f6d_9406_e7b5,
    0x3fef_3720_dcef_9069, 0x3fef_3f0b_555d_c3fa, 0x3fef_472d_4a07_897c, 0x3fef_4f87_080d_89f2,
    0x3fef_5818_dcfb_a487, 0x3fef_60e3_16c9_8398, 0x3fef_69e6_03db_3285, 0x3fef_7321_f301_b460,
    0x3fef_7c97_337b_9b5f, 0x3fef_8646_14f5_a129, 0x3fef_902e_e78b_3ff6, 0x3fef_9a51_fbc7_4c83,
    0x3fef_a4af_a2a4_90da, 0x3fef_af48_2d8e_67f1, 0x3fef_ba1b_ee61_5a27, 0x3fef_c52b_376b_ba97,
    0x3fef_d076_5b6e_4540, 0x3fef_dbfd_ad9c_be14, 0x3fef_e7c1_819e_90d8, 0x3fef_f3c2_2b8f_71f1,
];

/// e^x.
///
/// Table-driven (Tang 1989; the module docs give the method and the
/// references). Largest error measured against a double-double reference
/// over 1.1·10^7 points: 0.510 ulp, and 0.750 ulp where the result is
/// subnormal (glibc: 0.507 ulp).
/// Overflows to +∞ for x > 709.78 and underflows to 0 for x < −745.13;
/// e^NaN = NaN, e^+∞ = +∞, e^-∞ = 0. Gives the same bits as
/// [`exp_in_place`].
///
/// ```
/// use cradle::special::exp;
/// assert_eq!(exp(0.0), 1.0);
/// assert!((exp(1.0) - std::f64::consts::E).abs() <= f64::EPSILON);
/// assert_eq!(exp(710.0), f64::INFINITY);
/// ```
#[inline]
pub fn exp(x: f64) -> f64 {
    let (ki, p) = exp_reduce(x);
    let (tail, bits) = look_up(ki);
    exp_finish(x, ki, p, tail, bits)
}

/// e^x − 1, accurate where e^x is close to 1.
///
/// The reduction of [`exp`] with s − 1 formed exactly, and k = 0 with a
/// degree-8 Taylor polynomial for |x| < 1/32 (see the module docs). Largest
/// error measured against a double-double reference over 1.1·10^7 points:
/// 0.623 ulp (glibc: 0.849 ulp). Overflows to +∞ for x > 709.78; −1 once
/// x < −37.43 (e^x < 2^-54); e^(−0) − 1 = −0; NaN gives NaN. Gives the same
/// bits as [`exp_m1_in_place`].
///
/// ```
/// use cradle::special::exp_m1;
/// assert_eq!(exp_m1(1e-20), 1e-20);
/// assert!(exp_m1(-0.0).is_sign_negative());
/// assert_eq!(exp_m1(-50.0), -1.0);
/// ```
#[inline]
pub fn exp_m1(x: f64) -> f64 {
    let (ki, p) = exp_m1_reduce(x);
    let (tail, bits) = look_up(ki);
    exp_m1_finish(x, ki, p, tail, bits)
}

/// Replaces each element x of `xs` by e^x, bit for bit as [`exp`] would,
/// vectorised.
///
/// ```
/// let mut xs = [0.0, 1.0, -1.0];
/// cradle::special::exp_in_place(&mut xs);
/// assert_eq!(xs, [1.0, cradle::special::exp(1.0), cradle::special::exp(-1.0)]);
/// ```
pub fn exp_in_place(xs: &mut [f64]) {
    in_blocks(xs, exp_reduce, exp_finish);
}

/// Replaces each element x of `xs` by e^x − 1, bit for bit as [`exp_m1`]
/// would, vectorised.
pub fn exp_m1_in_place(xs: &mut [f64]) {
    in_blocks(xs, exp_m1_reduce, exp_m1_finish);
}

/// Runs the three steps over `xs` in blocks of [`BLOCK`]: `reduce` over the
/// block, the table look-up, then `finish`, each a loop of its own so that
/// the two arithmetic loops vectorise.
#[inline(always)]
fn in_blocks(xs: &mut [f64], reduce: impl Fn(f64) -> (u64, f64), finish: impl Fn(f64, u64, f64, f64, u64) -> f64) {
    let mut ki = [0u64; BLOCK];
    let mut p = [0.0f64; BLOCK];
    let mut tail = [0.0f64; BLOCK];
    let mut bits = [0u64; BLOCK];
    for block in xs.chunks_mut(BLOCK) {
        let n = block.len();
        let (ki, p, tail, bits) = (&mut ki[..n], &mut p[..n], &mut tail[..n], &mut bits[..n]);
        for (x, (ki, p)) in block.iter().zip(ki.iter_mut().zip(p.iter_mut())) {
            (*ki, *p) = reduce(*x);
        }
        for (ki, (tail, bits)) in ki.iter().zip(tail.iter_mut().zip(bits.iter_mut())) {
            (*tail, *bits) = look_up(*ki);
        }
        for (i, x) in block.iter_mut().enumerate() {
            *x = finish(*x, ki[i], p[i], tail[i], bits[i]);
        }
    }
}

/// Step 1 for e^x: k (in the low bits of the returned word, see [`SHIFT`])
/// and p(r) ≈ e^r − 1, for x clamped to [`EXP_MIN`], [`EXP_MAX`].
#[inline(always)]
fn exp_reduce(x: f64) -> (u64, f64) {
    let x = x.clamp(EXP_MIN, EXP_MAX);
    let kd = INV_LN2_N * x + SHIFT;
    let ki = kd.to_bits();
    let kd = kd - SHIFT;
    let r = x - kd * LN2_HI_N - kd * LN2_LO_N;
    let r2 = r * r;
    let p = r + r2 * (C2 + r * C3) + r2 * r2 * (C4 + r * C5);
    (ki, p)
}

/// Step 1 for e^x − 1: as [`exp_reduce`] but with k = 0 near zero and the
/// degree-8 polynomial (Estrin's scheme, for a shorter chain of dependent
/// operations).
#[inline(always)]
fn exp_m1_reduce(x: f64) -> (u64, f64) {
    let xc = x.clamp(EXP_M1_MIN, EXP_MAX);
    // For |x| < NEAR_ZERO, reduce 0 instead of x: then k = 0 and r = x.
    let xk = if x.abs() < NEAR_ZERO { 0.0 } else { xc };
    let kd = INV_LN2_N * xk + SHIFT;
    let ki = kd.to_bits();
    let kd = kd - SHIFT;
    let r = xc - kd * LN2_HI_N - kd * LN2_LO_N;
    let r2 = r * r;
    let r4 = r2 * r2;
    let q = (C2 + r * C3) + r2 * (C4 + r * C5) + r4 * ((C6 + r * C7) + r2 * C8);
    (ki, r + r2 * q)
}

/// Step 2: the table entries for j = k mod N.
#[inline(always)]
fn look_up(ki: u64) -> (f64, u64) {
    let j = (ki % N as u64) as usize;
    (TAIL[j], SCALE_BITS[j])
}

/// s = 2^e·h from the table's `bits` and k, its exponent moved by −m for a
/// far-range `factor` = 2^m.
#[inline(always)]
fn scale(ki: u64, bits: u64, factor: f64) -> f64 {
    let adjust = ONE_BITS.wrapping_sub(factor.to_bits());
    f64::from_bits(bits.wrapping_add(ki << (52 - TABLE_BITS)).wrapping_add(adjust))
}

/// Step 3 for e^x: (s + s·(tail + p))·factor.
#[inline(always)]
fn exp_finish(x: f64, ki: u64, p: f64, tail: f64, bits: u64) -> f64 {
    let factor = if x > FAR {
        OVER_FACTOR
    } else if x < -FAR {
        UNDER_FACTOR
    } else {
        1.0
    };
    let s = scale(ki, bits, factor);
    let t = tail + p;
    (s + s * t) * factor
}

/// Step 3 for e^x − 1: (s − 1) + s·(tail + p), with s − 1 = d + d_err
/// exactly (TwoSum). Beyond [`FAR`], e^x ≥ 2^738 and the −1 is dropped.
#[inline(always)]
fn exp_m1_finish(x: f64, ki: u64, p: f64, tail: f64, bits: u64) -> f64 {
    let far = x > FAR;
    let factor = if far { OVER_FACTOR } else { 1.0 };
    let one = if far { 0.0 } else { 1.0 };
    let s = scale(ki, bits, factor);
    let t = tail + p;
    let d = s - one;
    let s_part = d - s;
    let d_err = (s - (d - s_part)) + (-one - s_part);
    let y = (d + (d_err + s * t)) * factor;
    // e^x − 1 has the sign of x; this restores it for x = −0, where the sum
    // gives +0.
    y.copysign(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::ChaCha8Rng;
    use rand::{Rng, SeedableRng};

    // --- A double-double reference ---
    //
    // T. J. Dekker (1971), "A floating-point technique for extending the
    // available precision", Numerische Mathematik 18, 224–242.
    //
    // About 2^-93 relative for e^x on [−746, 710] and for e^x − 1, far below
    // the 2^-53 that a ulp is: good enough to measure errors of a few
    // hundredths of a ulp. It shares no code or constant with the module.

    /// hi + lo, |lo| ≤ ulp(hi)/2.
    #[derive(Clone, Copy, Debug)]
    struct Dd {
        hi: f64,
        lo: f64,
    }

    fn dd(x: f64) -> Dd {
        Dd { hi: x, lo: 0.0 }
    }

    /// Knuth's TwoSum: a + b exactly.
    fn two_sum(a: f64, b: f64) -> Dd {
        let s = a + b;
        let bb = s - a;
        Dd {
            hi: s,
            lo: (a - (s - bb)) + (b - bb),
        }
    }

    /// a + b exactly, for |a| ≥ |b|.
    fn fast_two_sum(a: f64, b: f64) -> Dd {
        let s = a + b;
        Dd { hi: s, lo: b - (s - a) }
    }

    /// Dekker's split of a into two 26-bit halves.
    fn split(a: f64) -> (f64, f64) {
        let c = 134_217_729.0 * a; // 2^27 + 1
        let hi = c - (c - a);
        (hi, a - hi)
    }

    /// Dekker's product: a·b exactly (no FMA).
    fn two_prod(a: f64, b: f64) -> Dd {
        let p = a * b;
        let (ah, al) = split(a);
        let (bh, bl) = split(b);
        Dd {
            hi: p,
            lo: ((ah * bh - p) + ah * bl + al * bh) + al * bl,
        }
    }

    fn add(x: Dd, y: Dd) -> Dd {
        let s = two_sum(x.hi, y.hi);
        let t = two_sum(x.lo, y.lo);
        let s = fast_two_sum(s.hi, s.lo + t.hi);
        fast_two_sum(s.hi, s.lo + t.lo)
    }

    fn mul(x: Dd, y: Dd) -> Dd {
        let p = two_prod(x.hi, y.hi);
        fast_two_sum(p.hi, p.lo + (x.hi * y.lo + x.lo * y.hi))
    }

    fn div_by(x: Dd, n: f64) -> Dd {
        let q = x.hi / n;
        let p = two_prod(q, n);
        let r = add(x, Dd { hi: -p.hi, lo: -p.lo });
        fast_two_sum(q, (r.hi + r.lo) / n)
    }

    /// ln 2 to 106 bits.
    const LN2_DD: Dd = Dd {
        hi: std::f64::consts::LN_2,
        lo: 2.319_046_813_846_299_6e-17,
    };

    /// e^r − 1 for |r| ≤ 1: Taylor series at y = r/1024 (|y| < 1e-3), then
    /// ten doublings e^(2y) − 1 = (e^y − 1)·(2 + (e^y − 1)), which keep the
    /// relative error small however close e^r is to 1.
    fn expm1_small_ref(r: Dd) -> Dd {
        let y = Dd {
            hi: r.hi / 1024.0,
            lo: r.lo / 1024.0,
        };
        let mut term = y;
        let mut u = y;
        for n in 2..30 {
            term = div_by(mul(term, y), n as f64);
            u = add(u, term);
            if term.hi.abs() < 1e-36 * u.hi.abs() {
                break;
            }
        }
        for _ in 0..10 {
            u = mul(u, add(dd(2.0), u));
        }
        u
    }

    /// e^x = m·2^k, m in [0.7, 1.5], for |x| ≤ 750.
    fn exp_ref(x: f64) -> (Dd, i32) {
        let k = (x / LN2_DD.hi).round();
        let k_ln2 = mul(dd(k), LN2_DD);
        let r = add(
            dd(x),
            Dd {
                hi: -k_ln2.hi,
                lo: -k_ln2.lo,
            },
        );
        (add(dd(1.0), expm1_small_ref(r)), k as i32)
    }

    /// x·2^e, exact while the result is normal.
    fn ldexp(x: f64, e: i32) -> f64 {
        let (mut y, mut e) = (x, e);
        while e > 1000 {
            y *= 2f64.powi(1000);
            e -= 1000;
        }
        while e < -1000 {
            y *= 2f64.powi(-1000);
            e += 1000;
        }
        y * 2f64.powi(e)
    }

    /// e^x − 1 = m·2^k.
    fn exp_m1_ref(x: f64) -> (Dd, i32) {
        if x.abs() < 2f64.powi(-60) {
            // x + x²/2, to O(x³): x/1024 could be subnormal and inexact.
            (fast_two_sum(x, 0.5 * x * x), 0)
        } else if x.abs() < 0.5 {
            (expm1_small_ref(dd(x)), 0)
        } else if x > 100.0 {
            exp_ref(x) // the −1 is below 2^-140 of the result
        } else {
            let (m, k) = exp_ref(x);
            (
                add(
                    Dd {
                        hi: ldexp(m.hi, k),
                        lo: ldexp(m.lo, k),
                    },
                    dd(-1.0),
                ),
                0,
            )
        }
    }

    /// floor(log2 |v|) for finite v ≠ 0, from the bits.
    fn binade(v: f64) -> i32 {
        let field = ((v.to_bits() >> 52) & 0x7ff) as i32;
        if field == 0 {
            binade(v * 2f64.powi(64)) - 64
        } else {
            field - 1023
        }
    }

    /// |y − m·2^k| in units in the last place of m·2^k (2^-1074 for a
    /// subnormal). An infinite y is exact where m·2^k ≥ 2^1024 and counts as
    /// 2^1024 otherwise.
    fn ulp_error(y: f64, (m, k): (Dd, i32)) -> f64 {
        let exponent = binade(m.hi) + k;
        if y.is_infinite() && exponent >= 1024 {
            return 0.0;
        }
        let ulp_exponent = (exponent - 52).max(-1074);
        let scaled = if y.is_infinite() {
            ldexp(y.signum(), 1024 - k)
        } else {
            ldexp(y, -k)
        };
        (((scaled - m.hi) - m.lo) / ldexp(1.0, ulp_exponent - k)).abs()
    }

    /// Whether m·2^k is below the normal range.
    fn is_subnormal((m, k): (Dd, i32)) -> bool {
        binade(m.hi) + k < -1022
    }

    /// Distance in representable f64 values between two finite or infinite
    /// numbers of the same sign.
    fn ulps_apart(a: f64, b: f64) -> u64 {
        if a == b {
            return 0;
        }
        (a.to_bits() as i64).abs_diff(b.to_bits() as i64)
    }

    // --- Inputs ---

    /// Where the inputs of an accuracy test come from.
    #[derive(Clone, Copy)]
    enum Inputs {
        /// Uniform on [lo, hi].
        Uniform(f64, f64),
        /// Every binade equally, from the smallest subnormal to beyond
        /// overflow ([`any_binade`]).
        EveryBinade,
    }

    impl Inputs {
        fn draw(self, rng: &mut ChaCha8Rng) -> f64 {
            match self {
                Inputs::Uniform(lo, hi) => uniform(rng, lo, hi),
                Inputs::EveryBinade => any_binade(rng),
            }
        }
    }

    /// The ranges of the accuracy tests.
    const RANGES: &[(&str, Inputs)] = &[
        ("|x| < 1e-300", Inputs::Uniform(-1e-300, 1e-300)),
        ("|x| < 1e-8", Inputs::Uniform(-1e-8, 1e-8)),
        ("|x| < 1/16", Inputs::Uniform(-0.0625, 0.0625)),
        ("|x| < 0.5", Inputs::Uniform(-0.5, 0.5)),
        ("|x| < 1", Inputs::Uniform(-1.0, 1.0)),
        ("|x| < 50", Inputs::Uniform(-50.0, 50.0)),
        ("|x| < 700", Inputs::Uniform(-700.0, 700.0)),
        ("overflow edge", Inputs::Uniform(709.0, 709.79)),
        ("past overflow", Inputs::Uniform(709.78, 710.5)),
        ("subnormal results", Inputs::Uniform(-746.0, -708.0)),
        ("every binade", Inputs::EveryBinade),
    ];

    fn uniform(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> f64 {
        let u = (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
        lo + (hi - lo) * u
    }

    /// A random sign, exponent field (0 to 1032, so 2^-1074 to 2^10) and
    /// significand: built from bits, so the same on every platform.
    fn any_binade(rng: &mut ChaCha8Rng) -> f64 {
        let bits = rng.next_u64();
        let exponent = (bits >> 52) % 1033;
        f64::from_bits((bits & (1 << 63)) | (exponent << 52) | (bits & ((1 << 52) - 1)))
    }

    /// Largest error of `f` against `reference` over `n` points of each
    /// range, checked against `bound` (and `bound_subnormal` where the exact
    /// result is subnormal), and the ulps between `f` and the standard
    /// library's `std_f` (at most 1: both are faithful).
    fn check_accuracy(
        name: &str,
        f: fn(f64) -> f64,
        std_f: fn(f64) -> f64,
        reference: fn(f64) -> (Dd, i32),
        n: usize,
        bound: f64,
        bound_subnormal: f64,
    ) {
        let mut rng = ChaCha8Rng::seed_from_u64(20_260_417);
        for &(label, inputs) in RANGES {
            let (mut worst, mut worst_x, mut worst_std, mut apart) = (0.0f64, 0.0, 0.0f64, 0);
            for _ in 0..n {
                let x = inputs.draw(&mut rng);
                let exact = reference(x);
                let (y, y_std) = (f(x), std_f(x));
                let error = ulp_error(y, exact);
                let allowed = if is_subnormal(exact) { bound_subnormal } else { bound };
                assert!(
                    error <= allowed,
                    "{name}({x:e}) = {y:e}: {error:.3} ulp, more than {allowed}"
                );
                if error > worst {
                    (worst, worst_x) = (error, x);
                }
                worst_std = worst_std.max(ulp_error(y_std, exact));
                apart = apart.max(ulps_apart(y, y_std));
            }
            eprintln!(
                "{name} on {label}: max {worst:.4} ulp (at {worst_x:e}); std {worst_std:.4} ulp; \
                 at most {apart} ulp apart"
            );
            assert!(apart <= 1, "{name} on {label}: {apart} ulps from the standard library");
        }
    }

    fn exp_m1_std(x: f64) -> f64 {
        x.exp_m1()
    }

    fn exp_std(x: f64) -> f64 {
        x.exp()
    }

    // --- The reference itself ---

    #[test]
    fn reference_matches_known_values() {
        // mpmath at 300 bits, as (x, hi, lo).
        let exp_cases = [
            (1.0, std::f64::consts::E, 1.445_646_891_729_250_2e-16),
            (-1.0, 0.367_879_441_171_442_33, -1.242_875_367_278_836_3e-17),
            (0.5, 1.648_721_270_700_128_2, -4.731_568_479_435_833e-17),
            (700.0, 1.014_232_054_735_004_5e304, 1.666_657_192_073_467_3e287),
        ];
        for (x, hi, lo) in exp_cases {
            let (m, k) = exp_ref(x);
            let value = add(
                Dd {
                    hi: ldexp(m.hi, k),
                    lo: ldexp(m.lo, k),
                },
                Dd { hi: -hi, lo: -lo },
            );
            assert!((value.hi / hi).abs() < 1e-29, "exp_ref({x}) off by {:e}", value.hi / hi);
        }
        let exp_m1_cases = [
            (1e-5, 1.000_005_000_016_666_8e-5, -3.111_926_571_619_883e-22),
            (-0.3, -0.259_181_779_318_282_1, -1.805_530_505_953e-18),
            (0.125, 0.133_148_453_066_826_32, -5.370_737_708_558_031e-18),
            (-20.0, -0.999_999_997_938_846_4, 4.129_311_049_470_992_3e-17),
            (1.0, 1.718_281_828_459_045_3, -7.747_991_575_210_629e-17),
        ];
        for (x, hi, lo) in exp_m1_cases {
            let (m, k) = exp_m1_ref(x);
            let value = add(
                Dd {
                    hi: ldexp(m.hi, k),
                    lo: ldexp(m.lo, k),
                },
                Dd { hi: -hi, lo: -lo },
            );
            assert!(
                (value.hi / hi).abs() < 1e-29,
                "exp_m1_ref({x}) off by {:e}",
                value.hi / hi
            );
        }
    }

    // --- The table ---

    #[test]
    fn table_holds_the_powers_of_two_to_106_bits() {
        for j in 0..N {
            let h = f64::from_bits(SCALE_BITS[j].wrapping_add((j as u64) << (52 - TABLE_BITS)));
            // h is the nearest f64 to 2^(j/N), h in [1, 2): within half an ulp.
            assert!(TAIL[j].abs() <= f64::EPSILON / 2.0, "entry {j}: tail {:e}", TAIL[j]);
            // (h·(1 + tail))^128 = 2^j.
            let mut v = fast_two_sum(h, h * TAIL[j]);
            for _ in 0..TABLE_BITS {
                v = mul(v, v);
            }
            let target = f64::from_bits((1023 + j as u64) << 52); // 2^j
            let error = add(v, dd(-target)).hi / target;
            assert!(error.abs() < 2f64.powi(-98), "entry {j}: (2^(j/N))^N off by {error:e}");
        }
    }

    // --- Accuracy ---

    #[test]
    fn exp_is_within_0_52_ulp() {
        check_accuracy("exp", exp, exp_std, exp_ref, 100_000, 0.52, 0.76);
    }

    #[test]
    fn exp_m1_is_within_0_65_ulp() {
        check_accuracy("exp_m1", exp_m1, exp_m1_std, exp_m1_ref, 100_000, 0.65, 0.65);
    }

    /// The figures in the docs: 10^6 points per range.
    #[test]
    #[ignore = "heavy: 1.1e7 points per function (cargo test --release -- --ignored)"]
    fn exp_is_within_0_52_ulp_over_a_million_points_per_range() {
        check_accuracy("exp", exp, exp_std, exp_ref, 1_000_000, 0.52, 0.76);
    }

    #[test]
    #[ignore = "heavy: 1.1e7 points per function (cargo test --release -- --ignored)"]
    fn exp_m1_is_within_0_65_ulp_over_a_million_points_per_range() {
        check_accuracy("exp_m1", exp_m1, exp_m1_std, exp_m1_ref, 1_000_000, 0.65, 0.65);
    }

    #[test]
    fn known_values_are_correctly_rounded() {
        // (x, e^x, e^x − 1), each the f64 nearest the exact value (mpmath).
        let cases = [
            (0.5, 1.648_721_270_700_128_2, 0.648_721_270_700_128_2),
            (-0.5, 0.606_530_659_712_633_4, -0.393_469_340_287_366_6),
            (1.0, std::f64::consts::E, 1.718_281_828_459_045_3),
            (-1.0, 0.367_879_441_171_442_33, -0.632_120_558_828_557_7),
            (1e-3, 1.001_000_500_166_708_4, 0.001_000_500_166_708_341_7),
            (-2.5e-2, 0.975_309_912_028_332_6, -0.024_690_087_971_667_333),
            (0.03125, 1.031_743_407_499_102_8, 0.031_743_407_499_102_67),
            (0.1, 1.105_170_918_075_647_7, 0.105_170_918_075_647_63),
            (3.0, 20.085_536_923_187_668, 19.085_536_923_187_668),
            (-7.25, 0.000_710_174_388_842_549, -0.999_289_825_611_157_4),
            (20.0, 485_165_195.409_790_3, 485_165_194.409_790_3),
            (-37.0, 8.533_047_625_744_066e-17, -0.999_999_999_999_999_9),
            (100.0, 2.688_117_141_816_135_6e43, 2.688_117_141_816_135_6e43),
            (-300.0, 5.148_200_222_412_013e-131, -1.0),
            (709.0, 8.218_407_461_554_972e307, 8.218_407_461_554_972e307),
            (-708.5, 2.006_132_305_331_306e-308, -1.0),
            (-720.0, 2.032_230_802_4e-313, -1.0),
            (-745.0, 5e-324, -1.0),
        ];
        for (x, e, e_m1) in cases {
            assert_eq!(exp(x), e, "exp({x})");
            assert_eq!(exp_m1(x), e_m1, "exp_m1({x})");
        }
    }

    // --- Special inputs ---

    #[test]
    fn special_values_and_thresholds() {
        assert!(exp(f64::NAN).is_nan());
        assert!(exp_m1(f64::NAN).is_nan());
        assert_eq!(exp(f64::INFINITY), f64::INFINITY);
        assert_eq!(exp(f64::NEG_INFINITY).to_bits(), 0.0f64.to_bits());
        assert_eq!(exp_m1(f64::INFINITY), f64::INFINITY);
        assert_eq!(exp_m1(f64::NEG_INFINITY), -1.0);
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(-0.0), 1.0);
        assert_eq!(exp_m1(0.0).to_bits(), 0.0f64.to_bits());
        assert_eq!(exp_m1(-0.0).to_bits(), (-0.0f64).to_bits());
        // Tiny and subnormal inputs: e^x rounds to 1, e^x − 1 to x.
        for x in [5e-324, -5e-324, 1e-310, -1e-310, 1e-300, -2e-17, 1e-17] {
            assert_eq!(exp(x), 1.0, "exp({x:e})");
            assert_eq!(exp_m1(x), x, "exp_m1({x:e})");
        }
        // Overflow: ln(f64::MAX) = 709.782712893383973…
        let largest = 709.782_712_893_384;
        assert_eq!(exp(largest), 1.797_693_134_862_273_2e308);
        assert_eq!(exp_m1(largest), 1.797_693_134_862_273_2e308);
        let next = f64::from_bits(largest.to_bits() + 1);
        assert_eq!(exp(next), f64::INFINITY);
        assert_eq!(exp_m1(next), f64::INFINITY);
        assert_eq!(exp(1e300), f64::INFINITY);
        assert_eq!(exp_m1(f64::MAX), f64::INFINITY);
        // Underflow: e^x = 2^-1075 (half the smallest subnormal) at
        // x = −745.133219101941108…; above it rounds up, below it to 0.
        assert_eq!(exp(-745.133_219_101_941_1), 5e-324);
        assert_eq!(exp(-745.133_219_101_941_2), 0.0);
        assert_eq!(exp(-1e300), 0.0);
        // The f64 nearest ln(2^-1022), just above it: a normal result.
        assert_eq!(exp(-708.396_418_532_264_1), 2.225_073_858_507_262_6e-308);
        assert_eq!(exp_m1(-40.0), -1.0);
        assert_eq!(exp_m1(-1e300), -1.0);
        assert_eq!(exp_m1(-37.0), -0.999_999_999_999_999_9);
    }

    // --- Determinism ---

    /// A column mixing every range, the specials and the thresholds.
    fn mixed_column(n: usize) -> Vec<f64> {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let specials = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.0,
            -0.0,
            5e-324,
            709.79,
            -745.2,
            512.0,
            -512.0,
            NEAR_ZERO,
            -NEAR_ZERO,
        ];
        (0..n)
            .map(|i| match i % 4 {
                0 => specials[(i / 4) % specials.len()],
                1 => any_binade(&mut rng),
                2 => uniform(&mut rng, -1.0, 1.0),
                _ => uniform(&mut rng, -750.0, 750.0),
            })
            .collect()
    }

    #[test]
    fn slices_give_the_scalar_bits_at_any_offset_and_length() {
        let column = mixed_column(400);
        for (name, scalar, in_place) in [
            ("exp", exp as fn(f64) -> f64, exp_in_place as fn(&mut [f64])),
            ("exp_m1", exp_m1, exp_m1_in_place),
        ] {
            let want: Vec<u64> = column.iter().map(|&x| scalar(x).to_bits()).collect();
            for offset in 0..9 {
                for len in [0, 1, 2, 3, 5, 63, 64, 65, 127, 128, 129, 255, 300, 391] {
                    let mut xs = column[offset..offset + len].to_vec();
                    in_place(&mut xs);
                    for (i, y) in xs.iter().enumerate() {
                        assert_eq!(
                            y.to_bits(),
                            want[offset + i],
                            "{name} of {:e} at offset {offset}, length {len}",
                            column[offset + i]
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn results_are_the_same_bits_on_every_machine() {
        // A digest of 10^5 results. It changes only if the arithmetic does:
        // a deliberate change of method, or a compiler or target that does
        // not round each operation as IEEE 754 says.
        let mut column = mixed_column(100_000);
        let mut column_m1 = column.clone();
        exp_in_place(&mut column);
        exp_m1_in_place(&mut column_m1);
        let digest = |xs: &[f64]| {
            xs.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, x| {
                // NaN payloads are not portable; every NaN counts as one.
                let bits = if x.is_nan() { u64::MAX } else { x.to_bits() };
                (h ^ bits).wrapping_mul(0x0000_0100_0000_01b3)
            })
        };
        assert_eq!(
            (digest(&column), digest(&column_m1)),
            (5_728_434_842_396_619_059, 3_369_764_007_733_849_028)
        );
    }
}
