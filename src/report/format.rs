//! Numbers as an economist writes them, for figures and pages: money as
//! £38,700 or £1.15bn, shares as 34%, probabilities as 23% or <0.1%, axis
//! ticks with just enough decimals to tell them apart, and long names cut
//! with an ellipsis. Display only: the CSV files keep plain numbers.
//!
//! Rules:
//! - Money under £10 keeps its pence (£2.50), under £10,000 is rounded to the
//!   pound (£1,234), and above that to three significant figures (£38,700,
//!   £1.23m, £1.15bn, £2.4bn): the precision a published claim is written with.
//! - Plain numbers keep three significant figures (0.0812, 2.35, 28,800, 1.2m).
//! - Negative values take a true minus sign (U+2212): −£1,234.

/// The minus sign used for display (U+2212, the width of a plus sign).
pub const MINUS: char = '\u{2212}';

/// What is shown when a value is missing or not finite.
pub const MISSING: &str = "n/a";

/// How a quantity is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Pounds sterling.
    Money,
    /// A plain number (a ratio, a count, an index).
    Number,
}

impl Unit {
    /// `x` written in this unit: [`money`] or [`number`].
    pub fn format(self, x: f64) -> String {
        match self {
            Unit::Money => money(x),
            Unit::Number => number(x),
        }
    }

    /// `values` written alike, with the fewest significant figures (at least
    /// three) at which values that differ also read differently: a mean of
    /// £40,000 with a 95% interval of £39,960 to £40,040 rather than three
    /// times £40,000.
    pub fn format_distinct(self, values: &[f64]) -> Vec<String> {
        let mut out = Vec::new();
        for digits in 3..=12 {
            out = values.iter().map(|&x| self.format_significant(x, digits)).collect();
            let clash = values.iter().zip(&out).enumerate().any(|(i, (a, sa))| {
                values[i + 1..]
                    .iter()
                    .zip(&out[i + 1..])
                    .any(|(b, sb)| a != b && sa == sb)
            });
            if !clash {
                break;
            }
        }
        out
    }

    fn format_significant(self, x: f64, digits: i32) -> String {
        match self {
            Unit::Money => money_significant(x, digits),
            Unit::Number => number_significant(x, digits),
        }
    }

    /// The unit in an axis title, e.g. `"Value per child (£)"`; empty for plain numbers.
    pub fn axis_suffix(self) -> &'static str {
        match self {
            Unit::Money => " (£)",
            Unit::Number => "",
        }
    }
}

/// `x` rounded to `digits` significant figures.
fn round_significant(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let exponent = x.abs().log10().floor() as i32;
    let factor = 10f64.powi(digits - 1 - exponent);
    // Dividing by the reciprocal keeps 1.23e6 exact where multiplying by 1e-4 would not.
    if factor >= 1.0 {
        (x * factor).round() / factor
    } else {
        (x / (1.0 / factor)).round() * (1.0 / factor)
    }
}

/// Decimals that show `digits` significant figures of `v` (> 0, already rounded).
fn decimals_for(v: f64, digits: i32) -> usize {
    (digits - 1 - v.log10().floor() as i32).max(0) as usize
}

/// `x` with `decimals` decimals and its integer part grouped in threes:
/// `grouped(1234567.891, 2)` is `"1,234,567.89"`; negatives take [`MINUS`].
pub fn grouped(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return MISSING.to_string();
    }
    let text = format!("{:.*}", decimals, x.abs());
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let mut out = String::with_capacity(text.len() + int.len() / 3 + 1);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    let is_zero = text.chars().all(|c| c == '0' || c == '.');
    if x < 0.0 && !is_zero {
        out.insert(0, MINUS);
    }
    out
}

/// A magnitude `a` ≥ 1,000 at `digits` significant figures, with m or bn
/// for millions and billions: 28,800; 1.23m; 1.15bn.
fn large(a: f64, digits: i32) -> String {
    let r = round_significant(a, digits);
    if r < 1e6 {
        grouped(r, 0)
    } else if r < 1e9 {
        format!("{}m", trim_zeros(grouped(r / 1e6, decimals_for(r / 1e6, digits))))
    } else {
        format!("{}bn", trim_zeros(grouped(r / 1e9, decimals_for(r / 1e9, digits))))
    }
}

