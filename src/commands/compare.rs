//! `cradle compare SCENARIO...`: several scenarios side by side on common
//! random numbers.

use std::path::PathBuf;
use std::time::Instant;

use cradle::compare::compare_on;
use cradle::engine::RunConfig;
use cradle::output;
use cradle::output::comparison::COMPARISON_FILES;
use cradle::{Error, Model, Scenario};

use crate::cli::CompareArgs;
use crate::terminal;

/// Run the command.
pub fn run(args: CompareArgs) -> anyhow::Result<()> {
    let scenarios: Vec<Scenario> = args
        .scenarios
        .iter()
        .map(|p| super::load(p))
        .collect::<anyhow::Result<_>>()?;
    for scenario in &scenarios {
        super::show_notes(scenario, args.quiet);
    }
    let models: Vec<Model> = scenarios.iter().map(Model::new).collect::<cradle::Result<_>>()?;
    let labelled: Vec<(String, &Model)> = scenarios.iter().map(Scenario::label).zip(&models).collect();
    let config = RunConfig {
        iterations: args.iterations.unwrap_or(scenarios[0].settings.iterations),
        seed: args.seed.unwrap_or(scenarios[0].settings.seed),
        threads: args.threads,
        keep_samples: false,
        ..RunConfig::default()
    };
    if config.iterations == 0 {
        return Err(Error::Config("-n/--iterations must be at least 1".into()).into());
    }
    let out_dir = args.out.clone().unwrap_or_else(|| PathBuf::from("out").join("compare"));
    let pool = super::pool(args.threads)?;
    let mut set = super::open_set(&out_dir, &COMPARISON_FILES)?;
    let start = Instant::now();
    let comparison = compare_on(&labelled, &config, &pool)?;
    output::comparison::write_comparison(&mut set, &comparison)?;
    set.commit()?;
    if !args.quiet {
        terminal::print(&terminal::compare_table(
            &comparison,
            start.elapsed().as_secs_f64(),
            &out_dir,
        ))?;
    }
    Ok(())
}
