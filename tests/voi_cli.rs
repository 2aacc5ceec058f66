//! `cradle voi` end to end: the contract columns of its four files,
//! byte-identical output on 1 and 4 threads (every sampler), the given-data
//! mode on cradle's own samples.csv against the scenario mode, and every
//! kind of bad input (exit 2, a message naming the flag, row or column, no
//! output directory).

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn cradle() -> Command {
    let mut c = Command::cargo_bin("cradle").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// The rows of a CSV file as maps from column to cell.
fn read_csv(path: &Path) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header.iter().cloned().zip(r.iter().map(str::to_string)).collect()
        })
        .collect();
    (header, rows)
}

fn number(row: &BTreeMap<String, String>, column: &str) -> f64 {
    row[column]
        .parse()
        .unwrap_or_else(|_| panic!("{column} = '{}'", row[column]))
}

/// voi_run.csv as a map.
fn manifest(dir: &Path) -> BTreeMap<String, String> {
    read_csv(&dir.join("voi_run.csv"))
        .1
        .into_iter()
        .map(|r| (r["key"].clone(), r["value"].clone()))
        .collect()
}

#[test]
fn voi_writes_every_file_with_the_contract_columns() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    cradle()
        .args(["voi", "scenarios/evidence.toml", "-n", "20000", "--horizon", "10"])
        .args([
            "--group",
            "parents=d_pmh,q_pmh,pv_pmh",
            "--sweep",
            "cost_per_family=2000:4000:1000",
        ])
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("EVPI per cohort:"))
        .stdout(predicate::str::contains("EVPI over 10 years:"))
        .stdout(predicate::str::contains("parameter or group"))
        .stdout(predicate::str::contains("Decision curve over cost_per_family"))
        // The summary fits 80 columns (the title, the table, the curve).
        .stdout(predicate::function(|text: &str| {
            text.lines().all(|line| line.chars().count() <= 80)
        }));
    let (header, voi) = read_csv(&out.join("voi.csv"));
    assert_eq!(
        header,
        [
            "metric",
            "options",
            "n",
            "evpi",
            "evpi_se",
            "evpi_population",
            "horizon_years",
            "prob_best_is_fund"
        ]
    );
    let row = &voi[0];
    assert_eq!(
        (row["metric"].as_str(), row["options"].as_str(), row["n"].as_str()),
        ("net_savings", "2", "20000")
    );
    assert_eq!(row["horizon_years"], "10");
    let m = manifest(&out);
    let cohorts: f64 = m["population_cohorts"].parse().unwrap();
    let gb: f64 = (0..10).map(|t| 1.035f64.powi(-t)).sum();
    assert!((cohorts - gb).abs() < 1e-9, "{cohorts} vs {gb}");
    assert!(
        (number(row, "evpi_population") - number(row, "evpi") * cohorts).abs() < 1e-6 * number(row, "evpi_population")
    );

    let (header, evppi) = read_csv(&out.join("evppi.csv"));
    assert_eq!(
        header,
        [
            "metric",
            "parameter_or_group",
            "method",
            "bins_or_basis",
            "evppi",
            "evppi_low",
            "evppi_high",
            "share_of_evpi"
        ]
    );
    assert_eq!(evppi.len(), 28, "27 uncertain parameters and one group");
    assert_eq!(evppi[0]["bins_or_basis"], "38 bins");
    let group = evppi.last().unwrap();
    assert_eq!(
        (group["parameter_or_group"].as_str(), group["method"].as_str()),
        ("parents", "regression")
    );
    assert!(group["bins_or_basis"].starts_with("tensor"), "{group:?}");
    for r in &evppi {
        assert!(number(r, "evppi_low") <= number(r, "evppi") && number(r, "evppi") <= number(r, "evppi_high"));
        let share = number(r, "evppi") / number(row, "evpi");
        assert!((number(r, "share_of_evpi") - share).abs() < 1e-12);
    }

    let (header, sweep) = read_csv(&out.join("voi_sweep.csv"));
    assert_eq!(header, ["parameter", "value", "mean_nb", "prob_positive", "evpi"]);
    let values: Vec<&str> = sweep.iter().map(|r| r["value"].as_str()).collect();
    assert_eq!(values, ["2000", "3000", "4000"]);

    for key in [
        "scenario",
        "scenario_sha256",
        "seed",
        "iterations",
        "sampler",
        "threads",
        "version",
        "elapsed_s",
        "metric",
        "bins",
        "folds",
        "regression_rows",
        "population_discount",
        "group:parents",
    ] {
        assert!(m.contains_key(key), "voi_run.csv lacks {key}");
    }
    assert_eq!((m["bins"].as_str(), m["regression_rows"].as_str()), ("38", "20000"));
    assert_eq!(m["population_discount"], "green-book");
    assert_eq!(m["group:parents"], "d_pmh+q_pmh+pv_pmh");
    // Without --sweep there is no voi_sweep.csv: a run into the same
    // directory lands as one set, and the earlier run's sweep goes.
    cradle()
        .args(["voi", "scenarios/evidence.toml", "-n", "3000", "--quiet", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::is_empty());
    assert!(out.join("evppi.csv").exists() && !out.join("voi_sweep.csv").exists());
    assert_eq!(manifest(&out)["iterations"], "3000");
}

