/**
 * PvaServer: hosts SharedPVs over pvAccess. It listens on TCP (falling back to a free port
 * when the configured one is taken, and advertising the real one), answers UDP searches
 * (shared port, local forwarding) and sends beacons. Connections are admitted within
 * `config.limits` (total and per address); a failing accept (out of file descriptors) is
 * logged and retried with a back-off while the connections already held are served.
 * @module
 */
import { defaultLogger, type Logger } from "../../log.ts";
import { configFromEnv, type PvaConfig } from "../config.ts";
import { PvaLimitError } from "../limits.ts";
import { DecodeError } from "../../pvdata/errors.ts";
import { BeaconEmitter, newGuid } from "./beacon.ts";
import { SearchResponder } from "./discovery.ts";
import { type PeerInfo, ServerConnection } from "./conn.ts";
import type { SharedPV } from "./shared_pv.ts";
import type { ChannelAccess } from "./access_rules.ts";

export type { PeerInfo } from "./conn.ts";

/**
 * Asked for names the server does not host, by UDP search, TCP search and CREATE_CHANNEL:
 * returns (or resolves to) the PV to serve under `name`, or undefined when it has none. A
 * mirror or gateway creates PVs on demand this way; it keeps them itself (the server does not
 * remember the answer), so it is asked again for each search and each new channel. A thrown
 * error or rejection counts as "none" and is reported to the client creating the channel.
 * @example
 * ```ts ignore
 * const mirrors = new Map<string, SharedPV>();
 * const server = new PvaServer({
 *   source: async (name) => {
 *     if (!name.startsWith("mirror:")) return undefined;
 *     if (!mirrors.has(name)) mirrors.set(name, await startMirror(name)); // your upstream
 *     return mirrors.get(name);
 *   },
 * });
 * ```
 */
export type PVSource = (name: string) => SharedPV | undefined | Promise<SharedPV | undefined>;

/** Options of a {@link PvaServer}. */
export interface PvaServerOptions {
  /** Network settings and limits; defaults to the EPICS_PVA* and PVASTREAM_* environment. */
  config?: PvaConfig;
  /** Skip UDP search and beacons (TCP-only, e.g. behind a name server). */
  tcpOnly?: boolean;
  /** Where the server reports refused connections and peers it disconnects; {@link defaultLogger} by default. */
  logger?: Logger;
  /** Byte order of our TCP messages; clients follow it. Little-endian by default. */
  byteOrder?: "little" | "big";
  /** Serves names that are not hosted with {@link PvaServer.addPV}. */
  source?: PVSource;
  /**
   * Who may read and write which channels, checked before each PV's own `access` and `readOnly`
   * (e.g. `AccessRules` from a rules file); everyone may do everything without it.
   * @example
   * ```ts ignore
   * new PvaServer({ access: AccessRules.parse(await Deno.readTextFile("pvastream.acf")) });
   * ```
   */
  access?: ChannelAccess;
  /**
   * Called when a client has connected and validated (its user and host are then known).
   * @example
   * ```ts ignore
   * new PvaServer({ onConnect: (p) => log.info("client", { user: p.user, address: p.address }) });
   * ```
   */
  onConnect?: (peer: PeerInfo) => void;
  /** Called when a client reported by `onConnect` has gone, with the error that ended it, if any. */
  onDisconnect?: (peer: PeerInfo, error?: Error) => void;
}

/**
 * A pvAccess server.
 *
 * @example
 * ```ts ignore
 * import { PvaServer, SharedPV } from "./mod.ts";
 * import { ntScalar } from "../../nt/mod.ts";
 * const pv = new SharedPV();
 * pv.open(ntScalar("float64", 1.5));
 * const server = new PvaServer();
 * server.addPV("demo:value", pv);
 * await server.start();
 * pv.post({ value: 2.5 });
 * ```
 */
export class PvaServer {
  /** Effective configuration. */
  readonly config: PvaConfig;
  /** This server's 12-byte GUID. */
  readonly guid: Uint8Array = newGuid();
  private readonly options: PvaServerOptions;
  private readonly pvs = new Map<string, SharedPV>();
  private readonly connections = new Set<ServerConnection>();
  /** Connections reported by onConnect, so that onDisconnect pairs with it. */
  private readonly validated = new WeakSet<ServerConnection>();
  /** Accept loops and connections still running, awaited by close(). */
  private readonly running = new Set<Promise<void>>();
  private listeners: Deno.TcpListener[] = [];
  private responder: SearchResponder | null = null;
  private beacons: BeaconEmitter | null = null;
  private port = 0;
  readonly #logger: Logger;
  /** Connections held per peer IP address. */
  readonly #perAddress = new Map<string, number>();
  /** Accept back-off timers, cleared on close. */
  readonly #backoffs = new Set<() => void>();

