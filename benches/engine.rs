//! Criterion benches: sampling per distribution, model evaluation per chunk,
//! the reduction (sketch adds, the Sobol bootstrap), whole runs of the
//! headline and evidence scenarios, and the value of information of the
//! evidence scenario. Fixed seeds, no disk I/O.
//!
//! Run: `cargo bench --bench engine` (CI only checks they compile:
//! `cargo bench --no-run`).

use std::hint::black_box;
use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

use cradle::engine::{self, CHUNK_SIZE, RunConfig, Silent};
use cradle::sampling::{chunk_rng, fill_monte_carlo};
use cradle::{Dist, Model, Scenario};

fn headline() -> Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/headline.toml");
    Model::compile(&Scenario::load(path).expect("the headline scenario loads"))
}

fn dists(c: &mut Criterion) {
    let cases = [
        ("uniform", Dist::uniform(0.0, 1.0).unwrap()),
        ("triangular", Dist::triangular(0.05, 0.15, 0.30).unwrap()),
        ("pert", Dist::pert(0.05, 0.15, 0.30, 4.0).unwrap()),
        ("normal", Dist::normal(0.35, 0.13).unwrap()),
        (
            "normal_truncated",
            Dist::normal(0.35, 0.13).unwrap().truncate(0.0, f64::INFINITY).unwrap(),
        ),
        ("lognormal", Dist::lognormal(8.85, 0.42).unwrap()),
        ("beta", Dist::beta(13.0, 10.7).unwrap()),
        ("gamma", Dist::gamma(4.0, 2500.0).unwrap()),
        ("gamma_shape_below_1", Dist::gamma(0.5, 1.0).unwrap()),
        (
            "discrete",
            Dist::discrete(vec![1.0, 2.0, 3.0, 4.0], vec![1.0, 2.0, 3.0, 4.0]).unwrap(),
        ),
    ];
    // quantile tables are built on the first call: in criterion's warm-up
    let mut quantile = c.benchmark_group("quantile");
    quantile.throughput(Throughput::Elements(CHUNK_SIZE as u64));
    let u: Vec<f64> = (0..CHUNK_SIZE).map(|i| (i as f64 + 0.5) / CHUNK_SIZE as f64).collect();
    for (name, dist) in &cases {
        let mut out = u.clone();
        quantile.bench_function(*name, |b| {
            b.iter(|| {
                out.copy_from_slice(&u);
                dist.quantile_in_place(&mut out);
                black_box(&out);
            })
        });
    }
    quantile.finish();
    let mut group = c.benchmark_group("dist");
    group.throughput(Throughput::Elements(CHUNK_SIZE as u64));
    for (name, dist) in &cases {
        let mut rng = chunk_rng(1, 0);
        let mut out = vec![0.0; CHUNK_SIZE];
        group.bench_function(*name, |b| {
            b.iter(|| {
                dist.fill(&mut rng, &mut out);
                black_box(&out);
            })
        });
    }
    group.finish();
}

fn evidence() -> Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/evidence.toml");
    Model::compile(&Scenario::load(path).expect("the evidence scenario loads"))
}

/// Model evaluation and input sampling per chunk, for the headline scenario
/// ("evaluate", "sample_inputs") and the evidence scenario (uncertain fade).
fn model(c: &mut Criterion) {
    let mut group = c.benchmark_group("model");
    group.throughput(Throughput::Elements(CHUNK_SIZE as u64));
    for (suffix, model) in [("", headline()), ("/evidence", evidence())] {
        let mut ws = model.workspace(CHUNK_SIZE);
        fill_monte_carlo(&model, &mut ws, 1, 0, CHUNK_SIZE);
        group.bench_function(format!("evaluate{suffix}"), |b| {
            b.iter(|| model.evaluate(black_box(&mut ws), CHUNK_SIZE))
        });
        group.bench_function(format!("sample_inputs{suffix}"), |b| {
            b.iter(|| fill_monte_carlo(&model, black_box(&mut ws), 1, 0, CHUNK_SIZE))
        });
    }
    group.finish();
}

