#!/usr/bin/env bash
# Smoke test of the one-node cluster that ci/slurm-cluster.sh starts, for
# what cradle's sharded runs rely on:
#
#  1. a job array (sbatch --parsable --array=0-3) whose tasks each write
#     their SLURM_ARRAY_* variables and hostname to a file, and a merge job
#     with --dependency=afterok:<array job id> that concatenates the files:
#     the merge must run after every task, and see all 4 task ids; at least
#     two tasks must have run at the same time (one CPU each) when the node
#     has two CPUs or more;
#  2. the same with task 2 failing (exit 3): the afterok job must never run.
#     What Slurm 22.05 does then (checked here, and in its sbatch(1) and
#     slurm.conf(5)): once any task of the array ends in a failed state, the
#     afterok dependency can never be satisfied, and the dependent job
#       - by default stays PENDING, Reason=DependencyNeverSatisfied, forever
#         (until someone cancels it): it does not fail by itself;
#       - with `sbatch --kill-on-invalid-dep=yes` (or SchedulerParameters=
#         kill_invalid_depend in slurm.conf) is ended at once with
#         JobState=CANCELLED instead.
#     So whoever submits an afterok merge must either pass
#     --kill-on-invalid-dep=yes or watch for DependencyNeverSatisfied, or it
#     waits for ever. Both cases are checked below.
#
# In an array task (Slurm 22.05, seen here): SLURM_ARRAY_JOB_ID is the id
# sbatch printed, SLURM_ARRAY_TASK_ID the index, SLURM_ARRAY_TASK_COUNT/
# _MIN/_MAX/_STEP describe the whole --array range, and SLURM_JOB_ID is each
# task's own job id: not in task order, and for one task (the highest
# index, every time here) equal to SLURM_ARRAY_JOB_ID. So name a task by
# SLURM_ARRAY_JOB_ID and SLURM_ARRAY_TASK_ID, never by SLURM_JOB_ID.
#
# Jobs are waited for by polling `scontrol show job` (no accounting, so no
# sacct), each wait bounded by SLURM_SMOKE_TIMEOUT seconds (default 120).
# Prints the SLURM_* variables an array task sees. Exit 0 on success.
set -euo pipefail
export LC_ALL=C
TIMEOUT=${SLURM_SMOKE_TIMEOUT:-120}

