/**
 * One client connection to a server (host:port), shared by all channels on that server:
 * the handshake, ECHO keep-alive and idle timeout, and dispatch of received messages to
 * channels (by cid) and operations (by ioid).
 * @module
 */
import { defaultLogger, type Logger } from "../../log.ts";
import { DecodeError } from "../../pvdata/errors.ts";
import { Reader } from "../../pvdata/reader.ts";
import { readStatus, type Status } from "../../pvdata/status.ts";
import type { Writer } from "../../pvdata/writer.ts";
import type { PvaConfig } from "../config.ts";
import { PvaLimitError } from "../limits.ts";
import { type Message, MessageStream, type PayloadHead } from "../message_stream.ts";
import type { PayloadPool } from "../payload_pool.ts";
import { encodeMessage } from "../frame.ts";
import { Command, ControlCommand } from "../header.ts";
import {
  caCredentials,
  readCreateChannelResponse,
  readDestroyChannel,
  readSearchResponse,
  readServerMessage,
  readValidationRequest,
  type SearchResponse,
  writeCreateChannelRequest,
  writeDestroyChannel,
  writeValidationResponse,
} from "../messages/mod.ts";
import { PvaDisconnectedError, PvaError } from "./errors.ts";

/** The receive buffer size pvAccessCPP servers announce in CONNECTION_VALIDATION. */
const PVACCESSCPP_BUFFER_SIZE = 16384 + 1024;

/** A channel as the connection sees it. */
export interface ConnChannel {
  readonly cid: number;
  readonly name: string;
  /** CREATE_CHANNEL answered. */
  onCreated(sid: number, status: Status): void;
  /** The server destroyed the channel, or the connection closed. */
  onLost(reason: string): void;
}

/** An operation as the connection sees it. */
export interface ConnOp {
  /** Server id of the operation's channel. */
  readonly sid: number;
  /** A reply for this ioid; `r` is positioned at the start of the payload. Throws DecodeError on bad data. */
  onReply(command: number, r: Reader): void;
  /** The channel or connection went away. */
  onLost(reason: string): void;
  /** Bytes to leave in front of a large reply of this operation, given its first bytes (see MessageStreamOptions.payloadShift). */
  payloadShift?(head: Uint8Array): number;
}

/** Options of {@link ClientConnection.open}. */
export interface ClientConnectionOptions {
  config: PvaConfig;
  /** Where server messages and refused credentials are reported (default {@link defaultLogger}). */
  logger?: Logger;
  /** SEARCH_RESPONSE received over this connection (name servers). */
  onSearchResponse?: (conn: ClientConnection, response: SearchResponse) => void;
  /** Called once when the connection has closed. */
  onClose?: (conn: ClientConnection) => void;
  /** Recycled buffers for large replies (the client's, shared by its connections). */
  payloadPool?: PayloadPool;
}

/** Operation replies routed by ioid. */
const OP_COMMANDS: ReadonlySet<number> = new Set([
  Command.GET,
  Command.PUT,
  Command.PUT_GET,
  Command.MONITOR,
  Command.ARRAY,
  Command.PROCESS,
  Command.GET_FIELD,
  Command.RPC,
]);

/** pvxs's echo period: 15 s, or 3/8 of a shorter idle timeout. */
function echoPeriodMs(idleTimeoutS: number): number {
  return Math.min(15, Math.max(1, idleTimeoutS * 3 / 8)) * 1000;
}

/**
 * The client's connection to one server (host:port), shared by every channel on that
 * server; {@link ClientConnection.open} resolves once the server has validated it. Its
 * framing is the {@link MessageStream} in `stream`.
 * @example
 * ```ts ignore
 * const conn = await ClientConnection.open("127.0.0.1", 5075, { config: configFromEnv() });
 * conn.createChannel(myChannel);
 * ```
 */
export class ClientConnection {
  /** "host:port" of the server. */
  readonly key: string;
  /** Server host (as dialled). */
  readonly host: string;
  /** Server TCP port. */
  readonly port: number;
  /** The framed message stream. */
  readonly stream: MessageStream;
  /** Where this connection, its channels and operations report what they cannot return. */
  readonly logger: Logger;

  private readonly opts: ClientConnectionOptions;
  private readonly channels = new Map<number, ConnChannel>();
  private readonly ops = new Map<number, ConnOp>();
  private nextIoid = 1;
  private timer: ReturnType<typeof setInterval> | undefined;
  private validated!: { resolve: () => void; reject: (e: Error) => void };
  private readonly ended: Promise<void>;
  #serverBufferSize = 0;
  private markEnded!: () => void;

