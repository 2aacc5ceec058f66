//! Value stability (as rand_distr's tests/value_stability.rs): the first five
//! draws of each distribution for a fixed seed and chunk (what Monte Carlo
//! uses), and its quantiles at five fixed u (what LHS, Sobol and the
//! sensitivity methods use). A change here changes every result for a given
//! seed; it must be deliberate and noted in the changelog as value-breaking.

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
            // α + β < 0.1: drawn in logarithms (CHANGELOG, Unreleased)
            Dist::beta(0.05, 0.03).unwrap(),
            [
                4.102759597289847e-6,
                0.9992468661551454,
                0.9999999999996831,
                0.9998487686869072,
                1.0,
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

/// Quantiles at u = 1e-12 and 1 − 1e-12 (beyond the tables: the exact
/// inverse) and 0.0125, 0.5, 0.77 (inside them).
fn five_quantiles(dist: &Dist) -> [f64; 5] {
    let mut out = [1e-12, 0.0125, 0.5, 0.77, 1.0 - 1e-12];
    dist.quantile_in_place(&mut out);
    out
}

#[test]
fn first_quantiles_are_stable() {
    let cases: Vec<(Dist, [f64; 5])> = vec![
        (
            Dist::uniform(0.0, 1.0).unwrap(),
            [1e-12, 0.0125, 0.5, 0.77, 0.999999999999],
        ),
        (
            Dist::triangular(0.05, 0.15, 0.30).unwrap(),
            [
                0.05000015811388301,
                0.0676776695296637,
                0.16306936062370847,
                0.20712912189496646,
                0.29999980635297463,
            ],
        ),
        (
            Dist::pert(0.05, 0.15, 0.30, 4.0).unwrap(),
            [
                0.05000242458542439,
                0.06955649644420366,
                0.15636770050057508,
                0.19548612371881147,
                0.2999603243072715,
            ],
        ),
        (
            Dist::normal(0.35, 0.13).unwrap(),
            [
                -0.5644828972891472,
                0.05861764541135717,
                0.35,
                0.4460500903940778,
                1.2644832983062186,
            ],
        ),
        (
            Dist::normal(0.35, 0.13).unwrap().truncate(0.0, 0.2).unwrap(),
            [
                1.475264355121908e-12,
                0.015653336844947963,
                0.15204682813672196,
                0.18078158824847892,
                0.19999999999992352,
            ],
        ),
        (
            Dist::lognormal(8.85, 0.42).unwrap(),
            [
                363.40459246434045,
                2720.6085187739955,
                6974.388970105816,
                9512.059338772668,
                133851.26532638323,
            ],
        ),
        (
            Dist::beta(2.5, 6.0).unwrap(),
            [
                3.8144130355112223e-6,
                0.04446920171300194,
                0.2773786570757704,
                0.40206389700489253,
                0.9935993395293963,
            ],
        ),
        (
            Dist::gamma(3.0, 2000.0).unwrap(),
            [
                0.36344062925274934,
                948.197592004294,
                5348.120627447135,
                8112.1717335469475,
                68104.79529897256,
            ],
        ),
        (
            // shape below 1: Q(u) ≈ πu²/4 in the lower tail (X = Z²/2)
            Dist::gamma(0.5, 1.0).unwrap(),
            [
                7.85398163397453e-25,
                0.0001227285039791844,
                0.22746821155978633,
                0.7204306940268795,
                25.422085666224593,
            ],
        ),
        (
            Dist::discrete(vec![1.0, 2.0, 3.0], vec![0.2, 0.5, 0.3]).unwrap(),
            [1.0, 1.0, 2.0, 3.0, 3.0],
        ),
    ];
    for (dist, expected) in cases {
        let got = five_quantiles(&dist);
        for (g, e) in got.iter().zip(expected) {
            assert!((g - e).abs() <= 1e-12 * e.abs(), "{dist:?}: {got:?} vs {expected:?}");
        }
    }
}
