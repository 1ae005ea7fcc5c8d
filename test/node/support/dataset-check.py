"""Outside checks for test/node/export-dataset.test.ts: hashlib, pydicom, zipfile, nibabel.

Usage: /usr/bin/python3 dataset-check.py <command> <args...>; prints one JSON object.

  sha256                      stdin: JSON list of hex strings; out: their SHA-256 digests (hex)
  seg SEG SOURCE_DIR SECRET   a de-identified SEG read by pydicom, next to what the source
                              files and the secret say it should hold (see `seg` below)
  package ZIP SOURCE_DIR TRUTH_GZ CT_RAW ID_TO_VALUE_JSON
                              an nnU-Net v2 raw package checked as nnU-Net documents it
                              (see `package` below)

The UID a secret gives a source UID is computed here from its definition, independently
of the code under test: '2.25.' + decimal of the first 16 bytes of SHA-256(secret + uid),
with the UUID version nibble set to 8 and the variant bits to 10.
"""
import datetime
import glob
import gzip
import hashlib
import json
import os
import re
import sys
import tempfile
import zipfile

import nibabel as nib
import numpy as np
import pydicom


def expected_uid(secret, uid):
    b = bytearray(hashlib.sha256(secret.encode() + uid.encode()).digest()[:16])
    b[6] = (b[6] & 0x0F) | 0x80
    b[8] = (b[8] & 0x3F) | 0x80
    return "2.25." + str(int.from_bytes(b, "big"))


def source_facts(source_dir):
    """Instance-level UIDs, identifying values and positions of the source series, from the files."""
    uids, names, positions, first = set(), set(), {}, None
    for path in sorted(glob.glob(os.path.join(source_dir, "*.dcm"))):
        ds = pydicom.dcmread(path, stop_before_pixels=True)
        first = first or ds
        for kw in ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID", "FrameOfReferenceUID"):
            uids.add(str(ds[kw].value))
        positions[str(ds.SOPInstanceUID)] = [float(v) for v in ds.ImagePositionPatient]
    for kw in ("PatientName", "PatientID", "AccessionNumber", "StudyDescription"):
        value = str(first.get(kw, ""))
        if value:
            names.add(value)
    return uids, names, positions, first


def days_between(earlier_source, later_copy):
    """Days the copy's date lies before the source's, or None when either is not a date."""
    try:
        a = datetime.datetime.strptime(earlier_source, "%Y%m%d")
        b = datetime.datetime.strptime(later_copy, "%Y%m%d")
    except ValueError:
        return None
    return (a - b).days


def all_ui_values(ds):
    """Every UI value in the data set, nested sequences and file meta included."""
    values = []

    def walk(d):
        for elem in d:
            if elem.VR == "SQ":
                for item in elem.value:
                    walk(item)
            elif elem.VR == "UI" and elem.value:
                values.extend(str(v) for v in (elem.value if elem.VM > 1 else [elem.value]))

    walk(ds.file_meta)
    walk(ds)
    return values


def cmd_sha256():
    messages = json.load(sys.stdin)
    print(json.dumps([hashlib.sha256(bytes.fromhex(m)).hexdigest() for m in messages]))


def cmd_seg(seg_path, source_dir, secret):
    ds = pydicom.dcmread(seg_path)
    uids, names, positions, src = source_facts(source_dir)
    mapping = {u: expected_uid(secret, u) for u in uids}
    back = {v: k for k, v in mapping.items()}
    found = all_ui_values(ds)
    raw = open(seg_path, "rb").read()
    frames_match = []
    for frame in ds.PerFrameFunctionalGroupsSequence:
        ref = str(frame.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID)
        position = [float(v) for v in frame.PlanePositionSequence[0].ImagePositionPatient]
        frames_match.append(back.get(ref) is not None and positions.get(back[ref]) == position)
    referenced = [str(r.ReferencedSOPInstanceUID) for s in ds.ReferencedSeriesSequence for r in s.ReferencedInstanceSequence]
    out = {
        "patientName": str(ds.PatientName),
        "patientID": str(ds.PatientID),
        "patientBirthDate": str(ds.get("PatientBirthDate", "")),
        "patientSex": str(ds.get("PatientSex", "")),
        "accessionNumber": str(ds.get("AccessionNumber", "")),
        "studyID": str(ds.get("StudyID", "")),
        "referringPhysicianName": str(ds.get("ReferringPhysicianName", "")),
        "present": {kw: kw in ds for kw in ("StudyDescription", "SeriesDescription", "InstanceCreationDate", "SeriesDate", "PatientBirthDate")},
        "contentCreatorName": str(ds.get("ContentCreatorName", "")),
        "contentDescription": str(ds.get("ContentDescription", "")),
        "patientIdentityRemoved": ds.get("PatientIdentityRemoved"),
        "deidentificationMethod": str(ds.get("DeidentificationMethod", "")),
        "methodCodes": [[c.CodeValue, c.CodingSchemeDesignator, c.CodeMeaning] for c in ds.get("DeidentificationMethodCodeSequence", [])],
        "longitudinalTemporalInformationModified": ds.get("LongitudinalTemporalInformationModified"),
        "studyDate": str(ds.get("StudyDate", "")),
        "studyTime": str(ds.get("StudyTime", "")),
        "contentDate": str(ds.get("ContentDate", "")),
        "studyDateShiftDays": days_between(str(src.StudyDate), str(ds.get("StudyDate", ""))),
        "sourceSex": str(src.get("PatientSex", "")),
        "studyInstanceUID": str(ds.StudyInstanceUID),
        "frameOfReferenceUID": str(ds.FrameOfReferenceUID),
        "referencedSeriesUID": str(ds.ReferencedSeriesSequence[0].SeriesInstanceUID),
        "referencedSops": referenced,
        "uiValues": found,
        # Where the secret says the source's UIDs go, computed here.
        "expected": {
            "studyInstanceUID": mapping[str(src.StudyInstanceUID)],
            "frameOfReferenceUID": mapping[str(src.FrameOfReferenceUID)],
            "seriesInstanceUID": mapping[str(src.SeriesInstanceUID)],
            "sops": sorted(mapping[s] for s in positions),
        },
        "originalUidsInUI": sorted(set(found) & uids),
        "originalValuesInBytes": sorted(v for v in uids | names if v.encode() in raw),
        "framesAtSourcePositions": all(frames_match) and len(frames_match) > 0,
    }
    print(json.dumps(out))


