//! Checks every figure's tests share: the SVG parses, is labelled for
//! screen readers, and has the marks the figure promised.

use plotters::style::RGBColor;
use roxmltree::{Document, Node};

use super::frame::{HEIGHT, WIDTH};

/// `#RRGGBB`, as plotters writes colours.
pub(crate) fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// Parse `svg`, failing the test when it is not well-formed XML.
pub(crate) fn parse(svg: &str) -> Document<'_> {
    match Document::parse(svg) {
        Ok(doc) => doc,
        Err(e) => panic!("not well-formed: {e}\n{svg}"),
    }
}

/// The document is an accessible SVG of the fixed size: `role="img"`,
/// `aria-labelledby` naming a `<title>` and a `<desc>` that are its first
/// two children and not empty. Returns the title and description.
pub(crate) fn check_accessible(svg: &str) -> (String, String) {
    let doc = parse(svg);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("width"), Some(WIDTH.to_string().as_str()));
    assert_eq!(root.attribute("height"), Some(HEIGHT.to_string().as_str()));
    assert_eq!(root.attribute("role"), Some("img"));
    let kids: Vec<Node> = root.children().filter(|n| n.is_element()).collect();
    assert!(kids.len() > 2, "no drawing");
    assert_eq!(kids[0].tag_name().name(), "title");
    assert_eq!(kids[1].tag_name().name(), "desc");
    let ids = format!(
        "{} {}",
        kids[0].attribute("id").unwrap_or_default(),
        kids[1].attribute("id").unwrap_or_default()
    );
    assert_eq!(root.attribute("aria-labelledby"), Some(ids.as_str()));
    let title = kids[0].text().unwrap_or_default().to_string();
    let desc = kids[1].text().unwrap_or_default().to_string();
    assert!(!title.trim().is_empty() && !desc.trim().is_empty());
    (title, desc)
}

/// Every element named `name`.
pub(crate) fn elements<'a, 'b>(doc: &'a Document<'b>, name: &str) -> Vec<Node<'a, 'b>> {
    doc.descendants().filter(|n| n.tag_name().name() == name).collect()
}

fn number(node: &Node, attr: &str) -> f64 {
    node.attribute(attr).and_then(|v| v.parse().ok()).unwrap_or(f64::NAN)
}

/// The filled rectangles of colour `c`: (x, y, width, height).
pub(crate) fn filled_rects(doc: &Document, c: RGBColor) -> Vec<(f64, f64, f64, f64)> {
    let colour = hex(c);
    elements(doc, "rect")
        .into_iter()
        .filter(|r| r.attribute("fill") == Some(colour.as_str()))
        .map(|r| {
            (
                number(&r, "x"),
                number(&r, "y"),
                number(&r, "width"),
                number(&r, "height"),
            )
        })
        .collect()
}

/// The x of every vertical line segment of colour `c` (from `<line>` and
/// `<polyline>` elements whose points share one x).
pub(crate) fn vertical_lines(doc: &Document, c: RGBColor) -> Vec<i32> {
    let colour = hex(c);
    let mut xs = Vec::new();
    for n in elements(doc, "line") {
        if n.attribute("stroke") == Some(colour.as_str()) && number(&n, "x1") == number(&n, "x2") {
            xs.push(number(&n, "x1") as i32);
        }
    }
    for n in elements(doc, "polyline") {
        if n.attribute("stroke") != Some(colour.as_str()) {
            continue;
        }
        let points: Vec<(i32, i32)> = points(&n);
        if points.len() >= 2 && points.iter().all(|p| p.0 == points[0].0) {
            xs.push(points[0].0);
        }
    }
    xs
}

/// The y of every horizontal line segment of colour `c`.
pub(crate) fn horizontal_lines(doc: &Document, c: RGBColor) -> Vec<i32> {
    let colour = hex(c);
    let mut ys = Vec::new();
    for n in elements(doc, "line") {
        if n.attribute("stroke") == Some(colour.as_str()) && number(&n, "y1") == number(&n, "y2") {
            ys.push(number(&n, "y1") as i32);
        }
    }
    for n in elements(doc, "polyline") {
        if n.attribute("stroke") != Some(colour.as_str()) {
            continue;
        }
        let points: Vec<(i32, i32)> = points(&n);
        if points.len() >= 2 && points.iter().all(|p| p.1 == points[0].1) {
            ys.push(points[0].1);
        }
    }
    ys
}

/// The points of a `<polyline>` or `<polygon>`.
pub(crate) fn points(n: &Node) -> Vec<(i32, i32)> {
    n.attribute("points")
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|p| {
            let (x, y) = p.split_once(',')?;
            Some((x.parse().ok()?, y.parse().ok()?))
        })
        .collect()
}

/// The text of every `<text>` element.
pub(crate) fn texts(doc: &Document) -> Vec<String> {
    elements(doc, "text")
        .into_iter()
        .map(|t| t.text().unwrap_or_default().trim().to_string())
        .collect()
}

/// True when some `<text>` contains `needle`.
pub(crate) fn has_text(doc: &Document, needle: &str) -> bool {
    texts(doc).iter().any(|t| t.contains(needle))
}
