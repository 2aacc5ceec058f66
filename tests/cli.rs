//! The command line end to end: `check` and `run` on good input, and every
//! kind of bad input: exit code 2, a message naming the file/line/key, and
//! no output file left behind.

mod common;

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

const GOOD: &str = r#"
[scenario]
name = "test"
[parameters]
uplift = { dist = "triangular", min = 0.1, mode = 0.2, max = 0.3, source = "test" }
cost = { dist = "lognormal", ci90 = [5000, 20000] }
[[domain]]
name = "care"
payer = "social_care"
effect = "uplift"
annual_cost = "cost"
ages = [2, 5]
[programme]
reach = 100
cost_per_family = 1000
[claim]
value_per_child = 5000
"#;

fn cradle() -> Command {
    let mut c = Command::cargo_bin("cradle").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// Run `text` as a scenario; expect exit 2, every `needles` in stderr, and no output.
fn rejects(text: &str, needles: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(dir.path(), "bad.toml", text);
    let out = dir.path().join("out");
    let mut assert = cradle()
        .arg("run")
        .arg(&path)
        .arg("-n")
        .arg("100")
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2);
    for needle in needles {
        assert = assert.stderr(predicate::str::contains(*needle));
    }
    assert!(!out.exists(), "no output directory may appear for bad input");
    cradle().arg("check").arg(&path).assert().code(2);
}

fn good_with(old: &str, new: &str) -> String {
    assert!(GOOD.contains(old), "{old}");
    GOOD.replacen(old, new, 1)
}

#[test]
fn check_prints_the_base_case() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(dir.path(), "good.toml", GOOD);
    cradle()
        .arg("check")
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("Value per child"))
        .stdout(predicate::str::contains("Gross savings"))
        .stdout(predicate::str::contains("Programme cost"))
        .stdout(predicate::str::contains("Net savings"))
        .stdout(predicate::str::contains("Benefit-cost ratio"))
        .stdout(predicate::str::contains("care"));
}

