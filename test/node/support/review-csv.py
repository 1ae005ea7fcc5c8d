"""Reads an agreement CSV with Python's csv module, as a spreadsheet script would.

Usage: /usr/bin/python3 review-csv.py <file.csv>

Prints JSON: {"header": [...], "rows": [{column: value}]}, where numeric
columns become numbers (floats, or ints for ids and counts) and empty fields
null. Fails on a row whose field count differs from the header's.
"""
import csv
import json
import sys

INTEGERS = {"id_a", "id_b", "slices_with_disagreement"}

with open(sys.argv[1], newline="", encoding="utf-8") as f:
    reader = csv.reader(f, strict=True)
    header = next(reader)
    rows = []
    for fields in reader:
        if len(fields) != len(header):
            raise SystemExit(f"row of {len(fields)} fields under a header of {len(header)}: {fields!r}")
        row = {}
        for column, value in zip(header, fields):
            if column == "name":
                row[column] = value
            elif value == "":
                row[column] = None
            else:
                row[column] = int(value) if column in INTEGERS else float(value)
        rows.append(row)

print(json.dumps({"header": header, "rows": rows}))
