/**
 * A named channel: searched for, connected on a server's connection, and searched for again
 * whenever that connection or the server drops it, for as long as someone uses it.
 * @module
 */
import { isSuccess, type Status } from "../../pvdata/status.ts";
import type { ClientConn, ConnChannel } from "./conn.ts";
import { abortable } from "./errors.ts";

/** What a channel needs from its client. */
export interface ChannelContext {
  /** Starts (or restarts) searching for the channel. */
  search(ch: Channel): void;
  /** Stops searching for it. */
  unsearch(ch: Channel): void;
  /** The shared connection to a server. */
  connect(host: string, port: number): Promise<ClientConn>;
  /** The channel closed: drop it from the client's tables. */
  forget(ch: Channel): void;
}

/** Told about every connect and disconnect of a channel. */
export interface ChannelListener {
  connected(conn: ClientConn, sid: number): void;
  disconnected(reason: string): void;
}

/** Where a channel is in its life. */
export type ChannelState = "searching" | "connecting" | "connected" | "closed";

/**
 * One channel, shared by every operation on its name.
 * @example
 * ```ts ignore
 * const ch = new Channel("pv:x", 1, context);
 * const { conn, sid } = await ch.whenConnected(signal);
 * ```
 */
export class Channel implements ConnChannel {
  /** The PV name. */
  readonly name: string;
  /** Our id, also the search instance id. */
  readonly cid: number;
  /** Current state. */
  state: ChannelState = "searching";
  /** Hex GUID of the server that answered the search (duplicate detection). */
  guid = "";
  /** Operations and subscriptions using the channel. */
  users = 0;

  private conn: ClientConn | undefined;
  private sid: number | undefined;
  private readonly ctx: ChannelContext;
  private readonly listeners = new Set<ChannelListener>();

  /**
   * @param name PV name
   * @param cid client-wide channel id
   * @param ctx the client's search and connection services
   */
  constructor(name: string, cid: number, ctx: ChannelContext) {
    this.name = name;
    this.cid = cid;
    this.ctx = ctx;
    ctx.search(this);
  }

  /** A search found the channel on `host:port` (server `guid`): connect to it. */
  found(host: string, port: number, guid: string): void {
    if (this.state !== "searching") return;
    this.state = "connecting";
    this.guid = guid;
    this.ctx.unsearch(this);
    this.ctx.connect(host, port).then((conn) => {
      if (this.state !== "connecting") return;
      this.conn = conn;
      conn.createChannel(this);
    }, (e) => {
      if (this.state === "connecting") this.onLost(`connecting to ${host}:${port}: ${e.message}`);
    });
  }

  /** CREATE_CHANNEL answered. */
  onCreated(sid: number, status: Status): void {
    if (this.state !== "connecting" || !this.conn) return;
    if (!isSuccess(status)) {
      console.warn(`channel ${this.name}: ${this.conn.key} refused it: ${status.message}`);
      this.conn.destroyChannel(this.cid, undefined);
      this.onLost(status.message);
      return;
    }
    this.state = "connected";
    this.sid = sid;
    for (const l of [...this.listeners]) l.connected(this.conn, sid);
  }

  /** The server or connection dropped the channel: search again, or close when unused. */
  onLost(reason: string): void {
    if (this.state === "closed") return;
    const wasConnected = this.state === "connected";
    this.conn = this.sid = undefined;
    this.state = "searching";
    if (wasConnected) { for (const l of [...this.listeners]) l.disconnected(reason); }
    if (this.users === 0) this.close();
    else this.ctx.search(this);
  }

  /** Adds a listener, told at once when already connected; returns its removal. */
  listen(l: ChannelListener): () => void {
    this.listeners.add(l);
    if (this.state === "connected") l.connected(this.conn!, this.sid!);
    return () => this.listeners.delete(l);
  }

  /** The connection and server id once connected (at once if already). */
  whenConnected(signal: AbortSignal): Promise<{ conn: ClientConn; sid: number }> {
    let remove = () => {};
    const p = new Promise<{ conn: ClientConn; sid: number }>((resolve) => {
      remove = this.listen({ connected: (conn, sid) => resolve({ conn, sid }), disconnected: () => {} });
    });
    return abortable(p, signal).finally(remove);
  }

  /** Stops searching, destroys the channel on its server and forgets it. */
  close(): void {
    if (this.state === "closed") return;
    this.state = "closed";
    this.ctx.unsearch(this);
    if (this.conn && !this.conn.isClosed) this.conn.destroyChannel(this.cid, this.sid);
    this.conn = this.sid = undefined;
    this.ctx.forget(this);
  }
}
