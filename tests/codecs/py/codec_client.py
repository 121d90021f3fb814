"""Gets a compressed NTNDArray with p4p and decompresses it with the Python packages, as pvaPy's
adImageUtility does (codec.parameters names the element type). Prints one JSON line:
{"codec", "parameters", "uniqueId", "compressedSize", "uncompressedSize", "held", "sha256", "dims"}.

Usage: codec_client.py PV [--timeout S]
"""

import argparse
import os
import sys

from p4p.client.thread import Context

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'interop', 'py'))
import common  # noqa: E402
import frames  # noqa: E402

DTYPES = {code: name for name, code in frames.SCALAR_TYPE_CODES.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('pv')
    parser.add_argument('--timeout', type=float, default=5.0)
    args = parser.parse_args()
    ctxt = Context('pva', conf=common.epics_conf(), useenv=False, unwrap=False)
    try:
        v = ctxt.get(args.pv, timeout=args.timeout)
    finally:
        ctxt.close()
    codec = v['codec.name']
    code = int(v['codec.parameters'])
    packed = v['value'].tobytes()
    raw = frames.decompress(codec, packed, DTYPES[code], int(v['uncompressedSize']))
    common.emit({'codec': codec, 'parameters': code, 'uniqueId': int(v['uniqueId']),
                 'compressedSize': int(v['compressedSize']), 'uncompressedSize': int(v['uncompressedSize']),
                 'held': len(packed), 'sha256': frames.sha256(raw), 'dims': [int(d['size']) for d in v['dimension']]})


if __name__ == '__main__':
    main()
