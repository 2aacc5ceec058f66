//! The input side of issue 9: bad input never panics, never crashes the
//! process, and never gives a silent wrong number. One test per class the
//! hostile-user trial found, named after what it guards; each failed before
//! its fix (a panic, a SIGABRT, an exit 0 with a wrong number, or a message
//! that said the wrong thing).

mod common;

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;

use cradle::discount::Schedule;
use cradle::engine::{self, MAX_THREADS, Precision};
use cradle::expr::{self, MAX_CHARS, MAX_DEPTH};
use cradle::scenario::MAX_SCENARIO_BYTES;
use cradle::sensitivity::{self, Method, SensitivityConfig, prcc};
use cradle::{Model, Scenario};

fn cradle() -> Command {
    let mut c = Command::cargo_bin("cradle").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.timeout(Duration::from_secs(300));
    c
}

/// Two uncertain inputs, a and b, and one metric y = `expr`.
fn metric_scenario(expr: &str) -> String {
    format!(
        "[parameters]\na = {{ dist = \"uniform\", min = 0, max = 1 }}\nb = {{ dist = \"uniform\", min = 0, max = 1 }}\n[metrics]\ny = \"{expr}\"\n"
    )
}

/// A lifetime-model scenario with one domain, whose annual cost is `cost`.
fn model_scenario(cost: &str) -> String {
    format!(
        "[parameters]\nuplift = {{ dist = \"uniform\", min = 0.1, max = 0.3 }}\n[[domain]]\nname = \"care\"\neffect = \"uplift\"\nannual_cost = \"{cost}\"\nages = [0, 3]\n[programme]\nreach = 100\ncost_per_family = 1000\n"
    )
}

fn config(method: Method, samples: Option<u64>) -> SensitivityConfig {
    SensitivityConfig {
        method,
        metrics: Vec::new(),
        samples,
        seed: 1,
        range: (5.0, 95.0),
        second_order: false,
        bootstrap: 100,
        trajectories: 10,
        levels: 4,
    }
}

fn load(dir: &Path, name: &str, text: &str) -> (Scenario, Model) {
    let s = Scenario::load(common::write(dir, name, text)).unwrap();
    let m = Model::new(&s).unwrap();
    (s, m)
}

fn pool() -> rayon::ThreadPool {
    engine::thread_pool(Some(2)).unwrap()
}

// Item 7: PRCC = ±1 made t infinite and statrs panicked; `--method all` then
// left a partial set.
#[test]
fn prcc_of_an_exact_monotone_output_is_plus_or_minus_one_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    for (expr, sign) in [("exp(a)", 1.0), ("1 - a^3", -1.0)] {
        let (s, m) = load(dir.path(), "mono.toml", &metric_scenario(expr));
        let r = sensitivity::analyse(&s, &m, &config(Method::Prcc, Some(1000)), &pool()).unwrap();
        let (rows, _, _) = r.prcc.unwrap();
        let a = &rows[0];
        assert_eq!(
            (a.prcc, a.prcc_low, a.prcc_high, a.p_value),
            (sign, sign, sign, 0.0),
            "{expr}"
        );
        // b has nothing left to explain: undefined, shown empty, and said so.
        let b = &rows[1];
        assert!(b.prcc.is_nan() && b.p_value.is_nan() && b.prcc_low.is_nan(), "{b:?}");
        assert!(
            r.warnings
                .iter()
                .any(|w| w.contains("the ranks of y follow those of a exactly")),
            "{:?}",
            r.warnings
        );
    }
    let path = common::write(dir.path(), "mono.toml", &metric_scenario("exp(a)"));
    let out = dir.path().join("o");
    cradle()
        .arg("sensitivity")
        .arg(&path)
        .args(["--method", "all", "-n", "256", "--bootstrap", "20", "--quiet", "-o"])
        .arg(&out)
        .assert()
        .success();
    for file in [
        "tornado.csv",
        "threshold.csv",
        "sobol.csv",
        "prcc.csv",
        "morris.csv",
        "sensitivity_run.csv",
    ] {
        assert!(out.join(file).is_file(), "{file} missing: a partial set");
    }
    let prcc = std::fs::read_to_string(out.join("prcc.csv")).unwrap();
    assert!(prcc.contains("\ny,a,1,1,1,"), "{prcc}");
}

