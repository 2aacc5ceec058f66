//! Criterion benches for `special::exp`: e^x and e^x − 1 over one chunk's
//! column (1024 values), the slice functions against a loop of the standard
//! library's `f64::exp` / `f64::exp_m1`, each written as the model writes
//! it (the argument computed from a column, then the function). Fixed seed,
//! no disk I/O.
//!
//! Run: `cargo bench --bench exp`; the ratio of the two times in a group is
//! the speed-up.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rand::rngs::ChaCha8Rng;
use rand::{Rng, SeedableRng};

use cradle::engine::CHUNK_SIZE;
use cradle::special::{exp_in_place, exp_m1_in_place};

/// A column of `CHUNK_SIZE` values uniform on [lo, hi).
fn column(lo: f64, hi: f64) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    (0..CHUNK_SIZE)
        .map(|_| lo + (hi - lo) * ((rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64))
        .collect()
}

/// e^(t·x) for a growth rate x and a time t: arguments in [−3, 3].
fn exp(c: &mut Criterion) {
    let xs = column(-0.1, 0.1);
    let t = black_box(30.0);
    let mut out = vec![0.0; CHUNK_SIZE];
    let mut group = c.benchmark_group("exp");
    group.throughput(Throughput::Elements(CHUNK_SIZE as u64));
    group.bench_function("std_loop", |b| {
        b.iter(|| {
            for (o, x) in out.iter_mut().zip(&xs) {
                *o = (t * x).exp();
            }
            black_box(&out);
        })
    });
    group.bench_function("exp_in_place", |b| {
        b.iter(|| {
            for (o, x) in out.iter_mut().zip(&xs) {
                *o = t * x;
            }
            exp_in_place(&mut out);
            black_box(&out);
        })
    });
    group.finish();
}

/// e^(x + ln v) − 1 for a rate x and a discount factor v = 1/1.035:
/// arguments in [−0.14, 0.07], on both sides of |x| = 1/32.
fn exp_m1(c: &mut Criterion) {
    let xs = column(-0.1, 0.1);
    let ln_v = black_box(-(1.035f64.ln()));
    let mut out = vec![0.0; CHUNK_SIZE];
    let mut group = c.benchmark_group("exp_m1");
    group.throughput(Throughput::Elements(CHUNK_SIZE as u64));
    group.bench_function("std_loop", |b| {
        b.iter(|| {
            for (o, x) in out.iter_mut().zip(&xs) {
                *o = (x + ln_v).exp_m1();
            }
            black_box(&out);
        })
    });
    group.bench_function("exp_m1_in_place", |b| {
        b.iter(|| {
            for (o, x) in out.iter_mut().zip(&xs) {
                *o = x + ln_v;
            }
            exp_m1_in_place(&mut out);
            black_box(&out);
        })
    });
    group.finish();
}

criterion_group!(benches, exp, exp_m1);
criterion_main!(benches);
