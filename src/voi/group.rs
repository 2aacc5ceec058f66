//! A group of inputs whose EVPPI is estimated jointly (by regression): the
//! scenario's `[[group]]`s and `--group NAME=P1,P2,...` on the command line.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A named group of inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSpec {
    /// The group's name, as evppi.csv shows it.
    pub name: String,
    /// Its inputs (parameters or table columns), in the order given.
    pub parameters: Vec<String>,
}

impl GroupSpec {
    /// A group named after its inputs, joined by `+` (e.g. `x+y`).
    pub fn unnamed<S: AsRef<str>>(parameters: &[S]) -> GroupSpec {
        let parameters: Vec<String> = parameters.iter().map(|p| p.as_ref().to_string()).collect();
        GroupSpec {
            name: parameters.join("+"),
            parameters,
        }
    }

    /// Parse `NAME=P1,P2,...` (the form of `--group`). The name and every
    /// input must be non-empty, and no input may be named twice.
    pub fn parse(text: &str) -> Result<GroupSpec> {
        let bad = |why: &str| {
            Error::Config(format!(
                "--group expects NAME=P1,P2,... (e.g. --group attachment=d_att,impl), got '{text}': {why}"
            ))
        };
        let (name, list) = text.split_once('=').ok_or_else(|| bad("no '='"))?;
        let name = name.trim();
        if name.is_empty() {
            return Err(bad("the name before '=' is empty"));
        }
        let parameters: Vec<String> = list.split(',').map(|p| p.trim().to_string()).collect();
        if parameters.iter().any(String::is_empty) {
            return Err(bad("an empty parameter name"));
        }
        for (i, p) in parameters.iter().enumerate() {
            if parameters[..i].contains(p) {
                return Err(bad(&format!("'{p}' is named twice")));
            }
        }
        Ok(GroupSpec {
            name: name.to_string(),
            parameters,
        })
    }

    /// The inputs joined by `+`, for manifests.
    pub fn members(&self) -> String {
        self.parameters.join("+")
    }
}

/// Check that group names are distinct across `groups` (the scenario's and
/// the command line's together).
pub(crate) fn check_distinct(groups: &[GroupSpec]) -> Result<()> {
    for (i, g) in groups.iter().enumerate() {
        if groups[..i].iter().any(|h| h.name == g.name) {
            return Err(Error::Config(format!(
                "--group: the group name '{}' is used twice (a scenario [[group]] or another --group has it); pick another name",
                g.name
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_name_and_members() {
        let g = GroupSpec::parse("effect = d_att, impl").unwrap();
        assert_eq!(g.name, "effect");
        assert_eq!(g.parameters, ["d_att", "impl"]);
        assert_eq!(g.members(), "d_att+impl");
        assert_eq!(GroupSpec::parse("one=x").unwrap().parameters, ["x"]);
        assert_eq!(GroupSpec::unnamed(&["x", "y"]).name, "x+y");
    }

    #[test]
    fn bad_forms_name_the_flag_and_the_form() {
        for (text, why) in [
            ("d_att,impl", "no '='"),
            ("=a,b", "name before '=' is empty"),
            ("g=a,,b", "empty parameter name"),
            ("g=", "empty parameter name"),
            ("g=a,b,a", "'a' is named twice"),
        ] {
            let e = GroupSpec::parse(text).unwrap_err().to_string();
            assert!(e.starts_with("--group expects NAME=P1,P2,..."), "{e}");
            assert!(e.contains(why), "{text}: {e}");
        }
        let twice = [GroupSpec::unnamed(&["a"]), GroupSpec::unnamed(&["a"])];
        assert!(check_distinct(&twice).unwrap_err().to_string().contains("used twice"));
    }
}