  /**
   * Creates a stopped server; call {@link PvaServer.start} to listen.
   * @param options network settings and limits; all optional
   */
  constructor(options: PvaServerOptions = {}) {
    this.options = options;
    this.config = options.config ?? configFromEnv();
    this.#logger = options.logger ?? defaultLogger;
  }

  /** The TCP port actually listened on (0 before start). */
  get tcpPort(): number {
    return this.port;
  }

  /** The UDP port searches are answered on (0 when TCP-only or before start). */
  get udpPort(): number {
    return this.responder?.port ?? 0;
  }

  /** Number of connected clients. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Hosts `pv` under `name`.
   * @throws Error when `name` is already hosted: use {@link PvaServer.replacePV} to swap PVs
   */
  addPV(name: string, pv: SharedPV): void {
    if (this.pvs.has(name)) throw new Error(`a PV named "${name}" is already hosted`);
    this.pvs.set(name, pv);
  }

  /**
   * Hosts `pv` under `name` in place of the PV there (if any), moving its open channels:
   * with the same type their operations carry on (a running monitor receives `pv`'s value
   * in full, then its updates); with another type the channels are destroyed and clients
   * reconnect to learn it. The old PV is left open for its owner to close.
   * @example
   * ```ts ignore
   * const next = new SharedPV();
   * next.open(ntScalar("float64", 0));
   * server.replacePV("demo:value", next); // monitors of demo:value now follow `next`
   * ```
   */
  replacePV(name: string, pv: SharedPV): void {
    const old = this.pvs.get(name);
    this.pvs.set(name, pv);
    if (old === undefined || old === pv) return;
    for (const c of this.connections) c.movePV(old, pv);
  }

  /**
   * Stops hosting `name` and closes its PV ({@link SharedPV.close}): its subscriptions end,
   * wherever else it is hosted too.
   */
  removePV(name: string): void {
    this.pvs.get(name)?.close();
    this.pvs.delete(name);
  }

  /** The PV hosted under `name` (not asking the dynamic source). */
  getPV(name: string): SharedPV | undefined {
    return this.pvs.get(name);
  }

  /** Names of hosted PVs. */
  names(): string[] {
    return [...this.pvs.keys()];
  }

  /**
   * The connected clients: address and port, user, host, authentication method, and the
   * names of their open channels.
   * @example
   * ```ts ignore
   * for (const p of server.peers()) console.log(`${p.user}@${p.host} (${p.address}):`, p.channels);
   * ```
   */
  peers(): PeerInfo[] {
    return [...this.connections].map((c) => c.describe());
  }

  /**
   * Binds the sockets (nothing is bound before) and starts serving: resolves once TCP, and
   * unless `tcpOnly` the UDP search port, are bound and beacons have started.
   */
  async start(): Promise<void> {
    for (const hostname of this.config.interfaces) this.listeners.push(this.listen(hostname));
    this.port = this.listeners[0].addr.port;
    for (const l of this.listeners) this.track(this.acceptLoop(l));
    if (this.options.tcpOnly) return;
    this.responder = await SearchResponder.start({
      config: this.config,
      guid: this.guid,
      tcpPort: () => this.port,
      claims: (name) => this.claims(name),
    });
    this.beacons = BeaconEmitter.start({ config: this.config, guid: this.guid, tcpPort: () => this.port });
  }