// Item 8: an empty [metrics] table was accepted; check/run wrote 0-byte CSVs
// and `sensitivity --method tornado` and `run --precision` panicked.
#[test]
fn a_scenario_without_outputs_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let empty = "[parameters]\na = { dist = \"uniform\", min = 0, max = 1 }\n[metrics]\n";
    let path = common::write(dir.path(), "empty.toml", empty);
    let out = dir.path().join("o");
    let commands: [&[&str]; 4] = [
        &["check"],
        &["run", "-n", "100"],
        &["run", "-n", "100", "--precision", "0.01"],
        &["sensitivity", "--method", "tornado"],
    ];
    for args in commands {
        let mut c = cradle();
        c.args(args).arg(&path);
        if args[0] != "check" {
            c.arg("-o").arg(&out);
        }
        c.assert().code(2).stderr(predicate::str::contains(
            "empty.toml:3: metrics: the scenario has no outputs",
        ));
        assert!(!out.exists(), "{args:?} wrote files");
    }
    // Whichever way the scenario got there: a child of an output-less parent.
    common::write(dir.path(), "parent.toml", empty);
    let child = common::write(
        dir.path(),
        "child.toml",
        "[scenario]\nextends = \"parent.toml\"\n[settings]\nseed = 2\n[metrics]\n",
    );
    cradle()
        .arg("check")
        .arg(&child)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no outputs"));
}

// Item 8, the library side: nothing indexes the first metric unguarded.
#[test]
fn a_model_without_metrics_gives_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Scenario::load(common::write(dir.path(), "m.toml", &metric_scenario("a + b"))).unwrap();
    s.metrics.clear();
    let m = Model::compile(&s);
    assert_eq!(m.n_metrics, 0);
    assert_eq!(m.metric_or_first("net_savings"), "net_savings");
    assert!(Precision::new(&m, 0.01, None).is_err());
    assert!(sensitivity::analyse(&s, &m, &config(Method::Tornado, None), &pool()).is_err());
}

/// `count` copies of `open`, then `middle`, then `count` copies of `close`.
fn nested(open: &str, middle: &str, close: &str, count: usize) -> String {
    format!("{}{middle}{}", open.repeat(count), close.repeat(count))
}

/// A sum of `terms` terms: depth terms − 1.
fn sum(terms: usize) -> String {
    vec!["a"; terms].join("+")
}

// Item 9: ~9,000 parentheses, ~16,000 unary minuses or a 50,000-term sum
// overflowed the stack (SIGABRT). The limits, just below and just above.
#[test]
fn expression_depth_and_length_limits_hold_exactly() {
    let at_limit = [
        nested("(", "a", ")", MAX_DEPTH),
        nested("-", "a", "", MAX_DEPTH),
        nested("+", "a", "", MAX_DEPTH),
        nested("abs(", "a", ")", MAX_DEPTH),
        nested("a^", "a", "", MAX_DEPTH),
        sum(MAX_DEPTH + 1),
        format!("{}{}", "a", " ".repeat(MAX_CHARS - 1)),
    ];
    for text in &at_limit {
        assert!(expr::parse(text).is_ok(), "{}…", &text[..40.min(text.len())]);
    }
    let past_limit = [
        nested("(", "a", ")", MAX_DEPTH + 1),
        nested("-", "a", "", MAX_DEPTH + 1),
        nested("+", "a", "", MAX_DEPTH + 1),
        nested("abs(", "a", ")", MAX_DEPTH + 1),
        nested("a^", "a", "", MAX_DEPTH + 1),
        sum(MAX_DEPTH + 2),
        format!(
            "{}*({})",
            nested("(", "a", ")", MAX_DEPTH / 2),
            nested("(", "a", ")", MAX_DEPTH)
        ),
    ];
    for text in &past_limit {
        let e = expr::parse(text).unwrap_err();
        assert!(e.message.contains("nested more than 200 levels"), "{e}");
    }
    let e = expr::parse(&format!("{}{}", "a", " ".repeat(MAX_CHARS))).unwrap_err();
    assert!(e.message.contains("10001 characters long; the limit is 10000"), "{e}");
    // At the limit, an expression goes through loading, name resolution,
    // compiling, evaluation and dropping on a test thread's stack.
    let dir = tempfile::tempdir().unwrap();
    for text in &at_limit[..6] {
        let (_, m) = load(dir.path(), "deep.toml", &metric_scenario(text));
        assert!(m.base_case()[0].is_finite());
    }
}

