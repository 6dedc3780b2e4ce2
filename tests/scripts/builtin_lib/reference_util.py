"""Shared helpers of the reference generators in tests/scripts/builtin_lib/<area>/reference/*.py: where an
area's inputs and golden files live, and how they are written (17 significant digits, so linea reads back
the exact doubles; NaN spelled as DML reads it).

A generator imports it with
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    from reference_util import Area
"""
import os

import numpy as np


class Area:
    """The test folder tests/scripts/builtin_lib/<area>/ of the generator at `generator_file`."""

    def __init__(self, generator_file):
        self.root = os.path.dirname(os.path.dirname(os.path.abspath(generator_file)))
        self.data = os.path.join(self.root, "data")

    def save(self, name, a):
        """Writes data/<name> as CSV; a 1-D array becomes one column."""
        a = np.asarray(a, dtype=float)
        path = os.path.join(self.data, name)
        np.savetxt(path, a.reshape(len(a), -1), delimiter=",", fmt="%.17g")
        with open(path) as f:
            text = f.read()
        if "nan" in text:
            with open(path, "w") as f:
                f.write(text.replace("nan", "NaN"))

    def golden(self, name, lines):
        """Writes the expected output <name>.out, one line per element of `lines`."""
        with open(os.path.join(self.root, name + ".out"), "w") as f:
            f.write("\n".join(lines) + "\n")
