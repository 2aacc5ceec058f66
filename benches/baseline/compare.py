"""Run cradle and the numpy baseline on the same machine and compare.

Usage: python3 benches/baseline/compare.py [headline|evidence|both] [N]
           [--reps R] [--chunk C]
       (defaults: both scenarios, N = 2*10^6, R = 3, numpy's chunks of 10^6)

Builds cradle in release mode, then R times in alternation and for each
scenario: runs scenarios/SCENARIO.toml with N iterations on 1 thread and on
all cores, and runs the numpy version of the same scenario
(benches/baseline/SCENARIO_numpy.py, one core, chunks of C) keeping means
only and keeping everything for the percentiles. Prints a table per scenario
of median throughputs and of the ratios measured side by side within each
repetition. It then checks that the means of
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


def numpy(scenario, n, mode, chunk=None):
    script = str(ROOT / f"benches/baseline/{scenario}_numpy.py")
    env = {**os.environ, **ONE_CORE}
    result = subprocess.run(
        [sys.executable, script, str(n), "20260209", mode] + ([str(chunk)] if chunk else []),
        capture_output=True, text=True, check=True, env=env,
    )
    return json.loads(result.stdout)


def parse_args(args):
    """(scenarios, n, reps, numpy chunk or None) from the command line; exits 2 on bad input."""
    usage = (f"usage: compare.py [{'|'.join(SCENARIOS)}|both] [N] [--reps R] [--chunk C]\n"
             "  N: iterations (default 2000000); R: alternating repetitions (default 3);\n"
             "  C: numpy's chunk size (default: the scripts' 10^6)")
    scenarios, numbers, reps, chunk = list(SCENARIOS), [], 3, None
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in SCENARIOS:
            scenarios = [arg]
        elif arg == "both":
            scenarios = list(SCENARIOS)
        elif arg in ("--reps", "--chunk") and i + 1 < len(args) and args[i + 1].isdigit() and int(args[i + 1]) > 0:
            if arg == "--reps":
                reps = int(args[i + 1])
            else:
                chunk = int(args[i + 1])
            i += 1
        elif arg.isdigit() and int(arg) > 0 and not numbers:
            numbers.append(int(arg))
        else:
            print(f"compare.py: unexpected argument {arg!r}\n{usage}", file=sys.stderr)
            sys.exit(2)
        i += 1
    return scenarios, numbers[0] if numbers else 2_000_000, reps, chunk


def median(values):
    values = sorted(values)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def main():
    scenarios, n, reps, chunk = parse_args(sys.argv[1:])
    binary = cradle_binary()
    labels = ("cradle, 1 thread", "cradle, all threads", "numpy, means only", "numpy, + percentiles")
    # cpu[scenario][label] and wall[...]: one entry per repetition, taken in
    # alternation (cradle 1 thread, cradle all threads, numpy means, numpy
    # full, then the next scenario), so that a change of load on a shared
    # machine touches every configuration alike.
    cpu = {s: {label: [] for label in labels} for s in scenarios}
    wall = {s: {label: [] for label in labels} for s in scenarios}
    first = {}
    threads = None
    deterministic = True
    with tempfile.TemporaryDirectory() as tmp:
        for rep in range(reps):
            for scenario in scenarios:
                t1, cpu1, _, summary, text1 = cradle(binary, scenario, n, 1, os.path.join(tmp, "one"))
                tn, cpun, threads, _, textn = cradle(binary, scenario, n, None, os.path.join(tmp, "all"))
                means = numpy(scenario, n, "means", chunk)
                full = numpy(scenario, n, "full", chunk)
                deterministic &= text1 == textn
                if rep == 0:
                    first[scenario] = (summary, means)
                for label, w, c in zip(labels, (t1, tn, means["seconds"], full["seconds"]),
                                       (cpu1, cpun, means["cpu_seconds"], full["cpu_seconds"])):
                    wall[scenario][label].append(w)
                    cpu[scenario][label].append(c)
                print(f"repetition {rep + 1}/{reps}, {scenario}: done", file=sys.stderr)

    print(f"{n:,} iterations, {reps} alternating repetitions, machine: {os.cpu_count()} cores, "
          f"cradle on 1 and {threads} threads, numpy chunks of {chunk or 'the default 10^6'}")
    print("rates are iterations per CPU second (user + system), i.e. per core, median over the")
    print("repetitions; ratios are medians of the ratios within each repetition (side by side).")
    print("Wall times are shown but not used: other processes on a shared machine stretch them.")
    ok = deterministic
    for scenario in scenarios:
        print()
        print(f"scenarios/{scenario}.toml")
        header = (f"{'':24s} {'wall s':>8s} {'CPU s':>8s} {'M it/CPU-s':>11s} "
                  f"{'x numpy means':>14s} {'x numpy full':>13s}")
        print(header)
        print("-" * len(header))
        c = cpu[scenario]
        for label in labels:
            ratio_means = median([m / x for x, m in zip(c[label], c["numpy, means only"])])
            ratio_full = median([f / x for x, f in zip(c[label], c["numpy, + percentiles"])])
            spread = [m / x for x, m in zip(c[label], c["numpy, means only"])]
            print(f"{label:24s} {median(wall[scenario][label]):8.2f} {median(c[label]):8.2f} "
                  f"{n / median(c[label]) / 1e6:11.3f} {ratio_means:14.2f} {ratio_full:13.2f}"
                  + (f"   (x means per repetition {min(spread):.2f}-{max(spread):.2f})"
                     if label.startswith("cradle") and reps > 1 else ""))
        speedups = [a / b for a, b in zip(wall[scenario]["cradle, 1 thread"], wall[scenario]["cradle, all threads"])]
        print(f"cradle wall-clock speed-up 1 -> {threads} threads: median {median(speedups):.2f}x "
              f"(per repetition {min(speedups):.2f}-{max(speedups):.2f}; meaningful only on an idle machine)")
        summary, means = first[scenario]
        for metric in CHECKED:
            ours = float(summary[metric]["mean"])
            se_ours = float(summary[metric]["mc_se"])
            theirs = means[metric]["mean"]
            se_theirs = means[metric]["sd"] / math.sqrt(n)
            z = (ours - theirs) / math.sqrt(se_ours**2 + se_theirs**2)
            verdict = "agree" if abs(z) < 4 else "DISAGREE"
            ok &= abs(z) < 4
            print(f"{metric:16s} cradle {ours:18.2f}  numpy {theirs:18.2f}  z = {z:+.2f}  {verdict}")
    print()
    print("cradle CPU: whole process; numpy CPU: sampling, model and summaries only (both favour numpy)")
    if deterministic:
        print(f"cradle summary.csv identical on 1 and {threads} threads in every repetition")
    else:
        print(f"cradle summary.csv DIFFERS between 1 and {threads} threads (determinism broken)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
