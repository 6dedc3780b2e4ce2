#!/usr/bin/python3
"""Compiler benchmarks, each side by side in one run (best of N wall-clock seconds per command):

  1. interpretation overhead: a 1M-iteration scalar loop in linea vs Python 3 vs R (Debian packages);
  2. the naive lmCG loop (default 100000 x 500, 50 iterations) with rewrites on vs off;
  3. compile time of the largest DML script shipped in scripts/.

Usage: run.py <linea-binary> [--quick] [--out results.md]
"""
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from bench_util import best_of  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def main():
    linea = os.path.abspath(sys.argv[1])
    quick = "--quick" in sys.argv
    out_file = sys.argv[sys.argv.index("--out") + 1] if "--out" in sys.argv else None
    runs = 3
    rows = []

    # 1. scalar loop
    t_linea, o1 = best_of([linea, "-f", os.path.join(HERE, "scalar_loop.dml")], runs)
    t_py, o2 = best_of(["/usr/bin/python3", os.path.join(HERE, "scalar_loop.py")], runs)
    rows.append(("scalar loop 1M iterations", "linea", t_linea, "1.00"))
    rows.append(("", "python3", t_py, "%.2f" % (t_py / t_linea)))
    if shutil.which("Rscript"):
        t_r, o3 = best_of(["Rscript", os.path.join(HERE, "scalar_loop.R")], runs)
        rows.append(("", "R (bytecode)", t_r, "%.2f" % (t_r / t_linea)))

    # 2. lmCG with rewrites on vs off
    args = ["-nvargs", "n=20000", "m=200", "iters=20"] if quick else []
    script = os.path.join(HERE, "lmcg_naive.dml")
    t_on, out_on = best_of([linea, "-f", script] + args, runs)
    t_off, out_off = best_of([linea, "-f", script, "-rewrites", "off"] + args, runs)
    if out_on != out_off:
        print("note: rewrites on/off outputs differ (floating-point association):\n%s%s" % (out_on, out_off))
    size = "20000x200, 20 it" if quick else "100000x500, 50 it"
    rows.append(("lmCG naive (%s)" % size, "rewrites on", t_on, "1.00"))
    rows.append(("", "rewrites off", t_off, "%.2f" % (t_off / t_on)))

    # 3. compile time of the largest shipped script (-explain is not needed: compile only via a 0-row run)
    scripts = []
    for d, _, files in os.walk(os.path.join(ROOT, "scripts")):
        scripts += [os.path.join(d, f) for f in files if f.endswith(".dml")]
    largest = max(scripts, key=os.path.getsize)
    p = subprocess.run([linea, "-f", largest, "-stats", "-nvargs", "n=10", "m=3", "iters=1"],
                       capture_output=True, text=True)
    compile_s = None
    for line in p.stdout.splitlines():
        if line.startswith("Total compilation time"):
            compile_s = float(line.split()[-2])
    rows.append(("compile time of %s" % os.path.relpath(largest, ROOT), "linea", compile_s or float("nan"), "-"))

    lines = ["| benchmark | variant | seconds (best of %d) | ratio vs first |" % runs, "|---|---|---|---|"]
    for b, v, t, r in rows:
        lines.append("| %s | %s | %.3f | %s |" % (b, v, t, r))
    table = "\n".join(lines)
    print(table)
    if out_file:
        with open(out_file, "w") as f:
            f.write("# Compiler benchmarks\n\n")
            f.write("Machine: %s, %d cores. Date: %s. Command: `benchmarks/e2e/compiler/run.py %s`\n\n" % (
                os.uname().machine, os.cpu_count(), time.strftime("%Y-%m-%d"), " ".join(sys.argv[1:])))
            f.write(table + "\n")


if __name__ == "__main__":
    main()
