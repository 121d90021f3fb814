/**
 * The 8-byte pvAccess message header, command codes and flag bits.
 *
 * @module
 */
import { DecodeError } from "../pvdata/errors.ts";

/** First byte of every message. */
export const PVA_MAGIC = 0xca;
/** Protocol version we send (pvxs and pvAccessCPP send 2). */
export const PVA_VERSION = 2;
/** Header length in bytes. */
export const HEADER_SIZE = 8;

/** Application message command codes. */
export const Command = {
  BEACON: 0x00,
  CONNECTION_VALIDATION: 0x01,
  ECHO: 0x02,
  SEARCH: 0x03,
  SEARCH_RESPONSE: 0x04,
  AUTHNZ: 0x05,
  ACL_CHANGE: 0x06,
  CREATE_CHANNEL: 0x07,
  DESTROY_CHANNEL: 0x08,
  CONNECTION_VALIDATED: 0x09,
  GET: 0x0a,
  PUT: 0x0b,
  PUT_GET: 0x0c,
  MONITOR: 0x0d,
  ARRAY: 0x0e,
  DESTROY_REQUEST: 0x0f,
  PROCESS: 0x10,
  GET_FIELD: 0x11,
  MESSAGE: 0x12,
  MULTIPLE_DATA: 0x13,
  RPC: 0x14,
  CANCEL_REQUEST: 0x15,
  ORIGIN_TAG: 0x16,
} as const;

/** Control message command codes (flag bit 0 set; the size field carries the value). */
export const ControlCommand = {
  MARK_TOTAL_BYTES_SENT: 0x00,
  ACK_TOTAL_BYTES_RECEIVED: 0x01,
  SET_BYTE_ORDER: 0x02,
} as const;

/** Flag bits of header byte 2. */
export const Flag = {
  CONTROL: 0x01,
  SEGMENT_MASK: 0x30,
  SEGMENT_FIRST: 0x10,
  SEGMENT_LAST: 0x20,
  SEGMENT_MIDDLE: 0x30,
  FROM_SERVER: 0x40,
  BIG_ENDIAN: 0x80,
} as const;

/** Operation subcommand bits (the byte after sid/ioid in operation messages). */
export const Subcmd = {
  INIT: 0x08,
  DESTROY: 0x10,
  GET: 0x40,
  GET_PUT: 0x80,
  PIPELINE_ACK: 0x80,
  PROCESS: 0x04,
  START: 0x44,
  STOP: 0x04,
} as const;

/** A decoded header. */
export interface Header {
  version: number;
  flags: number;
  command: number;
  /** Payload length (application messages) or the control value (control messages). */
  payloadSize: number;
}

/** True for control messages. */
export function isControl(h: Header): boolean {
  return (h.flags & Flag.CONTROL) !== 0;
}

/** True when the payload is little-endian. */
export function isLittleEndian(h: Header): boolean {
  return (h.flags & Flag.BIG_ENDIAN) === 0;
}

/** True when the sender is a server. */
export function isFromServer(h: Header): boolean {
  return (h.flags & Flag.FROM_SERVER) !== 0;
}

/**
 * Reads a header at `offset`; fails on a bad magic byte or version 0.
 * @example
 * ```ts
 * import { readHeader } from "./header.ts";
 * readHeader(new Uint8Array([0xca, 2, 0x41, 2, 0, 0, 0, 0]), 0).command; // 2 (set byte order)
 * ```
 */
export function readHeader(bytes: Uint8Array, offset: number): Header {
  if (bytes.length - offset < HEADER_SIZE) {
    throw new DecodeError(offset, `header needs 8 bytes, ${bytes.length - offset} left`);
  }
  if (bytes[offset] !== PVA_MAGIC) {
    throw new DecodeError(offset, `bad magic 0x${bytes[offset].toString(16)}`);
  }
  const version = bytes[offset + 1];
  if (version === 0) throw new DecodeError(offset + 1, "protocol version 0");
  const flags = bytes[offset + 2];
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset + 4, 4);
  return { version, flags, command: bytes[offset + 3], payloadSize: view.getUint32(0, (flags & 0x80) === 0) };
}

/** Writes a header into `out` at `offset`. */
export function writeHeader(out: Uint8Array, offset: number, h: Header): void {
  out[offset] = PVA_MAGIC;
  out[offset + 1] = h.version;
  out[offset + 2] = h.flags;
  out[offset + 3] = h.command;
  new DataView(out.buffer, out.byteOffset + offset + 4, 4).setUint32(
    0,
    h.payloadSize,
    (h.flags & 0x80) === 0,
  );
}

/** A header as a fresh 8-byte array. */
export function headerBytes(h: Header): Uint8Array {
  const out = new Uint8Array(HEADER_SIZE);
  writeHeader(out, 0, h);
  return out;
}
