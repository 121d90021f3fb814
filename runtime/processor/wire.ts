/**
 * The binary framing of process isolation. A message is an 8-byte header (little-endian u32
 * lengths of the description and of the pixel bytes), the message itself serialized by V8
 * with each carried frame's pixels left out, then those pixels raw, each padded to 8 bytes so
 * the receiver views them in place. No JSON, and the pixels are never serialized.
 *
 * @module
 */
import { deserialize, serialize } from "node:v8";
import { ARRAY_CONSTRUCTORS, type NumericType } from "../../protocol/pvdata/mod.ts";
import { dtypeOf } from "./frame.ts";
import { carriedFrames, type HostRequest, type SandboxReply } from "./messages.ts";
import type { FrameData } from "./types.ts";

/** Either direction's message. */
export type WireMessage = HostRequest | SandboxReply;

/** Bytes in the header. */
const HEADER = 8;

const pad8 = (n: number) => (n + 7) & ~7;

/** The pixels of a frame as the description records them. */
interface PixelsRef {
  /** Element type of the array (a compressed frame's is uint8, whatever its dtype). */
  type: NumericType;
  /** Elements. */
  length: number;
  /** Index of the frame in a result's outputs; -1 for a request's frame. */
  at: number;
}

/**
 * A message as the chunks to write, in order: header and description, then each frame's pixels
 * (the frame's own bytes, not copied) with their padding.
 */
export function encodeMessage(m: WireMessage): Uint8Array[] {
  const frames = carriedFrames(m);
  const pixels: PixelsRef[] = [];
  const chunks: Uint8Array[] = [];
  let dataBytes = 0;
  const outputs = m.op === "result" && Array.isArray(m.value) ? m.value : [];
  for (const f of frames) {
    pixels.push({ type: dtypeOf(f.data), length: f.data.length, at: outputs.indexOf(f) });
    chunks.push(new Uint8Array(f.data.buffer, f.data.byteOffset, f.data.byteLength));
    const padding = pad8(f.data.byteLength) - f.data.byteLength;
    if (padding > 0) chunks.push(new Uint8Array(padding));
    dataBytes += pad8(f.data.byteLength);
  }
  // The frames' data is left out of the description by swapping it out for the serialization.
  const saved = frames.map((f) => f.data);
  for (const f of frames) (f as { data: unknown }).data = null;
  let description: Uint8Array;
  try {
    description = serialize({ m, pixels });
  } finally {
    frames.forEach((f, i) => f.data = saved[i]);
  }
  const head = new Uint8Array(HEADER + pad8(description.length));
  const dv = new DataView(head.buffer);
  dv.setUint32(0, pad8(description.length), true);
  dv.setUint32(4, dataBytes, true);
  head.set(description, HEADER);
  return [head, ...chunks];
}

/** An error in a message that came over a pipe. */
export class WireError extends Error {
  /** @param message what is wrong */
  constructor(message: string) {
    super(message);
    this.name = "WireError";
  }
}

/**
 * Splits a byte stream into messages. Bytes are kept as they arrive and put together only once
 * a whole message is in, so a declared length costs nothing before its bytes exist.
 */
export class MessageReader {
  readonly #max: number;
  #chunks: Uint8Array[] = [];
  #have = 0;
  #need = HEADER;
  #header: { description: number; data: number } | undefined;

  /** @param maxBytes largest message accepted */
  constructor(maxBytes: number) {
    this.#max = maxBytes;
  }

  /**
   * Takes the next chunk and returns the messages it completes.
   * @throws {WireError} for a message larger than the limit or one that does not decode
   */
  push(chunk: Uint8Array): WireMessage[] {
    this.#chunks.push(chunk);
    this.#have += chunk.length;
    const out: WireMessage[] = [];
    while (this.#have >= this.#need) {
      if (!this.#header) {
        const dv = new DataView(this.#take(HEADER).buffer);
        this.#header = { description: dv.getUint32(0, true), data: dv.getUint32(4, true) };
        this.#need = this.#header.description + this.#header.data;
        if (this.#need > this.#max) {
          throw new WireError(`message of ${this.#need} bytes exceeds ${this.#max}`);
        }
        continue;
      }
      out.push(this.#decode(this.#take(this.#need), this.#header.description));
      this.#header = undefined;
      this.#need = HEADER;
    }
    return out;
  }

  /** The next `n` buffered bytes in one fresh buffer (8-aligned for the views made on it). */
  #take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let o = 0;
    while (o < n) {
      const c = this.#chunks[0];
      const k = Math.min(c.length, n - o);
      out.set(c.subarray(0, k), o);
      o += k;
      if (k === c.length) this.#chunks.shift();
      else this.#chunks[0] = c.subarray(k);
    }
    this.#have -= n;
    return out;
  }

  #decode(bytes: Uint8Array, descriptionBytes: number): WireMessage {
    let d: { m: WireMessage; pixels: PixelsRef[] };
    try {
      d = deserialize(bytes.subarray(0, descriptionBytes));
    } catch (e) {
      throw new WireError(`unreadable message: ${e instanceof Error ? e.message : e}`);
    }
    if (!Array.isArray(d.pixels)) throw new WireError("no pixel list");
    let o = descriptionBytes;
    for (const { type, length, at } of d.pixels) {
      const f = at < 0 ? (d.m as { frame?: unknown }).frame : (d.m as { value?: unknown[] }).value?.[at];
      if (typeof f !== "object" || f === null) throw new WireError("pixels of a missing frame");
      const C = ARRAY_CONSTRUCTORS[type];
      if (C === undefined || !Number.isInteger(length) || length < 0) throw new WireError("bad pixel list");
      const n = length * C.BYTES_PER_ELEMENT;
      if (o + n > bytes.length) throw new WireError("pixels overrun the message");
      (f as { data: FrameData }).data = new C(
        bytes.buffer as ArrayBuffer,
        bytes.byteOffset + o,
        length,
      ) as FrameData;
      o += pad8(n);
    }
    return d.m;
  }
}
