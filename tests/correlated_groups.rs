//! Sobol indices of correlated inputs (issue 9, item 20): a `[[group]]`'s
//! members are drawn jointly with their `[[correlation]]` (a Gaussian copula)
//! and swapped as one block. Checked against a known answer, against the old
//! bug (indices that ignored the correlation), and for the errors and notes
//! around it.

mod common;

use cradle::sensitivity::{self, Method, SensitivityConfig, sobol};
use cradle::{Model, Scenario};

/// Y = X1 + X2 + X3, each N(0, 1); X1 and X2 in one group with the rank
/// correlation `rank`, or in no group when `grouped` is false.
fn linear(rank: f64, grouped: bool) -> String {
    let group = if grouped {
        "[[group]]\nname = \"g\"\nparameters = [\"x1\", \"x2\"]\n"
    } else {
        ""
    };
    format!(
        r#"
[parameters]
x1 = {{ dist = "normal", mean = 0, sd = 1, source = "test" }}
x2 = {{ dist = "normal", mean = 0, sd = 1, source = "test" }}
x3 = {{ dist = "normal", mean = 0, sd = 1, source = "test" }}
[metrics]
y = "x1 + x2 + x3"
{group}
[[correlation]]
parameters = ["x1", "x2"]
rank = {rank:?}
"#
    )
}

/// The Spearman correlation whose normal-score (Pearson) correlation is ρ:
/// ρ = 2·sin(π·ρ_s/6), so ρ_s = (6/π)·arcsin(ρ/2).
fn rank_for_pearson(rho: f64) -> f64 {
    6.0 / std::f64::consts::PI * (rho / 2.0).asin()
}

fn load(dir: &std::path::Path, name: &str, text: &str) -> (Scenario, Model) {
    let s = Scenario::load(common::write(dir, name, text)).unwrap();
    let m = Model::compile(&s);
    (s, m)
}

fn run_sobol(s: &Scenario, m: &Model, n: usize, seed: u64) -> sobol::SobolResult {
    let config = sobol::SobolConfig {
        base_samples: n,
        seed,
        bootstrap: 500,
        second_order: false,
    };
    sobol::sobol(m, &sensitivity::factors(s, m), &[0], &config).unwrap()
}

/// |estimate − truth| within 4 Monte Carlo standard errors, the standard
/// error read off the bootstrap 95% interval as (high − low)/(2·1.96).
fn within_4_se(e: sobol::Estimate, truth: f64, what: &str) {
    let se = (e.high - e.low) / (2.0 * 1.96);
    assert!(se > 0.0 && se < 0.05, "{what}: standard error {se}");
    assert!(
        (e.value - truth).abs() < common::SE_TOLERANCE * se,
        "{what}: {} vs {truth} (4 SE = {})",
        e.value,
        common::SE_TOLERANCE * se
    );
}

#[test]
fn a_correlated_group_has_the_variance_share_of_its_sum() {
    // Var(X1 + X2) = 2 + 2ρ and Var(Y) = 3 + 2ρ, so S_g = ST_g = (2 + 2ρ)/(3 + 2ρ)
    // and S_x3 = ST_x3 = 1/(3 + 2ρ): groups are independent and Y is additive.
    let dir = tempfile::tempdir().unwrap();
    for (i, rho) in [-0.5, 0.5, 0.9].into_iter().enumerate() {
        let (s, m) = load(dir.path(), &format!("s{i}.toml"), &linear(rank_for_pearson(rho), true));
        let group = (2.0 + 2.0 * rho) / (3.0 + 2.0 * rho);
        let alone = 1.0 / (3.0 + 2.0 * rho);
        for seed in [1, 2] {
            let r = run_sobol(&s, &m, 1 << 13, seed);
            assert_eq!(r.rows.len(), 2);
            assert_eq!(
                (r.rows[0].parameter.as_str(), r.rows[1].parameter.as_str()),
                ("g", "x3")
            );
            let what = |index: &str, f: &str| format!("ρ = {rho}, seed {seed}: {index} {f}");
            within_4_se(r.rows[0].s1, group, &what("S1", "g"));
            within_4_se(r.rows[0].st, group, &what("ST", "g"));
            within_4_se(r.rows[1].s1, alone, &what("S1", "x3"));
            within_4_se(r.rows[1].st, alone, &what("ST", "x3"));
            assert!(r.warnings.is_empty());
        }
    }
}

#[test]
fn issue_20_setting_the_correlation_changes_the_indices() {
    // Before the fix, rank 0.4 and 0.95 gave byte-identical indices: the
    // group's S1 was the independent 2/3 whatever the correlation.
    let dir = tempfile::tempdir().unwrap();
    let mut found = Vec::new();
    for (i, rank) in [0.4, 0.95].into_iter().enumerate() {
        let (s, m) = load(dir.path(), &format!("r{i}.toml"), &linear(rank, true));
        let rho = 2.0 * (std::f64::consts::PI * rank / 6.0).sin();
        let r = run_sobol(&s, &m, 1 << 13, 5);
        within_4_se(
            r.rows[0].s1,
            (2.0 + 2.0 * rho) / (3.0 + 2.0 * rho),
            &format!("rank {rank}"),
        );
        found.push(r.rows[0].s1.value);
    }
    assert!(found[1] - found[0] > 0.03, "{found:?}");
}

