//! How `[[correlation]]` and `[[group]]` inherit through `extends` (issue 9,
//! item 21): a child's pair replaces the parent's, rank 0 removes it, a child
//! that fixes a parameter drops its correlations and group membership with a
//! note, groups replace by name; and every error is reported once.

mod common;

use std::path::Path;

use assert_cmd::Command;
use cradle::Scenario;
use predicates::prelude::*;

const PARENT: &str = r#"
[parameters]
a = { dist = "normal", mean = 0, sd = 1, source = "test" }
b = { dist = "normal", mean = 0, sd = 1, source = "test" }
c = { dist = "normal", mean = 0, sd = 1, source = "test" }
d = { dist = "normal", mean = 0, sd = 1, source = "test" }
[metrics]
y = "a + b + c + d"
[[group]]
name = "g"
parameters = ["a", "b", "c"]
[[correlation]]
parameters = ["a", "b", "c"]
matrix = [[1, 0.4, 0.2], [0.4, 1, 0.3], [0.2, 0.3, 1]]
"#;

/// Write the parent and a child that extends it with `child`; load the child.
fn child(dir: &Path, name: &str, child: &str) -> Result<Scenario, cradle::Error> {
    common::write(dir, "parent.toml", PARENT);
    let path = common::write(dir, name, &format!("[scenario]\nextends = \"parent.toml\"\n{child}"));
    Scenario::load(path)
}

/// The target rank correlation of (x, y), 0 if neither is correlated.
fn rank(s: &Scenario, x: &str, y: &str) -> f64 {
    let Some(t) = &s.correlation else { return 0.0 };
    let at = |n: &str| t.parameters.iter().position(|p| p == n);
    match (at(x), at(y)) {
        (Some(i), Some(j)) => t.matrix[i][j],
        _ => 0.0,
    }
}

fn cradle() -> Command {
    let mut c = Command::cargo_bin("cradle").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

#[test]
fn a_childs_pair_replaces_the_parents_and_leaves_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let s = child(
        dir.path(),
        "c.toml",
        "[[correlation]]\nparameters = [\"c\", \"a\"]\nrank = -0.5\n",
    )
    .unwrap();
    assert_eq!(rank(&s, "a", "c"), -0.5);
    assert_eq!(rank(&s, "c", "a"), -0.5);
    assert_eq!((rank(&s, "a", "b"), rank(&s, "b", "c")), (0.4, 0.3));
    let t = s.correlation.as_ref().unwrap();
    let (i, j) = (0, t.parameters.iter().position(|p| p == "c").unwrap());
    assert!(t.sources[i][j].as_ref().unwrap().file.ends_with("c.toml"));
    assert!(s.notes.is_empty());
}

#[test]
fn issue_21_a_childs_rank_0_removes_the_parents_correlation() {
    // Before the fix this was a conflict with the parent, reported twice.
    let dir = tempfile::tempdir().unwrap();
    let s = child(
        dir.path(),
        "c.toml",
        "[[correlation]]\nparameters = [\"a\", \"b\"]\nrank = 0\n",
    )
    .unwrap();
    assert_eq!(rank(&s, "a", "b"), 0.0);
    assert_eq!((rank(&s, "a", "c"), rank(&s, "b", "c")), (0.2, 0.3));
    // Removing every pair leaves no correlation at all.
    let s = child(
        dir.path(),
        "none.toml",
        "[[correlation]]\nparameters = [\"a\", \"b\", \"c\"]\nmatrix = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]\n",
    )
    .unwrap();
    assert!(s.correlation.is_none());
}

#[test]
fn issue_21_a_child_that_fixes_a_parameter_drops_its_correlations_with_a_note() {
    // Before the fix: "only uncertain parameters can be correlated" (and grouped).
    let dir = tempfile::tempdir().unwrap();
    let s = child(
        dir.path(),
        "c.toml",
        "[parameters]\nb = { dist = \"fixed\", value = 0, source = \"test\" }\n",
    )
    .unwrap();
    let t = s.correlation.as_ref().unwrap();
    assert_eq!(t.parameters, ["a", "c"]);
    assert_eq!(rank(&s, "a", "c"), 0.2);
    assert_eq!(s.groups[0].parameters, ["a", "c"]);
    assert_eq!(s.notes.len(), 3, "{:?}", s.notes);
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("'b' is fixed at") && n.contains("with 'a' (0.4 at"))
    );
    assert!(s.notes.iter().any(|n| n.contains("with 'c' (0.3 at")));
    assert!(s.notes.iter().any(|n| n.contains("dropped from group 'g'")));
    // The commands show the notes, unless --quiet.
    let path = dir.path().join("c.toml");
    cradle()
        .arg("check")
        .arg(&path)
        .assert()
        .success()
        .stderr(predicate::str::contains("note: 'b' is fixed at"));
    cradle()
        .args(["run", "-n", "2000", "--quiet", "-o"])
        .arg(dir.path().join("o"))
        .arg(&path)
        .assert()
        .success()
        .stderr(predicate::str::contains("note:").not());
}

#[test]
fn fixing_in_a_grandchild_also_drops_and_a_group_left_empty_goes() {
    let dir = tempfile::tempdir().unwrap();
    child(
        dir.path(),
        "middle.toml",
        "[[group]]\nname = \"h\"\nparameters = [\"d\"]\n",
    )
    .unwrap();
    let path = common::write(
        dir.path(),
        "last.toml",
        "[scenario]\nextends = \"middle.toml\"\n[parameters]\na = 1\nd = 2\n",
    );
    let s = Scenario::load(path).unwrap();
    assert_eq!(rank(&s, "b", "c"), 0.3);
    assert_eq!(s.correlation.as_ref().unwrap().parameters, ["b", "c"]);
    let names: Vec<&str> = s.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["g"]);
    assert_eq!(s.groups[0].parameters, ["b", "c"]);
    assert!(
        s.notes.iter().any(|n| n.contains("group 'h'") && n.contains("dropped")),
        "{:?}",
        s.notes
    );
}

