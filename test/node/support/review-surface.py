"""Outside reference for Segmark's review agreement (src/core/review/).

Usage: /usr/bin/python3 review-surface.py <dir>

<dir>/cases.json: [{"name": str, "shape": [slices, rows, columns],
  "spacing": [drow, dcol], "positions": [mm per slice], "a": file, "b": file}]
where each file (in <dir>) holds slices*rows*columns uint8 values (0/1) in C
order, index k*rows*columns + r*columns + c.

Prints JSON, one object per case: voxel counts, Dice, Jaccard, and the surface
distances computed twice:
- "edt": scipy.ndimage.distance_transform_edt(~surface_b, sampling=spacing)
  read at surface_a (and the reverse); only when the slices are evenly
  spaced, as sampling needs one spacing per axis (null otherwise);
- "kd": nearest neighbours between the surface voxels' true coordinates
  (slice positions as given), with scipy.spatial.cKDTree.
Surface = mask & ~binary_erosion(mask, generate_binary_structure(3, 1)), the
border being background. HD = max of both directed sets; HD95 =
numpy.percentile of their union, 95 (linear); mean = mean of the union.
"""
import json
import os
import sys

import numpy as np
from scipy.ndimage import binary_erosion, distance_transform_edt, generate_binary_structure
from scipy.spatial import cKDTree

STRUCTURE = generate_binary_structure(3, 1)


def surface(mask):
    return mask & ~binary_erosion(mask, structure=STRUCTURE)


def summary(ab, ba):
    union = np.hstack((ab, ba))
    return {"hd": float(max(ab.max(), ba.max())), "hd95": float(np.percentile(union, 95)), "mean": float(union.mean())}


def main():
    folder = sys.argv[1]
    with open(os.path.join(folder, "cases.json")) as f:
        cases = json.load(f)
    out = []
    for case in cases:
        shape = tuple(case["shape"])
        a = np.fromfile(os.path.join(folder, case["a"]), dtype=np.uint8).reshape(shape).astype(bool)
        b = np.fromfile(os.path.join(folder, case["b"]), dtype=np.uint8).reshape(shape).astype(bool)
        drow, dcol = case["spacing"]
        positions = np.asarray(case["positions"], dtype=np.float64)
        both = int((a & b).sum())
        na, nb = int(a.sum()), int(b.sum())
        result = {
            "name": case["name"],
            "voxels": {"a": na, "b": nb, "both": both},
            "dice": 2 * both / (na + nb),
            "jaccard": both / int((a | b).sum()),
        }
        sa, sb = surface(a), surface(b)
        result["surface"] = {"a": int(sa.sum()), "b": int(sb.sum())}

        steps = np.diff(positions)
        if len(steps) and np.allclose(steps, steps[0], rtol=0, atol=1e-9):
            sampling = (float(steps[0]), drow, dcol)
            ab = distance_transform_edt(~sb, sampling=sampling)[sa]
            ba = distance_transform_edt(~sa, sampling=sampling)[sb]
            result["edt"] = summary(ab, ba)
        else:
            result["edt"] = None

        def points(s):
            k, r, c = np.nonzero(s)
            return np.column_stack((positions[k], r * drow, c * dcol))

        pa, pb = points(sa), points(sb)
        ab = cKDTree(pb).query(pa)[0]
        ba = cKDTree(pa).query(pb)[0]
        result["kd"] = summary(ab, ba)
        out.append(result)
    print(json.dumps(out))


main()
