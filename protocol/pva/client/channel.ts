/**
 * A named channel: searched for, connected on a server's connection, and searched for again
 * whenever that connection or the server drops it, for as long as someone uses it.
 * @module
 */
import type { Logger } from "../../log.ts";
import { isSuccess, type Status } from "../../pvdata/status.ts";
import type { ClientConnection, ConnChannel } from "./conn.ts";
import { abortable } from "./errors.ts";

/** What a channel needs from its client. */
export interface ChannelContext {
  /** Where the channel reports refusals. */
  readonly logger: Logger;
  /** Starts (or restarts) searching for the channel, the first search after `delayMs`. */
  search(ch: Channel, delayMs?: number): void;
  /** Stops searching for it. */
  unsearch(ch: Channel): void;
  /** The shared connection to a server. */
  connect(host: string, port: number): Promise<ClientConnection>;
  /** The channel closed: drop it from the client's tables. */
  forget(ch: Channel): void;
}

/** Told about every connect and disconnect of a channel. */
export interface ChannelListener {
  connected(conn: ClientConnection, sid: number): void;
  disconnected(reason: string): void;
}

/** Where a channel is in its life. */
export type ChannelState = "searching" | "connecting" | "connected" | "closed";

/** The first search after a refused CREATE_CHANNEL waits this long; each further refusal doubles it. */
const REFUSED_RETRY_MS = 250;
/** ... up to this (the longest search interval). */
const REFUSED_RETRY_MAX_MS = 30_000;
/**
 * How long a CREATE_CHANNEL may go unanswered on a live connection before the channel is
 * searched for again: a lost or garbled reply must not leave it "connecting" for as long as
 * the connection lives.
 */
const CREATE_TIMEOUT_MS = 3000;

/**
 * One channel, shared by every operation on its name.
 * @example
 * ```ts ignore
 * const ch = new Channel("pv:x", 1, context);
 * ch.retain();
 * const { conn, sid } = await ch.whenConnected(signal);
 * ch.release();
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
  #problem: string | undefined;
  #users = 0;
  #createTimer: ReturnType<typeof setTimeout> | undefined;
  #conn: ClientConnection | undefined;
  #sid: number | undefined;
  #refusals = 0;
  /** The Status text of the last refusal that was logged, so that retries do not log again. */
  #refusedWith: string | null = null;
  readonly #ctx: ChannelContext;
  readonly #listeners = new Set<ChannelListener>();

  /**
   * @param name PV name
   * @param cid client-wide channel id
   * @param ctx the client's search and connection services
   */
  constructor(name: string, cid: number, ctx: ChannelContext) {
    this.name = name;
    this.cid = cid;
    this.#ctx = ctx;
    ctx.search(this);
  }

  /** Why the channel is not connected, when something failed on the way (cleared on connect). */
  get problem(): string | undefined {
    return this.#problem;
  }

  /** One more operation or subscription uses the channel. */
  retain(): void {
    this.#users++;
  }

  /** One user fewer; an unused channel is kept while connected, for the next call, else closed. */
  release(): void {
    if (--this.#users === 0 && this.state !== "connected") this.close();
  }

  /** A search found the channel on `host:port` (server `guid`): connect to it. */
  found(host: string, port: number, guid: string): void {
    if (this.state !== "searching") return;
    this.state = "connecting";
    this.guid = guid;
    this.#ctx.unsearch(this);
    this.#ctx.connect(host, port).then((conn) => {
      if (this.state !== "connecting") return;
      this.#conn = conn;
      conn.createChannel(this);
      this.#createTimer = setTimeout(() => {
        if (this.state !== "connecting" || this.#conn !== conn) return;
        conn.destroyChannel(this.cid, undefined);
        this.#lose(
          `${conn.key} did not answer CREATE_CHANNEL within ${CREATE_TIMEOUT_MS} ms`,
          REFUSED_RETRY_MS,
        );
      }, CREATE_TIMEOUT_MS);
    }, (e) => {
      if (this.state === "connecting") this.onLost(`connecting: ${e.message}`);
    });
  }

  /** CREATE_CHANNEL answered. */
  onCreated(sid: number, status: Status): void {
    if (this.state !== "connecting" || !this.#conn) return;
    clearTimeout(this.#createTimer);
    const key = this.#conn.key;
    if (!isSuccess(status)) {
      this.#refused(key, status.message);
      return;
    }
    if (this.#refusedWith !== null) {
      this.#ctx.logger.info(`channel ${this.name}: ${key} accepted it`, { refusals: this.#refusals });
    }
    this.#refusals = 0;
    this.#refusedWith = null;
    this.#problem = undefined;
    this.state = "connected";
    this.#sid = sid;
    for (const l of [...this.#listeners]) l.connected(this.#conn, sid);
  }

  /** The server or connection dropped the channel: search again, or close when unused. */
  onLost(reason: string): void {
    this.#lose(reason, undefined);
  }

  /** Adds a listener, told at once when already connected; returns its removal. */
  listen(l: ChannelListener): () => void {
    this.#listeners.add(l);
    if (this.state === "connected") l.connected(this.#conn!, this.#sid!);
    return () => this.#listeners.delete(l);
  }

  /** The connection and server id once connected (at once if already). */
  whenConnected(signal: AbortSignal): Promise<{ conn: ClientConnection; sid: number }> {
    let remove = () => {};
    const p = new Promise<{ conn: ClientConnection; sid: number }>((resolve) => {
      remove = this.listen({ connected: (conn, sid) => resolve({ conn, sid }), disconnected: () => {} });
    });
    return abortable(p, signal).finally(remove);
  }

  /** Stops searching, destroys the channel on its server and forgets it. */
  close(): void {
    if (this.state === "closed") return;
    clearTimeout(this.#createTimer);
    this.state = "closed";
    this.#ctx.unsearch(this);
    if (this.#conn && !this.#conn.isClosed) this.#conn.destroyChannel(this.cid, this.#sid);
    this.#conn = this.#sid = undefined;
    this.#ctx.forget(this);
  }

  /**
   * The server refused the channel. Searching at once would ask it again at once, dozens of
   * times a second, so the next search waits, longer after each refusal in a row; the log
   * hears of a refusal only when its reason is new.
   */
  #refused(key: string, message: string): void {
    this.#refusals++;
    if (message !== this.#refusedWith) {
      this.#refusedWith = message;
      this.#ctx.logger.warn(`channel ${this.name}: ${key} refused it: ${message}`);
    }
    this.#conn!.destroyChannel(this.cid, undefined);
    const delay = Math.min(REFUSED_RETRY_MS * 2 ** (this.#refusals - 1), REFUSED_RETRY_MAX_MS);
    this.#lose(`${key} refused the channel: ${message}`, delay);
  }

  #lose(reason: string, searchDelayMs: number | undefined): void {
    if (this.state === "closed") return;
    clearTimeout(this.#createTimer);
    const wasConnected = this.state === "connected";
    this.#conn = this.#sid = undefined;
    this.state = "searching";
    this.#problem = reason;
    if (wasConnected) { for (const l of [...this.#listeners]) l.disconnected(reason); }
    if (this.#users === 0) this.close();
    else this.#ctx.search(this, searchDelayMs);
  }
}
