"""nnU-Net v2's dataset rules, checked with nibabel, for test/node/dataset-build.tools.test.ts.

Usage: /usr/bin/python3 nnunet_check.py <command> <args...>; prints one JSON object.

  verify DATASET_DIR DEFINITION_JSON
      The checks of nnunetv2.experiment_planning.verify_dataset_integrity
      (v2.5, written out here: nnU-Net is not installed), on the raw folder:
      - dataset.json has labels, channel_names, numTraining, file_ending;
        imagesTr and labelsTr exist;
      - the training cases (imagesTr/<case>_<XXXX><ending>) number numTraining,
        each has every channel of channel_names and a labelsTr/<case><ending>;
      - label values consecutive from 0 (np.ediff1d == 1, background 0);
      - every label file's values are among dataset.json's labels;
      - per case, image and label: the same shape, spacing and affine
        (nnU-Net compares shape and spacing, and warns on origin and
        direction), no NaN in the image;
      and, beyond nnU-Net: imagesTs / labelsTs the same way; sform and qform
      the same transform in every file (ITK, hence nnU-Net's default reader,
      reads the qform); the split recomputed from the definition's seed and
      patient keys (all series of a patient on one side).
      Reports problems (empty when all pass) and per-case facts.
  compare DIR_A DIR_B
      Two builds of one definition: the same case files, the same dataset.json
      labels, and every label image voxel for voxel equal.
  unzip OUT_DIR PART...
      Extracts zip parts in order into OUT_DIR with Python's zipfile; lists
      each part's entries and whether its CRCs check (testzip).
"""
import glob
import hashlib
import json
import os
import re
import sys
import zipfile

import nibabel as nib
import numpy as np


def load(path):
    img = nib.load(path)
    return img, np.asanyarray(img.dataobj)


def sform_qform_gap(img):
    """Largest distance (mm) between where the sform and the qform put a corner voxel."""
    h = img.header
    s = h.get_sform()
    q = h.get_qform()
    shape = img.shape[:3]
    worst = 0.0
    for i in (0, shape[0] - 1):
        for j in (0, shape[1] - 1):
            for k in (0, shape[2] - 1):
                v = np.array([i, j, k, 1.0])
                worst = max(worst, float(np.linalg.norm((s @ v - q @ v)[:3])))
    return worst, int(h["sform_code"]), int(h["qform_code"])


def patient_split(seed, patient, fraction):
    h = hashlib.sha256(f"{seed}\0{patient}".encode()).digest()
    u = int.from_bytes(h[:4], "big") / 2**32
    return "test" if u < fraction else "train"


