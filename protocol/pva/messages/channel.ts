/**
 * Channel messages: CREATE_CHANNEL and DESTROY_CHANNEL.
 * @module
 */
import type { Reader } from "../../pvdata/reader.ts";
import type { Writer } from "../../pvdata/writer.ts";
import { readStatus, type Status, writeStatus } from "../../pvdata/status.ts";

/** CREATE_CHANNEL request entry: client id and name. */
export interface ChannelRequest {
  /** The client's id for the channel. */
  cid: number;
  /** The channel (PV) name. */
  name: string;
}

/** Writes a CREATE_CHANNEL request (uint16 count, not a Size). */
export function writeCreateChannelRequest(w: Writer, channels: ChannelRequest[]): void {
  w.u16(channels.length);
  for (const c of channels) {
    w.u32(c.cid);
    w.string(c.name);
  }
}

/** Reads a CREATE_CHANNEL request. */
export function readCreateChannelRequest(r: Reader): ChannelRequest[] {
  const out: ChannelRequest[] = [];
  for (let n = r.u16(); n > 0; n--) out.push({ cid: r.u32(), name: r.string() });
  return out;
}

/** CREATE_CHANNEL response. */
export interface CreateChannelResponse {
  /** The client's id, echoed. */
  cid: number;
  /** The server's id for the channel, used in every later request. */
  sid: number;
  /** Whether the channel was created. */
  status: Status;
}

/** Writes a CREATE_CHANNEL response. */
export function writeCreateChannelResponse(w: Writer, m: CreateChannelResponse): void {
  w.u32(m.cid);
  w.u32(m.sid);
  writeStatus(w, m.status);
}

/** Reads a CREATE_CHANNEL response. */
export function readCreateChannelResponse(r: Reader): CreateChannelResponse {
  return { cid: r.u32(), sid: r.u32(), status: readStatus(r) };
}

/** DESTROY_CHANNEL in either direction. */
export interface DestroyChannel {
  /** The server's id of the channel. */
  sid: number;
  /** The client's id of the channel. */
  cid: number;
}

/** Writes a DESTROY_CHANNEL payload. */
export function writeDestroyChannel(w: Writer, m: DestroyChannel): void {
  w.u32(m.sid);
  w.u32(m.cid);
}

/** Reads a DESTROY_CHANNEL payload. */
export function readDestroyChannel(r: Reader): DestroyChannel {
  return { sid: r.u32(), cid: r.u32() };
}
