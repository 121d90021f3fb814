/**
 * Server-side discovery over loopback: search replies, sharing one UDP port between two
 * responders through the local multicast group, robustness against junk, a real p4p client,
 * and beacons.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { Reader } from "../../../protocol/pvdata/reader.ts";
import { configFromEnv, type PvaConfig } from "../../../protocol/pva/config.ts";
import { encodeMessage } from "../../../protocol/pva/frame.ts";
import { Command, HEADER_SIZE, isLittleEndian, readHeader } from "../../../protocol/pva/header.ts";
import {
  readBeacon,
  SearchFlag,
  writeOriginTag,
  writeSearchRequest,
} from "../../../protocol/pva/messages/discovery.ts";
import { SearchResponder } from "../../../protocol/pva/server/discovery.ts";
import { datagram, LOCAL_MULTICAST_GROUP } from "../../../protocol/pva/udp.ts";
import { beaconDestinations, BeaconEmitter, newGuid } from "../../../protocol/pva/server/beacon.ts";
import { searchDatagram, UdpPeer } from "../../support/udp_peer.ts";
import { within } from "../../support/within.ts";
import { peerPython, requirePeers } from "../../interop/peers.ts";

const TCP_PORT = 5999;

/** A loopback-only configuration with the given UDP port (0: a free one). */
function loopbackConfig(port: number, overrides: Partial<PvaConfig> = {}): PvaConfig {
  return configFromEnv({}, { broadcastPort: port, interfaces: ["0.0.0.0"], ...overrides });
}

/** Starts a responder claiming `names`; errors it reports are collected in `errors`. */
function startResponder(names: string[], port = 0, guid = newGuid(), errors: Error[] = []) {
  return SearchResponder.start({
    config: loopbackConfig(port),
    guid,
    tcpPort: () => TCP_PORT,
    claims: (name) => names.includes(name),
    onError: (e) => errors.push(e),
  });
}

Deno.test("responder: claimed names are answered with our GUID, TCP port and their ids", async () => {
  const guid = newGuid();
  const responder = await startResponder(["a:one", "a:two"], 0, guid);
  const client = new UdpPeer();
  try {
    await client.search(responder.port, {
      sequenceId: 41,
      channels: [{ id: 1, name: "a:one" }, { id: 2, name: "other" }, { id: 3, name: "a:two" }],
    });
    const reply = await client.reply();
    assert.deepEqual(reply.guid, guid);
    assert.equal(reply.sequenceId, 41);
    assert.equal(reply.serverAddress, null);
    assert.equal(reply.serverPort, TCP_PORT);
    assert.equal(reply.protocol, "tcp");
    assert.equal(reply.found, true);
    assert.deepEqual(reply.ids, [1, 3]);
    assert.equal(reply.littleEndian, false, "replies are big-endian like pvxs");

    // A little-endian search with an explicit reply address is answered too.
    await client.search(responder.port, {
      sequenceId: 42,
      replyAddress: "127.0.0.1",
      protocols: [],
      channels: [{ id: 9, name: "a:two" }],
    }, true);
    const le = await client.reply();
    assert.equal(le.sequenceId, 42);
    assert.deepEqual(le.ids, [9]);
  } finally {
    client.close();
    responder.close();
  }
});

Deno.test("responder: the must-reply ping gets found=0, other unclaimed searches get nothing", async () => {
  const responder = await startResponder(["a:one"]);
  const client = new UdpPeer();
  try {
    await client.search(responder.port, { sequenceId: 1, flags: SearchFlag.MUST_REPLY, protocols: [] });
    const ping = await client.reply();
    assert.equal(ping.sequenceId, 1);
    assert.equal(ping.found, false);
    assert.deepEqual(ping.ids, []);
    assert.equal(ping.serverPort, TCP_PORT);

    // Datagrams on one socket are handled in order: if any of these were answered, its
    // reply would arrive before the reply to the last search.
    await client.search(responder.port, { sequenceId: 2, channels: [{ id: 1, name: "nobody" }] });
    await client.search(responder.port, {
      sequenceId: 3,
      protocols: ["tls"],
      channels: [{ id: 1, name: "a:one" }],
    });
    await client.search(responder.port, {
      sequenceId: 4,
      flags: SearchFlag.MUST_REPLY,
      protocols: ["tls"],
    });
    await client.search(responder.port, { sequenceId: 5, channels: [{ id: 7, name: "a:one" }] });
    const next = await client.reply();
    assert.equal(next.sequenceId, 5);
    assert.deepEqual(next.ids, [7]);
  } finally {
    client.close();
    responder.close();
  }
});

