#!/usr/bin/python3
"""parfor and embedding benchmarks, each ratio measured side by side in one run.

1. 200 small independent ridge fits (normal equations on 2000x20 column subsets of one X,
   ridge_fits.dml) as a `parfor` loop on 2 workers vs the same loop as `for`, reuse off. The runs
   alternate (for, parfor, for, ...); the table shows the best and the median of the linea-reported
   execution times and the ratio of the bests, plus whether both printed the same checksum.
2. The embedded C sweep (scripts/examples/embed/ridge_embed.c, built as build/scripts/examples/embed/
   ridge_embed) with -lineage reuse_full: time of the first execution vs the average of executions 2..20.

Usage: run.py <linea> <ridge_embed> [--runs R] [--reps S] [--embed-n N --embed-m M]
              [--out-parfor benchmarks/results/parfor.md] [--out-embed benchmarks/results/embed.md]
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def arg(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), p.stderr))
    return p.stdout


def exec_seconds(out):
    return float(re.search(r"Total execution time:\s+([0-9.]+) sec", out).group(1))


def machine():
    load = os.getloadavg()[0]
    return "%s, %d cores, load average %.1f at start" % (os.uname().machine, os.cpu_count(), load)


def parfor_bench(linea, runs, reps):
    template = open(os.path.join(HERE, "ridge_fits.dml")).read()
    tmp = tempfile.mkdtemp()
    scripts = {}
    for loop in ("for", "parfor"):
        path = os.path.join(tmp, loop + ".dml")
        with open(path, "w") as f:
            f.write(template.replace("  LOOP (i in 1:fits)", "  for (i in 1:fits)" if loop == "for" else
                                     "  parfor (i in 1:fits, par=2)"))
        scripts[loop] = path
    nv = ["-nvargs", "n=2000", "m=200", "fits=200", "reps=" + reps]
    times = {"for": [], "for1": [], "parfor": []}
    outs = {}
    for _ in range(runs):
        for loop in ("for", "for1", "parfor"):
            extra = ["-threads", "1"] if loop == "for1" else []
            out = run([linea, "-f", scripts["for" if loop == "for1" else loop], "-stats"] + extra + nv)
            times[loop].append(exec_seconds(out))
            outs[loop] = out.splitlines()[0]
            if loop == "parfor":
                outs["stats"] = [l for l in out.splitlines() if l.startswith("ParFor")][0]
    best = {k: min(v) for k, v in times.items()}
    med = {k: statistics.median(v) for k, v in times.items()}
    lines = ["200 ridge fits on 2000x20 column subsets (X 2000x220), the sweep repeated %s times per run, "
             "-lineage none, %d alternating runs each" % (reps, runs),
             "", "| loop | best s | median s | best for / best this |", "|---|---|---|---|"]
    names = {"for": "for (kernels multi-threaded)", "for1": "for, -threads 1 (kernels single-threaded)",
             "parfor": "parfor, par=2 (kernels single-threaded inside workers)"}
    for loop in ("for", "for1", "parfor"):
        lines.append("| %s | %.3f | %.3f | %.2f |" % (names[loop], best[loop], med[loop], best["for"] / best[loop]))
    lines += ["", "checksums (same seed): for `%s`, parfor `%s`; parfor stats: `%s`" % (outs["for"], outs["parfor"], outs["stats"])]
    lines.append("parfor vs for with -threads 1 (the loop's own parallelism only): %.2fx" % (best["for1"] / best["parfor"]))
    return "\n".join(lines), best["for"] / best["parfor"]


def embed_bench(embed, n, m):
    out = run([embed, n, m])
    mt = re.search(r"first execution ([0-9.]+) s, executions 2..20 on average ([0-9.]+) s", out)
    first, rest = float(mt.group(1)), float(mt.group(2))
    hits = [l for l in out.splitlines() if l.startswith("LinCache hits")]
    lines = ["ridge sweep over 20 lambdas through the C API, X %sx%s bound once, -lineage reuse_full" % (n, m), "",
             "| execution | seconds | first / this |", "|---|---|---|",
             "| 1st | %.5f | 1.00 |" % first,
             "| 2nd..20th (average) | %.5f | %.1f |" % (rest, first / rest if rest > 0 else float("inf")), "",
             "session stats: `%s`" % (hits[0].replace("\t", " ") if hits else "no LinCache line")]
    return "\n".join(lines)


def write(path, title, command, text):
    with open(path, "w") as f:
        f.write("# %s\n\nMachine: %s. Date: %s. Command: `%s`\n\n%s\n" % (
            title, machine(), time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), command, text))


def main():
    linea, embed = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    runs = int(arg("--runs", "5"))
    cmd = "benchmarks/e2e/parfor/run.py build/linea build/scripts/examples/embed/ridge_embed " + " ".join(sys.argv[3:])
    text, ratio = parfor_bench(linea, runs, arg("--reps", "10"))
    print(text)
    print("parfor speed-up: %.2fx (target >= 1.6x on 2 idle cores)\n" % ratio)
    etext = embed_bench(embed, arg("--embed-n", "100000"), arg("--embed-m", "100"))
    print(etext)
    if arg("--out-parfor", None):
        write(arg("--out-parfor", None), "parfor benchmark", cmd, text)
    if arg("--out-embed", None):
        write(arg("--out-embed", None), "Embedded C sweep benchmark", cmd, etext)


if __name__ == "__main__":
    main()
