"""Run cradle and the numpy baseline on the same machine and compare.

Usage: python3 benches/baseline/compare.py [N]   (default 10^7)

Builds cradle in release mode, runs the headline scenario with N iterations
on 1 thread and on all cores, runs the numpy version (numpy uses one core),
prints both throughputs and their ratio, and checks that the means of
value_per_child, gross_savings and net_savings agree within 4 combined
Monte Carlo standard errors. Exits 1 if they do not.
"""

import csv
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from cradle_binary import ROOT, cradle_binary


def cradle(n, threads, out):
    cmd = [cradle_binary(), "run", "scenarios/headline.toml", "-n", str(n), "--quiet", "-o", out]
    if threads:
        cmd += ["--threads", str(threads)]
    subprocess.run(cmd, cwd=ROOT, check=True)
    run = dict(csv.reader(open(Path(out) / "run.csv")))
    summary = {row["metric"]: row for row in csv.DictReader(open(Path(out) / "summary.csv"))}
    return float(run["elapsed_s"]), int(run["threads"]), summary


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    with tempfile.TemporaryDirectory() as tmp:
        t1, _, summary = cradle(n, 1, os.path.join(tmp, "one"))
        tn, threads, _ = cradle(n, None, os.path.join(tmp, "all"))
    script = str(ROOT / "benches/baseline/headline_numpy.py")
    numpy = json.loads(subprocess.run([sys.executable, script, str(n)], capture_output=True, text=True, check=True).stdout)
    full = json.loads(subprocess.run([sys.executable, script, str(n), "20260209", "full"], capture_output=True, text=True, check=True).stdout)
    rate_np = numpy["iterations_per_s"]
    rate_full = full["iterations_per_s"]
    print(f"iterations: {n:,}")
    print(f"numpy, means only (1 core):      {rate_np / 1e6:6.2f} M iterations/s  ({numpy['seconds']:.2f} s)")
    print(f"numpy, + percentiles (1 core):   {rate_full / 1e6:6.2f} M iterations/s  ({full['seconds']:.2f} s)")
    for label, seconds in ((f"cradle (1 thread):", t1), (f"cradle ({threads} threads):", tn)):
        rate = n / seconds
        print(f"{label:33s}{rate / 1e6:6.2f} M iterations/s  ({seconds:.2f} s)  "
              f"{rate / rate_np:4.1f}x numpy means-only, {rate / rate_full:4.1f}x numpy with percentiles")
    print(f"cradle scaling 1 -> {threads} threads: {t1 / tn:.2f}x")
    ok = True
    for metric in ("value_per_child", "gross_savings", "net_savings"):
        ours = float(summary[metric]["mean"])
        se_ours = float(summary[metric]["mc_se"])
        theirs = numpy[metric]["mean"]
        se_theirs = numpy[metric]["sd"] / math.sqrt(n)
        z = (ours - theirs) / math.sqrt(se_ours**2 + se_theirs**2)
        verdict = "agree" if abs(z) < 4 else "DISAGREE"
        ok &= abs(z) < 4
        print(f"{metric:16s} cradle {ours:18.2f}  numpy {theirs:18.2f}  z = {z:+.2f}  {verdict}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
