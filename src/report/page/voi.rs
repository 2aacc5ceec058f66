//! "Value of information": the seam where the report will show the value
//! of information analysis once `cradle voi` is part of the library (it is
//! being built on its own branch). The section is one function over the
//! findings that analysis returns, so wiring it in is one call in
//! `page::build` and one conversion from the analysis's result.

use crate::error::Result;
use crate::report::document::{Block, Figure, heading, paragraph, text};
use crate::report::figures::{self, Evppi, EvppiBar};
use crate::report::format::money;

/// What the value-of-information analysis found, as the page needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct VoiFindings<'a> {
    /// The decision metric (e.g. "Net savings").
    pub metric: &'a str,
    /// Expected value of perfect information per cohort, £.
    pub evpi_per_cohort: f64,
    /// EVPI over the stated horizon, £, and the horizon in years.
    pub evpi_horizon: Option<(f64, u32)>,
    /// EVPPI of each parameter and group, with intervals.
    pub evppi: &'a [EvppiBar<'a>],
}

/// The section: EVPI per cohort and over the horizon in a sentence, then
/// the EVPPI bars of every parameter and group with EVPI as a reference
/// line. EVPI is what resolving every uncertainty would be worth to the
/// decision to fund the programme; an EVPPI is what resolving one input
/// (or group) would be worth: research worth doing costs less than it.
pub fn section(v: &VoiFindings<'_>) -> Result<Vec<Block>> {
    let mut sentence = format!(
        "Resolving every uncertainty before deciding would be worth {} per annual cohort (the expected value of perfect information, EVPI, for {})",
        money(v.evpi_per_cohort),
        v.metric
    );
    if let Some((total, years)) = v.evpi_horizon {
        sentence.push_str(&format!(", or {} over {years} years", money(total)));
    }
    sentence.push_str(". The bars show what resolving each input or group alone would be worth (EVPPI); research that costs more than this is not worth doing for this decision.");
    let svg = figures::draw_evppi(&Evppi {
        per: "per cohort",
        bars: v.evppi,
        evpi: Some(v.evpi_per_cohort),
    })?;
    Ok(vec![
        heading(2, "Value of information", "voi"),
        paragraph(vec![text(sentence)]),
        Block::Figure(Figure {
            file: "evppi.svg".into(),
            svg,
            caption: "EVPPI of each input and group with its interval; the dashed line is the EVPI, which no EVPPI exceeds beyond estimation noise.".into(),
        }),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_section_states_evpi_and_draws_the_bars() {
        let bars = [
            EvppiBar {
                factor: "delta_p",
                evppi: 1.2e6,
                low: 1.0e6,
                high: 1.4e6,
            },
            EvppiBar {
                factor: "e_cd",
                evppi: 2.0e5,
                low: f64::NAN,
                high: f64::NAN,
            },
        ];
        let blocks = section(&VoiFindings {
            metric: "net savings",
            evpi_per_cohort: 1.5e6,
            evpi_horizon: Some((1.2e7, 10)),
            evppi: &bars,
        })
        .unwrap();
        let Block::Paragraph { text, .. } = &blocks[1] else {
            panic!()
        };
        let words = crate::report::document::plain(text);
        assert!(
            words.contains("£1.5m per annual cohort") && words.contains("£12m over 10 years"),
            "{words}"
        );
        assert!(matches!(&blocks[2], Block::Figure(f) if f.svg.contains("delta_p")));
    }
}
