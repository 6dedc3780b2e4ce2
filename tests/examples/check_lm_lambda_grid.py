#!/usr/bin/python3
"""Runs scripts/examples/lm_lambda_grid.dml through linea and its NumPy twin; the coefficients must
agree to 1e-9 (relative to the largest coefficient) and the printed tables must match."""
import os
import subprocess
import sys
import tempfile

import numpy as np

linea, source_dir = sys.argv[1], sys.argv[2]
n, m = (sys.argv[3], sys.argv[4]) if len(sys.argv) > 4 else ("5000", "100")
example = os.path.join(source_dir, "scripts", "examples")
with tempfile.TemporaryDirectory() as tmp:
    lb, pb = os.path.join(tmp, "linea.csv"), os.path.join(tmp, "numpy.csv")
    lout = subprocess.run([linea, "-f", os.path.join(example, "lm_lambda_grid.dml"), "-nvargs",
                           "n=" + n, "m=" + m, "B=" + lb], check=True, capture_output=True, text=True).stdout
    pout = subprocess.run([sys.executable, os.path.join(example, "lm_lambda_grid.py"), n, m, pb],
                          check=True, capture_output=True, text=True).stdout
    B1 = np.loadtxt(lb, delimiter=",", ndmin=2)
    B2 = np.loadtxt(pb, delimiter=",", ndmin=2)
    assert B1.shape == B2.shape == (int(m), 20), (B1.shape, B2.shape)
    err = np.max(np.abs(B1 - B2)) / np.max(np.abs(B2))
    print("max relative coefficient difference: %.3e" % err)
    if err > 1e-9:
        sys.exit("coefficients differ by %.3e > 1e-9" % err)
    if lout != pout:
        sys.exit("printed tables differ:\n--- linea\n%s--- numpy\n%s" % (lout, pout))
    print("lm_lambda_grid: linea matches NumPy")
