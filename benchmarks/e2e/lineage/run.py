#!/usr/bin/python3
"""Lineage reuse benchmark, side by side in one run (best of N wall-clock seconds):
scripts/examples/lm_lambda_grid.dml with -lineage reuse_full vs none, on X and y read from binary files
(written once by gen_lm_data.dml) and on the script's own generated data; the same sweep through the lm
builtin (lm_builtin_grid.dml); and the hand-written C++ baseline that hoists t(X)%*%X and t(X)%*%y
(benchmarks/e2e/lineage/lm_grid_baseline.cpp) on the same files.

Usage: run.py <linea> <lm_grid_baseline> [--n N --m M --runs R] [--out results.md]
"""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from bench_util import arg, best_of, load_average, machine  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def main():
    linea, baseline = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    n, m, runs = arg("--n", "100000"), arg("--m", "500"), int(arg("--runs", "3"))
    example = os.path.join(ROOT, "scripts", "examples", "lm_lambda_grid.dml")
    builtin = os.path.join(HERE, "lm_builtin_grid.dml")
    load0 = load_average()
    with tempfile.TemporaryDirectory() as tmp:
        xf, yf = os.path.join(tmp, "X.bin"), os.path.join(tmp, "y.bin")
        best_of([linea, "-f", os.path.join(HERE, "gen_lm_data.dml"), "-nvargs", "n=" + n, "m=" + m, "X=" + xf,
                 "Y=" + yf], runs=1)
        files = ["-nvargs", "X=" + xf, "Y=" + yf]
        t_off, o_off = best_of([linea, "-f", example, "-lineage", "none"] + files, runs)
        t_on, o_on = best_of([linea, "-f", example, "-lineage", "reuse_full"] + files, runs)
        t_cpp, o_cpp = best_of([baseline, xf, yf], runs)
        tb_off, ob_off = best_of([linea, "-f", builtin, "-lineage", "none"] + files, runs)
        tb_on, ob_on = best_of([linea, "-f", builtin, "-lineage", "reuse_full"] + files, runs)
    gen = ["-nvargs", "n=" + n, "m=" + m]
    tg_off, og_off = best_of([linea, "-f", example, "-lineage", "none"] + gen, runs)
    tg_on, og_on = best_of([linea, "-f", example, "-lineage", "reuse_full"] + gen, runs)
    same = lambda a, b: "identical" if a == b else "DIFFERENT"  # noqa: E731
    lines = ["lm lambda grid, X %sx%s, 20 lambdas. Printed tables: reuse on/off %s; lm builtin vs example %s "
             "(on/off %s); generated vs read data %s; C++ vs linea %s." % (
                 n, m, same(o_on, o_off), same(ob_on, o_on), same(ob_on, ob_off), same(og_on, o_on),
                 same(o_cpp, o_on)), "",
             "| variant | seconds (best of %d) | none / reuse_full | this / C++ |" % runs, "|---|---|---|---|",
             "| example, X and y read from binary files, -lineage none | %.3f | | %.2f |" % (t_off, t_off / t_cpp),
             "| example, X and y read from binary files, -lineage reuse_full | %.3f | **%.2f** | **%.2f** |" % (
                 t_on, t_off / t_on, t_on / t_cpp),
             "| hand-written C++ (hoisted, OpenBLAS/LAPACK), same files | %.3f | | 1.00 |" % t_cpp,
             "| lm builtin sweep, same files, -lineage none | %.3f | | |" % tb_off,
             "| lm builtin sweep, same files, -lineage reuse_full | %.3f | %.2f | |" % (tb_on, tb_off / tb_on),
             "| example, data generated in the script (sin/cos), -lineage none | %.3f | | |" % tg_off,
             "| example, data generated in the script (sin/cos), -lineage reuse_full | %.3f | %.2f | |" % (
                 tg_on, tg_off / tg_on),
             "", "Load average (1 min) before / after: %.1f / %.1f." % (load0, load_average())]
    text = "\n".join(lines)
    print(text)
    out = arg("--out", None)
    if out:
        with open(out, "w") as f:
            f.write("# Lineage reuse benchmark\n\nMachine: %s. Date: %s. Command: `benchmarks/e2e/lineage/run.py "
                    "build/linea build/benchmarks/lm_grid_baseline --out benchmarks/results/lineage.md`\n\n" % (
                        machine(), time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))
            f.write(text + "\n")


if __name__ == "__main__":
    main()
