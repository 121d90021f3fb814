/**
 * Splitting a UDP payload or a reassembled TCP stream into pvAccess messages, joining the
 * segments of segmented messages.
 *
 * @module
 */
import { DecodeError } from "../../protocol/pvdata/errors.ts";
import { Writer } from "../../protocol/pvdata/writer.ts";
import { Flag, type Header, HEADER_SIZE, isControl, readHeader } from "../../protocol/pva/header.ts";

/** One whole pvAccess message. */
export interface PvaMessage {
  /** The header of the (first) segment, with the segment bits cleared. */
  header: Header;
  /** The payload, segments concatenated; empty for control messages. */
  payload: Uint8Array;
  /** Offset of the first header in the split buffer. */
  start: number;
  /** Offset just past the last byte of the message. */
  end: number;
}

/** The messages found in a buffer and, when it did not split cleanly, why. */
export interface Split {
  /** The whole messages, in the order they completed. */
  messages: PvaMessage[];
  /** Set when framing failed (bad header, truncated message, broken segment sequence). */
  error?: DecodeError;
}

/**
 * Splits `bytes` into messages. Control messages between the segments of a segmented
 * message are returned before the message they interrupt.
 * @example
 * ```ts
 * import { splitMessages } from "./pva_split.ts";
 * splitMessages(new Uint8Array([0xca, 2, 0x41, 2, 0, 0, 0, 0])).messages.length; // 1
 * ```
 */
export function splitMessages(bytes: Uint8Array): Split {
  const messages: PvaMessage[] = [];
  let pending: { first: Header; start: number; parts: Uint8Array[] } | undefined;
  let at = 0;
  try {
    while (at < bytes.length) {
      const h = readHeader(bytes, at);
      if (isControl(h)) {
        messages.push({ header: h, payload: new Uint8Array(0), start: at, end: at + HEADER_SIZE });
        at += HEADER_SIZE;
        continue;
      }
      const end = at + HEADER_SIZE + h.payloadSize;
      if (end > bytes.length) throw new DecodeError(at, `message of ${h.payloadSize} bytes is cut off`);
      const payload = bytes.subarray(at + HEADER_SIZE, end);
      const segment = h.flags & Flag.SEGMENT_MASK;
      if (pending !== undefined) {
        if (segment !== Flag.SEGMENT_MIDDLE && segment !== Flag.SEGMENT_LAST) {
          throw new DecodeError(at, "an unsegmented message interrupts a segmented one");
        }
        if (h.command !== pending.first.command) throw new DecodeError(at, "segment of another command");
        pending.parts.push(payload);
        if (segment === Flag.SEGMENT_LAST) {
          messages.push({ header: pending.first, payload: concat(pending.parts), start: pending.start, end });
          pending = undefined;
        }
      } else if (segment === Flag.SEGMENT_FIRST) {
        pending = { first: { ...h, flags: h.flags & ~Flag.SEGMENT_MASK }, start: at, parts: [payload] };
      } else if (segment === 0) {
        messages.push({ header: h, payload, start: at, end });
      } else throw new DecodeError(at, "continuation segment without a first segment");
      at = end;
    }
    if (pending !== undefined) throw new DecodeError(pending.start, "segmented message never ends");
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { messages, error: e };
  }
  return { messages };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const w = new Writer(true);
  for (const p of parts) w.bytes(p);
  return w.toBytes();
}
