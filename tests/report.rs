//! The report end to end through the library (small sizes): every section
//! in the HTML page and in the Markdown, the numbers in the text equal to
//! the CSV's as rounded on the page, the page byte-identical on 1 and 2
//! threads but for its date line; the files of `cradle report` and their
//! output sets; metric labels and units read from `[metrics]`.

mod common;

use std::path::Path;

use assert_cmd::Command;
use cradle::report::format::{money, probability};
use cradle::report::page::reproduce::DATE_PREFIX;
use cradle::report::{self, Report, ReportConfig, ReportInfo};
use cradle::{Model, Scenario};

fn small(scenario: &Scenario) -> ReportConfig {
    ReportConfig {
        iterations: 20_000,
        sobol_samples: 256,
        prcc_iterations: 2_000,
        bootstrap: 50,
        ..ReportConfig::for_scenario(scenario)
    }
}

/// (HTML, Markdown) of the headline report with the fade-out variant, on `threads`.
fn pages(threads: usize, date: &str) -> (String, String, cradle::report::Analyses) {
    let scenario = Scenario::load(common::repo("scenarios/headline.toml")).unwrap();
    let variant = Scenario::load(common::repo("scenarios/variants/headline-fade-out.toml")).unwrap();
    let model = Model::compile(&scenario);
    let variant_model = Model::compile(&variant);
    let config = small(&scenario);
    let pool = cradle::engine::thread_pool(Some(threads)).unwrap();
    let analyses = report::analyse(
        &scenario,
        &model,
        &[(&variant, &variant_model)],
        &config,
        &pool,
        &mut |_, _, _| {},
    )
    .unwrap();
    let info = ReportInfo {
        command_line: "cradle report scenarios/headline.toml".into(),
        date: date.into(),
    };
    let variants = [&variant];
    let r = Report {
        scenario: &scenario,
        model: &model,
        variants: &variants,
        config: &config,
        analyses: &analyses,
        info: &info,
    };
    let (html, md, _) = report::render(&r).unwrap();
    (html, md, analyses)
}

