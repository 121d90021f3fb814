/**
 * The public pvAccess client: channels shared by name, one connection per server, and the
 * operations get, put, rpc, info and monitor.
 * @module
 */
import { defaultLogger, type Logger } from "../../log.ts";
import type { FieldDesc, Value } from "../../pvdata/types.ts";
import { configFromEnv, type PvaConfig } from "../config.ts";
import { PayloadPool } from "../payload_pool.ts";
import { Channel, type ChannelContext } from "./channel.ts";
import { ClientConnection } from "./conn.ts";
import { Discoverer } from "./discover.ts";
import { PvaError } from "./errors.ts";
import { get, type GetOptions, type GetResult } from "./get.ts";
import { info, type InfoOptions } from "./info.ts";
import { type MonitorOptions, Subscription } from "./monitor.ts";
import type { ChannelPool } from "./op.ts";
import { put, type PutOptions } from "./put.ts";
import { rpc, type RpcOptions } from "./rpc.ts";

/** Options of a {@link PvaClient}. */
export interface PvaClientOptions {
  /** Addresses, ports and timeouts; default {@link configFromEnv}(). */
  config?: PvaConfig;
  /** Where the client reports what it cannot return as an error (refused channels, server messages, duplicate PVs); default {@link defaultLogger}. */
  logger?: Logger;
}

/** How long {@link PvaClient.close} lets each server take to close its side after ours. */
const END_TIMEOUT_MS = 2000;

/**
 * A pvAccess client.
 *
 * Constructing one opens no socket and needs no permission beyond reading the environment
 * when no `config` is given. The first operation binds two UDP sockets (searches, and
 * beacons on the broadcast port) and needs --allow-net (--allow-sys for interface broadcast
 * addresses and the host name) and the "net" unstable feature; its permission error is then
 * that operation's failure.
 *
 * @example
 * ```ts ignore
 * const client = new PvaClient();
 * const { value } = await client.get("pv:temperature");
 * await client.put("pv:setpoint", 21.5);
 * for await (const ev of client.monitor("pv:temperature")) {
 *   if (ev.kind === "data") console.log(ev.value.value);
 * }
 * await client.close();
 * ```
 */
export class PvaClient {
  /** The configuration in use. */
  readonly config: PvaConfig;

  readonly #core: ClientCore;

  /**
   * Creates a client. It opens nothing yet: the first operation binds its UDP sockets (one
   * for searches, one for beacons on the broadcast port) and connects to servers as needed;
   * {@link close} releases them.
   * @param opts configuration and logger
   */
  constructor(opts: PvaClientOptions = {}) {
    this.config = opts.config ?? configFromEnv();
    this.#core = new ClientCore(this.config, opts.logger ?? defaultLogger);
  }