#[test]
fn deeply_nested_input_is_an_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (nested("(", "a", ")", 9_000), "characters long"),
        (nested("(", "a", ")", 4_000), "nested more than 200 levels"),
        (nested("-", "a", "", 16_000), "characters long"),
        (nested("-", "a", "", 9_000), "nested more than 200 levels"),
        (sum(50_000), "characters long"),
        (sum(4_000), "nested more than 200 levels"),
    ];
    for (text, message) in cases {
        let path = common::write(dir.path(), "deep.toml", &metric_scenario(&text));
        cradle()
            .arg("check")
            .arg(&path)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("deep.toml:5: metrics.y"))
            .stderr(predicate::str::contains(message));
    }
    // The TOML parser recurses on nested arrays and inline tables: it has
    // its own limit, and a file past it is a syntax error, not a crash.
    for text in [
        format!("x = {}\n", nested("[", "1", "]", 100_000)),
        format!("x = {}\n", nested("{ a = ", "1", " }", 100_000)),
        format!("[{}]\n", vec!["a"; 100_000].join(".")),
    ] {
        let path = common::write(dir.path(), "deep.toml", &text);
        cradle()
            .arg("check")
            .arg(&path)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("deep.toml:1:"));
    }
}

// Item 10: `check /dev/zero` read until the kernel killed it.
#[test]
fn scenario_reads_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let good = metric_scenario("a + b");
    // Exactly at the limit (padded with a comment) loads; one byte more does not.
    let padding = MAX_SCENARIO_BYTES as usize - good.len() - 2;
    let at_limit = format!("{good}#{}\n", "x".repeat(padding));
    assert_eq!(at_limit.len() as u64, MAX_SCENARIO_BYTES);
    let path = common::write(dir.path(), "big.toml", &at_limit);
    cradle().arg("check").arg(&path).assert().success();
    let path = common::write(dir.path(), "big.toml", &format!("{at_limit}\n"));
    cradle()
        .arg("check")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("larger than 16 MiB"));
    // A device is bounded the same way (the limit is enforced while reading).
    if Path::new("/dev/zero").exists() {
        cradle()
            .args(["check", "/dev/zero"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("/dev/zero"))
            .stderr(predicate::str::contains("larger than 16 MiB"));
    }
}

