/**
 * The Channel Access message header (16 bytes, or 24 with the extension for large payloads),
 * command codes and the constants of the protocol. CA is always big-endian on the wire and
 * every payload is padded to a multiple of 8 bytes.
 * @module
 */
import { DecodeError } from "../pvdata/errors.ts";

/** Minor protocol version we announce (EPICS base 3.14.12 and later: 13, "CA 4.13"). */
export const CA_MINOR_VERSION = 13;
/** Default TCP and UDP port of CA servers (EPICS_CA_SERVER_PORT). */
export const CA_SERVER_PORT = 5064;
/** Length of the ordinary header. */
export const HEADER_SIZE = 16;
/** Length of the header when the payload size and element count travel in the extension. */
export const EXTENDED_HEADER_SIZE = 24;

/** Command codes (the first 16 bits of every message). */
export const CaCommand = {
  VERSION: 0,
  EVENT_ADD: 1,
  EVENT_CANCEL: 2,
  READ: 3,
  WRITE: 4,
  SEARCH: 6,
  EVENTS_OFF: 8,
  EVENTS_ON: 9,
  READ_SYNC: 10,
  ERROR: 11,
  CLEAR_CHANNEL: 12,
  RSRV_IS_UP: 13,
  NOT_FOUND: 14,
  READ_NOTIFY: 15,
  REPEATER_CONFIRM: 17,
  CREATE_CHAN: 18,
  WRITE_NOTIFY: 19,
  CLIENT_NAME: 20,
  HOST_NAME: 21,
  ACCESS_RIGHTS: 22,
  ECHO: 23,
  REPEATER_REGISTER: 24,
  CREATE_CH_FAIL: 26,
  SERVER_DISCONN: 27,
} as const;

/** The data type field of a SEARCH: whether a server that lacks the name should say so. */
export const SearchReply = { DO_REPLY: 10, DONT_REPLY: 5 } as const;

/** Bits of the rights field of ACCESS_RIGHTS. */
export const AccessRight = { READ: 1, WRITE: 2 } as const;

/** Which changes a subscription (EVENT_ADD) asks for. */
export const EventMask = { VALUE: 1, LOG: 2, ALARM: 4, PROPERTY: 8 } as const;

/** The status code of a successful operation (ECA_NORMAL). */
export const ECA_NORMAL = 1;

/** A decoded header; the meaning of the four numbers depends on the command. */
export interface CaHeader {
  /** A {@link CaCommand} code. */
  command: number;
  /** Payload length in bytes (a multiple of 8 from conforming peers). */
  payloadSize: number;
  /** Usually a DBR type; the server port in a search reply, the priority in VERSION. */
  dataType: number;
  /** Usually an element count; the minor version in VERSION and SEARCH. */
  dataCount: number;
  /** Usually the channel id (cid or sid) or a status code. */
  parameter1: number;
  /** Usually the operation id (ioid, subscription id) or the channel id. */
  parameter2: number;
}

/**
 * Reads the header at `offset`, or returns undefined when fewer bytes than it needs are
 * available (16, or 24 for the extended form: size 0xFFFF with count 0).
 * @example
 * ```ts
 * import { readHeader } from "./header.ts";
 * const bytes = new Uint8Array(16);
 * bytes[1] = 23; // ECHO
 * readHeader(bytes, 0)?.header.command; // 23
 * ```
 */
export function readHeader(
  bytes: Uint8Array,
  offset: number,
): { header: CaHeader; size: number } | undefined {
  if (bytes.length - offset < HEADER_SIZE) return undefined;
  const v = new DataView(bytes.buffer, bytes.byteOffset + offset);
  const header: CaHeader = {
    command: v.getUint16(0),
    payloadSize: v.getUint16(2),
    dataType: v.getUint16(4),
    dataCount: v.getUint16(6),
    parameter1: v.getUint32(8),
    parameter2: v.getUint32(12),
  };
  if (header.payloadSize !== 0xffff || header.dataCount !== 0) return { header, size: HEADER_SIZE };
  if (bytes.length - offset < EXTENDED_HEADER_SIZE) return undefined;
  header.payloadSize = v.getUint32(16);
  header.dataCount = v.getUint32(20);
  return { header, size: EXTENDED_HEADER_SIZE };
}

/**
 * Like {@link readHeader} for a buffer that must hold the whole header: a datagram.
 * @throws DecodeError when the bytes end inside the header
 */
export function readWholeHeader(bytes: Uint8Array, offset: number): { header: CaHeader; size: number } {
  const h = readHeader(bytes, offset);
  if (h === undefined) {
    throw new DecodeError(offset, `CA header needs 16 bytes, ${bytes.length - offset} left`);
  }
  return h;
}

/** The fields of a message to send; the payload size follows from the payload. */
export type OutgoingHeader = Omit<CaHeader, "payloadSize">;

/**
 * One message as bytes: the header (extended when the padded payload or the count does not
 * fit 16 bits) and the payload, padded with zeros to a multiple of 8.
 * @example
 * ```ts
 * import { CaCommand, encodeMessage } from "./header.ts";
 * const echo = encodeMessage({ command: CaCommand.ECHO, dataType: 0, dataCount: 0, parameter1: 0, parameter2: 0 });
 * echo.length; // 16
 * ```
 */
export function encodeMessage(h: OutgoingHeader, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const padded = Math.ceil(payload.length / 8) * 8;
  const extended = padded >= 0xffff || h.dataCount >= 0xffff;
  const headerSize = extended ? EXTENDED_HEADER_SIZE : HEADER_SIZE;
  const out = new Uint8Array(headerSize + padded);
  const v = new DataView(out.buffer);
  v.setUint16(0, h.command);
  v.setUint16(2, extended ? 0xffff : padded);
  v.setUint16(4, h.dataType);
  v.setUint16(6, extended ? 0 : h.dataCount);
  v.setUint32(8, h.parameter1);
  v.setUint32(12, h.parameter2);
  if (extended) {
    v.setUint32(16, padded);
    v.setUint32(20, h.dataCount);
  }
  out.set(payload, headerSize);
  return out;
}

/** A string as CA sends names: its UTF-8 bytes and a terminating NUL (padding comes later). */
export function nulTerminated(text: string): Uint8Array {
  const utf8 = new TextEncoder().encode(text);
  const out = new Uint8Array(utf8.length + 1);
  out.set(utf8);
  return out;
}

/** The text before the first NUL of `bytes` (all of it without one). */
export function readNulTerminated(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
}
