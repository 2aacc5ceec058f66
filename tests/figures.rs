//! Every figure drawn from real (small) analyses of the shipped scenarios:
//! each is a well-formed SVG labelled for screen readers, and drawing it
//! again gives the same bytes. With CRADLE_FIGURES_DIR set, the figures are
//! also written there to be looked at.

mod common;

use cradle::compare::compare;
use cradle::engine::{self, RunConfig};
use cradle::report::figures::{self, FigureError};
use cradle::report::format::Unit;
use cradle::sensitivity::{self, prcc, sobol, tornado};
use cradle::stats::{histogram, quantile_rows, summarise};
use cradle::{Model, Scenario};

fn load(path: &str) -> (Scenario, Model) {
    let s = Scenario::load(common::repo(path)).unwrap();
    let m = Model::compile(&s);
    (s, m)
}

/// (file name, SVG) of every figure.
fn draw_all() -> Result<Vec<(&'static str, String)>, FigureError> {
    let (scenario, model) = load("scenarios/headline.toml");
    let config = RunConfig {
        iterations: 20_000,
        seed: 7,
        threads: Some(1),
        ..RunConfig::default()
    };
    let result = engine::run(&model, &config, &mut engine::Silent).unwrap();
    let base = model.base_case();
    let k = model.outputs.iter().position(|o| o.name == "value_per_child").unwrap();
    let metric = "Value per child";
    let claim = model.outputs[k].claim;
    let stats = &result.outputs[k];
    let mut out = Vec::new();

    let bins = histogram(&stats.sketch, 50);
    let histogram = figures::Histogram {
        metric,
        unit: Unit::Money,
        bins: &bins,
        claim,
        base_case: Some(base[k]),
    };
    out.push(("histogram", figures::draw_histogram(&histogram)?));

    let quantiles = quantile_rows(&stats.sketch);
    let cdf = figures::Cdf {
        metric,
        unit: Unit::Money,
        quantiles: &quantiles,
        claim,
        prob_meets_claim: summarise(stats, claim).prob_meets_claim,
    };
    out.push(("cdf", figures::draw_cdf(&cdf)?));

    let domains: Vec<figures::DomainValue> = model
        .domains
        .iter()
        .zip(&result.outputs[model.n_metrics..])
        .map(|(d, s)| figures::DomainValue {
            domain: &d.name,
            payer: &d.payer,
            mean: s.moments.mean,
        })
        .collect();
    out.push((
        "breakdown",
        figures::draw_breakdown(&figures::Breakdown { domains: &domains })?,
    ));

    let rows = tornado::tornado(&model, &[k], (5.0, 95.0));
    let t = figures::Tornado {
        metric,
        unit: Unit::Money,
        rows: &rows,
        claim,
    };
    out.push(("tornado", figures::draw_tornado(&t)?));

    let factors = sensitivity::factors(&scenario, &model);
    let sobol_config = sobol::SobolConfig {
        base_samples: 512,
        seed: 7,
        bootstrap: 200,
        second_order: false,
    };
    let s = sobol::sobol(&model, &factors, &[k], &sobol_config).unwrap();
    out.push((
        "sobol",
        figures::draw_sobol(&figures::SobolIndices { metric, rows: &s.rows })?,
    ));

    let (p, _) = prcc::prcc(&model, &[k], 4_000, 7, Some(1)).unwrap();
    out.push(("prcc", figures::draw_prcc(&figures::Prcc { metric, rows: &p })?));

    let variants = [
        ("headline", "scenarios/headline.toml"),
        ("fade-out", "scenarios/variants/headline-fade-out.toml"),
        ("no QALYs", "scenarios/variants/headline-no-qalys.toml"),
        ("childhood only", "scenarios/variants/headline-childhood-only.toml"),
        ("undiscounted", "scenarios/variants/headline-undiscounted.toml"),
    ];
    let models: Vec<(String, Model)> = variants.iter().map(|(l, p)| (l.to_string(), load(p).1)).collect();
    let pairs: Vec<(String, &Model)> = models.iter().map(|(l, m)| (l.clone(), m)).collect();
    let compare_config = RunConfig {
        iterations: 4_000,
        ..config.clone()
    };
    let comparison = compare(&pairs, &compare_config).unwrap();
    let differences = figures::differences(&comparison, "value_per_child");
    let forest = figures::Forest {
        metric,
        unit: Unit::Money,
        baseline: "headline",
        differences: &differences,
    };
    out.push(("forest", figures::draw_forest(&forest)?));

    // The value-of-information analysis is not in the library yet: made-up numbers of a plausible shape.
    let bars = [
        figures::EvppiBar {
            factor: "effect sizes (group)",
            evppi: 61e6,
            low: 52e6,
            high: 70e6,
        },
        figures::EvppiBar {
            factor: "fade",
            evppi: 24e6,
            low: 18e6,
            high: 31e6,
        },
        figures::EvppiBar {
            factor: "unit costs (group)",
            evppi: 9e6,
            low: 5e6,
            high: 13e6,
        },
        figures::EvppiBar {
            factor: "deadweight",
            evppi: 2e6,
            low: 0.0,
            high: 4.5e6,
        },
    ];
    let evppi = figures::Evppi {
        per: "per cohort",
        bars: &bars,
        evpi: Some(88e6),
    };
    out.push(("evppi", figures::draw_evppi(&evppi)?));

    let checkpoints: Vec<engine::Checkpoint> = result.convergence.iter().filter(|c| c.metric == k).cloned().collect();
    let convergence = figures::Convergence {
        metric,
        unit: Unit::Money,
        checkpoints: &checkpoints,
    };
    out.push(("convergence_mean", figures::draw_convergence_mean(&convergence)?));
    out.push((
        "convergence_percentiles",
        figures::draw_convergence_percentiles(&convergence)?,
    ));
    Ok(out)
}

#[test]
fn every_figure_of_a_real_run_is_a_labelled_deterministic_svg() {
    let first = draw_all().unwrap();
    let again = draw_all().unwrap();
    assert_eq!(first.len(), 10);
    for ((name, a), (_, b)) in first.iter().zip(&again) {
        assert_eq!(a, b, "{name} is not deterministic");
        let doc = roxmltree::Document::parse(a).unwrap_or_else(|e| panic!("{name}: {e}"));
        let root = doc.root_element();
        assert_eq!(root.attribute("role"), Some("img"), "{name}");
        assert_eq!(
            root.attribute("width"),
            Some(figures::WIDTH.to_string().as_str()),
            "{name}"
        );
        let kids: Vec<_> = root.children().filter(|n| n.is_element()).collect();
        assert_eq!(kids[0].tag_name().name(), "title", "{name}");
        assert_eq!(kids[1].tag_name().name(), "desc", "{name}");
        let drawn = doc.descendants().filter(|n| n.is_element()).count();
        assert!(drawn > 20, "{name} draws only {drawn} elements");
    }
    // Ids stay distinct when every figure is inlined in one page.
    let mut ids: Vec<String> = first
        .iter()
        .map(|(_, svg)| {
            let doc = roxmltree::Document::parse(svg).unwrap();
            doc.root_element().attribute("aria-labelledby").unwrap().to_string()
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), first.len());
    if let Some(dir) = std::env::var_os("CRADLE_FIGURES_DIR") {
        std::fs::create_dir_all(&dir).unwrap();
        for (name, svg) in &first {
            std::fs::write(std::path::Path::new(&dir).join(format!("{name}.svg")), svg).unwrap();
        }
    }
}
