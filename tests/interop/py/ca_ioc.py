"""A Channel Access server for the CA client tests: pvapy's CaIoc (EPICS base's own IOC and RSRV server)
with one record of each kind the tests read. It serves on EPICS_CA_SERVER_PORT from the environment, on
loopback only, and takes stdin commands: `put NAME JSON` (dbpf through the IOC API, which processes the
record) and `get NAME` (the IOC's own view of a field).

The records start undefined; every one gets a first put before READY, so each has a timestamp."""

import json
import os
import sys
import tempfile

import pvaccess

import common

PREFIX = 'ca:test:'

# Record name (without the prefix) -> (record type, fields, first value).
RECORDS = {
    'ai': ('ai', {'PREC': '3', 'EGU': 'mm', 'HOPR': '10', 'LOPR': '-10', 'HIHI': '9', 'HIGH': '8',
                  'LOW': '-8', 'LOLO': '-9',
                  # EPICS 7 reports an alarm limit as NaN while its severity is NO_ALARM.
                  'HHSV': 'MAJOR', 'HSV': 'MINOR', 'LSV': 'MINOR', 'LLSV': 'MAJOR'}, 1.25),
    'ao': ('ao', {'PREC': '2', 'EGU': 'V', 'DRVH': '5', 'DRVL': '-5'}, -0.5),
    'longin': ('longin', {}, 42),
    'stringin': ('stringin', {}, 'hello CA'),
    'mbbi': ('mbbi', {'ZRST': 'Closed', 'ONST': 'Open', 'TWST': 'Moving'}, 1),
    # putField rejects lists for CHAR arrays; dbpf of a string stores its bytes and a NUL.
    'wf:char': ('waveform', {'FTVL': 'CHAR', 'NELM': '16'}, 'CA bytes'),
    'wf:short': ('waveform', {'FTVL': 'SHORT', 'NELM': '16'}, [-3, 0, 32767, 12]),
    'wf:long': ('waveform', {'FTVL': 'LONG', 'NELM': '16'}, [-100000, 5, 2147483647]),
    'wf:float': ('waveform', {'FTVL': 'FLOAT', 'NELM': '16'}, [0.5, -1.25, 3.0]),
    'wf:double': ('waveform', {'FTVL': 'DOUBLE', 'NELM': '16'}, [1.0, 2.5, -7.125, 1e300]),
}


def database():
    lines = []
    for name, (rtype, fields, _) in RECORDS.items():
        body = ' '.join(f'field({k}, "{v}")' for k, v in fields.items())
        lines.append(f'record({rtype}, "{PREFIX}{name}") {{ {body} }}')
    return '\n'.join(lines) + '\n'


def put(name, value):
    write(name, json.loads(value))
    return name


def quiet(call, *args):
    """Runs an IOC shell function with its printout (on file descriptor 1) sent to stderr."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        return call(*args)
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def write(name, value):
    """dbpf for text (also into CHAR arrays), putField for numbers and lists."""
    if isinstance(value, str):
        if quiet(ioc.dbpf, name, value) != 0:
            raise ValueError(f'dbpf {name} failed')
    else:
        ioc.putField(name, value)


def get(name):
    value = ioc.getField(name)
    return list(value) if isinstance(value, (list, tuple)) else value


for key in ('EPICS_CA_AUTO_ADDR_LIST', 'EPICS_CAS_INTF_ADDR_LIST', 'EPICS_CA_ADDR_LIST'):
    os.environ.setdefault(key, 'NO' if key == 'EPICS_CA_AUTO_ADDR_LIST' else '127.0.0.1')

dbd = os.path.join(os.path.dirname(pvaccess.__file__), 'dbd')
with tempfile.NamedTemporaryFile('w', suffix='.db', delete=False) as f:
    f.write(database())
ioc = pvaccess.CaIoc()
ioc.loadDatabase('base.dbd', dbd, '')
ioc.registerRecordDeviceDriver()
ioc.loadRecords(f.name, '')
os.unlink(f.name)
ioc.start()
for name, (_, _, first) in RECORDS.items():
    write(PREFIX + name, first)
# The IOC shell prints to stdout; the READY protocol needs it to ourselves from here on.
sys.stdout.flush()
common.serve({'prefix': PREFIX, 'port': int(os.environ.get('EPICS_CA_SERVER_PORT', '5064')),
              'records': {name: first for name, (_, _, first) in RECORDS.items()}},
             {'put': put, 'get': get})