  private constructor(socket: Deno.Conn, host: string, port: number, opts: ClientConnectionOptions) {
    this.host = host;
    this.port = port;
    this.key = `${host}:${port}`;
    this.opts = opts;
    this.logger = opts.logger ?? defaultLogger;
    this.ended = new Promise((resolve) => this.markEnded = resolve);
    this.stream = new MessageStream(socket, {
      role: "client",
      idleTimeout: opts.config.idleTimeout,
      limits: opts.config.limits,
      onMessage: (m) => this.dispatch(m),
      onControl: (m) => {
        if (m.command === ControlCommand.SET_BYTE_ORDER) this.stream.littleEndian = m.littleEndian;
      },
      onClose: (e) => this.closed(e),
      payloadShift: (p) => this.payloadShift(p),
      payloadPool: opts.payloadPool,
    });
  }

  /**
   * Connects and completes the handshake; fails if the server does not validate the
   * connection within the idle timeout. Every failure's message starts with "host:port".
   */
  static async open(host: string, port: number, opts: ClientConnectionOptions): Promise<ClientConnection> {
    let socket: Deno.Conn;
    try {
      socket = await Deno.connect({ hostname: host, port, transport: "tcp" });
    } catch (e) {
      throw new PvaDisconnectedError(`${host}:${port}: ${(e as Error).message}`);
    }
    const conn = new ClientConnection(socket, host, port, opts);
    const ready = new Promise<void>((resolve, reject) => conn.validated = { resolve, reject });
    conn.stream.run();
    const limit = setTimeout(
      () => conn.close(new PvaError(`${conn.key}: no connection validation`)),
      opts.config.idleTimeout * 1000,
    );
    try {
      await ready;
    } finally {
      clearTimeout(limit);
    }
    conn.timer = setInterval(() => conn.send(Command.ECHO, () => {}), echoPeriodMs(opts.config.idleTimeout));
    return conn;
  }

  /**
   * Whether monitors on this connection may ask for pipelining. pvAccessCPP (PvaPy's server,
   * which announces a receive buffer of 16384 + 1024 bytes when it validates a connection)
   * stalls pipelined monitors, sending empty updates; pvxs and our server pipeline properly.
   */
  get pipelines(): boolean {
    return this.#serverBufferSize !== PVACCESSCPP_BUFFER_SIZE;
  }

  /** True once closed. */
  get isClosed(): boolean {
    return this.stream.closed;
  }

  /** Sends one application message in the server's byte order. */
  send(command: number, body: (w: Writer) => void): void {
    this.stream.send(encodeMessage(command, "client", this.stream.littleEndian, body));
  }

  /** Registers a channel and sends CREATE_CHANNEL for it. */
  createChannel(ch: ConnChannel): void {
    this.channels.set(ch.cid, ch);
    this.send(Command.CREATE_CHANNEL, (w) => writeCreateChannelRequest(w, [{ cid: ch.cid, name: ch.name }]));
  }

  /** Forgets a channel and its operations and, when it had a sid, sends DESTROY_CHANNEL. */
  destroyChannel(cid: number, sid: number | undefined): void {
    this.channels.delete(cid);
    if (sid === undefined) return;
    this.dropOps(sid, "channel destroyed");
    this.send(Command.DESTROY_CHANNEL, (w) => writeDestroyChannel(w, { sid, cid }));
  }

  /** Registers an operation under a fresh ioid. */
  addOp(op: ConnOp): number {
    while (this.ops.has(this.nextIoid) || this.nextIoid === 0) this.nextIoid = (this.nextIoid + 1) >>> 0;
    const ioid = this.nextIoid;
    this.nextIoid = (this.nextIoid + 1) >>> 0;
    this.ops.set(ioid, op);
    return ioid;
  }

  /** Unregisters an operation; later replies for its ioid are ignored. */
  removeOp(ioid: number): void {
    this.ops.delete(ioid);
  }

  /**
   * Closes the connection at once (what is queued is dropped; {@link end} is the orderly
   * way); channels and operations are told why.
   */
  close(error?: Error): void {
    this.stream.close(error);
  }

  /** Asks the operation a large reply is for (every operation reply starts with its ioid). */
  private payloadShift({ littleEndian, head }: PayloadHead): number {
    if (head.length < 4) return 0;
    const ioid = new DataView(head.buffer, head.byteOffset, 4).getUint32(0, littleEndian);
    return this.ops.get(ioid)?.payloadShift?.(head) ?? 0;
  }

