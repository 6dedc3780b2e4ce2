#!/usr/bin/python3
"""Lineage tracing overhead and trace memory: minibatch.dml (1000 iterations of ~20 ops on 64x784
batches) and small_ops.dml (100000 iterations of tiny scalar/2x2 ops), each with no lineage, with
`-lineage` (tracing only) and with `-lineage dedup`. Variants run interleaved, round by round (best of N
wall-clock seconds; peak RSS from /usr/bin/time); one extra `-stats` run per lineage variant reads the
trace memory (`Lineage bytes (peak/per traced op)`). CPU seconds (user+sys) are reported beside the
wall clock: on a loaded machine the wall clock mostly measures waiting for a core. Pass `-threads 1`
style flags with `--flags "..."` (default `-threads 1`). With `--base OTHER_LINEA` the same table is measured
for another build in the same run (before/after).

Optional `--lm`: the lm lambda grid with X 100000x500 read from binary files (gen_lm_data.dml,
lm_grid_read.dml), -lineage reuse_full vs none.

Usage: tracing.py <linea> [--runs 5] [--base OTHER_LINEA] [--lm [--n 100000 --m 500]]
                  [--out benchmarks/results/lineage_tracing.md (overwritten)]
"""
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import bench_util  # noqa: E402

VARIANTS = [("no lineage", []), ("-lineage", ["-lineage"]), ("-lineage dedup", ["-lineage", "dedup"])]


FAILURES = []


def timed(cmd, attempts=3):
    """One run: (wall-clock seconds, CPU seconds (user+sys), peak RSS KB, stdout). A failed run is noted
    (FAILURES, printed with the results) and repeated."""
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M %U %S"] + cmd, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        FAILURES.append("%s: %s" % (" ".join(cmd), p.stderr.strip().splitlines()[0]))
        if attempts > 1:
            return timed(cmd, attempts - 1)
        return float("nan"), float("nan"), 0, "failed"
    rss, user, sys_ = p.stderr.strip().splitlines()[-1].split()
    return dt, float(user) + float(sys_), int(rss), p.stdout


def trace_memory(cmd):
    """(traced ops, peak trace bytes, bytes per traced op) from a -stats run."""
    out = subprocess.run(cmd + ["-stats"], capture_output=True, text=True).stdout
    ops = re.search(r"Lineage traced ops:\s*(\d+)", out)
    b = re.search(r"Lineage bytes \(peak/per traced op\):\s*(\d+)/(\d+(?:\.\d+)?)", out)
    if not ops or not b:
        return None
    return int(ops.group(1)), int(b.group(1)), float(b.group(2))


def workload_table(name, builds, runs):
    script = os.path.join(HERE, name)
    extra = bench_util.arg("--flags", "-threads 1").split()
    cmds = [(build, label, [linea, "-f", script] + extra + flags) for build, linea in builds
            for label, flags in VARIANTS]
    best = {i: (float("inf"), float("inf"), 0, "") for i in range(len(cmds))}
    for _ in range(runs):
        for i, (_, _, cmd) in enumerate(cmds):
            dt, cpu, rss, out = timed(cmd)
            b = best[i]
            best[i] = (min(b[0], dt), min(b[1], cpu), max(b[2], rss), out if out != "failed" else b[3])
    outputs = set(b[3] for b in best.values())
    lines = ["", "### %s (outputs %s)" % (name, "identical" if len(outputs) == 1 else "DIFFERENT"), "",
             "| build | variant | wall s (best of %d) | wall / no lineage | CPU s (best) | CPU / no lineage | "
             "peak RSS MB | trace bytes (peak) | bytes per traced op |" % runs,
             "|---|---|---|---|---|---|---|---|---|"]
    for i, (build, label, cmd) in enumerate(cmds):
        base = best[(i // len(VARIANTS)) * len(VARIANTS)]
        mem = trace_memory(cmd) if label != "no lineage" else None
        lines.append("| %s | %s | %.3f | %.2f | %.3f | %.2f | %.0f | %s | %s |" % (
            build, label, best[i][0], best[i][0] / base[0], best[i][1], best[i][1] / base[1],
            best[i][2] / 1024, "%d" % mem[1] if mem else "-", "%.1f" % mem[2] if mem else "-"))
    return lines


def lm_table(linea, runs):
    n, m = bench_util.arg("--n", "100000"), bench_util.arg("--m", "500")
    with tempfile.TemporaryDirectory() as tmp:
        xf, yf = os.path.join(tmp, "X.bin"), os.path.join(tmp, "y.bin")
        subprocess.run([linea, "-f", os.path.join(HERE, "gen_lm_data.dml"), "-nvargs", "n=" + n, "m=" + m,
                        "X=" + xf, "Y=" + yf], check=True, capture_output=True)
        script = os.path.join(HERE, "lm_grid_read.dml")
        nv = ["-nvargs", "X=" + xf, "Y=" + yf]
        t_off, o_off = bench_util.best_of([linea, "-f", script] + nv, runs)
        t_on, o_on = bench_util.best_of([linea, "-f", script, "-lineage", "reuse_full"] + nv, runs)
    return ["", "### lm lambda grid, X %sx%s read from binary files (outputs %s)" % (
        n, m, "identical" if o_on == o_off else "DIFFERENT"), "",
        "| variant | seconds (best of %d) | time / reuse_full time |" % runs, "|---|---|---|",
        "| -lineage none | %.3f | %.2f |" % (t_off, t_off / t_on), "| -lineage reuse_full | %.3f | 1.00 |" % t_on]


def main():
    linea = os.path.abspath(sys.argv[1])
    runs = int(bench_util.arg("--runs", "5"))
    builds = [("this", linea)]
    base = bench_util.arg("--base", None)
    if base:
        builds.append(("base", os.path.abspath(base)))
    load = bench_util.load_average()
    lines = []
    for name in ["minibatch.dml", "small_ops.dml"]:
        lines += workload_table(name, builds, runs)
    if "--lm" in sys.argv:
        lines += lm_table(linea, runs)
    if FAILURES:
        lines += ["", "Failed runs (repeated): " + "; ".join(FAILURES)]
    text = "\n".join(lines)
    print(text)
    out = bench_util.arg("--out", None)
    if out:
        with open(out, "w") as f:
            f.write("# Lineage tracing overhead and trace memory\n\nMachine: %s. Date: %s. Load average at "
                    "start %.1f, at end %.1f (ratios are measured side by side, interleaved).\nCommand: "
                    "`%s`\n" % (bench_util.machine(), time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), load,
                                bench_util.load_average(), " ".join(["benchmarks/e2e/lineage/tracing.py"] +
                                                                    sys.argv[1:])))
            f.write(text + "\n")


if __name__ == "__main__":
    main()
