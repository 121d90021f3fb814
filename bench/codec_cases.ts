/**
 * The payloads the codec benchmark and report measure, and the operations on them: full
 * encode (type + value, as a GET reply or first monitor update carries it) and decode, plus
 * the plain memory copies they are compared with.
 *
 * @module
 */
import { ntNDArray } from "../protocol/nt/mod.ts";
import {
  HOST_LITTLE_ENDIAN,
  Reader,
  readNonNullType,
  readValue,
  scalar,
  type ScalarType,
  struct,
  type Typed,
  type Value,
  Writer,
  writeType,
  writeValue,
} from "../protocol/pvdata/mod.ts";

/** One benchmark payload. */
export interface CodecCase {
  /** Label, also the deno bench group. */
  name: string;
  /** The value with its type. */
  typed: Typed;
  /** Its full encoding in host byte order (the decode input). */
  bytes: Uint8Array;
  /** Bytes the MB/s figures count: the array data of a frame, the whole message otherwise. */
  payloadBytes: number;
}

/** Encodes type + value in host byte order; the Writer keeps large arrays by reference. */
export function encodeWriter({ type, value }: Typed): Writer {
  const w = new Writer(HOST_LITTLE_ENDIAN);
  writeType(w, type);
  writeValue(w, type, value);
  return w;
}

/** Decodes type + value from `bytes` (host byte order). */
export function decode(bytes: Uint8Array): Typed {
  const r = new Reader(bytes, HOST_LITTLE_ENDIAN);
  const type = readNonNullType(r, "benchmark value");
  return { type, value: readValue(r, type) as Typed["value"] };
}

function frameCase(name: string, data: Uint8Array | Uint16Array, nx: number, ny: number): CodecCase {
  // A ramp rather than zeros, so nothing can take a shortcut over uniform memory.
  for (let i = 0; i < data.length; i++) data[i] = i * 7;
  const typed = ntNDArray({ data, dims: [nx, ny], uniqueId: 1 });
  return { name, typed, bytes: encodeWriter(typed).toBytes(), payloadBytes: data.byteLength };
}

const MIXED: [ScalarType, (i: number) => Value][] = [
  ["int32", (i) => i * 1000],
  ["float64", (i) => i / 3],
  ["string", (i) => `field number ${i}`],
  ["int64", (i) => BigInt(i) << 33n],
  ["bool", (i) => i % 2 === 0],
  ["uint16", (i) => i],
  ["float32", (i) => i * 0.5],
  ["int8", (i) => -i],
  ["uint32", (i) => i * 65537],
  ["uint64", (i) => BigInt(i)],
];

function structCase(): CodecCase {
  const types: Record<string, ReturnType<typeof scalar>> = {};
  const value: Record<string, Value> = {};
  for (let i = 0; i < 100; i++) {
    const [t, make] = MIXED[i % MIXED.length];
    types[`f${i}`] = scalar(t);
    value[`f${i}`] = make(i);
  }
  const typed = { type: struct("bench_t", types), value };
  const bytes = encodeWriter(typed).toBytes();
  return { name: "struct 100 mixed scalars", typed, bytes, payloadBytes: bytes.length };
}

/** The benchmark payloads: three NTNDArray frames and a 100-field structure. */
export function codecCases(): CodecCase[] {
  return [
    frameCase("NTNDArray 512x512 uint8", new Uint8Array(512 * 512), 512, 512),
    frameCase("NTNDArray 1024x1024 uint16", new Uint16Array(1024 * 1024), 1024, 1024),
    frameCase("NTNDArray 4096x4096 uint8", new Uint8Array(4096 * 4096), 4096, 4096),
    structCase(),
  ];
}

/** A timed operation of one case; it returns something so the work cannot be optimised away. */
export type Op = () => unknown;

/** The operations measured on a case, the first being the memcpy baseline. */
export function caseOps(c: CodecCase): [string, Op][] {
  const src = c.bytes.subarray(0, c.payloadBytes);
  const dst = new Uint8Array(c.payloadBytes);
  return [
    ["memcpy (set)", () => dst.set(src)],
    ["memcpy (slice)", () => src.slice()],
    ["decode", () => decode(c.bytes)],
    ["encode chunks()", () => encodeWriter(c.typed).chunks()],
    ["encode toBytes()", () => encodeWriter(c.typed).toBytes()],
  ];
}
