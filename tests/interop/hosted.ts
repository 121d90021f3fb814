/**
 * What our server hosts for the peer clients: every normative type and pvData kind, built with
 * the protocol/nt builders, on free loopback ports.
 *
 * @module
 */
import { ntAttribute, ntEnum, ntNDArray, ntScalar, ntScalarArray, ntTable } from "../../protocol/nt/mod.ts";
import { loopbackConfig as baseLoopback, type PvaConfig } from "../../protocol/pva/config.ts";
import {
  PvaServer,
  type PvaServerOptions,
  SharedPV,
  type SharedPVOptions,
} from "../../protocol/pva/server/mod.ts";
import {
  ANY,
  ARRAY_CONSTRUCTORS,
  scalar,
  scalarArray,
  type ScalarType,
  struct,
  structArray,
  type StructValue,
  type Typed,
  union,
  type Value,
} from "../../protocol/pvdata/types.ts";
import type { ArrayInput } from "../../protocol/nt/arrays.ts";

/** Prefix of every PV name. */
export const PREFIX = "pvastream:ours:";

/** Elements of the big array PV. */
const BIG_ARRAY_LENGTH = 1_000_000;

const META = {
  alarm: { severity: 1, status: 2, message: "LOW" },
  timeStamp: { secondsPastEpoch: 1_700_000_000n, nanoseconds: 123_456_789, userTag: 7 },
};

/** One sample value per scalar type; `int8` can be overridden (pvapy cannot read negative ones). */
function scalarSamples(int8 = -7): Record<ScalarType, Value> {
  return {
    bool: true,
    int8,
    uint8: 200,
    int16: -1234,
    uint16: 54321,
    int32: -123456789,
    uint32: 4_000_000_000,
    int64: -(2n ** 62n) - 5n,
    uint64: 2n ** 64n - 2n,
    float32: 1.5,
    float64: Math.PI,
    string: "h\u00e9llo w\u00f6rld",
  };
}

const LIMITS: Record<string, [number | bigint, number | bigint]> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  float32: [-3.4028234663852886e38, 3.4028234663852886e38],
  float64: [-Number.MAX_VALUE, Number.MAX_VALUE],
};

/** A short array reaching both ends of the element type's range. */
function sampleArray(t: ScalarType): ArrayInput {
  if (t === "bool") return [true, false, true];
  if (t === "string") return ["", "a", "h\u00e9llo", "x".repeat(300)];
  const [min, max] = LIMITS[t];
  const [zero, one] = typeof min === "bigint" ? [0n, 1n] : [0, 1];
  return new (ARRAY_CONSTRUCTORS[t] as new (a: unknown[]) => ArrayInput)([min, zero, one, max]);
}

/** A ramp image: pixel i holds i modulo the element type's range. */
function ramp(type: "uint8" | "uint16", width: number, height: number): Uint8Array | Uint16Array {
  const a = new ARRAY_CONSTRUCTORS[type](width * height);
  for (let i = 0; i < a.length; i++) a[i] = i;
  return a;
}

/** An RPC argument's `query.a + query.b` as an NTScalar double. */
function add(args: Typed<Value>): Typed {
  const query = (args.value as StructValue).query as StructValue;
  return ntScalar("float64", Number(query.a) + Number(query.b));
}

/** A PV to host: its initial value and handlers. */
export interface HostedPV {
  initial: Typed;
  options?: SharedPVOptions;
}

/**
 * Every PV the interop tests host, by name without the prefix.
 * @param int8 the int8 scalar sample
 */
