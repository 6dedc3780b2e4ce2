#!/usr/bin/python3
"""End-to-end benchmark of the example scripts: every scripts/examples/*.dml runs at the realistic size
stated in its `# bench-args: -nvargs ...` header line, with lineage reuse on (-lineage reuse_hybrid if
the linea binary accepts it, else reuse_full) and off (-lineage none); best of N wall-clock runs each,
side by side in one invocation. Also checks that reuse does not change what the script prints.

Usage: run.py [linea] [--runs N] [--only NAME] [--out benchmarks/results/examples.md]
"""
import glob
import os
import platform
import shlex
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))


def arg(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def bench_args(path):
    """The flags of the script's `# bench-args:` header line (empty: the script's defaults)."""
    with open(path) as f:
        for line in f:
            if not line.startswith("#"):
                break
            if line.startswith("# bench-args:"):
                return shlex.split(line[len("# bench-args:"):])
    return []


def reuse_mode(linea):
    """reuse_hybrid (full + partial reuse) when this build has it, else reuse_full."""
    p = subprocess.run([linea, "-lineage", "reuse_hybrid", "-s", "print(1)"], capture_output=True, text=True)
    return "reuse_hybrid" if p.returncode == 0 else "reuse_full"


def best_of(cmd, runs):
    best, out = float("inf"), ""
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        dt = time.perf_counter() - t0
        if p.returncode != 0:
            sys.exit("failed: %s\n%s" % (" ".join(cmd), p.stderr))
        best, out = min(best, dt), p.stdout
    return best, out


def machine():
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%s, %d cores" % (model, os.cpu_count())


def main():
    pos = [a for i, a in enumerate(sys.argv[1:], 1) if not a.startswith("--") and not sys.argv[i - 1].startswith("--")]
    linea = os.path.abspath(pos[0] if pos else os.path.join(ROOT, "build", "linea"))
    runs = int(arg("--runs", "3"))
    only = arg("--only", None)
    mode = reuse_mode(linea)
    scripts = sorted(glob.glob(os.path.join(ROOT, "scripts", "examples", "*.dml")))
    if only:
        scripts = [s for s in scripts if only in os.path.basename(s)]
    rows = []
    for s in scripts:
        name = os.path.basename(s)
        flags = bench_args(s)
        t_off, o_off = best_of([linea, "-f", s, "-lineage", "none"] + flags, runs)
        t_on, o_on = best_of([linea, "-f", s, "-lineage", mode] + flags, runs)
        rows.append((name, " ".join(flags), t_off, t_on, t_off / t_on, "yes" if o_on == o_off else "NO"))
        print("%-26s %-28s off %8.3f s  on %8.3f s  off/on %5.2f  same output: %s" % rows[-1], flush=True)
    lines = ["| example | bench-args | reuse off (s) | reuse on (s) | off / on | same output |",
             "|---|---|---|---|---|---|"]
    lines += ["| `%s` | `%s` | %.3f | %.3f | %.2f | %s |" % r for r in rows]
    text = "\n".join(lines)
    print()
    print(text)
    out = arg("--out", None)
    if out:
        with open(out, "w") as f:
            f.write("# Example scripts: lineage reuse on vs off\n\n")
            f.write("Machine: %s. Date: %s. Command: `benchmarks/e2e/examples/run.py build/linea --runs %d --out %s`.\n"
                    % (machine(), time.strftime("%Y-%m-%d"), runs, out))
            f.write("Reuse on = `-lineage %s`, off = `-lineage none`; wall-clock seconds, best of %d; \"same output\": "
                    "the printed result tables are identical.\n\n" % (mode, runs))
            f.write(text + "\n")


if __name__ == "__main__":
    main()
