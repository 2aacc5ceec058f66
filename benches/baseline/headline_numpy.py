"""The headline model written the way an economist would write it in numpy.

Vectorised over chunks of 10^6 iterations with numpy.random.Generator
(PCG64). The distributions and their parameters are read from
scenarios/headline.toml so that both implementations use the same numbers;
the model's equations are written out by hand, as a user would, with
year-by-year Green Book discount factors.

Usage: python3 benches/baseline/headline_numpy.py [N] [SEED] [means|full] [CHUNK]
Prints one JSON line: iterations, mode, seconds (wall), cpu_seconds (this
process's user + system time for the sampling, model and summaries, without
interpreter start-up, imports or reading the scenario), iterations_per_s
(per CPU second), mean and sd of value_per_child, gross_savings and
net_savings, and in `full` mode the percentiles of each kept column.

CHUNK (default 10^6) is how many iterations are drawn and evaluated at
once. Smaller chunks (10^5) are about twice as fast per CPU second on the
development machine, through system time alone: each 8 MB temporary of a
10^6 chunk is a fresh memory mapping whose pages the kernel must zero.

`means` (the default) keeps running sums only: the least a user could do.
`full` also does what cradle's run reports: it keeps every value of the five
metrics and eight domain contributions and reads the percentiles of
summary.csv and breakdown.csv off them with np.percentile, as a user would.
"""

import json
import math
import sys
import time
import tomllib
from pathlib import Path

import numpy as np

Z90 = 1.6448536269514722
Z95 = 1.959963984540054
CHUNK = 1_000_000
# The columns `full` keeps: the five metrics, then the domain contributions.
METRICS = ["value_per_child", "gross_savings", "programme_cost", "net_savings", "benefit_cost_ratio"]
KEPT = METRICS + [
    "conduct_child", "conduct_adult", "depression_costs", "depression_qalys",
    "child_protection", "care_placement", "neet", "parent_mental_health",
]


# HM Treasury Green Book 2022, annex A6: (last year of the band, cost rate,
# health rate). The health rates are the published ones (1.5%, 1.29%,
# 1.07%, ...), as cradle uses them (src/discount.rs), not the cost rates
# scaled by 1.5/3.5.
GREEN_BOOK = (
    (30, 0.035, 0.015),
    (75, 0.030, 0.0129),
    (125, 0.025, 0.0107),
    (200, 0.020, 0.0086),
    (300, 0.015, 0.0064),
    (math.inf, 0.010, 0.0043),
)


def green_book_rate(s, health=False):
    """The Green Book rate r(s) for year s >= 1."""
    for last, cost, health_rate in GREEN_BOOK:
        if s <= last:
            return health_rate if health else cost
    raise AssertionError("the last band is open-ended")


def green_book_df(years, health=False):
    """DF(t) = prod_{s=1}^{t} 1/(1 + r(s)) for t = 0..years-1, year by year."""
    df = np.empty(years)
    d = 1.0
    for t in range(years):
        if t > 0:
            d /= 1.0 + green_book_rate(t, health)
        df[t] = d
    return df


def sampler(spec):
    """A function (rng, n) -> draws for one parameter spec of the TOML."""
    kind = spec["dist"]
    if kind == "fixed":
        v = float(spec["value"])
        return lambda rng, n: np.full(n, v)
    if kind == "triangular":
        a, c, b = spec["min"], spec["mode"], spec["max"]
        return lambda rng, n: rng.triangular(a, c, b, n)
    if kind == "lognormal":
        lo, hi = spec.get("ci90") or spec["ci95"]
        z = Z90 if "ci90" in spec else Z95
        mu = 0.5 * (math.log(lo) + math.log(hi))
        sigma = math.log(hi / lo) / (2 * z)
        return lambda rng, n: rng.lognormal(mu, sigma, n)
    raise ValueError(f"distribution {kind} not in the headline scenario")


