"""Regenerate the table in scenarios/README.md from real runs.

Usage: python3 scenarios/table.py [N]   (default 10^6 iterations, seed 20260209)

Runs `cradle run` on every scenario (release build), reads summary.csv and
the base case from `cradle check`, and prints the Markdown table.
"""

import csv
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benches" / "baseline"))
from cradle_binary import cradle_binary  # noqa: E402

CRADLE = None  # set in main()


def base_value_per_child(path):
    out = subprocess.run([str(CRADLE), "check", str(path)], capture_output=True, text=True, check=True).stdout
    line = next(l for l in out.splitlines() if "Value per child" in l and "£" in l)
    return float(re.search(r"(-?)£([\d,]+)", line).group(0).replace("£", "").replace(",", ""))


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    global CRADLE
    CRADLE = cradle_binary()
    files = [ROOT / "scenarios/headline.toml", ROOT / "scenarios/evidence.toml"]
    files += sorted((ROOT / "scenarios/variants").glob("headline-*.toml"))
    files += sorted((ROOT / "scenarios/variants").glob("evidence-*.toml"))
    print("| scenario | what it changes | value per child: base | mean (95% interval) | gross savings: mean | P(value per child ≥ £40,000) | P(net savings > 0) |")
    print("|---|---|---|---|---|---|---|")
    for path in files:
        doc = tomllib.loads(path.read_text())
        what = doc["scenario"].get("description", "")
        with tempfile.TemporaryDirectory() as out:
            subprocess.run([str(CRADLE), "run", str(path), "-n", str(n), "--seed", "20260209", "--quiet", "-o", out], check=True)
            rows = {r["metric"]: r for r in csv.DictReader(open(Path(out) / "summary.csv"))}
        v, g, net = rows["value_per_child"], rows["gross_savings"], rows["net_savings"]
        name = path.relative_to(ROOT / "scenarios")
        print(
            f"| `{name}` | {what} | £{base_value_per_child(path):,.0f} | "
            f"£{float(v['mean']):,.0f} (£{float(v['p2_5']):,.0f}–£{float(v['p97_5']):,.0f}) | "
            f"£{float(g['mean']) / 1e9:.3f}bn | {float(v['prob_meets_claim']):.3f} | {float(net['prob_positive']):.3f} |"
        )


if __name__ == "__main__":
    main()