fn voi_run(out: &Path, threads: usize, sampler: &str, n: u64) {
    cradle()
        .args(["voi", "scenarios/evidence.toml", "--quiet", "--sampler", sampler])
        .args([
            "-n",
            &n.to_string(),
            "--threads",
            &threads.to_string(),
            "--horizon",
            "5",
        ])
        .args(["--group", "parents=d_pmh,q_pmh", "--sweep", "impl=0.5:1:0.25", "-o"])
        .arg(out)
        .assert()
        .success();
}

#[test]
fn one_and_four_threads_give_byte_identical_csv() {
    let dir = tempfile::tempdir().unwrap();
    // Several waves and a short last chunk under mc; smaller runs for the others.
    for (sampler, n) in [("mc", 150_001), ("lhs", 20_000), ("sobol", 16_384)] {
        let (a, b) = (
            dir.path().join(format!("{sampler}1")),
            dir.path().join(format!("{sampler}4")),
        );
        voi_run(&a, 1, sampler, n);
        voi_run(&b, 4, sampler, n);
        for f in ["voi.csv", "evppi.csv", "voi_sweep.csv"] {
            let (x, y) = (std::fs::read(a.join(f)).unwrap(), std::fs::read(b.join(f)).unwrap());
            assert!(x == y, "{f} differs between 1 and 4 threads ({sampler})");
        }
        let (mut x, mut y) = (manifest(&a), manifest(&b));
        for key in ["threads", "elapsed_s"] {
            x.remove(key);
            y.remove(key);
        }
        assert_eq!(x, y, "voi_run.csv differs beyond threads and elapsed_s ({sampler})");
    }
}

