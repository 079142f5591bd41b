#!/usr/bin/env python3
"""The baseline of crates/core/benches/import.rs: what a short script would do with a class
list, pandas reading the xlsx (openpyxl underneath) and writing every row into a new SQLite
file. No validation, no phone normalising, no classes or guardians, no change log.

Usage: bench_pandas_import.py IN.xlsx OUT.sqlite

OUT.sqlite must not exist yet. Prints one JSON line:
{"seconds": elapsed, "rows": n, "peak_mb": peak RSS, "pandas": version, "openpyxl": version}.
Timed: `pandas.read_excel` plus `DataFrame.to_sql` and the commit, not starting Python or
importing pandas (the peak RSS does include pandas itself).
"""

import json
import resource
import sqlite3
import sys
import time

import openpyxl
import pandas


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    source, target = sys.argv[1], sys.argv[2]
    t = time.perf_counter()
    frame = pandas.read_excel(source)
    with sqlite3.connect(target) as conn:
        frame.to_sql("students", conn, index=False)
    seconds = time.perf_counter() - t
    # ru_maxrss is in KiB on Linux.
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rows": len(frame),
                "peak_mb": peak_mb,
                "pandas": pandas.__version__,
                "openpyxl": openpyxl.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
