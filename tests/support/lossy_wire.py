"""A lossy, slow wire between two network interfaces, in user space: what `tc netem loss N% delay Dms`
does, for kernels built without netem (CONFIG_NET_SCH_NETEM). tests/support/netns.ts runs it inside a lab's
bridge namespace, between a host's veth and a veth whose other end is on the bridge.

Usage: lossy_wire.py IF_A IF_B LOSS_PERCENT DELAY_MS. Every Ethernet frame that arrives on one interface is
dropped with probability LOSS_PERCENT/100, or else sent out of the other DELAY_MS later. Frames are read
and written with their virtio-net header (PACKET_VNET_HDR), so the kernel's segmentation and checksum
offloads pass through unchanged: one read can be a TCP super-packet, which is then lost or delayed whole.
Prints READY once both sockets are bound; runs until killed.
"""

import heapq
import random
import select
import socket
import sys
import time

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_VNET_HDR = 15
PACKET_OUTGOING = 4
# virtio-net header plus the largest GSO packet plus an Ethernet header, with room to spare.
MAX_READ = 10 + 65536 + 1024


def bound(name):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
    s.bind((name, ETH_P_ALL))
    s.setblocking(False)
    return s


def main():
    name_a, name_b, loss, delay_ms = sys.argv[1], sys.argv[2], float(sys.argv[3]) / 100, float(sys.argv[4])
    a, b = bound(name_a), bound(name_b)
    other = {a: b, b: a}
    due = []  # (when, sequence, socket to send on, bytes)
    sequence = 0
    print('READY', flush=True)
    while True:
        timeout = max(0.0, due[0][0] - time.monotonic()) if due else None
        readable, _, _ = select.select([a, b], [], [], timeout)
        for s in readable:
            while True:
                try:
                    data, address = s.recvfrom(MAX_READ)
                except BlockingIOError:
                    break
                if address[2] == PACKET_OUTGOING or random.random() < loss:
                    continue
                sequence += 1
                heapq.heappush(due, (time.monotonic() + delay_ms / 1000, sequence, other[s], data))
        now = time.monotonic()
        while due and due[0][0] <= now:
            _, _, s, data = heapq.heappop(due)
            try:
                s.send(data)
            except OSError:
                pass  # the link is cut (interface down): the frame is lost, as on a real wire


if __name__ == '__main__':
    main()