fn without_date(text: &str) -> String {
    text.lines()
        .filter(|l| !l.contains(DATE_PREFIX))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_section_is_in_the_page_and_in_the_markdown() {
    let (html, md, _) = pages(2, "2026-02-09 10:00:00 UTC");
    for (id, heading) in [
        ("claim", "Does the claim hold?"),
        ("origin", "Where the value comes from"),
        ("drivers", "What it rests on"),
        ("scenarios", "Scenarios"),
        ("voi", "Value of information"),
        ("convergence", "Convergence"),
        ("inputs", "Inputs"),
        ("reproduce", "How to reproduce"),
    ] {
        assert!(
            html.contains(&format!("<h2 id=\"{id}\">{heading}</h2>")),
            "{heading} in the HTML"
        );
        assert!(md.contains(&format!("\n## {heading}\n")), "{heading} in the Markdown");
    }
    for figure in [
        "histogram-value_per_child",
        "cdf-value_per_child",
        "histogram-gross_savings",
        "cdf-gross_savings",
        "breakdown",
        "tornado",
        "sobol",
        "prcc",
        "forest",
        "convergence-mean",
        "convergence-percentiles",
    ] {
        assert!(
            html.contains(&format!("<figure id=\"figure-{figure}\"")),
            "{figure} in the HTML"
        );
        assert!(
            md.contains(&format!("(figures/{figure}.svg)")),
            "{figure} in the Markdown"
        );
    }
    // Every parameter in the inputs table, with its distribution in words.
    assert!(html.contains("<td><code>delta_p</code></td><td>Triangular(0.25, 0.4, 0.55)</td>"));
    assert!(md.contains("| `delta_p` | Triangular(0.25, 0.4, 0.55) |"));
    assert!(html.contains("Fixed at 28,800"));
    // Nothing that needs a script or the network.
    assert!(!html.contains("<script") && !html.contains("<link") && !html.contains("src=\"http"));
}

#[test]
fn the_numbers_in_the_text_are_the_runs_rounded() {
    let (html, md, a) = pages(2, "2026-02-09 10:00:00 UTC");
    let k = 0; // value_per_child
    let row = cradle::stats::summarise(&a.run.outputs[k], Some(40_000.0));
    let p = probability(row.prob_meets_claim.unwrap());
    assert!(
        html.contains(&format!("<span class=\"p-claim\">{p}</span>")),
        "P(claim) {p}"
    );
    let mean = cradle::report::format::Unit::Money.format_distinct(&[row.mean, row.percentiles[0], row.percentiles[6]]);
    let sentence = format!(
        "the mean is {} and 95% of the draws lie between {} and {}",
        mean[0], mean[1], mean[2]
    );
    assert!(html.contains(&sentence), "{sentence}");
    assert!(md.contains(&sentence), "{sentence}");
    assert!(html.contains(&format!("a value per child of {} or more", money(40_000.0))));
    // Economist's rounding: no long decimals anywhere in the verdict.
    let verdict = &html[html.find("<p class=\"verdict\">").unwrap()..];
    let verdict = &verdict[..verdict.find("</p>").unwrap()];
    assert!(!verdict.contains(&format!("{:.1}", row.mean)), "{verdict}");
}

#[test]
fn the_page_is_the_same_on_any_thread_count_but_for_its_date() {
    let (one, md_one, _) = pages(1, "2026-02-09 10:00:00 UTC");
    let (two, md_two, _) = pages(2, "2026-02-10 11:00:00 UTC");
    assert_ne!(one, two, "the date line differs");
    assert_eq!(without_date(&one), without_date(&two));
    assert_eq!(without_date(&md_one), without_date(&md_two));
}

fn cradle() -> Command {
    let mut c = Command::cargo_bin("cradle").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

#[test]
fn the_command_writes_every_csv_the_pages_and_the_figures() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let assert = cradle()
        .args([
            "report",
            "scenarios/headline.toml",
            "--compare",
            "scenarios/variants/headline-no-qalys.toml",
        ])
        .args([
            "-n",
            "10000",
            "--sobol-samples",
            "200",
            "--prcc-iterations",
            "1000",
            "--bootstrap",
            "20",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    for line in stdout.lines() {
        assert!(line.chars().count() <= 80, "wider than 80 columns: {line}");
    }
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("rounded up from 200 to 256"), "{stderr}");
    let files = names(&out);
    for f in [
        "summary.csv",
        "quantiles.csv",
        "histogram.csv",
        "breakdown.csv",
        "convergence.csv",
        "run.csv",
        "tornado.csv",
        "threshold.csv",
        "sobol.csv",
        "prcc.csv",
        "morris.csv",
        "sensitivity_run.csv",
        "voi.csv",
        "evppi.csv",
        "voi_run.csv",
        "compare.csv",
        "compare_diff.csv",
        "report.md",
        "report.html",
        "figures",
    ] {
        assert!(files.contains(&f.to_string()), "{f} missing: {files:?}");
        if f != "figures" {
            let listed = f.trim_end_matches(".csv");
            assert!(stdout.contains(listed), "{f} not listed as written: {stdout}");
        }
    }
    assert!(!files.iter().any(|f| f.starts_with(".cradle")), "{files:?}");
    let figures = names(&out.join("figures"));
    assert!(figures.contains(&"tornado.svg".to_string()) && figures.contains(&"forest.svg".to_string()));
    // The same CSV columns as `run` writes.
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(summary.starts_with("metric,mean,sd,mc_se,mean_ci_low,mean_ci_high,p2_5,"));

    // Again without --compare: the comparison's files and figure go.
    cradle()
        .args([
            "report",
            "scenarios/headline.toml",
            "-n",
            "5000",
            "--sobol-samples",
            "128",
        ])
        .args(["--prcc-iterations", "500", "--bootstrap", "10", "--quiet", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let files = names(&out);
    assert!(!files.contains(&"compare.csv".to_string()), "{files:?}");
    assert!(!names(&out.join("figures")).contains(&"forest.svg".to_string()));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("id=\"scenarios\""));
}

/// Every file under `dir` with its bytes, sorted by path.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let name = p.strip_prefix(dir).unwrap().display().to_string();
                files.push((name, std::fs::read(&p).unwrap()));
            }
        }
    }
    files.sort();
    files
}

const SMALL: [&str; 8] = [
    "-n",
    "3000",
    "--sobol-samples",
    "64",
    "--prcc-iterations",
    "300",
    "--bootstrap",
    "10",
];

