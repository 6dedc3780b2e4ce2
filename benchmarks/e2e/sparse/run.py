#!/usr/bin/python3
"""Sparse kernels, linea vs SciPy csr_matrix on the same data, side by side in one run.

Data: a ROWS x COLS matrix at density 0.01 (default 1M x 1K, 10M non-zeros, uniform values in [0, 1]),
generated once by linea (`rand(..., sparsity=0.01, seed=7)`, which produces CSR directly) and written in
linea's binary format (CSR layout). SciPy reads the same file: the CSR sections are mapped with numpy
(int64 row offsets, int32 columns, float64 values) into a scipy.sparse.csr_matrix. W is COLS x 16.

Method (per operation, REPS repetitions, the mean is reported):
- linea: one `linea -stats 100 -threads N` process reads X once, then runs each operation REPS times in
  a loop (each iteration's operand depends on the loop variable so nothing is hoisted or reused; lineage
  reuse is off). The time of an operation is the total of its instruction in the -stats heavy-hitter
  table (kernel + output format choice; excludes reading the file) divided by its count.
  Opcodes: `ba+*` (X %*% W), `uak+` (sum), `uark+` (rowSums), `r'` (t(X)).
- SciPy: time.perf_counter around X @ W, X.sum(), X.sum(axis=1), and X.T.tocsr() (a materialised
  transpose, as linea's t(X) is; SciPy's lazy X.T is O(1) and would not be a comparison).
Ratios are SciPy seconds / linea seconds (> 1: linea is faster).

Usage: run.py <linea-binary> [--rows 1000000] [--cols 1000] [--reps 5] [--threads 2] [--out file.md]
"""
import argparse
import datetime
import os
import platform
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
import scipy
import scipy.sparse as sp

HEADER = 64


def read_linea_binary_csr(path):
    with open(path, "rb") as f:
        head = f.read(HEADER)
        if head[:8] != b"LINEAMTX":
            sys.exit("not a linea binary file: " + path)
        layout = int.from_bytes(head[12:16], "little")
        rows = int.from_bytes(head[16:24], "little", signed=True)
        cols = int.from_bytes(head[24:32], "little", signed=True)
        nnz = int.from_bytes(head[32:40], "little", signed=True)
        if layout != 1:
            sys.exit("expected the CSR layout in " + path)
        indptr = np.fromfile(f, dtype="<i8", count=rows + 1)
        indices = np.fromfile(f, dtype="<i4", count=nnz)
        data = np.fromfile(f, dtype="<f8", count=nnz)
    return sp.csr_matrix((data, indices, indptr), shape=(rows, cols))


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("command failed: %s\n%s%s" % (" ".join(cmd), p.stdout, p.stderr))
    return p.stdout


def heavy_hitters(stats_text):
    """opcode -> (seconds, count) from the -stats table."""
    out = {}
    for line in stats_text.splitlines():
        m = re.match(r"\s*\d+\s+(\S+)\s+([0-9.]+)\s+(\d+)\s*$", line)
        if m:
            out[m.group(1)] = (float(m.group(2)), int(m.group(3)))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("linea")
    ap.add_argument("--rows", type=int, default=1000000)
    ap.add_argument("--cols", type=int, default=1000)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="linea_sparse_")
    xpath = os.path.join(tmp, "X.bin")
    t0 = time.perf_counter()
    run([a.linea, "-threads", str(a.threads), "-s",
         'X = rand(rows=%d, cols=%d, sparsity=0.01, min=0, max=1, seed=7); write(X, "%s", format="binary")'
         % (a.rows, a.cols, xpath)])
    gen_s = time.perf_counter() - t0

    script = """
X = read("%s")
W = rand(rows=ncol(X), cols=16, seed=3)
acc = 0
for (i in 1:%d) {
  Y = X %%*%% (W + i)
  acc = acc + as.scalar(Y[1,1])
}
for (i in 1:%d) {
  acc = acc + sum(X) + i
}
for (i in 1:%d) {
  r = rowSums(X)
  acc = acc + as.scalar(r[i,1])
}
for (i in 1:%d) {
  T = t(X)
  acc = acc + as.scalar(T[1,i])
}
print(acc)
""" % (xpath, a.reps, a.reps, a.reps, a.reps)
    spath = os.path.join(tmp, "bench.dml")
    with open(spath, "w") as f:
        f.write(script)
    out = run([a.linea, "-stats", "100", "-threads", str(a.threads), "-f", spath])
    hh = heavy_hitters(out)
    ops = [("X %*% W (W 1Kx16)", "ba+*"), ("sum(X)", "uak+"), ("rowSums(X)", "uark+"), ("t(X)", "r'")]
    linea_s = {}
    for name, opc in ops:
        if opc not in hh:
            sys.exit("opcode %s missing from -stats output:\n%s" % (opc, out))
        secs, count = hh[opc]
        # -stats prints milliseconds; tiny inputs can round to 0
        linea_s[name] = max(secs, 0.0005) / count

    os.environ.setdefault("OMP_NUM_THREADS", str(a.threads))
    X = read_linea_binary_csr(xpath)
    W = np.random.default_rng(3).random((a.cols, 16))
    peer = {
        "X %*% W (W 1Kx16)": lambda: X @ W,
        "sum(X)": lambda: X.sum(),
        "rowSums(X)": lambda: X.sum(axis=1),
        "t(X)": lambda: X.T.tocsr(),
    }
    scipy_s = {}
    for name, fn in peer.items():
        fn()  # warm-up
        t = time.perf_counter()
        for _ in range(a.reps):
            fn()
        scipy_s[name] = (time.perf_counter() - t) / a.reps

    lines = []
    lines.append("# Sparse kernels: linea vs SciPy csr_matrix")
    lines.append("")
    lines.append("- Date: %s UTC" % datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"))
    lines.append("- Machine: %s, %s, %d logical CPUs (shared with other jobs); linea -threads %d"
                 % (platform.node(), platform.processor() or platform.machine(), os.cpu_count(), a.threads))
    lines.append("- Peer: SciPy %s, NumPy %s (Debian), Python %s" % (scipy.__version__, np.__version__,
                                                                      platform.python_version()))
    lines.append("- Data: %d x %d, density 0.01, %d non-zeros (linea rand, CSR binary file, generated in %.1f s)"
                 % (a.rows, a.cols, X.nnz, gen_s))
    lines.append("- Command: `benchmarks/e2e/sparse/run.py %s --rows %d --cols %d --reps %d --threads %d`"
                 % (a.linea, a.rows, a.cols, a.reps, a.threads))
    lines.append("- Method: mean seconds per operation over %d repetitions; linea from the -stats per-instruction"
                 " times (read excluded), SciPy by perf_counter; see the docstring of run.py." % a.reps)
    lines.append("")
    lines.append("| operation | linea s | SciPy s | SciPy / linea |")
    lines.append("|---|---:|---:|---:|")
    for name, _ in ops:
        lines.append("| %s | %.4f | %.4f | %.2fx |" % (name, linea_s[name], scipy_s[name],
                                                        scipy_s[name] / linea_s[name]))
    text = "\n".join(lines) + "\n"
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    for fname in os.listdir(tmp):
        os.remove(os.path.join(tmp, fname))
    os.rmdir(tmp)


if __name__ == "__main__":
    main()
