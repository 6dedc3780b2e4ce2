#!/usr/bin/python3
"""Lineage tracing overhead, loop deduplication memory, and the lm lambda grid with X read from a file.
All variants of one workload run side by side in one invocation (best of N wall-clock seconds; peak RSS
from /usr/bin/time):

- minibatch.dml (1000 iterations of ~20 ops on 64x784 batches) and small_ops.dml (100000 iterations of
  tiny ops): no lineage vs -lineage (tracing only) vs -lineage dedup;
- lm_grid_read.dml: the lm lambda grid of scripts/examples with X 100000x500 and y read from binary files
  (written first by gen_lm_data.dml): -lineage reuse_full vs none.

Usage: tracing.py <linea> [--runs 3] [--n 100000 --m 500] [--out results.md (appended)]
"""
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def arg(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def measure(cmd, runs):
    best, rss, out = float("inf"), 0, ""
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True)
        dt = time.perf_counter() - t0
        if p.returncode != 0:
            sys.exit("failed: %s\n%s" % (" ".join(cmd), p.stderr))
        best, out = min(best, dt), p.stdout
        rss = max(rss, int(p.stderr.strip().splitlines()[-1]))
    return best, rss, out


def main():
    linea = os.path.abspath(sys.argv[1])
    runs = int(arg("--runs", "3"))
    n, m = arg("--n", "100000"), arg("--m", "500")
    lines = []
    for name in ["minibatch.dml", "small_ops.dml"]:
        script = os.path.join(HERE, name)
        res = [(label, *measure([linea, "-f", script] + flags, runs)) for label, flags in
               [("no lineage", []), ("-lineage", ["-lineage"]), ("-lineage dedup", ["-lineage", "dedup"])]]
        same = all(r[3] == res[0][3] for r in res)
        lines += ["", "%s: outputs %s" % (name, "identical" if same else "DIFFERENT"), "",
                  "| variant | seconds (best of %d) | time / no lineage | peak RSS MB |" % runs, "|---|---|---|---|"]
        lines += ["| %s | %.3f | %.2f | %.0f |" % (r[0], r[1], r[1] / res[0][1], r[2] / 1024) for r in res]
    with tempfile.TemporaryDirectory() as tmp:
        xf, yf = os.path.join(tmp, "X.bin"), os.path.join(tmp, "y.bin")
        subprocess.run([linea, "-f", os.path.join(HERE, "gen_lm_data.dml"), "-nvargs", "n=" + n, "m=" + m,
                        "X=" + xf, "Y=" + yf], check=True, capture_output=True)
        script = os.path.join(HERE, "lm_grid_read.dml")
        nv = ["-nvargs", "X=" + xf, "Y=" + yf]
        t_off, _, o_off = measure([linea, "-f", script] + nv, runs)
        t_on, _, o_on = measure([linea, "-f", script, "-lineage", "reuse_full"] + nv, runs)
        gen = os.path.join(ROOT, "scripts", "examples", "lm_lambda_grid.dml")
        _, _, o_gen = measure([linea, "-f", gen, "-nvargs", "n=" + n, "m=" + m], 1)
    lines += ["", "lm lambda grid, X %sx%s read from binary files: outputs reuse on/off %s, equal to the "
              "in-script generation: %s" % (n, m, "identical" if o_on == o_off else "DIFFERENT",
                                            "yes" if o_gen == o_on else "no"), "",
              "| variant | seconds (best of %d) | time / reuse_full time |" % runs, "|---|---|---|",
              "| -lineage none | %.3f | %.2f |" % (t_off, t_off / t_on),
              "| -lineage reuse_full | %.3f | 1.00 |" % t_on]
    text = "\n".join(lines)
    print(text)
    out = arg("--out", None)
    if out:
        with open(out, "a") as f:
            f.write("\n## Tracing overhead, loop dedup, lm grid from files\n\nMachine: %s, %d cores. Date: %s. "
                    "Command: `benchmarks/e2e/lineage/tracing.py build/linea --out benchmarks/results/lineage.md`\n"
                    % (os.uname().machine, os.cpu_count(), time.strftime("%Y-%m-%d")))
            f.write(text + "\n")


if __name__ == "__main__":
    main()
