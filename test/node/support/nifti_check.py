"""NIfTI facts as nibabel (and pydicom) see them, for test/node/export-nifti.test.ts.

Usage: /usr/bin/python3 nifti_check.py <command> <args...>; prints one JSON object.

  header FILE                    header fields, sform/qform, best affine, data (if small)
  compare-ct OURS REF            both reoriented to closest canonical: affines and HU equal?
  labels OURS TRUTH_GZ DICOM_DIR label counts, equality with the ground truth, and each
                                 label's centroid from nibabel (affine @ voxel centroid)
                                 and from pydicom (file positions, RAS)
  write-all DIR                  writes 5x4x3 images with nibabel, every dtype below in both
                                 byte orders, for our reader
"""
import glob
import gzip
import json
import os
import sys

import nibabel as nib
import numpy as np


def header_facts(img):
    h = img.header
    return {
        "shape": list(img.shape),
        "dtype": str(img.get_data_dtype()),
        "endianness": h.endianness,
        "sizeof_hdr": int(h["sizeof_hdr"]),
        "magic": h["magic"].tobytes().decode("latin-1"),
        "vox_offset": float(img.dataobj.offset),  # the loaded header's vox_offset is reset too
        "dim": [int(x) for x in h["dim"]],
        "pixdim": [float(x) for x in h["pixdim"]],
        "intent_code": int(h["intent_code"]),
        "datatype": int(h["datatype"]),
        "bitpix": int(h["bitpix"]),
        # nibabel moves the scaling out of the loaded header (it reads NaN there) into the data proxy.
        "scl_slope": float(img.dataobj.slope),
        "scl_inter": float(img.dataobj.inter),
        "cal_min": float(h["cal_min"]),
        "cal_max": float(h["cal_max"]),
        "xyzt_units": int(h["xyzt_units"]),
        "spatial_unit": h.get_xyzt_units()[0],
        "descrip": h["descrip"].tobytes().rstrip(b"\0").decode("latin-1"),
        "sform_code": int(h["sform_code"]),
        "qform_code": int(h["qform_code"]),
        "sform": h.get_sform().tolist(),
        "qform": h.get_qform().tolist(),
        "affine": img.affine.tolist(),
        "zooms": [float(z) for z in h.get_zooms()],
    }


def cmd_header(path):
    img = nib.load(path)
    out = header_facts(img)
    data = np.asanyarray(img.dataobj)
    out["array_dtype"] = str(data.dtype)
    if data.size <= 10000:
        # i fastest, as the file stores them
        out["data"] = data.ravel(order="F").tolist()
    return out


