//! `cradle check SCENARIO`: validate a scenario and print its deterministic
//! base case.

use std::path::Path;

use cradle::Model;

use crate::terminal;

/// Run the command.
pub fn run(path: &Path) -> anyhow::Result<()> {
    let scenario = super::load(path)?;
    super::show_notes(&scenario, false);
    let model = Model::new(&scenario)?;
    terminal::print(&terminal::base_case_table(&scenario, &model))?;
    Ok(())
}
