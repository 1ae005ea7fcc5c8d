"""Reads a NIfTI bundle's provenance with Python's zipfile and json and its labelmap with nibabel, as an independent reader would.

Usage: /usr/bin/python3 review-provenance.py <bundle.zip>

Prints one JSON object: per label of the *_labels.json sidecar, its id, its
provenance's rejections and missed flags, and, for each slice those name,
how many voxels of that label the *_labels.nii.gz holds on that slice
(voxel k = slice k).
"""
import io
import gzip
import json
import sys
import zipfile

import nibabel as nib
import numpy as np

with zipfile.ZipFile(sys.argv[1]) as z:
    names = z.namelist()
    sidecar = json.loads(z.read(next(n for n in names if n.endswith("_labels.json"))))
    raw = gzip.decompress(z.read(next(n for n in names if n.endswith("_labels.nii.gz"))))

image = nib.Nifti1Image.from_stream(io.BytesIO(raw))
data = np.asanyarray(image.dataobj)

labels = []
for label in sidecar["labels"]:
    p = label.get("provenance", {})
    slices = sorted({e["slice"] for e in p.get("rejections", []) + p.get("missed", [])})
    labels.append({
        "id": label["id"],
        "rejections": p.get("rejections"),
        "missed": p.get("missed"),
        "voxels": {str(k): int(np.count_nonzero(data[:, :, k] == label["id"])) for k in slices},
    })
print(json.dumps({"labels": labels}))
