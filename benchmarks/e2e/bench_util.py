"""Shared helpers of the end-to-end benchmark drivers (benchmarks/e2e/*/run.py): the best-of-N timing
loop, `--name value` options, the machine description and the load at measurement time.

A driver in benchmarks/e2e/<area>/ imports it with
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import bench_util
"""
import os
import platform
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def arg(name, default):
    """The value following `name` on the command line, or default."""
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def best_of(cmd, runs=3, env=None, cwd=None, strip=False):
    """Runs cmd `runs` times; returns (best wall-clock seconds, stdout of the last run). Exits with the
    command's stderr (and stdout) when a run fails."""
    best, out = float("inf"), ""
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd)
        dt = time.perf_counter() - t0
        if p.returncode != 0:
            sys.exit("command failed: %s\n%s%s" % (" ".join(cmd), p.stdout, p.stderr))
        best, out = min(best, dt), p.stdout
    return best, (out.strip() if strip else out)


def machine():
    """CPU model and core count, for the results header."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%s, %d cores" % (model, os.cpu_count())


def load_average():
    """The 1-minute load average (other processes share the cores; ratios stay side by side)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")
