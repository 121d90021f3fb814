/**
 * What every server-side operation shares: its channel, its id, replying, and the pvRequest
 * handling at INIT.
 * @module
 */
import { bitCount } from "../../pvdata/partial.ts";
import { type PvRequest, requestMask, unknownFields } from "../../pvdata/pvrequest.ts";
import type { Reader } from "../../pvdata/reader.ts";
import { type Status, STATUS_OK } from "../../pvdata/status.ts";
import { readTypedValue } from "../../pvdata/value.ts";
import type { Writer } from "../../pvdata/writer.ts";
import type { PvaLimits } from "../limits.ts";
import type { ChannelAccess } from "./access_rules.ts";
import type { Peer } from "../messages/handshake.ts";
import type { ServerMessage } from "../messages/ops.ts";
import type { AccessOp, SharedPV } from "./shared_pv.ts";
import { SELECT_ALL, type Selection } from "./update.ts";

/** The server's view of one open channel on one connection. */
export interface ServerChannel {
  readonly sid: number;
  readonly cid: number;
  readonly name: string;
  /** The PV behind the name; `PvaServer.replacePV` may move the channel to another PV of the same type. */
  pv: SharedPV;
  readonly link: OpLink;
}

/** What an operation needs from its connection. */
export interface OpLink {
  /** The client. */
  readonly peer: Peer;
  /** Byte order of our replies. */
  readonly littleEndian: boolean;
  /** Bytes queued on the socket and not yet written (for back-pressure). */
  readonly pendingBytes: number;
  /** What the client may cost us (monitor queue sizes). */
  readonly limits: PvaLimits;
  /** The server's access rules, if it has any (checked before the PV's own rule). */
  readonly access: ChannelAccess | undefined;
  /** Sends an operation reply: ioid, subcmd, Status (where the form has one), then `body`. */
  reply(
    command: number,
    ioid: number,
    subcmd: number,
    status: Status,
    body?: (w: Writer) => void,
  ): Promise<void>;
  /** Sends a reply whose body is already encoded (shared chunks). */
  replyChunks(
    command: number,
    ioid: number,
    subcmd: number,
    status: Status,
    body: Uint8Array[],
  ): Promise<void>;
  /** Resolves once everything queued on the socket has been written. */
  drained(): Promise<void>;
  /** Sends a MESSAGE (diagnostics about an operation, never its outcome). */
  message(m: ServerMessage): void;
  /** Forgets an operation (after its final reply or on destroy). */
  forget(ioid: number): void;
}

/** A server operation after INIT. */
export interface ServerOp {
  /** Handles a request with this ioid (exec, ack, start/stop, destroy bit...). */
  onRequest(subcmd: number, r: Reader): void | Promise<void>;
  /** Ends the operation (DESTROY_REQUEST, channel or connection closed). */
  destroy(): void;
  /** CANCEL_REQUEST: stop what is in progress, stay usable. */
  cancel?(): void;
  /** The channel now serves another PV of the same type (`ch.pv`), moved from `from`. */
  moved?(from: SharedPV): void;
}

/** Reads the pvRequest that follows an INIT subcommand. */
export function readPvRequest(r: Reader): PvRequest {
  return readTypedValue(r, "pvRequest");
}

/**
 * The field selection of a pvRequest for the channel's PV. The distributor form (`_[...]`)
 * and an empty `field` select everything. Requested fields the PV lacks are ignored, and
 * the client is told so in a MESSAGE (as pvxs does).
 */
export function selectionOf(ch: ServerChannel, ioid: number, request: PvRequest): Selection {
  const pv = ch.pv;
  const unknown = unknownFields(pv.type, request);
  if (unknown.length > 0) {
    ch.link.message({ ioid, type: "warning", message: `${ch.name} has no field ${unknown.join(", ")}` });
  }
  const mask = requestMask(pv.type, request);
  const bits = [...mask];
  return bits.length === bitCount(pv.type) ? SELECT_ALL : { mask, key: bits.join(",") };
}

/**
 * True when the channel's peer may run `op`; otherwise answers the operation's INIT
 * (`command`, `ioid`, `subcmd`) with the refusal.
 */
export function initAllowed(
  ch: ServerChannel,
  command: number,
  ioid: number,
  subcmd: number,
  op: AccessOp,
): boolean {
  const denied = accessStatus(ch, op);
  if (denied.type === "ok") return true;
  ch.link.reply(command, ioid, subcmd, denied);
  return false;
}

/** An error status when `op` is not allowed for the channel's peer, else OK. */
export function accessStatus(ch: ServerChannel, op: AccessOp): Status {
  const rule = ch.pv.options.access;
  const peer = ch.link.peer;
  if (ch.link.access?.allows(peer, op, ch.name) === false || (rule && !rule(peer, op))) {
    return {
      type: "error",
      message: `${op} access to ${ch.name} denied for ${peer.user}@${peer.host}`,
      callTree: "",
    };
  }
  if (op === "put" && ch.pv.options.readOnly) {
    return { type: "error", message: `${ch.name} is read-only`, callTree: "" };
  }
  return STATUS_OK;
}