#[test]
fn headline_check_reproduces_the_claim() {
    cradle()
        .args(["check", "scenarios/headline.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("£40,111"))
        .stdout(predicate::str::contains("£1.155bn"));
}

#[test]
fn run_writes_every_file_with_the_contract_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(dir.path(), "good.toml", GOOD);
    let out = dir.path().join("o");
    cradle()
        .arg("run")
        .arg(&path)
        .args(["-n", "3000", "--samples", "--quiet", "-o"])
        .arg(&out)
        .assert()
        .success();
    let header = |f: &str| {
        std::fs::read_to_string(out.join(f))
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        header("summary.csv"),
        "metric,mean,sd,mc_se,mean_ci_low,mean_ci_high,p2_5,p5,p25,p50,p75,p95,p97_5,min,max,prob_positive,prob_meets_claim"
    );
    assert_eq!(header("quantiles.csv"), "metric,quantile,value,ci_low,ci_high");
    assert_eq!(header("histogram.csv"), "metric,bin_start,bin_end,count,density");
    assert_eq!(
        header("breakdown.csv"),
        "domain,payer,mean,p2_5,p50,p97_5,share_of_value"
    );
    assert_eq!(
        header("samples.csv"),
        "iteration,uplift,cost,value_per_child,gross_savings,programme_cost,net_savings,benefit_cost_ratio"
    );
    assert_eq!(header("run.csv"), "key,value");
    let run = std::fs::read_to_string(out.join("run.csv")).unwrap();
    for key in [
        "scenario,",
        "scenario_sha256,",
        "seed,",
        "iterations,3000",
        "sampler,mc",
        "threads,",
        "version,",
        "elapsed_s,",
        "nonfinite,0",
    ] {
        assert!(run.contains(key), "run.csv lacks {key}");
    }
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let gross = summary.lines().find(|l| l.starts_with("gross_savings,")).unwrap();
    assert!(
        gross.ends_with(','),
        "no claim on gross_savings: empty prob_meets_claim"
    );
    let vpc = summary.lines().find(|l| l.starts_with("value_per_child,")).unwrap();
    assert!(!vpc.ends_with(','), "claim on value_per_child: prob_meets_claim filled");
    for line in summary.lines().skip(1) {
        for cell in line.split(',').skip(1) {
            assert!(!cell.contains(['e', 'E']), "numbers in full, no exponent: {cell}");
            assert!(
                cell.is_empty() || cell.parse::<f64>().is_ok(),
                "a number or empty: {cell}"
            );
        }
    }
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn nonfinite_results_are_counted_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let text = good_with("cost_per_family = 1000", "cost_per_family = \"uplift - 0.15\"");
    let path = common::write(dir.path(), "nf.toml", &text);
    let out = dir.path().join("o");
    cradle()
        .arg("run")
        .arg(&path)
        .args(["-n", "2000", "--quiet", "-o"])
        .arg(&out)
        .assert()
        .success();
    let run = std::fs::read_to_string(out.join("run.csv")).unwrap();
    // cost_per_family is exactly 0 only with probability 0 (and not at the
    // base value uplift = 0.2: a non-finite base case is refused): nothing
    // non-finite expected here, so force it: ln of a negative number, in
    // the draws with uplift < 0.19 (the base case stays finite).
    assert!(run.contains("nonfinite,0"));
    let text = good_with("cost_per_family = 1000", "cost_per_family = \"ln(uplift - 0.19)\"");
    let path = common::write(dir.path(), "nf2.toml", &text);
    cradle()
        .arg("run")
        .arg(&path)
        .args(["-n", "2000", "--quiet", "-o"])
        .arg(dir.path().join("o2"))
        .assert()
        .success()
        .stderr(predicate::str::contains("non-finite"));
    let run = std::fs::read_to_string(dir.path().join("o2/run.csv")).unwrap();
    let line = run.lines().find(|l| l.starts_with("nonfinite,")).unwrap();
    let count: u64 = line[10..].parse().unwrap();
    assert!(
        count > 500 && count < 1500,
        "about 40% of the draws have uplift < 0.19: {count}"
    );
}

#[test]
fn toml_syntax_error_names_line_and_column() {
    rejects(
        &good_with("ages = [2, 5]", "ages = [2, 5"),
        &["bad.toml:", "TOML syntax error"],
    );
    rejects("[parameters]\nx = = 1\n", &["bad.toml:2:"]);
}

#[test]
fn unknown_key_suggests_the_nearest() {
    rejects(
        &good_with("mode = 0.2", "mdoe = 0.2"),
        &["parameters.uplift.mdoe", "did you mean 'mode'"],
    );
    rejects(
        &good_with("payer = ", "payr = "),
        &["domain.care.payr", "did you mean 'payer'"],
    );
    rejects(
        &format!("{GOOD}\n[setings]\nseed = 1\n"),
        &["setings", "did you mean 'settings'"],
    );
}

#[test]
fn missing_key() {
    rejects(
        &good_with("mode = 0.2, ", ""),
        &["parameters.uplift.mode", "missing required key 'mode'"],
    );
    rejects(
        &good_with("annual_cost = \"cost\"\n", ""),
        &["domain.care.annual_cost", "missing"],
    );
}

#[test]
fn impossible_distributions() {
    rejects(
        &good_with("ci90 = [5000, 20000]", "mean = 5000, sd = 0"),
        &["parameters.cost", "sd must be positive"],
    );
    rejects(
        &good_with("min = 0.1, mode = 0.2, max = 0.3", "min = 0.3, mode = 0.2, max = 0.1"),
        &["parameters.uplift", "min must be below max"],
    );
    rejects(
        &good_with("min = 0.1, mode = 0.2, max = 0.3", "min = 0.1, mode = 0.5, max = 0.3"),
        &["parameters.uplift", "mode must lie"],
    );
    rejects(
        &good_with(
            "dist = \"triangular\", min = 0.1, mode = 0.2, max = 0.3",
            "dist = \"beta\", mean = 1.2, sd = 0.1",
        ),
        &["parameters.uplift", "(0, 1)"],
    );
    rejects(
        &good_with(
            "dist = \"triangular\", min = 0.1, mode = 0.2, max = 0.3",
            "dist = \"beta\", mean = 0.5, sd = 0.6",
        ),
        &["parameters.uplift", "too large"],
    );
    rejects(
        &good_with(
            "dist = \"triangular\", min = 0.1, mode = 0.2, max = 0.3",
            "dist = \"discrete\", values = [0.1, 0.2], weights = [0, 0]",
        ),
        &["parameters.uplift", "sum to a positive number"],
    );
}

#[test]
fn expression_errors() {
    rejects(
        &good_with("effect = \"uplift\"", "effect = \"uplift *\""),
        &["domain.care.effect", "unexpected end"],
    );
    rejects(
        &good_with("effect = \"uplift\"", "effect = \"uplfit\""),
        &["domain.care.effect", "unknown name 'uplfit'", "did you mean 'uplift'"],
    );
    rejects(
        &format!("{GOOD}\n[derived]\na = \"b + 1\"\nb = \"a * 2\"\n"),
        &["cycle", "a -> b -> a"],
    );
}

#[test]
fn name_defined_twice() {
    rejects(
        &format!("{GOOD}\n[derived]\nuplift = \"cost * 2\"\n"),
        &["uplift", "defined twice"],
    );
}

#[test]
fn unknown_distribution_and_wrong_types() {
    rejects(
        &good_with("dist = \"triangular\"", "dist = \"triangle\""),
        &["parameters.uplift.dist", "unknown distribution", "triangular"],
    );
    rejects(
        &good_with("min = 0.1,", "min = \"low\","),
        &["parameters.uplift.min", "expected a number, found the string \"low\""],
    );
}

#[test]
fn ages_must_increase() {
    rejects(
        &good_with("ages = [2, 5]", "ages = [5, 5]"),
        &["domain.care.ages", "end > start"],
    );
}

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().unwrap();
    cradle()
        .args(["run", "does/not/exist.toml", "-o"])
        .arg(dir.path().join("o"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does/not/exist.toml"));
    assert!(!dir.path().join("o").exists());
}

#[test]
fn extends_loop_and_missing_parent() {
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        "a.toml",
        &format!("[scenario]\nextends = \"b.toml\"\n{}", GOOD.replace("[scenario]\n", "")),
    );
    common::write(dir.path(), "b.toml", "[scenario]\nextends = \"a.toml\"\n");
    cradle()
        .arg("check")
        .arg(dir.path().join("a.toml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("extends loop"));
    common::write(dir.path(), "c.toml", "[scenario]\nextends = \"nope.toml\"\n");
    cradle()
        .arg("check")
        .arg(dir.path().join("c.toml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nope.toml"))
        .stderr(predicate::str::contains("scenario.extends"));
}

#[test]
fn extends_overrides_by_name() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), "parent.toml", GOOD);
    common::write(
        dir.path(),
        "mid.toml",
        "[scenario]\nextends = \"parent.toml\"\n[parameters]\nuplift = 0.2\n",
    );
    common::write(
        dir.path(),
        "child.toml",
        "[scenario]\nextends = \"mid.toml\"\nname = \"child\"\n[programme]\nreach = 200\n",
    );
    let s = cradle::Scenario::load(dir.path().join("child.toml")).unwrap();
    assert_eq!(s.name, "child");
    assert!(s.parameter("uplift").unwrap().dist.is_fixed());
    assert_eq!(s.programme.as_ref().unwrap().reach.text, "200");
    assert_eq!(s.programme.as_ref().unwrap().cost_per_family.text, "1000");
    assert_eq!(s.files.len(), 3);
    // A parameter the parent lacks and nothing uses is a typo: an error naming it.
    common::write(
        dir.path(),
        "typo.toml",
        "[scenario]\nextends = \"parent.toml\"\n[parameters]\nuplfit = 0.2\n",
    );
    cradle()
        .arg("check")
        .arg(dir.path().join("typo.toml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("uplfit"))
        .stderr(predicate::str::contains("'uplift'"));
}

#[test]
fn unwritable_output_directory() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(dir.path(), "good.toml", GOOD);
    let blocker = common::write(dir.path(), "file", "x");
    cradle()
        .arg("run")
        .arg(&path)
        .arg("-o")
        .arg(blocker.join("sub"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot write"));
    assert!(Path::new(&blocker).is_file());
}

#[test]
fn bad_arguments_exit_2() {
    cradle()
        .args(["run", "scenarios/headline.toml", "-n", "lots"])
        .assert()
        .code(2);
    cradle()
        .args(["run", "scenarios/headline.toml", "-n", "0", "-o", "/tmp/cradle-n0"])
        .assert()
        .code(2);
}

fn sensitivity(scenario: &Path, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    cradle()
        .arg("sensitivity")
        .arg(scenario)
        .arg("-o")
        .arg(out)
        .args(["--quiet"])
        .args(extra)
        .assert()
}

#[test]
fn sensitivity_writes_every_file_identically_on_1_and_4_threads() {
    let dir = tempfile::tempdir().unwrap();
    let headline = common::repo("scenarios/headline.toml");
    let args = [
        "--method",
        "all",
        "-n",
        "1000",
        "--second-order",
        "--bootstrap",
        "100",
        "--metric",
        "net_savings",
        "value_per_child",
    ];
    sensitivity(
        &headline,
        &dir.path().join("t1"),
        &[&args[..], &["--threads", "1"]].concat(),
    )
    .success();
    sensitivity(
        &headline,
        &dir.path().join("t4"),
        &[&args[..], &["--threads", "4"]].concat(),
    )
    .success();
    let headers = [
        (
            "tornado.csv",
            "metric,parameter,low_input,high_input,metric_at_low,metric_at_high,base_metric,swing",
        ),
        (
            "threshold.csv",
            "metric,target,parameter,base_input,switching_value,quantile_of_switching_value",
        ),
        ("sobol.csv", "metric,parameter,s1,s1_low,s1_high,st,st_low,st_high"),
        ("s2.csv", "metric,parameter_a,parameter_b,s2,s2_low,s2_high"),
        ("prcc.csv", "metric,parameter,prcc,prcc_low,prcc_high,src,p_value"),
        (
            "morris.csv",
            "metric,parameter,mu_star,mu_star_low,mu_star_high,mu,sigma",
        ),
    ];
    for (file, header) in headers {
        let a = std::fs::read_to_string(dir.path().join("t1").join(file)).unwrap();
        let b = std::fs::read_to_string(dir.path().join("t4").join(file)).unwrap();
        assert_eq!(a.lines().next().unwrap(), header, "{file}");
        assert!(a == b, "{file} differs between 1 and 4 threads");
        assert!(
            a.lines().any(|l| l.starts_with("value_per_child,")),
            "{file}: both metrics"
        );
    }
    let run = std::fs::read_to_string(dir.path().join("t1/sensitivity_run.csv")).unwrap();
    assert!(
        run.contains("sobol_base_samples,1024"),
        "1000 rounded up to a power of two"
    );
}

#[test]
fn sensitivity_bad_arguments_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let headline = common::repo("scenarios/headline.toml");
    sensitivity(
        &headline,
        &dir.path().join("a"),
        &["--method", "tornado", "--metric", "net_saving"],
    )
    .code(2)
    .stderr(predicate::str::contains("unknown metric 'net_saving'"));
    sensitivity(
        &headline,
        &dir.path().join("b"),
        &["--method", "tornado", "--range", "90,10"],
    )
    .code(2)
    .stderr(predicate::str::contains("--range"));
    sensitivity(&headline, &dir.path().join("c"), &["--method", "sobolev"]).code(2);
}

#[test]
fn groups_are_one_factor_in_sobol() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{GOOD}\n[[group]]\nname = \"both\"\nparameters = [\"uplift\", \"cost\"]\n");
    let path = common::write(dir.path(), "g.toml", &text);
    sensitivity(
        &path,
        &dir.path().join("o"),
        &["--method", "sobol", "-n", "512", "--bootstrap", "50"],
    )
    .success();
    let sobol = std::fs::read_to_string(dir.path().join("o/sobol.csv")).unwrap();
    assert_eq!(sobol.lines().count(), 2, "one factor: {sobol}");
    let row: Vec<&str> = sobol.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(row[1], "both");
    // All the uncertainty is in the group: S1 = ST = 1 up to Monte Carlo error.
    assert!((row[2].parse::<f64>().unwrap() - 1.0).abs() < 0.05 && (row[5].parse::<f64>().unwrap() - 1.0).abs() < 0.05);
    let bad = format!("{GOOD}\n[[group]]\nname = \"g\"\nparameters = [\"uplfit\"]\n");
    let path = common::write(dir.path(), "bad.toml", &bad);
    cradle()
        .arg("check")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown parameter 'uplfit'"));
}
