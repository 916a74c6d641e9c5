#!/usr/bin/env bash
# The shipped (Native AOT) binary side by side with its floors, in one run:
#   offline --dry-run (--preview=false: the plan alone, as before the preview existed); the same with the
#   preview (restic restore --dry-run against the empty target); cluster --dry-run --preview=false in the
#   in-cluster style (service-account token and CA files + KUBERNETES_SERVICE_HOST/PORT pointing at the
#   test API server); `restic version`;
#   a .NET hello world published the same way (Native AOT, invariant globalization);
#   median wall time, median CPU time (user + system, children included) and peak RSS of each
#   (bench/measure.py: RSS is the largest single process of the tree, the executor or a restic
#   child, read by GNU time); the binary's size; and the restore ratio executor / bare restic on
#   the 500 MiB restore (bench/restore-throughput.sh).
# Prints figures and the targets of issue 10; there is no pass/fail.
#
#   bash bench/startup.sh                       # publishes, RUNS=15 starts, 500 MiB restore (RESTORE_RUNS=3)
#   STASH_RESTORE_BINARY=/path/stash-restore SKIP_RESTORE=1 bash bench/startup.sh
#   BASELINE_BINARY=/path/older/stash-restore bash bench/startup.sh   # also the older binary's dry runs, before/after in one run
#
# The in-cluster run needs a private mount namespace (unshare -m, root) so the token can sit at
# /var/run/secrets/kubernetes.io/serviceaccount for that process alone; the machine is untouched.
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root"
# shellcheck source=bench/lib/stash-inputs.sh
. bench/lib/stash-inputs.sh
# shellcheck source=bench/lib/executor.sh
. bench/lib/executor.sh

RUNS=${RUNS:-15}
WORK=${BENCH_DIR:-/tmp/stash-restore-startup}
CRDS=${CRDS:-$repo_root/../shared/crds}
SA_MOUNT=/var/run/secrets/kubernetes.io/serviceaccount

command -v restic >/dev/null 2>&1 || bash scripts/setup.sh
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
rm -rf "$WORK"
mkdir -p "$WORK"/{bin,hello-src,hello,secret,scratch,data,sa,kube}
apiserver_pid=""
cleanup() { [ -n "$apiserver_pid" ] && kill "$apiserver_pid" 2>/dev/null && wait "$apiserver_pid" 2>/dev/null; true; }
trap cleanup EXIT

bench_executor "$WORK/bin"

echo "== publishing a .NET hello world the same way (Native AOT, invariant globalization)"
cat > "$WORK/hello-src/hello.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <PublishAot>true</PublishAot>
    <InvariantGlobalization>true</InvariantGlobalization>
    <TieredPGO>false</TieredPGO>
  </PropertyGroup>
</Project>
XML
echo 'System.Console.WriteLine("hello");' > "$WORK/hello-src/Program.cs"
dotnet publish "$WORK/hello-src" -c Release -r linux-x64 -o "$WORK/hello" -nologo -v quiet -clp:ErrorsOnly >/dev/null

echo "== inputs: a restic repository with host-0's data, its RestoreSession/Repository/Secret"
seq 1 1000 > "$WORK/data/numbers.txt"
bench_stash_inputs "$WORK" demo "$WORK/data"
{
  cat "$WORK/restoresession.yaml"; echo "---"; cat "$WORK/repository.yaml"; echo "---"
  printf 'apiVersion: v1\nkind: Secret\nmetadata: {name: bench-secret, namespace: demo}\ndata:\n  RESTIC_PASSWORD: %s\n' \
    "$(printf '%s' "$RESTIC_PASSWORD" | base64 -w0)"
} > "$WORK/seed.yaml"