/// "1.20" -> "1.2", "2.00" -> "2", "150" -> "150".
fn trim_zeros(text: String) -> String {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// Money for a reader: £38,700, −£1,234, £1.15bn, £2.50 (see the module rules).
///
/// ```
/// use cradle::report::format::money;
/// assert_eq!(money(38_712.0), "£38,700");
/// assert_eq!(money(-1_234.4), "−£1,234");
/// assert_eq!(money(1.153e9), "£1.15bn");
/// ```
pub fn money(x: f64) -> String {
    money_significant(x, 3)
}

/// Money at `digits` (≥ 3) significant figures above £10,000, to the pound
/// below (to the penny below £10, or when more than four figures are asked).
fn money_significant(x: f64, digits: i32) -> String {
    if !x.is_finite() {
        return MISSING.to_string();
    }
    let a = x.abs();
    let body = if a < 10.0 || (a < 10_000.0 && digits > 4) {
        if a.fract() == 0.0 { grouped(a, 0) } else { grouped(a, 2) }
    } else if a < 10_000.0 {
        grouped(a.round(), 0)
    } else {
        large(a, digits)
    };
    let is_zero = body.chars().all(|c| c == '0' || c == '.');
    let sign = if x < 0.0 && !is_zero {
        MINUS.to_string()
    } else {
        String::new()
    };
    format!("{sign}£{body}")
}

/// A plain number at three significant figures, trailing zeros dropped:
/// 0.0812, 2.35, 0.15, 28,800, 1.2m; very small magnitudes in scientific form.
pub fn number(x: f64) -> String {
    number_significant(x, 3)
}

fn number_significant(x: f64, digits: i32) -> String {
    if !x.is_finite() {
        return MISSING.to_string();
    }
    let a = x.abs();
    let body = if a == 0.0 {
        "0".to_string()
    } else if a >= 1000.0 {
        large(a, digits)
    } else if a >= 1e-4 {
        let r = round_significant(a, digits);
        trim_zeros(grouped(r, decimals_for(r, digits)))
    } else {
        format!("{a:.*e}", (digits - 1).max(0) as usize)
    };
    if x < 0.0 && body != "0" {
        format!("{MINUS}{body}")
    } else {
        body
    }
}

/// A share of a total: 34%, 2.5%, −5.0%, 112% (one decimal below 10%).
pub fn percent(share: f64) -> String {
    if !share.is_finite() {
        return MISSING.to_string();
    }
    let v = share * 100.0;
    let decimals = if v.abs() < 9.95 { 1 } else { 0 };
    format!("{}%", grouped(v, decimals))
}

/// A probability as a percentage: 23%, 2.5%, 5%, 99.5%, and <0.1% or >99.9%
/// rather than a 0% or 100% that the draws do not support. Exactly 0 and 1
/// are shown as such. Outside [0, 1]: [`MISSING`].
pub fn probability(p: f64) -> String {
    if !(0.0..=1.0).contains(&p) {
        return MISSING.to_string();
    }
    if p == 0.0 {
        "0%".to_string()
    } else if p == 1.0 {
        "100%".to_string()
    } else if p < 0.001 {
        "<0.1%".to_string()
    } else if p > 0.999 {
        ">99.9%".to_string()
    } else if !(0.0995..=0.9005).contains(&p) {
        // Tails keep a decimal (2.5%, 99.5%) but not a spurious one (5%).
        let text = format!("{:.1}", p * 100.0);
        format!("{}%", text.trim_end_matches(".0"))
    } else {
        format!("{:.0}%", p * 100.0)
    }
}

/// The ordinal of a percentile given as a probability: 0.025 -> "2.5th",
/// 0.01 -> "1st", 0.5 -> "50th", 0.995 -> "99.5th", 0.4303 -> "43rd" (the
/// suffix follows the number as printed, at three significant figures).
pub fn percentile_name(p: f64) -> String {
    let text = number(p * 100.0);
    let suffix = match text.parse::<i64>() {
        Ok(n) => match (n % 100, n % 10) {
            (11..=13, _) => "th",
            (_, 1) => "st",
            (_, 2) => "nd",
            (_, 3) => "rd",
            _ => "th",
        },
        Err(_) => "th",
    };
    format!("{text}{suffix}")
}

/// Where a value lies in its distribution, as a reader wants it: the whole
/// percentile between the 1st and the 99th (0.491 -> "49th", 0.4303 ->
/// "43rd"), three significant figures in the tails (0.0004 -> "0.04th",
/// 0.9975 -> "99.8th").
pub fn percentile_rounded(p: f64) -> String {
    let v = p * 100.0;
    if (1.0..=99.0).contains(&v) {
        percentile_name(v.round() / 100.0)
    } else {
        percentile_name(p)
    }
}

/// `text` cut to at most `max_chars` characters, the last one an ellipsis when cut.
pub fn ellipsis(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Labels for the ticks of one axis: one scale (none, m or bn) and one number
/// of decimals for every tick, chosen from the ticks themselves so that
/// neighbours never print alike (£1.150bn, £1.155bn) and round ticks carry
/// no noise (£20,000, not £20,000.000001).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TickFormat {
    unit: Unit,
    scale: f64,
    suffix: &'static str,
    decimals: usize,
}

impl TickFormat {
    /// The format for an axis whose ticks are `ticks` (any order).
    pub fn new(unit: Unit, ticks: &[f64]) -> TickFormat {
        let finite: Vec<f64> = ticks.iter().copied().filter(|t| t.is_finite()).collect();
        let largest = finite.iter().fold(0.0f64, |m, t| m.max(t.abs()));
        let mut sorted = finite.clone();
        sorted.sort_by(f64::total_cmp);
        let step = sorted
            .windows(2)
            .map(|w| w[1] - w[0])
            .filter(|d| *d > 0.0)
            .fold(f64::INFINITY, f64::min);
        let (scale, suffix) = if largest >= 1e9 {
            (1e9, "bn")
        } else if largest >= 1e6 {
            (1e6, "m")
        } else {
            (1.0, "")
        };
        let reference = if step.is_finite() { step } else { largest };
        let mut decimals = if reference > 0.0 {
            // The epsilon keeps a step of 0.1 − 1e-17 at one decimal.
            (-((reference / scale).log10() + 1e-9).floor()).clamp(0.0, 12.0) as usize
        } else {
            0
        };
        if unit == Unit::Money && scale == 1.0 && decimals > 0 {
            decimals = 2; // pence
        }
        TickFormat {
            unit,
            scale,
            suffix,
            decimals,
        }
    }

    /// The label of the tick at `v`.
    pub fn format(&self, v: f64) -> String {
        if !v.is_finite() {
            return MISSING.to_string();
        }
        let body = grouped((v / self.scale).abs(), self.decimals);
        let is_zero = body.chars().all(|c| c == '0' || c == '.');
        let pound = if self.unit == Unit::Money { "£" } else { "" };
        if is_zero && !self.suffix.is_empty() {
            return format!("{pound}0"); // £0, not £0.0bn
        }
        let sign = if v < 0.0 && !is_zero {
            MINUS.to_string()
        } else {
            String::new()
        };
        format!("{sign}{pound}{body}{}", self.suffix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_written_as_an_economist_writes_it() {
        assert_eq!(money(38_700.0), "£38,700");
        assert_eq!(money(38_712.0), "£38,700");
        assert_eq!(money(-1_234.0), "−£1,234");
        assert_eq!(money(1.15e9), "£1.15bn");
        assert_eq!(money(1_155_268_010.0), "£1.16bn");
        assert_eq!(money(-2.4e9), "−£2.4bn");
        assert_eq!(money(12.5e9), "£12.5bn");
        assert_eq!(money(250e6), "£250m");
        assert_eq!(money(1_234_567.0), "£1.23m");
        assert_eq!(money(999_600.0), "£1m");
        assert_eq!(money(40_000.0), "£40,000");
        assert_eq!(money(123_456.0), "£123,000");
        assert_eq!(money(9_999.4), "£9,999");
        assert_eq!(money(950.0), "£950");
        assert_eq!(money(2.5), "£2.50");
        assert_eq!(money(3.0), "£3");
        assert_eq!(money(0.0), "£0");
        assert_eq!(money(-0.001), "£0.00");
        assert_eq!(money(f64::NAN), "n/a");
        assert_eq!(money(f64::INFINITY), "n/a");
    }

    #[test]
    fn numbers_keep_three_significant_figures() {
        assert_eq!(number(0.0812345), "0.0812");
        assert_eq!(number(2.345678), "2.35");
        assert_eq!(number(0.15), "0.15");
        assert_eq!(number(28_800.0), "28,800");
        assert_eq!(number(28_812.0), "28,800");
        assert_eq!(number(1.2e6), "1.2m");
        assert_eq!(number(-4.0), "−4");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(152.4), "152");
        assert_eq!(number(3.2e-7), "3.20e-7");
        assert_eq!(number(f64::NAN), "n/a");
    }

    #[test]
    fn close_values_get_the_digits_that_tell_them_apart() {
        let v = Unit::Money.format_distinct(&[40_002.0, 39_962.0, 40_042.0]);
        assert_eq!(v, ["£40,000", "£39,960", "£40,040"]);
        let v = Unit::Money.format_distinct(&[40_002.0, 39_998.0, 40_006.0]);
        assert_eq!(v, ["£40,002", "£39,998", "£40,006"]);
        let v = Unit::Money.format_distinct(&[1.1512e9, 1.1488e9]);
        assert_eq!(v, ["£1.151bn", "£1.149bn"]);
        let v = Unit::Money.format_distinct(&[38_712.0, 12_000.0]);
        assert_eq!(v, ["£38,700", "£12,000"]);
        let v = Unit::Money.format_distinct(&[5.0, 5.0]);
        assert_eq!(v, ["£5", "£5"]);
        let v = Unit::Number.format_distinct(&[0.12341, 0.12349]);
        assert_eq!(v, ["0.1234", "0.1235"]);
    }

    #[test]
    fn shares_and_probabilities() {
        assert_eq!(percent(0.34), "34%");
        assert_eq!(percent(0.025), "2.5%");
        assert_eq!(percent(-0.05), "−5.0%");
        assert_eq!(percent(1.123), "112%");
        assert_eq!(percent(0.0), "0.0%");
        assert_eq!(probability(0.23), "23%");
        assert_eq!(probability(0.025), "2.5%");
        assert_eq!(probability(0.05), "5%");
        assert_eq!(probability(0.95), "95%");
        assert_eq!(probability(0.005), "0.5%");
        assert_eq!(probability(0.995), "99.5%");
        assert_eq!(probability(0.0004), "<0.1%");
        assert_eq!(probability(0.9996), ">99.9%");
        assert_eq!(probability(0.0), "0%");
        assert_eq!(probability(1.0), "100%");
        assert_eq!(probability(1.5), "n/a");
        assert_eq!(probability(f64::NAN), "n/a");
    }

    #[test]
    fn percentiles_are_ordinals() {
        assert_eq!(percentile_name(0.025), "2.5th");
        assert_eq!(percentile_name(0.01), "1st");
        assert_eq!(percentile_name(0.02), "2nd");
        assert_eq!(percentile_name(0.03), "3rd");
        assert_eq!(percentile_name(0.11), "11th");
        assert_eq!(percentile_name(0.5), "50th");
        assert_eq!(percentile_name(0.995), "99.5th");
        // The suffix follows the number as printed (this was "43th").
        assert_eq!(percentile_name(0.430_01), "43rd");
        assert_eq!(percentile_name(0.491), "49.1th");
        assert_eq!(percentile_rounded(0.491), "49th");
        assert_eq!(percentile_rounded(0.4303), "43rd");
        assert_eq!(percentile_rounded(0.0004), "0.04th");
        assert_eq!(percentile_rounded(0.9975), "99.8th");
        assert_eq!(percentile_rounded(0.012), "1st");
    }

    #[test]
    fn grouping_and_ellipsis() {
        assert_eq!(grouped(1_234_567.891, 2), "1,234,567.89");
        assert_eq!(grouped(-999.0, 0), "−999");
        assert_eq!(grouped(-0.0, 0), "0");
        assert_eq!(ellipsis("short", 10), "short");
        assert_eq!(ellipsis("a_very_long_parameter_name", 10), "a_very_lo…");
        assert_eq!(ellipsis("a_very_long_parameter_name", 10).chars().count(), 10);
        assert_eq!(ellipsis("£££££", 3), "££…");
    }

    #[test]
    fn ticks_share_one_scale_and_enough_decimals() {
        let f = TickFormat::new(Unit::Money, &[0.0, 20_000.0, 40_000.0]);
        assert_eq!(f.format(20_000.0), "£20,000");
        assert_eq!(f.format(0.0), "£0");
        assert_eq!(f.format(-20_000.0), "−£20,000");
        let f = TickFormat::new(Unit::Money, &[1.150e9, 1.155e9, 1.160e9]);
        assert_eq!(f.format(1.150e9), "£1.150bn");
        assert_eq!(f.format(1.155e9), "£1.155bn");
        let f = TickFormat::new(Unit::Money, &[0.0, 5e8, 1e9, 1.5e9]);
        assert_eq!(f.format(5e8), "£0.5bn");
        assert_eq!(f.format(0.0), "£0");
        let f = TickFormat::new(Unit::Money, &[0.0, 0.5, 1.0]);
        assert_eq!(f.format(0.5), "£0.50");
        let f = TickFormat::new(Unit::Number, &[0.0, 0.1, 0.2, 0.30000000000000004]);
        assert_eq!(f.format(0.30000000000000004), "0.3");
        assert_eq!(f.format(0.0), "0.0");
        let f = TickFormat::new(Unit::Number, &[-1.0, -0.5, 0.0, 0.5, 1.0]);
        assert_eq!(f.format(-0.5), "−0.5");
        let f = TickFormat::new(Unit::Number, &[]);
        assert_eq!(f.format(3.0), "3");
        assert_eq!(f.format(f64::NAN), "n/a");
    }
}
