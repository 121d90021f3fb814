"""Benchmark source on p4p: one NTNDArray PV posting frames in a loop. Usage: p4p_source.py BYTES [DTYPE].
Prints READY <port>."""
import sys
import threading
import numpy as np
from p4p.nt import NTNDArray
from p4p.server import Server
from p4p.server.thread import SharedPV

nbytes = int(sys.argv[1])
dtype = np.dtype(sys.argv[2] if len(sys.argv) > 2 else "uint8")
side = int((nbytes // dtype.itemsize) ** 0.5)
frames = [np.full((side, side), k, dtype=dtype) for k in (1, 2)]
nt = NTNDArray()
pv = SharedPV(nt=nt, initial=frames[0])
conf = {"EPICS_PVAS_INTF_ADDR_LIST": "127.0.0.1", "EPICS_PVAS_SERVER_PORT": "0",
        "EPICS_PVAS_BROADCAST_PORT": "0", "EPICS_PVA_AUTO_ADDR_LIST": "NO", "EPICS_PVA_ADDR_LIST": ""}
with Server(providers=[{"bench:frame": pv}], conf=conf, useenv=False) as server:
    port = server.conf()["EPICS_PVAS_SERVER_PORT"]
    print("READY", port, flush=True)
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    i = 0
    while not stop.is_set():
        i += 1
        pv.post(frames[i & 1])
