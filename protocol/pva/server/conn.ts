/**
 * One client connection on the server: handshake, channels, and dispatch of operation
 * requests to their operations. Stale ids are ignored; malformed messages close this
 * connection only.
 * @module
 */
import { DecodeError } from "../../pvdata/errors.ts";
import { Reader } from "../../pvdata/reader.ts";
import { errorStatus, type Status, STATUS_OK, writeStatus } from "../../pvdata/status.ts";
import { writeType } from "../../pvdata/typedesc.ts";
import { findField, sameType } from "../../pvdata/types.ts";
import type { Writer } from "../../pvdata/writer.ts";
import { type Message, MessageStream } from "../message_stream.ts";
import type { PvaLimits } from "../limits.ts";
import { encodeControl, encodeMessage } from "../frame.ts";
import { Command, ControlCommand, Subcmd } from "../header.ts";
import {
  type ChannelRequest,
  readCreateChannelRequest,
  readDestroyChannel,
  writeCreateChannelResponse,
  writeDestroyChannel,
} from "../messages/channel.ts";
import { readSearchRequest, type SearchRequest, writeSearchResponse } from "../messages/discovery.ts";
import { type Peer, readValidationResponse, writeValidationRequest } from "../messages/handshake.ts";
import {
  readGetFieldRequest,
  readOpRequestHead,
  readRequestRef,
  type ServerMessage,
  writeOpResponseHead,
  writeServerMessage,
} from "../messages/ops.ts";
import { searchResponse } from "./discovery.ts";
import { initGet } from "./get.ts";
import { initMonitor } from "./monitor.ts";
import type { ChannelAccess } from "./access_rules.ts";
import { accessStatus, type OpLink, type ServerChannel, type ServerOp } from "./op.ts";
import { initPut } from "./put.ts";
import { initRpc } from "./rpc.ts";
import type { SharedPV } from "./shared_pv.ts";

/** Authentication methods we offer, lowest priority first (as pvxs does). */
export const AUTH_METHODS = ["anonymous", "ca"];

/**
 * A connected client as the server sees it ({@link ServerConnection.describe}).
 * @example
 * ```ts ignore
 * const byUser = Object.groupBy(server.peers(), (p) => `${p.user}@${p.host}`);
 * ```
 */
export interface PeerInfo extends Peer {
  /** The client's TCP port. */
  port: number;
  /** Names of the channels it has open, one entry per channel. */
  channels: string[];
}

/** What a connection needs from its server. */
export interface ServerContext {
  /** The PV served under `name` (hosted, or from the dynamic source), if any. */
  lookup(name: string): SharedPV | undefined | Promise<SharedPV | undefined>;
  /** Whether a search for `name` is answered (never rejects). */
  claims(name: string): boolean | Promise<boolean>;
  /** Called once the client has validated (its identity is known). */
  onValidated?(c: ServerConnection): void;
  /** GUID and TCP port for search replies over TCP. */
  guid: Uint8Array;
  tcpPort: number;
  /** Seconds of silence before the connection is dropped. */
  idleTimeout: number;
  /** What one client may cost us. */
  limits: PvaLimits;
  /** Byte order of what we send (announced by SetByteOrder); little-endian by default. */
  littleEndian?: boolean;
  /** Access rules checked at the INIT of every operation. */
  access?: ChannelAccess;
}

type OpInit = (ch: ServerChannel, ioid: number, subcmd: number, r: Reader) => ServerOp | null;

const OP_INITS: Record<number, OpInit> = {
  [Command.GET]: initGet,
  [Command.PUT]: initPut,
  [Command.MONITOR]: initMonitor,
  [Command.RPC]: initRpc,
};

/**
 * What a client may send before its CONNECTION_VALIDATION: nothing that creates state on
 * our side. pvxs serves channels only on validated connections; a peer that skips the
 * handshake is not a pvAccess client, so we close rather than ignore (ignoring would let
 * it hold the connection and keep sending).
 */
