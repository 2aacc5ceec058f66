"""The evidence model written the way an economist would write it in numpy/scipy.

Vectorised over chunks of 10^6 iterations with numpy.random.Generator
(PCG64). The distributions, their parameters and each domain's ages and
discount schedule are read from scenarios/evidence.toml so that both
implementations use the same numbers; the model's equations (the derived
attachment shift and liability-threshold links, the fade, the domains and
the programme) are written out by hand, as a user would, with year-by-year
Green Book discount factors and the fade ρ + (1 − ρ)·e^(−λt) evaluated year
by year for each iteration's own ρ and λ.

Usage: python3 benches/baseline/evidence_numpy.py [N] [SEED] [means|full] [CHUNK]
Prints one JSON line: iterations, mode, seconds (wall), cpu_seconds (this
process's user + system time for the sampling, model and summaries, without
interpreter start-up, imports or reading the scenario), iterations_per_s
(per CPU second), mean and sd of value_per_child, gross_savings and
net_savings, and in `full` mode the percentiles of each kept column.

CHUNK (default 10^6) is how many iterations are drawn and evaluated at
once; see headline_numpy.py on its effect on speed.

`means` (the default) keeps running sums only: the least a user could do.
`full` also does what cradle's run reports: it keeps every value of the five
metrics and eight domain contributions and reads the percentiles of
summary.csv and breakdown.csv off them with np.percentile, as a user would.
"""

import math
import sys
import time
import tomllib
from pathlib import Path

import numpy as np
from scipy import special, stats

from headline_numpy import KEPT, Z90, Z95, add_chunk, green_book_df, report

CHUNK = 1_000_000
SCENARIO = Path(__file__).resolve().parents[2] / "scenarios/evidence.toml"


def interval(spec):
    """(lo, hi, z) of a ci90 or ci95 key."""
    if "ci90" in spec:
        lo, hi = spec["ci90"]
        return lo, hi, Z90
    lo, hi = spec["ci95"]
    return lo, hi, Z95


def truncate(spec, draw, law):
    """Condition draws on [min, max] if the spec has either: inverse CDF of
    `law` (a frozen scipy distribution) on [F(min), F(max)]."""
    if "min" not in spec and "max" not in spec:
        return draw
    lo, hi = law.cdf(spec.get("min", -math.inf)), law.cdf(spec.get("max", math.inf))
    return lambda rng, n: law.ppf(rng.uniform(lo, hi, n))


