"""Reads the sample series with pydicom, as an independent reader would.

Usage: /usr/bin/python3 sample-read.py <folder>   (regions as JSON on stdin)

stdin: {"regions": {"name": [[k, r, c], ...], ...}} with k the slice index in
sorted order (ascending along the normal). Prints one JSON object: per-file
facts, the sum of the stored values of each file, the volume shape, the median HU inside each ground-truth disc label,
and min / median / max HU of every region.
"""
import glob
import gzip
import json
import os
import sys

import numpy as np
import pydicom

folder = sys.argv[1]
request = json.load(sys.stdin)

slices = []
syntaxes = set()
for path in sorted(glob.glob(os.path.join(folder, "*.dcm"))):
    ds = pydicom.dcmread(path)
    syntaxes.add(str(ds.file_meta.TransferSyntaxUID))
    hu = ds.pixel_array.astype(np.float64) * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
    iop = [float(v) for v in ds.ImageOrientationPatient]
    normal = np.cross(iop[:3], iop[3:])
    position = float(np.dot(normal, [float(v) for v in ds.ImagePositionPatient]))
    slices.append((position, os.path.basename(path), hu, str(ds.pixel_array.dtype), int(ds.pixel_array.astype(np.int64).sum())))
slices.sort(key=lambda s: s[0])
volume = np.stack([s[2] for s in slices])

labels = np.frombuffer(gzip.decompress(open(os.path.join(folder, "ground-truth", "discs.u8.gz"), "rb").read()), dtype=np.uint8)
result = {
    "files": [s[1] for s in slices],
    "dtypes": sorted({s[3] for s in slices}),
    "transferSyntaxes": sorted(syntaxes),
    "shape": list(volume.shape),
    "labelVoxels": int(labels.size),
    "storedSums": {s[1]: s[4] for s in slices},
    "discMedian": {},
    "regions": {},
}
if labels.size == volume.size:
    labels = labels.reshape(volume.shape)
    for label in range(1, 6):
        values = volume[labels == label]
        result["discMedian"][str(label)] = float(np.median(values)) if values.size else None
for name, voxels in request["regions"].items():
    idx = np.array(voxels, dtype=np.int64).reshape(-1, 3)
    values = volume[idx[:, 0], idx[:, 1], idx[:, 2]]
    result["regions"][name] = {
        "count": int(values.size),
        "min": float(values.min()),
        "median": float(np.median(values)),
        "max": float(values.max()),
    }
print(json.dumps(result))
