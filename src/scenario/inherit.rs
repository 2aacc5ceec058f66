//! `[scenario] extends = "parent.toml"`: load the parent first (recursively),
//! then apply the child on top of it.
//!
//! Rules (README.md#inheritance): a `[parameters]` entry replaces
//! the parent's parameter of the same name whole; `[derived]`, `[metrics]` and
//! `[claim]` entries replace by name; `[[domain]]` entries replace the
//! parent's domain with the same `name` whole, or add one; `[settings]`,
//! `[discounting]`, `[programme]` and `[scenario]` keys replace key by key.
//!
//! `[[group]]` entries, like domains, replace the parent's group with the
//! same `name` whole, or add one; a child's group with `parameters = []`
//! removes the parent's group of that name. `[[correlation]]` entries are
//! appended, the child's after the parent's, and `read` combines them pair
//! by pair, a later file's pair over an earlier one's (README, "Inheritance").

use std::path::{Path, PathBuf};

use super::document::{self, Item, Table, Value};
use crate::error::{Error, Location};

/// A name a child scenario added to `[parameters]` or `[derived]` that its
/// parent lacks: allowed only if something in the merged scenario uses it.
#[derive(Debug, Clone)]
pub struct Introduced {
    /// The section (`parameters` or `derived`).
    pub section: &'static str,
    /// The new name.
    pub name: String,
    /// Where the child wrote it.
    pub at: Location,
    /// The parent's names in that section, for a "did you mean" hint.
    pub parent_names: Vec<String>,
}

/// The merged document of a scenario and all its ancestors.
#[derive(Debug)]
pub struct Merged {
    /// The merged tree.
    pub table: Table,
    /// The files read, the scenario first, then its parent, and so on.
    pub files: Vec<PathBuf>,
    /// The text of each file in `files`, as read (hashed into the scenario's SHA-256).
    pub texts: Vec<String>,
    /// Names added by children that their parents lack.
    pub introduced: Vec<Introduced>,
}

/// Load `path`, following `extends` links.
pub fn load(path: &Path) -> Result<Merged, Error> {
    let mut stack = Vec::new();
    load_inner(path, &mut stack)
}

fn load_inner(path: &Path, stack: &mut Vec<PathBuf>) -> Result<Merged, Error> {
    let (mut table, text) = document::read(path)?;
    let identity = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    stack.push(identity);
    let extends = table.get("scenario").and_then(|s| match &s.value {
        Value::Table(t) => t.get("extends").cloned(),
        _ => None,
    });
    if let Some(Value::Table(s)) = table.get("scenario").map(|i| i.value.clone()) {
        let mut s = s;
        s.remove("extends");
        let item = table.get("scenario").expect("checked above").clone();
        table.set(
            "scenario",
            Item {
                value: Value::Table(s),
                ..item
            },
        );
    }
    let Some(extends) = extends else {
        return Ok(Merged {
            table,
            files: vec![path.to_path_buf()],
            texts: vec![text],
            introduced: Vec::new(),
        });
    };
    let Value::Str(parent_name) = &extends.value else {
        return Err(Error::Invalid {
            at: extends.location(),
            key: "scenario.extends".into(),
            message: format!("expected a file name (a string), found {}", extends.type_name()),
        });
    };
    let parent_path = path.parent().unwrap_or(Path::new("")).join(parent_name);
    let parent_identity = std::fs::canonicalize(&parent_path).unwrap_or_else(|_| parent_path.clone());
    if let Some(i) = stack.iter().position(|p| *p == parent_identity) {
        let mut chain: Vec<String> = stack[i..].iter().map(|p| p.display().to_string()).collect();
        chain.push(parent_identity.display().to_string());
        return Err(Error::Invalid {
            at: extends.location(),
            key: "scenario.extends".into(),
            message: format!("extends loop: {}", chain.join(" -> ")),
        });
    }
    if !parent_path.is_file() {
        // Say what is there instead: "does not exist" for a directory or a
        // device sends the user looking for a file that is there.
        let what = match std::fs::metadata(&parent_path) {
            Err(_) => "does not exist",
            Ok(m) if m.is_dir() => "is a directory, not a scenario file",
            Ok(_) => "is not a regular file (a device, pipe or socket)",
        };
        // The path is shown with the name clipped, like every echoed value:
        // a megabyte-long `extends` must not become a megabyte of message.
        let shown = path
            .parent()
            .unwrap_or(Path::new(""))
            .join(super::read::clip(parent_name));
        return Err(Error::Invalid {
            at: extends.location(),
            key: "scenario.extends".into(),
            message: format!(
                "parent scenario \"{}\" {what} (looked for {}); give the path of a .toml file, relative to this file",
                super::read::clip(parent_name),
                shown.display()
            ),
        });
    }
    let mut parent = load_inner(&parent_path, stack)?;
    stack.pop();
    let mut introduced = std::mem::take(&mut parent.introduced);
    let merged = merge(parent.table, table, &mut introduced);
    let mut files = vec![path.to_path_buf()];
    files.extend(parent.files);
    let mut texts = vec![text];
    texts.extend(parent.texts);
    Ok(Merged {
        table: merged,
        files,
        texts,
        introduced,
    })
}

