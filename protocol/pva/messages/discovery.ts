/**
 * UDP discovery messages: SEARCH, SEARCH_RESPONSE, BEACON and ORIGIN_TAG.
 * @module
 */
import type { Reader } from "../../pvdata/reader.ts";
import type { Writer } from "../../pvdata/writer.ts";
import { readType, writeType } from "../../pvdata/typedesc.ts";
import { readValue, writeValue } from "../../pvdata/value.ts";
import type { FieldDesc, Value } from "../../pvdata/types.ts";
import { readAddress, writeAddress } from "./address.ts";

/** SEARCH flag bits. */
export const SearchFlag = {
  /** Reply even when none of the names is found (discovery ping). */
  MUST_REPLY: 0x01,
  /** The search was sent unicast (so receivers forward it to the local multicast group). */
  UNICAST: 0x80,
} as const;

/** One searched channel: the client's id for it and its name. */
export interface SearchedChannel {
  /** The client's id for the channel, echoed in the response. */
  id: number;
  /** The channel (PV) name. */
  name: string;
}

/** SEARCH (client → server, UDP or TCP to a name server). */
export interface SearchRequest {
  /** Matches responses to this search. */
  sequenceId: number;
  /** SEARCH_FLAGS bits. */
  flags: number;
  /** Where to reply; null means the datagram's source address. */
  replyAddress: string | null;
  /** UDP port to reply to. */
  replyPort: number;
  /** Transports the client accepts ("tcp"). */
  protocols: string[];
  /** The channels searched for. */
  channels: SearchedChannel[];
}

/** Writes a SEARCH payload. */
export function writeSearchRequest(w: Writer, m: SearchRequest): void {
  w.u32(m.sequenceId);
  w.u8(m.flags);
  w.bytes(new Uint8Array(3));
  writeAddress(w, m.replyAddress);
  w.u16(m.replyPort);
  w.size(m.protocols.length);
  for (const p of m.protocols) w.string(p);
  w.u16(m.channels.length);
  for (const c of m.channels) {
    w.u32(c.id);
    w.string(c.name);
  }
}

/** Reads a SEARCH payload. */
export function readSearchRequest(r: Reader): SearchRequest {
  const sequenceId = r.u32();
  const flags = r.u8();
  r.take(3);
  const replyAddress = readAddress(r);
  const replyPort = r.u16();
  const protocols: string[] = [];
  for (let n = r.count(r.remaining, "protocol"); n > 0; n--) protocols.push(r.string());
  const channels: SearchedChannel[] = [];
  for (let n = r.u16(); n > 0; n--) channels.push({ id: r.u32(), name: r.string() });
  return { sequenceId, flags, replyAddress, replyPort, protocols, channels };
}

/** SEARCH_RESPONSE (server → client). */
export interface SearchResponse {
  /** 12-byte server GUID. */
  guid: Uint8Array;
  /** The search's sequence id, echoed. */
  sequenceId: number;
  /** The server's address; null means the reply's source address. */
  serverAddress: string | null;
  /** The server's TCP port. */
  serverPort: number;
  /** Transport of the server ("tcp"). */
  protocol: string;
  /** Whether the listed ids were found (false only when the search asked for a reply). */
  found: boolean;
  /** Ids of the searched channels this server has. */
  ids: number[];
}

/** Writes a SEARCH_RESPONSE payload. */
export function writeSearchResponse(w: Writer, m: SearchResponse): void {
  w.bytes(m.guid);
  w.u32(m.sequenceId);
  writeAddress(w, m.serverAddress);
  w.u16(m.serverPort);
  w.string(m.protocol);
  w.u8(m.found ? 1 : 0);
  w.u16(m.ids.length);
  for (const id of m.ids) w.u32(id);
}

/** Reads a SEARCH_RESPONSE payload. */
export function readSearchResponse(r: Reader): SearchResponse {
  const guid = r.take(12).slice();
  const sequenceId = r.u32();
  const serverAddress = readAddress(r);
  const serverPort = r.u16();
  const protocol = r.string();
  const found = r.u8() !== 0;
  const ids: number[] = [];
  for (let n = r.u16(); n > 0; n--) ids.push(r.u32());
  return { guid, sequenceId, serverAddress, serverPort, protocol, found, ids };
}

/** BEACON (server → UDP). */
export interface Beacon {
  /** 12-byte server GUID. */
  guid: Uint8Array;
  /** Reserved flags. */
  flags: number;
  /** Beacon sequence number, rolling over. */
  sequence: number;
  /** Changes when the server's PV set changes. */
  changeCount: number;
  /** The server's address; null means the beacon's source address. */
  serverAddress: string | null;
  /** The server's TCP port. */
  serverPort: number;
  /** Transport of the server ("tcp"). */
  protocol: string;
  /** Optional server status (pvAccessCPP); null when absent. */
  status: { type: FieldDesc; value: Value } | null;
}

/** Writes a BEACON payload. */
export function writeBeacon(w: Writer, m: Beacon): void {
  w.bytes(m.guid);
  w.u8(m.flags);
  w.u8(m.sequence & 0xff);
  w.u16(m.changeCount);
  writeAddress(w, m.serverAddress);
  w.u16(m.serverPort);
  w.string(m.protocol);
  writeType(w, m.status?.type ?? null);
  if (m.status) writeValue(w, m.status.type, m.status.value);
}

/** Reads a BEACON payload. */
export function readBeacon(r: Reader): Beacon {
  const guid = r.take(12).slice();
  const flags = r.u8();
  const sequence = r.u8();
  const changeCount = r.u16();
  const serverAddress = readAddress(r);
  const serverPort = r.u16();
  const protocol = r.string();
  // Some old servers end the beacon right after the protocol.
  const type = r.remaining > 0 ? readType(r) : null;
  const status = type === null ? null : { type, value: readValue(r, type) };
  return { guid, flags, sequence, changeCount, serverAddress, serverPort, protocol, status };
}

/** ORIGIN_TAG: prefixes a forwarded search with the address it first arrived on. */
export interface OriginTag {
  /** The address the search first arrived on; null for the unspecified address. */
  address: string | null;
}

/** Writes an ORIGIN_TAG payload. */
export function writeOriginTag(w: Writer, m: OriginTag): void {
  writeAddress(w, m.address);
}

/** Reads an ORIGIN_TAG payload. */
export function readOriginTag(r: Reader): OriginTag {
  return { address: readAddress(r) };
}