#[test]
fn correlating_or_grouping_a_parameter_fixed_in_the_same_file_or_an_ancestor_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    // The same file.
    let same = PARENT.replace(
        "b = { dist = \"normal\", mean = 0, sd = 1, source = \"test\" }",
        "b = 1",
    );
    let e = Scenario::load(common::write(dir.path(), "same.toml", &same))
        .unwrap_err()
        .to_string();
    assert_eq!(
        e.matches("only uncertain parameters can be correlated").count(),
        1,
        "{e}"
    );
    assert_eq!(e.matches("only uncertain parameters can be grouped").count(), 1, "{e}");
    // A child that correlates a parameter its parent fixed.
    let without_relations = same.split("[[group]]").next().unwrap();
    common::write(dir.path(), "fixed.toml", without_relations);
    let path = common::write(
        dir.path(),
        "child.toml",
        "[scenario]\nextends = \"fixed.toml\"\n[[correlation]]\nparameters = [\"a\", \"b\"]\nrank = 0.5\n",
    );
    let e = Scenario::load(path).unwrap_err().to_string();
    assert!(e.contains("child.toml:3") && e.contains("'b' is fixed (at"), "{e}");
    // Rank 0 on a fixed parameter asks for nothing and is accepted.
    let path = common::write(
        dir.path(),
        "zero.toml",
        "[scenario]\nextends = \"fixed.toml\"\n[[correlation]]\nparameters = [\"a\", \"b\"]\nrank = 0\n",
    );
    assert!(Scenario::load(path).unwrap().correlation.is_none());
}

#[test]
fn a_pair_given_twice_in_one_file_is_one_error() {
    // Before the fix the conflict was reported once per orientation.
    let dir = tempfile::tempdir().unwrap();
    let e = child(
        dir.path(),
        "c.toml",
        "[[correlation]]\nparameters = [\"a\", \"b\"]\nrank = 0.5\n[[correlation]]\nparameters = [\"b\", \"a\"]\nrank = 0.6\n",
    )
    .unwrap_err()
    .to_string();
    assert_eq!(e.matches("is given").count(), 1, "{e}");
    assert!(
        e.contains("c.toml:6: correlation: the pair (b, a) is given 0.6 here but 0.5 at"),
        "{e}"
    );
    let e = child(
        dir.path(),
        "d.toml",
        "[[correlation]]\nparameters = [\"a\", \"b\", \"a\"]\nmatrix = [[1, 0.1, 0.1], [0.1, 1, 0.1], [0.1, 0.1, 1]]\n",
    )
    .unwrap_err()
    .to_string();
    assert_eq!(e.matches("listed twice").count(), 1, "{e}");
}

#[test]
fn groups_replace_by_name_and_a_child_may_add_or_remove_one() {
    let dir = tempfile::tempdir().unwrap();
    // Replace: the same name, new members (d joins, and may then be correlated).
    let s = child(
        dir.path(),
        "replace.toml",
        "[[group]]\nname = \"g\"\nparameters = [\"a\", \"b\", \"c\", \"d\"]\n[[correlation]]\nparameters = [\"d\", \"a\"]\nrank = 0.1\n",
    )
    .unwrap();
    assert_eq!(s.groups.len(), 1);
    assert_eq!(s.groups[0].parameters, ["a", "b", "c", "d"]);
    assert_eq!(rank(&s, "a", "d"), 0.1);
    // Add: a new name.
    let s = child(
        dir.path(),
        "add.toml",
        "[[group]]\nname = \"h\"\nparameters = [\"d\"]\n",
    )
    .unwrap();
    let names: Vec<&str> = s.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["g", "h"]);
    // Remove: an empty list under the parent's name.
    let s = child(dir.path(), "remove.toml", "[[group]]\nname = \"g\"\nparameters = []\n").unwrap();
    assert!(s.groups.is_empty());
    // An empty list that names no inherited group is an error.
    let e = child(dir.path(), "empty.toml", "[[group]]\nname = \"k\"\nparameters = []\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("group.k") && e.contains("at least one parameter"), "{e}");
    // A name written twice in one file is an error, not a silent replacement.
    let e = child(
        dir.path(),
        "twice.toml",
        "[[group]]\nname = \"h\"\nparameters = [\"d\"]\n[[group]]\nname = \"h\"\nparameters = [\"a\"]\n",
    )
    .unwrap_err()
    .to_string();
    assert_eq!(e.matches("defined twice").count(), 1, "{e}");
    let e = child(
        dir.path(),
        "twice_g.toml",
        "[[group]]\nname = \"g\"\nparameters = [\"a\", \"b\", \"c\"]\n[[group]]\nname = \"g\"\nparameters = [\"d\"]\n",
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("twice_g.toml:6: group.g: the group is defined twice (also at"),
        "{e}"
    );
}

#[test]
fn a_childs_correlation_must_respect_inherited_groups() {
    let dir = tempfile::tempdir().unwrap();
    let e = child(
        dir.path(),
        "c.toml",
        "[[correlation]]\nparameters = [\"c\", \"d\"]\nrank = 0.2\n",
    )
    .unwrap_err()
    .to_string();
    assert_eq!(e.matches("one block").count(), 1, "{e}");
    assert!(e.contains("c.toml:3") && e.contains("add 'd' to group 'g'"), "{e}");
}
