//! The module map as a test: the library's top-level modules form layers,
//! and a module may name (`crate::x`) only modules in lower layers. This
//! rules out cycles and upward imports at once. The order is written here and
//! in ARCHITECTURE.md; the test checks that both say the same.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The library's top-level modules, lowest layer first. A module may use
/// only modules listed before it. Keep in step with ARCHITECTURE.md.
const LAYERS: &[&str] = &[
    "error",
    "special",
    "chunk",
    "stats",
    "discount",
    "dist",
    "expr",
    "scenario",
    "model",
    "sampling",
    "engine",
    "sensitivity",
    "compare",
    "voi",
    "shard",
    "output",
    "report",
];

/// Files of the binary (`src/main.rs` and its modules): they use the library
/// as `cradle::`, and `crate::` there means the binary itself.
const BINARY: &[&str] = &["main", "cli", "commands", "interrupt", "terminal"];

/// One reference from a module to another, with where it was written.
#[derive(Debug, Clone, PartialEq)]
struct Reference {
    from: String,
    to: String,
    at: String,
}

/// The source text with comments (`//…` to the end of the line) removed, so
/// that doc links do not count as dependencies. String literals never hold
/// `crate::` in this code base.
fn strip_comments(line: &str) -> &str {
    match line.find("//") {
        Some(i) => &line[..i],
        None => line,
    }
}

/// Every `crate::name` in `text`, as (line number, name).
fn crate_paths(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let code = strip_comments(line);
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            let before = rest[..i].chars().last();
            rest = &rest[i + "crate::".len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue; // e.g. `$crate::`, or part of a longer name
            }
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                found.push((number + 1, name));
            }
        }
        // `use crate::{a::x, b::y}` names several modules in one braces group.
        if let Some(i) = code.find("crate::{") {
            let group = &code[i + "crate::{".len()..];
            for part in group.split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.push((number + 1, name));
                }
            }
        }
    }
    found
}

/// The root re-exports of lib.rs (`pub use engine::{RunConfig, RunResult};`),
/// so that `crate::RunConfig` counts as a use of `engine`.
fn root_reexports(lib: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for line in lib.lines() {
        let Some(rest) = line.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, items)) = rest.trim_end_matches(';').split_once("::") else {
            continue;
        };
        for item in items.trim_matches(|c| c == '{' || c == '}').split(',') {
            let item = item.trim();
            let name = item.rsplit(" as ").next().unwrap_or(item).trim();
            if !name.is_empty() {
                map.insert(name.to_string(), module.to_string());
            }
        }
    }
    map
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file under `src/` belongs to (`src/stats/sketch.rs` → `stats`).
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap();
    let first = relative.components().next().unwrap().as_os_str().to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// Every cross-module reference in the library sources `(module, file, text)`.
fn references(files: &[(String, String, String)], reexports: &BTreeMap<String, String>) -> Vec<Reference> {
    let mut out = Vec::new();
    for (module, file, text) in files {
        for (line, name) in crate_paths(text) {
            let to = if name.chars().next().is_some_and(char::is_uppercase) {
                match reexports.get(&name) {
                    Some(m) => m.clone(),
                    None => continue,
                }
            } else {
                name
            };
            if &to != module {
                out.push(Reference {
                    from: module.clone(),
                    to,
                    at: format!("{file}:{line}"),
                });
            }
        }
    }
    out
}

/// The problems with `refs` under `layers`: unknown modules, and references
/// that do not point strictly down.
fn violations(refs: &[Reference], modules: &[String], layers: &[&str]) -> Vec<String> {
    let rank = |m: &str| layers.iter().position(|l| *l == m);
    let mut problems = Vec::new();
    for m in modules {
        if rank(m).is_none() {
            problems.push(format!(
                "module '{m}' is not in the layer order: add it to LAYERS in tests/architecture.rs and to ARCHITECTURE.md"
            ));
        }
    }
    for r in refs {
        match (rank(&r.from), rank(&r.to)) {
            (Some(from), Some(to)) if to > from => problems.push(format!(
                "{}: '{}' uses '{}', a higher layer: move what it needs down to '{}' or below",
                r.at, r.from, r.to, r.from
            )),
            (Some(_), None) if !r.to.is_empty() => problems.push(format!(
                "{}: '{}' uses '{}', which is not in the layer order",
                r.at, r.from, r.to
            )),
            _ => {}
        }
    }
    problems
}

fn library_sources() -> (Vec<(String, String, String)>, Vec<String>) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    rust_files(&src, &mut paths);
    paths.sort();
    let mut files = Vec::new();
    let mut modules = Vec::new();
    for path in paths {
        let module = module_of(&src, &path);
        if module == "lib" || BINARY.contains(&module.as_str()) {
            continue;
        }
        if !modules.contains(&module) {
            modules.push(module.clone());
        }
        let shown = path
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap()
            .display()
            .to_string();
        files.push((module, shown, std::fs::read_to_string(&path).unwrap()));
    }
    (files, modules)
}

#[test]
fn imports_only_point_down_the_layers() {
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    let (files, modules) = library_sources();
    let refs = references(&files, &root_reexports(&lib));
    assert!(
        refs.len() > 50,
        "the scan found only {} references: is it reading src/?",
        refs.len()
    );
    let problems = violations(&refs, &modules, LAYERS);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_architecture_map_lists_the_same_order() {
    let map = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md")).unwrap();
    let line = map
        .lines()
        .find(|l| l.starts_with("Layers, lowest first:"))
        .expect("ARCHITECTURE.md has a line starting 'Layers, lowest first:'");
    let listed: Vec<&str> = line["Layers, lowest first:".len()..]
        .split('→')
        .map(|s| s.trim().trim_end_matches('.').trim_matches('`'))
        .collect();
    assert_eq!(listed, LAYERS, "ARCHITECTURE.md and tests/architecture.rs disagree");
}

#[test]
fn the_check_catches_an_upward_import_and_a_cycle() {
    // A lower module reaching up (stats -> engine) and a circle (sampling <-> engine).
    let files = vec![
        (
            "stats".to_string(),
            "src/stats/x.rs".to_string(),
            "use crate::engine::CHUNK_SIZE;\n".to_string(),
        ),
        (
            "engine".to_string(),
            "src/engine.rs".to_string(),
            "use crate::{sampling::Design, stats::Moments};\n// crate::report in a comment does not count\n"
                .to_string(),
        ),
        (
            "sampling".to_string(),
            "src/sampling/mod.rs".to_string(),
            "fn f() -> crate::RunResult { todo!() }\n".to_string(),
        ),
    ];
    let reexports = root_reexports("pub use engine::{RunConfig, RunResult};\n");
    let refs = references(&files, &reexports);
    let modules: Vec<String> = ["stats", "engine", "sampling"].iter().map(|s| s.to_string()).collect();
    let problems = violations(&refs, &modules, LAYERS);
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(problems[0].contains("src/stats/x.rs:1: 'stats' uses 'engine'"));
    assert!(problems[1].contains("src/sampling/mod.rs:1: 'sampling' uses 'engine'"));
    // An unknown module is named too.
    let unknown = violations(&[], &["utils".to_string()], LAYERS);
    assert!(unknown[0].contains("'utils' is not in the layer order"));
}
