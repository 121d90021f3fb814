/**
 * The checks both client interop tests (p4p, pvapy) run with our PvaClient against a Python peer server
 * hosting tests/interop/py/catalogue.py. The expected values come from hosted.ts, our TypeScript copy of
 * the same catalogue, except where the two differ on purpose (alarm, image attributes: see below).
 *
 * @module
 */
import { expectConnected, expectData } from "../support/monitor_events.ts";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readNTNDArray } from "../../protocol/nt/mod.ts";
import { configFromEnv } from "../../protocol/pva/config.ts";
import { PvaClient, PvaRemoteError } from "../../protocol/pva/client/mod.ts";
import {
  ARRAY_CONSTRUCTORS,
  findField,
  isNumericType,
  type NumericArray,
  sameType,
  scalar,
  SCALAR_TYPES,
  struct,
  type StructValue,
  type Typed,
  type Value,
} from "../../protocol/pvdata/types.ts";
import { catalogue } from "./hosted.ts";
import { peerType, type PeerView } from "./peer_values.ts";
import { epicsEnv, freePorts, type LoopbackPorts, type PeerProcess, startPython } from "./peers.ts";

/** catalogue.py's alarm on every NT PV (hosted.ts uses another one to prove its own). */
const PEER_ALARM = { severity: 0, status: 0, message: "NO_ALARM" };

/** catalogue.py's image attributes (name → value); its integers reach us as int64 in both peers. */
const PEER_ATTRIBUTES: Record<string, [string, Value][]> = {
  "image:u16": [["ColorMode", 0n], ["Camera", "sim"]],
  "image:u8": [["ColorMode", 0n], ["Exposure", 0.25], ["Camera", "big"]],
};

let expectedPVs: Map<string, Typed> | undefined;

/** A catalogue PV as our TypeScript copy of the catalogue defines it. */
export function expected(name: string): Typed {
  expectedPVs ??= new Map(Object.entries(catalogue()).map(([n, pv]) => [n, pv.initial]));
  const pv = expectedPVs.get(name);
  assert.ok(pv, `${name} is not in hosted.ts`);
  return pv;
}

/** The sha256 of an array's bytes (little-endian on every host these tests run on). */
export function digest(a: NumericArray): string {
  return createHash("sha256").update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest("hex");
}

/** A peer server and our client that finds it by unicast search on loopback only. */
export class PeerSession {
  /** The peer process (stdin commands such as "burst N"). */
  server: PeerProcess;
  /** Our client. */
  readonly client: PvaClient;
  private readonly ports: LoopbackPorts;
  private readonly script: string;

  private constructor(script: string, server: PeerProcess, ports: LoopbackPorts) {
    this.script = script;
    this.server = server;
    this.ports = ports;
    this.client = new PvaClient({
      config: configFromEnv({}, {
        addrList: ["127.0.0.1"],
        autoAddrList: false,
        broadcastPort: Number(server.ready.udp_port),
        nameServers: [],
      }),
    });
  }

  /** Starts `script` (p4p_server.py or pvapy_server.py) on free loopback ports and a client for it. */
  static async start(script: string, args: string[] = []): Promise<PeerSession> {
    const ports = freePorts();
    return new PeerSession(script, await startPython(script, args, { env: epicsEnv(ports) }), ports);
  }

  /** Full PV name of a catalogue entry. */
  pv(name: string): string {
    return String(this.server.ready.prefix) + name;
  }

  /** Whether the server hosts `name`; a PV it cannot host must be listed, with a reason, as skipped. */
  hosts(name: string): boolean {
    if ((this.server.ready.pvs as string[]).includes(name)) return true;
    const skipped = (this.server.ready.skipped ?? {}) as Record<string, string>;
    assert.ok(skipped[name], `${this.script} neither hosts nor skips ${name}`);
    console.log(`${this.script} cannot host ${name}: ${skipped[name]}`);
    return false;
  }

  /** Stops the server and starts it again on the same ports with `args`. */
  async restart(args: string[]): Promise<void> {
    await this.server.close();
    this.server = await startPython(this.script, args, { env: epicsEnv(this.ports) });
  }

  /** Closes the client, then the server. */
  async close(): Promise<void> {
    this.client.close();
    await this.server.close();
  }
}

