//! The Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"),
//! distinguishable with every common form of colour blindness, and the
//! greys a figure needs besides. (Its reddish purple, #CC79A7, is left out:
//! at luma 151 it is too close to sky blue and orange in greyscale.)
//!
//! Hue alone does not survive greyscale printing, so the figures pair
//! colours of different lightness (luma = 0.299 R + 0.587 G + 0.114 B, out
//! of 255): blue 87, vermillion 119, bluish green 106 and reddish purple 151
//! are dark; sky blue 158, orange 162 and yellow 213 are light. Where two
//! series share a plot they also differ by line dash or marker shape.

use plotters::style::RGBColor;

/// Black.
pub const BLACK: RGBColor = RGBColor(0, 0, 0);
/// Orange (#E69F00), luma 162.
pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
/// Sky blue (#56B4E9), luma 158.
pub const SKY_BLUE: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
/// Bluish green (#009E73), luma 106.
pub const BLUISH_GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
/// Yellow (#F0E442), luma 213.
pub const YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
/// Blue (#0072B2), luma 87.
pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
/// Vermillion (#D55E00), luma 119.
pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);

/// White (backgrounds, separators between stacked segments).
pub const WHITE: RGBColor = RGBColor(255, 255, 255);
/// Grid lines.
pub const GRID: RGBColor = RGBColor(0xE0, 0xE0, 0xE0);
/// Secondary text (notes, ranges beside names).
pub const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);

/// Colours for the segments of a stacked bar, in order: dark and light
/// alternate so that neighbours differ in greyscale too, also where the
/// sequence wraps round.
pub const SEQUENCE: [RGBColor; 7] = [BLUE, ORANGE, BLUISH_GREEN, YELLOW, VERMILLION, SKY_BLUE, BLACK];

/// Luma (0–255) of a colour: its grey level when printed in greyscale.
pub fn luma(c: RGBColor) -> f64 {
    0.299 * f64::from(c.0) + 0.587 * f64::from(c.1) + 0.114 * f64::from(c.2)
}

/// The text colour that reads on a fill: white on dark, black on light.
pub fn text_on(fill: RGBColor) -> RGBColor {
    if luma(fill) < 128.0 { WHITE } else { BLACK }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paired_series_differ_in_greyscale() {
        // The pairs the figures draw side by side.
        for (a, b) in [(BLUE, ORANGE), (BLUE, SKY_BLUE), (BLUE, YELLOW), (BLACK, SKY_BLUE)] {
            assert!((luma(a) - luma(b)).abs() > 60.0, "{a:?} {b:?}");
        }
    }

    #[test]
    fn neighbouring_segments_alternate_dark_and_light() {
        let n = SEQUENCE.len();
        for i in 0..n {
            let (a, b) = (SEQUENCE[i], SEQUENCE[(i + 1) % n]);
            assert!((luma(a) - luma(b)).abs() > 35.0, "{a:?} {b:?}");
        }
    }

    #[test]
    fn text_reads_on_every_fill() {
        for c in SEQUENCE {
            let t = text_on(c);
            assert!((luma(t) - luma(c)).abs() > 85.0, "{c:?}");
        }
    }
}
