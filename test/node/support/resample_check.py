"""Outside checks of a resampled NIfTI export (export-resample.tools.test.ts).

  facts <nii>                          header geometry as nibabel reads it
  ct <image.nii.gz> <dicom dir> <n>    n voxels of ours against linear interpolation of the DICOM slices (pydicom)
  labels <labels.nii.gz> <dicom dir>   label voxels per slice, and the target slice nearest each acquired one
  dcm2niix <ours.nii.gz> <ref.nii.gz>  geometry and CT agreement with dcm2niix's own conversion
  phantom <nii> <json params>          a file's CT against the generator's analytic phantom (scripts/sample/irregular.ts)

Everything in RAS as nibabel gives it; DICOM positions are turned from LPS.
"""
import json
import os
import sys

import nibabel as nib
import numpy as np
import pydicom

LPS_TO_RAS = np.diag([-1.0, -1.0, 1.0])


def facts(path):
    img = nib.load(path)
    return {
        'shape': list(img.shape),
        'sform': img.get_sform().tolist(),
        'qform': img.get_qform().tolist(),
        'sform_code': int(img.header['sform_code']),
        'qform_code': int(img.header['qform_code']),
        'zooms': [float(z) for z in img.header.get_zooms()],
        'dtype': str(img.get_data_dtype()),
    }


def slices_of(folder):
    """The DICOM slices: position (RAS), row and column directions (RAS), spacing, HU."""
    out = []
    for name in sorted(os.listdir(folder)):
        ds = pydicom.dcmread(os.path.join(folder, name))
        iop = np.array(ds.ImageOrientationPatient, dtype=float)
        u, v = LPS_TO_RAS @ iop[:3], LPS_TO_RAS @ iop[3:]
        p = LPS_TO_RAS @ np.array(ds.ImagePositionPatient, dtype=float)
        row_spacing, col_spacing = (float(x) for x in ds.PixelSpacing)
        hu = ds.pixel_array.astype(float) * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
        out.append({'p': p, 'u': u, 'v': v, 'dc': col_spacing, 'dr': row_spacing, 'hu': hu})
    n = np.cross(out[0]['u'], out[0]['v'])
    n /= np.linalg.norm(n)
    out.sort(key=lambda s: float(s['p'] @ n))
    if float((out[-1]['p'] - out[0]['p']) @ n) < 0:
        n = -n
    return out, n


def bilinear(s, x):
    """HU of slice s at the foot of world point x on its plane; None within a pixel of the edge or outside."""
    d = x - s['p']
    c = float(d @ s['u']) / s['dc']
    r = float(d @ s['v']) / s['dr']
    rows, cols = s['hu'].shape
    if not (0 <= c <= cols - 1 and 0 <= r <= rows - 1):
        return None
    c0, r0 = min(int(np.floor(c)), cols - 2), min(int(np.floor(r)), rows - 2)
    fc, fr = c - c0, r - r0
    a = s['hu'][r0, c0] * (1 - fc) + s['hu'][r0, c0 + 1] * fc
    b = s['hu'][r0 + 1, c0] * (1 - fc) + s['hu'][r0 + 1, c0 + 1] * fc
    return a * (1 - fr) + b * fr


def reference(slices, n, x):
    """Linear between the two acquired planes around x, each read bilinearly at x's foot."""
    t = [float((s['p'] - slices[0]['p']) @ n) for s in slices]
    at = float((x - slices[0]['p']) @ n)
    for k in range(len(slices) - 1):
        if t[k] <= at <= t[k + 1]:
            a, b = bilinear(slices[k], x), bilinear(slices[k + 1], x)
            if a is None or b is None:
                return None
            w = (at - t[k]) / (t[k + 1] - t[k])
            return a * (1 - w) + b * w
    return None


def ct(path, folder, count):
    img = nib.load(path)
    data = np.asanyarray(img.dataobj)
    slices, n = slices_of(folder)
    rng = np.random.default_rng(16)
    points = []
    tries = 0
    while len(points) < count and tries < 50 * count:
        tries += 1
        ijk = [int(rng.integers(0, s)) for s in img.shape]
        x = img.affine[:3, :3] @ np.array(ijk, dtype=float) + img.affine[:3, 3]
        ref = reference(slices, n, x)
        if ref is None:
            continue
        points.append({'ijk': ijk, 'lps': [float(-x[0]), float(-x[1]), float(x[2])], 'ours': int(data[tuple(ijk)]), 'ref': float(ref)})
    return {'points': points, 'dtype': str(data.dtype), 'min': int(data.min())}


