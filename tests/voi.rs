//! Value of information against closed forms: EVPI of a normal net benefit,
//! EVPPI of a linear-Gaussian model, properties every estimator must have,
//! the coverage of the intervals, and the given-data path.
//!
//! For NB ~ N(μ, σ²) and fund or not (Raiffa & Schlaifer 1961):
//! EVPI = E[max(NB, 0)] − max(μ, 0) = σφ(μ/σ) − |μ|Φ(−|μ|/σ).
//! For NB = a + bX + cY with independent normal X, Y, E[NB | X] is normal
//! with mean E[NB] and sd |b|σ_X, so EVPPI_X is the same formula with σ → |b|σ_X.

mod common;

use common::SE_TOLERANCE;
use cradle::chunk::CHUNK_SIZE;
use cradle::special::norm_cdf;
use cradle::voi::{
    BinnedEstimate, BinnedEvppi, EvpiAccumulator, EvpiEstimate, GroupSpec, PsaTable, RegressionConfig,
    RegressionEstimate, TableRequest, analyse_table, default_bins, regression_evppi,
};
use cradle::{Dist, Error};
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

/// σφ(μ/σ) − |μ|Φ(−|μ|/σ): the EVPI of fund or not with NB ~ N(μ, σ²).
fn normal_evpi(mu: f64, sigma: f64) -> f64 {
    let z = mu / sigma;
    let pdf = (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
    sigma * pdf - mu.abs() * norm_cdf(-z.abs())
}

fn normals(rng: &mut ChaCha8Rng, n: usize, mean: f64, sd: f64) -> Vec<f64> {
    (0..n)
        .map(|_| {
            let z: f64 = StandardNormal.sample(rng);
            mean + sd * z
        })
        .collect()
}

/// The linear-Gaussian model NB = a + b·X + c·Y.
struct Linear {
    a: f64,
    b: f64,
    c: f64,
    x: (f64, f64),
    y: (f64, f64),
}

impl Linear {
    fn draw(&self, seed: u64, n: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let x = normals(&mut rng, n, self.x.0, self.x.1);
        let y = normals(&mut rng, n, self.y.0, self.y.1);
        let nb = x
            .iter()
            .zip(&y)
            .map(|(x, y)| self.a + self.b * x + self.c * y)
            .collect();
        (x, y, nb)
    }
    fn mean(&self) -> f64 {
        self.a + self.b * self.x.0 + self.c * self.y.0
    }
    fn evppi_x(&self) -> f64 {
        normal_evpi(self.mean(), self.b.abs() * self.x.1)
    }
    fn evpi(&self) -> f64 {
        normal_evpi(self.mean(), (self.b * self.x.1).hypot(self.c * self.y.1))
    }
}

/// EVPI streamed in engine-sized chunks.
fn evpi_of(nb: &[f64]) -> EvpiEstimate {
    let mut acc = EvpiAccumulator::new(1);
    for chunk in nb.chunks(CHUNK_SIZE) {
        let mut part = EvpiAccumulator::new(1);
        part.add(&[chunk]);
        acc.merge(&part);
    }
    acc.estimate()
}

/// Binned EVPPI streamed as the engine will: bins from the law, chunk by chunk.
fn binned_of(dist: &Dist, theta: &[f64], nb: &[f64]) -> BinnedEstimate {
    let bins = default_bins(theta.len() as u64);
    let mut acc = BinnedEvppi::for_dist(dist, bins, 1).unwrap();
    for (k, (t, v)) in theta.chunks(CHUNK_SIZE).zip(nb.chunks(CHUNK_SIZE)).enumerate() {
        let mut part = BinnedEvppi::for_dist(dist, bins, 1).unwrap();
        part.add((k * CHUNK_SIZE) as u64, t, &[v]);
        acc.merge(&part);
    }
    acc.estimate()
}

fn regression_of(inputs: &[&[f64]], nb: &[f64], seed: u64) -> RegressionEstimate {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    regression_evppi(inputs, &[nb], &RegressionConfig::default(), &mut rng).unwrap()
}

fn assert_within(what: &str, estimate: f64, se: f64, truth: f64) {
    assert!(
        (estimate - truth).abs() <= SE_TOLERANCE * se,
        "{what}: {estimate} vs {truth} (se {se}, {:.1} se off)",
        (estimate - truth) / se
    );
}

#[test]
fn evpi_matches_the_normal_closed_form() {
    let sigma = 20_000.0;
    for (k, ratio) in [-1.0, 0.0, 0.5, 2.0].into_iter().enumerate() {
        let mut rng = ChaCha8Rng::seed_from_u64(100 + k as u64);
        let nb = normals(&mut rng, 200_000, ratio * sigma, sigma);
        let e = evpi_of(&nb);
        assert_within(
            &format!("μ/σ = {ratio}"),
            e.evpi.value,
            e.evpi.se,
            normal_evpi(ratio * sigma, sigma),
        );
        assert_eq!(e.n, 200_000);
    }
}

#[test]
fn binned_evppi_of_a_linear_gaussian_input() {
    for (k, model) in [
        Linear {
            a: 0.0,
            b: 1.0,
            c: 1.0,
            x: (0.0, 1.0),
            y: (0.0, 1.0),
        },
        Linear {
            a: 500.0,
            b: -2.0,
            c: 3.0,
            x: (100.0, 150.0),
            y: (0.0, 100.0),
        },
        Linear {
            a: -1.0,
            b: 0.5,
            c: 2.0,
            x: (1.0, 2.0),
            y: (0.2, 0.5),
        },
    ]
    .iter()
    .enumerate()
    {
        let (x, y, nb) = model.draw(200 + k as u64, 200_000);
        let e = binned_of(&Dist::normal(model.x.0, model.x.1).unwrap(), &x, &nb);
        assert_eq!(e.bins, default_bins(200_000));
        assert_within(&format!("model {k}, X"), e.evppi.value, e.evppi.se, model.evppi_x());
        let e = binned_of(&Dist::normal(model.y.0, model.y.1).unwrap(), &y, &nb);
        let truth_y = normal_evpi(model.mean(), model.c.abs() * model.y.1);
        assert_within(&format!("model {k}, Y"), e.evppi.value, e.evppi.se, truth_y);
    }
}

#[test]
fn regression_evppi_of_one_input_and_of_the_whole_group() {
    for (k, model) in [
        Linear {
            a: 0.0,
            b: 1.0,
            c: 1.0,
            x: (0.0, 1.0),
            y: (0.0, 1.0),
        },
        Linear {
            a: 500.0,
            b: -2.0,
            c: 3.0,
            x: (100.0, 150.0),
            y: (0.0, 100.0),
        },
    ]
    .iter()
    .enumerate()
    {
        let (x, y, nb) = model.draw(300 + k as u64, 20_000);
        let e = regression_of(&[&x], &nb, 1);
        assert_within(&format!("model {k}, {{X}}"), e.evppi.value, e.evppi.se, model.evppi_x());
        let both = regression_of(&[&x, &y], &nb, 1);
        assert_within(
            &format!("model {k}, {{X, Y}}"),
            both.evppi.value,
            both.evppi.se,
            model.evpi(),
        );
        // NB is a function of X and Y: the group's EVPPI is the sample's EVPI.
        let evpi = evpi_of(&nb);
        assert!((both.evppi.value - evpi.evpi.value).abs() < 1e-6 * evpi.evpi.value);
        assert!(both.r_squared[0] > 1.0 - 1e-9);
    }
}

#[test]
fn evppi_lies_between_zero_and_evpi() {
    // A product model with noise: NB = X·Y − 1 + Z, X, Y lognormal.
    let n = 100_000;
    let mut rng = ChaCha8Rng::seed_from_u64(400);
    let (lx, ly) = (Dist::lognormal(0.0, 0.5).unwrap(), Dist::lognormal(0.0, 0.3).unwrap());
    let x: Vec<f64> = (0..n).map(|_| lx.sample(&mut rng)).collect();
    let y: Vec<f64> = (0..n).map(|_| ly.sample(&mut rng)).collect();
    let z = normals(&mut rng, n, 0.0, 0.5);
    let nb: Vec<f64> = (0..n).map(|i| x[i] * y[i] - 1.2 + z[i]).collect();
    let evpi = evpi_of(&nb).evpi;
    let (x_only, y_only) = (binned_of(&lx, &x, &nb).evppi, binned_of(&ly, &y, &nb).evppi);
    let group = regression_of(&[&x[..20_000], &y[..20_000]], &nb[..20_000], 2).evppi;
    let group_truth_bound = evpi.value + SE_TOLERANCE * evpi.se;
    for (what, e) in [("X", x_only), ("Y", y_only), ("{X, Y}", group)] {
        assert!(e.value >= -SE_TOLERANCE * e.se, "{what}: {e:?} below 0");
        assert!(
            e.value <= group_truth_bound + SE_TOLERANCE * e.se,
            "{what}: {e:?} above EVPI {evpi:?}"
        );
    }
    // Knowing both is worth more than knowing either.
    assert!(group.value + SE_TOLERANCE * group.se >= x_only.value.max(y_only.value));
}

#[test]
fn constant_net_benefit_gives_exactly_zero() {
    let mut rng = ChaCha8Rng::seed_from_u64(500);
    let x = normals(&mut rng, 5000, 0.0, 1.0);
    let nb = vec![1234.5; 5000];
    assert_eq!(evpi_of(&nb).evpi.value, 0.0);
    let binned = binned_of(&Dist::normal(0.0, 1.0).unwrap(), &x, &nb);
    assert_eq!((binned.evppi.value, binned.uncorrected), (0.0, 0.0));
    let regression = regression_of(&[&x], &nb, 1);
    assert_eq!((regression.evppi.value, regression.uncorrected), (0.0, 0.0));
}

#[test]
fn an_input_the_net_benefit_ignores_is_worth_nothing() {
    // The hard case: a toss-up decision (E[NB] = 0), where a maximum of
    // noisy bin means is most biased. W does not enter NB at all.
    let n = 1 << 20;
    let mut rng = ChaCha8Rng::seed_from_u64(600);
    let w = normals(&mut rng, n, 0.0, 1.0);
    let nb = normals(&mut rng, n, 0.0, 1.0);
    let e = binned_of(&Dist::normal(0.0, 1.0).unwrap(), &w, &nb);
    assert_within("binned, irrelevant W", e.evppi.value, e.evppi.se, 0.0);
    // Strong & Oakley's uncorrected estimate shows the upward bias that
    // cross-fitting removes: about 0.4·√(K/n) against an se of about 0.7/√n.
    assert!(e.uncorrected > 3.0 * e.evppi.se, "{e:?}");
    let r = regression_of(&[&w[..20_000]], &nb[..20_000], 3);
    assert_within("regression, irrelevant W", r.evppi.value, r.evppi.se, 0.0);
}

#[test]
fn merging_chunks_equals_one_pass_and_is_deterministic() {
    let model = Linear {
        a: 0.3,
        b: 1.0,
        c: 1.0,
        x: (0.0, 1.0),
        y: (0.0, 1.0),
    };
    let (x, y, nb) = model.draw(700, 50_000);
    let zero = vec![0.0; nb.len()];
    let dist = Dist::normal(0.0, 1.0).unwrap();
    let k = default_bins(50_000);
    // Three options: 0, NB and NB − Y, to exercise the co-moments.
    let third: Vec<f64> = nb.iter().zip(&y).map(|(v, y)| v - y).collect();
    let columns: [&[f64]; 3] = [&zero, &nb, &third];
    let mut whole = BinnedEvppi::for_dist(&dist, k, 3).unwrap();
    whole.add(0, &x, &columns);
    let chunked = || {
        let mut acc = BinnedEvppi::for_dist(&dist, k, 3).unwrap();
        for start in (0..x.len()).step_by(CHUNK_SIZE) {
            let end = (start + CHUNK_SIZE).min(x.len());
            let cols: Vec<&[f64]> = columns.iter().map(|c| &c[start..end]).collect();
            let mut part = BinnedEvppi::for_dist(&dist, k, 3).unwrap();
            part.add(start as u64, &x[start..end], &cols);
            acc.merge(&part);
        }
        acc
    };
    let (a, b) = (whole.estimate(), chunked().estimate());
    let close = |p: f64, q: f64| (p - q).abs() <= 1e-12 * p.abs().max(q.abs());
    assert!(
        close(a.evppi.value, b.evppi.value) && close(a.evppi.se, b.evppi.se),
        "{a:?} vs {b:?}"
    );
    assert!(close(a.uncorrected, b.uncorrected));
    assert_eq!(chunked(), chunked(), "same merge order, same bits");

    let mut evpi_whole = EvpiAccumulator::new(3);
    evpi_whole.add(&columns);
    let mut evpi_chunked = EvpiAccumulator::new(3);
    for start in (0..x.len()).step_by(CHUNK_SIZE) {
        let end = (start + CHUNK_SIZE).min(x.len());
        let cols: Vec<&[f64]> = columns.iter().map(|c| &c[start..end]).collect();
        evpi_chunked.add(&cols);
    }
    let (p, q) = (evpi_whole.estimate(), evpi_chunked.estimate());
    assert!(close(p.evpi.value, q.evpi.value) && close(p.evpi.se, q.evpi.se));
    assert_eq!(p.prob_best, q.prob_best);
}

#[test]
fn a_discrete_input_is_binned_by_value() {
    // θ ∈ {1, 2, 3} with P = ¼, ¼, ½ and NB = 2θ − 4.5 + Z: the bins are the
    // values, so EVPPI = Σ p_v max(2v − 4.5, 0) − max(E NB, 0) = ½·1.5 − max(0, 0) = 0.75.
    let law = Dist::discrete(vec![1.0, 2.0, 3.0], vec![1.0, 1.0, 2.0]).unwrap();
    let n = 100_000;
    let mut rng = ChaCha8Rng::seed_from_u64(800);
    let theta: Vec<f64> = (0..n).map(|_| law.sample(&mut rng)).collect();
    let z = normals(&mut rng, n, 0.0, 3.0);
    let nb: Vec<f64> = theta.iter().zip(&z).map(|(t, z)| 2.0 * t - 4.5 + z).collect();
    let mean = 0.25 * -2.5 + 0.25 * -0.5 + 0.5 * 1.5;
    let truth = 0.5 * 1.5 - f64::max(mean, 0.0);
    let e = binned_of(&law, &theta, &nb);
    assert_eq!(e.bins, 3);
    assert_within("discrete θ", e.evppi.value, e.evppi.se, truth);
}

/// The share of `seeds` intervals that contain `truth`.
fn coverage(seeds: u64, estimate: impl Fn(u64) -> (f64, f64), truth: f64) -> f64 {
    let hits = (0..seeds)
        .filter(|&s| {
            let (low, high) = estimate(s);
            low <= truth && truth <= high
        })
        .count();
    hits as f64 / seeds as f64
}

// 200 intervals: the share covering has sd √(0.95·0.05/200) ≈ 0.015, so
// [0.89, 1.0] is 4 sd either side of 95% (cut at 1).
const COVERAGE_LOW: f64 = 0.89;

#[test]
fn binned_and_evpi_intervals_cover_about_95_percent() {
    let model = Linear {
        a: 0.5,
        b: 1.0,
        c: 1.0,
        x: (0.0, 1.0),
        y: (0.0, 1.0),
    };
    let dist = Dist::normal(0.0, 1.0).unwrap();
    let binned = coverage(
        200,
        |s| {
            let (x, _, nb) = model.draw(10_000 + s, 20_000);
            let e = binned_of(&dist, &x, &nb).evppi;
            (e.low(), e.high())
        },
        model.evppi_x(),
    );
    assert!(binned >= COVERAGE_LOW, "binned EVPPI coverage {binned}");
    let evpi = coverage(
        200,
        |s| {
            let (_, _, nb) = model.draw(20_000 + s, 20_000);
            let e = evpi_of(&nb).evpi;
            (e.low(), e.high())
        },
        model.evpi(),
    );
    assert!(evpi >= COVERAGE_LOW, "EVPI coverage {evpi}");
}

#[test]
fn regression_intervals_cover_about_95_percent() {
    // With noise outside the group, so both parts of the error matter.
    let model = Linear {
        a: 0.5,
        b: 1.0,
        c: 1.0,
        x: (0.0, 1.0),
        y: (0.0, 1.0),
    };
    let share = coverage(
        200,
        |s| {
            let (x, _, nb) = model.draw(30_000 + s, 3000);
            let mut rng = ChaCha8Rng::seed_from_u64(s);
            let config = RegressionConfig { knots: None, draws: 60 };
            let e = regression_evppi(&[&x], &[&nb], &config, &mut rng).unwrap().evppi;
            (e.low(), e.high())
        },
        model.evppi_x(),
    );
    assert!(share >= COVERAGE_LOW, "regression EVPPI coverage {share}");
}

#[test]
fn given_data_bad_cells_name_the_row_and_the_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(dir.path(), "psa.csv", "fund,effect\n1.0,0.2\n-2.0,0.1\n3.0,zero\n");
    let e = PsaTable::read(&path).unwrap_err();
    assert!(e.is_bad_input());
    let message = e.to_string();
    assert!(
        message.contains("psa.csv:4: effect: data row 3 (not counting the header)"),
        "{message}"
    );
    assert!(matches!(e, Error::Invalid { at, .. } if at.line == 4));
}

