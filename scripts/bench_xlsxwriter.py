#!/usr/bin/env python3
"""The baseline of crates/core/benches/export.rs: Python's XlsxWriter writing the same cells
as Rollbook's student register, with the same formats (bold frozen header, autofilter, text
cells quote-prefixed when they start like a formula, dates with the school's format, fitted
column widths).

Usage: bench_xlsxwriter.py IN.json OUT.xlsx [ROUNDS]

IN.json is written by the Rust bench: {"sheet", "header_row", "date_format", "rows"}, each
row a list of cells: null, a string, a number, or {"date": "YYYY-MM-DD"}. The workbook is
built in memory ROUNDS times (default 5); the last one is saved to OUT.xlsx. Prints one
JSON line: {"seconds": [each round], "xlsxwriter": version}. Only the building is timed,
not reading the JSON or starting Python.
"""

import datetime
import io
import json
import sys
import time

import xlsxwriter

RISKY = ("=", "+", "-", "@", "\t", "\r")
MIN_WIDTH, MAX_WIDTH = 5, 45


def build(spec, rows):
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = wb.add_worksheet(spec["sheet"])
    bold = wb.add_format({"bold": True})
    bold_q = wb.add_format({"bold": True, "quote_prefix": True})
    text = wb.add_format({"num_format": "@"})
    text_q = wb.add_format({"num_format": "@", "quote_prefix": True})
    date = wb.add_format({"num_format": spec["date_format"]})
    header_row = spec["header_row"]
    ncols = max(len(r) for r in rows)
    widths = [0] * ncols
    for r, row in enumerate(rows):
        plain, quoted = (bold, bold_q) if r == 0 or r == header_row else (text, text_q)
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, str):
                ws.write_string(r, c, v, quoted if v.startswith(RISKY) else plain)
                width = len(v)
            elif isinstance(v, datetime.date):
                ws.write_datetime(r, c, v, date)
                width = len(spec["date_format"])
            else:
                ws.write_number(r, c, v)
                width = len(str(v))
            if r >= header_row:
                widths[c] = max(widths[c], width)
    last_row = len(rows) - 1
    ws.freeze_panes(header_row + 1, 0)
    ws.autofilter(header_row, 0, last_row, ncols - 1)
    for c, w in enumerate(widths):
        ws.set_column(c, c, min(max(w + 2, MIN_WIDTH), MAX_WIDTH))
    ws.repeat_rows(header_row)
    ws.fit_to_pages(1, 0)
    wb.close()
    return out.getvalue()


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    rounds = int(sys.argv[3]) if len(sys.argv) == 4 else 5
    # Dates become date objects before timing, as they are in Rollbook's records.
    rows = [
        [datetime.date.fromisoformat(v["date"]) if isinstance(v, dict) else v for v in row]
        for row in spec["rows"]
    ]
    seconds = []
    data = b""
    for _ in range(rounds):
        t = time.perf_counter()
        data = build(spec, rows)
        seconds.append(time.perf_counter() - t)
    with open(sys.argv[2], "wb") as f:
        f.write(data)
    print(json.dumps({"seconds": seconds, "xlsxwriter": xlsxwriter.__version__}))


if __name__ == "__main__":
    main()