def labels(path, folder):
    img = nib.load(path)
    data = np.asanyarray(img.dataobj)
    slices, n = slices_of(folder)
    inv = np.linalg.inv(img.affine)
    # Target slice index of each acquired plane: its first pixel's position through the inverse affine.
    nearest = [float((inv[:3, :3] @ s['p'] + inv[:3, 3])[2]) for s in slices]
    return {
        'perSlice': [int((data[:, :, k] > 0).sum()) for k in range(data.shape[2])],
        'voxelVolume': float(abs(np.linalg.det(img.affine[:3, :3]))),
        'acquiredAt': nearest,
    }


def trilinear(data, ijk):
    i0 = np.floor(ijk).astype(int)
    f = ijk - i0
    if np.any(i0 < 0) or np.any(i0 + 1 > np.array(data.shape) - 1):
        return None
    value = 0.0
    for di in (0, 1):
        for dj in (0, 1):
            for dk in (0, 1):
                w = (f[0] if di else 1 - f[0]) * (f[1] if dj else 1 - f[1]) * (f[2] if dk else 1 - f[2])
                value += w * float(data[i0[0] + di, i0[1] + dj, i0[2] + dk])
    return value


def compare(ours_path, ref_path):
    ours, ref = nib.load(ours_path), nib.load(ref_path)
    a, b = np.asanyarray(ours.dataobj), np.asanyarray(ref.dataobj)
    co, cr = nib.as_closest_canonical(ours), nib.as_closest_canonical(ref)

    def corners(img):
        s = np.array(img.shape[:3]) - 1
        pts = np.array([[i, j, k] for i in (0, s[0]) for j in (0, s[1]) for k in (0, s[2])], dtype=float)
        w = (img.affine[:3, :3] @ pts.T).T + img.affine[:3, 3]
        return w.min(axis=0).tolist(), w.max(axis=0).tolist()

    # dcm2niix's voxel centres in our index space; both values where both are inside the body's linear field.
    inv = np.linalg.inv(ours.affine) @ ref.affine
    rng = np.random.default_rng(7)
    diffs = []
    for _ in range(4000):
        ijk = np.array([rng.integers(0, s) for s in ref.shape[:3]], dtype=float)
        x = inv[:3, :3] @ ijk + inv[:3, 3]
        v = trilinear(a, x)
        r = float(b[tuple(ijk.astype(int))])
        if v is None or r < -900 or v < -900 or r > 600:
            continue
        diffs.append(abs(v - r))
    diffs = np.array(diffs)
    return {
        'shapes': [list(ours.shape), list(ref.shape)],
        'canonicalShapes': [list(co.shape), list(cr.shape)],
        'zooms': [[float(z) for z in ours.header.get_zooms()], [float(z) for z in ref.header.get_zooms()]],
        'affines': [ours.affine.tolist(), ref.affine.tolist()],
        'qformSformRef': float(np.abs(ref.get_qform() - ref.get_sform()).max()),
        'bounds': [corners(ours), corners(ref)],
        'compared': int(diffs.size),
        'medianDiff': float(np.median(diffs)) if diffs.size else None,
        'p95Diff': float(np.percentile(diffs, 95)) if diffs.size else None,
    }


def phantom(path, params):
    """CT minus the phantom where it is linear: inside the body, away from the disc's surface."""
    p = json.loads(params)
    img = nib.load(path)
    a = np.asanyarray(img.dataobj)
    rng = np.random.default_rng(3)
    cx, cy, cz = p['discCentre']
    ax, ay, az = p['discAxes']
    diffs = []
    for _ in range(20000):
        ijk = np.array([rng.integers(0, s) for s in a.shape[:3]])
        x = img.affine[:3, :3] @ ijk + img.affine[:3, 3]
        lps = np.array([-x[0], -x[1], x[2]])
        if np.hypot(lps[0], lps[1]) > p['bodyRadius'] - 3:
            continue
        level = ((lps[0] - cx) / ax) ** 2 + ((lps[1] - cy) / ay) ** 2 + ((lps[2] - cz) / az) ** 2
        if 0.5 < level < 1.7:
            continue
        v = float(a[tuple(ijk)])
        if v < -900:
            continue
        truth = p['base'] + p['gradient'][0] * lps[0] + p['gradient'][1] * lps[1] + p['gradient'][2] * lps[2] + (p['discHU'] if level <= 1 else 0)
        diffs.append(v - truth)
    d = np.abs(np.array(diffs))
    return {'compared': int(d.size), 'median': float(np.median(d)), 'p95': float(np.percentile(d, 95))}


def main():
    cmd = sys.argv[1]
    if cmd == 'facts':
        out = facts(sys.argv[2])
    elif cmd == 'ct':
        out = ct(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif cmd == 'labels':
        out = labels(sys.argv[2], sys.argv[3])
    elif cmd == 'dcm2niix':
        out = compare(sys.argv[2], sys.argv[3])
    elif cmd == 'phantom':
        out = phantom(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(f'unknown command {cmd}')
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main()