#[test]
fn given_data_drops_and_counts_nonfinite_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(
        dir.path(),
        "psa.csv",
        "a,b,theta\n1,2,0.1\nnan,1,0.2\n3,5,inf\n4,3,0.4\n2,1,0.5\n",
    );
    let table = PsaTable::read(&path).unwrap();
    assert_eq!((table.rows(), table.dropped()), (3, 2));
    assert_eq!(table.column("theta").unwrap(), &[0.1, 0.4, 0.5]);
}

#[test]
fn given_data_two_options_give_the_right_evpi() {
    // By hand: a = 1, 2, 3, 4 and b = 2, 1, 5, 3. max = 2, 2, 5, 4 (mean 3.25);
    // means 2.5 and 2.75, so b now. EVPI = 3.25 − 2.75 = 0.5.
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(dir.path(), "two.csv", "a,b\n1,2\n2,1\n3,5\n4,3\n");
    let table = PsaTable::read(&path).unwrap();
    let request = TableRequest {
        nb: vec!["a".into(), "b".into()],
        ..TableRequest::default()
    };
    let analysis = analyse_table(&table, &request, &mut ChaCha8Rng::seed_from_u64(1)).unwrap();
    assert!((analysis.evpi.evpi.value - 0.5).abs() < 1e-15);
    assert_eq!((analysis.evpi.options, analysis.evpi.best_on_average), (2, 1));
    let row = analysis.voi_row("net_benefit", None);
    assert_eq!((row.options, row.n, row.prob_best_is_fund), (2, 4, 0.5));

    // A larger table from the linear model, through the whole analysis.
    let model = Linear {
        a: 0.2,
        b: 1.0,
        c: 1.0,
        x: (0.0, 1.0),
        y: (0.0, 1.0),
    };
    let (x, y, nb) = model.draw(900, 20_000);
    let mut text = String::from("status_quo,fund,x,y\n");
    for i in 0..x.len() {
        text.push_str(&format!("0,{:?},{:?},{:?}\n", nb[i], x[i], y[i]));
    }
    let path = common::write(dir.path(), "linear.csv", &text);
    let table = PsaTable::read(&path).unwrap();
    let request = TableRequest {
        nb: vec!["status_quo".into(), "fund".into()],
        groups: vec![GroupSpec::unnamed(&["x", "y"])],
        ..TableRequest::default()
    };
    let analysis = analyse_table(&table, &request, &mut ChaCha8Rng::seed_from_u64(2)).unwrap();
    let evpi = analysis.evpi.evpi;
    assert_within("given EVPI", evpi.value, evpi.se, model.evpi());
    let names: Vec<&str> = analysis.binned.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["x", "y"]);
    let x_binned = analysis.binned[0].1.evppi;
    assert_within(
        "given EVPPI x (sorted bins)",
        x_binned.value,
        x_binned.se,
        model.evppi_x(),
    );
    let rows = analysis.evppi_rows("net_benefit");
    assert_eq!(rows.len(), 3);
    assert_eq!((rows[0].method, rows[2].method), ("binned", "regression"));
    assert_eq!(rows[2].parameter_or_group, "x+y");
    assert!((rows[2].share_of_evpi - 1.0).abs() < 1e-6, "{:?}", rows[2]);

    let unknown = TableRequest {
        nb: vec!["fnud".into()],
        ..TableRequest::default()
    };
    let e = analyse_table(&table, &unknown, &mut ChaCha8Rng::seed_from_u64(1)).unwrap_err();
    assert!(e.to_string().contains("did you mean 'fund'?"), "{e}");
}

