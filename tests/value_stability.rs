//! Value stability (as rand_distr's tests/value_stability.rs): the first five
//! draws of each distribution for a fixed seed and chunk. A change here
//! changes every result for a given seed; it must be deliberate and noted in
//! the changelog as value-breaking.

use cradle::Dist;
use cradle::sampling::chunk_rng;

fn first_five(dist: &Dist) -> [f64; 5] {
    let mut rng = chunk_rng(20_260_209, 3);
    let mut out = [0.0; 5];
    dist.fill(&mut rng, &mut out);
    out
}

#[test]
fn first_draws_are_stable() {
    let cases: Vec<(Dist, [f64; 5])> = vec![
        (
            Dist::uniform(0.0, 1.0).unwrap(),
            [
                0.9233917053452615,
                0.3977873472625756,
                0.08666239687432287,
                0.6515128345725368,
                0.7352164945583809,
            ],
        ),
        (
            Dist::triangular(0.05, 0.15, 0.30).unwrap(),
            [
                0.2464013894811377,
                0.14972303485937635,
                0.09654632017526274,
                0.1856834714333493,
                0.20035371831292087,
            ],
        ),
        (
            Dist::pert(0.05, 0.15, 0.30, 4.0).unwrap(),
            [
                0.28570414172507913,
                0.17341019437813032,
                0.22482952649252697,
                0.23555843159362677,
                0.15379487270447897,
            ],
        ),
        (
            Dist::normal(0.35, 0.13).unwrap(),
            [
                0.7049671658779939,
                0.31725949355409827,
                0.056324379735117835,
                0.4807955196856125,
                0.4197282502566002,
            ],
        ),
        (
            Dist::normal(0.35, 0.13).unwrap().truncate(0.0, 0.2).unwrap(),
            [
                0.19397506286052907,
                0.1381289569207476,
                0.0643929735595799,
                0.1692512320468473,
                0.17753636466131387,
            ],
        ),
        (
            Dist::lognormal(8.85, 0.42).unwrap(),
            [
                21956.466960391568,
                6274.336235330569,
                2700.525984844261,
                10642.068378969256,
                8736.595705957667,
            ],
        ),
        (
            Dist::beta(2.5, 6.0).unwrap(),
            [
                0.8352949989869284,
                0.3403764166619419,
                0.5370867879905705,
                0.5118473278047307,
                0.29334992555853723,
            ],
        ),
        (
            Dist::gamma(3.0, 2000.0).unwrap(),
            [
                20145.100545696503,
                834.5688778693623,
                7283.909882648947,
                5686.329103759459,
                15632.598862560493,
            ],
        ),
        (
            Dist::discrete(vec![1.0, 2.0, 3.0], vec![0.2, 0.5, 0.3]).unwrap(),
            [3.0, 2.0, 1.0, 2.0, 3.0],
        ),
    ];
    for (dist, expected) in cases {
        let got = first_five(&dist);
        for (g, e) in got.iter().zip(expected) {
            assert!((g - e).abs() <= 1e-12 * e.abs(), "{dist:?}: {got:?} vs {expected:?}");
        }
    }
}
