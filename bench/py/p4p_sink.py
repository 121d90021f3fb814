"""Benchmark sink on p4p: monitors bench:frame through a name server for N seconds; prints JSON counts."""
import json
import sys
import time
from p4p.client.thread import Context

port, seconds, warmup = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
ctx = Context("pva", conf={"EPICS_PVA_NAME_SERVERS": "127.0.0.1:" + port, "EPICS_PVA_AUTO_ADDR_LIST": "NO",
                           "EPICS_PVA_ADDR_LIST": ""}, useenv=False)
counts = {"n": 0, "bytes": 0}
measuring = {"on": False}


def on_update(v):
    if measuring["on"]:
        counts["n"] += 1
        counts["bytes"] += v.nbytes


sub = ctx.monitor("bench:frame", on_update, request="record[pipeline=true,queueSize=4]")
time.sleep(warmup)
measuring["on"] = True
t0 = time.perf_counter()
time.sleep(seconds)
measuring["on"] = False
elapsed = time.perf_counter() - t0
sub.close()
print(json.dumps({"updates": counts["n"], "bytes": counts["bytes"], "seconds": elapsed}), flush=True)