// ---------------------------------------------------------------------------
// Through the engine: `voi::analyse` on real scenarios (issue 11, phase 2).
// ---------------------------------------------------------------------------

/// Load `text` as a scenario file in `dir`.
fn load(dir: &std::path::Path, text: &str) -> cradle::Scenario {
    cradle::Scenario::load(common::write(dir, "s.toml", text)).unwrap()
}

/// `voi::analyse` of `scenario` with `config` on two threads.
fn analyse(scenario: &cradle::Scenario, config: &cradle::voi::VoiConfig) -> cradle::voi::VoiResult {
    let model = cradle::Model::compile(scenario);
    let pool = cradle::engine::thread_pool(Some(2)).unwrap();
    cradle::voi::analyse(scenario, &model, config, &pool).unwrap()
}

fn config(scenario: &cradle::Scenario, n: u64) -> cradle::voi::VoiConfig {
    cradle::voi::VoiConfig {
        iterations: n,
        ..cradle::voi::VoiConfig::for_scenario(scenario)
    }
}

/// The binned EVPPI of `name` in `result`.
fn binned(result: &cradle::voi::VoiResult, name: &str) -> BinnedEstimate {
    result.binned.iter().find(|(p, _)| p == name).unwrap().1.clone()
}

/// A binned estimate is consistent with `truth`: within 4 se below, and
/// within 4 se plus its estimated choice bias above (the estimate errs low).
fn assert_binned_within(what: &str, e: &BinnedEstimate, truth: f64) {
    let (value, se) = (e.evppi.value, e.evppi.se);
    assert!(
        value - SE_TOLERANCE * se <= truth && truth <= value + e.choice_bias + SE_TOLERANCE * se,
        "{what}: {value} (se {se}, choice bias {}) vs {truth}",
        e.choice_bias
    );
}

