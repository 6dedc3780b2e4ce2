#!/usr/bin/python3
"""Runs bench_kernels once and writes the ratio table (linea vs direct BLAS; cell-wise bandwidth vs STREAM triad).

Usage: run_kernels.py <bench_kernels binary> [--out results.md] [extra google-benchmark flags]
"""
import json
import os
import subprocess
import sys
import time


def main():
    binary = sys.argv[1]
    out_file = sys.argv[sys.argv.index("--out") + 1] if "--out" in sys.argv else None
    extra = [a for a in sys.argv[2:] if a.startswith("--benchmark")]
    p = subprocess.run([binary, "--benchmark_format=json", "--benchmark_repetitions=3",
                        "--benchmark_report_aggregates_only=true"] + extra, check=True, capture_output=True, text=True)
    data = json.loads(p.stdout)
    res = {}
    for b in data["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        name = b["run_name"].split("/real_time")[0]
        if not name.startswith("BM_small_matmult/"):  # that one keeps its thread argument (/0, /1)
            name = name.split("/")[0]
        res[name] = b
    rows = []
    def t(n):
        return res[n]["real_time"]
    rows.append(("X %*% Y 2000x2000", "%.1f ms" % t("BM_matmult_linea"), "dgemm %.1f ms" % t("BM_dgemm_direct"),
                 "%.2f" % (t("BM_dgemm_direct") / t("BM_matmult_linea")), ">= 0.95"))
    rows.append(("t(X) %*% X 100000x500", "%.1f ms" % t("BM_tsmm_linea"), "dsyrk %.1f ms" % t("BM_dsyrk_direct"),
                 "%.2f" % (t("BM_dsyrk_direct") / t("BM_tsmm_linea")), ">= 0.9"))
    small_all, small_one = t("BM_small_matmult/0"), t("BM_small_matmult/1")
    rows.append(("X %*% v + t(X) %*% X 2000x20, all threads", "%.1f us" % small_all,
                 "-threads 1 %.1f us" % small_one, "%.2f" % (small_one / small_all), "~1"))
    rows.append(("same, direct OpenBLAS with its own pool", "%.1f us" % t("BM_small_matmult_openblas_pool"),
                 "linea %.1f us" % small_all, "%.2f" % (small_all / t("BM_small_matmult_openblas_pool")),
                 "(before: linea = this)"))
    triad = res["BM_stream_triad"]["bytes_per_second"]
    for n, label in [("BM_add", "X + Y"), ("BM_mul", "X * Y"), ("BM_sum", "sum(X)"), ("BM_rowSums", "rowSums(X)"),
                     ("BM_colSums", "colSums(X)"), ("BM_exp", "exp(X)")]:
        bw = res[n]["bytes_per_second"]
        rows.append(("%s 10M cells" % label, "%.2f GB/s" % (bw / 1e9), "triad %.2f GB/s" % (triad / 1e9),
                     "%.2f" % (bw / triad), ">= 0.7"))
    lines = ["| kernel | linea | baseline (same run) | ratio | target |", "|---|---|---|---|---|"]
    lines += ["| %s | %s | %s | %s | %s |" % r for r in rows]
    l2 = [(label, res[n]["bytes_per_second"]) for n, label in
          [("BM_l2_mul", "X * Y"), ("BM_l2_exp", "exp(X)"), ("BM_l2_sum", "sum(X)"), ("BM_l2_rowSums", "rowSums(X)"),
           ("BM_l2_colSums", "colSums(X)")] if n in res]
    if l2:
        lines += ["", "Compute throughput, one thread, 32x1000 operands in L2 (not bound by DRAM bandwidth):", "",
                  "| kernel | GB/s |", "|---|---|"]
        lines += ["| %s | %.2f |" % (label, bw / 1e9) for label, bw in l2]
    table = "\n".join(lines)
    print(table)
    if out_file:
        with open(out_file, "w") as f:
            f.write("# Kernel benchmarks\n\nMachine: %s, %d cores. Date: %s. Median of 3 repetitions. Command: "
                    "`benchmarks/micro/run_kernels.py build/benchmarks/bench_kernels --out benchmarks/results/kernels.md`\n\n"
                    % (os.uname().machine, os.cpu_count(), time.strftime("%Y-%m-%d")))
            f.write(table + "\n")


if __name__ == "__main__":
    main()
