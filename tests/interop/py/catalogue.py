"""The PVs every peer server hosts, described once in p4p's type notation so both servers serve the same data.

A type is a code string ('d', 'ai', 'v', ...) or a tuple ('S' | 'U' | 'aS' | 'aU', id or None, [(name, type)]).
Values are plain Python/numpy values; a union value is a (selector, value) tuple.
"""

import json

import numpy as np

SCALARS = {
    'bool': ('?', True),
    'int8': ('b', -7),
    'uint8': ('B', 200),
    'int16': ('h', -1234),
    'uint16': ('H', 54321),
    'int32': ('i', -123456789),
    'uint32': ('I', 4000000000),
    'int64': ('l', -(2**62) - 5),
    'uint64': ('L', 2**64 - 2),
    'float32': ('f', 1.5),
    'float64': ('d', 3.141592653589793),
    'string': ('s', 'h\u00e9llo w\u00f6rld'),
}

NUMPY_DTYPES = {
    '?': np.bool_, 'b': np.int8, 'B': np.uint8, 'h': np.int16, 'H': np.uint16, 'i': np.int32,
    'I': np.uint32, 'l': np.int64, 'L': np.uint64, 'f': np.float32, 'd': np.float64,
}

ALARM = ('S', 'alarm_t', [('severity', 'i'), ('status', 'i'), ('message', 's')])
TIME = ('S', 'time_t', [('secondsPastEpoch', 'l'), ('nanoseconds', 'i'), ('userTag', 'i')])
STAMP = {'secondsPastEpoch': 1700000000, 'nanoseconds': 123456789, 'userTag': 7}
META = [('alarm', ALARM), ('timeStamp', TIME)]
META_VALUE = {'alarm': {'severity': 0, 'status': 0, 'message': 'NO_ALARM'}, 'timeStamp': STAMP}

BIG_ARRAY_LENGTH = 1_000_000

IMAGE_UNION = ('U', None, [
    ('booleanValue', 'a?'), ('byteValue', 'ab'), ('shortValue', 'ah'), ('intValue', 'ai'), ('longValue', 'al'),
    ('ubyteValue', 'aB'), ('ushortValue', 'aH'), ('uintValue', 'aI'), ('ulongValue', 'aL'), ('floatValue', 'af'),
    ('doubleValue', 'ad'),
])
DIMENSION = ('aS', 'dimension_t', [
    ('size', 'i'), ('offset', 'i'), ('fullSize', 'i'), ('binning', 'i'), ('reverse', '?'),
])
ATTRIBUTE = ('aS', 'epics:nt/NTAttribute:1.0', [
    ('name', 's'), ('value', 'v'), ('tags', 'as'), ('descriptor', 's'), ('alarm', ALARM), ('timeStamp', TIME),
    ('sourceType', 'i'), ('source', 's'),
])
NDARRAY = ('S', 'epics:nt/NTNDArray:1.0', [
    ('value', IMAGE_UNION),
    ('codec', ('S', 'codec_t', [('name', 's'), ('parameters', 'v')])),
    ('compressedSize', 'l'), ('uncompressedSize', 'l'), ('uniqueId', 'i'), ('dataTimeStamp', TIME),
    ('dimension', DIMENSION), ('attribute', ATTRIBUTE), ('descriptor', 's'),
] + META)


def nt_scalar(code, value):
    """An NTScalar (or NTScalarArray when code starts with 'a') entry."""
    nt_id = 'epics:nt/NTScalarArray:1.0' if code.startswith('a') else 'epics:nt/NTScalar:1.0'
    return (('S', nt_id, [('value', code)] + META), dict(META_VALUE, value=value))


def sample_array(code):
    """A short array that reaches both ends of the element type's range."""
    if code == '?':
        return np.array([True, False, True])
    if code == 's':
        return ['', 'a', 'h\u00e9llo', 'x' * 300]
    dtype = NUMPY_DTYPES[code]
    limits = np.finfo(dtype) if code in 'fd' else np.iinfo(dtype)
    return np.array([limits.min, 0, 1, limits.max], dtype=dtype)