#[test]
fn a_normal_net_benefit_through_a_scenario_matches_the_closed_form() {
    // [metrics] nb = "x", x ~ N(μ, σ²): EVPI = σφ(μ/σ) − |μ|Φ(−|μ|/σ), and
    // knowing x is knowing NB, so EVPPI(x) is the same number.
    let sigma = 20_000.0;
    let dir = tempfile::tempdir().unwrap();
    for ratio in [-1.0, 0.0, 0.5, 2.0] {
        let mu = ratio * sigma;
        let s = load(
            dir.path(),
            &format!(
                "[settings]\nseed = 11\n[parameters]\nx = {{ dist = \"normal\", mean = {mu}, sd = {sigma} }}\n[metrics]\nnb = \"x\"\n"
            ),
        );
        let r = analyse(&s, &config(&s, 200_000));
        let truth = normal_evpi(mu, sigma);
        assert_eq!((r.metric.as_str(), r.evpi.n), ("nb", 200_000));
        assert_within(
            &format!("EVPI, μ/σ = {ratio}"),
            r.evpi.evpi.value,
            r.evpi.evpi.se,
            truth,
        );
        assert_binned_within(&format!("EVPPI(x), μ/σ = {ratio}"), &binned(&r, "x"), truth);
        assert!((r.evpi.prob_best[1] - norm_cdf(ratio)).abs() < 4.0 * (0.25f64 / 200_000.0).sqrt());
    }
}

