#!/usr/bin/python3
"""Lineage reuse benchmark, side by side in one run (best of N wall-clock seconds):
scripts/examples/lm_lambda_grid.dml with -lineage reuse_full vs none, and the hand-written C++
baseline that hoists t(X)%*%X and t(X)%*%y (benchmarks/e2e/lineage/lm_grid_baseline.cpp).

Usage: run.py <linea> <lm_grid_baseline> [--n N --m M] [--out results.md]
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from bench_util import arg, best_of  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))


def main():
    linea, baseline = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    n, m = arg("--n", "100000"), arg("--m", "500")
    script = os.path.join(ROOT, "scripts", "examples", "lm_lambda_grid.dml")
    nv = ["-nvargs", "n=" + n, "m=" + m]
    t_off, o_off = best_of([linea, "-f", script] + nv)
    t_on, o_on = best_of([linea, "-f", script, "-lineage", "reuse_full"] + nv)
    t_cpp, o_cpp = best_of([baseline, n, m])
    same = "identical" if o_on == o_off else "DIFFERENT"
    rows = [("linea, -lineage none", t_off, t_off / t_on),
            ("linea, -lineage reuse_full", t_on, 1.0),
            ("hand-written C++ (hoisted, OpenBLAS/LAPACK)", t_cpp, t_cpp / t_on)]
    lines = ["lm lambda grid, X %sx%s, 20 lambdas; printed tables with reuse on/off: %s; vs C++: %s" % (
        n, m, same, "identical" if o_cpp == o_on else "differ in last digits"), "",
        "| variant | seconds (best of 3) | time / reuse_full time |", "|---|---|---|"]
    lines += ["| %s | %.3f | %.2f |" % r for r in rows]
    text = "\n".join(lines)
    print(text)
    out = arg("--out", None)
    if out:
        with open(out, "w") as f:
            f.write("# Lineage reuse benchmark\n\nMachine: %s, %d cores. Date: %s. Command: `benchmarks/e2e/lineage/run.py "
                    "build/linea build/benchmarks/lm_grid_baseline --out benchmarks/results/lineage.md`\n\n" % (
                        os.uname().machine, os.cpu_count(), time.strftime("%Y-%m-%d")))
            f.write(text + "\n")


if __name__ == "__main__":
    main()
