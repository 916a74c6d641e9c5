# shellcheck shell=bash
# Sourced by bench/startup.sh and bench/restore-throughput.sh: the inputs of one Stash restore of
# host-0, made the same way for both.
#
# bench_stash_inputs WORK NAMESPACE DATA
#   Backs DATA up as host-0 into a new restic repository, WORK/repository, whose password (fresh
#   each run) sits in WORK/secret/RESTIC_PASSWORD as the Secret's mounted key would; exports
#   RESTIC_REPOSITORY and RESTIC_PASSWORD for the bare restic runs that follow; and writes the
#   objects that restore it, in NAMESPACE: WORK/repository.yaml (Repository bench-repo, a local
#   backend, storage Secret bench-secret) and WORK/restoresession.yaml (RestoreSession
#   bench-restore, one rule with DATA's path).
bench_stash_inputs() {
  local work=$1 namespace=$2 data=$3
  mkdir -p "$work/secret"
  export RESTIC_REPOSITORY="$work/repository"
  RESTIC_PASSWORD="bench-$(date +%s%N)"
  export RESTIC_PASSWORD
  printf '%s' "$RESTIC_PASSWORD" > "$work/secret/RESTIC_PASSWORD"
  restic init --quiet
  restic backup --quiet --host host-0 "$data"

  cat > "$work/repository.yaml" <<YAML
apiVersion: stash.appscode.com/v1alpha1
kind: Repository
metadata: {name: bench-repo, namespace: $namespace}
spec:
  backend:
    storageSecretName: bench-secret
    local: {mountPath: "$RESTIC_REPOSITORY"}
YAML
  cat > "$work/restoresession.yaml" <<YAML
apiVersion: stash.appscode.com/v1beta1
kind: RestoreSession
metadata: {name: bench-restore, namespace: $namespace}
spec:
  driver: Restic
  repository: {name: bench-repo}
  target:
    ref: {apiVersion: apps/v1, kind: Deployment, name: bench}
    rules:
    - paths: ["$data"]
YAML
}