#[test]
fn a_linear_gaussian_scenario_single_and_grouped() {
    // NB = a + b·X + c·Y: EVPPI_X = EVPI of N(E NB, (bσ_X)²), and the group
    // {X, Y} knows everything, so its EVPPI is the EVPI.
    let model = Linear {
        a: 300.0,
        b: 2.0,
        c: -1.0,
        x: (100.0, 400.0),
        y: (500.0, 500.0),
    };
    let dir = tempfile::tempdir().unwrap();
    let s = load(
        dir.path(),
        &format!(
            "[settings]\nseed = 12\n[parameters]\nx = {{ dist = \"normal\", mean = {}, sd = {} }}\ny = {{ dist = \"normal\", mean = {}, sd = {} }}\n[metrics]\nnb = \"{} + {} * x + {} * y\"\n",
            model.x.0, model.x.1, model.y.0, model.y.1, model.a, model.b, model.c
        ),
    );
    let mut c = config(&s, 200_000);
    c.groups = vec![
        GroupSpec::parse("both=x,y").unwrap(),
        GroupSpec::parse("only_x=x").unwrap(),
    ];
    let r = analyse(&s, &c);
    assert_within("EVPI", r.evpi.evpi.value, r.evpi.evpi.se, model.evpi());
    assert_binned_within("binned EVPPI x", &binned(&r, "x"), model.evppi_x());
    let evppi_y = normal_evpi(model.mean(), model.c.abs() * model.y.1);
    assert_binned_within("binned EVPPI y", &binned(&r, "y"), evppi_y);
    let both = &r.grouped[0].1;
    assert_eq!(r.grouped[0].0.name, "both");
    assert_within("regression EVPPI {x, y}", both.evppi.value, both.evppi.se, model.evpi());
    let only_x = &r.grouped[1].1;
    assert_within(
        "regression EVPPI {x}",
        only_x.evppi.value,
        only_x.evppi.se,
        model.evppi_x(),
    );
    assert_eq!(r.regression_rows, cradle::voi::REGRESSION_ROWS);
}