Deno.test("responder: two servers share one UDP port; unicast searches reach both via 224.0.0.128", async () => {
  const errors: Error[] = [];
  const guidA = newGuid();
  const guidB = newGuid();
  const a = await startResponder(["a:pv"], 0, guidA, errors);
  const b = await startResponder(["b:pv"], a.port, guidB, errors);
  const client = new UdpPeer();
  const hex = (g: Uint8Array) => g.toHex();
  try {
    assert.equal(b.port, a.port);
    // Sent unicast, each search reaches only one of the two sockets bound to the port; the
    // other responder can only answer if the search was forwarded to the group.
    for (
      const [name, guid] of [["a:pv", guidA], ["b:pv", guidB], ["a:pv", guidA], ["b:pv", guidB]] as const
    ) {
      await client.search(a.port, { sequenceId: 10, flags: SearchFlag.UNICAST, channels: [{ id: 5, name }] });
      const reply = await client.reply();
      assert.equal(hex(reply.guid), hex(guid), `reply for ${name}`);
      assert.deepEqual(reply.ids, [5]);
    }

    // A unicast ping is answered exactly once by each server.
    await client.search(a.port, {
      sequenceId: 20,
      flags: SearchFlag.UNICAST | SearchFlag.MUST_REPLY,
      protocols: [],
    });
    const pings = [await client.reply(), await client.reply()];
    assert.deepEqual(new Set(pings.map((r) => hex(r.guid))), new Set([hex(guidA), hex(guidB)]));
    assert.ok(pings.every((r) => r.sequenceId === 20 && !r.found));
    await client.search(a.port, {
      sequenceId: 21,
      flags: SearchFlag.UNICAST,
      channels: [{ id: 6, name: "b:pv" }],
    });
    const after = await client.reply();
    assert.equal(after.sequenceId, 21, "no duplicate replies to the ping");
    assert.deepEqual(errors, []);
  } finally {
    client.close();
    a.close();
    b.close();
  }
});

Deno.test("responder: an ORIGIN_TAG is honoured only when it arrives through the group", async () => {
  const responder = await startResponder(["a:pv"]);
  const client = new UdpPeer();
  const tagged = (sequenceId: number) =>
    datagram(
      encodeMessage(Command.ORIGIN_TAG, "client", false, (w) => writeOriginTag(w, { address: null })),
      encodeMessage(Command.SEARCH, "client", true, (w) =>
        writeSearchRequest(w, {
          sequenceId,
          flags: 0,
          replyAddress: "127.0.0.1",
          replyPort: client.port,
          protocols: ["tcp"],
          channels: [{ id: 3, name: "a:pv" }],
        })),
    );
  try {
    await client.send(tagged(1), responder.port);
    await client.send(tagged(2), responder.port, LOCAL_MULTICAST_GROUP);
    const reply = await client.reply();
    assert.equal(reply.sequenceId, 2, "the tagged datagram sent unicast was ignored");
    assert.deepEqual(reply.ids, [3]);
  } finally {
    client.close();
    responder.close();
  }
});

Deno.test("responder: a responder bound to 127.0.0.1 forwards and answers unicast searches", async () => {
  const guid = newGuid();
  const responder = await SearchResponder.start({
    config: loopbackConfig(0, { interfaces: ["127.0.0.1"] }),
    guid,
    tcpPort: () => TCP_PORT,
    claims: (name) => name === "lo:pv",
  });
  const client = new UdpPeer();
  try {
    await client.search(responder.port, {
      sequenceId: 3,
      flags: SearchFlag.UNICAST,
      channels: [{ id: 1, name: "lo:pv" }],
    });
    const reply = await client.reply();
    assert.deepEqual(reply.guid, guid);
    assert.deepEqual(reply.ids, [1]);
  } finally {
    client.close();
    responder.close();
  }
});

/** A raw message: header fields as given, payload as given. */
function raw(
  flags: number,
  command: number,
  payload: Uint8Array,
  size = payload.length,
  version = 2,
): Uint8Array {
  const out = new Uint8Array(HEADER_SIZE + payload.length);
  out.set([0xca, version, flags, command]);
  new DataView(out.buffer).setUint32(4, size, false);
  out.set(payload, HEADER_SIZE);
  return out;
}

