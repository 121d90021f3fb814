"""Hosts one compressed NTNDArray PV, `<prefix>frame`, with p4p, as an areaDetector NDPluginCodec + PVA chain would.

The stdin command `post {json}` (no spaces) posts a frame: {"codec": "lz4" | "bslz4" | "blosc", "dtype": "uint16",
"width": w, "height": h, "seed": n, "cname": blosc compressor, "shuffle": 0-2, "corrupt": "truncate" | "flip"}
and replies with {"uniqueId", "sha256" of the uncompressed little-endian bytes, "compressedSize"}.
Prints `READY {"tcp_port": ..., "udp_port": ..., "prefix": ...}`.
"""

import json
import os
import sys

import numpy as np
from p4p import Type, Value
from p4p.server import Server
from p4p.server.thread import SharedPV

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'interop', 'py'))
import catalogue  # noqa: E402
import common  # noqa: E402
import frames  # noqa: E402

NDARRAY_TYPE = Type(catalogue.NDARRAY[2], id=catalogue.NDARRAY[1])


def corrupt(data, how):
    if how == 'truncate':
        return data[:len(data) // 2]
    if how == 'flip':
        damaged = bytearray(data)
        for i in range(16, len(damaged), 97):
            damaged[i] ^= 0x5A
        return bytes(damaged)
    return data


def frame_value(spec, unique_id):
    pixels = frames.image(spec['width'], spec['height'], spec['dtype'], spec['seed'])
    raw = pixels.astype(pixels.dtype.newbyteorder('<')).tobytes()
    packed = corrupt(frames.compress(spec['codec'], raw, spec['dtype'], spec.get('cname', 'lz4'), spec.get('shuffle', 1)),
                     spec.get('corrupt'))
    value = Value(NDARRAY_TYPE, {
        'value': ('ubyteValue', np.frombuffer(packed, dtype=np.uint8)),
        'codec': {'name': spec['codec'], 'parameters': ('i', frames.SCALAR_TYPE_CODES[spec['dtype']])},
        'compressedSize': len(packed),
        'uncompressedSize': len(raw),
        'uniqueId': unique_id,
        'dimension': [{'size': n, 'offset': 0, 'fullSize': n, 'binning': 1, 'reverse': False}
                      for n in (spec['width'], spec['height'])],
    })
    return value, {'uniqueId': unique_id, 'sha256': frames.sha256(raw), 'compressedSize': len(packed)}


def main():
    args, _ = common.server_args(__doc__)
    first, _ = frame_value({'codec': 'lz4', 'dtype': 'uint8', 'width': 8, 'height': 8, 'seed': 0}, 0)
    pv = SharedPV(initial=first)
    posted = [0]

    def post(text):
        posted[0] += 1
        value, reply = frame_value(json.loads(text), posted[0])
        pv.post(value)
        return reply

    server = Server(providers=[{args.prefix + 'frame': pv}], conf=common.epics_conf(), useenv=False)
    try:
        conf = server.conf()
        common.serve({'tcp_port': int(conf['EPICS_PVAS_SERVER_PORT']), 'udp_port': int(conf['EPICS_PVAS_BROADCAST_PORT']),
                      'prefix': args.prefix}, {'post': post})
    finally:
        server.stop()


if __name__ == '__main__':
    main()