#[test]
fn on_the_shipped_scenarios_evppi_lies_between_zero_and_evpi_and_groups_dominate() {
    let evidence = cradle::Scenario::load(common::repo("scenarios/evidence.toml")).unwrap();
    let mut c = config(&evidence, 1 << 17);
    c.groups = vec![
        GroupSpec::parse("parents=d_pmh,q_pmh,pv_pmh").unwrap(),
        GroupSpec::parse("attachment=p0,d_att,impl").unwrap(),
    ];
    let r = analyse(&evidence, &c);
    let evpi = r.evpi.evpi;
    assert!(
        evpi.value > 20.0 * evpi.se,
        "the evidence decision is uncertain: {evpi:?}"
    );
    let uncertain = evidence.parameters.iter().filter(|p| !p.dist.is_fixed()).count();
    assert_eq!(r.binned.len(), uncertain);
    for (name, e) in &r.binned {
        let (value, se) = (e.evppi.value, e.evppi.se);
        assert!(
            value + e.choice_bias + SE_TOLERANCE * se >= 0.0,
            "{name}: {e:?} below 0"
        );
        let both = SE_TOLERANCE * se.hypot(evpi.se);
        assert!(value <= evpi.value + both, "{name}: {value} above EVPI {}", evpi.value);
    }
    for (group, e) in &r.grouped {
        assert!(e.evppi.value <= evpi.value + SE_TOLERANCE * e.evppi.se.hypot(evpi.se));
        for member in &group.parameters {
            let m = binned(&r, member);
            let tolerance = SE_TOLERANCE * e.evppi.se.hypot(m.evppi.se);
            assert!(
                e.evppi.value + tolerance >= m.evppi.value,
                "group {} ({}) below its member {member} ({})",
                group.name,
                e.evppi.value,
                m.evppi.value
            );
        }
    }
    // The headline pays for itself in every draw: nothing could change the
    // decision, so EVPI and every EVPPI are exactly 0.
    let headline = cradle::Scenario::load(common::repo("scenarios/headline.toml")).unwrap();
    let mut c = config(&headline, 50_000);
    c.groups = vec![GroupSpec::parse("effects=delta_p,e_cd,e_care").unwrap()];
    let r = analyse(&headline, &c);
    assert_eq!(
        (r.evpi.evpi.value, r.evpi.evpi.se, r.evpi.prob_best[1]),
        (0.0, 0.0, 1.0)
    );
    for (name, e) in &r.binned {
        assert_eq!((e.evppi.value, e.evppi.se), (0.0, 0.0), "{name}");
    }
    assert_eq!(r.grouped[0].1.evppi.value, 0.0);
    assert!(r.evppi_rows().iter().all(|row| row.share_of_evpi.is_nan()));
}

