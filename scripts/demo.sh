#!/usr/bin/env bash
# The README's first command: the executor end to end on an embedded default, no cluster.
# Makes a local restic repository, backs up sample data as host-0..host-2 of a StatefulSet,
# then runs `stash-restore restore` offline for host-0..host-4 with demo/restoresession.yaml
# (host-3 and host-4 receive host-1's data), checks the restored bytes, previews host-0's restore against
# its volume once it changed (what restic would update, writing nothing), prints each host's status;
# then restores a KubeStash StatefulSet session offline (--objects, components dump-pod-0 and dump-pod-1).
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root"

bash scripts/setup.sh

work=/tmp/stash-restore-demo          # the path the demo's RestoreSession and Repository name
out="$repo_root/.demo"
rm -rf "$work" "$out"
mkdir -p "$work" "$out/secret" "$out/bin"
printf '%s' "demo-password-$(date +%s%N)" > "$out/secret/RESTIC_PASSWORD"
export RESTIC_PASSWORD_FILE="$out/secret/RESTIC_PASSWORD"
export RESTIC_REPOSITORY="$work/repository"

echo "== building stash-restore"
dotnet build src/Stash.Restore.Cli -c Release -o "$out/bin" -nologo -v quiet -clp:ErrorsOnly >/dev/null

echo "== backing up sample data of host-0, host-1 and host-2"
restic init --quiet
for host in host-0 host-1 host-2; do
  rm -rf "$work/data" && mkdir -p "$work/data/nested dir"
  printf '{"host":"%s","orders":[1,2,3]}\n' "$host" > "$work/data/db.json"
  printf 'scratch of %s\n' "$host" > "$work/data/tmp.json"
  printf 'notes of %s\n' "$host" > "$work/data/notes.txt"
  head -c 100000 /dev/urandom > "$work/data/nested dir/blob-$host.bin"
  cp -r "$work/data" "$out/original-$host"
  restic backup --quiet --host "$host" "$work/data"
done
rm -rf "$work/data"
restic snapshots --compact

status="$out/status.json"
echo "== restoring host-0 .. host-4"
for host in host-0 host-1 host-2 host-3 host-4; do
  "$out/bin/stash-restore" restore \
    --restoresession-file demo/restoresession.yaml --repository-file demo/repository.yaml \
    --secret-dir "$out/secret" --host "$host" --target-dir "$out/restored/$host" \
    --scratch-dir "$out/scratch" --status-file "$status" --log-format text
done

echo "== checking the restored bytes"
fail=0
check() { # check HOST SOURCE FILE PRESENT
  local got="$out/restored/$1$work/data/$3" want="$out/original-$2/$3"
  if [ "$4" = yes ]; then
    if cmp -s "$got" "$want"; then echo "ok   $1: $3 == $2's"; else echo "FAIL $1: $3 differs from $2's or is missing"; fail=1; fi
  else
    if [ -e "$got" ]; then echo "FAIL $1: $3 should have been left out"; fail=1; else echo "ok   $1: $3 left out"; fi
  fi
}
for host in host-0 host-1 host-2; do
  check "$host" "$host" db.json yes; check "$host" "$host" "nested dir/blob-$host.bin" yes
  check "$host" "$host" tmp.json no;  check "$host" "$host" notes.txt no
done
for host in host-3 host-4; do
  check "$host" host-1 db.json yes; check "$host" host-1 tmp.json yes
  check "$host" host-1 notes.txt no; check "$host" host-1 "nested dir/blob-host-1.bin" no
done

echo "== previewing host-0's restore against its volume as it is now (db.json edited, one file added): --dry-run asks restic, writes nothing"
volume="$out/restored/host-0$work/data"
printf '{"host":"host-0","orders":[]}\n' > "$volume/db.json"
printf 'written after the restore\n' > "$volume/local.json"
before=$(find "$out/restored/host-0" "$out/scratch" -printf '%p %s %T@\n' | sort | md5sum)
preview=$("$out/bin/stash-restore" restore \
  --restoresession-file demo/restoresession.yaml --repository-file demo/repository.yaml \
  --secret-dir "$out/secret" --host host-0 --target-dir "$out/restored/host-0" --scratch-dir "$out/scratch" --dry-run --log-format text)
