"""Reads a DICOM SEG with pydicom, as an independent reader would.

Usage: /usr/bin/python3 seg-pydicom.py <seg.dcm> [--source DIR] [--frames OUT]

Prints one JSON object: the segments (number, label, algorithm, codes,
CIELab), and per frame the referenced segment, the referenced SOP Instance
UIDs (Derivation Image Sequence), the image position, the dimension index
values and the pixel count. pydicom's pixel_array unpacks the frames (1-bit
data included); FRACTIONAL frames count the pixels at or above half of
MaximumFractionalValue.

--source DIR: also read every .dcm in DIR and report, per frame, whether the
plane position equals the ImagePositionPatient of the referenced source file,
and the source's patient/study attributes next to the SEG's.
--frames OUT: write the frames as raw uint8 0/1, frames x rows x columns.
"""
import argparse
import glob
import json
import os

import numpy as np
import pydicom

STUDY_KEYWORDS = [
    "PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyInstanceUID", "StudyDate",
    "StudyTime", "ReferringPhysicianName", "StudyID", "AccessionNumber", "FrameOfReferenceUID",
]

parser = argparse.ArgumentParser()
parser.add_argument("seg")
parser.add_argument("--source")
parser.add_argument("--frames")
args = parser.parse_args()

ds = pydicom.dcmread(args.seg)


def code(seq):
    item = seq[0]
    value = item.get("CodeValue") or item.get("LongCodeValue") or item.get("URNCodeValue")
    return {"value": value, "scheme": item.CodingSchemeDesignator, "meaning": item.CodeMeaning}


def group(frame, keyword):
    if keyword in frame:
        return frame[keyword].value
    shared = ds.SharedFunctionalGroupsSequence[0] if "SharedFunctionalGroupsSequence" in ds else None
    return shared[keyword].value if shared is not None and keyword in shared else None


segments = []
for s in ds.SegmentSequence:
    segments.append({
        "number": int(s.SegmentNumber),
        "label": str(s.SegmentLabel),
        "algorithmType": s.SegmentAlgorithmType,
        "algorithmName": s.get("SegmentAlgorithmName"),
        "category": code(s.SegmentedPropertyCategoryCodeSequence),
        "type": code(s.SegmentedPropertyTypeCodeSequence),
        "cielab": [int(v) for v in s.RecommendedDisplayCIELabValue] if "RecommendedDisplayCIELabValue" in s else None,
    })

pixels = ds.pixel_array.reshape(-1, ds.Rows, ds.Columns)
if ds.SegmentationType == "FRACTIONAL":
    pixels = (pixels.astype(np.int32) * 2 >= int(ds.MaximumFractionalValue)).astype(np.uint8)
pixels = pixels.astype(np.uint8)
if args.frames:
    pixels.tofile(args.frames)

source_positions = {}
source_attributes = None
if args.source:
    for path in sorted(glob.glob(os.path.join(args.source, "*.dcm"))):
        src = pydicom.dcmread(path, stop_before_pixels=True)
        source_positions[src.SOPInstanceUID] = [float(v) for v in src.ImagePositionPatient]
        if source_attributes is None:
            source_attributes = {k: str(src.get(k, "")) for k in STUDY_KEYWORDS}

frames = []
for i, frame in enumerate(ds.PerFrameFunctionalGroupsSequence):
    derivation = group(frame, "DerivationImageSequence") or []
    sops = [str(src.ReferencedSOPInstanceUID) for d in derivation for src in d.SourceImageSequence]
    position_seq = group(frame, "PlanePositionSequence")
    position = [float(v) for v in position_seq[0].ImagePositionPatient] if position_seq else None
    entry = {
        "segment": int(group(frame, "SegmentIdentificationSequence")[0].ReferencedSegmentNumber),
        "sops": sops,
        "position": position,
        "dimension": [int(v) for v in frame.FrameContentSequence[0].DimensionIndexValues],
        "sum": int(pixels[i].sum()),
    }
    if args.source:
        entry["positionMatchesSource"] = len(sops) == 1 and source_positions.get(sops[0]) == position
    frames.append(entry)

out = {
    "segmentationType": ds.SegmentationType,
    "segmentsOverlap": ds.get("SegmentsOverlap"),
    "rows": int(ds.Rows),
    "columns": int(ds.Columns),
    "numberOfFrames": int(ds.NumberOfFrames),
    "segments": segments,
    "frames": frames,
    "referencedSops": [str(r.ReferencedSOPInstanceUID) for s in ds.get("ReferencedSeriesSequence", []) for r in s.ReferencedInstanceSequence],
    "attributes": {k: str(ds.get(k, "")) for k in STUDY_KEYWORDS},
    "contentLabel": str(ds.get("ContentLabel", "")),
    "contentCreatorName": str(ds.get("ContentCreatorName", "")),
}
if args.source:
    out["sourceAttributes"] = source_attributes
print(json.dumps(out))
