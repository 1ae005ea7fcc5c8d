"""Rasterises polygons with scikit-image, the outside reference for Segmark's rule.

Usage: /usr/bin/python3 skimage_polygon.py <cases.json> <out.u8>

cases.json: {"cases": [{"columns": C, "rows": R, "rings": [[x0, y0, x1, y1, ...], ...]}, ...]}
with rings in Segmark pixel space, where pixel (c, r) has its centre at
(c + 0.5, r + 0.5). skimage.draw.polygon puts pixel centres at integers, so a
vertex (x, y) becomes row y - 0.5, column x - 0.5. A case's mask is the XOR of
its rings' masks (the even-odd rule over rings). out.u8 is every case's
rows x columns uint8 mask (0/1), concatenated in order.
"""
import json
import sys

import numpy as np
from skimage.draw import polygon

with open(sys.argv[1]) as f:
    cases = json.load(f)["cases"]

chunks = []
for case in cases:
    rows, columns = case["rows"], case["columns"]
    mask = np.zeros((rows, columns), dtype=np.uint8)
    for ring in case["rings"]:
        xy = np.asarray(ring, dtype=np.float64).reshape(-1, 2)
        rr, cc = polygon(xy[:, 1] - 0.5, xy[:, 0] - 0.5, shape=(rows, columns))
        one = np.zeros((rows, columns), dtype=np.uint8)
        one[rr, cc] = 1
        mask ^= one
    chunks.append(mask.tobytes())

with open(sys.argv[2], "wb") as f:
    f.write(b"".join(chunks))
