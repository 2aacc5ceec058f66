"""Run cradle and the numpy baseline on the same machine and compare.

Usage: python3 benches/baseline/compare.py [headline|evidence] [N]
       (defaults: headline, N = 10^7)

Builds cradle in release mode, runs scenarios/SCENARIO.toml with N
iterations on 1 thread and on all cores, runs the numpy version of the same
scenario (benches/baseline/SCENARIO_numpy.py, one core) keeping means only
and keeping everything for the percentiles, and prints a table of
throughputs and their ratios. It then checks that the means of
value_per_child, gross_savings and net_savings agree within 4 combined Monte
Carlo standard errors, and that cradle's summary.csv is the same on 1 thread
and on all cores. Exits 1 if either fails, 2 on bad arguments.

Throughput is iterations per CPU second (user + system time), not per
wall-clock second, because the machine may be shared: another process
stretches the wall time of a run but not its CPU time. For cradle the CPU
time is that of the whole process (start-up, sampling, model, summaries and
writing the CSV files; all threads); for numpy it is that of the sampling,
model and summaries, measured inside the script (interpreter start-up,
imports and reading the scenario are left out). Both choices favour numpy.
Per CPU second is per core: the all-cores row shows what cradle's threads
cost in parallel overhead, not its wall-clock speed-up.
"""

import csv
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from cradle_binary import ROOT, cradle_binary

SCENARIOS = ("headline", "evidence")
CHECKED = ("value_per_child", "gross_savings", "net_savings")
ONE_CORE = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def children_cpu():
    """User + system CPU seconds of the waited-for children so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cradle(binary, scenario, n, threads, out):
    """Run cradle; returns (wall s, CPU s, threads, summary rows, summary.csv text)."""
    cmd = [binary, "run", f"scenarios/{scenario}.toml", "-n", str(n), "--quiet", "-o", out]
    if threads:
        cmd += ["--threads", str(threads)]
    before = children_cpu()
    subprocess.run(cmd, cwd=ROOT, check=True)
    cpu = children_cpu() - before
    run = dict(csv.reader(open(Path(out) / "run.csv")))
    text = (Path(out) / "summary.csv").read_text()
    summary = {row["metric"]: row for row in csv.DictReader(text.splitlines())}
    return float(run["elapsed_s"]), cpu, int(run["threads"]), summary, text


def numpy(scenario, n, mode):
    script = str(ROOT / f"benches/baseline/{scenario}_numpy.py")
    env = {**os.environ, **ONE_CORE}
    result = subprocess.run(
        [sys.executable, script, str(n), "20260209", mode],
        capture_output=True, text=True, check=True, env=env,
    )
    return json.loads(result.stdout)


def main():
    args = sys.argv[1:]
    scenario = args.pop(0) if args and args[0] in SCENARIOS else "headline"
    if len(args) > 1 or (args and not args[0].isdigit()):
        print(f"usage: compare.py [{'|'.join(SCENARIOS)}] [N], N a whole number of iterations", file=sys.stderr)
        sys.exit(2)
    n = int(args[0]) if args else 10_000_000

    binary = cradle_binary()
    with tempfile.TemporaryDirectory() as tmp:
        t1, cpu1, _, summary, text1 = cradle(binary, scenario, n, 1, os.path.join(tmp, "one"))
        tn, cpun, threads, _, textn = cradle(binary, scenario, n, None, os.path.join(tmp, "all"))
    means = numpy(scenario, n, "means")
    full = numpy(scenario, n, "full")

    rows = [
        ("cradle, 1 thread", t1, cpu1),
        (f"cradle, {threads} threads", tn, cpun),
        ("numpy, means only", means["seconds"], means["cpu_seconds"]),
        ("numpy, + percentiles", full["seconds"], full["cpu_seconds"]),
    ]
    rate_means = n / means["cpu_seconds"]
    rate_full = n / full["cpu_seconds"]
    print(f"scenario: scenarios/{scenario}.toml, {n:,} iterations, machine: {os.cpu_count()} cores")
    print("rates are iterations per CPU second (user + system), i.e. per core; wall times are")
    print("shown but not used, since other processes on a shared machine stretch them.")
    print()
    header = f"{'':24s} {'wall s':>8s} {'CPU s':>8s} {'M it/CPU-s':>11s} {'x numpy means':>14s} {'x numpy full':>13s}"
    print(header)
    print("-" * len(header))
    for label, wall, cpu in rows:
        rate = n / cpu
        print(f"{label:24s} {wall:8.2f} {cpu:8.2f} {rate / 1e6:11.3f} {rate / rate_means:14.2f} {rate / rate_full:13.2f}")
    print()
    print(f"cradle wall-clock speed-up 1 -> {threads} threads: {t1 / tn:.2f}x "
          f"(parallel efficiency per CPU second: {cpu1 / cpun:.2f})")
    print("cradle CPU: whole process; numpy CPU: sampling, model and summaries only (both favour numpy)")
    print()

    ok = True
    for metric in CHECKED:
        ours = float(summary[metric]["mean"])
        se_ours = float(summary[metric]["mc_se"])
        theirs = means[metric]["mean"]
        se_theirs = means[metric]["sd"] / math.sqrt(n)
        z = (ours - theirs) / math.sqrt(se_ours**2 + se_theirs**2)
        verdict = "agree" if abs(z) < 4 else "DISAGREE"
        ok &= abs(z) < 4
        print(f"{metric:16s} cradle {ours:18.2f}  numpy {theirs:18.2f}  z = {z:+.2f}  {verdict}")
    if text1 == textn:
        print(f"cradle summary.csv identical on 1 and {threads} threads")
    else:
        ok = False
        print(f"cradle summary.csv DIFFERS between 1 and {threads} threads (determinism broken)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
