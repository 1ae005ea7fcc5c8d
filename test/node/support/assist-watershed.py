"""skimage's marker watershed on gradient levels written by assist-grow.tools.test.ts.

argv: directory, columns, rows, slices. Reads levels.u16 and markers.u8 (x fastest,
index (k*rows + r)*columns + c), writes labels.u8 from
skimage.segmentation.watershed(levels, markers, connectivity=1): 6-connected in 3-D.
"""
import sys

import numpy as np
from skimage.segmentation import watershed

folder, columns, rows, slices = sys.argv[1], *map(int, sys.argv[2:5])
shape = (slices, rows, columns)
levels = np.fromfile(f"{folder}/levels.u16", dtype="<u2").reshape(shape)
markers = np.fromfile(f"{folder}/markers.u8", dtype=np.uint8).reshape(shape).astype(np.int32)
labels = watershed(levels, markers, connectivity=1)
labels.astype(np.uint8).tofile(f"{folder}/labels.u8")