def add_chunk(p, domains, sums, kept, full):
    """The metrics of one chunk from its domains' values per child (before
    the programme adjustment): sums and sums of squares of value per child,
    gross and net savings into `sums`, and with `full` every column KEPT
    names into `kept`. Shared by both baselines."""
    adjustment = (1 - p["deadweight"]) * p["attribution"] * (1 - p["optimism_bias"])
    value = adjustment * sum(domains)
    gross = p["families"] * value
    cost = p["families"] * p["cost_per_family"]
    net = gross - cost
    for key, x in (("value_per_child", value), ("gross_savings", gross), ("net_savings", net)):
        sums[key][0] += x.sum()
        sums[key][1] += (x * x).sum()
    if full:
        kept.append([value, gross, cost, net, gross / cost] + [adjustment * d for d in domains])


def report(n, full, sums, kept, start, cpu_start):
    """Print the JSON line compare.py reads: each metric's mean and SD, with
    `full` the percentiles of every kept column (computed inside the timed
    work, as cradle's are), and the wall and CPU seconds since `start` and
    `cpu_start`. Shared by both baselines."""
    percentiles = {}
    if full:
        probs = [2.5, 5, 25, 50, 75, 95, 97.5]
        for name, column in zip(KEPT, range(len(kept[0]))):
            values = np.concatenate([chunk[column] for chunk in kept])
            percentiles[name] = np.percentile(values, probs).tolist()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    out = {
        "iterations": n,
        "mode": "full" if full else "means",
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "iterations_per_s": n / cpu,
    }
    for key, (s1, s2) in sums.items():
        mean = s1 / n
        out[key] = {"mean": mean, "sd": math.sqrt(max(s2 / n - mean * mean, 0.0) * n / (n - 1))}
    if full:
        out["percentiles"] = percentiles
    print(json.dumps(out))


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 20260209
    full = len(sys.argv) > 3 and sys.argv[3] == "full"
    chunk = int(sys.argv[4]) if len(sys.argv) > 4 else CHUNK
    kept = []
    scenario = tomllib.loads((Path(__file__).parents[2] / "scenarios/headline.toml").read_text())
    params = {name: sampler(spec) for name, spec in scenario["parameters"].items()}

    df = green_book_df(70)
    df_health = green_book_df(70, health=True)
    pv = lambda a, b: df[a:b].sum()  # noqa: E731  sum of DF(t) for t in [a, b)
    pv_h = lambda a, b: df_health[a:b].sum()  # noqa: E731

    rng = np.random.default_rng(seed)
    sums = {k: [0.0, 0.0] for k in ("value_per_child", "gross_savings", "net_savings")}
    start, cpu_start = time.perf_counter(), time.process_time()
    done = 0
    while done < n:
        m = min(chunk, n - done)
        p = {name: draw(rng, m) for name, draw in params.items()}
        # No fade in the headline (rho = 1), so each stream is cost x sum of DF.
        fade = p["rho"] + (1 - p["rho"]) * 1.0
        conduct_child = p["delta_p"] * p["e_cd"] * p["c_cd_child"] * pv(5, 18) * fade
        conduct_adult = p["delta_p"] * p["e_cd"] * p["c_cd_adult"] * pv(18, 41) * fade
        dep_costs = p["delta_p"] * p["e_dep"] * p["s_dep"] * p["c_dep"] * pv(15, 66) * fade
        dep_qalys = p["delta_p"] * p["e_dep"] * p["qaly_on"] * p["s_dep"] * p["u_dep"] * p["v_qaly"] * pv_h(15, 66) * fade
        protection = p["delta_p"] * p["e_care"] * p["c_cp"] * pv(2, 3) * fade
        placement = p["delta_p"] * p["e_care"] * p["c_lac"] * p["dur_lac"] / 3 * pv(5, 8) * fade
        neet = p["delta_p"] * p["e_neet"] * p["c_neet"] * pv(16, 61) * fade
        parent = p["q_pmh"] * p["d_pmh"] * p["pv_pmh"]
        domains = (conduct_child, conduct_adult, dep_costs, dep_qalys, protection, placement, neet, parent)
        add_chunk(p, domains, sums, kept, full)
        done += m
    report(n, full, sums, kept, start, cpu_start)


if __name__ == "__main__":
    main()
