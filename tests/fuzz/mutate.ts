/**
 * Structure-aware mutations of whole pvAccess messages (8-byte header + payload). Most keep a
 * valid header around a damaged payload, so the bytes get past framing and into the decoders;
 * some damage the header itself (size field, flags, command, version) or the framing (segments,
 * control messages), because that is what framing must survive.
 *
 * @module
 */
import { Command, Flag, HEADER_SIZE } from "../../protocol/pva/header.ts";
import type { Rng } from "./rng.ts";

/** One mutation: a message in, one or more messages (or arbitrary bytes) out. */
export type Mutator = (rng: Rng, message: Uint8Array, donors: readonly Uint8Array[]) => Uint8Array[];

/** pvData type codes and the cache markers, for type-descriptor edits. */
const TYPE_CODES = [
  0x00,
  0x20,
  0x21,
  0x22,
  0x23,
  0x24,
  0x25,
  0x26,
  0x27,
  0x42,
  0x43,
  0x60,
  0x08,
  0x28,
  0x2c,
  0x30,
  0x38,
  0x4a,
  0x68,
  0x80,
  0x81,
  0x82,
  0x83,
  0x88,
  0x89,
  0x8a,
  0x90,
  0x98,
  0xfd,
  0xfe,
  0xff,
];

/** Sizes that break things: zero, one past common limits, the largest values of each width. */
const EXTREME_SIZES = [
  0,
  1,
  0xfe,
  0xff,
  0xffff,
  0x10000,
  0x10001,
  0x7fffffff,
  0x80000000,
  0xffffffff,
  1 << 24,
];

const COMMANDS = Object.values(Command);

/** Whether the message's header says little-endian. */
function littleEndian(message: Uint8Array): boolean {
  return (message[2] & Flag.BIG_ENDIAN) === 0;
}

/** The payload (everything after the header). */
function payloadOf(message: Uint8Array): Uint8Array {
  return message.subarray(HEADER_SIZE);
}

/** A copy of `message`'s header with `payload`, the size field set to the payload's length. */
export function withPayload(message: Uint8Array, payload: Uint8Array, flags = message[2]): Uint8Array {
  const out = new Uint8Array(HEADER_SIZE + payload.length);
  out.set(message.subarray(0, 4));
  out[2] = flags;
  new DataView(out.buffer).setUint32(4, payload.length, (flags & Flag.BIG_ENDIAN) === 0);
  out.set(payload, HEADER_SIZE);
  return out;
}

/** A copy with the header's size field set to `size` (in the header's byte order). */
function withSizeField(message: Uint8Array, size: number): Uint8Array {
  const out = message.slice();
  new DataView(out.buffer).setUint32(4, size >>> 0, littleEndian(out));
  return out;
}

/** A random offset in the payload biased to its first 32 bytes, where the ids and heads are. */
function payloadOffset(rng: Rng, length: number): number {
  return rng.chance(0.5) ? rng.int(Math.min(length, 32)) : rng.int(length);
}

/** `n` as a u32 in either byte order. */
function u32Bytes(n: number, le: boolean): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n >>> 0, le);
  return out;
}

/** The payload with `patch` written over it at `at` (extending it when it runs past the end). */
function overwrite(payload: Uint8Array, at: number, patch: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.max(payload.length, at + patch.length));
  out.set(payload);
  out.set(patch, at);
  return out;
}

/** The payload with `patch` inserted at `at`. */
function insert(payload: Uint8Array, at: number, patch: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + patch.length);
  out.set(payload.subarray(0, at));
  out.set(patch, at);
  out.set(payload.subarray(at), at + patch.length);
  return out;
}

/** A pvData size encoding of an extreme value: null (0xFF), or 0xFE and a 32-bit size. */
function extremeSize(rng: Rng, le: boolean): Uint8Array {
  if (rng.chance(0.2)) return new Uint8Array([0xff]);
  const n = rng.pick(EXTREME_SIZES);
  return n < 0xfe && rng.chance(0.5) ? new Uint8Array([n]) : new Uint8Array([0xfe, ...u32Bytes(n, le)]);
}

