#!/usr/bin/python3
"""Estimate-driven output formats (issue #10): products whose estimated nnz is sparse built as CSR
directly, against a build without the hint (dense temporary, then converted), side by side.

Cases (each in a loop of REPS iterations inside a block re-planned at run time, so MNC sees the live
inputs):
- selection S %*% W: S an N x N CSR with 10 non-empty rows (table), W dense N x C;
- t(X) %*% X: X a TN x TN CSR permutation (tsmm; the TN x TN output has TN non-zeros).
Reported: the matmult/tsmm time from -stats and the peak RSS of the process (ru_maxrss), best of RUNS.

Usage: out_format.py <linea-without-hint> <linea-with-hint> [--runs 3] [--reps 5] [--n 20000] [--c 500]
       [--tn 5000] [--threads 1] [--out file.md]
"""
import argparse
import datetime
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import bench_util  # noqa: E402

SELECT = """
idx = (seq(1, 10) * 397) %% $N + 1
idx[10, 1] = $N
S = table(idx, idx)
W = rand(rows=$N, cols=$C, seed=6)
while (FALSE) {}
acc = 0
for (i in 1:$REPS) {
  Z = S %*% W
  acc = acc + sum(Z)
}
print(acc)
"""

TSMM = """
n = $TN
X = table(seq(1, n), (seq(1, n) * 7) %% n + 1)
while (FALSE) {}
acc = 0
for (i in 1:$REPS) {
  Z = t(X) %*% X
  acc = acc + sum(Z)
}
print(acc)
"""

PROBE = ("import resource, subprocess, sys\n"
         "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
         "sys.stdout.write(p.stdout)\n"
         "sys.stderr.write(p.stderr)\n"
         "print('maxrss_kb', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
         "sys.exit(p.returncode)\n")


def measure(linea, path, threads, opcode):
    p = subprocess.run([sys.executable, "-c", PROBE, linea, "-stats", "100", "-threads", str(threads), "-f", path],
                       capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("failed: %s\n%s%s" % (linea, p.stdout, p.stderr))
    secs = 0.0
    for line in p.stdout.splitlines():
        m = re.match(r"\s*\d+\s+(\S+)\s+([0-9.]+)\s+(\d+)\s*$", line)
        if m and m.group(1) == opcode:
            secs = float(m.group(2))
    rss = int(re.search(r"maxrss_kb (\d+)", p.stdout).group(1)) / 1024.0
    return secs, rss, p.stdout.strip().splitlines()[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("hinted")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--c", type=int, default=500)
    ap.add_argument("--tn", type=int, default=5000)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for name, text, opcode in [("S %%*%% W (S %dx%d, 10 non-empty rows; W dense %dx%d)" % (a.n, a.n, a.n, a.c),
                                    SELECT, "ba+*"),
                                   ("t(X) %%*%% X (X %dx%d CSR, a permutation)" % (a.tn, a.tn), TSMM, "tsmm")]:
            path = os.path.join(d, "case.dml")
            with open(path, "w") as f:
                f.write(text.replace("$TN", str(a.tn)).replace("$N", str(a.n)).replace("$C", str(a.c))
                        .replace("$REPS", str(a.reps)))
            best = {}
            for _ in range(a.runs):  # interleaved, so both see the same load
                for key, binary in (("base", a.base), ("hinted", a.hinted)):
                    s, rss, res = measure(binary, path, a.threads, opcode)
                    b = best.get(key)
                    best[key] = (min(s, b[0]) if b else s, min(rss, b[1]) if b else rss, res)
            same = best["base"][2] == best["hinted"][2]
            rows.append("| %s | %s | %.3f | %.3f | %.1fx | %.0f | %.0f | %s |" % (
                name, opcode, best["base"][0], best["hinted"][0], best["base"][0] / max(best["hinted"][0], 1e-9),
                best["base"][1], best["hinted"][1], "yes" if same else "NO"))
    lines = ["## Estimate-driven output format (CSR built directly)", "",
             "Date: %s UTC; machine: %s; load %.1f; `-threads %d`; %d iterations per process, best of %d "
             "(interleaved)." % (datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"), bench_util.machine(),
                                 bench_util.load_average(), a.threads, a.reps, a.runs), "",
             "Command: `benchmarks/e2e/sparsity/out_format.py <linea without hint> build/linea --runs %d --reps %d "
             "--n %d --c %d --tn %d`" % (a.runs, a.reps, a.n, a.c, a.tn), "",
             "| case | opcode | no hint s | hint s | speedup | no hint peak MB | hint peak MB | same result |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"] + rows
    text = "\n".join(lines) + "\n"
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    print(text)


if __name__ == "__main__":
    main()