Deno.test("responder: malformed datagrams are counted and ignored, the responder keeps answering", async () => {
  const errors: Error[] = [];
  const responder = await startResponder(["a:pv"], 0, newGuid(), errors);
  const client = new UdpPeer();
  const valid = (sequenceId: number) =>
    searchDatagram({ sequenceId, replyPort: client.port, channels: [{ id: 1, name: "a:pv" }] });
  const validPayload = valid(0).subarray(HEADER_SIZE);
  const junk = [
    new Uint8Array([0xca, 2, 0x80]), // shorter than a header
    raw(0x80, Command.SEARCH, validPayload).map((b, i) => i === 0 ? 0xcb : b), // bad magic
    raw(0x80, Command.SEARCH, validPayload, validPayload.length, 0), // version 0
    raw(0x81, Command.SEARCH, validPayload), // control flag
    raw(0x90, Command.SEARCH, validPayload), // segment flag
    raw(0x80, Command.SEARCH, validPayload, validPayload.length + 1), // size past the datagram
    raw(0x80, Command.SEARCH, validPayload.subarray(0, 30)), // body cut short
    raw(
      0x80,
      Command.SEARCH,
      new Uint8Array([...validPayload.subarray(0, 26), 0xfe, 0xff, 0xff, 0xff, 0xff]),
    ), // protocol count
    raw(0x80, Command.SEARCH, new Uint8Array([...validPayload.subarray(0, 26), 0, 0xff, 0xff])), // channel count
    new Uint8Array([...valid(0), 0xca, 2, 0]), // a valid message followed by a partial header
  ];
  // Random bodies behind a valid header, from the loopback sender (reply address unset) and
  // without must-reply, so that nothing they might decode to is answered off this host.
  const fuzzed = fc.sample(
    fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 80 })),
    { numRuns: 300, seed: 7 },
  ).map(([littleEndian, flags, tail]) => {
    const payload = new Uint8Array([
      0,
      0,
      0,
      1,
      flags & ~SearchFlag.MUST_REPLY,
      0,
      0,
      0,
      ...new Uint8Array(16),
      ...tail,
    ]);
    const bytes = raw(littleEndian ? 0 : 0x80, Command.SEARCH, payload);
    if (littleEndian) new DataView(bytes.buffer).setUint32(4, payload.length, true);
    return bytes;
  });
  try {
    for (const bytes of junk) await client.send(bytes, responder.port);
    await client.send(valid(1), responder.port);
    assert.equal((await client.reply()).sequenceId, 1);
    assert.equal(responder.malformed, junk.length);
    // In batches, so that the socket's receive buffer never overflows.
    for (let i = 0; i < fuzzed.length; i += 50) {
      for (const bytes of fuzzed.slice(i, i + 50)) await client.send(bytes, responder.port);
      await client.send(valid(100 + i), responder.port);
      assert.equal((await client.reply()).sequenceId, 100 + i);
    }
    assert.ok(responder.malformed > junk.length, `malformed count ${responder.malformed}`);
    assert.deepEqual(errors, []);
  } finally {
    client.close();
    responder.close();
  }
});

const P4P_GET = `
import sys
from p4p.client.thread import Context
ctx = Context('pva', conf={'EPICS_PVA_ADDR_LIST': '127.0.0.1', 'EPICS_PVA_AUTO_ADDR_LIST': 'NO',
                           'EPICS_PVA_BROADCAST_PORT': sys.argv[1]}, useenv=False)
try:
    ctx.get(sys.argv[2], timeout=8)
except Exception as e:
    print(type(e).__name__, e)
`;