/** A type-descriptor fragment: a cache definition (0xFD id code), a cache use (0xFE id) or one code. */
function typeFragment(rng: Rng, le: boolean): Uint8Array {
  const id = rng.pick([0, 1, 2, 0x7fff, 0xffff, rng.int(0x10000)]);
  const idBytes = le ? [id & 0xff, id >> 8] : [id >> 8, id & 0xff];
  switch (rng.int(3)) {
    case 0:
      return new Uint8Array([0xfd, ...idBytes, rng.pick(TYPE_CODES)]);
    case 1:
      return new Uint8Array([0xfe, ...idBytes]);
    default:
      return new Uint8Array([rng.pick(TYPE_CODES)]);
  }
}

/** Splits `message` into segments: valid flags (first, middles, last) or, sometimes, broken ones. */
function segmented(rng: Rng, message: Uint8Array): Uint8Array[] {
  const payload = payloadOf(message);
  const pieces = 2 + rng.int(5);
  const cuts = Array.from({ length: pieces - 1 }, () => rng.int(payload.length + 1)).sort((a, b) => a - b);
  const bounds = [0, ...cuts, payload.length];
  const base = message[2] & ~Flag.SEGMENT_MASK;
  const broken = rng.chance(0.3);
  const out: Uint8Array[] = [];
  for (let i = 0; i < pieces; i++) {
    const flag = broken
      ? rng.pick([0, Flag.SEGMENT_FIRST, Flag.SEGMENT_MIDDLE, Flag.SEGMENT_LAST])
      : i === 0
      ? Flag.SEGMENT_FIRST
      : i === pieces - 1
      ? Flag.SEGMENT_LAST
      : Flag.SEGMENT_MIDDLE;
    out.push(withPayload(message, payload.subarray(bounds[i], bounds[i + 1]), base | flag));
  }
  // A broken sequence may also simply stop before its last segment.
  return broken && rng.chance(0.3) ? out.slice(0, -1) : out;
}

/** A control message (8 bytes): random control command and value, direction of `message`. */
function controlMessage(rng: Rng, message: Uint8Array): Uint8Array {
  const out = message.subarray(0, HEADER_SIZE).slice();
  out[2] = (out[2] & (Flag.FROM_SERVER | Flag.BIG_ENDIAN)) | Flag.CONTROL;
  out[3] = rng.chance(0.8) ? rng.int(4) : rng.int(256);
  new DataView(out.buffer).setUint32(4, rng.u32(), littleEndian(out));
  return out;
}

