#!/usr/bin/python3
"""Runs bench_kernels' BLAS rows (linea vs direct OpenBLAS, both variants of large products) side by side.

The rows run interleaved in random order, REPS repetitions each; best and median ratios are printed
(direct / linea: > 1 means linea is faster). Rows: X %*% Y 2000x2000 through linea (one pooled OpenBLAS
call) and with the split TBB calls forced (BM_matmult_linea_split) vs direct 2-thread dgemm; t(X) %*% X
100000x500 (tall: split calls) vs direct 2-thread dsyrk; the small-product pair 2000x20 with all threads and
with one.

Usage: run_blas.py <bench_kernels binary> [--reps 6]
"""
import json
import subprocess
import sys


def main():
    binary = sys.argv[1]
    reps = int(sys.argv[sys.argv.index("--reps") + 1]) if "--reps" in sys.argv else 6
    p = subprocess.run([binary, "--benchmark_filter=BM_(dgemm|matmult|dsyrk|tsmm|small_matmult/)",
                        "--benchmark_repetitions=%d" % reps, "--benchmark_enable_random_interleaving=true",
                        "--benchmark_format=json"], check=True, capture_output=True, text=True)
    runs = {}
    for b in json.loads(p.stdout)["benchmarks"]:
        if b.get("run_type") == "iteration":
            runs.setdefault(b["run_name"].replace("/real_time", ""), []).append((b["real_time"], b["time_unit"]))
    best = {k: min(t for t, _ in v) for k, v in runs.items()}
    median = {k: sorted(t for t, _ in v)[len(v) // 2] for k, v in runs.items()}
    print("| benchmark | best | median |")
    print("|---|---:|---:|")
    for k, v in sorted(runs.items()):
        print("| %s | %.2f %s | %.2f %s |" % (k, best[k], v[0][1], median[k], v[0][1]))
    print()
    print("| ratio (baseline / linea) | best | median |")
    print("|---|---:|---:|")
    for label, base, lin in [
        ("dgemm / X %*% Y (pooled)", "BM_dgemm_direct/2000", "BM_matmult_linea/2000"),
        ("dgemm / X %*% Y (split forced)", "BM_dgemm_direct/2000", "BM_matmult_linea_split/2000"),
        ("dsyrk / t(X) %*% X", "BM_dsyrk_direct/100000/500", "BM_tsmm_linea/100000/500"),
        ("-threads 1 / all threads, 2000x20 pair", "BM_small_matmult/1", "BM_small_matmult/0"),
    ]:
        print("| %s | %.2f | %.2f |" % (label, best[base] / best[lin], median[base] / median[lin]))


if __name__ == "__main__":
    main()