#[test]
fn a_constant_net_benefit_gives_zero_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    for constant in ["2500", "-7.25", "0"] {
        let s = load(
            dir.path(),
            &format!(
                "[parameters]\nx = {{ dist = \"uniform\", min = 0, max = 1 }}\ny = {{ dist = \"lognormal\", ci90 = [1, 4] }}\n[metrics]\nnb = \"{constant} + 0 * x\"\n"
            ),
        );
        let mut c = config(&s, 20_000);
        c.groups = vec![GroupSpec::parse("xy=x,y").unwrap()];
        c.sweep = Some(cradle::voi::SweepSpec::parse("x=0:1:0.5").unwrap());
        let r = analyse(&s, &c);
        assert_eq!((r.evpi.evpi.value, r.evpi.evpi.se), (0.0, 0.0), "{constant}");
        for (name, e) in &r.binned {
            assert_eq!((e.evppi.value, e.evppi.se, e.choice_bias), (0.0, 0.0, 0.0), "{name}");
        }
        assert_eq!((r.grouped[0].1.evppi.value, r.grouped[0].1.evppi.se), (0.0, 0.0));
        assert!(r.sweep.iter().all(|row| row.evpi == 0.0));
    }
}

#[test]
fn a_parameter_the_metric_ignores_is_worth_nothing() {
    // The evidence scenario plus a parameter net savings does not use (only
    // a metric of its own does): near a toss-up
    // (P(fund is best) ≈ 0.46), the hardest case for a binned estimate.
    let dir = tempfile::tempdir().unwrap();
    let parent = common::repo("scenarios/evidence.toml");
    let text = format!(
        "[scenario]\nextends = {:?}\n[parameters]\nunused = {{ dist = \"beta\", mean = 0.3, sd = 0.1, source = \"test\" }}\n[metrics]\nside = \"2 * unused\"\n",
        parent.display().to_string()
    );
    let s = load(dir.path(), &text);
    for (n, seed) in [(1u64 << 17, 3u64), (1 << 16, 4)] {
        let mut c = config(&s, n);
        c.seed = seed;
        c.parameters = Some(vec!["unused".into(), "d_pmh".into()]);
        c.groups = vec![GroupSpec::parse("unused=unused").unwrap()];
        let r = analyse(&s, &c);
        assert_binned_within(&format!("binned, n = {n}"), &binned(&r, "unused"), 0.0);
        let g = &r.grouped[0].1.evppi;
        assert_within(&format!("regression, n = {n}"), g.value, g.se, 0.0);
        // …while a parameter that matters is far from 0.
        assert!(binned(&r, "d_pmh").evppi.value > 20.0 * binned(&r, "d_pmh").evppi.se);
    }
}

#[test]
fn the_sweep_holds_one_parameter_on_common_random_numbers() {
    // net savings = reach·(value per child − cost per family): sweeping the
    // cost moves the mean by exactly reach × step, because every other
    // parameter takes the same draws at every value.
    let evidence = cradle::Scenario::load(common::repo("scenarios/evidence.toml")).unwrap();
    let mut c = config(&evidence, 30_000);
    c.sweep = Some(cradle::voi::SweepSpec::parse("cost_per_family=1500:6000:500").unwrap());
    let r = analyse(&evidence, &c);
    assert_eq!(r.sweep.len(), 10);
    for w in r.sweep.windows(2) {
        let step = w[0].mean_nb - w[1].mean_nb;
        assert!((step - 28_800.0 * 500.0).abs() < 1e-6 * step, "{step}");
        assert!(w[1].prob_positive <= w[0].prob_positive);
    }
    // At the mean cost the sweep's decision is the run's; EVPI peaks where
    // the mean changes sign.
    let peak = r.sweep.iter().max_by(|a, b| a.evpi.total_cmp(&b.evpi)).unwrap();
    assert!(r.sweep.iter().any(|row| row.mean_nb < 0.0) && r.sweep[0].mean_nb > 0.0);
    assert!(peak.mean_nb.abs() < 28_800.0 * 500.0, "{peak:?}");
    // A fixed parameter can be swept too (the value of a QALY).
    c.sweep = Some(cradle::voi::SweepSpec::parse("v_qaly=20000:100000:40000").unwrap());
    let r = analyse(&evidence, &c);
    assert!(r.sweep[0].mean_nb < r.sweep[1].mean_nb && r.sweep[1].mean_nb < r.sweep[2].mean_nb);
}

