"""Detector-like test frames and their compression with the Python packages areaDetector users rely on.

Shared by codec_server.py and codec_tool.py: a frame is a deterministic image (a smooth gradient with
blobs plus seeded noise), compressed as NDPluginCodec would compress it.
"""

import hashlib

import bitshuffle
import blosc
import lz4.block
import numpy as np

# pvData ScalarType codes of the element types, as NTNDArray codec.parameters carries them.
SCALAR_TYPE_CODES = {'int8': 1, 'int16': 2, 'int32': 3, 'int64': 4, 'uint8': 5, 'uint16': 6, 'uint32': 7,
                     'uint64': 8, 'float32': 9, 'float64': 10}


def image(width, height, dtype, seed):
    """A frame with structure (gradient, bright spots) and noise, so codecs see realistic redundancy."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    base = 100 + 0.05 * x + 0.03 * y
    for _ in range(8):
        cx, cy, r = rng.uniform(0, width), rng.uniform(0, height), rng.uniform(5, 40)
        base += 500 * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r))
    pixels = base + rng.normal(0, 4, size=base.shape)
    dt = np.dtype(dtype)
    if dt.kind in 'iu':
        info = np.iinfo(dt)
        pixels = np.clip(pixels, info.min, info.max)
    return pixels.astype(dt)


def compress(codec, raw, dtype, cname='lz4', shuffle=1, clevel=5):
    """Compressed bytes of `raw` (the little-endian elements of `dtype`)."""
    if codec == 'lz4':
        return lz4.block.compress(raw, store_size=False)
    if codec == 'bslz4':
        return bitshuffle.compress_lz4(np.frombuffer(raw, dtype=dtype), 0).tobytes()
    if codec == 'blosc':
        return blosc.compress(raw, typesize=np.dtype(dtype).itemsize, clevel=clevel, shuffle=shuffle, cname=cname)
    raise ValueError(f'unknown codec {codec}')


def decompress(codec, data, dtype, nbytes):
    """The uncompressed bytes of a frame."""
    if codec == 'lz4':
        return lz4.block.decompress(data, uncompressed_size=nbytes)
    if codec == 'bslz4':
        dt = np.dtype(dtype)
        return bitshuffle.decompress_lz4(np.frombuffer(data, dtype=np.uint8), (nbytes // dt.itemsize,), dt, 0).tobytes()
    if codec == 'blosc':
        return blosc.decompress(data)
    raise ValueError(f'unknown codec {codec}')


def sha256(data):
    return hashlib.sha256(data).hexdigest()
