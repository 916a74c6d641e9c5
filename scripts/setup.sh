#!/usr/bin/env bash
# Installs what stash-restore needs at run time and in tests on Debian 12 (run as root):
#   restic >= 0.17 (from Debian 13 "trixie", pinned low so nothing else upgrades),
#   ionice (util-linux) and nice (coreutils).
# Idempotent: does nothing when everything is already in place.
set -euo pipefail

MIN_RESTIC="0.17.0"
TRIXIE_SOURCES=/etc/apt/sources.list.d/trixie.sources
TRIXIE_PIN=/etc/apt/preferences.d/99-trixie-pin

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (it installs Debian packages)"
command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this script supports Debian 12 only"

export DEBIAN_FRONTEND=noninteractive
# Wait for another apt/dpkg run (CI images, parallel setup) instead of failing at once.
APT_OPTS=(-o DPkg::Lock::Timeout=300)
APT_UPDATED=0
apt_update() {
    if [ "$APT_UPDATED" -eq 0 ]; then
        apt-get "${APT_OPTS[@]}" update -qq >/dev/null || die "apt-get update failed (no network to the Debian mirror?)"
        APT_UPDATED=1
    fi
}
apt_install() {
    apt_update
    apt-get "${APT_OPTS[@]}" install -y -qq --no-install-recommends "$@" >/dev/null || die "apt-get install $* failed"
}

# version_ge A B: true when A >= B (dotted numeric versions)
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

restic_version() {
    # "restic 0.18.0 compiled with go1.24.4 on linux/amd64" -> 0.18.0
    restic version 2>/dev/null | awk '/^restic /{print $2; exit}'
}

ensure_restic() {
    local have
    if command -v restic >/dev/null 2>&1; then
        have="$(restic_version || true)"
        if [ -n "$have" ] && version_ge "$have" "$MIN_RESTIC"; then
            say "restic $have already installed"
            return
        fi
        say "restic ${have:-<unknown version>} is older than $MIN_RESTIC; upgrading"
    fi

    apt_update
    local candidate
    candidate="$(apt-cache policy restic | awk '/Candidate:/{print $2}')"
    candidate="${candidate%%-*}"      # 0.14.0-1+b5 -> 0.14.0
    candidate="${candidate#*:}"       # drop an epoch
    if [ -n "$candidate" ] && [ "$candidate" != "(none)" ] && version_ge "$candidate" "$MIN_RESTIC"; then
        apt_install restic
    else
        if [ ! -f "$TRIXIE_SOURCES" ]; then
            say "adding Debian 13 (trixie) as a low-priority apt source for restic"
            cat >"$TRIXIE_SOURCES" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
            APT_UPDATED=0
        fi
        if [ ! -f "$TRIXIE_PIN" ]; then
            # Priority 100: trixie packages are never picked unless asked for with -t trixie.
            cat >"$TRIXIE_PIN" <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
            APT_UPDATED=0
        fi
        apt_update
        say "installing restic from trixie"
        apt-get "${APT_OPTS[@]}" install -y -qq --no-install-recommends -t trixie restic >/dev/null \
            || die "apt-get install -t trixie restic failed"
    fi

    command -v restic >/dev/null 2>&1 || die "restic was installed but is not on PATH"
    have="$(restic_version || true)"
    [ -n "$have" ] && version_ge "$have" "$MIN_RESTIC" || die "restic ${have:-<unknown>} installed, need >= $MIN_RESTIC"
    say "restic $have installed"
}

ensure_tool() {
    local tool="$1" package="$2"
    if command -v "$tool" >/dev/null 2>&1; then
        return
    fi
    say "installing $package (for $tool)"
    apt_install "$package"
    command -v "$tool" >/dev/null 2>&1 || die "$package installed but $tool is not on PATH"
}

ensure_restic
ensure_tool ionice util-linux
ensure_tool nice coreutils

# The hook-template tests compare our Go text/template interpreter with Go's own (plus sprig, as Stash
# uses it): Debian's Go 1.19 and sprig 3.2.3 are built in GOPATH mode (GO111MODULE=off GOPATH=/usr/share/gocode).
# Without them those tests skip and say so; the executor itself never needs Go.
ensure_go_template_oracle() {
    if command -v go >/dev/null 2>&1 && [ -d /usr/share/gocode/src/github.com/Masterminds/sprig ]; then
        say "go and sprig already installed (template tests' oracle)"
        return
    fi
    say "installing golang-go and golang-github-masterminds-sprig-dev (template tests' oracle)"
    apt_install golang-go golang-github-masterminds-sprig-dev
}
ensure_go_template_oracle
say "ok"
