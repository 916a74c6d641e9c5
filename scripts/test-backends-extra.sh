#!/usr/bin/env bash
# Opt-in backend checks that are too heavy for scripts/test.sh (run as root on Debian 12):
#   azure  Azurite from npm (~190 MB, 70 s here) with restic 0.14 (Debian's newer restic is built without
#          azure). restic 0.14's Azure SDK sends the emulator account "devstoreaccount1" to
#          http://127.0.0.1:10000, so Azurite listens there (the port must be free).
#   swift  OpenStack Swift from Debian (swift-proxy/account/container/object + memcached, tempauth),
#          once with ST_AUTH/ST_USER/ST_KEY and once with OS_STORAGE_URL/OS_AUTH_TOKEN.
# Each backs up a tree with real restic, restores it with stash-restore offline (Repository and
# Secret files), compares the trees, then checks a wrong credential fails with exit 1 and leaks
# nothing. Only 127.0.0.1 is ever contacted. Usage: scripts/test-backends-extra.sh [azure] [swift]
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
TOOLS="${STASH_TEST_TOOLS:-/opt/stash-restore-test-tools}"
RESTIC014="$TOOLS/restic-0.14/usr/bin/restic"
AZURITE_DIR="$TOOLS/azurite"
WORK=$(mktemp -d /tmp/stash-backends-extra-XXXXXX)
PIDS=()
FAILED=0

say() { printf 'extra: %s\n' "$*"; }
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

