#!/usr/bin/env bash
# The smallest container memory limit at which bare restic and the executor each restore every
# file of an N-file snapshot, side by side. Each try runs in a fresh memory cgroup limited as
# Kubernetes limits the restore container (cgroup v1 or v2, whichever this machine lets root
# write; no swap) with a cold restic cache and a fresh target; a try passes when the command
# exits 0 and every file is on disk. The limit is bisected down to STEP_MIB. Bare restic runs the
# very argv and environment the executor's dry run gives it, so the only difference is the
# executor around it (its own memory, and the GOMEMLIMIT it gives restic).
# Prints each try, then the smallest limits with the cgroup's peak usage (page cache included: it
# fills any limit), the largest RSS of restic and of the executor, and the time. Target of issue
# 20: the executor completes at <= 0.75 x the smallest limit bare restic needs. No pass/fail.
#
#   sudo bash bench/memory-limit.sh                                  # publishes; 200,000 files
#   FILES=25000 STEP_MIB=2 STASH_RESTORE_BINARY=/path/stash-restore bash bench/memory-limit.sh
#   KEEP_DATA=1 bash bench/memory-limit.sh    # reuse BENCH_DIR's files and repository (same FILES)
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root"
# shellcheck source=bench/lib/stash-inputs.sh
. bench/lib/stash-inputs.sh
# shellcheck source=bench/lib/executor.sh
. bench/lib/executor.sh
# shellcheck source=bench/lib/memory-cgroup.sh
. bench/lib/memory-cgroup.sh

FILES=${FILES:-200000}
PER_DIR=${PER_DIR:-1000}
STEP_MIB=${STEP_MIB:-8}
WORK=${BENCH_DIR:-/tmp/stash-restore-memory-limit}

[ "$(id -u)" = 0 ] || { echo "bench: memory cgroups need root" >&2; exit 1; }
command -v restic >/dev/null 2>&1 || bash scripts/setup.sh
memcg_setup
cgroups=()
cleanup() { for cg in "${cgroups[@]}"; do memcg_remove "$cg"; done; }
trap cleanup EXIT

bench_executor "$WORK/bin"

data="$WORK/data"
if [ "${KEEP_DATA:-0}" = 1 ] && [ "$(cat "$WORK/files" 2>/dev/null)" = "$FILES" ]; then
  echo "== reusing $FILES files and the repository in $WORK"
  RESTIC_REPOSITORY="$WORK/repository" RESTIC_PASSWORD=$(cat "$WORK/secret/RESTIC_PASSWORD")
  export RESTIC_REPOSITORY RESTIC_PASSWORD
else
  echo "== making $FILES small files ($PER_DIR per directory) and backing them up as host-0"
  mkdir -p "$WORK"
  find "$WORK" -mindepth 1 -maxdepth 1 ! -name bin -exec rm -rf {} +
  python3 - "$FILES" "$PER_DIR" "$data" <<'PY'
