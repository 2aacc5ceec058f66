//! A TOML document as an owned tree in which every key and value remembers
//! the file and line it came from, so that every later error can name them,
//! even after `extends` has merged several files into one.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use toml::de::{DeTable, DeValue};

use crate::error::{Error, Location};

/// A value and where it was written.
#[derive(Debug, Clone)]
pub struct Item {
    /// The value.
    pub value: Value,
    /// The file this value came from.
    pub file: Arc<PathBuf>,
    /// 1-based line.
    pub line: usize,
}

/// A TOML value.
#[derive(Debug, Clone)]
pub enum Value {
    /// A string.
    Str(String),
    /// An integer.
    Int(i64),
    /// An integer literal beyond TOML's 64-bit range, which the TOML spec
    /// makes an error: reported where it is read, with its key.
    BigInt,
    /// A float.
    Float(f64),
    /// A boolean.
    Bool,
    /// An array.
    Array(Vec<Item>),
    /// A table, keys in file order.
    Table(Table),
    /// A date or time (never valid in a scenario).
    Datetime,
}

/// A table with keys in file order.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// (key, value) pairs; the value's line is the key's line.
    pub entries: Vec<(String, Item)>,
}

impl Table {
    /// The entry for `key`.
    pub fn get(&self, key: &str) -> Option<&Item> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Insert or replace `key`, keeping the position of an existing key.
    pub fn set(&mut self, key: &str, item: Item) {
        match self.entries.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = item,
            None => self.entries.push((key.to_string(), item)),
        }
    }

    /// Remove `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Item> {
        let i = self.entries.iter().position(|(k, _)| k == key)?;
        Some(self.entries.remove(i).1)
    }
}

impl Item {
    /// Where this item was written.
    pub fn location(&self) -> Location {
        Location {
            file: self.file.as_ref().clone(),
            line: self.line,
        }
    }

    /// A word for the value's type, for "expected X, found Y" messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Str(_) => "a string",
            Value::Int(_) => "an integer",
            Value::BigInt => "an integer beyond TOML's 64-bit range (±9.2e18)",
            Value::Float(_) => "a number",
            Value::Bool => "a boolean",
            Value::Array(_) => "an array",
            Value::Table(_) => "a table",
            Value::Datetime => "a date",
        }
    }
}

/// Maps byte offsets to 1-based (line, column).
struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }
    fn at(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|s| *s <= offset);
        let start = self.starts[line - 1];
        let column = text
            .get(start..offset.min(text.len()))
            .map_or(1, |s| s.chars().count() + 1);
        (line, column)
    }
}

/// The largest scenario file cradle reads: 16 MiB. Real scenarios are a few
/// kilobytes; the limit stops `cradle check /dev/zero` (or a mistyped path to
/// a data file) from reading until the machine runs out of memory. It is
/// enforced while reading (`Read::take`), so devices and pipes are bounded too.
pub const MAX_SCENARIO_BYTES: u64 = 16 * 1024 * 1024;

/// Read and parse a scenario file into a located tree. Returns the tree and
/// the file's text (which the scenario's SHA-256 is computed over, so that
/// each file is read exactly once).
pub fn read(path: &Path) -> Result<(Table, String), Error> {
    let text = read_text(path)?;
    let table = parse(&text, path)?;
    Ok((table, text))
}

/// The file's bytes as UTF-8 text, at most [`MAX_SCENARIO_BYTES`] of them.
fn read_text(path: &Path) -> Result<String, Error> {
    let io_error = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io_error)?;
    let mut bytes = Vec::new();
    file.take(MAX_SCENARIO_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > MAX_SCENARIO_BYTES {
        return Err(io_error(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!(
                "the file is larger than {} MiB, the limit for a scenario file; is this the scenario you meant?",
                MAX_SCENARIO_BYTES >> 20
            ),
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let valid = e.utf8_error().valid_up_to();
        // Everything before the bad byte is valid UTF-8, so lines and
        // columns (in characters) can be counted up to it.
        let before = std::str::from_utf8(&bytes[..valid]).expect("valid up to here");
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Error::Syntax {
            path: path.to_path_buf(),
            line,
            column,
            message: format!(
                "invalid UTF-8 (byte 0x{:02X}): a scenario file must be UTF-8 text; re-save it as UTF-8",
                bytes[valid]
            ),
        }
    })
}

/// Parse TOML text that came from `path`.
pub fn parse(text: &str, path: &Path) -> Result<Table, Error> {
    let lines = Lines::new(text);
    let root = DeTable::parse(text).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |s| lines.at(text, s.start));
        Error::Syntax {
            path: path.to_path_buf(),
            line,
            column,
            message: e.message().trim().to_string(),
        }
    })?;
    let file = Arc::new(path.to_path_buf());
    let converter = Converter {
        text,
        lines: &lines,
        file: &file,
    };
    Ok(converter.table(root.get_ref()))
}