def cmd_verify(folder, definition_path):
    problems = []
    definition = json.load(open(definition_path))
    ds_path = os.path.join(folder, "dataset.json")
    if not os.path.isfile(ds_path):
        print(json.dumps({"problems": ["no dataset.json"]}))
        return
    ds = json.load(open(ds_path))
    for key in ("labels", "channel_names", "numTraining", "file_ending"):
        if key not in ds:
            problems.append(f"dataset.json lacks {key}")
    for d in ("imagesTr", "labelsTr"):
        if not os.path.isdir(os.path.join(folder, d)):
            problems.append(f"no {d}")
    ending = ds["file_ending"]
    channels = sorted(int(c) for c in ds["channel_names"])

    def cases_of(images_dir):
        ids = {}
        for f in sorted(os.listdir(os.path.join(folder, images_dir))) if os.path.isdir(os.path.join(folder, images_dir)) else []:
            m = re.fullmatch(r"(.+)_(\d{4})" + re.escape(ending), f)
            if not m:
                problems.append(f"{images_dir}/{f} is not <case>_XXXX{ending}")
                continue
            ids.setdefault(m.group(1), []).append(int(m.group(2)))
        return ids

    train = cases_of("imagesTr")
    test = cases_of("imagesTs")
    if len(train) != ds["numTraining"]:
        problems.append(f"numTraining {ds['numTraining']} for {len(train)} training cases")
    for split, cases in (("train", train), ("test", test)):
        for case, chans in cases.items():
            if sorted(chans) != channels:
                problems.append(f"{case}: channels {sorted(chans)}, dataset.json has {channels}")
    label_files = sorted(f[: -len(ending)] for f in os.listdir(os.path.join(folder, "labelsTr")) if f.endswith(ending))
    for case in train:
        if case not in label_files:
            problems.append(f"{case} has no labelsTr/{case}{ending}")

    values = sorted(ds["labels"].values())
    if ds["labels"].get("background") != 0:
        problems.append("background is not 0")
    if not all(np.ediff1d(values) == 1) or values[0] != 0:
        problems.append(f"labels {values} are not consecutive from 0")
    allowed = set(values)

    facts = {}
    spacings = {}
    for split, cases, images_dir, labels_dir in (("train", train, "imagesTr", "labelsTr"), ("test", test, "imagesTs", "labelsTs")):
        for case in cases:
            image, img = load(os.path.join(folder, images_dir, f"{case}_0000{ending}"))
            label_path = os.path.join(folder, labels_dir, f"{case}{ending}")
            if not os.path.isfile(label_path):
                problems.append(f"{case}: no {labels_dir}/{case}{ending}")
                continue
            label, lab = load(label_path)
            present = sorted(int(v) for v in np.unique(lab))
            if not set(present) <= allowed:
                problems.append(f"{case}: label values {present} not all in dataset.json {sorted(allowed)}")
            if img.shape != lab.shape:
                problems.append(f"{case}: image shape {img.shape}, label shape {lab.shape}")
            zi = image.header.get_zooms()[:3]
            zl = label.header.get_zooms()[:3]
            if not np.allclose(zi, zl):
                problems.append(f"{case}: image spacing {zi}, label spacing {zl}")
            if not np.allclose(image.affine, label.affine, atol=1e-5):
                problems.append(f"{case}: image and label affines differ")
            if np.issubdtype(img.dtype, np.floating) and np.isnan(img).any():
                problems.append(f"{case}: NaN in the image")
            for name, obj in (("image", image), ("label", label)):
                gap, scode, qcode = sform_qform_gap(obj)
                if scode <= 0 or qcode <= 0:
                    problems.append(f"{case} {name}: sform_code {scode}, qform_code {qcode}")
                if gap > 0.01:
                    problems.append(f"{case} {name}: sform and qform {gap:.4f} mm apart")
            # Spacing consistent: the voxel sizes nibabel reads are the lengths of the affine's columns.
            columns = np.linalg.norm(image.affine[:3, :3], axis=0)
            if not np.allclose(columns, zi, atol=1e-4):
                problems.append(f"{case}: pixdim {zi} but affine column lengths {columns.tolist()}")
            spacings[case] = [round(float(z), 4) for z in zi]
            facts[case] = {
                "split": split,
                "shape": list(img.shape),
                "spacing": [float(z) for z in zi],
                "labelValues": present,
                "labelDtype": str(lab.dtype),
                "imageDtype": str(img.dtype),
            }

    # The split, from the definition alone.
    expected = {}
    for c in definition["cases"]:
        expected[c["id"]] = patient_split(definition["split"]["seed"], c["patient"], definition["split"]["testFraction"])
    actual = {case: f["split"] for case, f in facts.items()}
    if actual != expected:
        problems.append(f"split {actual} is not the definition's {expected}")
    by_patient = {}
    for c in definition["cases"]:
        by_patient.setdefault(c["patient"], set()).add(actual.get(c["id"]))
    for patient, sides in by_patient.items():
        if len(sides) != 1:
            problems.append(f"a patient is on both sides: {sorted(map(str, sides))}")

    print(json.dumps({"problems": problems, "datasetJson": ds, "cases": facts, "spacings": spacings}))


def cmd_compare(a, b):
    problems = []
    files_a = sorted(os.path.relpath(p, a) for p in glob.glob(os.path.join(a, "**", "*.nii.gz"), recursive=True))
    files_b = sorted(os.path.relpath(p, b) for p in glob.glob(os.path.join(b, "**", "*.nii.gz"), recursive=True))
    if files_a != files_b:
        problems.append(f"different files: {sorted(set(files_a) ^ set(files_b))}")
    la = json.load(open(os.path.join(a, "dataset.json")))["labels"]
    lb = json.load(open(os.path.join(b, "dataset.json")))["labels"]
    if la != lb:
        problems.append(f"labels {la} then {lb}")
    compared = 0
    for f in files_a:
        if not f.startswith("labels") or f not in files_b:
            continue
        _, x = load(os.path.join(a, f))
        _, y = load(os.path.join(b, f))
        compared += 1
        if x.shape != y.shape or not np.array_equal(x, y):
            problems.append(f"{f} differs")
    print(json.dumps({"problems": problems, "files": files_a, "labelFilesCompared": compared}))


def cmd_unzip(out, *parts):
    listing = []
    for p in parts:
        with zipfile.ZipFile(p) as z:
            listing.append({"part": os.path.basename(p), "entries": z.namelist(), "badCrc": z.testzip()})
            z.extractall(out)
    print(json.dumps({"parts": listing}))


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"verify": cmd_verify, "compare": cmd_compare, "unzip": cmd_unzip}[command](*args)
