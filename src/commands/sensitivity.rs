//! `cradle sensitivity SCENARIO --method ...`: which inputs drive a metric.

use std::time::Instant;

use cradle::output::sensitivity::{SENSITIVITY_FILES, write_sensitivity};
use cradle::sensitivity::{self, SensitivityConfig};
use cradle::{Error, Model};

use crate::cli::SensitivityArgs;
use crate::terminal;

/// `--range LO,HI` in percentiles, 0 < LO < HI < 100.
fn parse_range(text: &str) -> Result<(f64, f64), Error> {
    let bad = || {
        Error::Config(format!(
            "--range expects LO,HI percentiles with 0 < LO < HI < 100, got '{text}'"
        ))
    };
    let (lo, hi) = text.split_once(',').ok_or_else(bad)?;
    let (lo, hi): (f64, f64) = (
        lo.trim().parse().map_err(|_| bad())?,
        hi.trim().parse().map_err(|_| bad())?,
    );
    if !(0.0 < lo && lo < hi && hi < 100.0) {
        return Err(bad());
    }
    Ok((lo, hi))
}

/// A method's name on the progress bar.
pub fn method_name(method: sensitivity::Method) -> &'static str {
    match method {
        sensitivity::Method::Tornado => "tornado",
        sensitivity::Method::Threshold => "switching values",
        sensitivity::Method::Sobol => "Sobol indices",
        sensitivity::Method::Prcc => "PRCC",
        sensitivity::Method::Morris => "Morris",
        sensitivity::Method::All => "sensitivity",
    }
}

/// Run the command.
pub fn run(args: SensitivityArgs) -> anyhow::Result<()> {
    let scenario = super::load(&args.scenario)?;
    super::show_notes(&scenario, args.quiet);
    let model = Model::new(&scenario)?;
    let config = SensitivityConfig {
        method: args.method.into(),
        metrics: args.metrics.clone(),
        samples: args.iterations,
        seed: args.seed.unwrap_or(scenario.settings.seed),
        range: parse_range(&args.range)?,
        second_order: args.second_order,
        bootstrap: args.bootstrap,
        trajectories: args.trajectories,
        levels: args.levels,
    };
    // Every size is checked before the output directory is touched.
    config.validate(&model)?;
    let pool = super::pool(args.threads)?;
    let out_dir = args.out.clone().unwrap_or_else(|| super::default_out(&args.scenario));
    let mut set = super::open_set(&out_dir, &SENSITIVITY_FILES)?;
    let start = Instant::now();
    let mut progress = terminal::Progress::new(args.quiet);
    let result = sensitivity::analyse_with(&scenario, &model, &config, &pool, &mut |method, done, total| {
        let counting = if method == sensitivity::Method::Prcc {
            terminal::progress::Counting::Iterations
        } else {
            terminal::progress::Counting::Steps
        };
        progress.update(method_name(method), counting, done, total);
    });
    progress.finish();
    let result = result?;
    if !args.quiet {
        for note in &result.notes {
            terminal::note(note);
        }
    }
    for warning in &result.warnings {
        terminal::warn(warning);
    }
    write_sensitivity(&mut set, &scenario, &config, &result, start.elapsed().as_secs_f64())?;
    let written = set.commit()?;
    if !args.quiet {
        let mut text = terminal::sensitivity::tables(&scenario, &result, config.range);
        text.push_str(&terminal::wrote(&out_dir, &written));
        terminal::print(&text)?;
    }
    Ok(())
}