#[test]
fn given_data_from_run_samples_agrees_with_the_scenario_mode() {
    // A scenario with a discrete parameter (binned by value in both modes)
    // and a continuous one (the law's quantiles against the sample's).
    let dir = tempfile::tempdir().unwrap();
    let scenario = common::write(
        dir.path(),
        "s.toml",
        r#"
[settings]
seed = 5
[parameters]
k = { dist = "discrete", values = [1, 2, 3], weights = [1, 1, 2] }
x = { dist = "normal", mean = 0, sd = 1 }
z = { dist = "uniform", min = 0, max = 1 }
[metrics]
nb = "1000 * (k - 2.3) + 800 * x + 300 * z"
"#,
    );
    let n = "30000";
    let run = dir.path().join("run");
    cradle()
        .args(["run", "--quiet", "--samples", "-n", n, "-o"])
        .arg(&run)
        .arg(&scenario)
        .assert()
        .success();
    let from_scenario = dir.path().join("scenario");
    cradle()
        .args(["voi", "--quiet", "-n", n, "--group", "kx=k,x", "-o"])
        .arg(&from_scenario)
        .arg(&scenario)
        .assert()
        .success();
    let from_table = dir.path().join("table");
    cradle()
        .args(["voi", "--quiet", "--from-csv"])
        .arg(run.join("samples.csv"))
        .args([
            "--nb",
            "nb",
            "--parameters",
            "k",
            "x",
            "z",
            "--group",
            "kx=k,x",
            "--seed",
            "5",
            "-o",
        ])
        .arg(&from_table)
        .assert()
        .success();
    let close = |a: f64, b: f64, tol: f64| (a - b).abs() <= tol * a.abs().max(b.abs());
    let (_, a) = read_csv(&from_scenario.join("voi.csv"));
    let (_, b) = read_csv(&from_table.join("voi.csv"));
    for column in ["evpi", "evpi_se", "prob_best_is_fund"] {
        assert!(
            close(number(&a[0], column), number(&b[0], column), 1e-12),
            "{column}: {a:?} vs {b:?}"
        );
    }
    assert_eq!((a[0]["n"].as_str(), b[0]["n"].as_str()), (n, n));
    assert_eq!(b[0]["metric"], "nb");
    let (_, a) = read_csv(&from_scenario.join("evppi.csv"));
    let (_, b) = read_csv(&from_table.join("evppi.csv"));
    let by_name = |rows: &[BTreeMap<String, String>], name: &str| {
        rows.iter().find(|r| r["parameter_or_group"] == name).unwrap().clone()
    };
    // Same bins (the values of k), same draws, same folds: equal to rounding.
    let (ka, kb) = (by_name(&a, "k"), by_name(&b, "k"));
    assert_eq!(ka["bins_or_basis"], "3 bins");
    for column in ["evppi", "evppi_low", "evppi_high"] {
        assert!(
            close(number(&ka, column), number(&kb, column), 1e-9),
            "k {column}: {ka:?} vs {kb:?}"
        );
    }
    // The same first rows and replicate stream: the regression agrees too.
    let (ga, gb) = (by_name(&a, "kx"), by_name(&b, "kx"));
    for column in ["evppi", "evppi_low", "evppi_high"] {
        assert!(
            close(number(&ga, column), number(&gb, column), 1e-6),
            "kx {column}: {ga:?} vs {gb:?}"
        );
    }
    // Quantiles of the law against quantiles of the sample: within error.
    for name in ["x", "z"] {
        let (p, q) = (by_name(&a, name), by_name(&b, name));
        let se = |r: &BTreeMap<String, String>| (number(r, "evppi") - number(r, "evppi_low")) / 1.96;
        let tolerance = 4.0 * se(&p).hypot(se(&q));
        assert!(
            (number(&p, "evppi") - number(&q, "evppi")).abs() <= tolerance,
            "{name}: {p:?} vs {q:?}"
        );
    }
    let m = manifest(&from_table);
    assert_eq!(
        (m["mode"].as_str(), m["rows"].as_str(), m["dropped_rows"].as_str()),
        ("given", n, "0")
    );
}

/// `voi ARGS…` must exit with 2, say every `needles` on stderr, and leave no output.
fn rejects(args: &[&str], needles: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut assert = cradle()
        .arg("voi")
        .args(args)
        .args(["-n", "2000", "-o"])
        .arg(&out)
        .assert()
        .code(2);
    for needle in needles {
        assert = assert.stderr(predicate::str::contains(*needle));
    }
    assert!(!out.exists(), "no output directory may appear for bad input: {args:?}");
}

