//! cradle: a Monte Carlo sensitivity engine for lifetime-savings claims.
//!
//! An economist writes a claim of the form "reach × lifetime value per child"
//! as a scenario file, with every uncertain input a distribution with a
//! source; cradle runs it millions of times, deterministically and in
//! parallel, and reports what the claim rests on.
//!
//! Data flows one way:
//!
//! ```text
//! Scenario -> design (points in [0,1)^k per chunk) -> Dist::sample / quantile -> Model::evaluate
//!          -> accumulators (Moments, Sketch) -> Summary / sensitivity -> CSV
//! ```
//!
//! and the modules are layered the same way (ARCHITECTURE.md; a test keeps
//! every import pointing down). One function per analysis, each on a rayon
//! pool its caller builds ([`engine::thread_pool`]), none of them printing:
//!
//! - check: [`Model::new`] (compile, and refuse a non-finite base case) then
//!   [`Model::base_case`];
//! - run: [`engine::run_on`], written by [`output::write_run`];
//! - sensitivity: [`sensitivity::analyse`], written by
//!   [`output::sensitivity::write_sensitivity`];
//! - compare: [`compare::compare_on`], written by
//!   [`output::comparison::write_comparison`];
//! - value of information: [`voi::analyse`] (or [`voi::analyse_given`] for a
//!   table of draws), written by [`output::voi::write_voi`].
//! - report: [`report::analyse`] (all of the above on one pool), rendered and
//!   written by [`report::write_report`] (report.html, report.md,
//!   figures/*.svg and every CSV above).
//!
//! Each command's files are one [`output::OutputSet`]: opened and locked on
//! the output directory before the work, committed after it, all or nothing.
//!
//! ```
//! use cradle::{Model, RunConfig, Scenario, engine};
//! # let dir = tempfile::tempdir().unwrap();
//! # let path = dir.path().join("s.toml");
//! # std::fs::write(&path, r#"
//! # [parameters]
//! # effect = { dist = "uniform", min = 0.1, max = 0.3 }
//! # [[domain]]
//! # name = "care"
//! # effect = "effect"
//! # annual_cost = 75000
//! # ages = [5, 8]
//! # [programme]
//! # reach = 28800
//! # cost_per_family = 2500
//! # "#).unwrap();
//! let scenario = Scenario::load(&path)?;
//! let model = Model::compile(&scenario);
//! let config = RunConfig { iterations: 10_000, seed: 1, threads: Some(1), keep_samples: false, ..RunConfig::default() };
//! let result = engine::run(&model, &config, &mut engine::Silent)?;
//! let value_per_child = &result.outputs[0].moments;
//! assert!(value_per_child.mean > 0.0);
//! # Ok::<(), cradle::Error>(())
//! ```

pub mod chunk;
pub mod compare;
pub mod discount;
pub mod dist;
pub mod engine;
mod error;
pub mod expr;
pub mod model;
pub mod output;
pub mod report;
pub mod sampling;
pub mod scenario;
pub mod sensitivity;
pub mod shard;
pub mod special;
pub mod stats;
pub mod voi;

pub use dist::Dist;
pub use engine::{RunConfig, RunResult};
pub use error::{Error, Location, Result};
pub use model::Model;
pub use scenario::Scenario;