def cmd_compare_ct(ours_path, ref_path):
    ours, ref = nib.load(ours_path), nib.load(ref_path)
    a, b = nib.as_closest_canonical(ours), nib.as_closest_canonical(ref)
    da, db = a.get_fdata(), b.get_fdata()
    same_shape = da.shape == db.shape
    # World position of a few voxel centres of ours, looked up in the reference.
    shape = np.array(ours.shape)
    picks = [(0, 0, 0), tuple(shape - 1), (shape[0] // 3, shape[1] // 2, shape[2] // 4), (shape[0] - 1, 0, shape[2] // 2)]
    world = []
    ours_data, ref_data = ours.get_fdata(), ref.get_fdata()
    for ijk in picks:
        p = ours.affine @ np.array([*ijk, 1.0])
        ref_ijk = np.linalg.inv(ref.affine) @ p
        r = np.rint(ref_ijk[:3]).astype(int)
        world.append({
            "ours": [int(x) for x in ijk],
            "refIndex": ref_ijk[:3].tolist(),
            "valuesEqual": bool(ours_data[ijk] == ref_data[tuple(r)]),
        })
    return {
        "ours": header_facts(ours),
        "ref": header_facts(ref),
        "ourArrayDtype": str(np.asanyarray(ours.dataobj).dtype),
        "canonicalShapes": [list(da.shape), list(db.shape)],
        "canonicalAffineMaxDiff": float(np.abs(a.affine - b.affine).max()),
        "dataEqual": bool(same_shape and np.array_equal(da, db)),
        "dataMaxAbsDiff": float(np.abs(da - db).max()) if same_shape else None,
        "voxels": int(da.size),
        "world": world,
    }


def cmd_labels(ours_path, truth_path, dicom_dir):
    import pydicom

    img = nib.load(ours_path)
    data = np.asanyarray(img.dataobj)
    with gzip.open(truth_path, "rb") as f:
        raw = np.frombuffer(f.read(), dtype=np.uint8)
    # Ground truth: index k*rows*cols + r*cols + c.
    files = [pydicom.dcmread(p, stop_before_pixels=True) for p in sorted(glob.glob(os.path.join(dicom_dir, "*.dcm")))]
    rows, cols = int(files[0].Rows), int(files[0].Columns)
    iop = np.array([float(v) for v in files[0].ImageOrientationPatient])
    u, v = iop[:3], iop[3:]
    normal = np.cross(u, v)
    files.sort(key=lambda ds: float(np.dot(normal, [float(x) for x in ds.ImagePositionPatient])))
    truth = raw.reshape(len(files), rows, cols)  # [k, r, c]
    truth_ijk = truth.transpose(2, 1, 0)  # [c, r, k] = [i, j, k]

    labels = sorted(int(x) for x in np.unique(truth) if x != 0)
    ours_counts = {int(k): int(n) for k, n in zip(*np.unique(data, return_counts=True))}
    truth_counts = {int(k): int(n) for k, n in zip(*np.unique(truth, return_counts=True))}
    centroids = {}
    for label in labels:
        ijk = np.argwhere(data == label).mean(axis=0)
        nib_world = (img.affine @ np.array([*ijk, 1.0]))[:3]
        # From the DICOM files: every labelled voxel's LPS centre, averaged, then to RAS.
        total, count = np.zeros(3), 0
        for k, ds in enumerate(files):
            r, c = np.nonzero(truth[k] == label)
            if r.size == 0:
                continue
            ipp = np.array([float(x) for x in ds.ImagePositionPatient])
            d_row, d_col = (float(x) for x in ds.PixelSpacing)
            su, sv = [float(x) for x in ds.ImageOrientationPatient[:3]], [float(x) for x in ds.ImageOrientationPatient[3:]]
            total += r.size * ipp + c.sum() * d_col * np.array(su) + r.sum() * d_row * np.array(sv)
            count += r.size
        lps = total / count
        centroids[label] = {"nibabel": nib_world.tolist(), "pydicom": [-lps[0], -lps[1], lps[2]]}
    return {
        "header": header_facts(img),
        "arrayDtype": str(data.dtype),
        "equalToTruth": bool(data.shape == truth_ijk.shape and np.array_equal(data, truth_ijk)),
        "oursCounts": ours_counts,
        "truthCounts": truth_counts,
        "centroids": centroids,
    }


# The reader test's image: value at (i, j, k) = VALUE(i + 5 j + 20 k), per dtype.
SHAPE = (5, 4, 3)
VALUES = {
    "uint8": lambda n: (n * 4) % 256,
    "int8": lambda n: n * 2 - 60,
    "int16": lambda n: n * 517 - 20000,
    "uint16": lambda n: n * 1000 + 7,
    "int32": lambda n: n * 33333 - 1000000,
    "uint32": lambda n: n * 66666 + 3000000000,
    "float32": lambda n: n * 0.25 - 3.5,
    "float64": lambda n: n / 3.0 - 1e6,
}


def cmd_write_all(folder):
    """One file per dtype and byte order, named nib-<dtype>-<le|be>.nii; facts by file name."""
    out = {}
    for dtype in VALUES:
        for endian, tag in (("<", "le"), (">", "be")):
            name = f"nib-{dtype}-{tag}.nii"
            out[name] = write_one(os.path.join(folder, name), dtype, endian)
    return out


def write_one(path, dtype, endian):
    n = np.arange(np.prod(SHAPE)).reshape(SHAPE, order="F")
    data = VALUES[dtype](n.astype(np.float64)).astype(np.dtype(dtype).newbyteorder(endian))
    affine = np.array([[-0.7, 0.1, 0.0, 12.5], [0.05, 0.8, 0.3, -40.25], [0.0, -0.2, 2.5, 7.0], [0, 0, 0, 1]])
    hdr = nib.Nifti1Header(endianness=endian)
    img = nib.Nifti1Image(data, affine, header=hdr)
    img.header.set_data_dtype(np.dtype(dtype))
    img.set_qform(affine, code=1)
    img.set_sform(affine, code=1)
    img.to_filename(path)
    back = nib.load(path)
    return {**header_facts(back), "data": np.asanyarray(back.dataobj).ravel(order="F").tolist()}


def main():
    command, args = sys.argv[1], sys.argv[2:]
    handlers = {"header": cmd_header, "compare-ct": cmd_compare_ct, "labels": cmd_labels, "write-all": cmd_write_all}
    print(json.dumps(handlers[command](*args)))


if __name__ == "__main__":
    main()