#[test]
fn the_states_of_ranges_join_into_the_state_of_the_run() {
    // A run cut into ranges (shards) gives the same bits as one run, and
    // the state survives serialisation.
    let evidence = cradle::Scenario::load(common::repo("scenarios/evidence.toml")).unwrap();
    let model = cradle::Model::compile(&evidence);
    let mut c = config(&evidence, 20_000);
    c.groups = vec![GroupSpec::parse("parents=d_pmh,q_pmh").unwrap()];
    c.sweep = Some(cradle::voi::SweepSpec::parse("impl=0.5:1:0.25").unwrap());
    c.regression_rows = 5_000;
    let plan = cradle::voi::VoiPlan::new(&evidence, &model, &c).unwrap();
    let chunks = plan.chunks();
    let one = cradle::engine::thread_pool(Some(1)).unwrap();
    let three = cradle::engine::thread_pool(Some(3)).unwrap();
    let whole = plan.run_range((0, chunks), &one).unwrap();
    for cut in [1, 3, 8, chunks - 1] {
        let mut joined = plan.run_range((0, cut), &three).unwrap();
        let tail = plan.run_range((cut, chunks), &one).unwrap();
        let text = toml::to_string(&tail).unwrap();
        joined.append(toml::from_str(&text).unwrap()).unwrap();
        assert!(joined == whole, "cut at chunk {cut}");
    }
    let wrong = plan.run_range((5, chunks), &one).unwrap();
    let mut head = plan.run_range((0, 3), &one).unwrap();
    assert!(head.append(wrong).is_err(), "ranges that do not meet");
    let r = plan.finish(&whole).unwrap();
    assert_eq!(r.regression_rows, 5_000);
    assert!(plan.finish(&plan.run_range((0, 4), &one).unwrap()).is_err());
}

#[test]
fn population_evpi_uses_the_cost_rate_or_its_base_value_when_uncertain() {
    // Σ_{t=0}^{H−1} (1 + r)^−t cohorts: with a constant rate it is that
    // rate's; with an uncertain rate, the rate at its base value, and a note.
    let dir = tempfile::tempdir().unwrap();
    let by_rate = |r: f64, h: i32| (0..h).map(|t| (1.0 + r).powi(-t)).sum::<f64>();
    for (costs, extra, rate, uncertain) in [
        ("0.05", "", 0.05, false),
        (
            "\"r\"",
            "r = { dist = \"uniform\", min = 0.01, max = 0.07 }\n",
            0.04,
            true,
        ),
        ("\"r\"", "r = 0.02\n", 0.02, false),
    ] {
        let s = load(
            dir.path(),
            &format!(
                "[settings]\nseed = 3\n[discounting]\ncosts = {costs}\n[parameters]\n{extra}x = {{ dist = \"normal\", mean = 0, sd = 1 }}\n[metrics]\nnb = \"x\"\n"
            ),
        );
        let mut c = config(&s, 4096);
        c.horizon = Some(7);
        let r = analyse(&s, &c);
        let p = r.population.as_ref().expect("a horizon gives a population EVPI");
        let truth = by_rate(rate, 7);
        assert!(
            (p.cohorts - truth).abs() < 1e-12,
            "costs = {costs}: {} vs {truth}",
            p.cohorts
        );
        assert!((p.evpi.value - r.evpi.evpi.value * truth).abs() <= 1e-12 * p.evpi.value.abs());
        assert_eq!(p.base_value_of_uncertain_rate, uncertain, "costs = {costs}");
        let noted = r
            .notes
            .iter()
            .any(|n| n.contains("the cost discount rate is uncertain"));
        assert_eq!(noted, uncertain, "costs = {costs}: {:?}", r.notes);
        if uncertain {
            assert!(
                p.schedule.contains("base value of the uncertain rate 'r'"),
                "{}",
                p.schedule
            );
        }
    }
}
