/**
 * The messages a CA client sends, as bytes, and the replies whose payload needs more than
 * the header: a search reply and an error report.
 * @module
 */
import { DecodeError } from "../pvdata/errors.ts";
import {
  CA_MINOR_VERSION,
  CaCommand,
  type CaHeader,
  encodeMessage,
  EventMask,
  HEADER_SIZE,
  nulTerminated,
  readHeader,
  readNulTerminated,
  SearchReply,
} from "./header.ts";

const NONE = { dataType: 0, dataCount: 0, parameter1: 0, parameter2: 0 };

/** VERSION on a circuit: our minor version and the circuit's priority (0..99). */
export function versionMessage(priority = 0): Uint8Array {
  return encodeMessage({
    ...NONE,
    command: CaCommand.VERSION,
    dataType: priority,
    dataCount: CA_MINOR_VERSION,
  });
}

/** VERSION heading a search datagram: the sequence number lets replies be matched to it. */
export function searchVersionMessage(sequence: number): Uint8Array {
  // dataType 1 ("sequence number is valid"), as EPICS clients send it.
  return encodeMessage({
    ...NONE,
    command: CaCommand.VERSION,
    dataType: 1,
    dataCount: CA_MINOR_VERSION,
    parameter1: sequence,
  });
}

/** CLIENT_NAME: the user name the server's access rules see. */
export function clientNameMessage(user: string): Uint8Array {
  return encodeMessage({ ...NONE, command: CaCommand.CLIENT_NAME }, nulTerminated(user));
}

/** HOST_NAME: the host name the server's access rules see. */
export function hostNameMessage(host: string): Uint8Array {
  return encodeMessage({ ...NONE, command: CaCommand.HOST_NAME }, nulTerminated(host));
}

/** SEARCH for one name; servers that lack it stay silent. */
export function searchMessage(cid: number, name: string): Uint8Array {
  return encodeMessage({
    command: CaCommand.SEARCH,
    dataType: SearchReply.DONT_REPLY,
    dataCount: CA_MINOR_VERSION,
    parameter1: cid,
    parameter2: cid,
  }, nulTerminated(name));
}

/** CREATE_CHAN: binds our `cid` to a name on this circuit. */
export function createChannelMessage(cid: number, name: string): Uint8Array {
  return encodeMessage({
    ...NONE,
    command: CaCommand.CREATE_CHAN,
    parameter1: cid,
    parameter2: CA_MINOR_VERSION,
  }, nulTerminated(name));
}

/** CLEAR_CHANNEL: releases the server's channel `sid` (our `cid`). */
export function clearChannelMessage(sid: number, cid: number): Uint8Array {
  return encodeMessage({ ...NONE, command: CaCommand.CLEAR_CHANNEL, parameter1: sid, parameter2: cid });
}

/** READ_NOTIFY: one read of `count` elements (0: as many as the server has) as `dbrType`. */
export function readNotifyMessage(sid: number, ioid: number, dbrType: number, count: number): Uint8Array {
  return encodeMessage({
    command: CaCommand.READ_NOTIFY,
    dataType: dbrType,
    dataCount: count,
    parameter1: sid,
    parameter2: ioid,
  });
}

/** EVENT_ADD: a subscription `subid` to the changes in `mask` (default value and alarm). */
export function eventAddMessage(
  sid: number,
  subid: number,
  dbrType: number,
  count: number,
  mask: number = EventMask.VALUE | EventMask.ALARM,
): Uint8Array {
  // Three obsolete float32 deadbands (zero), the mask, a pad.
  const payload = new Uint8Array(16);
  new DataView(payload.buffer).setUint16(12, mask);
  return encodeMessage({
    command: CaCommand.EVENT_ADD,
    dataType: dbrType,
    dataCount: count,
    parameter1: sid,
    parameter2: subid,
  }, payload);
}

/** EVENT_CANCEL: ends subscription `subid` (the server confirms with an empty EVENT_ADD). */
export function eventCancelMessage(sid: number, subid: number, dbrType: number, count: number): Uint8Array {
  return encodeMessage({
    command: CaCommand.EVENT_CANCEL,
    dataType: dbrType,
    dataCount: count,
    parameter1: sid,
    parameter2: subid,
  });
}

/** ECHO: asks a quiet server to prove it is alive. */
export function echoMessage(): Uint8Array {
  return encodeMessage({ ...NONE, command: CaCommand.ECHO });
}

/** A positive answer to a search. */
export interface SearchResult {
  cid: number;
  /** Server address as dotted quad, or null: use the address the reply came from. */
  address: string | null;
  port: number;
  /** The server's minor version, when the reply carries it. */
  minorVersion?: number;
}

/** Reads a SEARCH reply: the port in the data type, the address in parameter 1, the cid in 2. */
export function readSearchReply(h: CaHeader, payload: Uint8Array): SearchResult {
  const ip = h.parameter1 >>> 0;
  const address = ip === 0xffffffff || ip === 0
    ? null
    : [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join(".");
  const result: SearchResult = { cid: h.parameter2, address, port: h.dataType };
  if (payload.length >= 2) result.minorVersion = (payload[0] << 8) | payload[1];
  return result;
}

/** What an ERROR message reports: the request that failed, a status code and the server's text. */
export interface ErrorReport {
  /** The header of the request that failed. */
  request: CaHeader;
  /** The ECA status code. */
  status: number;
  message: string;
}

/**
 * Reads an ERROR message: the failed request's header, then the server's text.
 * @throws DecodeError when the payload does not hold a header
 */
export function readErrorReport(h: CaHeader, payload: Uint8Array): ErrorReport {
  const inner = readHeader(payload, 0);
  if (inner === undefined) {
    throw new DecodeError(0, `ERROR payload of ${payload.length} bytes holds no header`);
  }
  const text = payload.subarray(Math.max(inner.size, HEADER_SIZE));
  return { request: inner.header, status: h.parameter2, message: readNulTerminated(text) };
}