/** Every mutation by name; the runner counts messages per name. */
export const MUTATORS: Readonly<Record<string, Mutator>> = {
  "bit-flip": (rng, m) => {
    const out = m.slice();
    const span = out.length > HEADER_SIZE ? [HEADER_SIZE, out.length] : [1, 4];
    for (let n = 1 + rng.int(8); n > 0; n--) out[span[0] + rng.int(span[1] - span[0])] ^= 1 << rng.int(8);
    return [out];
  },
  "byte-insert": (rng, m) => {
    const p = payloadOf(m);
    return [withPayload(m, insert(p, rng.int(p.length + 1), rng.bytes(1 + rng.int(16))))];
  },
  "byte-delete": (rng, m) => {
    const p = payloadOf(m);
    const at = rng.int(p.length + 1);
    return [withPayload(m, concat(p.subarray(0, at), p.subarray(Math.min(p.length, at + 1 + rng.int(16)))))];
  },
  "truncate": (rng, m) => [withPayload(m, payloadOf(m).subarray(0, rng.int(payloadOf(m).length + 1)))],
  "length-field": (rng, m) => {
    const actual = m.length - HEADER_SIZE;
    const size = rng.chance(0.5) ? Math.max(0, actual + rng.int(17) - 8) : rng.pick([
      0,
      65536,
      65537,
      1 << 20,
      1 << 30,
      0x7fffffff,
      0xffffffff,
      rng.u32(),
      rng.int(actual * 2 + 1),
    ]);
    return [withSizeField(m, size)];
  },
  "size-extreme": (rng, m) => {
    const p = payloadOf(m);
    const patch = extremeSize(rng, littleEndian(m));
    const at = payloadOffset(rng, p.length + 1);
    return [withPayload(m, rng.chance(0.5) ? overwrite(p, at, patch) : insert(p, at, patch))];
  },
  "type-desc": (rng, m) => {
    const p = payloadOf(m);
    // Prefer places that already hold a type code: there the edit reaches the type decoder.
    const codes = [...p.keys()].filter((i) => p[i] >= 0x80 && p[i] !== 0xff);
    const at = codes.length > 0 && rng.chance(0.7) ? rng.pick(codes) : payloadOffset(rng, p.length + 1);
    return [withPayload(m, overwrite(p, at, typeFragment(rng, littleEndian(m))))];
  },
  "bitset": (rng, m) => {
    // Changed-field BitSets follow the op head: at 5 (reply ioid+subcmd) or 9 (request sid+ioid+subcmd).
    const p = payloadOf(m);
    const at = rng.pick([5, 9, 10, 12]);
    const n = rng.chance(0.2) ? 0 : 1 + rng.int(12);
    const bits = rng.chance(0.3) ? new Uint8Array(n).fill(0xff) : rng.bytes(n);
    const patch = rng.chance(0.2) ? extremeSize(rng, littleEndian(m)) : new Uint8Array([n, ...bits]);
    return [withPayload(m, overwrite(p, Math.min(at, p.length), patch))];
  },
  "segments": (rng, m) => segmented(rng, m),
  "byte-order": (rng, m) => {
    const flags = m[2] ^ Flag.BIG_ENDIAN;
    if (rng.chance(0.5)) return [withPayload(m, payloadOf(m), flags)];
    const out = m.slice();
    out[2] = flags;
    return [out];
  },
  "command-swap": (rng, m) => {
    const out = m.slice();
    out[3] = rng.chance(0.8) ? rng.pick(COMMANDS) : rng.int(256);
    return [out];
  },
  "control": (rng, m) => {
    const c = controlMessage(rng, m);
    return rng.chance(0.5) ? [c, m] : rng.chance(0.5) ? [m, c] : [c];
  },
  "version": (rng, m) => {
    const out = m.slice();
    out[1] = rng.pick([0, 1, 2, 3, 0xff]);
    return [out];
  },
  "splice": (rng, m, donors) => {
    if (donors.length === 0) return [m];
    const p = payloadOf(m);
    const d = payloadOf(rng.pick(donors));
    return [withPayload(m, concat(p.subarray(0, rng.int(p.length + 1)), d.subarray(rng.int(d.length + 1))))];
  },
  "repeat": (rng, m) => Array.from({ length: 2 + rng.int(15) }, () => m),
  "random-bytes": (rng) => [rng.bytes(1 + rng.int(64))],
};

const NAMES = Object.keys(MUTATORS);

/** The result of {@link mutate}: which mutations ran and the messages to send. */
export interface Mutation {
  /** Mutator names, in the order applied. */
  names: string[];
  /** What to send, in order. */
  messages: Uint8Array[];
}

/**
 * Applies one mutator, or (one time in five) a stack of two to four of them, to `message`.
 * @example
 * ```ts
 * import { Rng } from "./rng.ts";
 * import { mutate } from "./mutate.ts";
 * const m = mutate(new Rng(1), new Uint8Array([0xca, 2, 0, 2, 0, 0, 0, 0]), []);
 * m.messages.length > 0; // true
 * ```
 */
export function mutate(rng: Rng, message: Uint8Array, donors: readonly Uint8Array[]): Mutation {
  const rounds = rng.chance(0.2) ? 2 + rng.int(3) : 1;
  const names: string[] = [];
  let messages = [message];
  for (let i = 0; i < rounds; i++) {
    const name = rng.pick(NAMES);
    names.push(name);
    const at = rng.int(messages.length);
    const target = messages[at];
    // Header-aware mutators need a header; raw bytes only take raw edits.
    const replaced = target.length >= HEADER_SIZE ? MUTATORS[name](rng, target, donors) : [target];
    messages = [...messages.slice(0, at), ...replaced, ...messages.slice(at + 1)];
  }
  return { names, messages };
}

/** The concatenation of `a` and `b`. */
export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
