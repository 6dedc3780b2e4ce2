#!/usr/bin/python3
"""Small products through the CLI: a loop of X %*% v, t(X) %*% X, t(X) %*% r on 2000x20 (small_matmult_loop.dml),
default threads vs -threads 1, for each given linea binary (e.g. before and after a change), in the same run.

Usage: run_small_matmult_cli.py <linea> [<linea> ...] [--iters N] [--reps R]
Prints one line per binary: best-of-R wall time with all threads and with -threads 1, and their ratio.
"""
import os
import subprocess
import sys
import time


def best(cmd, reps):
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return min(times)


def main():
    args = sys.argv[1:]
    iters, reps = "2000", 5
    if "--iters" in args:
        i = args.index("--iters")
        iters = args[i + 1]
        del args[i:i + 2]
    if "--reps" in args:
        i = args.index("--reps")
        reps = int(args[i + 1])
        del args[i:i + 2]
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "small_matmult_loop.dml")
    print("| binary | all threads | -threads 1 | ratio (1 thread / all) |")
    print("|---|---|---|---|")
    for binary in args:
        base = [binary, "-f", script, "-nvargs", "iters=" + iters]
        # Interleave the two configurations so load changes hit both alike.
        t_all = t_one = float("inf")
        for _ in range(reps):
            t_all = min(t_all, best(base, 1))
            t_one = min(t_one, best(base + ["-threads", "1"], 1))
        print("| %s | %.3f s | %.3f s | %.2f |" % (binary, t_all, t_one, t_one / t_all))


if __name__ == "__main__":
    main()
