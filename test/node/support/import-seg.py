"""Writes a copy of a DICOM SEG with its image references removed (pydicom).

Usage: /usr/bin/python3 import-seg.py <in.dcm> <out.dcm> [--move FRAME MM]

Deletes every Derivation Image Sequence (per-frame and shared, so no frame
names its source image) and the Referenced Series Sequence; an importer must
then place the frames by ImagePositionPatient. --move FRAME MM also moves the
plane position of frame FRAME (0-based) by MM along z, so it lies on no slice.
"""
import argparse

import pydicom

parser = argparse.ArgumentParser()
parser.add_argument("src")
parser.add_argument("dst")
parser.add_argument("--move", nargs=2)
args = parser.parse_args()

ds = pydicom.dcmread(args.src)
groups = list(ds.PerFrameFunctionalGroupsSequence)
if "SharedFunctionalGroupsSequence" in ds:
    groups += list(ds.SharedFunctionalGroupsSequence)
for group in groups:
    if "DerivationImageSequence" in group:
        del group.DerivationImageSequence
if "ReferencedSeriesSequence" in ds:
    del ds.ReferencedSeriesSequence
if args.move:
    frame = ds.PerFrameFunctionalGroupsSequence[int(args.move[0])]
    position = frame.PlanePositionSequence[0]
    x, y, z = (float(v) for v in position.ImagePositionPatient)
    position.ImagePositionPatient = [x, y, z + float(args.move[1])]
ds.save_as(args.dst, write_like_original=True)
