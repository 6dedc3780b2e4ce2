#!/usr/bin/python3
"""gridSearch calls lm through eval with its data in a list; with lineage reuse the fold matrices'
t(X) %*% X must be reused across the hyper-parameter combinations: scripts/examples/gridsearch_lm_cv.dml
must run fewer tsmm instructions with -lineage reuse_full than with -lineage none.

Usage: check_eval_reuse.py <linea> <source dir>"""
import os
import re
import subprocess
import sys

linea, root = sys.argv[1], sys.argv[2]
script = os.path.join(root, "scripts", "examples", "gridsearch_lm_cv.dml")


def tsmm_count(mode):
    p = subprocess.run([linea, "-f", script, "-lineage", mode, "-stats", "100"], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("-lineage %s failed:\n%s" % (mode, p.stderr))
    m = re.search(r"^\s*\d+\s+tsmm\s+[\d.]+\s+(\d+)\s*$", p.stdout, re.M)
    return int(m.group(1)) if m else 0


off, on = tsmm_count("none"), tsmm_count("reuse_full")
print("tsmm executed: %d without reuse, %d with reuse" % (off, on))
if off == 0 or on * 4 > off:
    sys.exit("expected reuse to skip most t(X) %*% X computations")