#[test]
fn bad_arguments_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    cradle()
        .args(["report", "scenarios/headline.toml", "--metric", "nope", "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown metric 'nope'"));
    assert!(!out.exists());

    // An earlier report in DIR is left exactly as it was by each bad argument.
    cradle()
        .args(["report", "scenarios/headline.toml", "-q", "-o"])
        .arg(&out)
        .args(SMALL)
        .assert()
        .success();
    let before = snapshot(&out);
    for (args, needle) in [
        (&["-n", "0"][..], "-n/--iterations must be at least 1"),
        (&["--sobol-samples", "10"], "at least 64 base samples (--sobol-samples)"),
        (&["--prcc-iterations", "5"], "iterations (--prcc-iterations), got 5"),
        (&["--bootstrap", "1000000"], "--bootstrap must be at most 100000"),
        (&["--threads", "100000"], "threads"),
        (&["--compare", "scenarios/nope.toml"], "nope.toml"),
    ] {
        cradle()
            .args(["report", "scenarios/headline.toml", "-o"])
            .arg(&out)
            .args(args)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(needle));
        assert!(before == snapshot(&out), "{args:?} changed the output directory");
    }
}

#[test]
fn the_report_lands_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    cradle()
        .args(["report", "scenarios/headline.toml", "-q", "-o"])
        .arg(&out)
        .args(SMALL)
        .assert()
        .success();
    let before = snapshot(&out);
    assert!(
        before.iter().any(|(n, _)| n == "figures/tornado.svg"),
        "{:?}",
        names(&out)
    );
    // A file where the figures folder goes: refused before anything moves,
    // so the CSV files and report.html stay those of the earlier report.
    std::fs::remove_dir_all(out.join("figures")).unwrap();
    std::fs::write(out.join("figures"), "in the way").unwrap();
    let before = snapshot(&out);
    cradle()
        .args(["report", "scenarios/headline.toml", "--seed", "7", "-q", "-o"])
        .arg(&out)
        .args(SMALL)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("figures"));
    assert!(before == snapshot(&out), "a failed report changed the directory");
    assert!(!names(&out).iter().any(|n| n.starts_with(".cradle")));
}

const LABELLED: &str = r#"
[parameters]
quit = { dist = "uniform", min = 0.1, max = 0.3, source = "a trial" }
cost = { dist = "triangular", min = 100, mode = 200, max = 400 }

[metrics]
value_per_quitter = { expr = "cost / quit", label = "Value per quitter", unit = "£" }
qalys = { expr = "quit * 3", label = "QALYs gained", unit = "QALYs" }
plain = "quit * 2"

[claim]
value_per_quitter = 1000
"#;

#[test]
fn metrics_carry_labels_and_units() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(dir.path(), "s.toml", LABELLED);
    let s = Scenario::load(&path).unwrap();
    let v = s.metric_label("value_per_quitter");
    assert_eq!((v.label.as_str(), v.unit.as_str()), ("Value per quitter", "£"));
    assert!(v.is_money());
    assert_eq!(s.metric_label("qalys").unit, "QALYs");
    let plain = s.metric_label("plain");
    assert_eq!((plain.label.as_str(), plain.unit.as_str()), ("plain", ""));
    // Built-in metrics have built-in labels.
    let h = Scenario::load(common::repo("scenarios/headline.toml")).unwrap();
    assert_eq!(h.metric_label("value_per_child").label, "Value per child");
    assert!(h.metric_label("gross_savings").is_money());
    assert!(!h.metric_label("benefit_cost_ratio").is_money());

    // The terminal uses them.
    let out = dir.path().join("o");
    cradle()
        .arg("run")
        .arg(&path)
        .args(["-n", "2000", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicates::str::contains("Value per quitter"))
        .stdout(predicates::str::contains("QALYs gained"))
        .stdout(predicates::str::contains(" QALYs "));
    // So does the report: the page speaks of the label, the figures are titled with it.
    let out = dir.path().join("r");
    cradle()
        .arg("report")
        .arg(&path)
        .args([
            "-n",
            "2000",
            "--sobol-samples",
            "64",
            "--prcc-iterations",
            "200",
            "--bootstrap",
            "10",
            "-q",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("a value per quitter of £1,000 or more"),
        "the label in the verdict"
    );
    assert!(html.contains("Distribution of Value per quitter"));
    // `cost` has no source: flagged.
    assert!(html.contains("one has no source and is highlighted"));
    // No programme, so no net savings and no decision to value.
    assert!(!html.contains("id=\"voi\""));
    assert!(!out.join("voi.csv").exists());
}

#[test]
fn a_bad_metric_table_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    for (text, needle) in [
        (
            "x = { expr = \"q\", lable = \"X\" }",
            "metrics.x.lable: unknown key; did you mean 'label'?",
        ),
        ("x = { label = \"X\" }", "metrics.x.expr: missing required key 'expr'"),
        ("x = { expr = \"q\", unit = 3 }", "metrics.x.unit: expected a string"),
        (
            "x = { expr = \"q\", label = \" \" }",
            "metrics.x.label: expected a non-empty string",
        ),
    ] {
        let path = common::write(
            dir.path(),
            "bad.toml",
            &format!("[parameters]\nq = {{ dist = \"uniform\", min = 0, max = 1 }}\n[metrics]\n{text}\n"),
        );
        let err = Scenario::load(&path).unwrap_err().report();
        assert!(err.contains(needle), "{err}");
        assert!(err.contains("bad.toml:4"), "{err}");
    }
}

