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
  /** Index of the frame in a result's outputs, or among a request's frames. */
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
  for (const [i, f] of frames.entries()) {
    pixels.push({
      type: dtypeOf(f.data),
      length: f.data.length,
      at: m.op === "result" ? outputs.indexOf(f) : i,
    });
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
 * Reads into `view` (at least one byte) and returns how many bytes came and the buffer now
 * holding them (a BYOB stream read moves the view's buffer); null at the end of the stream.
 */
export type ReadInto = (view: Uint8Array) => Promise<{ bytes: number; buffer: ArrayBuffer } | null>;

/** Smallest piece a large message is read in. */
const MIN_CHUNK = 1 << 16;

/** Bytes read into memory allocated before they arrive, unless a reader is told otherwise. */
const DEFAULT_UPFRONT = 1 << 20;

/**
 * Reads messages from a byte stream straight into the memory the message will live in. At most
 * `upfront` bytes are allocated ahead of their arrival; a larger message is read into chunks
 * that grow with what has arrived and joined by one copy, so a declared length costs at most
 * twice the bytes that actually came.
 */
export class MessageReader {
  readonly #read: ReadInto;
  readonly #max: number;
  #head = new ArrayBuffer(HEADER);

  /**
   * @param read the source
   * @param maxBytes largest message accepted
   */
  constructor(read: ReadInto, maxBytes: number) {
    this.#read = read;
    this.#max = maxBytes;
  }

  /**
   * The next message, or null at the end of the stream.
   * @param upfront bytes that may be allocated before they arrive (e.g. twice the frame just sent)
   * @throws {WireError} for a message larger than the limit, cut short, or that does not decode
   */
  async next(upfront: number = DEFAULT_UPFRONT): Promise<WireMessage | null> {
    const head = await this.#fill(this.#head, 0, HEADER);
    if (head === null) return null;
    this.#head = head;
    const dv = new DataView(head);
    const description = dv.getUint32(0, true);
    const need = description + dv.getUint32(4, true);
    if (need > this.#max) throw new WireError(`message of ${need} bytes exceeds ${this.#max}`);
    if (need <= upfront) {
      const whole = await this.#fill(new ArrayBuffer(need), 0, need);
      if (whole === null) throw new WireError("the stream ended inside a message");
      return this.#decode(new Uint8Array(whole), description);
    }
    const chunks: Uint8Array[] = [];
    let have = 0;
    while (have < need) {
      const size = Math.min(need - have, Math.max(upfront, have, MIN_CHUNK));
      const chunk = await this.#fill(new ArrayBuffer(size), 0, size);
      if (chunk === null) throw new WireError("the stream ended inside a message");
      chunks.push(new Uint8Array(chunk));
      have += size;
    }
    const whole = new Uint8Array(need);
    let o = 0;
    for (const c of chunks) {
      whole.set(c, o);
      o += c.length;
    }
    return this.#decode(whole, description);
  }

  /** Fills `length` bytes of `buffer` from `offset`; the buffer holding them, or null at the end. */
  async #fill(buffer: ArrayBuffer, offset: number, length: number): Promise<ArrayBuffer | null> {
    for (let o = 0; o < length;) {
      const r = await this.#read(new Uint8Array(buffer, offset + o, length - o));
      // A read that brings nothing would spin here without yielding to the event loop.
      if (r === null || r.bytes === 0) return null;
      buffer = r.buffer;
      o += r.bytes;
    }
    return buffer;
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
      const f = d.m.op === "result"
        ? (d.m as { value?: unknown[] }).value?.[at]
        : ((d.m as { frames?: unknown[] }).frames ?? [(d.m as { frame?: unknown }).frame])[at];
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
