#!/usr/bin/env bash
# Builds the stash-restore image with buildah and runs it the way a user would, without a
# Docker engine and without access to docker.io / mcr.microsoft.com.
#
#   sudo scripts/image-check.sh            # everything (bases are cached between runs)
#   sudo scripts/image-check.sh --rebuild-bases
#
# What it does (idempotent; meant for a fresh Debian 12 machine, as root; docs/image.md):
#   1. installs buildah/debootstrap/uidmap/python3 if missing;
#   2. builds two local base images, cached in buildah's storage:
#        - a Debian 13 (trixie) minbase from debootstrap            -> RUNTIME_BASE_IMAGE
#        - that base + this machine's .NET SDK (/usr/share/dotnet)  -> SDK_IMAGE
#   3. buildah bud --isolation chroot the Dockerfile with those two as build args (the build
#      stage installs clang and zlib1g-dev from Debian for the Native AOT link);
#   4. checks the image config, runs `stash-restore version`, then the offline restore demo
#      against a restic repository created on the host, as uid 2000 and as root, each with
#      a read-only root file system and only /stash-tmp and the restore target writable,
#      and compares the restored bytes; a wrong password and a missing scratch dir must fail;
#   5. a --dry-run in the image against the test API server through a mounted kubeconfig;
#   6. prints the image size and the median startup time of `stash-restore version`.
#
# Environment knobs:
#   IMAGE                 tag of the image to build (default localhost/stash-restore:check)
#   VERSION               version for the program and the label (default: Directory.Build.props)
#   STORAGE_DRIVER        buildah storage driver (overlay by default; vfs works everywhere)
#   STARTUP_RUNS          runs for the startup-time median (default 9)
#   KEEP_WORKDIR=1        keep the temporary demo directory for inspection
#   CRDS                  CRD directory for the test API server (default ../shared/crds)
#   DEBIAN_MIRROR         Debian mirror for debootstrap (default http://deb.debian.org/debian)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
IMAGE="${IMAGE:-localhost/stash-restore:check}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
RUNTIME_BASE="localhost/stash-local/debian:trixie-minbase"
STARTUP_RUNS="${STARTUP_RUNS:-9}"
REBUILD_BASES=0
for arg in "$@"; do
  case "$arg" in
    --rebuild-bases) REBUILD_BASES=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

log() { printf '\n==> %s\n' "$*" >&2; }
fail() { printf '\nFAIL: %s\n' "$*" >&2; exit 1; }
pass() { printf '  ok: %s\n' "$*" >&2; }
SECONDS=0

[[ $(id -u) -eq 0 ]] || fail "run as root (buildah --isolation chroot, debootstrap, chroot)"

