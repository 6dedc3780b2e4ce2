#!/usr/bin/python3
"""steplm with lineage reuse on vs off, side by side (best of N): the steplm builtin on random data
(benchmarks/e2e/partial/steplm_builtin.dml, X n x m) and the steplm_selection example (a sweep over the
regularization that refits the same candidates). Reports wall-clock seconds and CPU seconds (user + sys
of the child; on a shared machine CPU time is the steadier measure), cache hits, compensations, entries,
and whether the printed results agree.

Usage: run_steplm.py <linea> [--n N --m M --runs R --threads T] [--out results.md]
"""
import os
import re
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))


def arg(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def run_cpu(cmd):
    """Runs cmd; returns (wall s, CPU s, stdout)."""
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        fd = os.open("/tmp/run_steplm.%d.out" % os.getpid(), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(fd, 1)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        os.execv(cmd[0], cmd)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    path = "/tmp/run_steplm.%d.out" % pid
    with open(path) as f:
        out = f.read()
    os.remove(path)
    if status != 0:
        sys.exit("failed: " + " ".join(cmd))
    return wall, usage.ru_utime + usage.ru_stime, out


def measure(cmd, runs):
    best_wall, best_cpu, out = float("inf"), float("inf"), ""
    for _ in range(runs):
        wall, cpu, out = run_cpu(cmd)
        best_wall, best_cpu = min(best_wall, wall), min(best_cpu, cpu)
    return best_wall, best_cpu, out


def stat(out, name):
    m = re.search(name + r"[^\n]*?:\s*([\d/]+)", out)
    return m.group(1).split("/")[0] if m else "-"


def main():
    linea = os.path.abspath(sys.argv[1])
    n, m, runs = arg("--n", "10000"), arg("--m", "200"), int(arg("--runs", "3"))
    threads = arg("--threads", "1")
    cases = [("steplm builtin, X %sx%s" % (n, m),
              os.path.join(ROOT, "benchmarks", "e2e", "partial", "steplm_builtin.dml"), ["n=" + n, "m=" + m]),
             ("steplm_selection example, n=10000 m=20",
              os.path.join(ROOT, "scripts", "examples", "steplm_selection.dml"), ["n=10000", "m=20"])]
    modes = ["none", "reuse_full", "reuse_partial", "reuse_hybrid"]
    lines = ["| script | -lineage | wall s (best of %d) | CPU s (best of %d) | off/on wall | off/on CPU | "
             "hits | rewrites | entries | same output |" % (runs, runs), "|---|---|---|---|---|---|---|---|---|---|"]
    for title, script, nv in cases:
        base = None
        for mode in modes:
            cmd = [linea, "-f", script, "-lineage", mode, "-threads", threads, "-stats", "-nvargs"] + nv
            wall, cpu, out = measure(cmd, runs)
            result = out.split("linea Statistics")[0]
            if base is None:
                base = (wall, cpu, result)
            lines.append("| %s | %s | %.3f | %.3f | %.2f | %.2f | %s | %s | %s | %s |" % (
                title, mode, wall, cpu, base[0] / wall, base[1] / cpu, stat(out, "LinCache hits"),
                stat(out, "LinCache Rewrites"), stat(out, "LinCache entries"),
                "yes" if result == base[2] else "NO"))
            print(lines[-1], flush=True)
    text = "\n".join(lines)
    out = arg("--out", None)
    if out:
        with open(out, "w") as f:
            f.write("Date: %s. Command: `benchmarks/e2e/partial/run_steplm.py build/linea --n %s --m %s --runs %d "
                    "--threads %s`\n\n" % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), n, m, runs, threads))
            f.write(text + "\n")


if __name__ == "__main__":
    main()
