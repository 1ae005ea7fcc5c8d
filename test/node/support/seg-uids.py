"""The UIDs and slice measures of a DICOM SEG, as pydicom reads them, as JSON.

Usage: seg-uids.py <seg.dcm> [<source image.dcm>]
With a source image, also its SliceThickness (0018,0050).
"""
import json
import sys

import pydicom

seg = pydicom.dcmread(sys.argv[1])
measures = seg.SharedFunctionalGroupsSequence[0].PixelMeasuresSequence[0]
referenced = seg.ReferencedSeriesSequence[0]
frames = seg.PerFrameFunctionalGroupsSequence
out = {
    "studyInstanceUID": seg.StudyInstanceUID,
    "seriesInstanceUID": seg.SeriesInstanceUID,
    "sopInstanceUID": seg.SOPInstanceUID,
    "mediaStorageSOPInstanceUID": seg.file_meta.MediaStorageSOPInstanceUID,
    "frameOfReferenceUID": seg.FrameOfReferenceUID,
    "referencedSeriesInstanceUID": referenced.SeriesInstanceUID,
    "referencedInstances": [i.ReferencedSOPInstanceUID for i in referenced.ReferencedInstanceSequence],
    "referencedClasses": sorted({i.ReferencedSOPClassUID for i in referenced.ReferencedInstanceSequence}),
    "frameSources": [f.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID for f in frames],
    "sliceThickness": float(measures.SliceThickness),
    "spacingBetweenSlices": float(measures.SpacingBetweenSlices),
    "patientIdentityRemoved": str(seg.get("PatientIdentityRemoved", "")),
}
if len(sys.argv) > 2:
    source = pydicom.dcmread(sys.argv[2], stop_before_pixels=True)
    out["sourceSliceThickness"] = float(source.SliceThickness)
print(json.dumps(out))