/// Adding a chunk of values to a quantile sketch (lognormal-like values of one
/// sign, the common case), and the Sobol bootstrap's sums (N = 2^16 rows of
/// 38 quantities, the headline's 18 factors, 64 resamples).
fn reduction(c: &mut Criterion) {
    use cradle::sensitivity::bootstrap::RowQuantities;
    use cradle::stats::Sketch;
    let values: Vec<f64> = (0..64 * CHUNK_SIZE)
        .map(|i| 40_000.0 * (0.4 * cradle::special::norm_inv((i as f64 * 0.618_034).fract().max(1e-9))).exp())
        .collect();
    let mut group = c.benchmark_group("sketch");
    group.throughput(Throughput::Elements(CHUNK_SIZE as u64));
    group.bench_function("add", |b| {
        let mut sketch = Sketch::default();
        let mut chunk = values.chunks(CHUNK_SIZE).cycle();
        b.iter(|| sketch.add_all(black_box(chunk.next().expect("cycles"))))
    });
    group.finish();
    let (rows, width, resamples) = (1usize << 16, 38usize, 64usize);
    let mut table = RowQuantities::new(width);
    let mut row = vec![0.0; width];
    for j in 0..rows {
        for (p, q) in row.iter_mut().enumerate() {
            *q = ((j * 31 + p * 17) % 101) as f64 / 101.0;
        }
        table.push(&row);
    }
    let mut group = c.benchmark_group("sobol");
    group.sample_size(10);
    group.throughput(Throughput::Elements((rows * resamples) as u64));
    group.bench_function("bootstrap", |b| {
        b.iter(|| black_box(table.resampled_sums(resamples, 1, 0)))
    });
    group.finish();
}

fn run(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine/run");
    group.sample_size(10);
    for (name, model) in [("headline", headline()), ("evidence", evidence())] {
        for draws in [100_000u64, 1_000_000] {
            group.throughput(Throughput::Elements(draws));
            for threads in [1usize, 2] {
                let config = RunConfig {
                    iterations: draws,
                    seed: 20_260_209,
                    threads: Some(threads),
                    keep_samples: false,
                    ..RunConfig::default()
                };
                group.bench_with_input(
                    BenchmarkId::new(format!("{name}/{threads}-thread"), draws),
                    &config,
                    |b, config| b.iter(|| engine::run(&model, config, &mut Silent).expect("runs")),
                );
            }
        }
    }
    group.finish();
}

fn sensitivity(c: &mut Criterion) {
    use cradle::sensitivity::{self, sobol};
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/headline.toml");
    let scenario = Scenario::load(path).expect("the headline scenario loads");
    let model = Model::compile(&scenario);
    let factors = sensitivity::factors(&scenario, &model);
    let metrics = sensitivity::resolve_metrics(&model, &["net_savings".to_string()]).expect("a metric");
    let mut group = c.benchmark_group("sensitivity");
    group.sample_size(10);
    let n = 1 << 13;
    group.throughput(Throughput::Elements((n * (factors.len() + 2)) as u64));
    let config = sobol::SobolConfig {
        base_samples: n,
        seed: 1,
        bootstrap: 1000,
        second_order: false,
    };
    group.bench_function("sobol_2^13_bootstrap_1000", |b| {
        b.iter(|| sobol::sobol(&model, &factors, &metrics, &config).expect("runs"))
    });
    group.finish();
}

fn samplers(c: &mut Criterion) {
    use cradle::sampling::Sampler;
    let model = headline();
    let mut group = c.benchmark_group("sampler");
    group.sample_size(10);
    let draws = 1u64 << 20;
    group.throughput(Throughput::Elements(draws));
    for sampler in [Sampler::MonteCarlo, Sampler::LatinHypercube, Sampler::Sobol] {
        let config = RunConfig {
            iterations: draws,
            seed: 20_260_209,
            threads: Some(1),
            sampler,
            ..RunConfig::default()
        };
        group.bench_function(sampler.name(), |b| {
            b.iter(|| engine::run(&model, &config, &mut Silent).expect("runs"))
        });
    }
    group.finish();
}

/// EVPPI of every uncertain parameter of the evidence scenario (binned,
/// plus EVPI) against a plain run of the same draws, both on one thread:
/// the target is at most twice the run.
fn voi(c: &mut Criterion) {
    use cradle::voi::{self, VoiConfig};
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/evidence.toml");
    let scenario = Scenario::load(path).expect("the evidence scenario loads");
    let model = Model::compile(&scenario);
    let pool = engine::thread_pool(Some(1)).expect("a pool");
    let draws = 1u64 << 18;
    let mut group = c.benchmark_group("voi");
    group.sample_size(10);
    group.throughput(Throughput::Elements(draws));
    let config = VoiConfig {
        iterations: draws,
        ..VoiConfig::for_scenario(&scenario)
    };
    group.bench_function("evppi_all/evidence", |b| {
        b.iter(|| voi::analyse(&scenario, &model, &config, &pool).expect("runs"))
    });
    let run = RunConfig {
        iterations: draws,
        seed: config.seed,
        threads: Some(1),
        ..RunConfig::default()
    };
    group.bench_function("run/evidence", |b| {
        b.iter(|| engine::run_on(&model, &run, &pool, &mut Silent).expect("runs"))
    });
    group.finish();
}

criterion_group!(benches, dists, model, reduction, run, sensitivity, samplers, voi);
criterion_main!(benches);