// Item 10, for the other files cradle reads: `voi --from-csv /dev/zero`
// and `merge /dev/zero` read until memory ran out.
#[test]
fn psa_table_and_state_reads_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let binary = common::write(dir.path(), "draws.csv", "a,nb\n1,2\n\0\0\0");
    cradle()
        .args(["voi", "--from-csv"])
        .arg(&binary)
        .args(["--nb", "nb", "--parameters", "a", "-o"])
        .arg(dir.path().join("out"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("draws.csv:3: file: a NUL byte at byte 9"));
    let not_a_state = common::write(dir.path(), "x.cstate", "CRADLES");
    cradle()
        .arg("merge")
        .arg(&not_a_state)
        .args(["-o"])
        .arg(dir.path().join("merged"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("x.cstate: not a cradle state file"));
    assert!(!dir.path().join("out").exists() && !dir.path().join("merged").exists());
    if Path::new("/dev/zero").exists() {
        cradle()
            .args(["voi", "--from-csv", "/dev/zero", "--nb", "x", "--parameters", "a", "-o"])
            .arg(dir.path().join("out"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains("/dev/zero:1: file: a NUL byte"));
        cradle()
            .args(["merge", "/dev/zero", "-o"])
            .arg(dir.path().join("merged"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains("/dev/zero: not a cradle state file"));
    }
}

// Item 10: `--threads 10000` started 10,000 OS threads.
#[test]
fn thread_count_is_bounded() {
    assert!(engine::thread_pool(Some(MAX_THREADS + 1)).is_err());
    assert!(engine::thread_pool(Some(0)).is_err());
    assert_eq!(engine::thread_pool(Some(3)).unwrap().current_num_threads(), 3);
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(dir.path(), "t.toml", &metric_scenario("a + b"));
    for threads in ["1025", "10000", "0"] {
        cradle()
            .arg("run")
            .arg(&path)
            .args(["-n", "100", "--threads", threads, "-o"])
            .arg(dir.path().join("o"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--threads must be between 1 and 1024"));
    }
}

// Item 13: PRCC/SRC with n ≤ k + 1 printed PRCC = 1.648, SRC = −2, exit 0.
#[test]
fn prcc_needs_more_iterations_than_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(dir.path(), "p.toml", &metric_scenario("a + 2 * b"));
    for n in ["2", "3", "4"] {
        cradle()
            .arg("sensitivity")
            .arg(&path)
            .args(["--method", "prcc", "-n", n, "-o"])
            .arg(dir.path().join("o"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains("needs at least k + 3 = 5 iterations"));
    }
    // k + 3 is enough: every number in [−1, 1] (or empty, and said why),
    // with a warning that it is few.
    let (s, m) = load(dir.path(), "p.toml", &metric_scenario("a + 2 * b"));
    for seed in 1..20 {
        let config = SensitivityConfig {
            seed,
            ..config(Method::Prcc, Some(5))
        };
        let r = sensitivity::analyse(&s, &m, &config, &pool()).unwrap();
        assert!(r.warnings.iter().any(|w| w.contains("fewer than 10 per input")));
        for row in &r.prcc.unwrap().0 {
            if row.prcc.is_nan() {
                assert!(r.warnings.iter().any(|w| w.contains("undefined")), "{row:?}");
            } else {
                assert!(row.prcc.abs() <= 1.0, "{row:?}");
                assert!(row.prcc_low <= row.prcc && row.prcc <= row.prcc_high, "{row:?}");
                assert!((0.0..=1.0).contains(&row.p_value), "{row:?}");
            }
        }
    }
    // Also after non-finite rows are dropped: y is finite in ~1% of draws.
    let (s, m) = load(dir.path(), "nf.toml", &metric_scenario("ln(0.005 - abs(a - 0.5)) + b"));
    let e = sensitivity::analyse(&s, &m, &config(Method::Prcc, Some(100)), &pool()).unwrap_err();
    assert!(e.to_string().contains("iterations with a finite value"), "{e}");
    assert!(prcc::prcc(&m, &[0], 4, 1, Some(1)).is_err());
}

// Item 16: `check` called a scenario with a base case of −£inf valid.
#[test]
fn a_non_finite_base_case_is_an_error_naming_its_origin() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            model_scenario("logit(0)"),
            "bad.toml:6: domain.care.annual_cost: \"logit(0)\" is -inf",
        ),
        (
            format!("{}[derived]\nr = \"ln(uplift - uplift)\"\n", model_scenario("1000 * r")),
            "bad.toml:12: derived.r: \"ln(uplift - uplift)\" is -inf at the base case (with uplift = ",
        ),
        (
            metric_scenario("a / (b - 0.5)"),
            "bad.toml:5: metrics.y: \"a / (b - 0.5)\" is inf at the base case (with a = 0.5, b = 0.5)",
        ),
        (
            model_scenario("1000").replace("cost_per_family = 1000", "cost_per_family = 0"),
            "benefit_cost_ratio is inf at the base case because programme_cost (reach × cost_per_family) is 0",
        ),
        (
            model_scenario("1000").replace("ages = [0, 3]", "ages = [0, 3]\nfade = { half_life = 0 }"),
            "bad.toml:3: domain.care: its value per child is NaN at the base case, although its expressions are finite there",
        ),
    ];
    for (text, message) in &cases {
        let path = common::write(dir.path(), "bad.toml", text);
        cradle()
            .arg("check")
            .arg(&path)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(*message));
    }
    // Every command refuses a broken base case, before writing anything.
    let path = common::write(dir.path(), "bad.toml", &cases[0].0);
    let out = dir.path().join("o");
    let commands: [&[&str]; 3] = [
        &["run", "-n", "100"],
        &["sensitivity", "--method", "tornado"],
        &["compare", "scenarios/headline.toml"],
    ];
    for args in commands {
        cradle()
            .args(args)
            .arg(&path)
            .arg("-o")
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("is -inf at the base case"));
        assert!(!out.exists());
    }
    // A run may still meet non-finite values in some iterations: counted, not refused.
    let (_, m) = load(dir.path(), "ok.toml", &model_scenario("1000 * ln(uplift - 0.15)"));
    assert!(m.base_case().iter().all(|v| v.is_finite()));
}

