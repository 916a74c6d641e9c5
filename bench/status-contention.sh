#!/usr/bin/env bash
# Status contention benchmark: N hosts (default 200) of one RestoreSession upsert their
# status entry (Running, then Succeeded) at the same moment through the test API server,
# each with its own HTTPS connection, once without and once with injected faults
# (10% 409/500/503, 2% dropped connections, 5 ms latency).
#
# Prints: time until all entries are written, API requests per host, p50/p99 status write
# latency, write attempts (read + guarded patch rounds) per write and per host.
# Targets: all 200 within 10 s without faults; median <= 3 attempts per host.
#
# Usage: bench/status-contention.sh [hosts]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
hosts="${1:-200}"
report="$(mktemp)"
trap 'rm -f "$report"' EXIT

dotnet build "$root/tests/Stash.Restore.IntegrationTests" -c Release -nologo -v quiet >/dev/null
STASH_BENCH_HOSTS="$hosts" STASH_BENCH_REPORT="$report" \
  dotnet test "$root/tests/Stash.Restore.IntegrationTests" -c Release --no-build -nologo \
    --filter "FullyQualifiedName~StatusContentionBench" >/dev/null || {
      echo "bench failed: not every host's entry was written exactly once" >&2
      STASH_BENCH_HOSTS="$hosts" dotnet test "$root/tests/Stash.Restore.IntegrationTests" -c Release --no-build -nologo \
        --filter "FullyQualifiedName~StatusContentionBench" | tail -30 >&2
      exit 1
    }
cat "$report"
