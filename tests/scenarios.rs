//! The scenario library: every file loads, checks and runs; the evidence
//! base case equals a hand computation; each variant differs from its parent
//! in exactly the keys it overrides; extends chains and errors.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use cradle::discount::Schedule;
use cradle::engine::{self, RunConfig, Silent};
use cradle::scenario::{DiscountSpec, Fade};
use cradle::special::{norm_cdf, norm_inv};
use cradle::{Model, Scenario};

fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            toml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

#[test]
fn every_scenario_loads_checks_and_runs() {
    let mut files = Vec::new();
    toml_files(&common::repo("scenarios"), &mut files);
    assert!(files.len() >= 25, "{} scenario files", files.len());
    for path in files {
        let scenario = Scenario::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let model = Model::compile(&scenario);
        assert!(
            model.base_case().iter().all(|v| v.is_finite()),
            "{}: non-finite base case",
            path.display()
        );
        let config = RunConfig {
            iterations: 3000,
            seed: 1,
            threads: Some(2),
            keep_samples: false,
            ..RunConfig::default()
        };
        let result = engine::run(&model, &config, &mut Silent).unwrap();
        assert_eq!(result.nonfinite_iterations, 0, "{}", path.display());
        for p in &scenario.parameters {
            assert!(
                p.source.as_deref().is_some_and(|s| s.len() > 8),
                "{}: parameter {} has no source",
                path.display(),
                p.name
            );
        }
    }
}

#[test]
fn evidence_base_case_by_hand() {
    let s = Scenario::load(common::repo("scenarios/evidence.toml")).unwrap();
    let m = Model::compile(&s);
    let values = m.base_case();
    let vpc = values[m.outputs.iter().position(|o| o.name == "value_per_child").unwrap()];
    let p = |n: &str| s.parameter(n).unwrap().base;
    let logit = |x: f64| (x / (1.0 - x)).ln();
    let logistic = |x: f64| 1.0 / (1.0 + (-x).exp());
    // Chinn 2000: ln OR = d·π/√3.
    let delta_p = p("impl") * (p("p0") - logistic(logit(p("p0")) - p("d_att") * std::f64::consts::PI / 3f64.sqrt()));
    let threshold = |b: f64, d: f64| 1.0 - norm_cdf(norm_inv(1.0 - b) - d) - b;
    let (e_cd, e_dep) = (threshold(p("b_cd"), p("d_cd")), threshold(p("b_dep"), p("d_dep")));
    assert!(
        (delta_p / p("impl") - 0.157).abs() < 0.001 && (e_cd - 0.073).abs() < 0.001 && (e_dep - 0.050).abs() < 0.001,
        "docs/evidence.md#worked-base-cases: a fall of 0.157 before implementation, E_cd 0.073, E_dep 0.050"
    );
    let gb = Schedule::green_book();
    let health = Schedule::green_book_health();
    let fade = |t: u32| p("rho") + (1.0 - p("rho")) * (-p("lambda") * f64::from(t)).exp();
    let pv = |s: &Schedule, a: u32, b: u32| (a..b).map(|t| fade(t) * s.discount_factor(t)).sum::<f64>();
    let child = delta_p
        * (e_cd * (p("c_cd_child") * pv(&gb, 5, 18) + p("c_cd_adult") * pv(&gb, 18, 41))
            + e_dep
                * p("s_dep")
                * (p("c_dep") * pv(&gb, 15, 66) + p("qaly_on") * p("u_dep") * p("v_qaly") * pv(&health, 15, 66))
            + p("e_care") * (p("c_cp") * pv(&gb, 2, 3) + p("c_lac") * p("dur_lac") / 3.0 * pv(&gb, 5, 8))
            + p("e_neet") * p("c_neet") * pv(&gb, 16, 61));
    let parent = p("q_pmh") * p("d_pmh") * p("pv_pmh");
    let adjustment = (1.0 - p("deadweight")) * p("attribution") * (1.0 - p("optimism_bias"));
    let by_hand = adjustment * (child + parent);
    assert!((vpc - by_hand).abs() < 1e-9 * by_hand, "{vpc} vs {by_hand}");
    assert!(
        (by_hand - 1560.0).abs() < 10.0,
        "docs/evidence.md#worked-base-cases: about £1,560 per child, got {by_hand}"
    );
}

