"""What the peer scripts share: loopback configuration, JSON output, the READY line and the stdin command loop."""

import argparse
import hashlib
import json
import math
import os
import signal
import sys

import numpy as np

import catalogue

# Everything stays on loopback unless the caller's environment says otherwise.
LOOPBACK = {
    'EPICS_PVA_ADDR_LIST': '127.0.0.1',
    'EPICS_PVA_AUTO_ADDR_LIST': 'NO',
    'EPICS_PVAS_INTF_ADDR_LIST': '127.0.0.1',
    'EPICS_PVAS_BEACON_ADDR_LIST': '127.0.0.1',
    'EPICS_PVAS_AUTO_BEACON_ADDR_LIST': 'NO',
}


def epics_conf():
    """The EPICS_PVA* settings of this process, on top of the loopback defaults."""
    conf = dict(LOOPBACK)
    conf.update({k: v for k, v in os.environ.items() if k.startswith('EPICS_PVA')})
    return conf


def apply_env():
    """Puts the loopback defaults into os.environ for libraries that only read the environment (pvapy)."""
    for key, value in epics_conf().items():
        os.environ[key] = value


class Encoder:
    """Turns peer values into JSON-able data; arrays longer than max_elements become a digest of their bytes."""

    def __init__(self, max_elements):
        self.max_elements = max_elements

    def __call__(self, value):
        if isinstance(value, np.ndarray):
            if 0 <= self.max_elements < value.size:
                # Little-endian bytes, the pvAccess order of our tests, so TypeScript can hash its own typed array.
                raw = np.ascontiguousarray(value, dtype=value.dtype.newbyteorder('<')).tobytes()
                return {'length': int(value.size), 'dtype': str(value.dtype), 'sha256': hashlib.sha256(raw).hexdigest()}
            return [self(v) for v in value.tolist()]
        if isinstance(value, np.generic):
            return self(value.item())
        if isinstance(value, float) and not math.isfinite(value):
            return repr(value)
        if isinstance(value, dict):
            return {str(k): self(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self(v) for v in value]
        return value


def emit(document):
    """Prints one JSON document on its own line."""
    sys.stdout.write(json.dumps(document, allow_nan=False) + '\n')
    sys.stdout.flush()


def client_args(description):
    """The command line shared by both clients."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('op', choices=['get', 'put', 'monitor', 'rpc', 'info'])
    parser.add_argument('pv')
    parser.add_argument('value', nargs='?', help='put: JSON value for the "value" field; rpc: JSON object of arguments')
    parser.add_argument('--request', default='', help='pvRequest string, e.g. "field(value)"')
    parser.add_argument('--count', type=int, default=1, help='monitor: number of updates to print')
    parser.add_argument('--timeout', type=float, default=5.0, help='seconds')
    parser.add_argument('--max-elements', type=int, default=10000,
                        help='arrays longer than this print as {length, sha256}; -1 prints everything')
    return parser.parse_args()


def server_args(description):
    """The command line shared by both servers."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('--prefix', default='pvastream:test:', help='prepended to every PV name')
    parser.add_argument('--spec', help='JSON (or @file) of extra PVs, see catalogue.load_spec')
    parser.add_argument('--only', help='comma-separated catalogue names to host (default: all)')
    args = parser.parse_args()
    pvs = catalogue.build()
    if args.only:
        pvs = {name: pvs[name] for name in args.only.split(',')}
    if args.spec:
        text = open(args.spec[1:]).read() if args.spec.startswith('@') else args.spec
        pvs.update(catalogue.load_spec(text))
    return args, pvs


def serve(ready, commands):
    """Prints `READY <json>`, then runs stdin commands ("burst N") until stdin closes or SIGTERM arrives."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print('READY ' + json.dumps(ready), flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        command = commands.get(words[0])
        try:
            if command is None:
                raise ValueError('unknown command')
            emit({'ok': words[0], 'reply': command(*words[1:])})
        except Exception as e:  # a bad command is reported, not fatal
            emit({'error': f'{words[0]}: {e}'})
