"""Hosts the catalogue (plus an optional JSON spec) with p4p, on loopback, until stdin closes or SIGTERM.

Special PVs: put:* accept puts, readonly rejects them, add is an RPC returning query.a + query.b, counter posts
N updates for the stdin command "burst N". Prints `READY {"tcp_port": ..., "udp_port": ..., "pvs": [...]}`.
"""

from p4p import Type, Value
from p4p.server import Server
from p4p.server.thread import SharedPV

import catalogue
import common

REJECTION = 'readonly: puts are rejected'


def p4p_value(spec):
    """A catalogue entry (type, value) as a p4p Value."""
    type_spec, value = spec
    return Value(Type(type_spec[2], id=type_spec[1]), value)


def shared(name, spec):
    """A PV that takes puts as they come, except `readonly`, which refuses them."""
    pv = SharedPV(initial=p4p_value(spec))

    @pv.put
    def on_put(pv, op):
        if name == 'readonly':
            op.done(error=REJECTION)
            return
        pv.post(op.value())
        op.done()
    return pv


def adder():
    """The RPC PV `add`: an NTURI request with query {a, b} gets an NTScalar double a + b."""
    pv = SharedPV(initial=p4p_value(catalogue.nt_scalar('d', 0.0)))

    @pv.rpc
    def on_rpc(pv, op):
        query = op.value()['query']
        op.done(p4p_value(catalogue.nt_scalar('d', float(query['a']) + float(query['b']))))
    return pv


def main():
    args, specs = common.server_args(__doc__)
    pvs = {name: shared(name, spec) for name, spec in specs.items()}
    pvs['add'] = adder()
    counter = pvs.get('counter')

    def burst(n):
        start = counter.current()['value']
        counter_type = counter.current().type()
        for i in range(1, int(n) + 1):
            counter.post(counter_type({'value': start + i}))
        return start + int(n)

    server = Server(providers=[{args.prefix + name: pv for name, pv in pvs.items()}],
                    conf=common.epics_conf(), useenv=False)
    try:
        conf = server.conf()
        common.serve({'tcp_port': int(conf['EPICS_PVAS_SERVER_PORT']), 'udp_port': int(conf['EPICS_PVAS_BROADCAST_PORT']),
                      'prefix': args.prefix, 'pvs': sorted(pvs)}, {'burst': burst})
    finally:
        server.stop()


if __name__ == '__main__':
    main()
