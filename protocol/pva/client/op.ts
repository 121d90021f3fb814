/**
 * What GET, PUT, RPC and GET_FIELD share: a channel held for the length of one call, an
 * ioid on its connection, and request/reply exchanges that fail cleanly on timeout, abort,
 * server error or disconnect.
 * @module
 */
import type { Reader } from "../../pvdata/reader.ts";
import { isSuccess, readStatus } from "../../pvdata/status.ts";
import type { FieldDesc, Value } from "../../pvdata/types.ts";
import { readNonNullType, writeType } from "../../pvdata/typedesc.ts";
import { writeValue } from "../../pvdata/value.ts";
import type { Writer } from "../../pvdata/writer.ts";
import { Command, Subcmd } from "../header.ts";
import {
  type OpResponseHead,
  readOpResponseHead,
  writeOpRequestHead,
  writeRequestRef,
} from "../messages/mod.ts";
import type { Channel } from "./channel.ts";
import type { ClientConnection, ConnOp } from "./conn.ts";
import {
  abortable,
  type CallOptions,
  callSignal,
  PvaDisconnectedError,
  PvaError,
  PvaRemoteError,
} from "./errors.ts";

/** Where operations get their channels: shared by name, counted while in use. */
export interface ChannelPool {
  /** The channel for `name`, created (and searched for) if needed; counts one more user. */
  acquire(name: string): Channel;
  /** One user fewer. */
  release(ch: Channel): void;
  /** What keeps searches from being answered (name servers that fail), if anything. */
  searchProblem(): string | undefined;
}

/**
 * Runs `body` once the channel of `name` is connected, within the call's timeout and signal.
 * The timeout message says how far the call got and the last thing that failed on the way.
 */
export async function withChannel<T>(
  pool: ChannelPool,
  what: string,
  name: string,
  opts: CallOptions,
  body: (conn: ClientConnection, sid: number, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const ch = pool.acquire(name);
  let stage = "";
  const { signal, dispose } = callSignal(opts, () => ({
    what: `${what} ${name}${stage || ` (channel ${ch.state})`}`,
    cause: stage ? undefined : ch.problem ?? pool.searchProblem(),
  }));
  try {
    const { conn, sid } = await ch.whenConnected(signal);
    stage = ` (waiting for ${conn.key})`;
    return await body(conn, sid, signal);
  } finally {
    dispose();
    pool.release(ch);
  }
}

/**
 * One operation's ioid on a connection; replies arrive one per request, in order.
 * @example
 * ```ts ignore
 * const ex = new Exchange(conn, sid, Command.GET, "get pv:x", signal);
 * const type = await ex.request(Subcmd.INIT, (w) => writeRequest(w, req), (_, r) => readType(r));
 * ex.close();
 * ```
 */
export class Exchange implements ConnOp {
  /** Server id of the channel. */
  readonly sid: number;
  /** Our id of the operation. */
  readonly ioid: number;

  private readonly conn: ClientConnection;
  private readonly command: number;
  private readonly what: string;
  private readonly signal: AbortSignal;
  private waiting: {
    decode: (head: OpResponseHead, r: Reader) => unknown;
    resolve: (v: unknown) => void;
    reject: (e: Error) => void;
  } | null = null;
  private lost: string | null = null;

  /**
   * @param conn the connection
   * @param sid the channel's server id
   * @param command GET, PUT, RPC or GET_FIELD
   * @param what "get pv:x" and the like, for error messages
   * @param signal the call's signal
   */
  constructor(conn: ClientConnection, sid: number, command: number, what: string, signal: AbortSignal) {
    this.conn = conn;
    this.sid = sid;
    this.command = command;
    this.what = what;
    this.signal = signal;
    this.ioid = conn.addOp(this);
  }

  /**
   * Sends a request with `subcmd` and `body`, and decodes the successful reply with `decode`
   * (called with the reader after the reply head). An error Status rejects with PvaRemoteError.
   */
  request<T>(
    subcmd: number,
    body: (w: Writer) => void,
    decode: (head: OpResponseHead, r: Reader) => T,
  ): Promise<T> {
    return this.send((w) => {
      writeOpRequestHead(w, { sid: this.sid, ioid: this.ioid, subcmd });
      body(w);
    }, decode);
  }

  /** Sends an arbitrary request payload (GET_FIELD has no subcommand) and awaits its reply. */
  send<T>(payload: (w: Writer) => void, decode: (head: OpResponseHead, r: Reader) => T): Promise<T> {
    if (this.conn.isClosed) this.lost ??= "connection closed";
    if (this.lost !== null) return Promise.reject(new PvaDisconnectedError(`${this.what}: ${this.lost}`));
    const p = new Promise<T>((resolve, reject) => {
      this.waiting = { decode, resolve: resolve as (v: unknown) => void, reject };
    });
    this.conn.send(this.command, payload);
    return abortable(p, this.signal);
  }

  /** @inheritdoc */
  onReply(command: number, r: Reader): void {
    const w = this.waiting;
    if (command !== this.command || w === null) return;
    this.waiting = null;
    let result: unknown;
    try {
      const head = command === Command.GET_FIELD
        ? { ioid: r.u32(), subcmd: 0, status: readStatus(r) }
        : readOpResponseHead(r, command);
      if (!isSuccess(head.status)) {
        w.reject(new PvaRemoteError(this.what, head.status));
        return;
      }
      if (head.status.type === "warning") this.conn.logger.warn(`${this.what}: ${head.status.message}`);
      result = w.decode(head, r);
    } catch (e) {
      w.reject(
        new PvaError(`${this.what}: ${this.conn.key} sent a malformed reply: ${(e as Error).message}`),
      );
      throw e; // a malformed reply closes the connection
    }
    w.resolve(result);
  }

  /** @inheritdoc */
  onLost(reason: string): void {
    this.lost = reason;
    this.waiting?.reject(new PvaDisconnectedError(`${this.what}: ${reason}`));
    this.waiting = null;
  }

  /** Frees the ioid, telling the server with DESTROY_REQUEST when `destroy` is set. */
  close(destroy = true): void {
    this.conn.removeOp(this.ioid);
    if (destroy && this.lost === null && !this.conn.isClosed) {
      this.conn.send(Command.DESTROY_REQUEST, (w) => writeRequestRef(w, { sid: this.sid, ioid: this.ioid }));
    }
  }
}

/** Writes a pvRequest (or any typed value): its type, then its full value. */
export function writeTyped(w: Writer, t: { type: FieldDesc; value: Value }): void {
  writeType(w, t.type);
  writeValue(w, t.type, t.value);
}

/** INIT with a pvRequest; resolves to the operation's type from the reply. */
export function initWithType(ex: Exchange, request: { type: FieldDesc; value: Value }): Promise<FieldDesc> {
  return ex.request(
    Subcmd.INIT,
    (w) => writeTyped(w, request),
    (_, r) => readNonNullType(r, "operation type"),
  );
}