/// What a scenario says about each named item, as comparable text.
fn items(s: &Scenario) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for p in &s.parameters {
        out.push((
            format!("parameters.{}", p.name),
            format!("{:?} base {}", p.dist, p.base),
        ));
    }
    for d in &s.derived {
        out.push((format!("derived.{}", d.name), d.text.clone()));
    }
    for d in &s.domains {
        let fade = match &d.fade {
            Fade::None => "none".to_string(),
            Fade::FloorRate { floor, rate } => format!("{} {}", floor.text, rate.text),
            Fade::HalfLife(h) => h.text.clone(),
        };
        let growth = d.growth.as_ref().map_or(String::new(), |g| g.text.clone());
        out.push((
            format!("domain.{}", d.name),
            format!(
                "{} {} {} {:?} {} {:?} {}",
                d.payer, d.effect.text, d.annual_cost.text, d.ages, fade, d.discount, growth
            ),
        ));
    }
    let spec = |d: &DiscountSpec| match d {
        DiscountSpec::GreenBook => "green-book".to_string(),
        DiscountSpec::GreenBookHealth => "green-book-health".to_string(),
        DiscountSpec::Rate(f) => f.text.clone(),
    };
    out.push(("discounting.costs".into(), spec(&s.discounting.costs)));
    out.push(("discounting.health".into(), spec(&s.discounting.health)));
    if let Some(p) = &s.programme {
        out.push(("programme.reach".into(), p.reach.text.clone()));
        out.push(("programme.cost_per_family".into(), p.cost_per_family.text.clone()));
        out.push((
            "programme.adjustment".into(),
            p.adjustment.as_ref().map_or(String::new(), |a| a.text.clone()),
        ));
    }
    for c in &s.claims {
        out.push((format!("claim.{}", c.metric), c.value.to_string()));
    }
    out
}

/// The keys a variant file overrides, read from its own text.
fn overridden(path: &Path) -> BTreeSet<String> {
    let table: toml::Table = std::fs::read_to_string(path).unwrap().parse().unwrap();
    let mut keys = BTreeSet::new();
    for (section, value) in &table {
        match (section.as_str(), value) {
            ("scenario" | "settings", _) => {}
            ("domain", toml::Value::Array(list)) => {
                for d in list {
                    keys.insert(format!("domain.{}", d["name"].as_str().unwrap()));
                }
            }
            (_, toml::Value::Table(t)) => {
                for key in t.keys() {
                    keys.insert(format!("{section}.{key}"));
                }
            }
            _ => panic!("{}: unexpected [{section}]", path.display()),
        }
    }
    keys
}

#[test]
fn each_variant_differs_from_its_parent_in_exactly_the_keys_it_overrides() {
    let mut files = Vec::new();
    toml_files(&common::repo("scenarios/variants"), &mut files);
    assert!(files.len() >= 18);
    for path in files {
        let parent_name = path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .split('-')
            .next()
            .unwrap()
            .to_string();
        let parent = Scenario::load(common::repo(&format!("scenarios/{parent_name}.toml"))).unwrap();
        let variant = Scenario::load(&path).unwrap();
        let (a, b) = (items(&parent), items(&variant));
        let mut differing = BTreeSet::new();
        for (key, value) in &b {
            if a.iter().find(|(k, _)| k == key).map(|(_, v)| v) != Some(value) {
                differing.insert(key.clone());
            }
        }
        for (key, _) in &a {
            assert!(b.iter().any(|(k, _)| k == key), "{}: {key} disappeared", path.display());
        }
        assert_eq!(differing, overridden(&path), "{}", path.display());
    }
}

#[test]
fn a_long_extends_chain_works() {
    let dir = tempfile::tempdir().unwrap();
    let headline = common::repo("scenarios/headline.toml");
    common::write(
        dir.path(),
        "l1.toml",
        &format!(
            "[scenario]\nextends = \"{}\"\n[parameters]\nfamilies = 30000\n",
            headline.display()
        ),
    );
    common::write(
        dir.path(),
        "l2.toml",
        "[scenario]\nextends = \"l1.toml\"\n[parameters]\nqaly_on = 0\n",
    );
    common::write(
        dir.path(),
        "l3.toml",
        "[scenario]\nextends = \"l2.toml\"\n[discounting]\ncosts = 0.035\n",
    );
    common::write(
        dir.path(),
        "l4.toml",
        "[scenario]\nextends = \"l3.toml\"\nname = \"four levels\"\n[settings]\nseed = 7\n",
    );
    let s = Scenario::load(dir.path().join("l4.toml")).unwrap();
    assert_eq!(s.files.len(), 5);
    assert_eq!((s.name.as_str(), s.settings.seed), ("four levels", 7));
    assert_eq!(s.parameter("families").unwrap().base, 30000.0);
    assert_eq!(s.parameter("qaly_on").unwrap().base, 0.0);
    assert!(matches!(&s.discounting.costs, DiscountSpec::Rate(f) if f.text == "0.035"));
    assert!(matches!(s.discounting.health, DiscountSpec::GreenBookHealth));
}
