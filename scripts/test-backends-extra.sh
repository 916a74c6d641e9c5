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
  timeOut: 60s
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

run_swift() {
    say "SKIP swift: not automated yet (Debian's swift-proxy/account/container/object + memcached and ~40 lines of tempauth config)"
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
