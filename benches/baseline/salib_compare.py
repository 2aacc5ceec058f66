"""Sobol indices of the headline scenario: SALib (numpy) against cradle.

Usage: python3 benches/baseline/salib_compare.py [N]     (default N = 2^13)

Both analyse net_savings with N base samples, first and total order, 1000
bootstrap resamples. SALib gets the headline model written in numpy (the same
equations and distributions as benches/baseline/headline_numpy.py); its time
covers sampling, model evaluation and analysis. cradle's time is its own
elapsed_s from sensitivity_run.csv. Prints both times and the indices side
by side.
"""

import csv
import math
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import numpy as np
from scipy import stats
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benches/baseline"))
from cradle_binary import cradle_binary  # noqa: E402
from headline_numpy import Z90, Z95, green_book_df  # noqa: E402


def ppf(spec):
    kind = spec["dist"]
    if kind == "triangular":
        a, c, b = spec["min"], spec["mode"], spec["max"]
        return lambda u: stats.triang.ppf(u, (c - a) / (b - a), loc=a, scale=b - a)
    if kind == "lognormal":
        lo, hi = spec.get("ci90") or spec["ci95"]
        z = Z90 if "ci90" in spec else Z95
        mu, sigma = 0.5 * (math.log(lo) + math.log(hi)), math.log(hi / lo) / (2 * z)
        return lambda u: np.exp(mu + sigma * stats.norm.ppf(u))
    raise ValueError(kind)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2**13
    scenario = tomllib.loads((ROOT / "scenarios/headline.toml").read_text())
    params = scenario["parameters"]
    uncertain = [name for name, spec in params.items() if spec["dist"] != "fixed"]
    fixed = {name: float(spec["value"]) for name, spec in params.items() if spec["dist"] == "fixed"}
    df, dfh = green_book_df(70), green_book_df(70, health=True)
    pv = lambda a, b: df[a:b].sum()  # noqa: E731
    pvh = lambda a, b: dfh[a:b].sum()  # noqa: E731

    start = time.perf_counter()
    problem = {"num_vars": len(uncertain), "names": uncertain, "bounds": [[0, 1]] * len(uncertain)}
    u = sobol_sample.sample(problem, n, calc_second_order=False, seed=1)
    p = dict(fixed)
    for j, name in enumerate(uncertain):
        p[name] = ppf(params[name])(u[:, j])
    value = (
        p["delta_p"] * p["e_cd"] * (p["c_cd_child"] * pv(5, 18) + p["c_cd_adult"] * pv(18, 41))
        + p["delta_p"] * p["e_dep"] * p["s_dep"] * p["c_dep"] * pv(15, 66)
        + p["delta_p"] * p["e_dep"] * p["qaly_on"] * p["s_dep"] * p["u_dep"] * p["v_qaly"] * pvh(15, 66)
        + p["delta_p"] * p["e_care"] * (p["c_cp"] * pv(2, 3) + p["c_lac"] * p["dur_lac"] / 3 * pv(5, 8))
        + p["delta_p"] * p["e_neet"] * p["c_neet"] * pv(16, 61)
        + p["q_pmh"] * p["d_pmh"] * p["pv_pmh"]
    )
    net = p["families"] * value - p["families"] * p["cost_per_family"]
    result = sobol_analyze.analyze(problem, net, calc_second_order=False, num_resamples=1000, seed=1)
    salib_s = time.perf_counter() - start

    binary = cradle_binary()
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [binary, "sensitivity", "scenarios/headline.toml", "--method", "sobol",
             "-n", str(n), "--quiet", "-o", out],
            cwd=ROOT, check=True,
        )
        run = dict(csv.reader(open(Path(out) / "sensitivity_run.csv")))
        ours = {row["parameter"]: row for row in csv.DictReader(open(Path(out) / "sobol.csv"))}
    cradle_s = float(run["elapsed_s"])
    print(f"N = {n} base samples, {len(uncertain)} inputs, {n * (len(uncertain) + 2):,} evaluations, 1000 bootstrap resamples")
    print(f"SALib (numpy): {salib_s:6.2f} s")
    print(f"cradle:        {cradle_s:6.2f} s   ({salib_s / cradle_s:.1f}x faster)")
    print(f"{'input':16s} {'S1 SALib':>9s} {'S1 cradle':>9s} {'ST SALib':>9s} {'ST cradle':>9s}")
    for j, name in enumerate(uncertain):
        print(f"{name:16s} {result['S1'][j]:9.3f} {float(ours[name]['s1']):9.3f} {result['ST'][j]:9.3f} {float(ours[name]['st']):9.3f}")


if __name__ == "__main__":
    main()