say() { echo "slurm-smoke: $*"; }
submitted=()
array='' merge='' pend='' killed='' # job ids, set by submit
work=$(mktemp -d /tmp/slurm-smoke.XXXXXX)
ok=0
cleanup() {
    if ((ok)); then
        rm -rf "$work"
    else
        if ((${#submitted[@]})); then scancel "${submitted[@]}" 2>/dev/null || true; fi
        echo "slurm-smoke: FAILED; files kept in $work" >&2
        for f in "$work"/*.out; do
            [[ -f $f ]] && { echo "--- $f" >&2; cat "$f" >&2; }
        done
    fi
}
trap cleanup EXIT
fail() { echo "slurm-smoke: error: $*" >&2; exit 1; }

# submit VAR sbatch-args...: submit, set VAR to the job id (not in a
# subshell, so that the ids are known to cleanup).
submit() {
    local var=$1 id
    shift
    id=$(sbatch --parsable "$@") || fail "sbatch $* failed"
    id=${id%%;*} # --parsable prints "id" or "id;cluster"
    submitted+=("$id")
    printf -v "$var" '%s' "$id"
}

# One line per job (an array job gives one line per task), "-o" = one line.
job_lines() { scontrol show job -o "$1" 2>/dev/null || true; }
field() { grep -o "\b$1=[^ ]*" | sed "s/^$1=//"; }

# Wait until every job (or array task) of $1 is in a final state.
wait_done() {
    local id=$1 deadline=$((SECONDS + TIMEOUT)) states
    while ((SECONDS < deadline)); do
        states=$(job_lines "$id" | field JobState | sort -u | tr '\n' ' ')
        if [[ -n $states ]] && ! grep -qE 'PENDING|RUNNING|CONFIGURING|COMPLETING|SUSPENDED|REQUEUE' <<<"$states"; then
            echo "$states"
            return 0
        fi
        sleep 0.5
    done
    job_lines "$id" >&2
    fail "job $id not finished after ${TIMEOUT}s (states: $states)"
}

# The array task: its variables, hostname, and start/end times to a file.
cat >"$work/task.sh" <<'EOF'
#!/bin/bash
set -eu
dir=$1 fail_id=${2:--1}
start=$(date +%s.%N)
sleep 2
env | grep '^SLURM_' | sort >"$dir/env-$SLURM_ARRAY_TASK_ID.txt"
printf 'task=%s count=%s min=%s max=%s array_job=%s job=%s host=%s start=%s end=%s\n' \
    "$SLURM_ARRAY_TASK_ID" "$SLURM_ARRAY_TASK_COUNT" "$SLURM_ARRAY_TASK_MIN" \
    "$SLURM_ARRAY_TASK_MAX" "$SLURM_ARRAY_JOB_ID" "$SLURM_JOB_ID" "$(hostname)" \
    "$start" "$(date +%s.%N)" >"$dir/task-$SLURM_ARRAY_TASK_ID.txt"
[ "$SLURM_ARRAY_TASK_ID" != "$fail_id" ] || exit 3
EOF
chmod +x "$work/task.sh"

sinfo -h -N -o '%N %T %c' 2>/dev/null | grep -qE ' (idle|mixed|allocated) ' ||
    fail "no usable node (is the cluster up? ci/slurm-cluster.sh start): $(sinfo -N 2>&1)"
cpus=$(sinfo -h -o '%c' | head -n 1)

# ---- 1. array + afterok merge ------------------------------------------
mkdir "$work/ok"
submit array --array=0-3 --cpus-per-task=1 -J smoke-array -o "$work/array-%A_%a.out" "$work/task.sh" "$work/ok"
submit merge --dependency=afterok:"$array" -J smoke-merge -o "$work/merge.out" \
    --wrap "cat $work/ok/task-*.txt >$work/ok/merged.txt"
say "array job $array (tasks 0-3), merge job $merge (afterok:$array)"

states=$(wait_done "$array")
[[ $states == "COMPLETED " ]] || fail "array tasks ended as: $states"
states=$(wait_done "$merge")
[[ $states == "COMPLETED " ]] || fail "merge job ended as: $states"

merged=$work/ok/merged.txt
[[ -f $merged ]] || fail "merge job wrote no $merged"
cat "$merged"
for t in 0 1 2 3; do
    grep -q "^task=$t count=4 min=0 max=3 array_job=$array job=[0-9]* host=" "$merged" ||
        fail "task $t missing or wrong in $merged"
done
(($(wc -l <"$merged") == 4)) || fail "$merged does not have exactly 4 lines"
# The merge must have started after every task ended.
merge_start=$(date -d "$(job_lines "$merge" | field StartTime)" +%s)
last_end=$(sed 's/.* end=\([0-9]*\).*/\1/' "$merged" | sort -n | tail -n 1)
((merge_start >= last_end)) || fail "merge started ($merge_start) before the last task ended ($last_end)"
# How many tasks ran at once: the most start/end intervals that overlap.
overlap=$(awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
                 print v["start"], 1; print v["end"], -1 }' "$merged" |
    sort -k1,1n -k2,2n | awk '{ n += $2; if (n > m) m = n } END { print m }')
say "array tasks ran at most $overlap at a time on $cpus CPUs"
if ((cpus >= 2 && overlap < 2)); then
    fail "array tasks ran one at a time on $cpus CPUs"
fi
say "array + afterok merge: OK"

# ---- 2. a failed task: afterok never runs --------------------------------
mkdir "$work/bad"
submit array --array=0-3 -J smoke-array-fail -o "$work/bad-%A_%a.out" "$work/task.sh" "$work/bad" 2
submit pend --dependency=afterok:"$array" -J smoke-never -o "$work/never.out" \
    --wrap "touch $work/bad/ran-pending"
submit killed --dependency=afterok:"$array" --kill-on-invalid-dep=yes -J smoke-killed -o "$work/killed.out" \
    --wrap "touch $work/bad/ran-killed"
say "array job $array (task 2 exits 3), afterok jobs $pend (default) and $killed (--kill-on-invalid-dep=yes)"
wait_done "$array" >/dev/null
job_lines "$array" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^(JobId|ArrayTaskId|JobState|ExitCode)=/) printf "%s ", $i; print "" }'
job_lines "$array" | grep -q 'ArrayTaskId=2 .*JobState=FAILED .*ExitCode=3:0' ||
    fail "task 2 did not end FAILED with exit code 3"

deadline=$((SECONDS + TIMEOUT))
while :; do
    p=$(job_lines "$pend")
    k=$(job_lines "$killed")
    p_state=$(field JobState <<<"$p") p_reason=$(field Reason <<<"$p")
    k_state=$(field JobState <<<"$k")
    [[ $p_state == PENDING && $p_reason == DependencyNeverSatisfied && $k_state == CANCELLED ]] && break
    ((SECONDS < deadline)) || fail "after a failed task: job $pend is $p_state/$p_reason, job $killed is $k_state"
    sleep 0.5
done
say "job $pend: JobState=$p_state Reason=$p_reason Dependency=$(field Dependency <<<"$p")"
say "job $killed: JobState=$k_state Reason=$(field Reason <<<"$k")"
# Give the scheduler a few more passes: the pending one must still not run.
sleep 5
[[ $(job_lines "$pend" | field JobState) == PENDING ]] || fail "job $pend left PENDING: $(job_lines "$pend")"
[[ ! -e $work/bad/ran-pending && ! -e $work/bad/ran-killed ]] || fail "an afterok job ran after a failed task"
scancel "$pend"
say "failed task blocks afterok: OK (pending job $pend cancelled by hand)"

say "SLURM_* variables seen by array task 0 of the first array:"
sed 's/^/  /' "$work/ok/env-0.txt"
ok=1
say "all checks passed"
