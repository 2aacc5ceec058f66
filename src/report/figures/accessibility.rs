//! What makes a figure readable without seeing it: a `<title>` and a
//! `<desc>` as the first children of the root `<svg>`, and `role="img"` with
//! `aria-labelledby` naming both (the pattern of the W3C SVG Accessibility
//! API Mappings and WAI's "accessible SVG" advice). plotters writes neither,
//! so they are spliced into its output here.

/// `text` with the five XML special characters escaped (for text and attributes).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            other => out.push(other),
        }
    }
    out
}

/// A string usable in an XML id: lower-case ASCII letters and digits, runs
/// of anything else as one hyphen, prefixed with `fig-`. Figures inlined in
/// one page need distinct ids, so the slug comes from the figure's title.
pub(crate) fn slug(text: &str) -> String {
    let mut out = String::from("fig-");
    let mut hyphen = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            hyphen = false;
        } else if !hyphen && !out.ends_with('-') {
            out.push('-');
            hyphen = true;
        }
    }
    out.trim_end_matches('-').to_string()
}

/// `svg` (a document whose root element is `<svg …>`) with `role`,
/// `aria-labelledby`, `<title>` and `<desc>` added; `None` when `svg` has
/// no root `<svg` start tag.
pub(crate) fn label(svg: &str, id: &str, title: &str, desc: &str) -> Option<String> {
    let start = svg.find("<svg")?;
    let close = start + svg[start..].find('>')?;
    let self_closing = svg[..close].ends_with('/');
    if self_closing {
        return None;
    }
    let mut out = String::with_capacity(svg.len() + title.len() + desc.len() + 160);
    out.push_str(&svg[..close]);
    out.push_str(&format!(r#" role="img" aria-labelledby="{id}-title {id}-desc""#));
    out.push_str(">\n");
    out.push_str(&format!(r#"<title id="{id}-title">{}</title>"#, escape(title)));
    out.push('\n');
    out.push_str(&format!(r#"<desc id="{id}-desc">{}</desc>"#, escape(desc)));
    let rest = &svg[close + 1..];
    out.push_str(if rest.starts_with('\n') { "" } else { "\n" });
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape(r#"a < b & "c" > 'd'"#),
            "a &lt; b &amp; &quot;c&quot; &gt; &apos;d&apos;"
        );
    }

    #[test]
    fn slugs_are_ids() {
        assert_eq!(
            slug("Value per child: £ distribution"),
            "fig-value-per-child-distribution"
        );
        assert_eq!(slug("  "), "fig");
    }

    #[test]
    fn title_and_desc_come_first() {
        let svg = "<svg width=\"10\" height=\"10\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect/>\n</svg>\n";
        let out = label(svg, "fig-x", "A & B", "<desc>").unwrap();
        let doc = roxmltree::Document::parse(&out).unwrap();
        let root = doc.root_element();
        assert_eq!(root.attribute("role"), Some("img"));
        assert_eq!(root.attribute("aria-labelledby"), Some("fig-x-title fig-x-desc"));
        let kids: Vec<_> = root.children().filter(|n| n.is_element()).collect();
        assert_eq!(kids[0].tag_name().name(), "title");
        assert_eq!(kids[0].text(), Some("A & B"));
        assert_eq!(kids[1].tag_name().name(), "desc");
        assert_eq!(kids[1].text(), Some("<desc>"));
        assert!(label("<svg/>", "a", "b", "c").is_none());
        assert!(label("no svg here", "a", "b", "c").is_none());
    }
}
