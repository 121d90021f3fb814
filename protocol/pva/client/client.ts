/**
 * The public pvAccess client: channels shared by name, one connection per server, and the
 * operations get, put, rpc, info and monitor.
 * @module
 */
import type { FieldDesc, Value } from "../../pvdata/types.ts";
import { configFromEnv, type PvaConfig } from "../config.ts";
import { Channel } from "./channel.ts";
import { ClientConn } from "./conn.ts";
import { Discoverer } from "./discover.ts";
import { PvaError } from "./errors.ts";
import { get, type GetOptions, type GetResult } from "./get.ts";
import { info, type InfoOptions } from "./info.ts";
import { type MonitorOptions, Subscription } from "./monitor.ts";
import { put, type PutOptions } from "./put.ts";
import { rpc, type RpcOptions } from "./rpc.ts";

/** Options of a {@link PvaClient}. */
export interface PvaClientOptions {
  /** Addresses, ports and timeouts; default {@link configFromEnv}(). */
  config?: PvaConfig;
}

/**
 * A pvAccess client.
 *
 * Needs --allow-net (and --allow-env, --allow-sys for the defaults: environment, interface
 * broadcast addresses, host name); UDP needs the "net" unstable feature.
 *
 * @example
 * ```ts ignore
 * const client = new PvaClient();
 * const { value } = await client.get("pv:temperature");
 * await client.put("pv:setpoint", 21.5);
 * for await (const ev of client.monitor("pv:temperature")) {
 *   if (ev.kind === "data") console.log(ev.value.value);
 * }
 * client.close();
 * ```
 */
export class PvaClient {
  /** The configuration in use. */
  readonly config: PvaConfig;

  private readonly discoverer: Discoverer;
  private readonly channels = new Map<string, Channel>();
  private readonly byCid = new Map<number, Channel>();
  private readonly conns = new Map<string, Promise<ClientConn>>();
  private readonly subscriptions = new Set<Subscription>();
  private nextCid = 1;
  private closed = false;

  /**
   * Creates a client; it searches and connects only once used.
   * @param opts configuration
   */
  constructor(opts: PvaClientOptions = {}) {
    this.config = opts.config ?? configFromEnv();
    this.discoverer = new Discoverer(this.config, {
      channel: (cid) => this.byCid.get(cid),
      connect: (host, port) => this.connect(host, port),
    });
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
    return get(this, name, opts);
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
    return put(this, name, value, opts);
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
    return rpc(this, name, args, opts);
  }

  /**
   * The type of a PV (GET_FIELD), or of one sub-field.
   * @example
   * ```ts ignore
   * const t = await client.info("pv:x", { subField: "alarm" });
   * ```
   */
  info(name: string, opts?: InfoOptions): Promise<FieldDesc> {
    return info(this, name, opts);
  }

  /**
   * Subscribes to a PV. Iterate the result; it reports `connected`, `data` and, when the
   * server goes away, `disconnected` (the channel is then searched for again by itself).
   * @example
   * ```ts ignore
   * const sub = client.monitor("pv:x", { queueSize: 8 });
   * for await (const ev of sub) {
   *   if (ev.kind === "data") console.log(ev.value.value, [...ev.overrun]);
   * }
   * ```
   */
  monitor(name: string, opts?: MonitorOptions): Subscription {
    if (this.closed) throw new PvaError("client closed");
    const sub = new Subscription(this, name, opts, (s) => this.subscriptions.delete(s));
    if (!sub.isClosed) this.subscriptions.add(sub);
    return sub;
  }

  /** Ends every subscription, closes every connection and socket. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const sub of [...this.subscriptions]) sub.close();
    for (const ch of [...this.channels.values()]) ch.close();
    this.discoverer.close();
    for (const c of this.conns.values()) c.then((conn) => conn.close(), () => {});
    this.conns.clear();
  }

  // The client is the ChannelPool of its operations and the ChannelContext of its channels.
  // It matches those internal interfaces structurally (no `implements`) to keep them out of
  // the public API; the calls passing `this` still check the fit.

  /** @internal `ChannelPool` (op.ts) of the operations */
  acquire(name: string): Channel {
    if (this.closed) throw new PvaError("client closed");
    let ch = this.channels.get(name);
    if (!ch) {
      ch = new Channel(name, this.nextCid++, this);
      this.channels.set(name, ch);
      this.byCid.set(ch.cid, ch);
    }
    ch.users++;
    return ch;
  }

  /** @internal `ChannelPool`: an unused channel is kept while connected, for the next call */
  release(ch: Channel): void {
    if (--ch.users === 0 && ch.state !== "connected") ch.close();
  }

  /** @internal `ChannelContext` (channel.ts) of the channels */
  search(ch: Channel): void {
    this.discoverer.add(ch);
  }

  /** @internal `ChannelContext` (channel.ts) of the channels */
  unsearch(ch: Channel): void {
    this.discoverer.remove(ch);
  }

  /** @internal `ChannelContext` (channel.ts) of the channels */
  forget(ch: Channel): void {
    if (this.channels.get(ch.name) === ch) this.channels.delete(ch.name);
    this.byCid.delete(ch.cid);
  }

  /** @internal `ChannelContext`: one connection per server, opened on first use */
  connect(host: string, port: number): Promise<ClientConn> {
    if (this.closed) return Promise.reject(new PvaError("client closed"));
    const key = `${host}:${port}`;
    let p = this.conns.get(key);
    if (!p) {
      p = ClientConn.open(host, port, {
        config: this.config,
        onSearchResponse: (conn, res) => this.discoverer.onTcpResponse(conn, res),
        onClose: () => {
          if (this.conns.get(key) === p) this.conns.delete(key);
        },
      });
      this.conns.set(key, p);
      p.catch(() => {
        if (this.conns.get(key) === p) this.conns.delete(key);
      });
    }
    return p;
  }
}