/** Our get of `name`: the whole type (as `view` sees types) and the value field equal the catalogue's. */
async function checkValue(s: PeerSession, name: string, view: PeerView): Promise<StructValue> {
  const want = expected(name);
  const got = await s.client.get(s.pv(name));
  assert.deepEqual(peerType(got.type, view), peerType(want.type, view), `${name}: type`);
  assert.deepEqual(got.value.value, (want.value as StructValue).value, `${name}: value`);
  return got.value;
}

/** NTScalar of every scalar type: exact value (bigint for 64-bit), alarm and time stamp. */
export async function checkScalars(s: PeerSession, view: PeerView): Promise<void> {
  for (const t of SCALAR_TYPES) {
    const name = `scalar:${t}`;
    if (!s.hosts(name)) continue;
    // Strict deepEqual: a 64-bit value must be a bigint, anything else a number.
    const got = await checkValue(s, name, view);
    assert.deepEqual(got.alarm, PEER_ALARM, `${name}: alarm`);
    assert.deepEqual(got.timeStamp, (expected(name).value as StructValue).timeStamp, `${name}: timeStamp`);
  }
}

/** NTScalarArray of every type (typed array of the right class), and the 1,000,000-element one by digest. */
export async function checkArrays(s: PeerSession, view: PeerView): Promise<void> {
  for (const t of SCALAR_TYPES) {
    const got = await checkValue(s, `array:${t}`, view);
    // deepEqual compares prototypes too; this names the class in the failure.
    if (isNumericType(t)) assert.ok(got.value instanceof ARRAY_CONSTRUCTORS[t], `array:${t} class`);
    else assert.ok(Array.isArray(got.value), `array:${t} is a plain array`);
  }
  const { value } = await s.client.get(s.pv("array:float64:big"), { request: "field(value)" });
  const want = (expected("array:float64:big").value as StructValue).value as Float64Array;
  assert.ok(value.value instanceof Float64Array);
  assert.equal(value.value.length, 1_000_000);
  assert.equal(digest(value.value), digest(want));
}

/**
 * NTEnum, NTTable, nested structure, union ({name, value} of the selected member), any ({type, value})
 * and structure array: whole type and value field.
 */
export async function checkStructured(s: PeerSession, view: PeerView): Promise<void> {
  for (const name of ["enum", "table", "nested", "union", "any", "structarray"]) {
    const got = await checkValue(s, name, view);
    if (name === "table") assert.deepEqual(got.labels, (expected(name).value as StructValue).labels);
  }
}

/** An extra PV (for `--spec`) whose structure array holds a null element. */
export const NULL_ELEMENTS = {
  "structarray:nulls": {
    type: ["S", null, [["value", ["aS", "point_t", [["x", "d"], ["y", "d"]]]]]],
    value: { value: [{ x: 1, y: 2 }, null, { x: 3, y: -4 }] },
  },
};

/** The structure array with a null element arrives with the null in place. */
export async function checkNullElements(s: PeerSession): Promise<void> {
  const { value } = await s.client.get(s.pv("structarray:nulls"));
  assert.deepEqual(value.value, NULL_ELEMENTS["structarray:nulls"].value.value);
}

/** The NTNDArray images read with readNTNDArray: dims, element type, data digest, attributes, metadata. */
export async function checkImages(s: PeerSession): Promise<void> {
  for (const name of ["image:u16", "image:u8"]) {
    const want = readNTNDArray(expected(name));
    const got = readNTNDArray(await s.client.get(s.pv(name)));
    assert.deepEqual(got.dims, want.dims, `${name}: dims`);
    assert.equal(got.elementType, want.elementType);
    assert.equal(got.data.constructor, want.data.constructor);
    assert.equal(got.data.length, want.data.length);
    assert.equal(digest(got.data), digest(want.data), `${name}: data`);
    assert.equal(got.uniqueId, want.uniqueId);
    assert.equal(got.codec.name, "");
    assert.equal(got.uncompressedSize, want.data.byteLength);
    assert.deepEqual(got.dataTimeStamp, want.timeStamp);
    assert.deepEqual([...got.attributes], PEER_ATTRIBUTES[name], `${name}: attributes`);
  }
}

