#!/usr/bin/env bash
# Installs what stash-restore needs at run time and in tests on Debian 12 (run as root):
#   restic >= 0.17 (from Debian 13 "trixie", pinned low so nothing else upgrades; the executor
#   accepts >= 0.14, 0.17 is what it is best with), ionice (util-linux) and nice (coreutils);
#   and, for the tests, test servers and restic 0.14 in a private folder (ensure_test_tools).
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

# ---------------------------------------------------------------------------------------------
# Test servers and an older restic, for the backend, Pushgateway and restic-0.14 tests.
# Everything goes under one private folder (nothing is started, no system service, the
# system's restic is never replaced); the tests find it through STASH_TEST_TOOLS.
# A piece that cannot be installed is a warning: the tests that need it skip with the reason.
# Skip the whole block with STASH_SETUP_TEST_TOOLS=0 (a machine that only runs the executor).
# ---------------------------------------------------------------------------------------------
TEST_TOOLS="${STASH_TEST_TOOLS:-/opt/stash-restore-test-tools}"
S3RVER_VERSION="3.7.1"
RESTIC_OLD_DEB_VERSION="0.14.0-1+b5"

# timed NAME CMD...: runs CMD, says how long it took; a failure is a warning, never fatal.
timed() {
    local name="$1" start end
    shift
    start=$(date +%s)
    if "$@"; then
        end=$(date +%s)
        say "$name ready in $((end - start)) s"
    else
        say "warning: $name could not be installed; the tests that need it will be skipped"
    fi
}

# extract_deb PACKAGE VERSION DIR: apt-get download + dpkg-deb -x (no maintainer scripts run, no service started).
extract_deb() {
    local package="$1" version="$2" dir="$3" work
    apt_update
    work=$(mktemp -d)
    if ! (cd "$work" && apt-get "${APT_OPTS[@]}" download -qq "${package}${version:+=$version}" >/dev/null 2>&1); then
        rm -rf "$work"
        return 1
    fi
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    dpkg-deb -x "$work"/*.deb "$dir.tmp" && rm -rf "$dir" && mv "$dir.tmp" "$dir"
    local rc=$?
    rm -rf "$work"
    return $rc
}

install_restic_014() {
    extract_deb restic "$RESTIC_OLD_DEB_VERSION" "$TEST_TOOLS/restic-0.14" \
        && "$TEST_TOOLS/restic-0.14/usr/bin/restic" version | grep -q '^restic 0\.14\.'
}

ensure_restic_014() {
    if [ -x "$TEST_TOOLS/restic-0.14/usr/bin/restic" ]; then
        say "restic 0.14 already in $TEST_TOOLS/restic-0.14"
        return
    fi
    timed "restic 0.14 (Debian 12's, private copy)" install_restic_014
}

ensure_rest_server() {
    if [ -x "$TEST_TOOLS/rest-server/usr/bin/restic-rest-server" ]; then
        say "rest-server already in $TEST_TOOLS/rest-server"
        return
    fi
    # Only trixie carries it; its pin (priority 100) still lets an explicit download pick it.
    timed "restic REST server (Debian restic-rest-server)" extract_deb restic-rest-server "" "$TEST_TOOLS/rest-server"
}

ensure_pushgateway() {
    if [ -x "$TEST_TOOLS/pushgateway/usr/bin/prometheus-pushgateway" ]; then
        say "Pushgateway already in $TEST_TOOLS/pushgateway"
        return
    fi
    timed "Prometheus Pushgateway (Debian prometheus-pushgateway)" extract_deb prometheus-pushgateway "" "$TEST_TOOLS/pushgateway"
}

ensure_moto() {
    if command -v moto_server >/dev/null 2>&1; then
        say "moto_server already on PATH"
        return
    fi
    timed "moto (Debian python3-moto)" apt_install python3-moto python3-flask python3-flask-cors
}

install_s3rver() {
    command -v npm >/dev/null 2>&1 || apt_install npm
    mkdir -p "$TEST_TOOLS/s3rver"
    npm install --prefix "$TEST_TOOLS/s3rver" --no-audit --no-fund --loglevel=error "s3rver@$S3RVER_VERSION" >/dev/null
}

ensure_s3rver() {
    if [ -x "$TEST_TOOLS/s3rver/node_modules/.bin/s3rver" ]; then
        say "s3rver already in $TEST_TOOLS/s3rver"
        return
    fi
    timed "s3rver $S3RVER_VERSION (npm)" install_s3rver
}

ensure_test_tools() {
    if [ "${STASH_SETUP_TEST_TOOLS:-1}" = "0" ]; then
        say "STASH_SETUP_TEST_TOOLS=0: test servers not installed"
        return
    fi
    mkdir -p "$TEST_TOOLS"
    ensure_restic_014
    ensure_rest_server
    ensure_pushgateway
    ensure_moto
    ensure_s3rver
    # The test that the executor leaves the system certificate store unread watches its file opens.
    ensure_tool strace strace
}

ensure_restic
ensure_tool ionice util-linux
ensure_tool nice coreutils
ensure_test_tools

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
