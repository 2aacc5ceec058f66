//! A distribution in words, for the inputs table (CHEERS 2022 item 22):
//! "Triangular(0.25, 0.4, 0.55)", "PERT(0.05, 0.15, 0.3)",
//! "Lognormal(median 7,000, sdlog 0.421)", "Fixed at 28,800". Parameters the
//! user wrote (bounds, modes, means) are shown as written, to full
//! precision; parameters cradle derived (a lognormal's log-scale ones, from
//! an interval) at three significant figures.

use crate::dist::{Dist, Range};
use crate::report::format::{grouped, number};

/// `x` as written: the shortest decimal that reads back to it at 12
/// significant figures (so that a value computed as exp(ln 7000) =
/// 6999.999999999999 reads 7,000), with its integer part grouped in threes
/// (7,562.5; 0.15; −3).
pub fn exact(x: f64) -> String {
    if !x.is_finite() {
        return number(x);
    }
    // Through scientific notation at 12 significant figures and back: the
    // shortest decimal of the rounded value.
    let rounded: f64 = format!("{:.11e}", x.abs()).parse().unwrap_or(x.abs());
    let text = format!("{rounded}");
    let decimals = text.split_once('.').map_or(0, |(_, f)| f.len());
    let body = grouped(rounded, decimals);
    if x < 0.0 && body.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("{}{body}", crate::report::format::MINUS)
    } else {
        body
    }
}

/// ", truncated to [min, max]" for a truncated law, or nothing.
fn truncation(range: Option<&Range>) -> String {
    match range {
        None => String::new(),
        Some(r) => {
            let bound = |x: f64| if x.is_finite() { exact(x) } else { "∞".to_string() };
            let lo = if r.min.is_finite() {
                exact(r.min)
            } else {
                format!("{}∞", crate::report::format::MINUS)
            };
            format!(", truncated to [{lo}, {}]", bound(r.max))
        }
    }
}

/// The distribution in words (see the module docs).
///
/// ```
/// use cradle::Dist;
/// use cradle::report::describe::describe;
/// assert_eq!(describe(&Dist::pert(0.05, 0.15, 0.30, 4.0).unwrap()), "PERT(0.05, 0.15, 0.3)");
/// assert_eq!(describe(&Dist::fixed(28_800.0).unwrap()), "Fixed at 28,800");
/// ```
pub fn describe(dist: &Dist) -> String {
    match dist {
        Dist::Fixed(f) => format!("Fixed at {}", exact(f.value)),
        Dist::Uniform(u) => format!("Uniform({}, {})", exact(u.min), exact(u.max)),
        Dist::Triangular(t) => format!("Triangular({}, {}, {})", exact(t.min), exact(t.mode), exact(t.max)),
        Dist::Pert(p) => {
            // α + β = 2 + λ for a PERT(min, mode, max; λ).
            let lambda = p.shape.alpha + p.shape.beta - 2.0;
            if (lambda - 4.0).abs() < 1e-9 {
                format!("PERT({}, {}, {})", exact(p.min), exact(p.mode), exact(p.max))
            } else {
                format!(
                    "PERT({}, {}, {}; λ = {})",
                    exact(p.min),
                    exact(p.mode),
                    exact(p.max),
                    number(lambda)
                )
            }
        }
        Dist::Normal(n) => format!(
            "Normal(mean {}, sd {}){}",
            exact(n.mean),
            exact(n.sd),
            truncation(n.range.as_ref())
        ),
        Dist::LogNormal(l) => format!(
            "Lognormal(median {}, sdlog {}){}",
            number(l.meanlog.exp()),
            number(l.sdlog),
            truncation(l.range.as_ref())
        ),
        Dist::Beta(b) => format!("Beta({}, {})", number(b.alpha), number(b.beta)),
        Dist::Gamma(g) => format!(
            "Gamma(shape {}, scale {}){}",
            number(g.shape),
            number(g.scale),
            truncation(g.range.as_ref())
        ),
        Dist::Discrete(d) => {
            let parts: Vec<String> = d
                .values
                .iter()
                .zip(&d.probs)
                .map(|(v, p)| format!("{} ({})", exact(*v), crate::report::format::probability(*p)))
                .collect();
            format!("Discrete: {}", parts.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_in_words() {
        let d = |r: Result<Dist, crate::dist::DistError>| describe(&r.unwrap());
        assert_eq!(d(Dist::fixed(28_800.0)), "Fixed at 28,800");
        assert_eq!(d(Dist::uniform(0.1, 0.3)), "Uniform(0.1, 0.3)");
        assert_eq!(
            d(Dist::triangular(1500.0, 2500.0, 6000.0)),
            "Triangular(1,500, 2,500, 6,000)"
        );
        assert_eq!(d(Dist::pert(0.05, 0.15, 0.30, 4.0)), "PERT(0.05, 0.15, 0.3)");
        assert_eq!(d(Dist::pert(0.05, 0.15, 0.30, 6.0)), "PERT(0.05, 0.15, 0.3; λ = 6)");
        assert_eq!(d(Dist::normal(10.0, 2.5)), "Normal(mean 10, sd 2.5)");
        assert_eq!(
            d(Dist::normal(10.0, 2.5).and_then(|n| n.truncate(0.0, f64::INFINITY))),
            "Normal(mean 10, sd 2.5), truncated to [0, ∞]"
        );
        assert_eq!(
            d(Dist::lognormal_from_interval(3500.0, 14_000.0, crate::dist::Z90)),
            "Lognormal(median 7,000, sdlog 0.421)"
        );
        assert_eq!(d(Dist::beta(2.0, 5.0)), "Beta(2, 5)");
        assert_eq!(d(Dist::gamma(2.0, 1500.0)), "Gamma(shape 2, scale 1,500)");
        assert_eq!(
            d(Dist::discrete(vec![0.0, 1.0], vec![1.0, 3.0])),
            "Discrete: 0 (25%), 1 (75%)"
        );
    }

    #[test]
    fn numbers_as_written() {
        assert_eq!(exact(7562.5), "7,562.5");
        assert_eq!(exact(0.15), "0.15");
        assert_eq!(exact(-3.0), "−3");
        assert_eq!(exact(1.15e9), "1,150,000,000");
        assert_eq!(exact(0.0), "0");
        // Floating-point noise from a computed value is not shown.
        assert_eq!(exact(6999.999999999999), "7,000");
        assert_eq!(exact(7500.000000000001), "7,500");
        assert_eq!(exact(0.1 + 0.2), "0.3");
        assert_eq!(exact(123_456.789_012_3), "123,456.789012");
    }
}