  /**
   * Stops listening, closes every connection at once (replies still queued are dropped) and
   * stops discovery; resolves once the accept loops and connections have ended. PVs stay
   * open.
   */
  async close(): Promise<void> {
    for (const l of this.listeners) l.close();
    this.listeners = [];
    for (const c of this.connections) c.close();
    for (const wake of this.#backoffs) wake();
    this.responder?.close();
    this.beacons?.close();
    this.responder = this.beacons = null;
    await Promise.all(this.running);
  }

  /** The PV served under `name`: hosted, else from the dynamic source. */
  private lookup(name: string): SharedPV | undefined | Promise<SharedPV | undefined> {
    return this.pvs.get(name) ?? this.options.source?.(name);
  }

  /**
   * Whether a search for `name` is answered. Hosted names answer at once; a failing source
   * claims nothing (CREATE_CHANNEL is where its error is reported).
   */
  private claims(name: string): boolean | Promise<boolean> {
    const hosted = this.pvs.get(name);
    const source = this.options.source;
    if (hosted || !source) return hosted?.acceptsChannels === true;
    return (async () => (await source(name))?.acceptsChannels === true)().catch(() => false);
  }

  /** Runs `task` and keeps it until it ends, so close() can wait for it. */
  private track(task: Promise<void>): void {
    this.running.add(task);
    task.finally(() => this.running.delete(task));
  }

  /** Binds `hostname`; the first bind falls back to a free port when the configured one is taken. */
  private listen(hostname: string): Deno.TcpListener {
    const port = this.port || this.config.serverPort;
    try {
      return Deno.listen({ hostname, port, transport: "tcp" });
    } catch (e) {
      if (!(e instanceof Deno.errors.AddrInUse) || this.port !== 0) throw e;
      return Deno.listen({ hostname, port: 0, transport: "tcp" });
    }
  }

  /**
   * Serves each accepted socket until the listener closes. Other accept errors (EMFILE when
   * out of file descriptors) are logged and retried after a back-off growing to 1 s: the
   * connections already held keep being served, and freed descriptors are used again.
   */
  private async acceptLoop(listener: Deno.TcpListener): Promise<void> {
    let backoffMs = 0;
    while (this.listeners.includes(listener)) {
      let socket: Deno.TcpConn;
      try {
        socket = await listener.accept();
      } catch (e) {
        if (e instanceof Deno.errors.BadResource || !this.listeners.includes(listener)) return;
        backoffMs = Math.min(Math.max(backoffMs * 2, 50), 1000);
        this.#logger.error(`accept failed on TCP port ${this.port}, retrying in ${backoffMs} ms`, {
          error: e instanceof Error ? e.message : String(e),
        });
        await this.#backoff(backoffMs);
        continue;
      }
      backoffMs = 0;
      try {
        this.#admit(socket);
      } catch (e) {
        // A peer that resets at once can make socket options fail: lose that socket, not the loop.
        this.#logger.info(`could not serve a new connection: ${e instanceof Error ? e.message : String(e)}`);
        try {
          socket.close();
        } catch {
          // Already closed.
        }
      }
    }
  }

  /** Waits `ms`, or less if the server closes meanwhile. */
  #backoff(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#backoffs.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#backoffs.add(wake);
    });
  }

  /** Serves `socket`, or closes it at once when the server or its address holds too many connections. */
  #admit(socket: Deno.TcpConn): void {
    const remote = socket.remoteAddr as Deno.NetAddr;
    const peer = `${remote.hostname}:${remote.port}`;
    const { maxConnections, maxConnectionsPerPeer } = this.config.limits;
    const fromAddress = this.#perAddress.get(remote.hostname) ?? 0;
    const refusal = this.connections.size >= maxConnections
      ? new PvaLimitError("maxConnections", `the server holds ${this.connections.size} connections`)
      : fromAddress >= maxConnectionsPerPeer
      ? new PvaLimitError("maxConnectionsPerPeer", `${remote.hostname} holds ${fromAddress} connections`)
      : null;
    if (refusal) {
      this.#logger.warn(`refused connection from ${peer}: ${refusal.message}`, { peer });
      socket.close();
      return;
    }
    const conn = new ServerConnection(socket, {
      lookup: (name) => this.lookup(name),
      claims: (name) => this.claims(name),
      onValidated: (c) => {
        if (this.validated.has(c)) return;
        this.validated.add(c);
        this.options.onConnect?.(c.describe());
      },
      guid: this.guid,
      tcpPort: this.port,
      idleTimeout: this.config.idleTimeout,
      limits: this.config.limits,
      littleEndian: this.options.byteOrder !== "big",
      access: this.options.access,
    }, (c, e) => {
      this.connections.delete(c);
      const left = (this.#perAddress.get(remote.hostname) ?? 1) - 1;
      if (left > 0) this.#perAddress.set(remote.hostname, left);
      else this.#perAddress.delete(remote.hostname);
      this.#logClose(peer, e);
      if (this.validated.has(c)) this.options.onDisconnect?.(c.describe(), e);
    });
    this.#perAddress.set(remote.hostname, fromAddress + 1);
    this.connections.add(conn);
    this.track(conn.run());
  }

  /** Peers that broke a limit or the protocol are warnings; anything else is routine. */
  #logClose(peer: string, error?: Error): void {
    if (error === undefined) this.#logger.debug(`connection from ${peer} closed`, { peer });
    else if (error instanceof PvaLimitError || error instanceof DecodeError) {
      this.#logger.warn(`closed connection from ${peer}: ${error.message}`, { peer });
    } else this.#logger.info(`connection from ${peer} closed: ${error.message}`, { peer });
  }
}