struct Converter<'a> {
    text: &'a str,
    lines: &'a Lines,
    file: &'a Arc<PathBuf>,
}

impl Converter<'_> {
    fn table(&self, table: &DeTable<'_>) -> Table {
        let entries = table
            .iter()
            .map(|(key, value)| {
                let line = self.lines.at(self.text, key.span().start).0;
                (key.get_ref().to_string(), self.item(value.get_ref(), line))
            })
            .collect();
        Table { entries }
    }

    fn item(&self, value: &DeValue<'_>, line: usize) -> Item {
        let value = match value {
            DeValue::String(s) => Value::Str(s.to_string()),
            DeValue::Integer(i) => match i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
                Ok(v) => Value::Int(v),
                Err(_) => Value::BigInt,
            },
            DeValue::Float(f) => Value::Float(f.as_str().replace('_', "").parse().unwrap_or(f64::NAN)),
            DeValue::Boolean(_) => Value::Bool,
            DeValue::Datetime(_) => Value::Datetime,
            DeValue::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|v| {
                        let line = self.lines.at(self.text, v.span().start).0;
                        self.item(v.get_ref(), line)
                    })
                    .collect(),
            ),
            DeValue::Table(t) => Value::Table(self.table(t)),
        };
        Item {
            value,
            file: self.file.clone(),
            line,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_order_are_kept() {
        let text = "[settings]\niterations = 1_000_000\nseed = 5\n\n[parameters]\nb = 1.5\na = { dist = \"fixed\", value = 2 }\n";
        let t = parse(text, Path::new("x.toml")).unwrap();
        let params = match &t.get("parameters").unwrap().value {
            Value::Table(p) => p,
            _ => panic!(),
        };
        let keys: Vec<&str> = params.entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["b", "a"]);
        assert_eq!(params.get("a").unwrap().line, 7);
        let settings = match &t.get("settings").unwrap().value {
            Value::Table(s) => s,
            _ => panic!(),
        };
        assert!(matches!(
            settings.get("iterations").unwrap().value,
            Value::Int(1_000_000)
        ));
        assert_eq!(settings.get("seed").unwrap().line, 3);
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let err = parse("a = 1\nb = = 2\n", Path::new("bad.toml")).unwrap_err();
        match err {
            Error::Syntax { line, column, .. } => {
                assert_eq!(line, 2);
                assert!(column >= 4, "column {column}");
            }
            other => panic!("{other}"),
        }
    }

    #[test]
    fn invalid_utf8_is_located_and_size_is_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.toml");
        std::fs::write(&path, b"a = 1\nb = \"\xc3\xa9\xff\"\n").unwrap();
        match read(&path).unwrap_err() {
            Error::Syntax {
                line, column, message, ..
            } => {
                assert_eq!((line, column), (2, 7), "after 'b = \"é'");
                assert!(message.contains("byte 0xFF"), "{message}");
            }
            other => panic!("{other}"),
        }
        std::fs::write(&path, vec![b' '; MAX_SCENARIO_BYTES as usize + 1]).unwrap();
        let err = read(&path).unwrap_err();
        let cause = std::error::Error::source(&err).map(ToString::to_string);
        assert!(
            cause.as_deref().is_some_and(|c| c.contains("larger than 16 MiB")),
            "{err}: {cause:?}"
        );
    }
}
