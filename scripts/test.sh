#!/usr/bin/env bash
# The README's second command: installs what the tests need (restic) and runs every test.
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root"
bash scripts/setup.sh
if [ ! -d ../shared/crds ]; then
  echo "NOTE: ../shared/crds is missing: tests that need the real CRD schemas will say they were skipped and why."
fi
log=$(mktemp)
aot_dir=""
trap 'rm -f "$log"; [ -n "$aot_dir" ] && rm -rf "$aot_dir"' EXIT
# The shipped binary is Native AOT, and trimming/AOT can break code paths only at run time: the
# tests that start the executor as a process (smoke set, SIGTERM) run against the published
# binary. STASH_RESTORE_BINARY=path skips the publish and tests that binary instead.
if [ -z "${STASH_RESTORE_BINARY:-}" ]; then
  aot_dir=$(mktemp -d)
  echo "Publishing the Native AOT binary for the process-level tests..."
  dotnet publish src/Stash.Restore.Cli -c Release -r linux-x64 -o "$aot_dir" -nologo -v quiet -clp:ErrorsOnly
  export STASH_RESTORE_BINARY="$aot_dir/stash-restore"
fi
echo "Process-level tests run $STASH_RESTORE_BINARY"
set +e
dotnet test StashRestore.slnx -c Release -nologo --blame-hang-timeout 5m --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
code=${PIPESTATUS[0]}
set -e
# One closing line over all test assemblies (each skipped test prints its reason above, e.g. ../shared/crds not found).
awk '
  # minimal verbosity: "Passed!  - Failed: 0, Passed: 370, Skipped: 0, Total: 370, ..."
  /(Passed|Failed)!  -/ { for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }; next }
  # normal verbosity: a "Total tests:" block with one count per line
  /^ *Passed: [0-9]+ *$/  { p += $2 }
  /^ *Failed: [0-9]+ *$/  { f += $2 }
  /^ *Skipped: [0-9]+ *$/ { s += $2 }
  # a test host that crashed or hung counts as a failure, whatever ran before it
  /^Test Run Aborted/     { f += 1 }
  END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
# CI shows only the end of this output: repeat each failed test with the start of its message here.
awk '
  /^  Failed [^ ]/ { shown = 0; printing = 1; print "FAILED:" substr($0, 9); next }
  /^  (Passed|Skipped) [^ ]/ || /^\[xUnit/ || /^Test Run/ || /^Results File/ { printing = 0 }
  printing && shown < 25 { print "  " $0; shown++ }' "$log"
exit "$code"