# --- 1. tools --------------------------------------------------------------------------
need=()
command -v buildah >/dev/null || need+=(buildah)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v newuidmap >/dev/null || need+=(uidmap)
command -v unshare >/dev/null || need+=(util-linux)
command -v python3 >/dev/null || need+=(python3)
if ((${#need[@]})); then
  log "installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
command -v dotnet >/dev/null || fail "the .NET SDK is needed on this machine (it is copied into the SDK base image)"

BUILDAH=(buildah)
[[ -n "${STORAGE_DRIVER:-}" ]] && BUILDAH+=(--storage-driver "$STORAGE_DRIVER")

image_exists() { "${BUILDAH[@]}" inspect --type image "$1" >/dev/null 2>&1; }

WORK="$(mktemp -d /var/tmp/stash-image-check.XXXXXX)"
containers=()
apiserver_pid=""
cleanup() {
  local c
  [[ -n "$apiserver_pid" ]] && kill "$apiserver_pid" 2>/dev/null
  for c in "${containers[@]}"; do
    "${BUILDAH[@]}" umount "$c" >/dev/null 2>&1 || true
    "${BUILDAH[@]}" rm "$c" >/dev/null 2>&1 || true
  done
  if [[ "${KEEP_WORKDIR:-0}" == 1 ]]; then echo "work dir kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# --- 2a. runtime base: Debian 13 minbase ---------------------------------------------
if ((REBUILD_BASES)) || ! image_exists "$RUNTIME_BASE"; then
  log "building $RUNTIME_BASE with debootstrap (trixie, minbase)"
  rootfs="$WORK/rootfs"
  debootstrap --variant=minbase --arch=amd64 trixie "$rootfs" "$DEBIAN_MIRROR" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log" >&2; fail "debootstrap trixie"; }
  # What debian:trixie-slim does: no docs/man pages/locales now or from later apt installs,
  # no apt caches, security updates enabled.
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
EOF
  cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  cat >"$rootfs/etc/apt/sources.list" <<EOF
deb $DEBIAN_MIRROR trixie main
deb $DEBIAN_MIRROR trixie-updates main
deb http://deb.debian.org/debian-security trixie-security main
EOF
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  rm -rf "$rootfs"/usr/share/{man,info,locale,lintian}/* "$rootfs"/var/lib/apt/lists/* \
         "$rootfs"/var/cache/apt/* "$rootfs"/var/log/* "$rootfs"/tmp/* "$rootfs"/root/.cache
  : >"$rootfs/etc/resolv.conf"; : >"$rootfs/etc/hostname"
  tar -C "$rootfs" --numeric-owner -cf "$WORK/rootfs.tar" .
  rm -rf "$rootfs"
  c=$("${BUILDAH[@]}" from scratch); containers+=("$c")
  "${BUILDAH[@]}" add "$c" "$WORK/rootfs.tar" / >/dev/null
  "${BUILDAH[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --cmd /bin/bash --label org.opencontainers.image.description="local debootstrap trixie minbase" "$c"
  "${BUILDAH[@]}" commit --quiet --rm "$c" "$RUNTIME_BASE" >/dev/null
  containers=("${containers[@]/$c}")
  rm -f "$WORK/rootfs.tar"
else
  log "using cached $RUNTIME_BASE"
fi

# --- 2b. SDK base: the runtime base + this machine's .NET SDK ------------------------
DOTNET_ROOT_HOST="$(dirname "$(readlink -f "$(command -v dotnet)")")"
SDK_VERSION="$(cd "$REPO_ROOT" && dotnet --version)"
SDK_BASE="localhost/stash-local/dotnet-sdk:$SDK_VERSION-trixie"
if ((REBUILD_BASES)) || ! image_exists "$SDK_BASE"; then
  log "building $SDK_BASE from $DOTNET_ROOT_HOST"
  c=$("${BUILDAH[@]}" from --pull=never "$RUNTIME_BASE"); containers+=("$c")
  # What the SDK needs to run MSBuild and reach nuget.org: ICU, OpenSSL (via ca-certificates).
  "${BUILDAH[@]}" run --isolation chroot "$c" -- sh -ec '
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ca-certificates libicu76 >/dev/null
    rm -rf /var/lib/apt/lists/*'
  # The build machine's trust store, not Debian's: where egress to nuget.org goes through a
  # TLS-inspecting proxy, its CA is only in the host's bundle. Build stage only; the
  # runtime image keeps Debian's ca-certificates.
  "${BUILDAH[@]}" copy "$c" /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt >/dev/null
  "${BUILDAH[@]}" copy "$c" "$DOTNET_ROOT_HOST" /usr/share/dotnet >/dev/null
  "${BUILDAH[@]}" run --isolation chroot "$c" -- ln -sf /usr/share/dotnet/dotnet /usr/bin/dotnet
  # Certificate revocation lists are not reachable from every build host (the same
  # setting this machine runs with when it has no internet beyond the package registries).
  "${BUILDAH[@]}" config --env DOTNET_ROOT=/usr/share/dotnet --env DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    --env DOTNET_NOLOGO=1 --env NUGET_CERT_REVOCATION_MODE="${NUGET_CERT_REVOCATION_MODE:-online}" \
    --label org.opencontainers.image.description="local .NET SDK $SDK_VERSION on trixie minbase" "$c"
  "${BUILDAH[@]}" commit --quiet --rm "$c" "$SDK_BASE" >/dev/null
  containers=("${containers[@]/$c}")
else
  log "using cached $SDK_BASE"
fi

# --- 3. the image ----------------------------------------------------------------------
VERSION="${VERSION:-$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$REPO_ROOT/Directory.Build.props" | head -1)}"
REVISION="$(git -C "$REPO_ROOT" rev-parse HEAD 2>/dev/null || echo unknown)"
log "building $IMAGE (version $VERSION, revision $REVISION)"
build_start=$SECONDS
"${BUILDAH[@]}" bud --isolation chroot --pull=never --layers --force-rm \
  --build-arg SDK_IMAGE="$SDK_BASE" \
  --build-arg RUNTIME_BASE_IMAGE="$RUNTIME_BASE" \
  --build-arg RESTIC_SOURCE=debian \
  --build-arg VERSION="$VERSION" --build-arg REVISION="$REVISION" \
  -f "$REPO_ROOT/Dockerfile" -t "$IMAGE" "$REPO_ROOT" >"$WORK/build.log" 2>&1 \
  || { tail -40 "$WORK/build.log" >&2; fail "buildah bud"; }
pass "built in $((SECONDS - build_start)) s"

# --- 4. run it -------------------------------------------------------------------------
# Image config as the runtime would apply it (env, user, workdir).
inspect() { "${BUILDAH[@]}" inspect --type image --format "$1" "$IMAGE"; }
mapfile -t IMAGE_ENV < <(inspect '{{range .OCIv1.Config.Env}}{{println .}}{{end}}' | sed '/^$/d')
mapfile -t IMAGE_ENTRYPOINT < <(inspect '{{range .OCIv1.Config.Entrypoint}}{{println .}}{{end}}' | sed '/^$/d')
IMAGE_WORKDIR="$(inspect '{{.OCIv1.Config.WorkingDir}}')"; IMAGE_WORKDIR="${IMAGE_WORKDIR:-/}"
IMAGE_USER="$(inspect '{{.OCIv1.Config.User}}')"
[[ "${IMAGE_ENTRYPOINT[*]}" == stash-restore ]] || fail "entrypoint is '${IMAGE_ENTRYPOINT[*]}', want stash-restore"
for label in source version revision; do
  value="$(inspect "{{index .OCIv1.Config.Labels \"org.opencontainers.image.$label\"}}")"
  [[ -n "$value" ]] || fail "label org.opencontainers.image.$label is missing"
done
[[ "$(inspect '{{index .OCIv1.Config.Labels "org.opencontainers.image.version"}}')" == "$VERSION" ]] || fail "version label is not $VERSION"
[[ "$IMAGE_USER" == "2000:2000" ]] && pass "entrypoint stash-restore, OCI labels set, default user $IMAGE_USER (non-root)" || fail "default user is '$IMAGE_USER', want 2000:2000"

ctr=$("${BUILDAH[@]}" from --pull=never "$IMAGE"); containers+=("$ctr")
ROOTFS="$("${BUILDAH[@]}" mount "$ctr")"

# run_ro UID:GID [HOST_DIR:CTR_DIR[:ro]]... -- ARGV...
# The container as `docker run --read-only --user UID:GID -v … IMAGE ARGV…` would run it:
# a private mount namespace with the image's root file system remounted read-only, the
# given bind mounts (everything else unwritable), fresh /proc, the image's environment
# only, the image's working directory, and the image's entrypoint.
run_ro() {
  local user="$1"; shift
  local mounts=()
  while [[ "$1" != "--" ]]; do mounts+=("$1"); shift; done
  shift
  unshare --mount --pid --fork --propagation private -- /bin/bash -ec '
    root="$1"; user="$2"; nmounts="$3"; shift 3
    mount --bind "$root" "$root"
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    for ((i = 0; i < nmounts; i++)); do
      IFS=: read -r src dst opt <<<"$1"; shift
      mkdir -p "$root$dst" 2>/dev/null || true
      mount --bind "$src" "$root$dst"
      [[ "$opt" == ro ]] && mount -o remount,bind,ro "$root$dst"
    done
    mount -o remount,bind,ro "$root"
    n_env="$1"; shift
    envs=("${@:1:$n_env}"); shift "$n_env"
    workdir="$1"; shift
    if [[ "${@: -1}" == --setup-only ]]; then set -- /bin/true; fi
    exec chroot --userspec="$user" --groups="${user#*:}" "$root" \
      /usr/bin/env -i -C "$workdir" "${envs[@]}" "$@"
  ' run_ro "$ROOTFS" "$user" "${#mounts[@]}" "${mounts[@]}" "${#IMAGE_ENV[@]}" "${IMAGE_ENV[@]}" \
      "$IMAGE_WORKDIR" "${IMAGE_ENTRYPOINT[@]}" "$@"
}

log "the program is one Native AOT executable"
APP="$ROOTFS/opt/stash-restore"
[[ -x "$APP/stash-restore" ]] || fail "/opt/stash-restore/stash-restore is missing or not executable"
head -c 4 "$APP/stash-restore" | grep -q "ELF" || fail "/opt/stash-restore/stash-restore is not an ELF executable"
[[ ! -e "$APP/stash-restore.dll" && ! -e "$APP/libcoreclr.so" && ! -e "$APP/libclrjit.so" ]] \
  || fail "/opt/stash-restore holds a JIT runtime (stash-restore.dll / libcoreclr.so / libclrjit.so): not the Native AOT publish"
[[ -z "$(find "$ROOTFS" -xdev -name 'libcoreclr.so' -print -quit 2>/dev/null)" ]] || fail "a .NET runtime (libcoreclr.so) is in the image"
pass "Native AOT: $(du -h "$APP/stash-restore" | cut -f1) executable, no .NET runtime in the image ($(ls "$APP" | tr '\n' ' '))"

log "stash-restore version (buildah run, image defaults)"
out="$("${BUILDAH[@]}" run --isolation chroot "$ctr" -- stash-restore version 2>&1)" || { echo "$out" >&2; fail "stash-restore version exited $?"; }
echo "$out" | sed 's/^/    /' >&2
grep -q "^stash-restore $VERSION" <<<"$out" || fail "version output does not name stash-restore $VERSION"
grep -q "^restic 0\.18\." <<<"$out" || fail "version output does not name restic 0.18"
pass "version reports stash-restore $VERSION and restic 0.18"

# RESTIC_SOURCE=debian (no route to the upstream release here): Debian's restic has no azure
# backend, and the executor says so for an azure Repository instead of failing mid-restore.
opts="$("${BUILDAH[@]}" run --isolation chroot "$ctr" -- restic options 2>&1)" || fail "restic options exited $?"
grep -q '^ *s3\.' <<<"$opts" || fail "restic options lists no s3.* options: cannot tell the backends"
! grep -q '^ *azure\.' <<<"$opts" || fail "Debian's restic unexpectedly lists azure.* options"
pass "RESTIC_SOURCE=debian: restic options lists no azure backend (the default upstream build has it)"

# --- 4b. the offline demo ----------------------------------------------------------------
log "offline restore demo (restic repository on the host, mounted in)"
D="$WORK/demo"
mkdir -p "$D"/{data/app/nested,repo,inputs,scratch-repo,scratch-2000,scratch-0,scratch-bad,target-2000,target-0,target-bad}
# The session sets nice/ionice, so every real restore below runs restic behind both
# wrappers, which the executor looks up on PATH (a missing one fails the restore).
# Data a user would notice getting wrong: text, binary, an empty file, odd names, a
# symlink, modes, and an owner that only a root restore can reproduce.
printf 'hello from host-0\n' >"$D/data/app/greeting.txt"
head -c 3145728 /dev/urandom >"$D/data/app/blob.bin"
: >"$D/data/app/empty"
printf 'spaces and ünïcödé\n' >"$D/data/app/nested/a file with spaces ünïcödé.txt"
seq 1 20000 >"$D/data/app/nested/numbers.txt"
ln -s nested/numbers.txt "$D/data/app/link-to-numbers"
chmod 0640 "$D/data/app/greeting.txt"; chmod 0750 "$D/data/app/nested"
chown -R 1234:1234 "$D/data"
# A mounted Secret as the kubelet lays it out: keys are symlinks through ..data.
PASSWORD="pw-$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
make_secret() { # DIR PASSWORD
  mkdir -p "$1/..2026_01_01_00_00_00.000000001"
  printf '%s' "$2" >"$1/..2026_01_01_00_00_00.000000001/RESTIC_PASSWORD"
  ln -s ..2026_01_01_00_00_00.000000001 "$1/..data"
  ln -s ..data/RESTIC_PASSWORD "$1/RESTIC_PASSWORD"
}
make_secret "$D/secret" "$PASSWORD"
make_secret "$D/secret-bad" "not-the-password"
cat >"$D/inputs/restoresession.yaml" <<'YAML'
apiVersion: stash.appscode.com/v1beta1
kind: RestoreSession
metadata:
  name: demo-restore
  namespace: demo
spec:
  repository:
    name: demo-repo
  target:
    ref:
      apiVersion: apps/v1
      kind: Deployment
      name: demo-app
    rules:
      - paths:
          - /data
  runtimeSettings:
    container:
      nice:
        adjustment: 5
      ionice:
        class: 2
        classData: 4
YAML
cat >"$D/inputs/repository.yaml" <<'YAML'
apiVersion: stash.appscode.com/v1alpha1
kind: Repository
metadata:
  name: demo-repo
  namespace: demo
spec:
  backend:
    storageSecretName: demo-repo-secret
    local:
      mountPath: /repo
      hostPath:
        path: /var/lib/stash-demo/repo
YAML
chown 2000:2000 "$D"/repo "$D"/scratch-repo "$D"/scratch-2000 "$D"/target-2000 "$D"/scratch-bad "$D"/target-bad

# The repository is made with the image's own restic (the host may have none, or 0.14 on
# Debian 12), as root so it reads every file, then handed to uid 2000 (as a volume's
# fsGroup would) so the non-root restore can take its lock.
restic_in_image() {
  "${BUILDAH[@]}" run --isolation chroot --user 0:0 \
    -v "$D/repo:/repo" -v "$D/data:/data:ro" -v "$D/secret:/etc/stash/secret:ro" -v "$D/scratch-repo:/stash-tmp" \
    "$ctr" -- restic --repo /repo --password-file /etc/stash/secret/RESTIC_PASSWORD --no-cache "$@"
}
restic_in_image init >"$WORK/restic.log" 2>&1 || { cat "$WORK/restic.log" >&2; fail "restic init"; }
restic_in_image backup --host host-0 /data >>"$WORK/restic.log" 2>&1 || { cat "$WORK/restic.log" >&2; fail "restic backup"; }
chown -R 2000:2000 "$D/repo"
pass "repository with one snapshot of /data for host-0 at $D/repo"

OFFLINE_ARGS=(restore
  --restoresession-file /etc/stash/inputs/restoresession.yaml
  --repository-file /etc/stash/inputs/repository.yaml
  --secret-dir /etc/stash/secret
  --host host-0
  --status-file /stash-tmp/status.json
  --log-format text)
common_mounts=("$D/inputs:/etc/stash/inputs:ro" "$D/repo:/repo")

# Never print a secret: every run's output is checked for the password.
check_output() { # NAME FILE
  if grep -qF "$PASSWORD" "$2"; then fail "$1: the repository password appears in the output"; fi
}
check_tree() { # NAME RESTORED_DIR
  diff -r --no-dereference "$D/data" "$2" >&2 || fail "$1: restored tree differs from the backed-up data"
  cmp -s "$D/data/app/blob.bin" "$2/app/blob.bin" || fail "$1: blob.bin bytes differ"
  [[ "$(readlink "$2/app/link-to-numbers")" == nested/numbers.txt ]] || fail "$1: symlink not restored"
  [[ "$(stat -c %a "$2/app/greeting.txt")" == 640 ]] || fail "$1: mode of greeting.txt not restored"
}
check_status() { # NAME STATUS_FILE PHASE
  python3 - "$2" "$3" <<'PY' || fail "$1: status file $2 has no host-0 entry with phase $3"
import json, sys
status = json.load(open(sys.argv[1]))
stats = status.get("stats") or status.get("status", {}).get("stats") or []
entry = [s for s in stats if s.get("hostname") == "host-0"]
sys.exit(0 if entry and entry[0].get("phase") == sys.argv[2] else 1)
PY
}

# dry run: resolves everything, writes nothing
rc=0
run_ro 2000:2000 "${common_mounts[@]}" "$D/secret:/etc/stash/secret:ro" "$D/scratch-2000:/stash-tmp" "$D/target-2000:/restore" \
  -- "${OFFLINE_ARGS[@]}" --target-dir /restore --dry-run >"$WORK/dry-run.out" 2>&1 || rc=$?
sed 's/^/    /' "$WORK/dry-run.out" >&2
check_output "dry run" "$WORK/dry-run.out"
((rc == 0)) || fail "dry run exited $rc"
[[ -z "$(ls -A "$D/target-2000")" ]] || fail "dry run wrote into the target"
[[ ! -e "$D/scratch-2000/status.json" ]] || fail "dry run wrote a status file"
grep -q "/data" "$WORK/dry-run.out" || fail "dry run plan does not mention the path /data"
pass "dry run as uid 2000: exit 0, plan printed, nothing written"

# uid 2000 (the image default), read-only root, restore under --target-dir
rc=0
run_ro 2000:2000 "${common_mounts[@]}" "$D/secret:/etc/stash/secret:ro" "$D/scratch-2000:/stash-tmp" "$D/target-2000:/restore" \
  -- "${OFFLINE_ARGS[@]}" --target-dir /restore >"$WORK/restore-2000.out" 2>&1 || rc=$?
sed 's/^/    /' "$WORK/restore-2000.out" >&2
check_output "uid 2000 restore" "$WORK/restore-2000.out"
((rc == 0)) || fail "uid 2000 restore exited $rc"
check_tree "uid 2000 restore" "$D/target-2000/data"
check_status "uid 2000 restore" "$D/scratch-2000/status.json" Succeeded
[[ "$(stat -c %u "$D/target-2000/data/app/nested/numbers.txt")" == 2000 ]] || fail "uid 2000 restore: files not owned by the restoring user"
pass "uid 2000, read-only root: exit 0, bytes/modes/symlink identical (owned by 2000: only root restores owners), status host-0 Succeeded"

# root (how Stash runs its init-container), read-only root, the volume mounted at /data
# and restored in place (--target-dir not given: the init-container model)
rc=0
run_ro 0:0 "${common_mounts[@]}" "$D/secret:/etc/stash/secret:ro" "$D/scratch-0:/stash-tmp" "$D/target-0:/data" \
  -- "${OFFLINE_ARGS[@]}" >"$WORK/restore-0.out" 2>&1 || rc=$?
sed 's/^/    /' "$WORK/restore-0.out" >&2
check_output "root restore" "$WORK/restore-0.out"
((rc == 0)) || fail "root restore exited $rc"
check_tree "root restore" "$D/target-0"
[[ "$(stat -c %u:%g "$D/target-0/app/nested/numbers.txt")" == 1234:1234 ]] || fail "root restore: owner 1234:1234 not restored"
check_status "root restore" "$D/scratch-0/status.json" Succeeded
pass "root, read-only root, in place at /data: exit 0, bytes and owner 1234:1234 restored, status Succeeded"

# the wrong password must fail the host, exit 1, and leak neither password
rc=0
run_ro 2000:2000 "${common_mounts[@]}" "$D/secret-bad:/etc/stash/secret:ro" "$D/scratch-bad:/stash-tmp" "$D/target-bad:/restore" \
  -- "${OFFLINE_ARGS[@]}" --target-dir /restore >"$WORK/restore-bad.out" 2>&1 || rc=$?
sed 's/^/    /' "$WORK/restore-bad.out" >&2
check_output "wrong password" "$WORK/restore-bad.out"
grep -qF "not-the-password" "$WORK/restore-bad.out" && fail "wrong password: the secret value appears in the output"
((rc == 1)) || fail "wrong password: exit $rc, want 1"
check_status "wrong password" "$D/scratch-bad/status.json" Failed
pass "wrong password: exit 1, status host-0 Failed, no secret in the output"

# read-only root and nothing writable mounted at /stash-tmp: a clear error, exit 3, no data
rc=0
mkdir -p "$D/target-noscratch"; chown 2000:2000 "$D/target-noscratch"
run_ro 2000:2000 "${common_mounts[@]}" "$D/secret:/etc/stash/secret:ro" "$D/target-noscratch:/restore" \
  -- restore --restoresession-file /etc/stash/inputs/restoresession.yaml --repository-file /etc/stash/inputs/repository.yaml \
     --secret-dir /etc/stash/secret --host host-0 --log-format text --target-dir /restore >"$WORK/restore-noscratch.out" 2>&1 || rc=$?
sed 's/^/    /' "$WORK/restore-noscratch.out" >&2
check_output "no scratch dir" "$WORK/restore-noscratch.out"
((rc == 3)) || fail "no writable scratch dir: exit $rc, want 3"
grep -q "/stash-tmp" "$WORK/restore-noscratch.out" || fail "no writable scratch dir: the error does not name /stash-tmp"
[[ ! -e "$D/target-noscratch/data" ]] || fail "no writable scratch dir: data was restored anyway"
pass "read-only root without a writable /stash-tmp: exit 3, the error names /stash-tmp"

# RESTIC_SOURCE=debian has no azure backend: an azure Repository is refused with exit 3 before
# any hook, restic call or status write (restic is asked only `version` and `options`, so
# nothing is sent anywhere).
mkdir -p "$D/inputs-azure" "$D/scratch-azure" "$D/target-azure"
sed 's/demo-repo-secret/azure-secret/' "$D/inputs/repository.yaml" | sed '/local:/,$d' >"$D/inputs-azure/repository.yaml"
printf '    azure:\n      container: stash-backup\n      prefix: demo/app\n' >>"$D/inputs-azure/repository.yaml"
cp "$D/inputs/restoresession.yaml" "$D/inputs-azure/restoresession.yaml"
make_secret "$D/secret-azure" "$PASSWORD"
printf 'stashdemo' >"$D/secret-azure/AZURE_ACCOUNT_NAME"; printf 'azure-key-secret' >"$D/secret-azure/AZURE_ACCOUNT_KEY"
chown 2000:2000 "$D/scratch-azure" "$D/target-azure"
rc=0
run_ro 2000:2000 "$D/inputs-azure:/etc/stash/inputs:ro" "$D/secret-azure:/etc/stash/secret:ro" "$D/scratch-azure:/stash-tmp" "$D/target-azure:/restore" \
  -- "${OFFLINE_ARGS[@]}" --target-dir /restore >"$WORK/restore-azure.out" 2>&1 || rc=$?
sed 's/^/    /' "$WORK/restore-azure.out" >&2
check_output "azure repository" "$WORK/restore-azure.out"
grep -qF "azure-key-secret" "$WORK/restore-azure.out" && fail "azure repository: the account key appears in the output"
((rc == 3)) || fail "azure repository with Debian's restic: exit $rc, want 3"
grep -q "was built without the azure backend" "$WORK/restore-azure.out" || fail "azure repository: the error does not name the missing azure backend"
[[ ! -e "$D/scratch-azure/status.json" && -z "$(ls -A "$D/target-azure")" ]] || fail "azure repository: a status or data was written"
pass "azure Repository with RESTIC_SOURCE=debian: exit 3 naming the missing backend, nothing written"

# --- 4c. dry run against an API server through a mounted kubeconfig ---------------------
# The recipe of docs/image.md: HTTPS to the API server (the image's OpenSSL and CA handling),
# objects read through the API, the Secret read through the API, nothing written.
CRDS="${CRDS:-$REPO_ROOT/../shared/crds}"
if [[ -d "$CRDS" && -d "$REPO_ROOT/tests/Stash.Restore.TestApiServer" ]]; then
  log "dry run against the test API server, kubeconfig mounted"
  dotnet build "$REPO_ROOT/tests/Stash.Restore.TestApiServer" -c Release -o "$WORK/apiserver" -nologo -v quiet -clp:ErrorsOnly >"$WORK/apiserver-build.log" 2>&1 \
    || { cat "$WORK/apiserver-build.log" >&2; fail "building the test API server"; }
  {
    cat "$D/inputs/restoresession.yaml"; echo "---"; cat "$D/inputs/repository.yaml"; echo "---"
    printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: demo-repo-secret\n  namespace: demo\ndata:\n  RESTIC_PASSWORD: %s\n' \
      "$(printf '%s' "$PASSWORD" | base64 -w0)"
  } >"$WORK/seed.yaml"
  mkdir -p "$D/kube"
  "$WORK/apiserver/Stash.Restore.TestApiServer" --port 0 --crds "$CRDS" --seed "$WORK/seed.yaml" \
    --kubeconfig "$D/kube/config" >"$WORK/apiserver.out" 2>&1 &
  apiserver_pid=$!
  for _ in $(seq 1 60); do grep -q "^kubeconfig written" "$WORK/apiserver.out" && break; sleep 0.5; done
  grep -q "^kubeconfig written" "$WORK/apiserver.out" || { cat "$WORK/apiserver.out" >&2; kill "$apiserver_pid"; fail "test API server did not start"; }
  chmod 0644 "$D/kube/config"   # as `kubectl config view --flatten > f && chmod 644 f`
  rc=0
  run_ro 2000:2000 "$D/kube:/etc/stash/kube:ro" "$D/scratch-2000:/stash-tmp" \
    -- restore --kubeconfig /etc/stash/kube/config --namespace demo --restoresession demo-restore --host host-0 \
       --dry-run --log-format text >"$WORK/cluster-dry-run.out" 2>&1 || rc=$?
  kill "$apiserver_pid"; wait "$apiserver_pid" 2>/dev/null || true; apiserver_pid=""
  sed 's/^/    /' "$WORK/cluster-dry-run.out" >&2
  check_output "cluster dry run" "$WORK/cluster-dry-run.out"
  ((rc == 0)) || fail "cluster dry run exited $rc"
  grep -q "restore latest --path /data --host host-0" "$WORK/cluster-dry-run.out" || fail "cluster dry run: plan has no restic call for /data"
  pass "dry run over HTTPS with a mounted kubeconfig: exit 0, plan from the API's objects"
else
  log "SKIPPED: dry run against the test API server (no $CRDS or tests/Stash.Restore.TestApiServer)"
fi

# --- 5. figures --------------------------------------------------------------------------
log "figures"
echo "image:        $IMAGE" >&2
echo "image size:   $("${BUILDAH[@]}" images --format '{{.Size}}' "$IMAGE") (buildah images, uncompressed)" >&2
echo "app size:     $(du -sh "$ROOTFS/opt/stash-restore" | cut -f1) (/opt/stash-restore), restic $(du -sh "$ROOTFS/usr/bin/restic" | cut -f1)" >&2
times=()
for ((i = 0; i < STARTUP_RUNS + 1; i++)); do
  t0=$(date +%s%N)
  run_ro 2000:2000 "$D/scratch-2000:/stash-tmp" -- version >/dev/null 2>&1 || fail "stash-restore version failed"
  t1=$(date +%s%N)
  ((i == 0)) || times+=($(((t1 - t0) / 1000000)))   # the first run warms the page cache
done
base=()
for ((i = 0; i < STARTUP_RUNS; i++)); do
  t0=$(date +%s%N); run_ro 2000:2000 -- --setup-only; t1=$(date +%s%N)
  base+=($(((t1 - t0) / 1000000)))
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
echo "startup:      stash-restore version: median $(median "${times[@]}") ms of $STARTUP_RUNS runs (${times[*]}) incl. container setup of median $(median "${base[@]}") ms" >&2
echo "total time:   ${SECONDS} s" >&2
log "image check passed"