// Item 17: `-n 0` was rounded to 2 and gave ST = 1.70; `-n 2^64 − 1`
// overflowed to "got 0"; Morris and bootstrap sizes overflowed or exhausted memory.
#[test]
fn sensitivity_sizes_are_checked_without_overflow() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(dir.path(), "s.toml", &metric_scenario("a + 2 * b"));
    let out = dir.path().join("o");
    let sens = |args: &[&str]| {
        let mut c = cradle();
        c.arg("sensitivity").arg(&path).args(args).arg("-o").arg(&out);
        c.assert()
    };
    let max = u64::MAX.to_string();
    for n in ["0", "2", "63"] {
        sens(&["--method", "sobol", "-n", n])
            .code(2)
            .stderr(predicate::str::contains("at least 64 base samples"));
    }
    sens(&["--method", "sobol", "-n", &max])
        .code(2)
        .stderr(predicate::str::contains(format!("got {max}")))
        .stderr(predicate::str::contains("got 0").not());
    sens(&["--method", "sobol", "-n", "16777217"])
        .code(2)
        .stderr(predicate::str::contains("at most 2^24"));
    sens(&["--method", "sobol", "-n", "64", "--bootstrap", "10", "--quiet"]).success();
    sens(&["--method", "prcc", "-n", &max])
        .code(2)
        .stderr(predicate::str::contains("at most 10000000"));
    for (flag, value, message) in [
        ("--trajectories", max.as_str(), "from 2 to 10000 trajectories"),
        ("--trajectories", "10001", "from 2 to 10000 trajectories"),
        ("--trajectories", "1", "from 2 to 10000 trajectories"),
        ("--levels", "102", "even number of levels from 2 to 100"),
        ("--levels", "3", "even number of levels from 2 to 100"),
        ("--bootstrap", max.as_str(), "--bootstrap must be at most 100000"),
        ("--bootstrap", "100001", "--bootstrap must be at most 100000"),
    ] {
        sens(&["--method", "morris", flag, value])
            .code(2)
            .stderr(predicate::str::contains(message));
    }
    sens(&[
        "--method",
        "morris",
        "--trajectories",
        "10000",
        "--levels",
        "100",
        "--quiet",
    ])
    .success();
    // The Sobol sampler's "next power of two" hint does not wrap to 0 either.
    cradle()
        .arg("run")
        .arg(&path)
        .args(["--sampler", "sobol", "-n", &max, "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("next: 0").not());
}

// Item 22: the health schedule was the cost bands × 1.5/3.5.
#[test]
fn green_book_health_schedule_uses_the_published_rates() {
    let health = Schedule::green_book_health();
    let published = [
        (1, 0.015),
        (31, 0.0129),
        (76, 0.0107),
        (126, 0.0086),
        (201, 0.0064),
        (301, 0.0043),
    ];
    for (year, rate) in published {
        assert_eq!(health.rate(year), rate, "year {year}");
    }
    // DF(31) = 1/(1.015^30 · 1.0129), as the Green Book's table has it.
    let df = 1.0 / (1.015f64.powi(30) * 1.0129);
    assert!((health.discount_factor(31) - df).abs() < 1e-14);
}

// Messages: invalid UTF-8 had no line and repeated itself.
#[test]
fn invalid_utf8_names_its_line_and_column_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.toml");
    std::fs::write(&path, b"[parameters]\na = 1\n# caf\xe9 au lait\n").unwrap();
    let out = cradle().arg("check").arg(&path).assert().code(2);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("latin1.toml:3:6: "), "{stderr}");
    assert!(stderr.contains("invalid UTF-8 (byte 0xE9)"), "{stderr}");
    assert!(!stderr.contains("stream did not contain valid UTF-8"), "{stderr}");
}

