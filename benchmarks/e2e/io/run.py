#!/usr/bin/python3
"""Matrix file reading, linea vs NumPy, side by side in one run (end-to-end wall-clock seconds).

Generates a dense csv file and a text (ijv) file of about --size-mb MB each in a temporary directory,
then times `linea -threads N -f` scripts that read them and print sum(X), and the same in NumPy
(`numpy.loadtxt`, plus `pandas.read_csv` if python3-pandas is installed), each a fresh process. Also
times reading the csv matrix back from linea's binary format vs `numpy.load` of an .npy file.
Prints MB/s and ratios (peer seconds / linea seconds; > 1 means linea is faster).

Usage: run.py <linea-binary> [--size-mb 1024] [--threads 2] [--runs 1] [--out results.md]
"""
import argparse
import os
import shutil
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from bench_util import best_of, machine  # noqa: E402

PY = "/usr/bin/python3"
CSV_COLS = 100
IJV_COLS = 200


def gen_csv(path, target_bytes, rng):
    """Rows of CSV_COLS normal values with 6 decimals; returns the row count."""
    block = 5000
    line_fmt = ",".join(["%.6f"] * CSV_COLS) + "\n"
    rows = 0
    with open(path, "w") as f:
        while f.tell() < target_bytes:
            v = rng.standard_normal((block, CSV_COLS))
            f.write((line_fmt * block) % tuple(v.ravel()))
            rows += block
    return rows


def gen_ijv(path, target_bytes, rng):
    """Row-major 'i j v' lines, about half of the IJV_COLS columns non-zero per row; returns the row count."""
    block = 5000
    rows = 0
    with open(path, "w") as f:
        while f.tell() < target_bytes:
            mask = rng.random((block, IJV_COLS)) < 0.5
            i, j = np.nonzero(mask)
            v = rng.standard_normal(i.size)
            flat = np.empty(3 * i.size, dtype=object)
            flat[0::3] = (i + rows + 1).tolist()
            flat[1::3] = (j + 1).tolist()
            flat[2::3] = v.tolist()
            f.write(("%d %d %.6f\n" * i.size) % tuple(flat))
            rows += block
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("linea")
    ap.add_argument("--size-mb", type=float, default=1024)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=1, help="best of N runs per command")
    ap.add_argument("--out")
    a = ap.parse_args()
    linea = os.path.abspath(a.linea)
    target = int(a.size_mb * (1 << 20))
    rng = np.random.default_rng(42)
    tmp = tempfile.mkdtemp(prefix="linea_io_bench_")
    results = []  # (what, file MB, tool, seconds, check)
    try:
        csv, ijv = os.path.join(tmp, "x.csv"), os.path.join(tmp, "x.ijv")
        t0 = time.perf_counter()
        csv_rows = gen_csv(csv, target, rng)
        ijv_rows = gen_ijv(ijv, target, rng)
        print("generated %s and %s in %.1f s" % (csv, ijv, time.perf_counter() - t0), flush=True)
        csv_mb = os.path.getsize(csv) / 1e6
        ijv_mb = os.path.getsize(ijv) / 1e6

        def linea_run(body):
            script = os.path.join(tmp, "s.dml")
            with open(script, "w") as f:
                f.write(body)
            return best_of([linea, "-threads", str(a.threads), "-f", script], a.runs, strip=True)

        def py_run(body):
            return best_of([PY, "-c", "import numpy as np\n" + body], a.runs, strip=True)

        # csv
        t, out = linea_run('X = read("%s", format="csv", rows=%d, cols=%d)\nprint(sum(X))\n'
                           % (csv, csv_rows, CSV_COLS))
        results.append(("csv %dx%d" % (csv_rows, CSV_COLS), csv_mb, "linea", t, out))
        t, out = py_run('X = np.loadtxt("%s", delimiter=",")\nprint(X.sum())\n' % csv)
        results.append(("", csv_mb, "numpy.loadtxt", t, out))
        try:
            import pandas  # noqa: F401  (only if the Debian package is installed)
            t, out = py_run('import pandas as pd\nX = pd.read_csv("%s", header=None).to_numpy()\n'
                            'print(X.sum())\n' % csv)
            results.append(("", csv_mb, "pandas.read_csv", t, out))
        except ImportError:
            pass

        # text (ijv)
        t, out = linea_run('X = read("%s", format="text", rows=%d, cols=%d)\nprint(sum(X))\n'
                           % (ijv, ijv_rows, IJV_COLS))
        results.append(("text ijv %dx%d" % (ijv_rows, IJV_COLS), ijv_mb, "linea", t, out))
        t, out = py_run('A = np.loadtxt("%s")\nX = np.zeros((%d, %d))\n'
                        'X[A[:, 0].astype(np.int64) - 1, A[:, 1].astype(np.int64) - 1] = A[:, 2]\n'
                        'print(X.sum())\n' % (ijv, ijv_rows, IJV_COLS))
        results.append(("", ijv_mb, "numpy.loadtxt + scatter", t, out))

        # binary (prepared untimed from the csv matrix)
        binf, npy = os.path.join(tmp, "x.bin"), os.path.join(tmp, "x.npy")
        linea_run('X = read("%s", format="csv", rows=%d, cols=%d)\nwrite(X, "%s", format="binary")\n'
                  % (csv, csv_rows, CSV_COLS, binf))
        py_run('np.save("%s", np.fromfile("%s", dtype="<f8", offset=64).reshape(%d, %d))\n'
               % (npy, binf, csv_rows, CSV_COLS))
        bin_mb = os.path.getsize(binf) / 1e6
        t, out = linea_run('X = read("%s")\nprint(sum(X))\n' % binf)
        results.append(("binary %dx%d" % (csv_rows, CSV_COLS), bin_mb, "linea", t, out))
        t, out = py_run('X = np.load("%s")\nprint(X.sum())\n' % npy)
        results.append(("", bin_mb, "numpy.load (.npy)", t, out))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    lines = ["| file | MB | reader | seconds | MB/s | peer s / linea s | sum(X) |", "| --- | ---: | --- | ---: | ---: | ---: | --- |"]
    base = None
    for what, mb, tool, t, out in results:
        if tool == "linea":
            base = t
        ratio = "1.00" if tool == "linea" else "%.2f" % (t / base)
        lines.append("| %s | %.0f | %s | %.2f | %.0f | %s | %s |" % (what, mb, tool, t, mb / t, ratio, out))
    table = "\n".join(lines)
    print(table)
    if a.out:
        cmd = " ".join(["benchmarks/e2e/io/run.py"] + sys.argv[1:])
        with open(a.out, "w") as f:
            f.write("# Matrix I/O: reading csv, text (ijv) and binary files, linea vs NumPy\n\n")
            f.write("- machine: %s\n" % machine())
            f.write("- date: %s\n" % time.strftime("%Y-%m-%d %H:%M %Z"))
            f.write("- command: `%s`\n" % cmd)
            f.write("- end-to-end wall-clock of a fresh process each (linea with `-threads %d`; Python startup "
                    "and numpy import included), best of %d; files in the page cache.\n" % (a.threads, a.runs))
            f.write("- ratio = peer seconds / linea seconds (> 1: linea is faster).\n\n")
            f.write(table + "\n")


if __name__ == "__main__":
    main()
