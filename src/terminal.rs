//! What the binary shows a person: the base-case table of `check`, the
//! progress bar and the closing summary of `run`, and the one way text
//! reaches stdout ([`print`]) and stderr ([`warn`], [`note`], [`error`]).
//! (The library never prints.)
//!
//! Nothing here panics on a closed or full stream (`print!` would): stdout
//! errors are returned as [`StdoutError`], which `main` turns into a quiet
//! exit 0 for a closed pipe (`cradle check S | head -1`, as ripgrep does) and
//! exit 1 with a message for anything else (a full disk); stderr errors are
//! ignored, as there is nowhere left to report them.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::path::Path;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use cradle::engine::{Observer, SampleBlock};
use cradle::output::{RowSink, SampleWriter, StagedFile};
use cradle::stats::summarise;
use cradle::{Model, RunResult, Scenario};

/// Standard output could not be written (not an output file: exit 1).
#[derive(Debug, thiserror::Error)]
#[error("cannot write to standard output")]
pub struct StdoutError(#[source] pub std::io::Error);

impl StdoutError {
    /// The reader went away (a closed pipe): not an error for a CLI.
    pub fn is_closed_pipe(&self) -> bool {
        self.0.kind() == std::io::ErrorKind::BrokenPipe
    }
}

/// Write `text` to stdout and flush it.
pub fn print(text: &str) -> Result<(), StdoutError> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(StdoutError)
}

