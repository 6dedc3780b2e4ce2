#!/usr/bin/python3
"""The lm lambda grid written with parfor (scripts/examples/lm_lambda_grid_parfor.dml): its workers share
the lineage cache, so with -lineage reuse_full t(X) %*% X (tsmm) is computed exactly once for the 20
lambdas, and the printed table equals the sequential for-loop version (lm_lambda_grid.dml).

Usage: check_parfor_reuse.py <linea> <source dir>"""
import os
import re
import subprocess
import sys

linea, root = sys.argv[1], sys.argv[2]
examples = os.path.join(root, "scripts", "examples")


def run(script, *flags):
    p = subprocess.run([linea, "-f", os.path.join(examples, script), *flags], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("%s %s failed:\n%s" % (script, " ".join(flags), p.stderr))
    return p.stdout


def count(out, opcode):
    m = re.search(r"^\s*\d+\s+" + re.escape(opcode) + r"\s+[\d.]+\s+(\d+)\s*$", out, re.M)
    return int(m.group(1)) if m else 0


args = ["-nvargs", "n=2000", "m=40"]
par = run("lm_lambda_grid_parfor.dml", "-lineage", "reuse_full", "-stats", "100", *args)
off = run("lm_lambda_grid_parfor.dml", "-lineage", "none", "-stats", "100", *args)
seq = run("lm_lambda_grid.dml", *args)
table = lambda out: [l for l in out.splitlines() if re.match(r"^\s*\d+\s+\d\.\d+e[-+]\d+\s", l)]
workers = re.search(r"ParFor loops \(runs/workers/tasks/iterations\):\s*(\d+)/(\d+)/", par)
print("tsmm: %d with reuse, %d without; workers: %s" % (count(par, "tsmm"), count(off, "tsmm"),
                                                        workers.group(2) if workers else "?"))
if count(par, "tsmm") != 1 or count(off, "tsmm") != 20:
    sys.exit("expected t(X)%*%X once with reuse (20 times without)")
if table(par) != table(seq) or len(table(seq)) != 20:
    sys.exit("the parfor table differs from the for-loop table:\n%s\n---\n%s" % (par, seq))
