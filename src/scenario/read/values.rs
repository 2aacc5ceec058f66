//! The typed value readers every section shares: a number, a string, a whole
//! number, an array of numbers, a formula, a required key, a table; the
//! unknown-key check with its "did you mean" hint; and the `Error::Invalid`
//! they all return, which names the file, line and key.

use super::Problems;
use crate::error::Error;
use crate::expr;
use crate::scenario::Formula;
use crate::scenario::document::{Item, Table, Value};

/// An `Error::Invalid` at `item`'s file and line, for `key`.
pub(super) fn invalid(item: &Item, key: &str, message: impl Into<String>) -> Error {
    Error::Invalid {
        at: item.location(),
        key: clip_key(key),
        message: message.into(),
    }
}

/// How many characters of a user's value an error message echoes.
pub const ECHO_CHARS: usize = 60;

/// `text` as an error message shows it: whole when short, else its first
/// `ECHO_CHARS` characters and "…", so that a 2 MB string in a scenario
/// does not come back whole on stderr.
pub fn clip(text: &str) -> String {
    match text.char_indices().nth(ECHO_CHARS) {
        None => text.to_string(),
        Some((end, _)) => format!("{}…", &text[..end]),
    }
}

/// A dotted key as an error message shows it: each part clipped (a key is
/// as much the user's text as a value is).
pub(super) fn clip_key(key: &str) -> String {
    if key.chars().count() <= ECHO_CHARS {
        return key.to_string();
    }
    key.split('.').map(clip).collect::<Vec<_>>().join(".")
}

/// The error for a string that must be one of `options`: says what was
/// found (clipped), suggests the nearest option, and lists them all.
pub(super) fn not_one_of(item: &Item, key: &str, what: &str, found: &str, options: &[&str]) -> Error {
    let hint = nearest(&found.to_lowercase(), options.iter().copied())
        .map_or_else(String::new, |n| format!("did you mean \"{n}\"? "));
    invalid(
        item,
        key,
        format!(
            "unknown {what} \"{}\"; {hint}expected {}",
            clip(found),
            quoted_list(options)
        ),
    )
}

/// `"a", "b" or "c"`.
pub(super) fn quoted_list(options: &[&str]) -> String {
    let quoted: Vec<String> = options.iter().map(|o| format!("\"{o}\"")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// The nearest of `candidates` to `word`, if it is close enough to suggest.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(word, c), c))
        .filter(|(d, c)| *d <= 3.max(c.len() / 3) && *d < c.len().max(word.len()))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Record every key of `table` not in `allowed`, suggesting the nearest
/// allowed key or listing them all. `prefix` is prepended to the key named.
pub(super) fn unknown_keys(table: &Table, allowed: &[&str], prefix: &str, problems: &mut Problems) {
    for (key, item) in &table.entries {
        if !allowed.contains(&key.as_str()) {
            let hint = match nearest(key, allowed.iter().copied()) {
                Some(n) => format!("; did you mean '{n}'?"),
                None => format!("; valid keys: {}", allowed.join(", ")),
            };
            problems.add(
                item.location(),
                clip_key(&format!("{prefix}{key}")),
                format!("unknown key{hint}"),
            );
        }
    }
}

/// `item` as a table, or an error naming what was found instead.
pub(super) fn as_table<'a>(item: &'a Item, key: &str) -> Result<&'a Table, Error> {
    match &item.value {
        Value::Table(t) => Ok(t),
        _ => Err(invalid(
            item,
            key,
            format!("expected a table, found {}", item.type_name()),
        )),
    }
}

/// A finite number (an integer is read as a float).
pub(super) fn number(item: &Item, key: &str) -> Result<f64, Error> {
    match &item.value {
        Value::Int(i) => Ok(*i as f64),
        Value::Float(f) if f.is_finite() => Ok(*f),
        Value::Float(f) => Err(invalid(item, key, format!("expected a finite number, found {f}"))),
        Value::BigInt => Err(invalid(
            item,
            key,
            format!(
                "expected a number, found {}; write it as a float instead (e.g. 1e20)",
                item.type_name()
            ),
        )),
        Value::Str(s) => Err(invalid(
            item,
            key,
            format!("expected a number, found the string \"{}\"", clip(s)),
        )),
        _ => Err(invalid(
            item,
            key,
            format!("expected a number, found {}", item.type_name()),
        )),
    }
}

/// A string.
pub(super) fn string(item: &Item, key: &str) -> Result<String, Error> {
    match &item.value {
        Value::Str(s) => Ok(s.clone()),
        _ => Err(invalid(
            item,
            key,
            format!("expected a string, found {}", item.type_name()),
        )),
    }
}

/// A whole number ≥ 0; `what` says what it counts in the error message.
pub(super) fn whole(item: &Item, key: &str, what: &str) -> Result<u64, Error> {
    match &item.value {
        Value::Int(i) if *i >= 0 => Ok(*i as u64),
        Value::Float(f) if *f >= 0.0 && f.fract() == 0.0 && *f < 1.8e19 => Ok(*f as u64),
        _ => Err(invalid(
            item,
            key,
            format!("expected {what} (a whole number ≥ 0), found {}", describe(item)),
        )),
    }
}

/// How a value is named in an error message.
pub(super) fn describe(item: &Item) -> String {
    match &item.value {
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Str(s) => format!("the string \"{}\"", clip(s)),
        _ => item.type_name().to_string(),
    }
}

/// An array of finite numbers.
pub(super) fn numbers(item: &Item, key: &str) -> Result<Vec<f64>, Error> {
    match &item.value {
        Value::Array(items) => items.iter().map(|i| number(i, key)).collect(),
        _ => Err(invalid(
            item,
            key,
            format!("expected an array of numbers, found {}", item.type_name()),
        )),
    }
}

/// An expression: a string to parse, or a plain number.
pub(super) fn formula(item: &Item, key: &str, name: &str) -> Result<Formula, Error> {
    let text = match &item.value {
        Value::Str(s) => s.clone(),
        Value::Int(_) | Value::Float(_) | Value::BigInt => number(item, key)?.to_string(),
        _ => {
            return Err(invalid(
                item,
                key,
                format!(
                    "expected an expression (a string) or a number, found {}",
                    item.type_name()
                ),
            ));
        }
    };
    let expr = expr::parse(&text).map_err(|e| invalid(item, key, format!("expression \"{}\": {e}", clip(&text))))?;
    Ok(Formula {
        name: name.to_string(),
        text,
        expr,
        at: item.location(),
    })
}

/// `table[key]`, or an error at `at` naming `prefix` + `key` as missing.
pub(super) fn required<'a>(table: &'a Table, key: &str, prefix: &str, at: &Item) -> Result<&'a Item, Error> {
    table
        .get(key)
        .ok_or_else(|| invalid(at, &format!("{prefix}{key}"), format!("missing required key '{key}'")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_keeps_short_text_and_cuts_long_text() {
        assert_eq!(clip("green-book"), "green-book");
        let exact = "é".repeat(ECHO_CHARS);
        assert_eq!(clip(&exact), exact);
        assert_eq!(clip(&"é".repeat(ECHO_CHARS + 1)), format!("{exact}…"));
        assert_eq!(
            clip_key(&format!("parameters.{}.dist", "x".repeat(100)))
                .chars()
                .count(),
            11 + 61 + 5
        );
    }

    #[test]
    fn quoted_lists() {
        assert_eq!(quoted_list(&["a"]), "\"a\"");
        assert_eq!(quoted_list(&["a", "b", "c"]), "\"a\", \"b\" or \"c\"");
    }
}