def cmd_package(zip_path, source_dir, truth_gz, ct_raw, id_to_value_json):
    uids, names, _, _ = source_facts(source_dir)
    forbidden = uids | names
    problems = []
    z = zipfile.ZipFile(zip_path)
    entries = z.namelist()
    tops = {e.split("/")[0] for e in entries}
    if len(tops) != 1:
        problems.append(f"top-level folders {sorted(tops)}")
    top = sorted(tops)[0]
    if not re.fullmatch(r"Dataset\d{3}_[A-Za-z0-9_-]+", top):
        problems.append(f"folder name {top}")
    rel = sorted(e[len(top) + 1:] for e in entries)
    ds_json = json.loads(z.read(f"{top}/dataset.json"))
    for key in ("channel_names", "labels", "numTraining", "file_ending"):
        if key not in ds_json:
            problems.append(f"dataset.json lacks {key}")
    ending = ds_json["file_ending"]
    images = [r for r in rel if r.startswith("imagesTr/")]
    labels = [r for r in rel if r.startswith("labelsTr/")]
    cases = []
    for lab in labels:
        m = re.fullmatch(r"labelsTr/(.+)" + re.escape(ending), lab)
        if not m:
            problems.append(f"label file {lab}")
            continue
        case = m.group(1)
        cases.append(case)
        for ch in ds_json["channel_names"]:
            want = f"imagesTr/{case}_{int(ch):04d}{ending}"
            if want not in images:
                problems.append(f"missing {want}")
    for img in images:
        if not re.fullmatch(r"imagesTr/.+_\d{4}" + re.escape(ending), img):
            problems.append(f"image file {img}")
    if ds_json["numTraining"] != len(labels):
        problems.append(f"numTraining {ds_json['numTraining']} for {len(labels)} label files")
    values = sorted(ds_json["labels"].values())
    if ds_json["labels"].get("background") != 0 or values != list(range(len(values))):
        problems.append(f"label values {ds_json['labels']} are not background 0 and consecutive")
    stored = {i.filename: i.compress_type for i in z.infolist() if i.filename.endswith(".nii.gz")}

    case = cases[0]
    tmp = tempfile.mkdtemp()
    paths = {}
    for kind, name in (("image", f"imagesTr/{case}_0000{ending}"), ("label", f"labelsTr/{case}{ending}")):
        paths[kind] = os.path.join(tmp, os.path.basename(name))
        with open(paths[kind], "wb") as f:
            f.write(z.read(f"{top}/{name}"))
    image = nib.load(paths["image"])
    label = nib.load(paths["label"])
    img = np.asanyarray(image.dataobj)
    lab = np.asanyarray(label.dataobj)
    # Voxel [i, j, k] is column i, row j, slice k; the raw inputs are k, r, c.
    cols, rows, slices = img.shape
    truth = np.frombuffer(gzip.open(truth_gz).read(), np.uint8).reshape(slices, rows, cols).transpose(2, 1, 0)
    id_to_value = {int(k): v for k, v in json.loads(id_to_value_json).items()}
    table = np.zeros(256, np.uint8)
    for k, v in id_to_value.items():
        table[k] = v
    ct = np.fromfile(ct_raw, np.int16).reshape(slices, rows, cols).transpose(2, 1, 0)

    header_text = b"".join(gzip.decompress(z.read(f"{top}/{n}"))[:348] for n in (f"imagesTr/{case}_0000{ending}", f"labelsTr/{case}{ending}"))
    leaks = {}
    for info in z.infolist():
        if info.filename.endswith(".json"):
            text = z.read(info.filename).decode("utf-8")
            found = sorted(v for v in forbidden if v in text)
            if found:
                leaks[info.filename] = found
    found = sorted(v for v in forbidden if v.encode() in header_text)
    if found:
        leaks["nifti headers"] = found

    print(json.dumps({
        "problems": problems,
        "folder": top,
        "files": rel,
        "datasetJson": ds_json,
        "provenance": json.loads(z.read(f"{top}/provenance.json")),
        "niftiStored": all(t == zipfile.ZIP_STORED for t in stored.values()) and len(stored) == 2,
        "shapes": [list(img.shape), list(lab.shape)],
        "affinesEqual": bool(np.allclose(image.affine, label.affine, atol=1e-6)),
        "labelDtype": str(lab.dtype),
        "labelValues": sorted(int(v) for v in np.unique(lab)),
        "labelsMatchRemappedInput": bool(np.array_equal(lab, table[truth])),
        "imageMatchesInput": bool(np.array_equal(img, ct)),
        "leaks": leaks,
        "forbiddenCount": len(forbidden),
    }))


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    {"sha256": cmd_sha256, "seg": cmd_seg, "package": cmd_package}[command](*rest)
