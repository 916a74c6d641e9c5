#!/usr/bin/env bash
# Builds the stash-restore image with buildah and runs it the way a user would, without a
# Docker engine and without access to docker.io / mcr.microsoft.com.
#
#   sudo scripts/image-check.sh            # everything (bases are cached between runs)
#   sudo scripts/image-check.sh --rebuild-bases
#
# What it does (idempotent; meant for a fresh Debian 12 machine, as root):
#   1. installs buildah/debootstrap if missing;
#   2. builds two local base images, cached in buildah's storage:
#        - a Debian 13 (trixie) minbase from debootstrap     -> RUNTIME_BASE_IMAGE
#        - that base + this machine's .NET SDK (/usr/share/dotnet) -> SDK_IMAGE
#   3. buildah bud --isolation chroot the Dockerfile with those two as build args;
#   4. runs the image: `stash-restore version`, then the offline restore demo against a
#      restic repository created on the host, as uid 2000 and as root, each with a
#      read-only root filesystem and only /stash-tmp and the restore target writable, and
#      compares the restored bytes;
#   5. prints the image size and the median startup time of `stash-restore version`.
#
# Environment knobs:
#   IMAGE                 tag of the image to build (default localhost/stash-restore:check)
#   STORAGE_DRIVER        buildah storage driver (overlay by default; vfs works everywhere)
#   STARTUP_RUNS          runs for the startup-time median (default 9)
#   KEEP_WORKDIR=1        keep the temporary demo directory for inspection
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
    -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
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
cleanup() {
  local c
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
VERSION="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$REPO_ROOT/Directory.Build.props" | head -1)"
REVISION="$(git -C "$REPO_ROOT" rev-parse HEAD 2>/dev/null || echo unknown)"
log "building $IMAGE (version $VERSION, revision $REVISION)"
build_start=$SECONDS
"${BUILDAH[@]}" bud --isolation chroot --pull=never --layers \
  --build-arg SDK_IMAGE="$SDK_BASE" \
  --build-arg RUNTIME_BASE_IMAGE="$RUNTIME_BASE" \
  --build-arg VERSION="$VERSION" --build-arg REVISION="$REVISION" \
  -f "$REPO_ROOT/Dockerfile" -t "$IMAGE" "$REPO_ROOT" >"$WORK/build.log" 2>&1 \
  || { tail -40 "$WORK/build.log" >&2; fail "buildah bud"; }
pass "built in $((SECONDS - build_start)) s"
