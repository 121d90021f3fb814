/**
 * Operation messages (GET, PUT, PUT_GET, MONITOR, RPC, ARRAY, PROCESS, GET_FIELD) and the
 * housekeeping around them (DESTROY_REQUEST, CANCEL_REQUEST, MESSAGE).
 *
 * Requests start with sid, ioid and a subcommand; replies with ioid, the echoed
 * subcommand and (except for monitor updates) a Status. What follows depends on the
 * operation and on the type agreed at INIT, so bodies are read by the operation that
 * owns the ioid with the helpers of pvdata (readChanged, readTypedValue, ...).
 *
 * @module
 */
import type { Reader } from "../../pvdata/reader.ts";
import type { Writer } from "../../pvdata/writer.ts";
import { readStatus, type Status, STATUS_OK, writeStatus } from "../../pvdata/status.ts";
import { Command, Subcmd } from "../header.ts";

/** The head of an operation request. */
export interface OpRequestHead {
  /** The server's channel id. */
  sid: number;
  /** The operation's id, chosen by the client. */
  ioid: number;
  /** INIT, GET, DESTROY... bits (Subcmd). */
  subcmd: number;
}

/** Writes sid, ioid and subcommand. */
export function writeOpRequestHead(w: Writer, m: OpRequestHead): void {
  w.u32(m.sid);
  w.u32(m.ioid);
  w.u8(m.subcmd);
}

/** Reads sid, ioid and subcommand. */
export function readOpRequestHead(r: Reader): OpRequestHead {
  return { sid: r.u32(), ioid: r.u32(), subcmd: r.u8() };
}

/** The head of an operation reply. */
export interface OpResponseHead {
  /** The operation's id. */
  ioid: number;
  /** The subcommand being answered. */
  subcmd: number;
  /** Absent (OK) on monitor data updates, which carry no Status. */
  status: Status;
}

/** True when a reply of `command` with `subcmd` carries a Status. */
export function replyHasStatus(command: number, subcmd: number): boolean {
  return command !== Command.MONITOR || (subcmd & (Subcmd.INIT | Subcmd.DESTROY)) !== 0;
}

/** Writes ioid, subcommand and, where the reply form has one, the Status. */
export function writeOpResponseHead(w: Writer, command: number, m: OpResponseHead): void {
  w.u32(m.ioid);
  w.u8(m.subcmd);
  if (replyHasStatus(command, m.subcmd)) writeStatus(w, m.status);
}

/** Reads ioid, subcommand and, where the reply form has one, the Status. */
export function readOpResponseHead(r: Reader, command: number): OpResponseHead {
  const ioid = r.u32();
  const subcmd = r.u8();
  const status = replyHasStatus(command, subcmd) ? readStatus(r) : STATUS_OK;
  return { ioid, subcmd, status };
}

/** GET_FIELD request: no subcommand, a sub-field name ("" for the whole record). */
export interface GetFieldRequest {
  /** The server's channel id. */
  sid: number;
  /** The operation's id. */
  ioid: number;
  /** The sub-field to describe ("" for the whole record). */
  subField: string;
}

/** Writes a GET_FIELD request. */
export function writeGetFieldRequest(w: Writer, m: GetFieldRequest): void {
  w.u32(m.sid);
  w.u32(m.ioid);
  w.string(m.subField);
}

/** Reads a GET_FIELD request. */
export function readGetFieldRequest(r: Reader): GetFieldRequest {
  return { sid: r.u32(), ioid: r.u32(), subField: r.string() };
}

/** DESTROY_REQUEST and CANCEL_REQUEST: which operation. */
export interface RequestRef {
  /** The server's channel id. */
  sid: number;
  /** The operation's id. */
  ioid: number;
}

/** Writes a DESTROY_REQUEST or CANCEL_REQUEST payload. */
export function writeRequestRef(w: Writer, m: RequestRef): void {
  w.u32(m.sid);
  w.u32(m.ioid);
}

/** Reads a DESTROY_REQUEST or CANCEL_REQUEST payload. */
export function readRequestRef(r: Reader): RequestRef {
  return { sid: r.u32(), ioid: r.u32() };
}

/** MESSAGE severities. */
export const MESSAGE_TYPES = ["info", "warning", "error", "fatal"] as const;

/** MESSAGE: server-to-client diagnostics about an operation. */
export interface ServerMessage {
  /** The operation the message is about. */
  ioid: number;
  /** Severity. */
  type: typeof MESSAGE_TYPES[number];
  /** The text. */
  message: string;
}

/** Writes a MESSAGE payload. */
export function writeServerMessage(w: Writer, m: ServerMessage): void {
  w.u32(m.ioid);
  w.u8(MESSAGE_TYPES.indexOf(m.type));
  w.string(m.message);
}

/** Reads a MESSAGE payload. */
export function readServerMessage(r: Reader): ServerMessage {
  const ioid = r.u32();
  const code = r.u8();
  return { ioid, type: MESSAGE_TYPES[code] ?? "error", message: r.string() };
}