echo "== starting the test API server"
dotnet build tests/Stash.Restore.TestApiServer -c Release -o "$WORK/apiserver" -nologo -v quiet -clp:ErrorsOnly >/dev/null
"$WORK/apiserver/Stash.Restore.TestApiServer" --port 0 --crds "$CRDS" --seed "$WORK/seed.yaml" --kubeconfig "$WORK/kube/config" >"$WORK/apiserver.out" 2>&1 &
apiserver_pid=$!
for _ in $(seq 1 120); do grep -q "^kubeconfig written" "$WORK/apiserver.out" && break; sleep 0.5; done
grep -q "^kubeconfig written" "$WORK/apiserver.out" || { cat "$WORK/apiserver.out" >&2; exit 1; }
server=$(awk '/^ *server:/ {print $2; exit}' "$WORK/kube/config")
awk '/^ *token:/ {print $2; exit}' "$WORK/kube/config" > "$WORK/sa/token"
awk '/certificate-authority-data:/ {print $2; exit}' "$WORK/kube/config" | base64 -d > "$WORK/sa/ca.crt"
echo demo > "$WORK/sa/namespace"
host_port=${server#https://}; host_port=${host_port%/}
api_host=${host_port%:*}; api_port=${host_port##*:}

offline=("$executor" restore --restoresession-file "$WORK/restoresession.yaml" --repository-file "$WORK/repository.yaml"
  --secret-dir "$WORK/secret" --host host-0 --scratch-dir "$WORK/scratch" --dry-run --preview=false)
# The dry run a person runs by hand: the plan and what restic says each call would change in the target.
preview=("${offline[@]:0:${#offline[@]}-1}" --target-dir "$WORK/preview-target")
pod_env=(env KUBERNETES_SERVICE_HOST="$api_host" KUBERNETES_SERVICE_PORT="$api_port" POD_NAMESPACE=demo)
cluster=("$executor" restore --restoresession bench-restore --host host-0 --scratch-dir "$WORK/scratch" --dry-run --preview=false)

# Sanity first: each command must succeed, or its figures mean nothing.
"${offline[@]}" >"$WORK/offline.out" 2>&1 || { cat "$WORK/offline.out" >&2; echo "offline dry run failed" >&2; exit 1; }
"${preview[@]}" >"$WORK/preview.out" 2>&1 || { cat "$WORK/preview.out" >&2; echo "preview dry run failed" >&2; exit 1; }
grep -q "target now: [0-9]* new" "$WORK/preview.out" || { cat "$WORK/preview.out" >&2; echo "the preview said nothing about the target" >&2; exit 1; }
in_cluster() { # runs "$@" with the service account mounted where a pod has it, for that process tree only
  unshare --mount --propagation private -- sh -ec '
    mount -t tmpfs tmpfs /run
    mkdir -p "$1"
    mount --bind "$2" "$1"
    shift 2
    exec "$@"' in-cluster "$SA_MOUNT" "$WORK/sa" "$@"
}
in_cluster "${pod_env[@]}" "${cluster[@]}" >"$WORK/cluster.out" 2>&1 || { cat "$WORK/cluster.out" >&2; echo "cluster dry run failed" >&2; exit 1; }
grep -q "restore latest" "$WORK/cluster.out" || { cat "$WORK/cluster.out" >&2; echo "cluster dry run printed no plan" >&2; exit 1; }

# The executor's own share: restic replaced by a stub that prints what the real one said
# (sh + cat, ≈1 MiB), so the peak RSS is the executor's and not a restic child's.
mkdir -p "$WORK/restic-stub"
restic version > "$WORK/restic-stub/version.out"
restic options > "$WORK/restic-stub/options.out"
printf '#!/bin/sh\nexec cat "%s/$1.out"\n' "$WORK/restic-stub" > "$WORK/restic-stub/restic"
chmod +x "$WORK/restic-stub/restic"

echo "== measuring, $RUNS runs each (+1 warm-up), interleaved by command"
m_offline=$(python3 bench/measure.py "$RUNS" "${offline[@]}")
baseline=${BASELINE_BINARY:-}
if [ -n "$baseline" ]; then
  m_base_offline=$(python3 bench/measure.py "$RUNS" "$baseline" "${offline[@]:1}")
  m_base_cluster=$(in_cluster "${pod_env[@]}" python3 "$repo_root/bench/measure.py" "$RUNS" "$baseline" "${cluster[@]:1}")
fi
m_alone=$(env PATH="$WORK/restic-stub:$PATH" python3 bench/measure.py "$RUNS" "${offline[@]}")
m_preview=$(python3 bench/measure.py "$RUNS" "${preview[@]}")
m_cluster=$(in_cluster "${pod_env[@]}" python3 "$repo_root/bench/measure.py" "$RUNS" "${cluster[@]}")
m_restic=$(python3 bench/measure.py "$RUNS" restic version)
m_hello=$(python3 bench/measure.py "$RUNS" "$WORK/hello/hello")

ratio="skipped (SKIP_RESTORE=1)"
if [ "${SKIP_RESTORE:-0}" != 1 ]; then
  echo "== restore ratio on ${SIZE_MB:-500} MiB (bench/restore-throughput.sh)"
  # Its own folder: restore-throughput.sh empties BENCH_DIR first, and ours holds the executor.
  BENCH_DIR="$WORK/throughput" STASH_RESTORE_BINARY="$executor" SIZE_MB=${SIZE_MB:-500} RUNS=${RESTORE_RUNS:-3} \
    bash bench/restore-throughput.sh | tee "$WORK/throughput.out"
  ratio=$(awk '/^ratio executor\/bare/ {print $3, $4, $5}' "$WORK/throughput.out")
fi

size=$(stat -c %s "$executor")
dir_size=$(du -sb --exclude='*.dbg' --exclude='*.pdb' "$(dirname "$executor")" | cut -f1)
row() { # NAME "median min rss code cpu" TARGET
  read -r med min rss code cpu <<<"$2"
  printf '%-36s %8s ms %8s ms %8s ms %8.1f MiB  exit %-3s %s\n' "$1" "$med" "$min" "$cpu" "$(awk "BEGIN {print $rss / 1024}")" "$code" "$3"
}
echo
echo "== results (Native AOT binary $executor, $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg))"
printf '%-36s %11s %11s %11s %12s\n' "" "median" "min" "CPU (med)" "peak RSS"
row "stash-restore offline --dry-run" "$m_offline" "target <= 25 ms, <= 20 MiB"
row "  the same, restic stubbed (executor)" "$m_alone" "the executor's own share"
row "  with the target preview" "$m_preview" "the plan + restic restore --dry-run (a read of the repository)"
row "stash-restore cluster --dry-run" "$m_cluster" "target <= 100 ms, <= 40 MiB (in-cluster SA, test API server)"
if [ -n "$baseline" ]; then
  row "baseline offline --dry-run" "$m_base_offline" "BASELINE_BINARY=$baseline"
  row "baseline cluster --dry-run" "$m_base_cluster" ""
fi
row "restic version (floor)" "$m_restic" ""
row ".NET hello world, Native AOT (floor)" "$m_hello" ""
printf '%-36s %.1f MB (%s bytes; with libMonoPosixHelper.so %.1f MB)  target <= 40 MB\n' "binary size" "$(awk "BEGIN {print $size / 1e6}")" "$size" "$(awk "BEGIN {print $dir_size / 1e6}")"
printf '%-36s %s  target <= 1.02\n' "restore ratio executor/bare restic" "$ratio"
