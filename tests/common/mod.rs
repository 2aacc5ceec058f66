//! Tolerances and helpers shared by the integration tests (one place, as
//! statrs keeps its `prec.rs`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Monte Carlo tolerance: a statistic must lie within this many standard errors.
pub const SE_TOLERANCE: f64 = 4.0;

/// Kolmogorov–Smirnov critical value at α ≈ 0.001 for n draws: 1.95/√n
/// (as in rand_distr's distribution tests).
pub fn ks_critical(n: usize) -> f64 {
    1.95 / (n as f64).sqrt()
}

/// The Kolmogorov–Smirnov statistic sup |F_n(x) − F(x)| of `sample` against `cdf`.
pub fn ks_statistic(sample: &mut [f64], cdf: impl Fn(f64) -> f64) -> f64 {
    sample.sort_by(f64::total_cmp);
    let n = sample.len() as f64;
    let mut d: f64 = 0.0;
    for (i, &x) in sample.iter().enumerate() {
        let f = cdf(x);
        d = d.max((f - i as f64 / n).abs()).max(((i + 1) as f64 / n - f).abs());
    }
    d
}

/// Path of a file in the repository.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Write `text` as `name` in `dir` and return its path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}