printf '%s\n' "$preview" | grep -E "^  (host|rule|mirror):|restic call|target now"
after=$(find "$out/restored/host-0" "$out/scratch" -printf '%p %s %T@\n' | sort | md5sum)
if printf '%s\n' "$preview" | grep -q "target now: 0 new, 1 updated, 1 unchanged, 0 deleted file(s)"; then echo "ok   host-0 preview: db.json would be updated, the blob left unchanged"
else echo "FAIL host-0 preview: expected 0 new, 1 updated, 1 unchanged, 0 deleted"; fail=1; fi
if [ "$before" = "$after" ]; then echo "ok   the preview wrote nothing (volume and scratch folder unchanged)"; else echo "FAIL the preview changed files"; fail=1; fi

echo "== RestoreSession status after all hosts ($status)"
cat "$status"; echo

echo "== KubeStash: backing up dump-pod-0 and dump-pod-1, one restic repository per component"
ks_password="kubestash-demo-$(date +%s%N)"
ks_repo_root="$work/kubestash-storage/demo/sts"
components=""
for pod in 0 1; do
  component="dump-pod-$pod"
  path="repository/v1/sts-backup-1/$component"
  rm -rf "$work/ks-data" && mkdir -p "$work/ks-data"
  printf 'data of %s\n' "$component" > "$work/ks-data/app.db"
  printf 'scratch of %s\n' "$component" > "$work/ks-data/cache.tmp"
  head -c 50000 /dev/urandom > "$work/ks-data/blob.bin"
  cp -r "$work/ks-data" "$out/ks-original-$component"
  RESTIC_PASSWORD="$ks_password" RESTIC_PASSWORD_FILE="" RESTIC_REPOSITORY="$ks_repo_root/$path" restic init --quiet
  id=$(RESTIC_PASSWORD="$ks_password" RESTIC_PASSWORD_FILE="" RESTIC_REPOSITORY="$ks_repo_root/$path" \
    restic backup --json --host "$component" "$work/ks-data" | sed -n 's/.*"snapshot_id":"\([0-9a-f]*\)".*/\1/p')
  components="$components    $component: {path: $path, phase: Succeeded, driver: Restic, resticStats: [{summary: {id: $id, hostPath: $work/ks-data}}]}
"
done
rm -rf "$work/ks-data"
cat > "$out/kubestash-snapshot.yaml" <<YAML
apiVersion: storage.kubestash.com/v1alpha1
kind: Snapshot
metadata: {name: sts-repo-sts-backup-1, namespace: demo}
spec: {repository: sts-repo, session: sts-backup-1, version: v1}
status:
  phase: Succeeded
  snapshotTime: "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  totalComponents: 2
  components:
$components---
apiVersion: v1
kind: Secret
metadata: {name: encrypt-secret, namespace: demo}
stringData: {RESTIC_PASSWORD: "$ks_password"}
YAML

ks_status="$out/kubestash-status.json"
echo "== KubeStash: restoring each component (--objects, the session's Snapshot is latest)"
for pod in 0 1; do
  COMPONENT_NAME="dump-pod-$pod" "$out/bin/stash-restore" restore \
    --objects demo/kubestash.yaml --objects "$out/kubestash-snapshot.yaml" \
    --target-dir "$out/ks-restored/dump-pod-$pod" --scratch-dir "$out/scratch" --status-file "$ks_status" --log-format text
done

echo "== KubeStash: checking the restored bytes"
for pod in 0 1; do
  component="dump-pod-$pod"
  for file in app.db blob.bin; do
    if cmp -s "$out/ks-restored/$component$work/ks-data/$file" "$out/ks-original-$component/$file"; then
      echo "ok   $component: $file == its own backup's"; else echo "FAIL $component: $file differs or is missing"; fail=1; fi
  done
  if [ -e "$out/ks-restored/$component$work/ks-data/cache.tmp" ]; then echo "FAIL $component: cache.tmp should have been excluded"; fail=1
  else echo "ok   $component: cache.tmp excluded (task param exclude: \"*.tmp\")"; fi
done

echo "== KubeStash RestoreSession status after both components ($ks_status)"
cat "$ks_status"; echo
exit "$fail"
