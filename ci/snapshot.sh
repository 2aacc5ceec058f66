#!/usr/bin/env bash
# Snapshot every command's output on every shipped scenario into DIR, so that
# two builds can be compared byte for byte (refactors must not change a number).
#
#   ci/snapshot.sh DIR            # uses `cargo run --release --`
#   CRADLE=/path/to/cradle ci/snapshot.sh DIR
#   diff -r --exclude=... A B     # see ci/compare-snapshots.sh
#
# Keys that describe the execution rather than the result (elapsed_s, threads)
# are blanked, so two snapshots of the same code compare equal.
set -euo pipefail
out=${1:?usage: ci/snapshot.sh DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${CRADLE:-}" ]; then
  cargo build --release --quiet --manifest-path "$root/Cargo.toml"
  target=$(cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
  CRADLE="$target/release/cradle"
fi
mkdir -p "$out"
cd "$root"
scenarios=$(find scenarios -name '*.toml' | sort)
for s in $scenarios; do
  name=$(echo "$s" | tr '/' '_' | sed 's/\.toml$//')
  d="$out/$name"
  mkdir -p "$d"
  "$CRADLE" check "$s" > "$d/check.txt" 2>&1 || echo "exit $?" >> "$d/check.txt"
  for sampler in mc lhs sobol; do
    "$CRADLE" run "$s" -n 8192 --seed 7 --sampler "$sampler" --threads 2 -q -o "$d/run-$sampler" \
      > /dev/null 2> "$d/run-$sampler.stderr" || echo "exit $?" >> "$d/run-$sampler.stderr"
  done
  "$CRADLE" run "$s" -n 3000 --seed 3 --samples --threads 2 -q -o "$d/run-samples" \
    > /dev/null 2> "$d/run-samples.stderr" || echo "exit $?" >> "$d/run-samples.stderr"
  "$CRADLE" run "$s" -n 200000 --seed 5 --precision 0.01 --threads 2 -q -o "$d/run-precision" \
    > /dev/null 2> "$d/run-precision.stderr" || echo "exit $?" >> "$d/run-precision.stderr"
  "$CRADLE" run "$s" -n 5000 --seed 9 --threads 1 -o "$d/run-terminal" \
    > "$d/run-terminal.stdout" 2> "$d/run-terminal.stderr" || echo "exit $?" >> "$d/run-terminal.stderr"
  "$CRADLE" sensitivity "$s" --method all -n 1024 --bootstrap 40 --trajectories 8 --seed 11 --threads 2 \
    -o "$d/sensitivity" > "$d/sensitivity.stdout" 2> "$d/sensitivity.stderr" \
    || echo "exit $?" >> "$d/sensitivity.stderr"
  "$CRADLE" sensitivity "$s" --method sobol --second-order -n 512 --bootstrap 20 --seed 11 --threads 1 -q \
    -o "$d/sensitivity-s2" > /dev/null 2> "$d/sensitivity-s2.stderr" \
    || echo "exit $?" >> "$d/sensitivity-s2.stderr"
done
# compare: each family against its variants
"$CRADLE" compare scenarios/headline.toml scenarios/variants/headline-*.toml -n 20000 --seed 13 --threads 2 \
  -o "$out/compare-headline" > "$out/compare-headline.stdout" 2>&1 || echo "exit $?" >> "$out/compare-headline.stdout"
"$CRADLE" compare scenarios/evidence.toml scenarios/variants/evidence-*.toml -n 20000 --seed 13 --threads 2 \
  -o "$out/compare-evidence" > "$out/compare-evidence.stdout" 2>&1 || echo "exit $?" >> "$out/compare-evidence.stdout"
# blank what describes the execution, not the result
find "$out" -name '*.csv' \( -name 'run.csv' -o -name 'sensitivity_run.csv' -o -name '*_run.csv' \) -print0 \
  | xargs -0 sed -i -E 's/^(elapsed_s|threads),.*/\1,-/'
find "$out" \( -name '*.stdout' -o -name '*.stderr' \) -print0 \
  | xargs -0 sed -i -E 's/[0-9]+\.[0-9]+ ?(s|ms)\b/- s/g; s/[0-9.]+ ?[kMG]? ?(it|iterations)\/s/- it\/s/g'
find "$out" -type f \( -name '*.stdout' -o -name '*.stderr' -o -name '*.txt' \) -print0 \
  | xargs -0 sed -i "s#$out#OUT#g"
echo "snapshot written to $out"
