#!/usr/bin/env python3
"""measure.py RUNS CMD...: runs CMD RUNS times (after one warm-up) and prints
'<median wall ms> <min wall ms> <max peak RSS KiB> <exit code>' — wall clock from fork to
reap, peak RSS from the kernel's rusage of that child alone (wait4)."""
import os, statistics, subprocess, sys, time

runs, cmd = int(sys.argv[1]), sys.argv[2:]
walls, rss, code = [], 0, 0
for i in range(runs + 1):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = (time.perf_counter() - t0) * 1000
    p.returncode = os.waitstatus_to_exitcode(status)
    code = code or p.returncode
    if i == 0:
        continue  # the first run warms the page cache
    walls.append(wall)
    rss = max(rss, usage.ru_maxrss)
print(f"{statistics.median(walls):.1f} {min(walls):.1f} {rss} {code}")