  /**
   * Reads a PV: its type (from the server's GET INIT), its value and which fields were sent.
   * @example
   * ```ts ignore
   * const { value } = await client.get("pv:x", { request: "field(value,alarm)", timeout: 2000 });
   * console.log(value.value);
   * ```
   */
  get(name: string, opts?: GetOptions): Promise<GetResult> {
    return get(this.#core, name, opts);
  }

  /**
   * Writes a PV. `value` is an object of fields (`{ value: 3 }`, `{ "alarm.severity": 2 }`), or
   * anything else meaning `{ value }`. Numbers are converted to the field types (bigint for
   * 64-bit), arrays to typed arrays, and a choice string selects an NTEnum index.
   * @example
   * ```ts ignore
   * await client.put("pv:setpoint", 3);
   * await client.put("pv:mode", "On"); // NTEnum
   * ```
   */
  put(name: string, value: unknown, opts?: PutOptions): Promise<void> {
    return put(this.#core, name, value, opts);
  }

  /**
   * Calls an RPC service with a typed argument (often an NTURI).
   * @example
   * ```ts ignore
   * const args = { type: struct("epics:nt/NTURI:1.0", { query: struct("", { a: scalar("float64") }) }),
   *   value: { query: { a: 1 } } };
   * const { value } = await client.rpc("pv:service", args);
   * ```
   */
  rpc(
    name: string,
    args: { type: FieldDesc; value: Value },
    opts?: RpcOptions,
  ): Promise<{ type: FieldDesc; value: Value }> {
    return rpc(this.#core, name, args, opts);
  }

  /**
   * The type of a PV (GET_FIELD), or of one sub-field.
   * @example
   * ```ts ignore
   * const t = await client.info("pv:x", { subField: "alarm" });
   * ```
   */
  info(name: string, opts?: InfoOptions): Promise<FieldDesc> {
    return info(this.#core, name, opts);
  }

  /**
   * Subscribes to a PV. Iterate the result; it reports `connected`, `data` and, when the
   * server goes away, `disconnected` (the channel is then searched for again by itself, and
   * `connected` follows once it is back).
   * @example
   * ```ts ignore
   * const sub = client.monitor("pv:x", { queueSize: 8 });
   * for await (const ev of sub) {
   *   if (ev.kind === "data") console.log(ev.value.value, [...ev.overrun]);
   * }
   * ```
   */
  monitor(name: string, opts?: MonitorOptions): Subscription {
    return this.#core.monitor(name, opts);
  }

  /**
   * Ends every subscription and operation, closes the UDP sockets and ends every connection
   * in order (the server sees its channels destroyed and then a clean close, not a reset).
   * Everything is closed when this returns except the connections, whose ending the
   * returned promise follows (they end in parallel, each given at most 2 s); await it
   * before exiting a program. Operations started afterwards fail with a PvaError, "client closed"
   * (`monitor` throws it).
   */
  close(): Promise<void> {
    return this.#core.close();
  }

  /**
   * Gives back the buffer of a received array you are done with (a frame taken with
   * `Subscription.take` and processed), so that a later large message is read into it instead of new
   * memory: no page faults, no growing as the bytes arrive. The buffer is detached at once
   * (it and every view onto it become empty): nothing can see what is read into it later.
   * A few buffers are kept; beyond that the oldest is freed at once.
   * @param buffer the array's `buffer`; nothing else may need it (small ones are ignored)
   * @example
   * ```ts ignore
   * const [buffer] = sub.take(ev); // the frame's array is now ours
   * use(ev.value);
   * client.recycleBuffer(buffer);
   * ```
   */
  recycleBuffer(buffer: ArrayBuffer): void {
    this.#core.payloads.recycle(buffer);
  }
}

/**
 * The client's internals, behind the module boundary: the channel pool of its operations,
 * the context of its channels, and the connections. Only {@link PvaClient} holds one.
 */
class ClientCore implements ChannelPool, ChannelContext {
  readonly config: PvaConfig;
  readonly logger: Logger;
  #discoverer: Discoverer | null = null;
  readonly #channels = new Map<string, Channel>();
  readonly #byCid = new Map<number, Channel>();
  readonly #conns = new Map<string, Promise<ClientConnection>>();
  /** Connections that completed their handshake and are still open. */
  readonly #open = new Set<ClientConnection>();
  readonly #subscriptions = new Set<Subscription>();
  #nextCid = 1;
  #closed = false;
  /** Buffers given back with {@link PvaClient.recycleBuffer}, shared by the connections. */
  readonly payloads = new PayloadPool();

  constructor(config: PvaConfig, logger: Logger) {
    this.config = config;
    this.logger = logger;
  }

  monitor(name: string, opts?: MonitorOptions): Subscription {
    if (this.#closed) throw new PvaError("client closed");
    const sub = new Subscription(this, name, opts, (s) => this.#subscriptions.delete(s));
    if (!sub.isClosed) this.#subscriptions.add(sub);
    return sub;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const sub of [...this.#subscriptions]) sub.close();
    for (const ch of [...this.#channels.values()]) ch.close();
    this.#discoverer?.close();
    // Open connections end in order; those still in their handshake are dropped once it ends.
    const open = [...this.#open];
    for (const c of this.#conns.values()) {
      c.then((conn) => {
        if (!open.includes(conn)) conn.close();
      }, () => {});
    }
    this.#conns.clear();
    await Promise.all(open.map((conn) => conn.end(END_TIMEOUT_MS)));
  }

  /** `ChannelPool` of the operations. */
  acquire(name: string): Channel {
    if (this.#closed) throw new PvaError("client closed");
    let ch = this.#channels.get(name);
    if (!ch) {
      ch = new Channel(name, this.#nextCid++, this);
      this.#channels.set(name, ch);
      this.#byCid.set(ch.cid, ch);
    }
    ch.retain();
    return ch;
  }

  /** `ChannelPool`: one user fewer. */
  release(ch: Channel): void {
    ch.release();
  }

  /** `ChannelPool`: name servers that all fail. */
  searchProblem(): string | undefined {
    return this.#discoverer?.problem();
  }

  /** `ChannelContext`: the sockets are bound on the first search. */
  search(ch: Channel, delayMs?: number): void {
    this.#discoverer ??= new Discoverer(this.config, {
      logger: this.logger,
      channel: (cid) => this.#byCid.get(cid),
      connect: (host, port) => this.connect(host, port),
    });
    this.#discoverer.add(ch, delayMs);
  }

  /** `ChannelContext` */
  unsearch(ch: Channel): void {
    this.#discoverer?.remove(ch);
  }

  /** `ChannelContext` */
  forget(ch: Channel): void {
    if (this.#channels.get(ch.name) === ch) this.#channels.delete(ch.name);
    this.#byCid.delete(ch.cid);
  }

  /** `ChannelContext`: one connection per server, opened on first use. */
  connect(host: string, port: number): Promise<ClientConnection> {
    if (this.#closed) return Promise.reject(new PvaError("client closed"));
    const key = `${host}:${port}`;
    let p = this.#conns.get(key);
    if (!p) {
      p = ClientConnection.open(host, port, {
        config: this.config,
        logger: this.logger,
        onSearchResponse: (conn, res) => this.#discoverer?.onTcpResponse(conn, res),
        payloadPool: this.payloads,
        onClose: (conn) => {
          this.#open.delete(conn);
          if (this.#conns.get(key) === p) this.#conns.delete(key);
        },
      });
      this.#conns.set(key, p);
      p.then((conn) => {
        if (!conn.isClosed) this.#open.add(conn);
      }, () => {
        if (this.#conns.get(key) === p) this.#conns.delete(key);
      });
    }
    return p;
  }
}