import os, sys
files, per_dir, base = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
for i in range(files):
    directory = os.path.join(base, "d%05d" % (i // per_dir))
    if i % per_dir == 0:
        os.makedirs(directory)
    with open(os.path.join(directory, "f%07d.txt" % i), "w") as f:
        f.write("file %d\n" % i)
PY
  bench_stash_inputs "$WORK" bench "$data"
  echo "$FILES" > "$WORK/files"
fi

exec_args=(restore --restoresession-file "$WORK/restoresession.yaml" --repository-file "$WORK/repository.yaml"
  --secret-dir "$WORK/secret" --host host-0 --log-format text)
# Bare restic: the argv of the executor's plan (its dry run), minus the scratch folder it names.
mapfile -t bare_argv < <("$executor" "${exec_args[@]}" --scratch-dir "$WORK/plan-scratch" --target-dir /PLAN-TARGET --dry-run --output json 2>/dev/null |
  python3 -c 'import json, sys; print("\n".join(json.load(sys.stdin)["resticCalls"][0]["argv"]))')
[ "${#bare_argv[@]}" -gt 3 ] || { echo "bench: the executor's dry run gave no restic argv" >&2; exit 1; }

try_n=0
# try TOOL LIMIT_MIB: one restore under the limit; prints one line and sets PASSED, PEAK_MIB, RESTIC_MIB, EXECUTOR_MIB, SECONDS_TAKEN
try() {
  local tool=$1 limit_mib=$2 target scratch cgroup pid started code restored
  try_n=$((try_n + 1))
  target="$WORK/target-$try_n" scratch="$WORK/scratch-$try_n"
  mkdir -p "$scratch/tmp"
  cgroup=$(memcg_create "stash-restore-bench-$$-$try_n" $((limit_mib * 1024 * 1024)))
  cgroups+=("$cgroup")
  local command
  if [ "$tool" = bare ]; then
    command=()
    for word in "${bare_argv[@]}"; do
      word=${word//$WORK\/plan-scratch/$scratch}
      command+=("${word//\/PLAN-TARGET/$target}")
    done
    command=(env TMPDIR="$scratch/tmp" RESTIC_PROGRESS_FPS=2 "${command[@]}")
  else
    command=("$executor" "${exec_args[@]}" --scratch-dir "$scratch" --target-dir "$target" --status-file "$scratch/status.json")
  fi
  started=$(date +%s.%N)
  memcg_exec "$cgroup" "${command[@]}" >"$WORK/try.out" 2>"$WORK/try.err" &
  pid=$!
  # The largest RSS each process in the cgroup reached (VmHWM), read until the command ends: restic by
  # its name, the executor is the other one.
  local restic_kib=0 executor_kib=0 member hwm
  while kill -0 "$pid" 2>/dev/null; do
    while read -r member; do
      hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$member/status" 2>/dev/null || true)
      [ -n "$hwm" ] || continue
      if [ "$(cat "/proc/$member/comm" 2>/dev/null)" = restic ]; then
        [ "$hwm" -gt "$restic_kib" ] && restic_kib=$hwm
      else
        [ "$hwm" -gt "$executor_kib" ] && executor_kib=$hwm
      fi
    done < "$cgroup/cgroup.procs"
    sleep 0.2
  done
  code=0
  wait "$pid" || code=$?
  SECONDS_TAKEN=$(awk "BEGIN {printf \"%.1f\", $(date +%s.%N) - $started}")
  restored=$({ find "$target" -type f 2>/dev/null || true; } | wc -l)
  PEAK_MIB=$(( $(memcg_peak "$cgroup") / 1024 / 1024 ))
  local kills; kills=$(memcg_oom_kills "$cgroup")
  RESTIC_MIB=$((restic_kib / 1024)) EXECUTOR_MIB=$((executor_kib / 1024))
  PASSED=0
  [ "$code" = 0 ] && [ "$restored" = "$FILES" ] && PASSED=1
  printf '  %-13s %5s MiB  %-4s exit %-3s %7s of %s files  OOM kills %s  peak %4s MiB  RSS restic %4s MiB executor %3s MiB  %6ss\n' \
    "$tool" "$limit_mib" "$([ $PASSED = 1 ] && echo ok || echo FAIL)" "$code" "$restored" "$FILES" "$kills" "$PEAK_MIB" "$RESTIC_MIB" "$EXECUTOR_MIB" "$SECONDS_TAKEN"
  [ "$tool" = executor ] && [ $PASSED = 0 ] && tail -n 1 "$WORK/try.err" | cut -c1-300 | sed 's/^/      /'
  memcg_remove "$cgroup"
  rm -rf "$target" "$scratch"
}

# smallest TOOL: bisects the smallest passing limit; sets BEST_* to the passing try's figures.
smallest() {
  local tool=$1 low=0 high=$(( 64 + FILES / 500 ))
  # Up until it passes (a limit that passes bounds the search from above).
  while :; do
    try "$tool" "$high"
    [ $PASSED = 1 ] && break
    low=$high high=$((high * 2))
  done
  BEST_LIMIT=$high BEST_PEAK=$PEAK_MIB BEST_RESTIC=$RESTIC_MIB BEST_EXECUTOR=$EXECUTOR_MIB BEST_TIME=$SECONDS_TAKEN
  while [ $((BEST_LIMIT - low)) -gt "$STEP_MIB" ]; do
    local middle=$(( (low + BEST_LIMIT) / 2 ))
    try "$tool" "$middle"
    if [ $PASSED = 1 ]; then
      BEST_LIMIT=$middle BEST_PEAK=$PEAK_MIB BEST_RESTIC=$RESTIC_MIB BEST_EXECUTOR=$EXECUTOR_MIB BEST_TIME=$SECONDS_TAKEN
    else
      low=$middle
    fi
  done
}

echo "== cgroup v$MEMCG_VERSION under $MEMCG_PARENT; $(restic version | head -n1); executor $executor"
echo "== bare restic: ${bare_argv[*]}"
smallest bare
bare=("$BEST_LIMIT" "$BEST_PEAK" "$BEST_RESTIC" "$BEST_EXECUTOR" "$BEST_TIME")
echo "== stash-restore restore (offline)"
smallest executor
mine=("$BEST_LIMIT" "$BEST_PEAK" "$BEST_RESTIC" "$BEST_EXECUTOR" "$BEST_TIME")

echo
echo "== results: $FILES files, every file restored, limit within $STEP_MIB MiB ($(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg))"
printf '%-16s %14s %16s %14s %16s %10s\n' "" "smallest limit" "cgroup peak" "restic RSS" "executor RSS" "time"
printf '%-16s %10s MiB %12s MiB %10s MiB %12s MiB %9ss\n' "bare restic" "${bare[@]:0:3}" "-" "${bare[4]}"
printf '%-16s %10s MiB %12s MiB %10s MiB %12s MiB %9ss\n' "stash-restore" "${mine[@]}"
printf '%-16s %s  target <= 0.75\n' "ratio" "$(awk "BEGIN {printf \"%.2f\", ${mine[0]} / ${bare[0]}}")"
