//! The report as Markdown (CommonMark with GitHub's pipe tables): the same
//! blocks as the web page, as sentences and tables to paste into a paper or
//! an issue. Figures are linked as `figures/NAME.svg`, the files written
//! beside report.md.
//!
//! Text is escaped here, once: Markdown's punctuation is backslash-escaped
//! in text, `|` in table cells too, and names are written as code spans.

use super::document::{Align, Block, Inline, Table};

/// The whole document.
pub fn render(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        block_md(block, &mut out);
    }
    // One trailing newline.
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// `text` with every character that Markdown could read as markup
/// backslash-escaped (CommonMark allows escaping any ASCII punctuation).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#') {
            out.push('\\');
        }
        if c == '\n' {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// A code span that holds `text` whatever backticks it contains.
fn code_span(text: &str) -> String {
    let mut fence = String::from("`");
    while text.contains(fence.as_str()) {
        fence.push('`');
    }
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", text.replace('\n', " "))
}

fn inlines_md(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for i in inlines {
        match i {
            Inline::Text(t) => out.push_str(&escape(t)),
            Inline::Strong(t) => out.push_str(&format!("**{}**", escape(t))),
            Inline::Code(t) => out.push_str(&code_span(t)),
            Inline::Marked { text, .. } => out.push_str(&escape(text)),
        }
    }
    out
}

fn block_md(block: &Block, out: &mut String) {
    match block {
        Block::Heading { level, text, .. } => {
            let hashes = "#".repeat(usize::from((*level).clamp(1, 6)));
            out.push_str(&format!("{hashes} {}\n\n", escape(text)));
        }
        Block::Paragraph { text, .. } => out.push_str(&format!("{}\n\n", inlines_md(text))),
        Block::List(items) => {
            for item in items {
                out.push_str(&format!("- {}\n", inlines_md(item)));
            }
            out.push('\n');
        }
        Block::Table(t) => table_md(t, out),
        Block::Figure(f) => {
            out.push_str(&format!(
                "![{}](figures/{})\n\n*{}*\n\n",
                escape(&figure_title(&f.svg).unwrap_or_else(|| f.file.clone())),
                f.file,
                escape(&f.caption)
            ));
        }
        Block::Code(text) => {
            let mut fence = String::from("```");
            while text.contains(fence.as_str()) {
                fence.push('`');
            }
            out.push_str(&format!("{fence}sh\n{text}\n{fence}\n\n"));
        }
    }
}

fn table_md(t: &Table, out: &mut String) {
    out.push_str(&format!("**{}**\n\n", escape(&t.caption)));
    out.push_str(&format!(
        "| {} |\n",
        t.header.iter().map(|h| escape(h)).collect::<Vec<_>>().join(" | ")
    ));
    let rule: Vec<&str> = (0..t.header.len())
        .map(|k| match t.align.get(k) {
            Some(Align::Right) => "---:",
            _ => "---",
        })
        .collect();
    out.push_str(&format!("| {} |\n", rule.join(" | ")));
    for row in &t.rows {
        let mut cells: Vec<String> = row.cells.iter().map(|c| inlines_md(c)).collect();
        if row.flagged
            && let Some(first) = cells.first_mut()
        {
            first.push_str(" ◆");
        }
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out.push('\n');
    if let Some(note) = &t.flag_note
        && t.rows.iter().any(|r| r.flagged)
    {
        out.push_str(&format!("◆ {}\n\n", escape(note)));
    }
}

/// The text of a figure's `<title>` (unescaped as far as the five XML entities).
fn figure_title(svg: &str) -> Option<String> {
    let start = svg.find("<title")?;
    let open_end = start + svg[start..].find('>')? + 1;
    let end = open_end + svg[open_end..].find("</title>")?;
    let raw = &svg[open_end..end];
    Some(
        raw.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::document::{Figure, Row, code, heading, paragraph, strong, text};

    #[test]
    fn markup_in_text_is_escaped() {
        assert_eq!(escape("a_b *c* [d](e) <f> | #"), r"a\_b \*c\* \[d\](e) \<f\> \| \#");
        let md = render(&[paragraph(vec![text("1 < 2 | 3"), strong("x*y"), code("delta_p")])]);
        assert_eq!(md, "1 \\< 2 \\| 3**x\\*y**`delta_p`\n");
    }

    #[test]
    fn code_spans_hold_backticks() {
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`a"), "`` `a ``");
    }

    #[test]
    fn tables_are_pipe_tables_with_flags_and_alignment() {
        let mut flagged = Row::plain(vec!["a|b".into(), "1".into()]);
        flagged.flagged = true;
        let md = render(&[Block::Table(Table {
            caption: "Caption".into(),
            header: vec!["name".into(), "value".into()],
            align: vec![Align::Left, Align::Right],
            rows: vec![flagged, Row::plain(vec!["c".into(), "2".into()])],
            flag_note: Some("inside its range".into()),
        })]);
        assert!(md.contains("| name | value |\n| --- | ---: |\n"), "{md}");
        assert!(md.contains("| a\\|b ◆ | 1 |"), "{md}");
        assert!(md.contains("◆ inside its range"), "{md}");
    }

    #[test]
    fn headings_and_figures() {
        let md = render(&[
            heading(2, "What it rests on", "rests"),
            Block::Figure(Figure {
                file: "tornado.svg".into(),
                svg: "<svg><title id=\"x\">Tornado &amp; co</title></svg>".into(),
                caption: "How to read it.".into(),
            }),
        ]);
        assert!(md.starts_with("## What it rests on\n\n"), "{md}");
        assert!(md.contains("![Tornado & co](figures/tornado.svg)"), "{md}");
        assert!(md.contains("*How to read it.*"), "{md}");
    }
}
