//! Fitting text into the room a figure has. SVG carries no font metrics,
//! so widths are estimated (sans-serif averages about 0.56 em a character)
//! and text that would not fit is wrapped or cut with an ellipsis.

use crate::report::format::ellipsis;

/// Average character width of sans-serif text, in em.
const EM_PER_CHAR: f64 = 0.56;

/// An estimate of the width of `text` in pixels at `px`.
pub(crate) fn text_width(text: &str, px: f64) -> i32 {
    (text.chars().count() as f64 * px * EM_PER_CHAR).ceil() as i32
}

/// How many characters fit in `width` pixels at `px`.
fn chars_in(width: i32, px: f64) -> usize {
    (f64::from(width.max(0)) / (px * EM_PER_CHAR)).floor() as usize
}

/// `text` cut with an ellipsis to fit `width` pixels at `px` (at least two characters).
pub(crate) fn fit(text: &str, px: f64, width: i32) -> String {
    ellipsis(text, chars_in(width, px).max(2))
}

/// `text` in at most `max_lines` lines of `width` pixels at `px`, broken
/// after an underscore or at a space (identifiers like `conduct_child`
/// break as `conduct_` / `child`); a piece too long for a line, and the last
/// line when more text remains, are cut with an ellipsis.
pub(crate) fn wrap(text: &str, px: f64, width: i32, max_lines: usize) -> Vec<String> {
    let room = chars_in(width, px).max(2);
    let mut pieces: Vec<String> = Vec::new();
    let mut piece = String::new();
    for c in text.chars() {
        if c == ' ' {
            if !piece.is_empty() {
                pieces.push(std::mem::take(&mut piece));
            }
            continue;
        }
        piece.push(c);
        if c == '_' {
            pieces.push(std::mem::take(&mut piece));
        }
    }
    if !piece.is_empty() {
        pieces.push(piece);
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for p in pieces {
        let sep = if line.is_empty() || line.ends_with('_') {
            ""
        } else {
            " "
        };
        if !line.is_empty() && line.chars().count() + sep.len() + p.chars().count() > room {
            lines.push(std::mem::take(&mut line));
            line.push_str(&p);
        } else {
            line.push_str(sep);
            line.push_str(&p);
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    let more = lines.len() > max_lines.max(1);
    lines.truncate(max_lines.max(1));
    let n = lines.len();
    for (i, l) in lines.iter_mut().enumerate() {
        if more && i + 1 == n {
            *l = ellipsis(&format!("{l}…"), room);
        } else {
            *l = ellipsis(l, room);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_break_after_underscores() {
        assert_eq!(wrap("conduct_child", 11.0, 60, 2), vec!["conduct_", "child"]);
        assert_eq!(wrap("care_placement", 11.0, 200, 2), vec!["care_placement"]);
        assert_eq!(wrap("parent mental health", 11.0, 60, 2), vec!["parent", "mental…"]);
        let long = wrap("averyveryverylongidentifier", 11.0, 60, 2);
        assert_eq!(long.len(), 1);
        assert!(long[0].ends_with('…') && long[0].chars().count() <= 9);
        assert!(wrap("", 11.0, 60, 2).is_empty());
    }

    #[test]
    fn fitting_cuts_with_an_ellipsis() {
        assert_eq!(fit("short", 12.0, 200), "short");
        let cut = fit("a_parameter_name_far_too_long_to_fit", 12.0, 100);
        assert!(cut.ends_with('…') && text_width(&cut, 12.0) <= 100 + 7);
        assert_eq!(text_width("abcd", 10.0), 23);
    }
}