wait_port() { # wait_port PORT SECONDS
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

build_cli() {
    dotnet build "$repo_root/src/Stash.Restore.Cli" -c Release -nologo -v q >/dev/null
    CLI="$repo_root/src/Stash.Restore.Cli/bin/Release/net10.0/stash-restore.dll"
}

# check NAME BACKEND_YAML SECRET_DIR PATH_FOR_RESTIC EXPECT(ok|fail) [SECRET_VALUE_THAT_MUST_NOT_SHOW]
check() {
    local name="$1" backend="$2" secret="$3" path="$4" expect="$5" hidden="${6:-}" dir="$WORK/$1"
    mkdir -p "$dir"
    cat >"$dir/rs.yaml" <<YAML
apiVersion: stash.appscode.com/v1beta1
kind: RestoreSession
metadata: {name: extra, namespace: demo}
spec:
  repository: {name: extra-repo}
  timeOut: 20s
  target:
    rules:
    - paths: ["$WORK/data"]
YAML
    printf 'apiVersion: stash.appscode.com/v1alpha1\nkind: Repository\nmetadata: {name: extra-repo, namespace: demo}\nspec:\n  backend:\n%s\n' "$backend" >"$dir/repo.yaml"
    local code=0 start end
    start=$(date +%s%N)
    PATH="$path" dotnet "$CLI" restore --restoresession-file "$dir/rs.yaml" --repository-file "$dir/repo.yaml" --secret-dir "$secret" \
        --host host-0 --target-dir "$dir/target" --scratch-dir "$dir/scratch" --status-file "$dir/status.json" --log-format text \
        >"$dir/out" 2>"$dir/err" || code=$?
    end=$(date +%s%N)
    local took=$(( (end - start) / 1000000 ))ms
    if [ "$expect" = ok ]; then
        if [ "$code" -eq 0 ] && diff -r --no-dereference "$WORK/data" "$dir/target$WORK/data" >/dev/null; then
            say "PASS $name: restored identical tree in ${took} ($(grep -o '[0-9]* file(s), [0-9]* byte(s) restored' "$dir/err"))"
        else
            say "FAIL $name: exit $code"; tail -5 "$dir/err"; FAILED=1
        fi
    else
        if [ "$code" -eq 1 ] && { [ -z "$hidden" ] || ! grep -qF -- "$hidden" "$dir/out" "$dir/err" "$dir/status.json"; }; then
            say "PASS $name: exit 1 in ${took}: $(grep -o '"error": *"[^"]*"' "$dir/status.json")"
        else
            say "FAIL $name: exit $code (want 1, and no secret in output)"; tail -5 "$dir/err"; FAILED=1
        fi
    fi
}

make_data() {
    mkdir -p "$WORK/data/sub dir" "$WORK/data/empty"
    printf 'hello\n' >"$WORK/data/a.txt"
    head -c 300000 /dev/urandom >"$WORK/data/sub dir/random.bin"
    ln -s a.txt "$WORK/data/link"
}

run_azure() {
    [ -x "$RESTIC014" ] || { say "SKIP azure: $RESTIC014 missing (scripts/setup.sh installs it)"; return; }
    if [ ! -x "$AZURITE_DIR/node_modules/.bin/azurite-blob" ]; then
        local t0=$SECONDS
        say "installing Azurite from npm into $AZURITE_DIR"
        mkdir -p "$AZURITE_DIR"
        npm install --prefix "$AZURITE_DIR" --no-audit --no-fund --loglevel=error azurite >/dev/null
        say "Azurite installed in $((SECONDS - t0)) s, $(du -sh "$AZURITE_DIR" | cut -f1)"
    fi
    say "Azurite $("$AZURITE_DIR/node_modules/.bin/azurite-blob" --version 2>/dev/null || echo '?'), restic $("$RESTIC014" version | awk '{print $2}')"
    if wait_port 10000 0; then say "SKIP azure: 127.0.0.1:10000 is in use"; return; fi
    "$AZURITE_DIR/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort 10000 --location "$WORK/azurite" --silent --skipApiVersionCheck >"$WORK/azurite.log" 2>&1 &
    PIDS+=($!)
    wait_port 10000 30 || { say "FAIL azure: Azurite did not start"; cat "$WORK/azurite.log"; FAILED=1; return; }
    # Azurite's documented development account and key.
    local account=devstoreaccount1 key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
    AZURE_ACCOUNT_NAME=$account AZURE_ACCOUNT_KEY=$key RESTIC_PASSWORD=azure-repo-pw RESTIC_REPOSITORY=azure:stash-extra:/team-a \
        "$RESTIC014" init -q --no-cache && \
    AZURE_ACCOUNT_NAME=$account AZURE_ACCOUNT_KEY=$key RESTIC_PASSWORD=azure-repo-pw RESTIC_REPOSITORY=azure:stash-extra:/team-a \
        "$RESTIC014" backup -q --no-cache --host host-0 "$WORK/data" || { say "FAIL azure: restic 0.14 backup"; FAILED=1; return; }
    local secret="$WORK/azure-secret" wrong="$WORK/azure-secret-wrong"
    mkdir -p "$secret" "$wrong"
    printf %s azure-repo-pw >"$secret/RESTIC_PASSWORD"; printf %s $account >"$secret/AZURE_ACCOUNT_NAME"; printf %s "$key" >"$secret/AZURE_ACCOUNT_KEY"
    # The emulator client signs with the well-known key whatever AZURE_ACCOUNT_KEY says, and another
    # account name would mean *.blob.core.windows.net: the credential that can be wrong here is restic's.
    cp "$secret"/* "$wrong/"; printf %s 'wrong-azure-repo-pw-31' >"$wrong/RESTIC_PASSWORD"
    local backend='    azure:
      container: stash-extra
      prefix: team-a'
    local path014="$(dirname "$RESTIC014"):$PATH"
    check azure "$backend" "$secret" "$path014" ok
    check azure-wrong-password "$backend" "$wrong" "$path014" fail 'wrong-azure-repo-pw-31'
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

install_swift() {
    command -v swift-proxy-server >/dev/null 2>&1 && command -v memcached >/dev/null 2>&1 && return
    local t0=$SECONDS
    say "installing Debian's swift-proxy swift-account swift-container swift-object memcached"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends \
        swift-proxy swift-account swift-container swift-object memcached >/dev/null
    say "Swift installed in $((SECONDS - t0)) s"
}

# One proxy (tempauth, user test:tester / testing), one account, container and object server, one
# device, one replica; rings and configuration in $WORK/swift (/etc/swift/swift.conf from the package
# only supplies the hash prefix/suffix).
start_swift() {
    local dir="$WORK/swift" kind port
    mkdir -p "$dir/srv/sdb1"
    SWIFT_PROXY_PORT=$(free_port)
    local memcached_port
    memcached_port=$(free_port)
    memcached -l 127.0.0.1 -p "$memcached_port" -U 0 -u root >"$WORK/memcached.log" 2>&1 &
    PIDS+=($!)
    for kind in account container object; do
        port=$(free_port)
        (cd "$dir" && swift-ring-builder "$kind.builder" create 8 1 1 >/dev/null \
            && swift-ring-builder "$kind.builder" add "r1z1-127.0.0.1:$port/sdb1" 100 >/dev/null \
            && swift-ring-builder "$kind.builder" rebalance >/dev/null) || true
        cat >"$dir/$kind-server.conf" <<CONF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $port
devices = $dir/srv
mount_check = false
swift_dir = $dir
user = root
workers = 0
log_level = WARNING
[pipeline:main]
pipeline = $kind-server
[app:$kind-server]
use = egg:swift#$kind
CONF
        "swift-$kind-server" "$dir/$kind-server.conf" -v >"$WORK/swift-$kind.log" 2>&1 &
        PIDS+=($!)
    done
    cat >"$dir/proxy-server.conf" <<CONF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $SWIFT_PROXY_PORT
swift_dir = $dir
user = root
workers = 0
log_level = WARNING
[pipeline:main]
pipeline = catch_errors cache tempauth proxy-server
[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin
[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$memcached_port
[filter:catch_errors]
use = egg:swift#catch_errors
CONF
    swift-proxy-server "$dir/proxy-server.conf" -v >"$WORK/swift-proxy.log" 2>&1 &
    PIDS+=($!)
    wait_port "$SWIFT_PROXY_PORT" 60
}

run_swift() {
    install_swift || { say "SKIP swift: could not install it"; return; }
    say "Swift $(dpkg-query -W -f '${Version}' swift-proxy), memcached $(dpkg-query -W -f '${Version}' memcached), restic $(restic version | awk '{print $2}')"
    start_swift || { say "FAIL swift: the proxy did not start"; tail -5 "$WORK"/swift-*.log; FAILED=1; return; }
    local auth="http://127.0.0.1:$SWIFT_PROXY_PORT/auth/v1.0"
    local backup_ok=1
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
        if ST_AUTH=$auth ST_USER=test:tester ST_KEY=testing RESTIC_PASSWORD=swift-repo-pw RESTIC_REPOSITORY=swift:stash-extra:/team-a \
            timeout 60 restic init -q --no-cache >"$WORK/swift-init.log" 2>&1; then backup_ok=0; break; fi
        sleep 1 # the account/container/object servers may still be starting
    done
    [ "$backup_ok" -eq 0 ] && ST_AUTH=$auth ST_USER=test:tester ST_KEY=testing RESTIC_PASSWORD=swift-repo-pw RESTIC_REPOSITORY=swift:stash-extra:/team-a \
        timeout 120 restic backup -q --no-cache --host host-0 "$WORK/data" >>"$WORK/swift-init.log" 2>&1 \
        || { say "FAIL swift: restic init/backup"; tail -5 "$WORK/swift-init.log"; FAILED=1; return; }
    local secret="$WORK/swift-secret" token_secret="$WORK/swift-token-secret" wrong="$WORK/swift-secret-wrong"
    mkdir -p "$secret" "$token_secret" "$wrong"
    printf %s swift-repo-pw >"$secret/RESTIC_PASSWORD"; printf %s "$auth" >"$secret/ST_AUTH"
    printf %s test:tester >"$secret/ST_USER"; printf %s testing >"$secret/ST_KEY"
    cp "$secret"/* "$wrong/"; printf %s 'wrong-swift-key-58' >"$wrong/ST_KEY"
    # A token and storage URL from tempauth, as OS_AUTH_TOKEN/OS_STORAGE_URL.
    local headers
    headers=$(python3 - "$auth" <<'PY'
import sys, urllib.request
r = urllib.request.urlopen(urllib.request.Request(sys.argv[1], headers={"X-Auth-User": "test:tester", "X-Auth-Key": "testing"}))
print(r.headers["X-Storage-Url"]); print(r.headers["X-Auth-Token"])
PY
)
    printf %s swift-repo-pw >"$token_secret/RESTIC_PASSWORD"
    printf %s "$(sed -n 1p <<<"$headers")" >"$token_secret/OS_STORAGE_URL"
    printf %s "$(sed -n 2p <<<"$headers")" >"$token_secret/OS_AUTH_TOKEN"
    local backend='    swift:
      container: stash-extra
      prefix: team-a'
    check swift-st-auth "$backend" "$secret" "$PATH" ok
    check swift-os-token "$backend" "$token_secret" "$PATH" ok
    check swift-wrong-key "$backend" "$wrong" "$PATH" fail 'wrong-swift-key-58'
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(azure swift)
build_cli
make_data
for target in "${targets[@]}"; do
    case "$target" in
        azure) run_azure ;;
        swift) run_swift ;;
        *) say "unknown target $target (azure, swift)"; exit 2 ;;
    esac
done
[ "$FAILED" -eq 0 ] && say "ok" || { say "some checks failed"; exit 1; }
