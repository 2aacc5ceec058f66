//! The documentation stands alone (issue 9): every relative link in the
//! Markdown docs resolves to a file in the repository and, with an anchor, to
//! a heading in that file; and every Markdown file that the docs or the
//! scenario files name (`docs/evidence.md#conduct-problems`, `README.md`)
//! exists, with its heading where an anchor is given. A scenario's `source`
//! that points at a section that was renamed, or at a file outside the
//! repository, fails here.
//!
//! Anchors follow GitHub's rule: the heading's text, lower-cased, with spaces
//! turned into '-' and every other character that is not a letter, a digit,
//! '-' or '_' dropped; a repeated heading gets "-1", "-2", ….

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The Markdown files a reader follows links in.
fn markdown_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = ["README.md", "ARCHITECTURE.md", "CHANGELOG.md", "scenarios/README.md"]
        .iter()
        .map(|f| common::repo(f))
        .collect();
    for entry in std::fs::read_dir(common::repo("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// Every file under `dir` whose name ends with `ext`.
fn files_with_extension(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_with_extension(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// GitHub's anchor for a heading's text.
fn slug(heading: &str) -> String {
    let mut out = String::new();
    for c in heading.trim().chars() {
        if c == ' ' {
            out.push('-');
        } else if c.is_alphanumeric() || c == '-' || c == '_' {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// The lines of a Markdown text outside fenced code blocks, with their
/// 1-based line numbers.
fn prose_lines(text: &str) -> Vec<(usize, &str)> {
    let mut fence: Option<&str> = None;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match fence {
            Some(f) if trimmed.starts_with(f) => fence = None,
            Some(_) => {}
            None if trimmed.starts_with("```") => fence = Some("```"),
            None if trimmed.starts_with("~~~") => fence = Some("~~~"),
            None => out.push((i + 1, line)),
        }
    }
    out
}

/// The anchors of every ATX heading (`## Title`) of a Markdown text.
fn anchors(text: &str) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for (_, line) in prose_lines(text) {
        let level = line.chars().take_while(|&c| c == '#').count();
        if level == 0 || level > 6 || !line[level..].starts_with(' ') {
            continue;
        }
        let base = slug(line[level..].trim().trim_end_matches('#'));
        let n = seen.entry(base.clone()).or_insert(0);
        out.push(if *n == 0 { base.clone() } else { format!("{base}-{n}") });
        *n += 1;
    }
    out
}

/// A line without its inline code spans (text between backticks).
fn without_code_spans(line: &str) -> String {
    line.split('`').step_by(2).collect::<Vec<_>>().join(" ")
}

/// The targets of the inline links `[text](target)` on a line of prose.
fn link_targets(line: &str) -> Vec<String> {
    let line = without_code_spans(line);
    let mut out = Vec::new();
    let mut rest = line.as_str();
    while let Some(at) = rest.find("](") {
        rest = &rest[at + 2..];
        let end = rest.find(')').unwrap_or(rest.len());
        let target = rest[..end].split_whitespace().next().unwrap_or("");
        out.push(target.trim_matches(|c| c == '<' || c == '>').to_string());
        rest = &rest[end..];
    }
    out
}

/// Names of Markdown files on a line: runs of path characters that end in
/// `.md`, optionally followed by `#anchor` (`docs/evidence.md#discounting`).
/// Markdown files that cradle writes (`cradle report`'s report.md), which
/// the docs name without their being files of the repository.
const WRITTEN_BY_CRADLE: [&str; 1] = ["report.md"];

fn markdown_mentions(line: &str) -> Vec<String> {
    let is_path_char = |c: char| c.is_ascii_alphanumeric() || "_./#-".contains(c);
    let mut out = Vec::new();
    for token in line.split(|c: char| !is_path_char(c)) {
        let token = token.trim_end_matches('.');
        let file = token.split('#').next().unwrap_or("");
        let written = WRITTEN_BY_CRADLE.contains(&file.rsplit('/').next().unwrap_or(file));
        if file.ends_with(".md") && file.len() > 3 && !file.starts_with('/') && !written {
            out.push(token.to_string());
        }
    }
    out
}

/// Checks one reference `file#anchor` made from `from` (a file in the
/// repository). A relative path is tried against `from`'s folder, then
/// against the repository root; an empty path means `from` itself.
fn check_reference(root: &Path, from: &Path, reference: &str) -> Result<(), String> {
    let (file, anchor) = match reference.split_once('#') {
        Some((f, a)) => (f, Some(a)),
        None => (reference, None),
    };
    let target = if file.is_empty() {
        from.to_path_buf()
    } else {
        let beside = from.parent().unwrap().join(file);
        if beside.exists() { beside } else { root.join(file) }
    };
    let inside = target
        .canonicalize()
        .is_ok_and(|t| t.starts_with(root.canonicalize().unwrap()));
    if !inside {
        return Err(format!("'{reference}': no file {file} in the repository"));
    }
    if let Some(anchor) = anchor {
        if target.is_dir() {
            return Err(format!("'{reference}': {file} is a folder, which has no headings"));
        }
        let text = std::fs::read_to_string(&target).unwrap();
        if !anchors(&text).iter().any(|a| a == anchor) {
            return Err(format!("'{reference}': {file} has no heading with anchor #{anchor}"));
        }
    }
    Ok(())
}

/// Every broken link and mention in `text` (the content of `path`), as
/// "path:line: problem".
fn problems(root: &Path, path: &Path, text: &str) -> Vec<String> {
    let markdown = path.extension().is_some_and(|e| e == "md");
    let lines: Vec<(usize, &str)> = if markdown {
        prose_lines(text)
    } else {
        text.lines().enumerate().map(|(i, l)| (i + 1, l)).collect()
    };
    let shown = path.strip_prefix(root).unwrap_or(path).display();
    let mut out = Vec::new();
    for (number, line) in lines {
        let mut references = markdown_mentions(line);
        if markdown {
            references.extend(
                link_targets(line)
                    .into_iter()
                    .filter(|t| !t.is_empty() && !t.contains("://") && !t.starts_with("mailto:")),
            );
        }
        let mut checked: Vec<String> = Vec::new();
        for reference in references {
            // A link whose text is its own target is one reference, not two.
            if checked.contains(&reference) {
                continue;
            }
            checked.push(reference.clone());
            if let Err(e) = check_reference(root, path, &reference) {
                out.push(format!("{shown}:{number}: {e}"));
            }
        }
    }
    out
}

#[test]
fn slugs_follow_github() {
    assert_eq!(slug("Programme: reach and cost"), "programme-reach-and-cost");
    assert_eq!(
        slug("2. Which assumptions carry the headline"),
        "2-which-assumptions-carry-the-headline"
    );
    assert_eq!(
        slug("Tornado: what if one input is at its low or high end?"),
        "tornado-what-if-one-input-is-at-its-low-or-high-end"
    );
    assert_eq!(slug("Parents' `d_pmh` – effect"), "parents-d_pmh--effect");
    assert_eq!(anchors("# A\n```\n# not a heading\n```\n## A\n"), ["a", "a-1"]);
}

#[test]
fn a_broken_link_anchor_or_mention_is_caught() {
    // A small repository in a temporary folder, with a note beside it (as a
    // shared folder may sit beside a clone): the note exists, but a reader of
    // the repository alone cannot follow a reference to it.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    std::fs::create_dir_all(root.join("docs")).unwrap();
    std::fs::write(root.join("docs/model.md"), "# Model\n## The causal chain\n").unwrap();
    std::fs::write(root.join("docs/evidence.md"), "# Evidence\n## The claim\n").unwrap();
    std::fs::write(dir.path().join("NOTES.md"), "# Notes\n").unwrap();
    let planted = root.join("docs/planted.md");
    let text = "[ok](model.md#the-causal-chain) [file](nowhere.md) [anchor](model.md#no-such-heading)\n\
                see `../../NOTES.md` and docs/evidence.md#the-claim\n\
                cradle report writes report.md and out/x/report.md, which are not files here\n\
                ```\nignored.md in a code block\n```\n";
    let found = problems(&root, &planted, text);
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(found.iter().any(|p| p.contains("../../NOTES.md")), "{found:#?}");
    assert!(found.iter().any(|p| p.contains("no file nowhere.md")), "{found:#?}");
    assert!(found.iter().any(|p| p.contains("#no-such-heading")), "{found:#?}");
}

#[test]
fn markdown_links_and_mentions_resolve() {
    let root = common::repo("");
    let mut found = Vec::new();
    for path in markdown_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        found.extend(problems(&root, &path, &text));
    }
    assert!(found.is_empty(), "broken links in the docs:\n{}", found.join("\n"));
}

#[test]
fn scenario_files_point_to_existing_docs() {
    let root = common::repo("");
    let mut files = Vec::new();
    files_with_extension(&common::repo("scenarios"), "toml", &mut files);
    files.sort();
    assert!(files.len() >= 25, "{} scenario files", files.len());
    let mut found = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        found.extend(problems(&root, &path, &text));
    }
    assert!(
        found.is_empty(),
        "scenario files name documents that do not exist:\n{}",
        found.join("\n")
    );
}

#[test]
fn code_comments_point_to_existing_sections() {
    // Anchored references only (`docs/model.md#…`, `README.md#…`): a bare
    // file name in a comment may name something other than a document.
    let root = common::repo("");
    let mut files = Vec::new();
    files_with_extension(&common::repo("src"), "rs", &mut files);
    files_with_extension(&common::repo("tests"), "rs", &mut files);
    // This file plants broken references on purpose, to show they are caught.
    files.retain(|f| !f.ends_with("tests/docs_links.rs"));
    files.sort();
    let mut found = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, line) in text.lines().enumerate() {
            for reference in markdown_mentions(line).into_iter().filter(|m| m.contains(".md#")) {
                if let Err(e) = check_reference(&root, &path, &reference) {
                    let shown = path.strip_prefix(&root).unwrap_or(&path).display();
                    found.push(format!("{shown}:{}: {e}", i + 1));
                }
            }
        }
    }
    assert!(found.is_empty(), "broken references in code:\n{}", found.join("\n"));
}

#[test]
fn every_parent_infant_parameter_points_to_its_evidence() {
    // The headline, the evidence profile and their variants: every parameter's
    // source names the section of docs/evidence.md that explains it (the test
    // above checks that the section exists). example.toml and validation/
    // are illustrations and test functions, not evidence.
    let mut files = vec![
        common::repo("scenarios/headline.toml"),
        common::repo("scenarios/evidence.toml"),
    ];
    files_with_extension(&common::repo("scenarios/variants"), "toml", &mut files);
    files.sort();
    let mut missing = Vec::new();
    for path in files {
        let scenario = cradle::Scenario::load(&path).unwrap();
        for p in &scenario.parameters {
            if !p.source.as_deref().is_some_and(|s| s.contains("docs/evidence.md#")) {
                missing.push(format!("{}: {}", path.display(), p.name));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "parameters whose source does not name a section of docs/evidence.md:\n{}",
        missing.join("\n")
    );
}
