//! `[[correlation]]`: Iman–Conover reaches the target rank correlations with
//! every sampler, leaves the marginals untouched, repairs an impossible
//! matrix with a warning, and rejects bad input.

mod common;

use assert_cmd::Command;
use cradle::engine::{self, CHUNK_SIZE, Observer, RunConfig, SampleBlock, Silent};
use cradle::sampling::Sampler;
use cradle::{Model, Scenario};
use predicates::prelude::*;

const BASE: &str = r#"
[parameters]
a = { dist = "lognormal", ci90 = [1, 10], source = "t" }
b = { dist = "triangular", min = 0, mode = 1, max = 5, source = "t" }
c = { dist = "pert", min = 0, mode = 0.3, max = 1, source = "t" }
d = { dist = "normal", mean = 0, sd = 1, source = "t" }
[metrics]
y = "a + b + c + d"
"#;

const PAIRS: &str = r#"
[[correlation]]
parameters = ["a", "b"]
rank = 0.6
[[correlation]]
parameters = ["b", "c", "d"]
matrix = [[1, -0.4, 0.2], [-0.4, 1, 0], [0.2, 0, 1]]
"#;

fn model(text: &str) -> Model {
    let dir = tempfile::tempdir().unwrap();
    Model::compile(&Scenario::load(common::write(dir.path(), "s.toml", text)).unwrap())
}

#[test]
fn targets_are_reached_with_every_sampler() {
    let m = model(&format!("{BASE}{PAIRS}"));
    for sampler in [Sampler::MonteCarlo, Sampler::LatinHypercube, Sampler::Sobol] {
        let config = RunConfig {
            iterations: 20_000,
            seed: 3,
            threads: Some(2),
            sampler,
            ..RunConfig::default()
        };
        let r = engine::run(&m, &config, &mut Silent).unwrap();
        assert_eq!(r.correlations.len(), 6, "every pair of the four correlated inputs");
        for c in &r.correlations {
            assert!(
                (c.achieved - c.target).abs() < 0.02,
                "{sampler:?} {}-{}: {} vs {}",
                c.a,
                c.b,
                c.achieved,
                c.target
            );
        }
        assert!(r.warnings.is_empty());
    }
}

struct Keep(Vec<Vec<f64>>);
impl Observer for Keep {
    fn samples(&mut self, block: &SampleBlock) -> cradle::Result<()> {
        if self.0.is_empty() {
            self.0 = vec![Vec::new(); block.columns.len()];
        }
        for (all, part) in self.0.iter_mut().zip(&block.columns) {
            all.extend_from_slice(part);
        }
        Ok(())
    }
}

#[test]
fn marginals_are_unchanged_only_the_pairing_moves() {
    let config = RunConfig {
        iterations: 5000,
        seed: 9,
        threads: Some(2),
        keep_samples: true,
        ..RunConfig::default()
    };
    let (mut with, mut without) = (Keep(Vec::new()), Keep(Vec::new()));
    engine::run(&model(&format!("{BASE}{PAIRS}")), &config, &mut with).unwrap();
    engine::run(&model(BASE), &config, &mut without).unwrap();
    for column in 0..4 {
        let (x, y) = (&with.0[column], &without.0[column]);
        assert_ne!(x, y, "the correlated column was reordered");
        for (cx, cy) in x.chunks(CHUNK_SIZE).zip(y.chunks(CHUNK_SIZE)) {
            let (mut sx, mut sy) = (cx.to_vec(), cy.to_vec());
            sx.sort_by(f64::total_cmp);
            sy.sort_by(f64::total_cmp);
            assert_eq!(sx, sy, "the same values in every chunk");
        }
    }
}

fn cradle() -> Command {
    let mut c = Command::cargo_bin("cradle").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

#[test]
fn an_impossible_matrix_is_repaired_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{BASE}\n[[correlation]]\nparameters = [\"a\", \"b\", \"c\"]\nmatrix = [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]\n"
    );
    let path = common::write(dir.path(), "bad.toml", &text);
    cradle()
        .arg("run")
        .arg(&path)
        .args(["-n", "20000", "--quiet", "-o"])
        .arg(dir.path().join("o"))
        .assert()
        .success()
        .stderr(predicate::str::contains("not positive semi-definite"))
        .stderr(predicate::str::contains("a–b: 0.9000 ->"));
    let run = std::fs::read_to_string(dir.path().join("o/run.csv")).unwrap();
    assert!(run.contains("correlation_repaired,true"));
    let target: f64 = run.lines().find(|l| l.starts_with("spearman_target:a:b,")).unwrap()[20..]
        .parse()
        .unwrap();
    let achieved: f64 = run.lines().find(|l| l.starts_with("spearman_achieved:a:b,")).unwrap()[22..]
        .parse()
        .unwrap();
    assert!(target < 0.9 && (achieved - target).abs() < 0.02);
}

#[test]
fn bad_correlations_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("[[correlation]]\nparameters = [\"a\", \"b\"]\nrank = 1.5\n", "[-1, 1]"),
        (
            "[[correlation]]\nparameters = [\"a\", \"b\"]\nrank = 0.5\n[[correlation]]\nparameters = [\"b\", \"a\"]\nrank = 0.4\n",
            "given 0.4 here but 0.5",
        ),
        (
            "[[correlation]]\nparameters = [\"a\", \"bb\"]\nrank = 0.5\n",
            "unknown parameter 'bb'",
        ),
        (
            "[[correlation]]\nparameters = [\"a\", \"b\", \"c\"]\nmatrix = [[1, 0.2], [0.2, 1]]\n",
            "3 × 3",
        ),
        (
            "[[correlation]]\nparameters = [\"a\", \"b\"]\nmatrix = [[1, 0.2], [0.3, 1]]\n",
            "symmetric",
        ),
    ];
    for (i, (extra, needle)) in cases.iter().enumerate() {
        let path = common::write(dir.path(), &format!("c{i}.toml"), &format!("{BASE}{extra}"));
        cradle()
            .arg("check")
            .arg(&path)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(*needle));
    }
}
