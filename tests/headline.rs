//! The headline scenario's base case, computed by hand from the scenario's
//! own numbers (year-by-year Green Book discounting, no closed forms), and
//! checked against the published figures.

mod common;

use cradle::discount::Schedule;
use cradle::{Model, Scenario};

fn base(s: &Scenario, name: &str) -> f64 {
    s.parameter(name).unwrap_or_else(|| panic!("no parameter {name}")).base
}

/// Σ_{t=a}^{b−1} DF(t), year by year.
fn pv(schedule: &Schedule, a: u32, b: u32) -> f64 {
    (a..b).map(|t| schedule.discount_factor(t)).sum()
}

#[test]
fn headline_base_case_by_hand() {
    let s = Scenario::load(common::repo("scenarios/headline.toml")).unwrap();
    let m = Model::compile(&s);
    let values = m.base_case();
    let get = |name: &str| values[m.outputs.iter().position(|o| o.name == name).unwrap()];

    let gb = Schedule::green_book();
    let health = Schedule::green_book_health();
    let p = |n: &str| base(&s, n);
    let a = p("delta_p");
    let conduct = a * p("e_cd") * (p("c_cd_child") * pv(&gb, 5, 18) + p("c_cd_adult") * pv(&gb, 18, 41));
    let dep_costs = a * p("e_dep") * p("s_dep") * p("c_dep") * pv(&gb, 15, 66);
    let dep_qalys = a * p("e_dep") * p("qaly_on") * p("s_dep") * p("u_dep") * p("v_qaly") * pv(&health, 15, 66);
    let care = a * p("e_care") * (p("c_cp") * pv(&gb, 2, 3) + p("c_lac") * p("dur_lac") / 3.0 * pv(&gb, 5, 8));
    let neet = a * p("e_neet") * p("c_neet") * pv(&gb, 16, 61);
    let parent = p("q_pmh") * p("d_pmh") * p("pv_pmh");
    let adjustment = (1.0 - p("deadweight")) * p("attribution") * (1.0 - p("optimism_bias"));
    let per_child = adjustment * (conduct + dep_costs + dep_qalys + care + neet + parent);
    let gross = p("families") * per_child;
    let cost = p("families") * p("cost_per_family");

    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs();
    assert!(
        close(get("value_per_child"), per_child),
        "{} vs {per_child}",
        get("value_per_child")
    );
    assert!(close(get("gross_savings"), gross));
    assert!(close(get("programme_cost"), cost));
    assert!(close(get("net_savings"), gross - cost));
    assert!(close(get("benefit_cost_ratio"), gross / cost));

    // The published figures: > £40,000 per child; > £1.15bn for 28,800 families (28,800 × £40,000 = £1.152bn).
    assert_eq!(p("families"), 28_800.0);
    assert!((per_child / 40_000.0 - 1.0).abs() < 0.01, "value per child {per_child}");
    assert!((gross / 1.152e9 - 1.0).abs() < 0.01, "gross savings {gross}");
    // docs/evidence.md#worked-base-cases: PV per case of conduct £128,697 (Green Book, ages 5-17 and 18-40)
    let pv_conduct = p("c_cd_child") * pv(&gb, 5, 18) + p("c_cd_adult") * pv(&gb, 18, 41);
    assert!((pv_conduct - 128_697.0).abs() < 1.0);
}

#[test]
fn every_headline_parameter_names_its_source() {
    let s = Scenario::load(common::repo("scenarios/headline.toml")).unwrap();
    for p in &s.parameters {
        let src = p.source.as_deref().unwrap_or("");
        assert!(src.len() > 10, "parameter {} has no source", p.name);
    }
    for calibrated in ["delta_p", "e_cd", "e_dep", "e_care", "e_neet", "d_pmh"] {
        assert!(
            s.parameter(calibrated)
                .unwrap()
                .source
                .as_deref()
                .unwrap()
                .contains("Calibrated to reproduce the published figure")
        );
    }
}
