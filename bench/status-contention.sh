#!/usr/bin/env bash
# Status contention benchmark, both API families in one run, through the test API server, every
# unit with its own client and HTTPS connection (as separate pods), at the same moment, once without
# and once with injected faults (10% 409/500/503, 2% dropped connections, 5 ms latency):
#
#  - Stash: N hosts (default 200) upsert their status.stats[] entry, Running then Succeeded, by
#    read + guarded JSON patch (KubernetesHostStatus).
#  - KubeStash: M components (default 1000) read the session (skip if Succeeded), then merge-patch
#    status.components[c] Running, then Succeeded (KubeStashComponentStatus / KubernetesComponentStatus).
#
# Prints each family's report, then a side-by-side summary: time until all entries are written,
# API requests per unit (retries included; KubeStash's include the session read), correct entries.
# Targets: Stash 200 hosts within 10 s, median <= 3 write attempts per host; KubeStash 1,000
# components within 10 s, <= 3 requests per component without faults.
#
# Usage: bench/status-contention.sh [hosts] [components]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
hosts="${1:-200}"
components="${2:-1000}"
stash_report="$(mktemp)"
kubestash_report="$(mktemp)"
trap 'rm -f "$stash_report" "$kubestash_report"' EXIT
tests="$root/tests/Stash.Restore.IntegrationTests"

run_bench() { # filter, report file, env assignment
  local filter="$1" report="$2" size="$3"
  env "$size" STASH_BENCH=1 STASH_BENCH_REPORT="$report" \
    dotnet test "$tests" -c Release --no-build -nologo --filter "FullyQualifiedName~$filter" >/dev/null || {
      echo "bench failed ($filter): not every unit's entry was written exactly once" >&2
      env "$size" STASH_BENCH=1 dotnet test "$tests" -c Release --no-build -nologo --filter "FullyQualifiedName~$filter" | tail -30 >&2
      exit 1
    }
}

dotnet build "$tests" -c Release -nologo -v quiet >/dev/null
run_bench "Kubernetes.StatusContentionBench" "$stash_report" "STASH_BENCH_HOSTS=$hosts"
run_bench "Kubernetes.ComponentStatusContentionBench" "$kubestash_report" "STASH_BENCH_UNITS=$components"

echo "### Stash: stats[] upsert (read + guarded JSON patch)"
cat "$stash_report"
echo
echo "### KubeStash: components[c] merge patch"
cat "$kubestash_report"
echo
echo "### Side by side"
summarise() { # family label, report
  awk -v family="$1" '
    /^== / { scenario = $0; sub(/^== (KubeStash )?/, "", scenario); sub(/:.*/, "", scenario);
             units = $0; sub(/^[^:]*: /, "", units); sub(/ .*/, "", units) }
    /all entries written after/ { seconds = $(NF - 1) }
    /correct entries/ { correct = $3 }
    /API requests per (host|unit)/ { mean = $6; sub(/,/, "", mean); max = $10;
      printf "%-34s %-44s %6s %10s s %8s %6s %9s\n", family, scenario, units, seconds, mean, max, correct "/" units }
  ' "$2"
}
printf "%-34s %-44s %6s %12s %8s %6s %9s\n" "path" "scenario" "units" "all written" "req/unit" "max" "correct"
summarise "Stash (read + JSON patch)" "$stash_report"
summarise "KubeStash (read + 2 merge patches)" "$kubestash_report"
