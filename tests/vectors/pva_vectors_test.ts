/**
 * Real traffic: every pvAccess message in the shared packet captures decodes at the header
 * and pvData level, to its exact end, and the types and values of senders that did not use
 * the type cache re-encode to the received bytes.
 */
import assert from "node:assert/strict";
import { Command, Flag, headerBytes } from "../../protocol/pva/header.ts";
import type { Packet } from "../support/frames.ts";
import { readPcapng } from "../support/pcapng.ts";
import { walkCapture } from "../support/pva_walk.ts";

// The captures live in `shared/` beside the repository, wherever it is cloned.
const VECTORS = new URL("../../../shared/vectors/", import.meta.url);
const vector = (name: string) => readPcapng(Deno.readFileSync(new URL(name, VECTORS)));
// The ca_* captures are Channel Access, not pvAccess.
const PVA_CAPTURES = [...Deno.readDirSync(VECTORS)].map((e) => e.name).filter((n) =>
  /^pv(a|xs)-.*\.pcap/.test(n)
)
  .sort();

Deno.test("vectors: every pvAccess message of every capture decodes and re-encodes", async (t) => {
  assert.ok(PVA_CAPTURES.length >= 8, `only ${PVA_CAPTURES.length} pvAccess captures in ${VECTORS}`);
  for (const name of PVA_CAPTURES) {
    await t.step(name, () => {
      const report = walkCapture(vector(name));
      assert.deepEqual(report.failures, []);
      const decoded = Object.values(report.counts).reduce((a, b) => a + b, 0);
      assert.ok(decoded > 0, `${name}: no message decoded`);
    });
  }
});

Deno.test("vectors: the operations the README lists are all met", () => {
  const ops = walkCapture(vector("pva-ops.pcapng"));
  for (
    const command of ["SEARCH", "SEARCH_RESPONSE", "GET_FIELD", "GET", "PUT", "MONITOR", "DESTROY_REQUEST"]
  ) {
    assert.ok(ops.counts[command] > 0, `pva-ops: no ${command}`);
  }
  assert.ok(walkCapture(vector("pvxs-monitor.pcapng.gz")).counts.BEACON > 0);
  assert.equal(walkCapture(vector("pva-put-error.pcapng.gz")).counts.PUT, 1);
});

Deno.test("vectors: values from pvxs and from uncached pvAccessCPP messages re-encode", () => {
  for (
    const name of [
      "pva-ops.pcapng",
      "pva-monitor.pcapng.gz",
      "pvxs-monitor.pcapng.gz",
      "pva-v2-monitor-pipeline.pcapng",
    ]
  ) {
    assert.ok(walkCapture(vector(name)).reencoded > 0, `${name}: nothing re-encoded`);
  }
});

Deno.test("vectors: a corrupted type in a real capture is caught", () => {
  const packets = vector("pvxs-monitor.pcapng.gz").map((p) => ({ ...p, payload: p.payload.slice() }));
  // The monitor INIT reply declares `value` as uint32 (0x26); make it uint64.
  const marker = [5, ..."value"].map((c) => typeof c === "number" ? c : c.charCodeAt(0)).concat(0x26);
  const hit = packets.find((p) => indexOf(p.payload, marker) >= 0);
  assert.ok(hit, "no uint32 value field in the capture");
  hit.payload[indexOf(hit.payload, marker) + marker.length - 1] = 0x27;
  assert.notDeepEqual(walkCapture(packets).failures, []);
});

function indexOf(bytes: Uint8Array, needle: number[]): number {
  for (let i = 0; i + needle.length <= bytes.length; i++) {
    if (needle.every((b, k) => bytes[i + k] === b)) return i;
  }
  return -1;
}

// ---- The walker's own checks, on hand-made datagrams and segments ----

function packet(proto: "udp" | "tcp", flags: number, command: number, payload: number[]): Packet {
  const bytes = new Uint8Array([
    ...headerBytes({ version: 2, flags, command, payloadSize: payload.length }),
    ...payload,
  ]);
  return {
    time: 0,
    src: "10.0.0.2",
    dst: "10.0.0.1",
    srcPort: 5075,
    dstPort: 5076,
    proto,
    seq: 1,
    payload: bytes,
  };
}

/** A beacon whose server status is the FieldDesc and value bytes given. */
function beacon(status: number[]): Packet {
  const tcp = [3, ..."tcp"].map((c) => typeof c === "number" ? c : c.charCodeAt(0));
  const body = [...new Array(12 + 4 + 16).fill(0), 0x9b, 0x13, ...tcp, ...status];
  return packet("udp", Flag.FROM_SERVER, Command.BEACON, body);
}

Deno.test("walkCapture: re-encodes uncached values and reports differences", () => {
  // The message layer reads and writes the whole beacon, server status included.
  const ok = walkCapture([beacon([0x00, 0x01])]);
  assert.deepEqual([ok.failures, ok.counts, ok.reencoded], [[], { BEACON: 1 }, 1]);
  // A bool sent as 2 reads as true, which encodes as 1.
  assert.match(
    walkCapture([beacon([0x00, 0x02])]).failures.join(),
    /re-encode differs: beacon at 0: received [0-9a-f ]* 00 02, re-encoded [0-9a-f ]* 00 01$/,
  );
  // The same through the type cache is not compared: cache definitions cannot be reproduced.
  const cached = walkCapture([beacon([0xfd, 1, 0, 0x00, 0x02])]);
  assert.deepEqual([cached.failures, cached.reencoded], [[], 0]);
});

Deno.test("walkCapture: reports leftovers, bad types, unknown commands, missing INITs, wrong directions", () => {
  const cases: [Packet, RegExp][] = [
    [beacon([0xff, 0x00]), /1 bytes left/],
    [beacon([0xe0]), /unknown type code 0xe0/],
    [packet("udp", Flag.FROM_SERVER, Command.AUTHNZ, []), /no decoder/],
    [
      packet("tcp", Flag.FROM_SERVER, Command.MONITOR, [7, 0, 0, 0, 0, 1, 1, 0]),
      /ioid 7 was never initialised/,
    ],
    [packet("tcp", 0, Command.ECHO, []), /direction flag/],
  ];
  for (const [p, reason] of cases) {
    const report = walkCapture([p]);
    assert.equal(report.failures.length, 1, report.failures.join("\n"));
    assert.match(report.failures[0], reason);
  }
});

/** A little-endian search for no channels whose reply address is the 16 bytes given. */
function search(address: number[]): Packet {
  const tcp = [3, ..."tcp"].map((c) => typeof c === "number" ? c : c.charCodeAt(0));
  return packet("udp", 0, Command.SEARCH, [
    1,
    0,
    0,
    0,
    0x80,
    0,
    0,
    0,
    ...address,
    0x9f,
    0x46,
    1,
    ...tcp,
    0,
    0,
  ]);
}

Deno.test("walkCapture: both spellings of the unspecified address re-encode; IPv6 cannot be written", () => {
  const zeros = new Array(16).fill(0);
  const mapped = [...new Array(10).fill(0), 0xff, 0xff, 0, 0, 0, 0];
  for (const address of [zeros, mapped]) {
    const report = walkCapture([search(address)]);
    assert.deepEqual([report.failures, report.reencoded], [[], 1]);
  }
  const ipv6 = [0xfe, 0x80, ...new Array(13).fill(0), 1];
  assert.match(
    walkCapture([search(ipv6)]).failures.join(),
    /search at 0: cannot re-encode: not an IPv4 address/,
  );
});