Deno.test({
  name: "responder: a real p4p client finds our name and connects to the advertised TCP port",
  ignore: !requirePeers("the p4p discovery test"),
}, async () => {
  const tcp = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const searched: string[] = [];
  const responder = await SearchResponder.start({
    config: loopbackConfig(0),
    guid: newGuid(),
    tcpPort: () => (tcp.addr as Deno.NetAddr).port,
    claims: (name) => {
      searched.push(name);
      return name === "pvastream:discovery:test";
    },
  });
  const child = new Deno.Command(peerPython()!, {
    args: ["-c", P4P_GET, String(responder.port), "pvastream:discovery:test"],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    // p4p searches unicast to 127.0.0.1, so the search also went through the local group.
    const conn = await within(tcp.accept(), 8000, "p4p to connect");
    assert.equal((conn.remoteAddr as Deno.NetAddr).hostname, "127.0.0.1");
    conn.close();
    assert.ok(searched.includes("pvastream:discovery:test"), `searched: ${searched}`);
  } finally {
    child.kill("SIGKILL");
    await child.output();
    tcp.close();
    responder.close();
  }
});

/** Receives beacons on a loopback socket; each with its arrival time. */
async function receiveBeacons(socket: Deno.DatagramConn, count: number, ms: number) {
  const beacons = [];
  for (let i = 0; i < count; i++) {
    const [bytes] = await within(socket.receive(), ms, `beacon ${i + 1}`);
    const header = readHeader(bytes, 0);
    assert.equal(header.command, Command.BEACON);
    assert.equal(isLittleEndian(header), false);
    beacons.push({ at: performance.now(), ...readBeacon(new Reader(bytes.subarray(HEADER_SIZE), false)) });
  }
  return beacons;
}

Deno.test("beacons: carry GUID and TCP port, a short burst and then the long period", async () => {
  const socket = Deno.listenDatagram({ hostname: "127.0.0.1", port: 0, transport: "udp" });
  const port = (socket.addr as Deno.NetAddr).port;
  const guid = newGuid();
  const config = configFromEnv({
    EPICS_PVAS_BEACON_ADDR_LIST: `127.0.0.1:${port}`,
    EPICS_PVA_AUTO_ADDR_LIST: "NO",
  });
  const started = performance.now();
  const emitter = BeaconEmitter.start({
    config,
    guid,
    tcpPort: () => TCP_PORT,
    shortPeriodMs: 50,
    longPeriodMs: 1000,
    shortCount: 3,
  });
  try {
    const burst = await receiveBeacons(socket, 4, 2000);
    emitter.bumpChangeCount();
    const [late] = await receiveBeacons(socket, 1, 3000);
    assert.ok(burst[0].at - started < 500, "the first beacon goes at once");
    for (const b of [...burst, late]) {
      assert.deepEqual(b.guid, guid);
      assert.equal(b.serverPort, TCP_PORT);
      assert.equal(b.serverAddress, null);
      assert.equal(b.protocol, "tcp");
      assert.equal(b.status, null);
    }
    assert.deepEqual([...burst, late].map((b) => b.sequence), [0, 1, 2, 3, 4]);
    assert.deepEqual([...burst, late].map((b) => b.changeCount), [0, 0, 0, 0, 1]);
    // Timers fire late under load, never early: the burst gaps stay far below the long period.
    for (let i = 1; i < burst.length; i++) assert.ok(burst[i].at - burst[i - 1].at < 500, `burst gap ${i}`);
    assert.ok(late.at - burst[3].at >= 900, `long gap ${late.at - burst[3].at}`);
  } finally {
    emitter.close();
    socket.close();
  }
});

Deno.test("beacons: the sequence number wraps at 256", async () => {
  const socket = Deno.listenDatagram({ hostname: "127.0.0.1", port: 0, transport: "udp" });
  const port = (socket.addr as Deno.NetAddr).port;
  const emitter = BeaconEmitter.start({
    config: configFromEnv({ EPICS_PVA_ADDR_LIST: `127.0.0.1:${port}`, EPICS_PVA_AUTO_ADDR_LIST: "NO" }),
    guid: newGuid(),
    tcpPort: () => TCP_PORT,
    shortPeriodMs: 1,
    shortCount: 300,
  });
  try {
    const beacons = await receiveBeacons(socket, 258, 2000);
    assert.deepEqual(beacons.slice(254).map((b) => b.sequence), [254, 255, 0, 1]);
  } finally {
    emitter.close();
    socket.close();
  }
});

Deno.test("beaconDestinations: beacon list (else address list) with default port, plus broadcasts when auto", () => {
  const listed = configFromEnv({
    EPICS_PVA_ADDR_LIST: "10.1.1.1",
    EPICS_PVAS_BEACON_ADDR_LIST: "10.0.0.1 10.0.0.2:6000 10.0.0.1",
    EPICS_PVA_AUTO_ADDR_LIST: "NO",
    EPICS_PVA_BROADCAST_PORT: "5999",
  });
  assert.deepEqual(beaconDestinations(listed), [{ hostname: "10.0.0.1", port: 5999 }, {
    hostname: "10.0.0.2",
    port: 6000,
  }]);
  const fallback = configFromEnv({ EPICS_PVA_ADDR_LIST: "10.1.1.1", EPICS_PVA_AUTO_ADDR_LIST: "NO" });
  assert.deepEqual(beaconDestinations(fallback), [{ hostname: "10.1.1.1", port: 5076 }]);

  // The automatic part: the directed broadcast of every non-loopback IPv4 interface.
  const expected = Deno.networkInterfaces()
    .filter((i) => i.family === "IPv4" && !i.address.startsWith("127.") && i.netmask !== "255.255.255.255")
    .map((i) => {
      const a = i.address.split(".").map(Number);
      const m = i.netmask.split(".").map(Number);
      return { hostname: a.map((x, k) => x | (~m[k] & 0xff)).join("."), port: 5076 };
    });
  const auto = configFromEnv({ EPICS_PVA_AUTO_ADDR_LIST: "YES" });
  assert.deepEqual(beaconDestinations(auto), expected);
});
