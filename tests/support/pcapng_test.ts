import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { LinkType, TcpFlag } from "./frames.ts";
import { type Packet, readPcapng, tcpStreams } from "./pcapng.ts";

const VECTORS = new URL("../../../shared/vectors/", import.meta.url);
const vector = (name: string) => Deno.readFileSync(new URL(name, VECTORS));
const captures = [...Deno.readDirSync(VECTORS)].map((e) => e.name).filter((n) => n.includes(".pcap")).sort();

// ---- Building small captures by hand (the vectors hold one byte order and no VLAN tags) ----

function block(type: number, body: number[], le: boolean): number[] {
  const padded = [...body, ...new Array((4 - body.length % 4) % 4).fill(0)];
  const out = new Uint8Array(12 + padded.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, type, le);
  v.setUint32(4, out.length, le);
  out.set(padded, 8);
  v.setUint32(out.length - 4, out.length, le);
  return [...out];
}

function numbers(le: boolean, ...fields: [bytes: 1 | 2 | 4, value: number][]): number[] {
  const out: number[] = [];
  for (const [n, value] of fields) {
    const b = new DataView(new ArrayBuffer(n));
    if (n === 1) b.setUint8(0, value);
    else if (n === 2) b.setUint16(0, value, le);
    else b.setUint32(0, value, le);
    out.push(...new Uint8Array(b.buffer));
  }
  return out;
}

function section(le: boolean): number[] {
  return block(
    0x0a0d0d0a,
    numbers(le, [4, 0x1a2b3c4d], [2, 1], [2, 0], [4, 0xffffffff], [4, 0xffffffff]),
    le,
  );
}

/** An interface with a timestamp resolution of 10^-3 s. */
function iface(le: boolean, linkType: number): number[] {
  return block(
    1,
    numbers(le, [2, linkType], [2, 0], [4, 0], [2, 9], [2, 1], [1, 3], [1, 0], [2, 0], [2, 0], [2, 0]),
    le,
  );
}

function enhanced(le: boolean, frame: number[], millis: number): number[] {
  return block(6, [
    ...numbers(le, [4, 0], [4, 0], [4, millis], [4, frame.length], [4, frame.length]),
    ...frame,
  ], le);
}

/** An IPv4 packet 10.0.0.1 → 10.0.0.2 holding a UDP datagram or a TCP segment. */
function ipv4(proto: "udp" | "tcp", payload: number[], seq = 0, flags: number = TcpFlag.ACK): number[] {
  const ports = numbers(false, [2, 1234], [2, 5075]);
  const transport = proto === "udp"
    ? [...ports, ...numbers(false, [2, 8 + payload.length], [2, 0]), ...payload]
    : [...ports, ...numbers(false, [4, seq], [4, 0], [1, 0x50], [1, flags], [2, 0], [4, 0]), ...payload];
  const total = 20 + transport.length;
  return [
    0x45,
    0,
    ...numbers(false, [2, total]),
    0,
    0,
    0,
    0,
    64,
    proto === "udp" ? 17 : 6,
    0,
    0,
    10,
    0,
    0,
    1,
    10,
    0,
    0,
    2,
    ...transport,
  ];
}

const ethernet = (ip: number[], vlan: boolean) => [
  ...new Array(12).fill(0),
  ...(vlan ? [0x81, 0x00, 0, 5] : []),
  0x08,
  0x00,
  ...ip,
];

// ---- Synthetic captures ----

Deno.test("pcapng: both byte orders, VLAN tags, Ethernet padding and timestamp resolution", () => {
  for (const le of [true, false]) {
    const padded = [...ethernet(ipv4("udp", [7, 8, 9]), true), 0, 0, 0, 0];
    const bytes = [...section(le), ...iface(le, LinkType.ETHERNET), ...enhanced(le, padded, 1500)];
    const [p, ...rest] = readPcapng(new Uint8Array(bytes));
    assert.equal(rest.length, 0);
    assert.deepEqual({ ...p, payload: [...p.payload] }, {
      time: 1.5,
      src: "10.0.0.1",
      dst: "10.0.0.2",
      srcPort: 1234,
      dstPort: 5075,
      proto: "udp",
      payload: [7, 8, 9],
    });
  }
});

Deno.test("pcapng: raw IPv4 links, simple packet blocks, non-IP frames skipped", () => {
  const arp = [...new Array(12).fill(0), 0x08, 0x06, ...new Array(28).fill(0)];
  const bytes = [
    ...section(true),
    ...iface(true, LinkType.IPV4),
    ...block(3, [...numbers(true, [4, 44]), ...ipv4("tcp", [1, 2, 3, 4], 77)], true),
    ...section(true),
    ...iface(true, LinkType.ETHERNET),
    ...enhanced(true, arp, 0),
  ];
  const packets = readPcapng(new Uint8Array(bytes));
  assert.equal(packets.length, 1);
  assert.equal(packets[0].proto, "tcp");
  assert.equal(packets[0].seq, 77);
  assert.deepEqual([...packets[0].payload], [1, 2, 3, 4]);
});

