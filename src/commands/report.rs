//! `cradle report SCENARIO [--compare VARIANT.toml ...]`: the whole stress
//! test of a claim in one command: report.html, report.md, figures/*.svg and
//! every CSV of `run`, `sensitivity` and `compare`, in one directory.

use std::path::Path;
use std::time::Instant;

use cradle::output::RunInfo;
use cradle::report::{self, Report, ReportConfig, ReportInfo, Stage};
use cradle::sensitivity::Method;
use cradle::{Model, Scenario};

use crate::cli::ReportArgs;
use crate::terminal::{self, progress::Counting};

/// The command line as it would be typed again: `cradle` and each argument,
/// quoted for a POSIX shell where it needs it.
pub fn command_line(args: impl IntoIterator<Item = String>) -> String {
    let quote = |a: &str| {
        let plain = !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=,:+@%".contains(c));
        if plain {
            a.to_string()
        } else {
            format!("'{}'", a.replace('\'', r"'\''"))
        }
    };
    let mut words = vec!["cradle".to_string()];
    words.extend(args.into_iter().skip(1).map(|a| quote(&a)));
    words.join(" ")
}

/// Now, in UTC, to the second (RFC 3339).
fn now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now())
        .to_string()
        .replace('T', " ")
        .replace('Z', " UTC")
}

/// Run the command.
pub fn run(args: ReportArgs) -> anyhow::Result<()> {
    let scenario = super::load(&args.scenario)?;
    super::show_notes(&scenario, args.quiet);
    let variants: Vec<Scenario> = args
        .compare
        .iter()
        .map(|p| super::load(p))
        .collect::<anyhow::Result<_>>()?;
    for v in &variants {
        super::show_notes(v, args.quiet);
    }
    let model = Model::new(&scenario)?;
    let variant_models: Vec<Model> = variants.iter().map(Model::new).collect::<cradle::Result<_>>()?;
    let mut config = ReportConfig::for_scenario(&scenario);
    if let Some(n) = args.iterations {
        config.iterations = n;
    }
    if let Some(s) = args.seed {
        config.seed = s;
    }
    if let Some(s) = args.sampler {
        config.sampler = s.into();
    }
    if let Some(n) = args.sobol_samples {
        config.sobol_samples = n;
    }
    if let Some(n) = args.prcc_iterations {
        config.prcc_iterations = n;
    }
    config.bootstrap = args.bootstrap;
    config.metric = args.metric.clone();
    if let Some(h) = args.horizon {
        config.horizon = (h > 0).then_some(h);
    }
    // Every argument is checked before the output directory is touched.
    let sobol_n = config.validate(&scenario, &model)?;
    if sobol_n != config.sobol_samples && !args.quiet {
        terminal::note(&format!(
            "Sobol base sample size rounded up from {} to {sobol_n} (a power of two keeps the Sobol points balanced)",
            config.sobol_samples
        ));
    }
    config.sobol_samples = sobol_n;

    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| super::default_out(&args.scenario).join("report"));
    let pool = super::pool(args.threads)?;
    let names = report::report_files(&model);
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut set = super::open_set(&out_dir, &names)?;

    let start = Instant::now();
    let pairs: Vec<(&Scenario, &Model)> = variants.iter().zip(&variant_models).collect();
    let mut progress = terminal::Progress::new(args.quiet);
    let analyses = report::analyse(&scenario, &model, &pairs, &config, &pool, &mut |stage, done, total| {
        let counting = match stage {
            Stage::Run | Stage::Voi | Stage::Compare | Stage::Sensitivity(Method::Prcc) => Counting::Iterations,
            Stage::Sensitivity(_) => Counting::Steps,
        };
        progress.update(stage.name(), counting, done, total);
    });
    progress.finish();
    let analyses = analyses?;
    let (voi_notes, voi_warnings) = analyses
        .voi
        .as_ref()
        .map_or((&[][..], &[][..]), |v| (&v.result.notes[..], &v.result.warnings[..]));
    if !args.quiet {
        for note in analyses.sensitivity.notes.iter().chain(voi_notes) {
            terminal::note(note);
        }
    }
    for warning in analyses
        .run
        .warnings
        .iter()
        .chain(&analyses.sensitivity.warnings)
        .chain(voi_warnings)
    {
        terminal::warn(warning);
    }
    let variant_refs: Vec<&Scenario> = variants.iter().collect();
    let info = ReportInfo {
        command_line: command_line(std::env::args()),
        date: now(),
    };
    let page = Report {
        scenario: &scenario,
        model: &model,
        variants: &variant_refs,
        config: &config,
        analyses: &analyses,
        info: &info,
    };
    let run_info = RunInfo {
        sampler: config.sampler.name().into(),
        precision: None,
        iterations_cap: config.iterations,
        elapsed_s: analyses.elapsed_s[0],
        samples: false,
        shards: 1,
        hosts: vec![super::host()],
        shard_elapsed_s_total: None,
    };
    report::write_report(&mut set, &page, &run_info)?;
    let written = set.commit()?;
    if !args.quiet {
        terminal::print(&summary(&page, &out_dir, &written, start.elapsed().as_secs_f64()))?;
    }
    Ok(())
}