const BEFORE_VALIDATION: ReadonlySet<number> = new Set([
  Command.CONNECTION_VALIDATION,
  Command.ECHO,
  Command.SEARCH,
]);

interface OpenOp {
  sid: number;
  op: ServerOp;
}

/**
 * The server's side of one client's connection: its handshake, channels and operations.
 * Its framing is a {@link MessageStream}.
 */
export class ServerConnection implements OpLink {
  #peer: Peer;
  readonly #port: number;
  readonly #stream: MessageStream;
  readonly #ctx: ServerContext;
  readonly #channels = new Map<number, ServerChannel>();
  readonly #ops = new Map<number, OpenOp>();
  #nextSid = 1;

  /**
   * @param socket the accepted socket
   * @param ctx the server
   * @param onClose called once when the connection ends
   */
  constructor(socket: Deno.Conn, ctx: ServerContext, onClose: (c: ServerConnection, e?: Error) => void) {
    this.#ctx = ctx;
    const remote = socket.remoteAddr as Deno.NetAddr;
    this.#peer = { method: "anonymous", user: "", host: remote.hostname, address: remote.hostname };
    this.#port = remote.port;
    this.#stream = new MessageStream(socket, {
      role: "server",
      limits: ctx.limits,
      idleTimeout: ctx.idleTimeout,
      onMessage: (m) => this.#dispatch(m),
      onClose: (e) => {
        for (const { op } of this.#ops.values()) op.destroy();
        this.#ops.clear();
        this.#channels.clear();
        onClose(this, e);
      },
    });
    this.#stream.littleEndian = ctx.littleEndian ?? true;
  }

  /** Sends the greeting and serves the connection until it closes. */
  run(): Promise<void> {
    const le = this.#stream.littleEndian;
    this.#stream.send([encodeControl(ControlCommand.SET_BYTE_ORDER, "server", le)]);
    this.#send(
      Command.CONNECTION_VALIDATION,
      (w) =>
        writeValidationRequest(w, { bufferSize: 0x10000, registrySize: 0x7fff, authMethods: AUTH_METHODS }),
    );
    return this.#stream.run();
  }

  /** Closes the connection at once; replies still queued are dropped. */
  close(): void {
    this.#stream.close();
  }

  /** The client, its port and its open channels. */
  describe(): PeerInfo {
    return { ...this.#peer, port: this.#port, channels: [...this.#channels.values()].map((c) => c.name) };
  }

  /**
   * Moves the channels served by `from` to `to`. Operations carry on when the type is the
   * same (a running monitor resubscribes and receives `to`'s value in full); otherwise the
   * channel is destroyed, and the client reconnects and learns the new type.
   */
  movePV(from: SharedPV, to: SharedPV): void {
    const movable = to.acceptsChannels && (!from.isOpen || to.isOpen && sameType(from.type, to.type));
    for (const ch of [...this.#channels.values()]) {
      if (ch.pv !== from) continue;
      if (!movable) {
        this.#destroyChannel(ch);
        this.#send(Command.DESTROY_CHANNEL, (w) => writeDestroyChannel(w, { sid: ch.sid, cid: ch.cid }));
        continue;
      }
      ch.pv = to;
      for (const open of this.#ops.values()) if (open.sid === ch.sid) open.op.moved?.(from);
    }
  }

  // ---- OpLink ----

  /** The client's identity (anonymous until validated). */
  get peer(): Peer {
    return this.#peer;
  }

  /** The server's access rules, if any. */
  get access(): ChannelAccess | undefined {
    return this.#ctx.access;
  }

  /** Byte order of our messages. */
  get littleEndian(): boolean {
    return this.#stream.littleEndian;
  }

  /** Socket backlog in bytes. */
  get pendingBytes(): number {
    return this.#stream.pendingBytes;
  }

  /** Resolves once the socket backlog is written. */
  drained(): Promise<void> {
    return this.#stream.drained();
  }

  /** Sends an operation reply. */
  reply(
    command: number,
    ioid: number,
    subcmd: number,
    status: Status,
    body?: (w: Writer) => void,
  ): Promise<void> {
    return this.#send(command, (w) => {
      writeOpResponseHead(w, command, { ioid, subcmd, status });
      body?.(w);
    });
  }

  /** Sends an operation reply with a pre-encoded (shared) body; large chunks are not copied. */
  replyChunks(
    command: number,
    ioid: number,
    subcmd: number,
    status: Status,
    body: Uint8Array[],
  ): Promise<void> {
    return this.#send(command, (w) => {
      writeOpResponseHead(w, command, { ioid, subcmd, status });
      for (const c of body) w.bytes(c, true);
    });
  }

  /** Sends a MESSAGE about an operation. */
  message(m: ServerMessage): void {
    this.#send(Command.MESSAGE, (w) => writeServerMessage(w, m));
  }

  /** Forgets an operation. */
  forget(ioid: number): void {
    this.#ops.delete(ioid);
  }

  // ---- Receiving ----

  #send(command: number, body: (w: Writer) => void): Promise<void> {
    return this.#stream.send(encodeMessage(command, "server", this.#stream.littleEndian, body));
  }

  /** The limits operations apply (monitor queues). */
  get limits(): PvaLimits {
    return this.#ctx.limits;
  }

  #dispatch(m: Message): void {
    if (!this.#stream.validated && !BEFORE_VALIDATION.has(m.command)) {
      throw new DecodeError(0, `command 0x${m.command.toString(16)} before connection validation`);
    }
    const r = new Reader(m.payload, m.littleEndian, { typeCache: this.#stream.rxTypes });
    switch (m.command) {
      case Command.CONNECTION_VALIDATION:
        return this.#onValidation(r);
      case Command.ECHO:
        this.#send(Command.ECHO, (w) => w.bytes(m.payload));
        return;
      // Names may be looked up asynchronously (the dynamic source); the request is decoded
      // first, so malformed bytes still fail here, and anything later closes this connection only.
      case Command.SEARCH:
        this.#onSearch(readSearchRequest(r)).catch((e) => this.#stream.close(e));
        return;
      case Command.CREATE_CHANNEL:
        this.#onCreateChannel(readCreateChannelRequest(r)).catch((e) => this.#stream.close(e));
        return;
      case Command.DESTROY_CHANNEL:
        return this.#onDestroyChannel(r);
      case Command.GET_FIELD:
        return this.#onGetField(r);
      case Command.DESTROY_REQUEST:
      case Command.CANCEL_REQUEST: {
        const { ioid } = readRequestRef(r);
        const open = this.#ops.get(ioid);
        if (m.command === Command.CANCEL_REQUEST) open?.op.cancel?.();
        else if (open) {
          open.op.destroy();
          this.#ops.delete(ioid);
        }
        return;
      }
      case Command.GET:
      case Command.PUT:
      case Command.MONITOR:
      case Command.RPC:
      case Command.PUT_GET:
      case Command.PROCESS:
      case Command.ARRAY:
        return this.#onOperation(m.command, r);
        // Anything else (AUTHNZ, unknown commands) is ignored, as pvxs does.
    }
  }

  #onValidation(r: Reader): void {
    const v = readValidationResponse(r);
    let status: Status = STATUS_OK;
    if (!AUTH_METHODS.includes(v.method)) {
      status = errorStatus(`authentication method "${v.method}" not offered`);
    } else if (v.method === "ca" && v.credentials) {
      const c = v.credentials.value as { user?: unknown; host?: unknown };
      this.#peer = {
        ...this.#peer,
        method: "ca",
        user: typeof c.user === "string" ? c.user : "",
        host: typeof c.host === "string" && c.host !== "" ? c.host : this.#peer.host,
      };
    }
    // Like pvxs, a refused method still leaves the connection usable (without credentials).
    this.#stream.markValidated();
    this.#send(Command.CONNECTION_VALIDATED, (w) => writeStatus(w, status));
    this.#ctx.onValidated?.(this);
  }

  async #onSearch(search: SearchRequest): Promise<void> {
    const response = await searchResponse(search, this.#ctx.guid, this.#ctx.tcpPort, this.#ctx.claims);
    if (response) this.#send(Command.SEARCH_RESPONSE, (w) => writeSearchResponse(w, response));
  }

  async #onCreateChannel(requests: ChannelRequest[]): Promise<void> {
    for (const { cid, name } of requests) {
      if (name === "") break;
      let status = errorStatus(`no such channel: ${name}`);
      let pv: SharedPV | undefined;
      try {
        pv = await this.#ctx.lookup(name);
      } catch (e) {
        status = errorStatus(`${name}: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (!pv?.acceptsChannels) {
        this.#send(Command.CREATE_CHANNEL, (w) => writeCreateChannelResponse(w, { cid, sid: 0, status }));
        continue;
      }
      const sid = this.#nextSid++;
      this.#channels.set(sid, { sid, cid, name, pv, link: this });
      this.#send(
        Command.CREATE_CHANNEL,
        (w) => writeCreateChannelResponse(w, { cid, sid, status: STATUS_OK }),
      );
    }
  }

  #onDestroyChannel(r: Reader): void {
    const { sid, cid } = readDestroyChannel(r);
    const ch = this.#channels.get(sid);
    if (!ch) return;
    this.#destroyChannel(ch);
    this.#send(Command.DESTROY_CHANNEL, (w) => writeDestroyChannel(w, { sid, cid }));
  }

  /** Forgets a channel and ends its operations. */
  #destroyChannel(ch: ServerChannel): void {
    this.#channels.delete(ch.sid);
    for (const [ioid, open] of this.#ops) {
      if (open.sid !== ch.sid) continue;
      open.op.destroy();
      this.#ops.delete(ioid);
    }
  }

  #onGetField(r: Reader): void {
    const { sid, ioid, subField } = readGetFieldRequest(r);
    const ch = this.#channels.get(sid);
    if (!ch) return;
    // An RPC-only PV has no type to describe.
    const pvType = ch.pv.isOpen ? ch.pv.type : undefined;
    const type = subField === "" || pvType === undefined ? pvType : findField(pvType, subField);
    const denied = accessStatus(ch, "info");
    this.#send(Command.GET_FIELD, (w) => {
      w.u32(ioid);
      if (denied.type !== "ok") writeStatus(w, denied);
      else if (type === undefined) {
        writeStatus(w, errorStatus(`no field ${subField || "type"} in ${ch.name}`));
      } else {
        writeStatus(w, STATUS_OK);
        writeType(w, type);
      }
    });
  }

  #onOperation(command: number, r: Reader): void {
    const { sid, ioid, subcmd } = readOpRequestHead(r);
    const ch = this.#channels.get(sid);
    if (!ch) return;
    if ((subcmd & Subcmd.INIT) === 0) {
      const open = this.#ops.get(ioid);
      if (open && open.sid === sid) {
        // Async handlers (put, rpc) fail later: bad input still closes just this connection.
        Promise.resolve(open.op.onRequest(subcmd, r)).catch((e) => this.#stream.close(e));
      }
      return;
    }
    if (this.#ops.has(ioid)) throw new DecodeError(0, `INIT for ioid ${ioid}, which is in use`);
    const init = OP_INITS[command];
    if (!init) {
      this.reply(command, ioid, subcmd, errorStatus(`operation ${command} is not supported`));
      return;
    }
    let op: ServerOp | null;
    try {
      op = init(ch, ioid, subcmd, r);
    } catch (e) {
      if (e instanceof DecodeError) throw e;
      this.reply(command, ioid, subcmd, errorStatus(e instanceof Error ? e.message : String(e)));
      return;
    }
    if (op) this.#ops.set(ioid, { sid, op });
  }
}
