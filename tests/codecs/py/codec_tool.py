"""Compresses and decompresses NTNDArray payloads with the Python packages areaDetector users
rely on (lz4, bitshuffle, blosc), so the TypeScript codecs are checked against the real ones.

Usage: codec_tool.py JOBS.json. Each job is an object:
  {"op": "compress" | "decompress", "codec": "lz4" | "bslz4" | "blosc", "dtype": "uint16",
   "input": path, "output": path, "nbytes": uncompressed size (decompress),
   "cname": blosc compressor, "shuffle": 0 | 1 | 2, "clevel": 0-9}
Prints one JSON line per job: {"ok": true, "size": bytes written} or {"ok": false, "error": text}.
"""

import json
import sys

import bitshuffle
import blosc
import lz4.block
import numpy as np


def compress(job, raw):
    codec = job["codec"]
    if codec == "lz4":
        return lz4.block.compress(raw, store_size=False)
    if codec == "bslz4":
        arr = np.frombuffer(raw, dtype=job["dtype"])
        return bitshuffle.compress_lz4(arr, 0).tobytes()
    if codec == "blosc":
        return blosc.compress(
            raw,
            typesize=np.dtype(job["dtype"]).itemsize,
            clevel=job.get("clevel", 5),
            shuffle=job.get("shuffle", blosc.SHUFFLE),
            cname=job.get("cname", "blosclz"),
        )
    raise ValueError(f"unknown codec {codec}")


def decompress(job, data):
    codec = job["codec"]
    nbytes = job["nbytes"]
    if codec == "lz4":
        return lz4.block.decompress(data, uncompressed_size=nbytes)
    if codec == "bslz4":
        dtype = np.dtype(job["dtype"])
        arr = np.frombuffer(data, dtype=np.uint8)
        return bitshuffle.decompress_lz4(arr, (nbytes // dtype.itemsize,), dtype, 0).tobytes()
    if codec == "blosc":
        return blosc.decompress(data)
    raise ValueError(f"unknown codec {codec}")


def main():
    with open(sys.argv[1]) as f:
        jobs = json.load(f)
    for job in jobs:
        try:
            with open(job["input"], "rb") as f:
                data = f.read()
            out = compress(job, data) if job["op"] == "compress" else decompress(job, data)
            with open(job["output"], "wb") as f:
                f.write(out)
            print(json.dumps({"ok": True, "size": len(out)}))
        except Exception as e:  # a corrupted input is a result, not a crash of the tool
            print(json.dumps({"ok": False, "error": f"{type(e).__name__}: {e}"}))


if __name__ == "__main__":
    main()
