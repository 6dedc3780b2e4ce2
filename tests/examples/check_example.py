#!/usr/bin/python3
"""Runs one scripts/examples/*.dml at its small default size with lineage reuse off and on; both runs
must succeed and print exactly the expected table (tests/examples/<name>.out).

Usage: check_example.py <linea> <example.dml> <expected.out>"""
import subprocess
import sys

linea, script, expected_path = sys.argv[1:4]
with open(expected_path) as f:
    expected = f.read()
for mode in ("none", "reuse_full"):
    p = subprocess.run([linea, "-f", script, "-lineage", mode], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("-lineage %s failed:\n%s" % (mode, p.stderr))
    if p.stdout != expected:
        sys.exit("-lineage %s printed:\n%s\nexpected:\n%s" % (mode, p.stdout, expected))
print("%s: same table with reuse off and on" % script)
