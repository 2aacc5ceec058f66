//! The report as one self-contained HTML page: styles inline, figures as
//! inline SVG, no script and nothing fetched, so it reads the same offline,
//! attached to an email, or printed. The print style sheet sets A4 pages and
//! keeps each figure (and each table row) on one page.
//!
//! Every text is escaped here, once (`escape`); the figures' SVG comes from
//! `report::figures`, which escapes its own text.

use super::document::{Align, Block, Figure, Inline, Table};
use super::figures::escape;

/// The page's styles: readable on screen, A4 in print, greyscale-safe
/// highlights (a bold left rule as well as a tint).
const STYLE: &str = r#"
:root { color-scheme: light; }
body { font-family: "Helvetica Neue", Helvetica, Arial, sans-serif; color: #111; background: #fff;
  max-width: 780px; margin: 2em auto; padding: 0 1em; line-height: 1.45; font-size: 15px; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #999; padding-bottom: 0.15em; }
h3 { font-size: 1.05em; margin-top: 1.3em; }
p.verdict { font-size: 1.05em; background: #f3f3f3; border-left: 4px solid #0072B2; padding: 0.6em 0.8em; }
p.subtitle { color: #444; margin-top: 0; }
figure { margin: 1.2em 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; max-width: 720px; }
figcaption { font-size: 0.88em; color: #333; margin-top: 0.3em; }
table { border-collapse: collapse; width: 100%; margin: 0.8em 0; font-size: 0.88em; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3em; }
th, td { border-bottom: 1px solid #ccc; padding: 0.25em 0.4em; vertical-align: top; }
td:first-child code { white-space: nowrap; }
table.with-prose tbody { break-inside: avoid; page-break-inside: avoid; }
table.with-prose tr:not(.prose) td { border-bottom: none; padding-bottom: 0.1em; }
tr.prose td { font-size: 0.92em; color: #333; padding-top: 0; overflow-wrap: anywhere; }
span.prose-heading { font-weight: bold; }
th { text-align: left; border-bottom: 2px solid #333; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr { break-inside: avoid; page-break-inside: avoid; }
tr.flagged td { background: #fdf0d5; font-weight: bold; }
tr.flagged td:first-child { border-left: 4px solid #D55E00; }
p.flag-note { font-size: 0.85em; color: #333; margin-top: -0.4em; }
code { font-family: Menlo, Consolas, monospace; font-size: 0.92em; }
pre { background: #f3f3f3; padding: 0.5em 0.7em; white-space: pre-wrap; word-break: break-all; }
nav ol { columns: 2; font-size: 0.92em; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
  nav { display: none; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// The whole page: `<!DOCTYPE html>`, head with title and styles, the
/// blocks, and nothing else.
pub fn render(title: &str, blocks: &[Block]) -> String {
    let mut out = String::with_capacity(256 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(&format!("<title>{}</title>\n", escape(title)));
    out.push_str("<style>");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n<main>\n");
    let mut ids = Ids::default();
    for block in blocks {
        block_html(block, &mut ids, &mut out);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// The ids already used by inlined figures, so that two figures with the
/// same title still get distinct ids on one page.
#[derive(Default)]
struct Ids(Vec<String>);

fn inlines_html(inlines: &[Inline], out: &mut String) {
    for i in inlines {
        match i {
            Inline::Text(t) => out.push_str(&escape(t)),
            Inline::Strong(t) => out.push_str(&format!("<strong>{}</strong>", escape(t))),
            Inline::Code(t) => out.push_str(&format!("<code>{}</code>", escape(t))),
            Inline::Marked { class, text } => {
                out.push_str(&format!("<span class=\"{}\">{}</span>", escape(class), escape(text)))
            }
        }
    }
}

fn block_html(block: &Block, ids: &mut Ids, out: &mut String) {
    match block {
        Block::Heading { level, text, id } => {
            let level = (*level).clamp(1, 6);
            out.push_str(&format!(
                "<h{level} id=\"{}\">{}</h{level}>\n",
                escape(id),
                escape(text)
            ));
        }
        Block::Paragraph { text, class } => {
            match class {
                Some(c) => out.push_str(&format!("<p class=\"{}\">", escape(c))),
                None => out.push_str("<p>"),
            }
            inlines_html(text, out);
            out.push_str("</p>\n");
        }
        Block::List(items) => {
            out.push_str("<ul>\n");
            for item in items {
                out.push_str("<li>");
                inlines_html(item, out);
                out.push_str("</li>\n");
            }
            out.push_str("</ul>\n");
        }
        Block::Table(t) => table_html(t, out),
        Block::Figure(f) => figure_html(f, ids, out),
        Block::Code(text) => out.push_str(&format!("<pre><code>{}</code></pre>\n", escape(text))),
    }
}

/// The class attribute of a column's cells.
fn column_class(align: Option<&Align>) -> &'static str {
    match align {
        Some(Align::Right) => " class=\"num\"",
        _ => "",
    }
}

/// A table. A last column of long text ([`Align::Prose`]: sources) is set
/// under the other cells of its row, across the table's width, after its
/// heading ("Source: ..."), so that it neither squeezes the other columns
/// nor is squeezed into a sliver; each row and its text stay on one page.
fn table_html(t: &Table, out: &mut String) {
    let prose =
        (t.header.len() > 1 && t.align.get(t.header.len() - 1) == Some(&Align::Prose)).then(|| t.header.len() - 1);
    let columns = prose.unwrap_or(t.header.len());
    out.push_str(if prose.is_some() {
        "<table class=\"with-prose\">\n"
    } else {
        "<table>\n"
    });
    out.push_str(&format!("<caption>{}</caption>\n<thead><tr>", escape(&t.caption)));
    for (k, h) in t.header.iter().enumerate().take(columns) {
        let class = column_class(t.align.get(k));
        out.push_str(&format!("<th scope=\"col\"{class}>{}</th>", escape(h)));
    }
    out.push_str("</tr></thead>\n");
    if prose.is_none() {
        out.push_str("<tbody>\n");
    }
    for row in &t.rows {
        let flagged = if row.flagged { " class=\"flagged\"" } else { "" };
        if prose.is_some() {
            out.push_str(&format!("<tbody{flagged}>\n"));
        }
        out.push_str(&format!("<tr{flagged}>"));
        for (k, cell) in row.cells.iter().enumerate().take(columns) {
            let class = column_class(t.align.get(k));
            out.push_str(&format!("<td{class}>"));
            inlines_html(cell, out);
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
        if let Some(k) = prose {
            out.push_str(&format!(
                "<tr class=\"prose{}\"><td colspan=\"{columns}\"><span class=\"prose-heading\">{}:</span> ",
                if row.flagged { " flagged" } else { "" },
                escape(&t.header[k])
            ));
            if let Some(cell) = row.cells.get(k) {
                inlines_html(cell, out);
            }
            out.push_str("</td></tr>\n</tbody>\n");
        }
    }
    if prose.is_none() {
        out.push_str("</tbody>\n");
    }
    out.push_str("</table>\n");
    if let Some(note) = &t.flag_note
        && t.rows.iter().any(|r| r.flagged)
    {
        out.push_str(&format!("<p class=\"flag-note\">{}</p>\n", escape(note)));
    }
}

/// The figure's SVG inlined (without an XML declaration), its ids made
/// unique on the page, with its caption.
fn figure_html(f: &Figure, ids: &mut Ids, out: &mut String) {
    let mut svg = f.svg.trim().to_string();
    if svg.starts_with("<?xml")
        && let Some(end) = svg.find("?>")
    {
        svg = svg[end + 2..].trim_start().to_string();
    }
    if let Some(id) = figure_id(&svg) {
        let mut unique = id.clone();
        let mut n = 2;
        while ids.0.contains(&unique) {
            unique = format!("{id}-{n}");
            n += 1;
        }
        if unique != id {
            svg = svg
                .replace(&format!("{id}-title"), &format!("{unique}-title"))
                .replace(&format!("{id}-desc"), &format!("{unique}-desc"));
        }
        ids.0.push(unique);
    }
    let stem = f.file.trim_end_matches(".svg");
    out.push_str(&format!(
        "<figure id=\"figure-{}\" class=\"figure\">\n{svg}\n<figcaption>{}</figcaption>\n</figure>\n",
        escape(stem),
        escape(&f.caption)
    ));
}

/// The id prefix of a figure's `<title id="X-title">`.
fn figure_id(svg: &str) -> Option<String> {
    let start = svg.find("<title id=\"")? + "<title id=\"".len();
    let end = start + svg[start..].find('"')?;
    svg[start..end].strip_suffix("-title").map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::document::{Row, code, heading, paragraph, strong, text};

    #[test]
    fn every_text_is_escaped() {
        let blocks = vec![
            heading(2, "A <b> & \"c\"", "a"),
            paragraph(vec![text("x < y & z"), strong("<i>"), code("a_<b>")]),
            Block::Table(Table {
                caption: "<caption>".into(),
                header: vec!["<th>".into()],
                align: vec![Align::Left],
                rows: vec![Row::plain(vec!["<script>alert(1)</script>".into()])],
                flag_note: None,
            }),
            Block::Code("cradle report 'a&b'.toml".into()),
        ];
        let page = render("T<i>tle", &blocks);
        assert!(!page.contains("<script"), "{page}");
        assert!(!page.contains("<b>") && !page.contains("<i>") && !page.contains("<th>&"));
        assert!(page.contains("A &lt;b&gt; &amp; &quot;c&quot;"));
        assert!(page.contains("x &lt; y &amp; z"));
        assert!(page.contains("<strong>&lt;i&gt;</strong>"));
        assert!(page.contains("<code>a_&lt;b&gt;</code>"));
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("<title>T&lt;i&gt;tle</title>"));
        assert!(page.contains("&apos;a&amp;b&apos;"));
    }

    #[test]
    fn figures_with_the_same_title_get_distinct_ids() {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"fig-a-title fig-a-desc\">\n<title id=\"fig-a-title\">A</title>\n<desc id=\"fig-a-desc\">d</desc>\n</svg>";
        let f = |file: &str| {
            Block::Figure(Figure {
                file: file.into(),
                svg: svg.into(),
                caption: "c".into(),
            })
        };
        let page = render("t", &[f("one.svg"), f("two.svg"), f("three.svg")]);
        for id in ["fig-a-title", "fig-a-2-title", "fig-a-3-title"] {
            assert_eq!(page.matches(&format!("id=\"{id}\"")).count(), 1, "{id}: {page}");
        }
        assert!(page.contains("aria-labelledby=\"fig-a-2-title fig-a-2-desc\""));
    }

    #[test]
    fn the_page_needs_nothing_from_outside() {
        let page = render("t", &[paragraph(vec![text("x")])]);
        for needle in ["<script", "http://", "https://", "<link", "@import", "url("] {
            assert!(!page.contains(needle), "{needle}");
        }
        assert!(page.contains("@page { size: A4"));
        assert!(page.contains("break-inside: avoid"));
    }

    #[test]
    fn a_source_column_is_set_under_its_row() {
        let mut row = Row::plain(vec![
            "p".into(),
            "1".into(),
            "A <long> source https://x.org/a?b=1".into(),
        ]);
        row.flagged = true;
        let t = Table {
            caption: "c".into(),
            header: vec!["Parameter".into(), "Base".into(), "Source".into()],
            align: vec![Align::Left, Align::Right, Align::Prose],
            rows: vec![row, Row::plain(vec!["q".into(), "2".into(), "B".into()])],
            flag_note: None,
        };
        let page = render("t", &[Block::Table(t)]);
        assert!(page.contains("<table class=\"with-prose\">"));
        assert!(!page.contains(">Source</th>"), "no column for it: {page}");
        assert!(page.contains(
            "<tbody class=\"flagged\">\n<tr class=\"flagged\"><td>p</td><td class=\"num\">1</td></tr>\n<tr class=\"prose flagged\"><td colspan=\"2\"><span class=\"prose-heading\">Source:</span> A &lt;long&gt; source https://x.org/a?b=1</td></tr>\n</tbody>"
        ), "{page}");
        assert!(page.contains("<tbody>\n<tr><td>q</td>"));
        // In Markdown it stays a column.
        let md = crate::report::markdown::render(&[Block::Table(Table {
            caption: "c".into(),
            header: vec!["Parameter".into(), "Source".into()],
            align: vec![Align::Left, Align::Prose],
            rows: vec![Row::plain(vec!["p".into(), "S".into()])],
            flag_note: None,
        })]);
        assert!(md.contains("| Parameter | Source |\n| --- | --- |\n| p | S |"), "{md}");
    }

    #[test]
    fn flagged_rows_are_highlighted_and_explained() {
        let mut row = Row::plain(vec!["a".into(), "1".into()]);
        row.flagged = true;
        let t = Table {
            caption: "c".into(),
            header: vec!["name".into(), "value".into()],
            align: vec![Align::Left, Align::Right],
            rows: vec![row, Row::plain(vec!["b".into(), "2".into()])],
            flag_note: Some("Highlighted: inside.".into()),
        };
        let page = render("t", &[Block::Table(t)]);
        assert_eq!(page.matches("<tr class=\"flagged\">").count(), 1);
        assert!(page.contains("<td class=\"num\">1</td>"));
        assert!(page.contains("Highlighted: inside."));
    }
}