export function catalogue(int8?: number): Record<string, HostedPV> {
  const pvs: Record<string, HostedPV> = {};
  const samples = scalarSamples(int8);
  for (const t of Object.keys(samples) as ScalarType[]) {
    pvs[`scalar:${t}`] = { initial: ntScalar(t, samples[t], META) };
    pvs[`array:${t}`] = { initial: ntScalarArray(t, sampleArray(t), META) };
  }
  const big = Float64Array.from({ length: BIG_ARRAY_LENGTH }, (_, i) => i * 0.5);
  pvs["array:float64:big"] = { initial: ntScalarArray("float64", big, META) };
  pvs.enum = { initial: ntEnum(1, ["Off", "On", "Fault"], META) };
  pvs.table = {
    initial: ntTable(
      { name: ["a", "b", "c"], x: new Float64Array([0.5, 1.5, 2.5]), n: new Int32Array([1, 2, 3]) },
      ["Name", "X", "N"],
      META,
    ),
  };
  pvs["image:u16"] = { initial: image("uint16", 1024, 1024, 1) };
  pvs["image:u8"] = { initial: image("uint8", 4096, 4096, 2) };
  pvs["image:dist"] = { initial: image("uint8", 64, 64, 0) };
  pvs.nested = {
    initial: {
      type: struct("pvastream:test/Nested:1.0", {
        a: struct("inner_t", { x: scalar("float64"), tags: scalarArray("string") }),
        b: scalar("int32"),
        c: struct("", { deep: struct("", { z: scalar("uint64") }) }),
      }),
      value: { a: { x: -2.25, tags: ["p", "q"] }, b: 42, c: { deep: { z: 2n ** 63n + 1n } } },
    },
  };
  pvs.union = {
    initial: {
      type: struct("", {
        value: union("", { i: scalar("int32"), s: scalar("string"), d: scalarArray("float64") }),
      }),
      value: { value: { name: "s", value: "selected string" } },
    },
  };
  pvs.any = {
    initial: { type: struct("", { value: ANY }), value: { value: { type: scalar("float64"), value: 2.5 } } },
  };
  pvs.structarray = {
    initial: {
      type: struct("", {
        value: structArray(struct("point_t", { x: scalar("float64"), y: scalar("float64") })),
      }),
      value: { value: [{ x: 1, y: 2 }, { x: 3, y: 4 }, { x: -5, y: 0 }] },
    },
  };
  pvs["put:float64"] = { initial: ntScalar("float64", 0, META) };
  pvs["put:string"] = { initial: ntScalar("string", "", META) };
  pvs["put:array"] = { initial: ntScalarArray("int32", new Int32Array(0), META) };
  pvs.readonly = { initial: ntScalar("float64", 1, META), options: { readOnly: true } };
  pvs.counter = { initial: ntScalar("int32", 0, META) };
  pvs.add = { initial: ntScalar("float64", 0), options: { onRpc: add } };
  return pvs;
}

function image(type: "uint8" | "uint16", width: number, height: number, uniqueId: number): Typed {
  return ntNDArray({
    data: ramp(type, width, height),
    dims: [width, height],
    uniqueId,
    timeStamp: META.timeStamp,
    descriptor: "ramp",
    attributes: [
      ntAttribute("ColorMode", { type: scalar("int32"), value: 0 }),
      ntAttribute("Exposure", { type: scalar("float64"), value: 0.25 }, "seconds"),
      ntAttribute("Camera", { type: scalar("string"), value: "sim" }),
    ],
  });
}

/**
 * A loopback-only configuration on free ports (TCP and UDP both 0: the server picks).
 * @param overrides e.g. the broadcast port of another server to share it
 */
export function loopbackConfig(overrides: Partial<PvaConfig> = {}): PvaConfig {
  return baseLoopback({ addrList: ["127.0.0.1"], beaconAddrList: ["127.0.0.1"], ...overrides });
}

/** A started server with its PVs by name (without the prefix). */
export interface Hosted extends Disposable {
  server: PvaServer;
  pvs: Map<string, SharedPV>;
}

/**
 * Starts a server hosting `pvs` under {@link PREFIX}.
 * @param config network settings (loopback, free ports by default)
 * @param options other server options, e.g. `{ byteOrder: "big" }`
 * @example
 * ```ts ignore
 * using hosted = await host(catalogue());
 * hosted.pvs.get("counter")!.post({ value: 1 });
 * ```
 */
export async function host(
  pvs: Record<string, HostedPV>,
  config = loopbackConfig(),
  options: Omit<PvaServerOptions, "config"> = {},
): Promise<Hosted> {
  const server = new PvaServer({ ...options, config });
  const opened = new Map<string, SharedPV>();
  for (const [name, { initial, options }] of Object.entries(pvs)) {
    const pv = new SharedPV(options);
    pv.open(initial);
    server.addPV(PREFIX + name, pv);
    opened.set(name, pv);
  }
  await server.start();
  return { server, pvs: opened, [Symbol.dispose]: () => server.close() };
}
