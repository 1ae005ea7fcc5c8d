"""Outside references for Segmark's PNG, PNG-zip and COCO exports (PIL, zipfile, skimage).

Usage: /usr/bin/python3 png-coco-check.py <command> <job.json> <out.bin>

Commands (job.json fields in brackets); each prints a JSON report on stdout
and writes arrays, C order, little endian, concatenated, to out.bin:
- pil-read [files]: decode each PNG with PIL; report mode, size, dtype
  (16-bit images, which Pillow widens to int32 mode "I", are written as uint16).
- pil-write [images: {path, width, height, bits, raw, options}]: read the raw
  little-endian samples from `raw`, save them as a greyscale PNG with PIL
  using `options` (e.g. optimize, compress_level); report the filter type of
  every row, found by inflating the IDAT data with zlib.
- zip-read [zip]: rebuild the labelmap volume from the zip with zipfile + PIL,
  following labels.json; also the images/ folder as int16 HU (raw16) or uint8.
- polygons [cases: {columns, rows, polygons}]: the union of
  skimage.draw.polygon over each case's COCO polygons, with Segmark/COCO
  pixel centres (c + 0.5, r + 0.5) shifted to skimage's integers.
- rle [cases: {columns, rows, size, counts}]: decode COCO RLE (uncompressed
  list, or pycocotools' compressed string) with a plain column-major decoder.
"""
import io
import json
import struct
import sys
import zipfile
import zlib

import numpy as np
from PIL import Image
from skimage.draw import polygon


def pil_read(job, out):
    report = []
    for path in job["files"]:
        with Image.open(path) as im:
            arr = np.array(im)
            report.append({"mode": im.mode, "size": list(im.size), "dtype": str(arr.dtype)})
        if im.mode == "I":
            # Pillow widens 16-bit greyscale to int32 ("I"); its values must still fit 16 bits.
            assert arr.min() >= 0 and arr.max() <= 65535, "a 16-bit PNG decodes to 0..65535"
            arr = arr.astype("<u2")
        out.write(arr.tobytes())
    return report


def png_filters(data):
    """Bit depth, and the filter type of each row, of a non-interlaced greyscale PNG."""
    pos, idat, width, height, bits = 8, b"", 0, 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, bits = struct.unpack(">IIB", body[:9])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bits // 8 + 1
    return bits, [raw[r * stride] for r in range(height)]


def pil_write(job, out):
    report = []
    for spec in job["images"]:
        dtype = np.uint8 if spec["bits"] == 8 else np.dtype("<u2")
        arr = np.fromfile(spec["raw"], dtype=dtype).reshape(spec["height"], spec["width"])
        im = Image.fromarray(arr.astype(np.uint8 if spec["bits"] == 8 else np.uint16))
        im.save(spec["path"], format="PNG", **spec.get("options", {}))
        with open(spec["path"], "rb") as f:
            bits, filters = png_filters(f.read())
            report.append({"mode": im.mode, "bits": bits, "filters": filters})
    return report


def zip_read(job, out):
    with zipfile.ZipFile(job["zip"]) as z:
        names = z.namelist()
        meta = json.loads(z.read("labels.json").decode("utf-8"))
        cols, rows, n = meta["columns"], meta["rows"], meta["sliceCount"]
        volume = np.zeros((n, rows, cols), dtype=np.uint8)
        images = {}
        modes = set()
        for s in meta["slices"]:
            name = s.get("fileName")
            if name is None:
                continue
            k = s["index"]
            if meta["layout"] == "label-values":
                with Image.open(io.BytesIO(z.read("masks/" + name))) as im:
                    modes.add(im.mode)
                    volume[k] = np.array(im)
            else:
                for label in meta["labels"]:
                    with Image.open(io.BytesIO(z.read(label["directory"] + "/" + name))) as im:
                        modes.add(im.mode)
                        m = np.array(im)
                    assert set(np.unique(m)) <= {0, 255}, "per-label masks hold 0 and 255 only"
                    volume[k][m == 255] = label["id"]
            if "images" in meta:
                with Image.open(io.BytesIO(z.read("images/" + name))) as im:
                    modes.add("image:" + im.mode)
                    images[k] = np.array(im)
        out.write(volume.tobytes())
        if "images" in meta:
            for k in sorted(images):
                a = images[k]
                if meta["images"]["encoding"] == "raw16":
                    a = (a.astype(np.int32) - meta["images"]["offset"]).astype("<i2")
                out.write(a.tobytes())
    return {"names": sorted(names), "meta": meta, "modes": sorted(modes), "imageSlices": sorted(images)}


def polygons(job, out):
    for case in job["cases"]:
        rows, cols = case["rows"], case["columns"]
        mask = np.zeros((rows, cols), dtype=np.uint8)
        for poly in case["polygons"]:
            xy = np.asarray(poly, dtype=np.float64).reshape(-1, 2)
            rr, cc = polygon(xy[:, 1] - 0.5, xy[:, 0] - 0.5, shape=(rows, cols))
            mask[rr, cc] = 1
        out.write(mask.tobytes())
    return {"cases": len(job["cases"])}


def counts_from_string(s):
    """pycocotools' compressed counts: 5-bit groups + 48, bit 5 = more, sign in bit 4 of the last group, deltas from the 4th count."""
    counts, p = [], 0
    while p < len(s):
        x, k, more = 0, 0, True
        while more:
            c = ord(s[p]) - 48
            x |= (c & 0x1F) << (5 * k)
            more = bool(c & 0x20)
            p += 1
            k += 1
            if not more and (c & 0x10):
                x -= 1 << (5 * k)
        if len(counts) > 2:
            x += counts[-2]
        counts.append(x)
    return counts


def rle(job, out):
    for case in job["cases"]:
        h, w = case["size"]
        counts = case["counts"]
        if isinstance(counts, str):
            counts = counts_from_string(counts)
        flat = np.zeros(h * w, dtype=np.uint8)
        pos, value = 0, 0
        for c in counts:
            flat[pos : pos + c] = value
            pos += c
            value ^= 1
        assert pos == h * w, "counts cover the image exactly"
        out.write(flat.reshape((h, w), order="F").tobytes())
    return {"cases": len(job["cases"])}


COMMANDS = {"pil-read": pil_read, "pil-write": pil_write, "zip-read": zip_read, "polygons": polygons, "rle": rle}

if __name__ == "__main__":
    command, job_path, out_path = sys.argv[1:4]
    with open(job_path) as f:
        job = json.load(f)
    with open(out_path, "wb") as out:
        report = COMMANDS[command](job, out)
    print(json.dumps(report))