def sampler(spec):
    """A function (rng, n) -> draws for one parameter spec of the TOML."""
    kind = spec["dist"]
    if kind == "fixed":
        v = float(spec["value"])
        return lambda rng, n: np.full(n, v)
    if kind == "uniform":
        a, b = spec["min"], spec["max"]
        return lambda rng, n: rng.uniform(a, b, n)
    if kind == "triangular":
        a, c, b = spec["min"], spec["mode"], spec["max"]
        return lambda rng, n: rng.triangular(a, c, b, n)
    if kind == "pert":
        a, c, b, lam = spec["min"], spec["mode"], spec["max"], spec.get("lambda", 4.0)
        al, be = 1 + lam * (c - a) / (b - a), 1 + lam * (b - c) / (b - a)
        return lambda rng, n: a + (b - a) * rng.beta(al, be, n)
    if kind == "beta":
        if "alpha" in spec:
            al, be = spec["alpha"], spec["beta"]
        else:
            m, s = spec["mean"], spec["sd"]
            nu = m * (1 - m) / (s * s) - 1
            al, be = m * nu, (1 - m) * nu
        return lambda rng, n: rng.beta(al, be, n)
    if kind == "normal":
        if "mean" in spec:
            mu, sd = spec["mean"], spec["sd"]
        else:
            lo, hi, z = interval(spec)
            mu, sd = (lo + hi) / 2, (hi - lo) / (2 * z)
        return truncate(spec, lambda rng, n: rng.normal(mu, sd, n), stats.norm(mu, sd))
    if kind == "lognormal":
        if "meanlog" in spec:
            mu, sigma = spec["meanlog"], spec["sdlog"]
        elif "mean" in spec:
            var_log = math.log1p((spec["sd"] / spec["mean"]) ** 2)
            mu, sigma = math.log(spec["mean"]) - var_log / 2, math.sqrt(var_log)
        else:
            lo, hi, z = interval(spec)
            mu, sigma = 0.5 * (math.log(lo) + math.log(hi)), math.log(hi / lo) / (2 * z)
        return truncate(spec, lambda rng, n: rng.lognormal(mu, sigma, n), stats.lognorm(sigma, scale=math.exp(mu)))
    if kind == "gamma":
        if "shape" in spec:
            k, theta = spec["shape"], spec["scale"]
        else:
            k, theta = (spec["mean"] / spec["sd"]) ** 2, spec["sd"] ** 2 / spec["mean"]
        return truncate(spec, lambda rng, n: rng.gamma(k, theta, n), stats.gamma(k, scale=theta))
    raise ValueError(f"distribution {kind} not handled by this baseline")


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 20260209
    full = len(sys.argv) > 3 and sys.argv[3] == "full"
    chunk = int(sys.argv[4]) if len(sys.argv) > 4 else CHUNK
    kept = []
    scenario = tomllib.loads(SCENARIO.read_text())
    params = {name: sampler(spec) for name, spec in scenario["parameters"].items()}
    domains = {d["name"]: d for d in scenario["domain"]}
    assert scenario["discounting"] == {"costs": "green-book", "health": "green-book-health"}

    horizon = max(d["ages"][1] for d in domains.values())
    df = green_book_df(horizon)
    df_health = green_book_df(horizon, health=True)
    # The faded streams: (name, first year, end year (exclusive), DF).
    faded = [
        (name, *d["ages"], df_health if d.get("discount") == "health" else df)
        for name, d in domains.items()
        if "fade" in d
    ]
    assert [name for name, *_ in faded] + ["parent_mental_health"] == KEPT[5:]
    assert domains["parent_mental_health"]["ages"] == [0, 1]  # no fade, undiscounted

    rng = np.random.default_rng(seed)
    sums = {k: [0.0, 0.0] for k in ("value_per_child", "gross_savings", "net_savings")}
    start, cpu_start = time.perf_counter(), time.process_time()
    done = 0
    while done < n:
        m = min(chunk, n - done)
        p = {name: draw(rng, m) for name, draw in params.items()}
        # Derived: the trial effect on disorganisation through the logit link,
        # and the liability-threshold excess risks.
        delta_p = p["impl"] * (p["p0"] - special.expit(special.logit(p["p0"]) - p["d_att"] * math.pi / math.sqrt(3)))
        e_cd = 1 - special.ndtr(special.ndtri(1 - p["b_cd"]) - p["d_cd"]) - p["b_cd"]
        e_dep = 1 - special.ndtr(special.ndtri(1 - p["b_dep"]) - p["d_dep"]) - p["b_dep"]
        # sum_t fade(t)·DF(t) for each faded stream, year by year:
        # fade(t) = rho + (1 - rho)·exp(-lambda·t).
        rho, lam = p["rho"], p["lambda"]
        pv = {name: np.zeros(m) for name, *_ in faded}
        for t in range(horizon):
            fade = rho + (1 - rho) * np.exp(-lam * t)
            for name, a, b, factors in faded:
                if a <= t < b:
                    pv[name] += factors[t] * fade
        contributions = (
            delta_p * e_cd * p["c_cd_child"] * pv["conduct_child"],
            delta_p * e_cd * p["c_cd_adult"] * pv["conduct_adult"],
            delta_p * e_dep * p["s_dep"] * p["c_dep"] * pv["depression_costs"],
            delta_p * e_dep * p["qaly_on"] * p["s_dep"] * p["u_dep"] * p["v_qaly"] * pv["depression_qalys"],
            delta_p * p["e_care"] * p["c_cp"] * pv["child_protection"],
            delta_p * p["e_care"] * p["c_lac"] * p["dur_lac"] / 3 * pv["care_placement"],
            delta_p * p["e_neet"] * p["c_neet"] * pv["neet"],
            p["q_pmh"] * p["d_pmh"] * p["pv_pmh"],
        )
        add_chunk(p, contributions, sums, kept, full)
        done += m
    report(n, full, sums, kept, start, cpu_start)


if __name__ == "__main__":
    main()