/// One line on stderr; a closed or full stderr is ignored.
fn eprint_line(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

/// "warning: …" on stderr.
pub fn warn(text: &str) {
    eprint_line(&format!("warning: {text}"));
}

/// "note: …" on stderr.
pub fn note(text: &str) {
    eprint_line(&format!("note: {text}"));
}

/// "error: …" on stderr, with every cause once.
pub fn error(err: &anyhow::Error) {
    eprint_line(&format!("error: {err:#}"));
}

/// 1234567.8 -> "1,234,568" (for people; CSV files never group digits).
pub fn grouped(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 && digits != "0" {
        format!("-{out}")
    } else {
        out
    }
}

fn money(x: f64) -> String {
    let sign = if x < 0.0 && grouped(x.abs()) != "0" { "-" } else { "" };
    format!("{sign}£{}", grouped(x.abs()))
}

fn is_money(metric: &str) -> bool {
    matches!(
        metric,
        "value_per_child" | "gross_savings" | "programme_cost" | "net_savings"
    )
}

fn label(metric: &str) -> String {
    match metric {
        "value_per_child" => "Value per child".into(),
        "gross_savings" => "Gross savings (one year's cohort)".into(),
        "programme_cost" => "Programme cost".into(),
        "net_savings" => "Net savings".into(),
        "benefit_cost_ratio" => "Benefit-cost ratio".into(),
        other => other.to_string(),
    }
}

/// A metric's value for a table cell.
fn show(metric: &str, x: f64) -> String {
    match metric {
        "benefit_cost_ratio" => format!("{x:.2}"),
        m if is_money(m) => money(x),
        // Six decimals, except where x·10^6 would overflow (|x| > 1.8e302).
        _ => {
            let rounded = (x * 1e6).round() / 1e6;
            format!("{}", if rounded.is_finite() { rounded } else { x })
        }
    }
}

/// As [`show`], with billions spelled out for large sums ("£1,155,268,010  (£1.155bn)").
fn show_long(metric: &str, x: f64) -> String {
    if is_money(metric) && x.abs() >= 1e9 {
        let sign = if x < 0.0 { "-" } else { "" };
        format!("{}  ({sign}£{:.3}bn)", money(x), x.abs() / 1e9)
    } else {
        show(metric, x)
    }
}

/// The deterministic base case, one labelled line per quantity.
pub fn base_case_table(scenario: &Scenario, model: &Model) -> String {
    let values = model.base_case();
    let mut s = String::new();
    let _ = writeln!(s, "{}: scenario is valid", scenario.path.display());
    if !scenario.name.is_empty() {
        let _ = writeln!(s, "{}", scenario.name);
    }
    let random = model.inputs.iter().filter(|i| !i.dist.is_fixed()).count();
    let _ = writeln!(
        s,
        "{} parameters ({} uncertain), {} domains\n",
        model.inputs.len(),
        random,
        model.domains.len()
    );
    let _ = writeln!(s, "Base case (every parameter at its base value):");
    for (o, v) in model.outputs[..model.n_metrics].iter().zip(&values) {
        let claim = o.claim.map_or_else(String::new, |c| {
            let diff = (v - c) / c * 100.0;
            format!("   claim {}: {diff:+.1}%", show_long(&o.name, c))
        });
        let _ = writeln!(s, "  {:<36} {:>20}{claim}", label(&o.name), show_long(&o.name, *v));
    }
    if !model.domains.is_empty() {
        let _ = writeln!(s, "\nValue per child by domain (after the programme adjustment):");
        let total: f64 = values[model.n_metrics..].iter().sum();
        for (d, v) in model.domains.iter().zip(&values[model.n_metrics..]) {
            let share = if total != 0.0 { v / total * 100.0 } else { f64::NAN };
            let _ = writeln!(
                s,
                "  {:<36} {:>20}   {:>5.1}%   payer: {}",
                d.name,
                money(*v),
                share,
                d.payer
            );
        }
    }
    s
}

/// The closing summary of a run.
pub fn run_table(scenario: &Scenario, model: &Model, result: &RunResult, elapsed_s: f64, dir: &Path) -> String {
    let mut s = String::new();
    let rate = result.iterations as f64 / elapsed_s.max(1e-9);
    let _ = writeln!(
        s,
        "{}: {} iterations, seed {}, {} threads, {:.2} s ({:.2} M iterations/s)\n",
        scenario.name,
        grouped(result.iterations as f64),
        result.seed,
        result.threads,
        elapsed_s,
        rate / 1e6
    );
    let _ = writeln!(
        s,
        "  {:<36} {:>16} {:>34} {:>10} {:>10}",
        "metric", "mean", "95% range (p2.5 – p97.5)", "P(> 0)", "P(claim)"
    );
    for (o, st) in model.outputs[..model.n_metrics].iter().zip(&result.outputs) {
        let r = summarise(st, o.claim);
        // Short form: no "(£1.2bn)" suffix inside the table.
        let short = |x: f64| show(&o.name, x);
        let range = format!("{} – {}", short(r.percentiles[0]), short(r.percentiles[6]));
        let claim = r.prob_meets_claim.map_or_else(String::new, |p| format!("{p:.3}"));
        let mean = short(r.mean);
        let _ = writeln!(
            s,
            "  {:<36} {:>16} {:>34} {:>10.3} {:>10}",
            label(&o.name),
            mean,
            range,
            r.prob_positive,
            claim
        );
    }
    let _ = writeln!(
        s,
        "\nWrote summary.csv, quantiles.csv, histogram.csv, breakdown.csv and run.csv to {}",
        dir.display()
    );
    s
}

/// The side-by-side table of `compare`.
pub fn compare_table(c: &cradle::compare::Comparison, elapsed_s: f64, dir: &Path) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} scenarios, {} iterations each on common random numbers, seed {}, {:.2} s\n",
        c.scenarios.len(),
        grouped(c.iterations as f64),
        c.seed,
        elapsed_s
    );
    for (k, metric) in c.metrics.iter().enumerate() {
        let _ = writeln!(s, "{}", label(metric));
        let _ = writeln!(
            s,
            "  {:<28} {:>16} {:>34} {:>9} {:>9} {:>30}",
            "scenario", "mean", "95% range", "P(claim)", "P(> 0)", "difference from first (95% CI)"
        );
        for (i, scenario) in c.scenarios.iter().enumerate() {
            let Some(stats) = &c.levels[i][k] else { continue };
            let r = summarise(stats, c.claims[i][k]);
            let short = |x: f64| show(metric, x);
            let claim = r.prob_meets_claim.map_or_else(String::new, |p| format!("{p:.3}"));
            let diff = c.differences[i][k].as_ref().map_or_else(String::new, |d| {
                let d = summarise(d, None);
                format!(
                    "{} ({} to {})",
                    short(d.mean),
                    short(d.mean_ci_low),
                    short(d.mean_ci_high)
                )
            });
            let range = format!("{} – {}", short(r.percentiles[0]), short(r.percentiles[6]));
            let _ = writeln!(
                s,
                "  {:<28} {:>16} {:>34} {:>9} {:>9.3} {:>30}",
                scenario,
                short(r.mean),
                range,
                claim,
                r.prob_positive,
                diff
            );
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(s, "Wrote compare.csv and compare_diff.csv to {}", dir.display());
    s
}

/// Rows of the EVPPI table shown; the rest are in evppi.csv.
const TOP_EVPPI: usize = 10;

/// At most this many characters of a parameter or group name in a table.
fn clip(name: &str, width: usize) -> String {
    if name.chars().count() <= width {
        name.to_string()
    } else {
        let mut s: String = name.chars().take(width - 1).collect();
        s.push('…');
        s
    }
}

/// The summary of `cradle voi`: the decision now, EVPI per cohort and over
/// the horizon, the top EVPPIs with their intervals and shares, and the
/// decision curve's switch point. Fits 80 columns.
pub fn voi_table(r: &cradle::voi::VoiResult, title: &str, written: &[std::path::PathBuf], dir: &Path) -> String {
    let mut s = String::new();
    let metric = r.metric.as_str();
    let value = |x: f64| show(metric, x);
    let e = &r.evpi;
    let _ = writeln!(
        s,
        "{title}
"
    );
    let fund = e.prob_best.get(1).copied().unwrap_or(f64::NAN);
    if e.options == 2 {
        let decision = if e.best_on_average == 1 { "fund" } else { "do not fund" };
        let _ = writeln!(
            s,
            "Decision now: {decision} (mean {}: {}; P({} > 0) = {fund:.3})",
            label(metric).to_lowercase(),
            value(e.mean_increment[1]),
            metric
        );
    } else {
        let _ = writeln!(
            s,
            "Decision now: option {} of {} ({} options: columns {})",
            e.best_on_average + 1,
            e.options,
            e.options,
            metric.replace(';', ", ")
        );
    }
    let _ = writeln!(
        s,
        "{:<22}{:>16}   95% CI {} to {}",
        "EVPI per cohort:",
        value(e.evpi.value),
        value(e.evpi.low()),
        value(e.evpi.high())
    );
    if let Some(p) = &r.population {
        let _ = writeln!(
            s,
            "{:<22}{:>16}   ({:.2} discounted cohorts, {})",
            format!("EVPI over {} years:", p.horizon),
            value(p.evpi.value),
            p.cohorts,
            clip(&p.schedule, 24)
        );
    }
    let mut rows = r.evppi_rows();
    rows.sort_by(|a, b| b.evppi.total_cmp(&a.evppi));
    let settled = e.evpi.value == 0.0 && e.prob_best.contains(&1.0);
    if settled {
        let _ = writeln!(
            s,
            "The same option is best in every draw: no information could change the\ndecision, so every value of information is 0 (evppi.csv lists each)."
        );
    }
    if !rows.is_empty() && !settled {
        let _ = writeln!(
            s,
            "\n  {:<20} {:>14}  {:^31}  {:>6}",
            "parameter or group", "EVPPI", "95% interval", "share"
        );
        for row in rows.iter().take(TOP_EVPPI) {
            let share = if row.share_of_evpi.is_finite() {
                format!("{:.1}%", 100.0 * row.share_of_evpi)
            } else {
                String::new()
            };
            let interval = format!("{} to {}", value(row.evppi_low), value(row.evppi_high));
            let _ = writeln!(
                s,
                "  {:<20} {:>14}  {:>31}  {:>6}",
                clip(&row.parameter_or_group, 20),
                value(row.evppi),
                interval,
                share
            );
        }
        if rows.len() > TOP_EVPPI {
            let _ = writeln!(s, "  ({} more in evppi.csv)", rows.len() - TOP_EVPPI);
        }
        let _ = write!(
            s,
            "  Single parameters: {} equal-probability bins each, cross-fitted",
            r.bins
        );
        if r.grouped.is_empty() {
            let _ = writeln!(s, ".");
        } else {
            let _ = writeln!(
                s,
                ";\n  groups: regression on the first {} draws.",
                grouped(r.regression_rows as f64)
            );
        }
    }
    if let Some(first) = r.sweep.first() {
        let _ = writeln!(
            s,
            "\nDecision curve over {} ({} values):",
            first.parameter,
            r.sweep.len()
        );
        let switch = r
            .sweep
            .windows(2)
            .find(|w| (w[0].mean_nb > 0.0) != (w[1].mean_nb > 0.0));
        match switch {
            Some(w) => {
                let _ = writeln!(
                    s,
                    "  mean {metric} changes sign between {} = {} and {}",
                    first.parameter, w[0].value, w[1].value
                );
            }
            None => {
                let _ = writeln!(s, "  mean {metric} keeps its sign over the whole grid");
            }
        }
        let most = r
            .sweep
            .iter()
            .max_by(|a, b| a.evpi.total_cmp(&b.evpi))
            .expect("not empty");
        let _ = writeln!(
            s,
            "  EVPI is largest, {}, at {} = {}\n  (where P({metric} > 0) = {:.3})",
            value(most.evpi),
            first.parameter,
            most.value,
            most.prob_positive
        );
    }
    let names: Vec<String> = written
        .iter()
        .filter_map(|p| p.file_name().map(|f| f.to_string_lossy().into_owned()))
        .collect();
    let _ = writeln!(s, "\nWrote {} to {}", names.join(", "), dir.display());
    s
}

/// Progress bar (after one second, on a terminal, unless quiet) and samples.csv
/// (or a shard's rows file).
pub struct RunObserver<S: RowSink = StagedFile> {
    bar: ProgressBar,
    start: Instant,
    show: bool,
    shown: bool,
    samples: Option<SampleWriter<S>>,
}

impl<S: RowSink> RunObserver<S> {
    pub fn new(quiet: bool, samples: Option<SampleWriter<S>>) -> RunObserver<S> {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {human_pos}/{human_len} iterations ({per_sec}, eta {eta})",
            )
            .expect("the template is valid"),
        );
        RunObserver {
            bar,
            start: Instant::now(),
            show: !quiet && std::io::stderr().is_terminal(),
            shown: false,
            samples,
        }
    }

    /// Clear the bar; hand back the samples writer to commit.
    pub fn finish(self) -> Option<SampleWriter<S>> {
        self.bar.finish_and_clear();
        self.samples
    }
}

impl<S: RowSink> Observer for RunObserver<S> {
    fn progress(&mut self, done: u64, total: u64) {
        self.bar.set_length(total);
        self.bar.set_position(done);
        if self.show && !self.shown && self.start.elapsed() > Duration::from_secs(1) && done < total {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown = true;
        }
    }

    fn samples(&mut self, block: &SampleBlock) -> cradle::Result<()> {
        match &mut self.samples {
            Some(w) => cradle::engine::Observer::samples(w, block),
            None => Ok(()),
        }
    }
}