// Messages: `extends` pointing at a directory or a device said "does not exist".
#[test]
fn extends_says_what_is_there_instead() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("parent")).unwrap();
    let mut cases = vec![
        ("parent", "is a directory, not a scenario file"),
        ("nope.toml", "does not exist"),
    ];
    if Path::new("/dev/null").exists() {
        cases.push(("/dev/null", "is not a regular file"));
    }
    for (parent, message) in cases {
        let path = common::write(
            dir.path(),
            "child.toml",
            &format!("[scenario]\nextends = \"{parent}\"\n"),
        );
        cradle()
            .arg("check")
            .arg(&path)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("child.toml:2: scenario.extends"))
            .stderr(predicate::str::contains(message));
    }
}

// Messages: a 2 MB string value was echoed whole on stderr.
#[test]
fn long_values_are_clipped_in_messages() {
    let dir = tempfile::tempdir().unwrap();
    let long = "x".repeat(2_000_000);
    let cases = [
        format!("[parameters]\na = {{ dist = \"{long}\" }}\n[metrics]\ny = \"a\"\n"),
        format!("[settings]\nsampler = \"{long}\"\n{}", metric_scenario("a")),
        format!("[parameters]\na = {{ dist = \"uniform\", min = \"{long}\", max = 1 }}\n[metrics]\ny = \"a\"\n"),
        metric_scenario(&format!("{long} + a")),
        format!("[parameters]\n{long} = 1\n[metrics]\ny = \"1\"\n[claim]\n{long} = 3\n"),
    ];
    for text in cases {
        let path = common::write(dir.path(), "long.toml", &text);
        let out = cradle().arg("check").arg(&path).assert().code(2);
        let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert!(stderr.len() < 2_000, "{} bytes: {}…", stderr.len(), &stderr[..200]);
        assert!(stderr.contains(&format!("{}…", "x".repeat(60))), "{stderr}");
    }
}

// Messages: `costs = "greenbook"` got no "did you mean 'green-book'".
#[test]
fn enumerated_strings_suggest_the_nearest() {
    let dir = tempfile::tempdir().unwrap();
    let domain = |discount: &str| {
        model_scenario("1000").replace("ages = [0, 3]", &format!("ages = [0, 3]\ndiscount = \"{discount}\""))
    };
    let cases = [
        (
            format!("[discounting]\ncosts = \"greenbook\"\n{}", model_scenario("1000")),
            "discounting.costs: unknown schedule \"greenbook\"; did you mean \"green-book\"?",
        ),
        (
            format!("[discounting]\ncosts = \"Green-Book\"\n{}", model_scenario("1000")),
            "did you mean \"green-book\"?",
        ),
        (
            format!(
                "[discounting]\nhealth = \"green-book-helth\"\n{}",
                model_scenario("1000")
            ),
            "did you mean \"green-book-health\"?",
        ),
        (
            domain("helth"),
            "unknown discount choice \"helth\"; did you mean \"health\"?",
        ),
        (
            format!("[settings]\nsampler = \"sobel\"\n{}", metric_scenario("a")),
            "unknown sampler \"sobel\"; did you mean \"sobol\"?",
        ),
        (
            metric_scenario("a").replace("\"uniform\"", "\"unifrom\""),
            "unknown distribution \"unifrom\"; did you mean \"uniform\"?",
        ),
    ];
    for (text, message) in &cases {
        let path = common::write(dir.path(), "typo.toml", text);
        cradle()
            .arg("check")
            .arg(&path)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(*message));
    }
    // A parameter may still be called like a schedule and used as a rate.
    let text = format!(
        "[discounting]\ncosts = \"greenbook\"\n{}",
        model_scenario("1000").replace(
            "[parameters]\n",
            "[parameters]\ngreenbook = { dist = \"uniform\", min = 0.01, max = 0.05 }\n"
        )
    );
    let path = common::write(dir.path(), "ok.toml", &text);
    cradle().arg("check").arg(&path).assert().success();
}
