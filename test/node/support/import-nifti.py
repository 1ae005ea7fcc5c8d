"""Outside references for the mask import tests (nibabel + pydicom).

Usage:
  /usr/bin/python3 import-nifti.py reference <labelmap.nii.gz> <dicom dir> <value>...
      Prints JSON: per value, nibabel's voxel count, the centroid in world
      LPS mm (from the NIfTI affine), and the same centroid as continuous
      DICOM indices (column, row, slice in ascending position order) computed
      from pydicom's ImagePositionPatient / ImageOrientationPatient /
      PixelSpacing.
  /usr/bin/python3 import-nifti.py rewrite <in.nii.gz> <out.nii.gz> <mode>
      Writes the same labelmap another way. Modes:
        canonical  nib.as_closest_canonical (RAS+ axis order and directions)
        permute    axes reordered (j, i, k) and k reversed, affine to match
        shift      origin moved 5 mm along x
        crop       last slice dropped
        float      float32 voxels (same integer values)
        fraction   float32 voxels, one voxel set to 0.5
        qform      sform_code 0, so readers use the qform
"""
import glob
import json
import os
import sys

import nibabel as nib
import numpy as np
import pydicom


def reference(path, dicom_dir, values):
    img = nib.load(path)
    data = np.asarray(img.dataobj)
    affine = img.affine
    files = [pydicom.dcmread(p, stop_before_pixels=True) for p in sorted(glob.glob(os.path.join(dicom_dir, "*")))]
    iop = np.array([float(x) for x in files[0].ImageOrientationPatient])
    u, v = iop[:3], iop[3:]
    normal = np.cross(u, v)
    files.sort(key=lambda f: float(np.dot(normal, [float(x) for x in f.ImagePositionPatient])))
    first = np.array([float(x) for x in files[0].ImagePositionPatient])
    d_row, d_col = (float(x) for x in files[0].PixelSpacing)
    locations = [float(np.dot(normal, [float(x) for x in f.ImagePositionPatient])) for f in files]
    d_slice = (locations[-1] - locations[0]) / (len(locations) - 1)
    out = {}
    for value in values:
        ijk = np.argwhere(data == value)
        centroid_ras = affine[:3, :3] @ ijk.mean(axis=0) + affine[:3, 3]
        lps = centroid_ras * np.array([-1, -1, 1])
        rel = lps - first
        out[str(value)] = {
            "count": int(len(ijk)),
            "lps": lps.tolist(),
            "dicomIndex": [float(np.dot(rel, u) / d_col), float(np.dot(rel, v) / d_row), float(np.dot(rel, normal) / d_slice)],
        }
    print(json.dumps(out))


def rewrite(src, dst, mode):
    img = nib.load(src)
    data = np.asarray(img.dataobj)
    affine = img.affine.copy()
    header = img.header.copy()
    if mode == "canonical":
        nib.save(nib.as_closest_canonical(img), dst)
        return
    if mode == "permute":
        # input axis 0 → output axis 1, axis 1 → output axis 0, axis 2 stays but reversed
        nib.save(img.as_reoriented(np.array([[1, 1], [0, 1], [2, -1]])), dst)
        return
    if mode == "shift":
        affine[0, 3] += 5.0
    elif mode == "crop":
        data = data[:, :, :-1]
    elif mode in ("float", "fraction"):
        data = data.astype(np.float32)
        header.set_data_dtype(np.float32)
        if mode == "fraction":
            data[tuple(np.argwhere(data > 0)[0])] = 0.5
    elif mode != "qform":
        raise SystemExit(f"unknown mode {mode}")
    out = nib.Nifti1Image(data, affine, header)
    out.set_sform(affine, code=0 if mode == "qform" else 2)
    out.set_qform(affine, code=1)
    nib.save(out, dst)


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "reference":
        reference(sys.argv[2], sys.argv[3], [int(v) for v in sys.argv[4:]])
    elif command == "rewrite":
        rewrite(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        raise SystemExit(f"unknown command {command}")
