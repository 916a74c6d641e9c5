#!/usr/bin/env bash
# Restore throughput: bare `restic restore` against the executor (`stash-restore restore`
# offline) on the same repository and snapshot, alternating, RUNS times each; then the
# executor's fixed overhead (--dry-run, start to exit) and its own peak RSS (restic excluded).
# Prints figures only; there is no pass/fail.
#
#   bash bench/restore-throughput.sh            # ~500 MiB in 5,000 files, 3 runs each
#   SIZE_MB=1000 FILES=10000 RUNS=5 bash bench/restore-throughput.sh
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root"
# shellcheck source=bench/lib/stash-inputs.sh
. bench/lib/stash-inputs.sh
# shellcheck source=bench/lib/executor.sh
. bench/lib/executor.sh

SIZE_MB=${SIZE_MB:-500}
FILES=${FILES:-5000}
RUNS=${RUNS:-3}
DRY_RUNS=${DRY_RUNS:-10}
WORK=${BENCH_DIR:-/tmp/stash-restore-bench}

command -v restic >/dev/null 2>&1 || bash scripts/setup.sh
command -v dotnet >/dev/null 2>&1 || { echo "bench: dotnet not found" >&2; exit 1; }

rm -rf "$WORK"
mkdir -p "$WORK"/{bin,secret,scratch,data}
data="$WORK/data"

now() { date +%s.%N; }
calc() { awk "BEGIN { print $* }"; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
drop_caches() { sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true; }

# STASH_RESTORE_BINARY=path measures that binary (bench/startup.sh passes the one it publishes).
bench_executor "$WORK/bin"

echo "== generating ${SIZE_MB} MiB in ${FILES} files"
dirs=50
per_dir=$(( (FILES + dirs - 1) / dirs ))
file_bytes=$(( SIZE_MB * 1024 * 1024 / FILES ))
for d in $(seq -w 1 "$dirs"); do
  mkdir -p "$data/dir-$d"
  # One random stream per directory, cut into files: far faster than a process per file.
  head -c $(( file_bytes * per_dir )) /dev/urandom | split -b "$file_bytes" -a 4 -d - "$data/dir-$d/file-"
done
total_files=$(find "$data" -type f | wc -l)
total_bytes=$(du -sb "$data" | cut -f1)
echo "   $total_files files, $(( total_bytes / 1024 / 1024 )) MiB"

echo "== backing up as host-0"
bench_stash_inputs "$WORK" bench "$data"

exec_args=(restore --restoresession-file "$WORK/restoresession.yaml" --repository-file "$WORK/repository.yaml"
  --secret-dir "$WORK/secret" --host host-0 --scratch-dir "$WORK/scratch")
executor() { # executor TARGET [extra flags]
  local target=$1; shift
  "$executor" "${exec_args[@]}" --target-dir "$target" "$@"
}

bare_times=()
exec_times=()
skip_times=()
echo "== restoring, alternating bare restic, the executor and the executor with --skip-space-check, $RUNS runs each"
for run in $(seq 1 "$RUNS"); do
  rm -rf "$WORK/t-bare" "$WORK/t-exec" "$WORK/t-skip"; drop_caches
  start=$(now)
  restic restore latest --host host-0 --path "$data" --target "$WORK/t-bare" --cache-dir "$WORK/scratch/bare-cache" --quiet >/dev/null
  end=$(now); bare_times+=("$(calc "$end - $start")")

  drop_caches
  start=$(now)
  executor "$WORK/t-exec" >"$WORK/executor-$run.log" 2>&1 || { echo "bench: executor failed, see $WORK/executor-$run.log" >&2; tail -5 "$WORK/executor-$run.log" >&2; exit 1; }
  end=$(now); exec_times+=("$(calc "$end - $start")")
  restored=$(find "$WORK/t-exec$data" -type f | wc -l)

  # The free-space check opens the repository once more before the restore (restic's key derivation included).
  drop_caches
  start=$(now)
  executor "$WORK/t-skip" --skip-space-check >"$WORK/executor-skip-$run.log" 2>&1 || { echo "bench: executor failed, see $WORK/executor-skip-$run.log" >&2; tail -5 "$WORK/executor-skip-$run.log" >&2; exit 1; }
  end=$(now); skip_times+=("$(calc "$end - $start")")
  printf '   run %d: bare %.2fs, executor %.2fs, executor --skip-space-check %.2fs (%d files restored)\n' "$run" "${bare_times[-1]}" "${exec_times[-1]}" "${skip_times[-1]}" "$restored"
done

echo "== executor fixed overhead: --dry-run --preview=false (the plan alone), $DRY_RUNS runs"
dry_times=()
for run in $(seq 1 "$DRY_RUNS"); do
  start=$(now)
  executor "$WORK/t-dry" --dry-run --preview=false >/dev/null 2>&1
  end=$(now); dry_times+=("$(calc "$end - $start")")
done

echo "== executor peak RSS"
dry_rss=n/a
if [ -x /usr/bin/time ]; then
  /usr/bin/time -v -o "$WORK/time-v.txt" "$executor" "${exec_args[@]}" --target-dir "$WORK/t-dry" --dry-run >/dev/null 2>&1
  dry_rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$WORK/time-v.txt")
fi
# During a real restore: sample the executor's own VmHWM (restic is a separate process).
rm -rf "$WORK/t-rss"
# Started directly (not through the shell function) so $! is the executor's own pid.
"$executor" "${exec_args[@]}" --target-dir "$WORK/t-rss" >"$WORK/executor-rss.log" 2>&1 &
pid=$!
hwm=0
while kill -0 "$pid" 2>/dev/null; do
  v=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
  [ -n "$v" ] && [ "$v" -gt "$hwm" ] && hwm=$v
  sleep 0.05
done
wait "$pid" || true

bare_med=$(printf '%s\n' "${bare_times[@]}" | median)
exec_med=$(printf '%s\n' "${exec_times[@]}" | median)
skip_med=$(printf '%s\n' "${skip_times[@]}" | median)
dry_med=$(printf '%s\n' "${dry_times[@]}" | median)
mib=$(calc "$total_bytes / 1048576")
echo
echo "== results ($total_files files, $(printf '%.0f' "$mib") MiB, restic $(restic version | awk '{print $2}'))"
printf 'bare restic restore   median %.2f s  (%.1f MiB/s)  runs: %s\n' "$bare_med" "$(calc "$mib / $bare_med")" "${bare_times[*]}"
printf 'stash-restore restore median %.2f s  (%.1f MiB/s)  runs: %s\n' "$exec_med" "$(calc "$mib / $exec_med")" "${exec_times[*]}"
printf 'stash-restore restore --skip-space-check median %.2f s  runs: %s\n' "$skip_med" "${skip_times[*]}"
printf 'ratio executor/bare   %.3f  (--skip-space-check: %.3f)\n' "$(calc "$exec_med / $bare_med")" "$(calc "$skip_med / $bare_med")"
printf 'fixed overhead (--dry-run start to exit) median %.3f s over %d runs\n' "$dry_med" "$DRY_RUNS"
printf 'executor peak RSS: --dry-run %s KiB; during a restore (VmHWM, restic excluded) %s KiB\n' "${dry_rss:-n/a}" "$hwm"