Deno.test("pcapng: malformed input throws", () => {
  const good = [...section(true), ...iface(true, LinkType.ETHERNET)];
  assert.throws(() => readPcapng(new Uint8Array([...good, 6, 0, 0, 0, 13, 0, 0, 0])), /bad length/);
  assert.throws(() => readPcapng(new Uint8Array([...section(true), ...enhanced(true, [], 0)])), /undeclared/);
  assert.throws(
    () => readPcapng(new Uint8Array([...section(true), ...iface(true, 147), ...enhanced(true, [0], 0)])),
    /link type 147/,
  );
});

function segment(seq: number, payload: number[], flags: number = TcpFlag.ACK): Packet {
  const [p] = readPcapng(
    new Uint8Array([
      ...section(true),
      ...iface(true, LinkType.IPV4),
      ...enhanced(true, ipv4("tcp", payload, seq, flags), 0),
    ]),
  );
  return p;
}

Deno.test("tcpStreams: orders by sequence, drops retransmissions, trims overlaps, counts gaps", () => {
  const base = 0xfffffffe; // the stream wraps around 2^32
  const packets = [
    segment(base + 4, [4, 5]),
    segment(base, [0, 1]),
    segment(base + 2, [2, 3]),
    segment(base, [0, 1]),
    segment(base + 3, [3, 4, 5, 6]),
  ];
  const [s] = tcpStreams(packets);
  assert.deepEqual([...s.bytes], [0, 1, 2, 3, 4, 5, 6]);
  assert.equal(s.gaps, 0);
  assert.deepEqual(s.segments.map((x) => x.packet), [1, 2, 4]);
  const [holey] = tcpStreams([segment(10, [1]), segment(12, [3])]);
  assert.deepEqual([holey.bytes, holey.gaps], [new Uint8Array([1, 3]), 1]);
});

Deno.test("tcpStreams: the end that received the SYN is the server, whatever its port", () => {
  const syn = segment(99, [], TcpFlag.SYN);
  const client = { ...syn, src: "10.0.0.2", srcPort: 5075, dst: "10.0.0.1", dstPort: 1234 };
  const data = segment(100, [0xca, 2, 0, 1, 0, 0, 0, 0]);
  const [s] = tcpStreams([client, {
    ...data,
    src: client.src,
    srcPort: 5075,
    dst: client.dst,
    dstPort: 1234,
  }]);
  assert.equal(s.fromServer, false);
  assert.equal(s.bytes.length, 8);
});

// ---- The vectors ----

Deno.test("pcapng: every vector reads, gzip or not", () => {
  assert.ok(captures.length >= 11, `only ${captures.length} captures in ${VECTORS}`);
  for (const name of captures) {
    const packets = readPcapng(vector(name));
    assert.ok(packets.length > 0, name);
    // The captures were taken in 2015..2025: a wrong timestamp resolution would leave this range.
    for (const p of packets) assert.ok(p.time > 1.4e9 && p.time < 1.8e9, `${name}: time ${p.time}`);
  }
});

Deno.test("pcapng: gzip-compressed bytes read like the plain ones", () => {
  const plain = vector("pva-ops.pcapng");
  assert.deepEqual(readPcapng(new Uint8Array(gzipSync(plain))), readPcapng(plain));
});

Deno.test("pcapng: pva-ops holds the searches and four connections the README describes", () => {
  const packets = readPcapng(vector("pva-ops.pcapng"));
  assert.equal(packets.length, 110);
  const searches = packets.filter((p) => p.proto === "udp" && p.dstPort === 5076);
  assert.deepEqual(
    new Set(searches.map((p) => p.dst)),
    new Set(["127.0.0.1", "10.142.2.255", "224.0.0.128"]),
  );
  const streams = tcpStreams(packets);
  assert.equal(new Set(streams.map((s) => s.connection)).size, 4);
  for (const s of streams) {
    assert.equal(s.gaps, 0);
    assert.equal(s.fromServer ? s.srcPort : s.dstPort, 47906);
    // A PVA server opens with Set Byte Order (flags 0x41: server, control, little-endian).
    if (s.fromServer) assert.deepEqual([...s.bytes.subarray(0, 4)], [0xca, 1, 0x41, 2]);
  }
});

Deno.test("tcpStreams: server ends in every vector", () => {
  for (const name of captures) {
    for (const s of tcpStreams(readPcapng(vector(name)))) {
      assert.equal(s.gaps, 0, name);
      const pva = s.bytes[0] === 0xca;
      // Channel Access servers listen on 5064; a PVA message header carries the server flag 0x40.
      const expected = pva ? (s.bytes[2] & 0x40) !== 0 : s.srcPort === 5064;
      assert.equal(s.fromServer, expected, `${name} ${s.srcPort}>${s.dstPort}`);
    }
  }
});