fn merge(mut parent: Table, child: Table, introduced: &mut Vec<Introduced>) -> Table {
    for (section, item) in child.entries {
        let existing = parent.get(&section).cloned();
        let merged = match (section.as_str(), existing) {
            ("parameters" | "derived", Some(old)) => {
                let kind = if section == "parameters" {
                    "parameters"
                } else {
                    "derived"
                };
                merge_by_name(old, item, Some((kind, introduced)))
            }
            ("metrics" | "claim", Some(old)) => merge_by_name(old, item, None),
            ("scenario" | "settings" | "discounting" | "programme", Some(old)) => merge_by_name(old, item, None),
            ("domain", Some(old)) => merge_named(old, item, false),
            ("group", Some(old)) => merge_named(old, item, true),
            ("correlation", Some(old)) => append(old, item),
            (_, _) => item,
        };
        parent.set(&section, merged);
    }
    parent
}

/// Replace or add entries of a table key by key.
fn merge_by_name(old: Item, new: Item, track: Option<(&'static str, &mut Vec<Introduced>)>) -> Item {
    let (Value::Table(mut old_table), Value::Table(new_table)) = (old.value.clone(), new.value.clone()) else {
        return new;
    };
    let parent_names: Vec<String> = old_table.entries.iter().map(|(k, _)| k.clone()).collect();
    let mut track = track;
    for (key, value) in new_table.entries {
        if old_table.get(&key).is_none()
            && let Some((section, list)) = track.as_mut()
        {
            list.push(Introduced {
                section,
                name: key.clone(),
                at: value.location(),
                parent_names: parent_names.clone(),
            });
        }
        old_table.set(&key, value);
    }
    Item {
        value: Value::Table(old_table),
        ..old
    }
}

/// The `name` of a `[[domain]]` or `[[group]]` entry.
fn entry_name(item: &Item) -> Option<String> {
    match &item.value {
        Value::Table(t) => match t.get("name").map(|n| &n.value) {
            Some(Value::Str(s)) => Some(s.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// Whether a `[[group]]` entry has `parameters = []`.
fn lists_no_parameters(item: &Item) -> bool {
    match &item.value {
        Value::Table(t) => matches!(t.get("parameters").map(|p| &p.value), Some(Value::Array(a)) if a.is_empty()),
        _ => false,
    }
}

/// Apply a child's array of named tables to the parent's: an entry replaces
/// the parent's entry with the same `name` whole, or is added. With
/// `removable`, an entry with `parameters = []` removes the parent's entry of
/// that name instead (one with no parent entry is kept, and `names` reports
/// it). An entry matches only the parent's entries, never another entry of
/// the child, so a name the child writes twice reaches `names`, which reports
/// it as defined twice.
fn merge_named(old: Item, new: Item, removable: bool) -> Item {
    let (Value::Array(mut list), Value::Array(added)) = (old.value.clone(), new.value.clone()) else {
        return new;
    };
    let mut from_parent = vec![true; list.len()];
    for entry in added {
        let name = entry_name(&entry);
        let same = |i: usize| from_parent[i] && name.is_some() && entry_name(&list[i]) == name;
        match (0..list.len()).find(|&i| same(i)) {
            Some(i) if removable && lists_no_parameters(&entry) => {
                list.remove(i);
                from_parent.remove(i);
            }
            Some(i) => {
                list[i] = entry;
                from_parent[i] = false;
            }
            None => {
                list.push(entry);
                from_parent.push(false);
            }
        }
    }
    Item {
        value: Value::Array(list),
        ..old
    }
}

fn append(old: Item, new: Item) -> Item {
    match (old.value.clone(), new.value.clone()) {
        (Value::Array(mut a), Value::Array(b)) => {
            a.extend(b);
            Item {
                value: Value::Array(a),
                ..old
            }
        }
        _ => new,
    }
}
