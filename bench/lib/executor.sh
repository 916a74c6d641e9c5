# shellcheck shell=bash
# Sourced by the bench scripts: the executor binary they measure.
#
# bench_executor DIR
#   Sets `executor` to $STASH_RESTORE_BINARY when given, else publishes stash-restore as the image
#   ships it (Release, Native AOT) into DIR and sets it to DIR/stash-restore.
bench_executor() {
  executor=${STASH_RESTORE_BINARY:-}
  if [ -z "$executor" ]; then
    echo "== publishing stash-restore as the image ships it (Release, Native AOT)"
    dotnet publish src/Stash.Restore.Cli -c Release -r linux-x64 -o "$1" -nologo -v quiet -clp:ErrorsOnly >/dev/null
    executor="$1/stash-restore"
  fi
}
