#!/usr/bin/python3
"""End-to-end benchmark of the example scripts: every scripts/examples/*.dml runs at the realistic size
stated in its `# bench-args: -nvargs ...` header line, with lineage reuse off (-lineage none) and on,
best of N wall-clock runs each, side by side in one invocation. Two thread settings: the default
(all cores) with reuse off and reuse_hybrid (full + partial reuse), and `-threads 1` with reuse off,
reuse_full and reuse_hybrid (small matrix products are much slower with several threads on this
build, which hides the effect of reuse; the -threads 1 columns isolate it). Also checks that reuse
does not change what the script prints.

Usage: run.py [linea] [--runs N] [--only NAME] [--no-threads1] [--out benchmarks/results/examples.md]
"""
import glob
import os
import shlex
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import bench_util  # noqa: E402

ROOT = bench_util.ROOT

# (label, flags): the measured configurations, reuse off first in each thread setting.
CONFIGS = [("off", ["-lineage", "none"]), ("hybrid", ["-lineage", "reuse_hybrid"])]
CONFIGS_T1 = [("off t1", ["-lineage", "none", "-threads", "1"]),
              ("full t1", ["-lineage", "reuse_full", "-threads", "1"]),
              ("hybrid t1", ["-lineage", "reuse_hybrid", "-threads", "1"])]


def bench_args(path):
    """The flags of the script's `# bench-args:` header line (empty: the script's defaults)."""
    with open(path) as f:
        for line in f:
            if not line.startswith("#"):
                break
            if line.startswith("# bench-args:"):
                return shlex.split(line[len("# bench-args:"):])
    return []


def main():
    pos = [a for i, a in enumerate(sys.argv[1:], 1) if not a.startswith("--") and not sys.argv[i - 1].startswith("--")]
    linea = os.path.abspath(pos[0] if pos else os.path.join(ROOT, "build", "linea"))
    runs = int(bench_util.arg("--runs", "3"))
    only = bench_util.arg("--only", None)
    configs = CONFIGS + ([] if "--no-threads1" in sys.argv else CONFIGS_T1)
    scripts = sorted(glob.glob(os.path.join(ROOT, "scripts", "examples", "*.dml")))
    if only:
        scripts = [s for s in scripts if only in os.path.basename(s)]
    loads = [bench_util.load_average()]
    rows = []
    for s in scripts:
        name = os.path.basename(s)
        flags = bench_args(s)
        times, outs = {}, set()
        for label, cfg in configs:
            times[label], out = bench_util.best_of([linea, "-f", s] + cfg + flags, runs, cwd=ROOT)
            outs.add(out)
        loads.append(bench_util.load_average())
        rows.append((name, " ".join(flags), times, "yes" if len(outs) == 1 else "NO"))
        print("%-28s %s  same output: %s" % (name, "  ".join("%s %.2f s" % (k, v) for k, v in times.items()),
                                             rows[-1][3]), flush=True)

    head = "| example | bench-args | " + " | ".join("%s (s)" % k for k, _ in configs) + " | off / hybrid"
    sep = "|---|---|" + "---|" * len(configs) + "---|"
    if len(configs) > 2:
        head += " | t1: off / full | t1: off / hybrid"
        sep += "---|---|"
    head += " | same output |"
    sep += "---|"
    lines = [head, sep]
    for name, flags, t, same in rows:
        cells = ["`%s`" % name, "`%s`" % flags] + ["%.2f" % t[k] for k, _ in configs]
        cells.append("%.2f" % (t["off"] / t["hybrid"]))
        if len(configs) > 2:
            cells += ["%.2f" % (t["off t1"] / t["full t1"]), "%.2f" % (t["off t1"] / t["hybrid t1"])]
        cells.append(same)
        lines.append("| " + " | ".join(cells) + " |")
    text = "\n".join(lines)
    print()
    print(text)
    out = bench_util.arg("--out", None)
    if out:
        with open(out, "w") as f:
            f.write("# Example scripts: lineage reuse on vs off\n\n")
            f.write("Machine: %s; 1-min load average %.1f .. %.1f during the run. Date: %s. Command: "
                    "`benchmarks/e2e/examples/run.py build/linea --runs %d --out %s`.\n"
                    % (bench_util.machine(), min(loads), max(loads), time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                       runs, out))
            f.write("Wall-clock seconds, best of %d. off = `-lineage none`, hybrid = `-lineage reuse_hybrid`, "
                    "full = `-lineage reuse_full`; t1 = `-threads 1`. \"same output\": every configuration "
                    "printed the identical table.\n\n" % runs)
            f.write(text + "\n")


if __name__ == "__main__":
    main()
