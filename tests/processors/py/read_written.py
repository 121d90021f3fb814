"""Reads files written by the pvastream file writers with the reference libraries and prints one
JSON document per array: numpy's dtype name, the C-order shape, the values in C order, and what
else the format carries (index entry, TIFF tags, HDF5 per-frame datasets).

usage: read_written.py npy|tiff|raw|h5 PATH...
  npy   numpy.load of each .npy file
  tiff  tifffile of each .tiff file (first page)
  raw   each JSON Lines index: every frame it lists, read from the .raw file beside it
  h5    h5py: every frame of /data in each file, with its uniqueId, time stamps and attributes
"""
import json
import sys

import numpy as np


def doc(array, meta=None):
    out = {"dtype": str(array.dtype), "shape": list(array.shape), "values": array.ravel().tolist()}
    if meta is not None:
        out["meta"] = meta
    print(json.dumps(out))


def read_npy(path):
    doc(np.load(path))


def read_tiff(path):
    import tifffile

    with tifffile.TiffFile(path) as tif:
        page = tif.pages[0]
        doc(page.asarray(), {
            "photometric": page.photometric.name,
            "planarconfig": page.planarconfig.name,
            "sampleformat": page.sampleformat.name,
            "bitspersample": page.bitspersample,
            "samplesperpixel": page.samplesperpixel,
            "description": page.description,
            "pages": len(tif.pages),
        })


def read_raw(index_path):
    raw_path = index_path[: -len(".jsonl")] + ".raw"
    with open(index_path) as f:
        entries = [json.loads(line) for line in f if line.strip()]
    for e in entries:
        count = int(np.prod(e["shape"])) if e["shape"] else 1
        a = np.fromfile(raw_path, dtype=np.dtype(e["dtype"]), count=count, offset=e["offset"])
        doc(a.reshape(e["shape"]), e)


def read_h5(path):
    import h5py

    with h5py.File(path, "r") as f:
        data = f["data"]
        for i in range(data.shape[0]):
            stamp = lambda g: {k: int(f[g][k][i]) for k in ("secondsPastEpoch", "nanoseconds", "userTag")}
            doc(data[i], {
                "uniqueId": int(f["uniqueId"][i]),
                "timeStamp": stamp("timeStamp"),
                "dataTimeStamp": stamp("dataTimeStamp"),
                "attributes": json.loads(f["attributes"].asstr()[i]),
                "colorMode": int(f["data"].attrs["colorMode"]),
                "frames": data.shape[0],
            })


READERS = {"npy": read_npy, "tiff": read_tiff, "raw": read_raw, "h5": read_h5}

if __name__ == "__main__":
    kind, *paths = sys.argv[1:]
    for p in paths:
        READERS[kind](p)