#[test]
fn the_value_of_information_is_that_of_cradle_voi_on_the_same_draws() {
    let dir = tempfile::tempdir().unwrap();
    let (report_dir, voi_dir) = (dir.path().join("r"), dir.path().join("v"));
    cradle()
        .args(["report", "scenarios/evidence.toml", "-q", "-o"])
        .arg(&report_dir)
        .args(["-n", "20000"])
        .args(&SMALL[2..])
        .assert()
        .success();
    cradle()
        .args([
            "voi",
            "scenarios/evidence.toml",
            "-n",
            "20000",
            "--horizon",
            "10",
            "-q",
            "-o",
        ])
        .arg(&voi_dir)
        .assert()
        .success();
    // The same analysis, run in ranges of chunks by the report: the same bytes.
    for file in ["voi.csv", "evppi.csv"] {
        let (a, b) = (
            std::fs::read_to_string(report_dir.join(file)).unwrap(),
            std::fs::read_to_string(voi_dir.join(file)).unwrap(),
        );
        assert_eq!(a, b, "{file}");
    }
    // The page states voi.csv's EVPI as it rounds money, and draws the EVPPI bars.
    let mut voi = csv::Reader::from_path(report_dir.join("voi.csv")).unwrap();
    let header = voi.headers().unwrap().clone();
    let row = voi.records().next().unwrap().unwrap();
    let get = |k: &str| -> f64 { row[header.iter().position(|h| h == k).unwrap()].parse().unwrap() };
    let (evpi, population) = (get("evpi"), get("evpi_population"));
    assert!(evpi > 0.0, "the evidence profile's decision is uncertain");
    let html = std::fs::read_to_string(report_dir.join("report.html")).unwrap();
    let md = std::fs::read_to_string(report_dir.join("report.md")).unwrap();
    let label = Scenario::load(common::repo("scenarios/evidence.toml"))
        .unwrap()
        .metric_label("net_savings");
    let worth = format!(
        "would be worth {} per annual cohort",
        cradle::report::page::show(&label, evpi)
    );
    let horizon = format!("or {} over 10 years", cradle::report::page::show(&label, population));
    for page in [&html, &md] {
        assert!(page.contains(&worth) && page.contains(&horizon), "{worth} / {horizon}");
    }
    assert!(html.contains("<figure id=\"figure-evppi\""));
    assert!(report_dir.join("figures/evppi.svg").exists());
}

#[test]
fn a_decision_no_draw_reverses_has_no_value_of_information_to_draw() {
    let (html, md, a) = pages(1, "2026-02-09 10:00:00 UTC");
    let voi = &a.voi.as_ref().expect("the headline has net savings").result;
    assert_eq!(voi.evpi.evpi.value, 0.0, "net savings are positive in every draw");
    for page in [&html, &md] {
        assert!(page.contains("No draw reverses the decision, so no research could change it"));
    }
    assert!(!html.contains("figure-evppi"), "no bars of zeros");
}