/// What the terminal shows at the end: the verdict and where the files are.
fn summary(page: &Report<'_>, dir: &Path, written: &[std::path::PathBuf], elapsed_s: f64) -> String {
    let a = page.analyses;
    let mut text = terminal::wrap(
        &format!(
            "{}: report in {:.1} s (run {} iterations, Sobol N = {}, PRCC {} iterations{}).",
            page.scenario.name,
            elapsed_s,
            cradle::report::format::grouped(a.run.iterations as f64, 0),
            cradle::report::format::grouped(page.config.sobol_samples as f64, 0),
            cradle::report::format::grouped(page.config.prcc_iterations as f64, 0),
            a.comparison
                .as_ref()
                .map_or_else(String::new, |c| format!(", {} scenarios compared", c.scenarios.len()))
        ),
        0,
    );
    let k = page.metric_index();
    let label = page.label(&a.metric);
    let stats = &a.run.outputs[k];
    let row = cradle::stats::summarise(stats, page.model.outputs[k].claim);
    let v = cradle::report::page::show_all(&label, &[row.mean, row.percentiles[0], row.percentiles[6]]);
    let mut verdict = format!("{}: mean {}, 95% range {} to {}", label.label, v[0], v[1], v[2]);
    if let (Some(p), Some(c)) = (row.prob_meets_claim, page.model.outputs[k].claim) {
        verdict.push_str(&format!(
            "; P(≥ {}) = {}",
            cradle::report::page::show(&label, c),
            cradle::report::format::probability(p)
        ));
    }
    text.push_str(&terminal::wrap(&format!("{verdict}."), 2));
    if let Some(v) = &a.voi {
        let net = page.label(&v.result.metric);
        let e = &v.result.evpi;
        let mut line = format!(
            "Value of information: EVPI {} per cohort",
            cradle::report::page::show(&net, e.evpi.value)
        );
        if let Some(p) = &v.result.population {
            line.push_str(&format!(
                ", {} over {} years",
                cradle::report::page::show(&net, p.evpi.value),
                p.horizon
            ));
        }
        text.push_str(&terminal::wrap(&format!("{line}."), 2));
    }
    text.push_str(&terminal::wrap(
        &format!(
            "Open {} in a browser; report.md has the same findings.",
            dir.join(report::REPORT_HTML).display()
        ),
        2,
    ));
    text.push_str(&terminal::wrote(dir, written));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_quoted_for_a_shell() {
        let args = ["target/release/cradle", "report", "a b.toml", "--seed", "1", "it's"];
        assert_eq!(
            command_line(args.iter().map(|s| s.to_string())),
            r"cradle report 'a b.toml' --seed 1 'it'\''s'"
        );
    }
}