#[test]
fn bad_input_exits_2_naming_the_flag() {
    let evidence = "scenarios/evidence.toml";
    rejects(
        &[evidence, "--metric", "net_saving"],
        &[
            "--metric: unknown metric 'net_saving' (did you mean 'net_savings'?)",
            "the metrics are: value_per_child",
        ],
    );
    rejects(
        &[evidence, "--parameters", "d_at", "rho"],
        &[
            "--parameters: unknown parameter 'd_at' (did you mean 'd_att'?)",
            "the uncertain parameters are: cost_per_family",
        ],
    );
    rejects(
        &[evidence, "--parameters", "delta_p"],
        &["'delta_p' is a [derived] value, not a parameter"],
    );
    rejects(
        &[evidence, "--parameters", "v_qaly"],
        &["--parameters: 'v_qaly' is fixed"],
    );
    rejects(
        &[evidence, "--group", "d_att,impl"],
        &["--group expects NAME=P1,P2,...", "no '='"],
    );
    rejects(
        &[evidence, "--group", "a=d_att,"],
        &["--group expects NAME=P1,P2,...", "empty parameter name"],
    );
    rejects(
        &[evidence, "--group", "a=d_att,imp"],
        &["--group a: unknown parameter 'imp' (did you mean 'impl'?)"],
    );
    rejects(
        &[evidence, "--group", "a=d_att", "--group", "a=rho"],
        &["the group name 'a' is used twice"],
    );
    rejects(
        &[evidence, "--sweep", "cost_per_family=1500:6000"],
        &["--sweep expects PARAM=LO:HI:STEP", "2 numbers"],
    );
    rejects(
        &[evidence, "--sweep", "cost_per_family=6000:1500:500"],
        &["LO 6000 is above HI 1500"],
    );
    rejects(
        &[evidence, "--sweep", "delta_p=0:1:0.5"],
        &["--sweep: 'delta_p' is a [derived] value", "cannot be held fixed"],
    );
    rejects(
        &[evidence, "--sweep", "cost_per_famly=1:2:1"],
        &["--sweep: unknown parameter 'cost_per_famly' (did you mean 'cost_per_family'?)"],
    );
    rejects(&[evidence, "--horizon", "0"], &["--horizon must be at least 1 year"]);
    // Checked before any work or output: a group too big for the draws, and
    // a sweep value where the model is not defined.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    cradle()
        .args(["voi", evidence, "-n", "30", "--group", "three=d_att,impl,rho", "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--group three (d_att+impl+rho): a regression on 3 parameters needs at least 36 draws; -n 30 gives 30",
        ));
    assert!(!out.exists());
    let inverse = common::write(
        dir.path(),
        "inverse.toml",
        "[parameters]\nx = { dist = \"uniform\", min = 1, max = 2 }\ny = { dist = \"normal\", mean = 0, sd = 1 }\n[metrics]\nnb = \"y + 1 / x\"\n",
    );
    rejects(
        &[inverse.to_str().unwrap(), "--sweep", "x=0:2:1"],
        &["--sweep: with x = 0 the base case is not finite"],
    );
    rejects(&["scenarios/no-such.toml"], &["no-such.toml"]);

    // Given data: a bad cell names its line, row and column; a missing column suggests.
    let dir = tempfile::tempdir().unwrap();
    let bad = common::write(dir.path(), "psa.csv", "fund,effect\n1.5,0.2\n-2,abc\n3,0.4\n");
    let bad = bad.to_str().unwrap();
    let out = dir.path().join("out");
    let given = |args: &[&str]| {
        let mut c = cradle();
        c.args(["voi", "--from-csv"]).args(args).arg("-o").arg(&out);
        c
    };
    given(&[bad, "--nb", "fund", "--parameters", "effect"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "psa.csv:3: effect: data row 2 (not counting the header): cannot read 'abc'",
        ));
    let good = common::write(dir.path(), "good.csv", "fund,effect\n1.5,0.2\n-2,0.1\n3,0.4\n0.5,0.3\n");
    let good = good.to_str().unwrap();
    given(&[good, "--nb", "fnud", "--parameters", "effect"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("fnud: no such column; did you mean 'fund'?"));
    given(&[good, "--parameters", "effect"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--from-csv needs --nb COL"));
    given(&[good, "--nb", "fund"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--from-csv needs --parameters"));
    given(&[good, "--nb", "fund", "--parameters", "effect", "--horizon", "5"])
        .assert()
        .code(2);
    // Checked before the output directory opens: a group too big for the table.
    given(&[good, "--nb", "fund", "--group", "g=effect"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--group g (effect): a regression on 1 input needs at least 24 rows with finite values",
        ));
    assert!(!out.exists(), "no output directory may appear for bad input");
}