def image(shape, dtype, field, unique_id, attributes):
    """An NTNDArray whose pixels are a deterministic ramp (pixel i holds i modulo the type's range)."""
    count = int(np.prod(shape))
    pixels = np.arange(count, dtype=np.uint64).astype(dtype)
    size = pixels.nbytes
    return (NDARRAY, dict(META_VALUE,
        value=(field, pixels),
        codec={'name': '', 'parameters': 0},
        compressedSize=size,
        uncompressedSize=size,
        uniqueId=unique_id,
        dataTimeStamp=STAMP,
        # NTNDArray lists the fastest-varying dimension (x) first.
        dimension=[{'size': n, 'offset': 0, 'fullSize': n, 'binning': 1, 'reverse': False} for n in reversed(shape)],
        attribute=[dict(a, tags=[], descriptor='', alarm=META_VALUE['alarm'], timeStamp=STAMP, sourceType=0, source='')
                   for a in attributes],
        descriptor='ramp',
    ))


def build():
    """Returns {pv suffix: (type, value)} for the whole built-in catalogue."""
    pvs = {}
    for name, (code, value) in SCALARS.items():
        pvs['scalar:' + name] = nt_scalar(code, value)
        pvs['array:' + name] = nt_scalar('a' + code, sample_array(code))
    pvs['array:float64:big'] = nt_scalar('ad', np.arange(BIG_ARRAY_LENGTH, dtype=np.float64) * 0.5)
    pvs['enum'] = (('S', 'epics:nt/NTEnum:1.0', [
        ('value', ('S', 'enum_t', [('index', 'i'), ('choices', 'as')]))] + META),
        dict(META_VALUE, value={'index': 1, 'choices': ['Off', 'On', 'Fault']}))
    pvs['table'] = (('S', 'epics:nt/NTTable:1.0', [
        ('labels', 'as'), ('value', ('S', None, [('name', 'as'), ('x', 'ad'), ('n', 'ai')]))] + META),
        dict(META_VALUE, labels=['Name', 'X', 'N'],
             value={'name': ['a', 'b', 'c'], 'x': np.array([0.5, 1.5, 2.5]), 'n': np.array([1, 2, 3], dtype=np.int32)}))
    pvs['image:u16'] = image((1024, 1024), np.uint16, 'ushortValue', 1, [
        {'name': 'ColorMode', 'value': 0}, {'name': 'Camera', 'value': 'sim'}])
    pvs['image:u8'] = image((4096, 4096), np.uint8, 'ubyteValue', 2, [
        {'name': 'ColorMode', 'value': 0}, {'name': 'Exposure', 'value': 0.25}, {'name': 'Camera', 'value': 'big'}])
    pvs['nested'] = (('S', 'pvastream:test/Nested:1.0', [
        ('a', ('S', 'inner_t', [('x', 'd'), ('tags', 'as')])),
        ('b', 'i'),
        ('c', ('S', None, [('deep', ('S', None, [('z', 'L')]))])),
    ]), {'a': {'x': -2.25, 'tags': ['p', 'q']}, 'b': 42, 'c': {'deep': {'z': 2**63 + 1}}})
    pvs['union'] = (('S', None, [('value', ('U', None, [('i', 'i'), ('s', 's'), ('d', 'ad')]))]),
                    {'value': ('s', 'selected string')})
    pvs['any'] = (('S', None, [('value', 'v')]), {'value': 2.5})
    pvs['structarray'] = (('S', None, [('value', ('aS', 'point_t', [('x', 'd'), ('y', 'd')]))]),
                          {'value': [{'x': 1.0, 'y': 2.0}, {'x': 3.0, 'y': 4.0}, {'x': -5.0, 'y': 0.0}]})
    pvs['put:float64'] = nt_scalar('d', 0.0)
    pvs['put:string'] = nt_scalar('s', '')
    pvs['readonly'] = nt_scalar('d', 1.0)
    pvs['counter'] = nt_scalar('i', 0)
    return pvs


def load_spec(text):
    """Extra PVs from a JSON spec {suffix: {"type": <type>, "value": {...}}}.

    JSON has no tuples: a structured type is a list [kind, id, [[name, type], ...]] and a union value is a list
    [selector, value]. An any takes a scalar, a string or a list of numbers.
    """
    def as_type(t):
        if isinstance(t, str):
            return t
        return (t[0], t[1], [(name, as_type(sub)) for name, sub in t[2]])

    def as_value(v, t):
        if isinstance(t, str) or v is None:
            return v
        kind, type_id, members = t
        subs = dict(members)
        if kind == 'S':
            return {name: as_value(x, subs[name]) for name, x in v.items()}
        if kind == 'U':
            return (v[0], as_value(v[1], subs[v[0]]))
        return [as_value(e, (kind[1], type_id, members)) for e in v]

    pvs = {}
    for name, pv in json.loads(text).items():
        type_spec = as_type(pv['type'])
        pvs[name] = (type_spec, as_value(pv.get('value', {}), type_spec))
    return pvs
