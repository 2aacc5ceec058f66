//! The report as a document: headings, paragraphs, tables, figures and
//! lists, with the text as plain strings. The page's parts build these
//! blocks once; `report::html` and `report::markdown` render the same
//! blocks, so the web page and the Markdown say the same things, and text
//! is escaped in exactly one place per format (the renderers).

/// A run of text inside a paragraph, a list item or a table cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    /// Plain text.
    Text(String),
    /// Text in bold (a finding, a verdict).
    Strong(String),
    /// A name as written in the scenario file (a parameter, a metric).
    Code(String),
    /// A number the browser test reads back: shown as text, marked with a
    /// class (e.g. `p-claim`) in HTML; plain in Markdown.
    Marked {
        /// The HTML class.
        class: &'static str,
        /// The text.
        text: String,
    },
}

/// Plain text.
pub fn text(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}

/// Bold text.
pub fn strong(s: impl Into<String>) -> Inline {
    Inline::Strong(s.into())
}

/// A name as written in the scenario.
pub fn code(s: impl Into<String>) -> Inline {
    Inline::Code(s.into())
}

/// How a table column is aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text.
    Left,
    /// Numbers.
    Right,
    /// Long text (a source): as the last column, set in HTML under the
    /// other cells of its row, across the table ("Source: ..."), wrapped
    /// anywhere (a long URL too); in Markdown an ordinary column.
    Prose,
}

/// One table row; `flagged` rows are highlighted (HTML) or marked with a
/// trailing "◆" note (Markdown), and the table's `flag_note` says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// One cell per column.
    pub cells: Vec<Vec<Inline>>,
    /// Highlighted.
    pub flagged: bool,
}

impl Row {
    /// A row of plain-text cells.
    pub fn plain(cells: Vec<String>) -> Row {
        Row {
            cells: cells.into_iter().map(|c| vec![Inline::Text(c)]).collect(),
            flagged: false,
        }
    }
}

/// A table with a caption.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// What the table shows.
    pub caption: String,
    /// Column headings.
    pub header: Vec<String>,
    /// Alignment of each column.
    pub align: Vec<Align>,
    /// The rows.
    pub rows: Vec<Row>,
    /// What a flagged row means (shown under the table when a row is flagged).
    pub flag_note: Option<String>,
}

/// A figure: its SVG document and the file it is also written to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    /// File name under figures/, e.g. `tornado.svg`.
    pub file: String,
    /// The SVG document (from `report::figures`).
    pub svg: String,
    /// A caption under the figure: how to read it.
    pub caption: String,
}

/// One block of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A section heading; `id` is its anchor.
    Heading {
        /// 1 for the title, 2 for sections, 3 for subsections.
        level: u8,
        /// The heading.
        text: String,
        /// Anchor (letters, digits, hyphens).
        id: String,
    },
    /// A paragraph; `class` marks it in HTML (e.g. `verdict`).
    Paragraph {
        /// The text.
        text: Vec<Inline>,
        /// An HTML class, if any.
        class: Option<&'static str>,
    },
    /// A bulleted list.
    List(Vec<Vec<Inline>>),
    /// A table.
    Table(Table),
    /// A figure.
    Figure(Figure),
    /// A line of code to copy (a command line).
    Code(String),
}

/// A paragraph without a class.
pub fn paragraph(text: Vec<Inline>) -> Block {
    Block::Paragraph { text, class: None }
}

/// A heading.
pub fn heading(level: u8, text: &str, id: &str) -> Block {
    Block::Heading {
        level,
        text: text.to_string(),
        id: id.to_string(),
    }
}

/// The text of some inlines with their markup dropped.
pub fn plain(inlines: &[Inline]) -> String {
    inlines
        .iter()
        .map(|i| match i {
            Inline::Text(t) | Inline::Strong(t) | Inline::Code(t) => t.as_str(),
            Inline::Marked { text, .. } => text.as_str(),
        })
        .collect()
}
