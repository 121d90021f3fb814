/**
 * Shared helpers of the pvData tests: hex literals, one-call encode/decode, and a deep
 * equality that compares numbers with Object.is (NaN equals NaN, -0 differs from 0) and typed
 * arrays element by element.
 *
 * @module
 */
import { AssertionError } from "node:assert/strict";
import { Reader, type ReaderOptions } from "../../protocol/pvdata/reader.ts";
import { Writer } from "../../protocol/pvdata/writer.ts";

/** Bytes from a hex string; spaces and newlines are ignored ("01 0a ff"). */
export function hex(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, "");
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new Error(`bad hex literal ${s}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The hex form of bytes, space-separated, for readable assertion failures. */
export function toHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");
}

/** Hex of an ASCII string's bytes (for building vectors from the layouts). */
export function ascii(s: string): string {
  return toHex(new TextEncoder().encode(s));
}

/** Runs `write` on a fresh Writer and returns the bytes. */
export function encode(littleEndian: boolean, write: (w: Writer) => void): Uint8Array {
  const w = new Writer(littleEndian);
  write(w);
  return w.toBytes();
}

/** Runs `read` over `bytes` and checks that it consumed all of them. */
export function decode<T>(
  bytes: Uint8Array,
  littleEndian: boolean,
  read: (r: Reader) => T,
  options?: ReaderOptions,
): T {
  const r = new Reader(bytes, littleEndian, options);
  const v = read(r);
  if (r.remaining !== 0) throw new AssertionError({ message: `${r.remaining} bytes left after decoding` });
  return v;
}

/** Both byte orders, labelled, for table-driven tests. */
export const ORDERS = [{ le: true, name: "LE" }, { le: false, name: "BE" }] as const;

/** Deep equality for pvData values (see module doc); throws an AssertionError naming the path. */
export function assertSame(actual: unknown, expected: unknown, path = "value"): void {
  const fail = (why: string): never => {
    throw new AssertionError({ message: `${path}: ${why}`, actual, expected });
  };
  if (typeof expected !== "object" || expected === null) {
    if (!Object.is(actual, expected)) fail(`${String(actual)} !== ${String(expected)}`);
    return;
  }
  if (typeof actual !== "object" || actual === null) return fail(`expected an object, got ${String(actual)}`);
  if (ArrayBuffer.isView(expected) || Array.isArray(expected)) {
    if (Object.getPrototypeOf(actual) !== Object.getPrototypeOf(expected)) {
      fail(`${actual.constructor.name} is not a ${expected.constructor.name}`);
    }
    const a = actual as ArrayLike<unknown>;
    const e = expected as ArrayLike<unknown>;
    if (a.length !== e.length) fail(`length ${a.length} !== ${e.length}`);
    for (let i = 0; i < e.length; i++) assertSame(a[i], e[i], `${path}[${i}]`);
    return;
  }
  const ak = Object.keys(actual).sort();
  const ek = Object.keys(expected).sort();
  if (ak.join() !== ek.join()) fail(`keys [${ak}] !== [${ek}]`);
  for (const k of ek) {
    assertSame(
      (actual as Record<string, unknown>)[k],
      (expected as Record<string, unknown>)[k],
      `${path}.${k}`,
    );
  }
}