/** info (GET_FIELD) answers with the type get reports. */
export async function checkInfo(s: PeerSession): Promise<void> {
  for (const name of ["scalar:float64", "array:uint64", "nested", "table", "image:u16"]) {
    const [type, got] = await Promise.all([s.client.info(s.pv(name)), s.client.get(s.pv(name))]);
    assert.ok(sameType(type, got.type), `${name}: info type differs from get type`);
  }
}

/** Puts of a scalar, a string, an array, an enum by choice name and a structure member, read back by get. */
export async function checkPuts(s: PeerSession): Promise<void> {
  const value = async (name: string) => (await s.client.get(s.pv(name))).value;

  await s.client.put(s.pv("put:float64"), 42.5);
  assert.equal((await value("put:float64")).value, 42.5);
  await s.client.put(s.pv("put:string"), "from pvastream");
  assert.equal((await value("put:string")).value, "from pvastream");

  await s.client.put(s.pv("array:int32"), [5, -6, 7]);
  assert.deepEqual((await value("array:int32")).value, new Int32Array([5, -6, 7]));
  await s.client.put(s.pv("array:uint64"), [2n ** 64n - 1n, 3n]);
  assert.deepEqual((await value("array:uint64")).value, new BigUint64Array([2n ** 64n - 1n, 3n]));

  await s.client.put(s.pv("enum"), "Fault");
  assert.deepEqual((await value("enum")).value, { index: 2, choices: ["Off", "On", "Fault"] });

  await s.client.put(s.pv("nested"), { "a.x": 7.5, "c.deep.z": 2n ** 64n - 1n });
  const before = expected("nested").value as { a: StructValue; b: number };
  assert.deepEqual(await value("nested"), {
    a: { x: 7.5, tags: before.a.tags },
    b: before.b,
    c: { deep: { z: 2n ** 64n - 1n } },
  });
}

/** A put the server refuses fails with PvaRemoteError carrying the server's own message. */
export async function checkRefusedPut(s: PeerSession, message: string): Promise<void> {
  const err = await s.client.put(s.pv("readonly"), 2).then(() => null, (e) => e);
  assert.ok(err instanceof PvaRemoteError, `expected PvaRemoteError, got ${err}`);
  assert.equal(err.status.type, "error");
  assert.equal(err.status.message, message);
  assert.equal((await s.client.get(s.pv("readonly"))).value.value, 1);
}

/** The adder RPC returns query.a + query.b as an NTScalar double. */
export async function checkRpc(s: PeerSession): Promise<void> {
  const [a, b] = [1.25, 40.5];
  const reply = await s.client.rpc(s.pv("add"), {
    type: struct("epics:nt/NTURI:1.0", {
      scheme: scalar("string"),
      path: scalar("string"),
      query: struct("", { a: scalar("float64"), b: scalar("float64") }),
    }),
    value: { scheme: "pva", path: s.pv("add"), query: { a, b } },
  });
  assert.equal((reply.value as StructValue).value, a + b);
  assert.ok(findField(reply.type, "value"));
}

/**
 * Monitors the counter while the server posts `count` increments in bursts of `chunk`; after each burst
 * we take that burst's updates before asking for the next, so no queue on either side ever holds more
 * than `chunk`. Every increment must arrive, in order, without an overrun.
 */
export async function checkCounter(
  s: PeerSession,
  opts: { count: number; chunk: number; queueSize: number; pipeline: boolean },
): Promise<void> {
  const sub = s.client.monitor(s.pv("counter"), { queueSize: opts.queueSize, pipeline: opts.pipeline });
  try {
    assert.equal(sub.pipeline, opts.pipeline);
    await expectConnected(sub);
    const start = (await expectData(sub)).value.value as number;
    const seen: number[] = [];
    let overruns = 0;
    while (seen.length < opts.count) {
      const n = Math.min(opts.chunk, opts.count - seen.length);
      const reply = await s.server.send(`burst ${n}`);
      assert.deepEqual(reply, { ok: "burst", reply: start + seen.length + n });
      for (let i = 0; i < n; i++) {
        const ev = await expectData(sub);
        seen.push(ev.value.value as number);
        if (!ev.overrun.isEmpty()) overruns++;
      }
    }
    const wrong = seen.findIndex((v, i) => v !== start + 1 + i);
    assert.equal(wrong, -1, `update ${wrong} is ${seen[wrong]}, expected ${start + 1 + wrong}`);
    assert.equal(overruns, 0);
  } finally {
    sub.close();
  }
}
