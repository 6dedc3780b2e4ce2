#!/usr/bin/python3
"""Partial reuse benchmark, side by side in one run (best of N wall-clock seconds): the steplm-like sweep
benchmarks/e2e/partial/steplm_sweep.dml (t(X)%*%X once, then t(cbind(X, Z[,i])) %*% cbind(X, Z[,i]) for
k columns) with -lineage none, reuse_full, reuse_partial without compiler assistance (runtime
compensation plans only), reuse_partial and reuse_hybrid (with the gram_of_cbind_blocks rule), and the
hand-written C++ block update (benchmarks/e2e/partial/steplm_sweep_baseline.cpp).

Each variant also runs with k=1; "sweep" is the difference, i.e. the k-1 extra candidates without data
generation and the first t(X)%*%X, which every variant pays alike.

With --threads T, linea runs with -threads T and the baseline with OPENBLAS_NUM_THREADS=T. --skip-full
leaves out reuse_full (no reuse is possible in this sweep; it costs as much as none).

Usage: run.py <linea> <steplm_sweep_baseline> [--n N --m M --k K --runs R --threads T] [--skip-full]
              [--out results.md]
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from bench_util import arg, best_of  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))


def close(a, b, tol=1e-9):
    """The printed numbers agree to a relative tol (block-assembled sums round differently)."""
    na = [float(x) for x in re.findall(r"-?\d+\.\d+(?:E-?\d+)?", a)]
    nb = [float(x) for x in re.findall(r"-?\d+\.\d+(?:E-?\d+)?", b)]
    return len(na) == len(nb) and all(abs(x - y) <= tol * max(1.0, abs(x), abs(y)) for x, y in zip(na, nb))


def main():
    linea, baseline = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    n, m, k, runs = arg("--n", "100000"), arg("--m", "500"), arg("--k", "50"), int(arg("--runs", "3"))
    threads = arg("--threads", None)
    env = dict(os.environ)
    if threads:
        env["OPENBLAS_NUM_THREADS"] = threads
    script = os.path.join(ROOT, "benchmarks", "e2e", "partial", "steplm_sweep.dml")
    variants = [("linea, -lineage none", ["-lineage", "none"]),
                ("linea, -lineage reuse_full", ["-lineage", "reuse_full"]),
                ("linea, -lineage reuse_partial, runtime plans only",
                 ["-lineage", "reuse_partial", "-rewrites", "-gram_of_cbind_blocks"]),
                ("linea, -lineage reuse_partial (+ compiler assistance)", ["-lineage", "reuse_partial"]),
                ("linea, -lineage reuse_hybrid (+ compiler assistance)", ["-lineage", "reuse_hybrid"])]
    if "--skip-full" in sys.argv:
        variants = [v for v in variants if v[1] != ["-lineage", "reuse_full"]]
    rows, outputs = [], []
    for name, flags in variants:
        cmd = [linea, "-f", script] + flags + (["-threads", threads] if threads else []) + [
            "-stats", "-nvargs", "n=" + n, "m=" + m]
        t_all, out = best_of(cmd + ["k=" + k], runs)
        t_one, _ = best_of(cmd + ["k=1"], runs)
        rw = re.search(r"LinCache Rewrites:\s*(\d+)", out)
        nr = re.search(r"LinCache Binds not run:\s*(\d+)", out)
        outputs.append(out.split("linea Statistics")[0])
        rows.append([name, t_all, t_all - t_one, rw.group(1) if rw else "-", nr.group(1) if nr else "-"])
    t_all, out_cpp = best_of([baseline, n, m, k], runs, env)
    t_one, _ = best_of([baseline, n, m, "1"], runs, env)
    rows.append(["hand-written C++ block update (OpenBLAS)", t_all, t_all - t_one, "-", "-"])
    same = all(close(o, outputs[0]) for o in outputs)
    ref_all, ref_sweep = rows[0][1], rows[0][2]
    assisted_sweep = next(r[2] for r in rows if r[0].endswith("reuse_partial (+ compiler assistance)"))
    lines = ["steplm-like sweep, X %sx%s, %s candidate columns; printed sums equal (1e-9) across linea variants: %s"
             % (n, m, k, "yes" if same else "NO"), "",
             "| variant | total s (best of %d) | sweep s (k=%s minus k=1) | none/this total | none/this sweep "
             "| this/C++ sweep | LinCache Rewrites | LinCache Binds not run |" % (runs, k),
             "|---|---|---|---|---|---|---|---|"]
    cpp_sweep = rows[-1][2]
    for name, ta, ts, rw, nr in rows:
        lines.append("| %s | %.3f | %.3f | %.1f | %.1f | %.2f | %s | %s |" % (
            name, ta, ts, ref_all / ta, ref_sweep / max(ts, 1e-9), ts / max(cpp_sweep, 1e-9), rw, nr))
    text = "\n".join(lines)
    print(text)
    out = arg("--out", None)
    if out:
        with open(out, "w") as f:
            f.write("# Partial reuse benchmark\n\nMachine: %s, %d cores (shared with other jobs while measured). "
                    "Date: %s. Command: `benchmarks/e2e/partial/run.py build/linea "
                    "build/benchmarks/steplm_sweep_baseline --n %s --m %s --k %s --runs %d%s --out "
                    "benchmarks/results/partial.md`\n\n" % (os.uname().machine, os.cpu_count(),
                                                             time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                                             n, m, k, runs,
                                                             (" --threads " + threads if threads else "") +
                                                             (" --skip-full" if "--skip-full" in sys.argv else "")))
            f.write(text + "\n")
    print("assisted sweep speed-up over none: %.1fx" % (ref_sweep / max(assisted_sweep, 1e-9)))


if __name__ == "__main__":
    main()
