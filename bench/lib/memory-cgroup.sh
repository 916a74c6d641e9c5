# shellcheck shell=bash
# Sourced by bench/memory-limit.sh: memory cgroups to run a command under a limit, as Kubernetes
# runs a container with resources.limits.memory. Root only. Uses whichever hierarchy this machine
# lets us write: cgroup v1's memory controller (a child of this process's own memory cgroup), else
# cgroup v2 (a child of our own cgroup when it delegates memory, else of the root).
#
# memcg_setup                 finds the parent; sets MEMCG_VERSION (1|2) and MEMCG_PARENT, or fails
# memcg_create NAME BYTES     makes $MEMCG_PARENT/NAME limited to BYTES (no swap); prints its path
# memcg_exec CGROUP CMD...    runs CMD inside CGROUP (a shell writes its own pid there, then execs CMD)
# memcg_peak CGROUP           peak usage in bytes (v1 memory.max_usage_in_bytes, v2 memory.peak)
# memcg_oom_kills CGROUP      processes the OOM killer ended in it (oom_kill of memory.oom_control / memory.events)
# memcg_remove CGROUP         kills what is left in it and removes it

memcg_setup() {
  local mount own
  mount=$(awk '$(NF-2) == "cgroup" && $NF ~ /(^|,)memory(,|$)/ {print $5; exit}' /proc/self/mountinfo)
  own=$(awk -F: '$1 != 0 && $2 ~ /(^|,)memory(,|$)/ {print $3; exit}' /proc/self/cgroup)
  if [ -n "$mount" ] && [ -n "$own" ] && [ -w "$mount$own" ]; then
    MEMCG_VERSION=1
    MEMCG_PARENT=${mount}${own%/}
    return 0
  fi
  mount=$(awk '$(NF-2) == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
  own=$(awk -F: '$1 == 0 {print $3; exit}' /proc/self/cgroup)
  if [ -n "$mount" ]; then
    MEMCG_VERSION=2
    if grep -qw memory "$mount$own/cgroup.subtree_control" 2>/dev/null; then
      MEMCG_PARENT=${mount}${own%/}
      return 0
    elif grep -qw memory "$mount/cgroup.subtree_control" 2>/dev/null; then
      MEMCG_PARENT=$mount
      return 0
    fi
  fi
  echo "no writable memory cgroup here (cgroup v1 memory controller or cgroup v2 with memory delegated; root needed)" >&2
  return 1
}

memcg_create() { # NAME BYTES
  local cgroup="$MEMCG_PARENT/$1"
  mkdir "$cgroup"
  if [ "$MEMCG_VERSION" = 1 ]; then
    echo "$2" > "$cgroup/memory.limit_in_bytes"
    [ -e "$cgroup/memory.memsw.limit_in_bytes" ] && echo "$2" > "$cgroup/memory.memsw.limit_in_bytes"
  else
    echo "$2" > "$cgroup/memory.max"
    [ -e "$cgroup/memory.swap.max" ] && echo 0 > "$cgroup/memory.swap.max"
  fi
  echo "$cgroup"
}

memcg_exec() { # CGROUP CMD...  (only CMD joins the cgroup, not the calling shell)
  sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' memcg "$@"
}

memcg_peak() {
  if [ "$MEMCG_VERSION" = 1 ]; then cat "$1/memory.max_usage_in_bytes"; else cat "$1/memory.peak" 2>/dev/null || echo 0; fi
}

memcg_oom_kills() {
  awk '$1 == "oom_kill" {print $2}' "$1/$([ "$MEMCG_VERSION" = 1 ] && echo memory.oom_control || echo memory.events)"
}

memcg_remove() {
  [ -d "$1" ] || return 0
  local pid
  while read -r pid; do kill -9 "$pid" 2>/dev/null || true; done < "$1/cgroup.procs"
  for _ in $(seq 1 100); do rmdir "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "could not remove cgroup $1" >&2
}
