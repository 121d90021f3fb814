"""Frame source for the alignment measurement: one NTNDArray PV `bench:frames` on p4p or pvapy, posting a
new frame (next uniqueId) every few milliseconds. Usage: frame_source.py p4p|pvapy uint8|uint16|float32 SIDE PORT.
Prints READY <port>; runs until stdin closes."""
import os
import sys
import threading
import time

import numpy as np

peer, dtype, side, port = sys.argv[1], np.dtype(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
frames = [np.full((side, side), k, dtype=dtype) for k in (1, 2)]
conf = {"EPICS_PVAS_INTF_ADDR_LIST": "127.0.0.1", "EPICS_PVAS_SERVER_PORT": port, "EPICS_PVA_SERVER_PORT": port,
        "EPICS_PVAS_BROADCAST_PORT": "0", "EPICS_PVA_BROADCAST_PORT": "0", "EPICS_PVA_AUTO_ADDR_LIST": "NO",
        "EPICS_PVA_ADDR_LIST": "", "EPICS_PVAS_AUTO_BEACON_ADDR_LIST": "NO", "EPICS_PVAS_BEACON_ADDR_LIST": ""}
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()

if peer == "p4p":
    from p4p.nt import NTNDArray
    from p4p.server import Server
    from p4p.server.thread import SharedPV

    nt = NTNDArray()
    pv = SharedPV(initial=nt.wrap(frames[0]))
    with Server(providers=[{"bench:frames": pv}], conf=conf, useenv=False):
        print("READY", port, flush=True)
        i = 0
        while not stop.is_set():
            i += 1
            v = nt.wrap(frames[i & 1])
            v["uniqueId"] = i
            pv.post(v)
            time.sleep(0.005)
else:
    os.environ.update(conf)
    import pvaccess as pva

    field = {"uint8": "ubyteValue", "uint16": "ushortValue", "float32": "floatValue"}[dtype.name]
    server = pva.PvaServer()
    obj = pva.NtNdArray()
    obj["dimension"] = [pva.PvDimension(side, 0, side, 1, False), pva.PvDimension(side, 0, side, 1, False)]
    obj["value"] = {field: frames[0].ravel()}
    server.addRecord("bench:frames", obj)
    print("READY", port, flush=True)
    i = 0
    while not stop.is_set():
        i += 1
        obj["uniqueId"] = i
        obj["value"] = {field: frames[i & 1].ravel()}
        server.update("bench:frames", obj)
        time.sleep(0.005)
    server.stop()
