"""Reference CIELab values of sRGB colours, from two independent implementations.

Usage: /usr/bin/python3 seg-lab.py   (stdin: JSON [[r, g, b], ...], integers 0..255)

Prints {"skimage": [[L, a, b], ...], "lcms": [[L, a, b], ...]}:
- skimage: skimage.color.rgb2xyz (sRGB, D65), adapted to the ICC D50 white with
  the Bradford transform (numpy), then skimage.color.xyz2lab with illuminant D50.
- lcms: LittleCMS through Pillow's ImageCms, built-in sRGB profile to its LAB
  profile (D50 PCS), perceptual intent; 8-bit output, so about 0.4 (L*) and 1
  (a*, b*) coarse.
"""
import json
import sys

import numpy as np
from PIL import Image, ImageCms
from skimage import color

rgb = np.array([json.load(sys.stdin)], dtype=np.uint8)

BRADFORD = np.array([[0.8951, 0.2664, -0.1614], [-0.7502, 1.7135, 0.0367], [0.0389, -0.0685, 1.0296]])
d65 = np.array(color.colorconv.get_xyz_coords("D65", "2"), dtype=float)
d50 = np.array([0.9642, 1.0, 0.8249])
adapt = np.linalg.inv(BRADFORD) @ np.diag((BRADFORD @ d50) / (BRADFORD @ d65)) @ BRADFORD
xyz = color.rgb2xyz(rgb)[0]
sk = color.xyz2lab((adapt @ xyz.T).T[None], illuminant="D50")[0]

transform = ImageCms.buildTransform(ImageCms.createProfile("sRGB"), ImageCms.createProfile("LAB"), "RGB", "LAB")
lab8 = np.array(ImageCms.applyTransform(Image.fromarray(rgb, "RGB"), transform)).astype(int)[0]
# Pillow's LAB mode keeps L scaled to 0..255 and a*, b* as signed bytes.
lcms = [[float(l) * 100 / 255, float(a - 256 if a > 127 else a), float(b - 256 if b > 127 else b)] for l, a, b in lab8]

print(json.dumps({"skimage": sk.tolist(), "lcms": lcms}))