  /**
   * Ends the connection in order, within `timeoutMs`: what is queued (the DESTROYs) is
   * written, our side shuts down, and the server's last messages are read until it closes
   * too. Closing with data unread or still on its way makes the kernel reset the connection,
   * which pvxs servers log as an error ("connection reset by peer") for every such client.
   */
  async end(timeoutMs: number): Promise<void> {
    clearInterval(this.timer);
    const limit = setTimeout(() => this.close(), timeoutMs);
    try {
      await this.stream.drained();
      if (!this.isClosed) await this.stream.socket.closeWrite();
      await this.ended;
    } catch {
      this.close(); // the socket is already gone
    } finally {
      clearTimeout(limit);
    }
  }

  private dispatch(m: Message): void {
    const r = new Reader(m.payload, m.littleEndian, { typeCache: this.stream.rxTypes });
    if (OP_COMMANDS.has(m.command)) {
      const op = this.ops.get(r.u32());
      r.offset = 0;
      // Stale ioids (operations we already dropped) are ignored, not an error.
      op?.onReply(m.command, r);
      return;
    }
    switch (m.command) {
      case Command.CONNECTION_VALIDATION: {
        const request = readValidationRequest(r);
        this.#serverBufferSize = request.bufferSize;
        this.validate(request.authMethods);
        return;
      }
      case Command.CONNECTION_VALIDATED: {
        const status = readStatus(r);
        // Like pvxs, carry on without credentials when the server refuses them.
        if (status.type !== "ok") this.logger.warn(`${this.key}: connection validation: ${status.message}`);
        this.stream.markValidated();
        this.validated.resolve();
        return;
      }
      case Command.SEARCH_RESPONSE:
        this.opts.onSearchResponse?.(this, readSearchResponse(r));
        return;
      case Command.CREATE_CHANNEL: {
        const res = readCreateChannelResponse(r);
        this.channels.get(res.cid)?.onCreated(res.sid, res.status);
        return;
      }
      case Command.DESTROY_CHANNEL: {
        const { sid, cid } = readDestroyChannel(r);
        const ch = this.channels.get(cid);
        if (!ch) return;
        this.channels.delete(cid);
        this.dropOps(sid, "channel destroyed by the server");
        ch.onLost("channel destroyed by the server");
        return;
      }
      case Command.MESSAGE: {
        const msg = readServerMessage(r);
        this.logger.warn(`${this.key}: ${msg.type}: ${msg.message}`);
        return;
      }
    }
  }

  /** Answers CONNECTION_VALIDATION with the last method we know, `ca` preferred like pvxs. */
  private validate(methods: string[]): void {
    const method = methods.includes("ca") ? "ca" : "anonymous";
    this.send(Command.CONNECTION_VALIDATION, (w) =>
      writeValidationResponse(w, {
        bufferSize: 0x10000,
        registrySize: 0x7fff,
        qos: 0,
        method,
        credentials: method === "ca" ? caCredentials(localUser(), localHost()) : null,
      }));
  }

  private dropOps(sid: number, reason: string): void {
    for (const [ioid, op] of this.ops) {
      if (op.sid !== sid) continue;
      this.ops.delete(ioid);
      op.onLost(reason);
    }
  }

  private closed(error?: Error): void {
    clearInterval(this.timer);
    // The server's address leads: channels and operations pass the reason on to the user.
    const reason = error instanceof DecodeError
      ? `${this.key} sent a malformed message: ${error.message}`
      : error instanceof PvaLimitError
      ? `${this.key} sent more than our limits allow: ${error.message}`
      : `${this.key}: ${error?.message ?? "connection closed"}`;
    this.validated?.reject(new PvaDisconnectedError(reason));
    const ops = [...this.ops.values()];
    const channels = [...this.channels.values()];
    this.ops.clear();
    this.channels.clear();
    for (const op of ops) op.onLost(reason);
    for (const ch of channels) ch.onLost(reason);
    this.opts.onClose?.(this);
    this.markEnded();
  }
}

function localUser(): string {
  try {
    return Deno.env.get("USER") ?? Deno.env.get("LOGNAME") ?? "";
  } catch {
    return "";
  }
}

function localHost(): string {
  try {
    return Deno.hostname();
  } catch {
    return "";
  }
}
