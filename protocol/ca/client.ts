/**
 * The public Channel Access client: channels shared by name, one circuit per server, get and
 * monitor.
 * @module
 */
import { defaultLogger, type Logger } from "../log.ts";
import { CaChannel, type ChannelContext } from "./channel.ts";
import { CaCircuit } from "./circuit.ts";
import { type CaConfig, caConfigFromEnv } from "./config.ts";
import type { CaValue } from "./dbr.ts";
import { CaDiscoverer } from "./discover.ts";
import { CaError } from "./errors.ts";
import { caGet, type CaGetOptions } from "./get.ts";
import { type CaMonitorOptions, CaSubscription } from "./monitor.ts";
import type { ChannelPool } from "./pool.ts";

/** Options of a {@link CaClient}. */
export interface CaClientOptions {
  /** Addresses, ports and limits; default {@link caConfigFromEnv}(). */
  config?: CaConfig;
  /** Where the client reports what it cannot return as an error (default: warnings to stderr). */
  logger?: Logger;
}

/**
 * A Channel Access client.
 *
 * Needs --allow-net (and --allow-env, --allow-sys for the defaults: environment, interface
 * broadcast addresses, host name); UDP needs the "net" unstable feature.
 *
 * @example
 * ```ts ignore
 * const client = new CaClient({ config: caConfigFromEnv() });
 * const { value, timeStamp } = await client.get("motor:x");
 * for await (const ev of client.monitor("motor:x")) {
 *   if (ev.kind === "data") console.log(ev.value.value);
 * }
 * client.close();
 * ```
 */
export class CaClient {
  /** The configuration in use. */
  readonly config: CaConfig;

  #logger: Logger;
  #discoverer: CaDiscoverer;
  #channels = new Map<string, CaChannel>();
  #byCid = new Map<number, CaChannel>();
  #circuits = new Map<string, Promise<CaCircuit>>();
  #subscriptions = new Set<CaSubscription>();
  #nextCid = 1;
  #closed = false;
  #pool: ChannelPool = {
    acquire: (name) => this.#acquire(name),
    release: (ch) => {
      if (--ch.users === 0) ch.close();
    },
  };
  #context: ChannelContext = {
    search: (ch, delayMs) => this.#discoverer.add(ch.cid, ch.name, delayMs),
    unsearch: (ch) => this.#discoverer.remove(ch.cid),
    connect: (host, port) => this.#connect(host, port),
    forget: (ch) => {
      if (this.#channels.get(ch.name) === ch) this.#channels.delete(ch.name);
      this.#byCid.delete(ch.cid);
    },
  };

  /**
   * Creates a client; it searches and connects only once used.
   * @param opts configuration and logger
   */
  constructor(opts: CaClientOptions = {}) {
    this.config = opts.config ?? caConfigFromEnv();
    this.#logger = opts.logger ?? defaultLogger;
    this.#discoverer = new CaDiscoverer(
      this.config,
      this.#logger,
      (f) => this.#byCid.get(f.cid)?.found(f.host, f.port),
    );
  }

  /**
   * Reads a channel once, as DBR_TIME_* by default: `{ value, alarm, timeStamp }`.
   * @example
   * ```ts ignore
   * const { value, alarm, timeStamp } = await client.get("motor:x", { timeout: 2000 });
   * const { choices } = await client.get("shutter:mode", { type: "ctrl" });
   * ```
   */
  get(name: string, opts?: CaGetOptions): Promise<CaValue> {
    if (this.#closed) return Promise.reject(new CaError("client closed"));
    return caGet(this.#pool, name, opts);
  }

  /**
   * Subscribes to a channel. Iterate the result; it reports `connected`, `data` and, when the
   * server goes away, `disconnected` (the channel is then searched for again by itself).
   * @example
   * ```ts ignore
   * for await (const ev of client.monitor("motor:x", { signal })) {
   *   if (ev.kind === "data") console.log(ev.value.value, ev.overrun);
   * }
   * ```
   */
  monitor(name: string, opts: CaMonitorOptions = {}): CaSubscription {
    if (this.#closed) throw new CaError("client closed");
    const sub = new CaSubscription(this.#pool, name, opts, {
      logger: this.#logger,
      onEnd: (s) => this.#subscriptions.delete(s),
    });
    if (!sub.isClosed) this.#subscriptions.add(sub);
    return sub;
  }

  /** Ends every subscription, closes every circuit and the search socket. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const sub of [...this.#subscriptions]) sub.close();
    for (const ch of [...this.#channels.values()]) ch.close();
    this.#discoverer.close();
    for (const c of this.#circuits.values()) c.then((circuit) => circuit.close("client closed"), () => {});
    this.#circuits.clear();
  }

  #acquire(name: string): CaChannel {
    if (this.#closed) throw new CaError("client closed");
    let ch = this.#channels.get(name);
    if (!ch) {
      ch = new CaChannel(name, this.#nextCid++, this.#context);
      this.#channels.set(name, ch);
      this.#byCid.set(ch.cid, ch);
    }
    ch.users++;
    return ch;
  }

  /** One circuit per server, opened on first use and forgotten once closed. */
  #connect(host: string, port: number): Promise<CaCircuit> {
    if (this.#closed) return Promise.reject(new CaError("client closed"));
    const key = `${host}:${port}`;
    let p = this.#circuits.get(key);
    if (!p) {
      p = CaCircuit.open(host, port, {
        config: this.config,
        logger: this.#logger,
        onClose: (reason) => {
          if (this.#circuits.get(key) === p) this.#circuits.delete(key);
          this.#logger.info("ca circuit closed", { peer: key, reason });
        },
      });
      this.#circuits.set(key, p);
      p.catch(() => {
        if (this.#circuits.get(key) === p) this.#circuits.delete(key);
      });
    }
    return p;
  }
}
