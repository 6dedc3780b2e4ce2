#!/usr/bin/python3
"""The l2svm and kmeans builtins end to end with -codegen on (fused, LLVM JIT), interpret and off.

Each run is one linea process: generate X (ROWS x COLS, seed 1) and labels, call the builtin, print a
checksum of its result (which must be the same in all modes). Reported: the total execution time from
-stats (generation included, the same in every mode), best of RUNS, and the JIT line.

Usage: builtins.py <linea-binary> [--rows 100000] [--cols 100] [--runs 3] [--threads 2]
"""
import argparse
import re
import subprocess
import sys
import tempfile

SCRIPTS = {
    "l2svm": """X = rand(rows=%(rows)d, cols=%(cols)d, min=-1, max=1, seed=1)
y = (X %%*%% rand(rows=%(cols)d, cols=1, min=-1, max=1, seed=2)) > 0
y = 2 * y - 1
w = l2svm(X=X, Y=y, maxIter=20, verbose=FALSE)
print(sum(w))
""",
    "kmeans": """X = rand(rows=%(rows)d, cols=%(cols)d, min=0, max=1, seed=1)
[C, Y] = kmeans(X=X, k=8, runs=2, max_iter=20, seed=3)
print(sum(C))
print(nrow(C) + " " + ncol(C))
""",
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("linea")
    ap.add_argument("--rows", type=int, default=100000)
    ap.add_argument("--cols", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="linea_fusion_builtins_")
    print("| builtin | off s | on (JIT) s | interpret s | on speedup | fused ops executed | JIT |")
    print("|---|---|---|---|---|---|---|")
    for name, text in SCRIPTS.items():
        path = "%s/%s.dml" % (tmp, name)
        with open(path, "w") as f:
            f.write(text % {"rows": a.rows, "cols": a.cols})
        res = {}
        for mode in ("off", "on", "interpret"):
            best = None
            for _ in range(a.runs):
                p = subprocess.run([a.linea, "-stats", "100", "-threads", str(a.threads), "-codegen", mode, "-f",
                                    path], capture_output=True, text=True)
                if p.returncode != 0:
                    sys.exit(p.stdout + p.stderr)
                t = float(re.search(r"Total execution time:\s*([0-9.]+)", p.stdout).group(1))
                fused = re.search(r"\s\d+\s+fused\s+[0-9.]+\s+(\d+)", p.stdout)
                jit = re.search(r"Codegen compiled \(JIT\):\s*(.*)", p.stdout)
                if best is None or t < best[0]:
                    best = (t, p.stdout.splitlines()[0], fused.group(1) if fused else "0",
                            jit.group(1) if jit else "")
            res[mode] = best
        if len({res[m][1] for m in res}) != 1:
            print("warning: results differ: %s" % [res[m][1] for m in res])
        print("| %s | %.3f | %.3f | %.3f | %.2fx | %s | %s |" % (
            name, res["off"][0], res["on"][0], res["interpret"][0], res["off"][0] / res["on"][0], res["on"][2],
            res["on"][3]), flush=True)


if __name__ == "__main__":
    main()
