#!/usr/bin/env python3
"""measure.py RUNS CMD...: runs CMD RUNS times (after one warm-up) and prints
'<median wall ms> <min wall ms> <max peak RSS KiB> <exit code> <median CPU ms>'.

Wall clock: fork to reap of CMD itself. CPU: user + system time of CMD and every child it
reaped (restic included), from the kernel's rusage; it moves far less than wall time when
other work loads the machine.

Peak RSS: the largest resident set any single process of CMD's tree reached (the executor or
one of its restic children), read by GNU time on RSS_RUNS separate runs. Not the rusage of
this script's own child: Linux carries a process's pre-exec high-water mark across execve, so
a child forked from Python starts at Python's RSS (≈14 MiB: /bin/true "used" 14 MiB), which
figures before 2026-12-01 showed as their floor."""
import os, statistics, subprocess, sys, tempfile, time

TIME = "/usr/bin/time"
runs, cmd = int(sys.argv[1]), sys.argv[2:]
rss_runs = min(runs, int(os.environ.get("RSS_RUNS", "5")))
if not os.access(TIME, os.X_OK):
    sys.exit(f"measure.py: {TIME} (GNU time) is needed for peak RSS: apt-get install time")

walls, cpus, rss, code = [], [], 0, 0
with tempfile.NamedTemporaryFile("r", suffix=".rss") as report:
    for i in range(runs + 1):
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        wall = (time.perf_counter() - t0) * 1000
        code = code or os.waitstatus_to_exitcode(status)
        if i == 0:
            continue  # the first run warms the page cache
        walls.append(wall)
        cpus.append((usage.ru_utime + usage.ru_stime) * 1000)
        if i <= rss_runs:
            # GNU time forks CMD from its own small image, so the figure is CMD's tree alone.
            subprocess.run([TIME, "-f", "%M", "-o", report.name, *cmd],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            report.seek(0)
            lines = [l for l in report.read().split() if l.isdigit()]
            if lines:
                rss = max(rss, int(lines[-1]))
print(f"{statistics.median(walls):.1f} {min(walls):.1f} {rss} {code} {statistics.median(cpus):.1f}")