#[test]
fn correlated_parameters_in_no_group_are_one_factor_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let rho = 0.5;
    let (s, m) = load(dir.path(), "s.toml", &linear(rank_for_pearson(rho), false));
    let factors = sensitivity::factors(&s, &m);
    let names: Vec<&str> = factors.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["x1+x2", "x3"]);
    let config = SensitivityConfig {
        method: Method::Sobol,
        metrics: Vec::new(),
        samples: Some(1 << 13),
        seed: 3,
        range: (10.0, 90.0),
        second_order: false,
        bootstrap: 500,
        trajectories: 10,
        levels: 4,
    };
    let pool = cradle::engine::thread_pool(Some(2)).unwrap();
    let result = sensitivity::analyse(&s, &m, &config, &pool).unwrap();
    assert!(
        result
            .notes
            .iter()
            .any(|n| n.contains("'x1', 'x2' are in no [[group]]") && n.contains("'x1+x2'")),
        "{:?}",
        result.notes
    );
    let (r, _) = result.sobol.unwrap();
    within_4_se(r.rows[0].s1, (2.0 + 2.0 * rho) / (3.0 + 2.0 * rho), "S1 x1+x2");
}

#[test]
fn factors_that_split_a_correlated_pair_are_refused() {
    // A library caller that passes one factor per parameter would swap X1
    // without X2 and break their joint law.
    let dir = tempfile::tempdir().unwrap();
    let (_, m) = load(dir.path(), "s.toml", &linear(0.5, true));
    let config = sobol::SobolConfig {
        base_samples: 256,
        seed: 1,
        bootstrap: 0,
        second_order: false,
    };
    let e = sobol::sobol(&m, &sensitivity::single_factors(&m), &[0], &config).unwrap_err();
    let text = e.to_string();
    assert!(e.is_bad_input(), "{text}");
    assert!(
        text.contains("'x1' (factor 'x1') and 'x2' (factor 'x2') are correlated"),
        "{text}"
    );
}

#[test]
fn a_correlation_across_a_group_boundary_is_an_error_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    let base = linear(0.5, true);
    let cases = [
        (
            "[[correlation]]\nparameters = [\"x2\", \"x3\"]\nrank = 0.3\n",
            "'x2' is in group 'g'",
            "add 'x3' to group 'g'",
        ),
        (
            "[[group]]\nname = \"h\"\nparameters = [\"x3\"]\n[[correlation]]\nparameters = [\"x3\", \"x1\"]\nrank = 0.3\n",
            "'x1' is in group 'g' (",
            "and 'x3' in group 'h' (",
        ),
    ];
    for (i, (extra, what, fix)) in cases.iter().enumerate() {
        let path = common::write(dir.path(), &format!("c{i}.toml"), &format!("{base}{extra}"));
        let text = Scenario::load(&path).unwrap_err().to_string();
        assert_eq!(text.matches("one block").count(), 1, "{text}");
        assert!(text.contains(what) && text.contains(fix), "{text}");
        assert!(text.contains("merge the two groups") || i == 0, "{text}");
        assert!(text.contains(&format!("c{i}.toml:")), "names the file and line: {text}");
    }
    // Extending the group to hold x3 makes it valid again.
    let fixed = base.replacen("[\"x1\", \"x2\"]\n", "[\"x1\", \"x2\", \"x3\"]\n", 1)
        + "[[correlation]]\nparameters = [\"x2\", \"x3\"]\nrank = 0.3\n";
    Scenario::load(common::write(dir.path(), "ok.toml", &fixed)).unwrap();
}

#[test]
fn the_correlated_design_is_the_same_on_1_and_4_threads() {
    let dir = tempfile::tempdir().unwrap();
    let text = r#"
[parameters]
x1 = { dist = "normal", mean = 0, sd = 1, source = "test" }
x2 = { dist = "triangular", min = 0, mode = 1, max = 4, source = "test" }
x3 = { dist = "lognormal", ci90 = [1, 3], source = "test" }
x4 = { dist = "uniform", min = 0, max = 1, source = "test" }
[metrics]
y = "x1 * x2 + x3 * x4"
[[group]]
name = "g"
parameters = ["x1", "x2", "x3"]
[[correlation]]
parameters = ["x1", "x2", "x3"]
matrix = [[1, 0.6, -0.3], [0.6, 1, 0], [-0.3, 0, 1]]
"#;
    let (s, m) = load(dir.path(), "s.toml", text);
    let on = |threads: usize| {
        cradle::engine::thread_pool(Some(threads))
            .unwrap()
            .install(|| run_sobol(&s, &m, 1 << 12, 9))
    };
    assert_eq!(on(1), on(4));
}
