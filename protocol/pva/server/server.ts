/**
 * PvaServer: hosts SharedPVs over pvAccess. It listens on TCP (falling back to a free port
 * when the configured one is taken, and advertising the real one), answers UDP searches
 * (shared port, local forwarding) and sends beacons.
 * @module
 */
import { configFromEnv, type PvaConfig } from "../config.ts";
import { BeaconEmitter, newGuid } from "./beacon.ts";
import { SearchResponder } from "./discovery.ts";
import { type PeerInfo, ServerConnection } from "./conn.ts";
import type { SharedPV } from "./shared_pv.ts";

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
  /** Network settings; defaults to the EPICS_PVA* environment. */
  config?: PvaConfig;
  /** Skip UDP search and beacons (TCP-only, e.g. behind a name server). */
  tcpOnly?: boolean;
  /** Largest message accepted from a client, in bytes. */
  maxMessageBytes?: number;
  /** Byte order of our TCP messages; clients follow it. Little-endian by default. */
  byteOrder?: "little" | "big";
  /** Serves names that are not hosted with {@link PvaServer.addPV}. */
  source?: PVSource;
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

  /**
   * Creates a stopped server; call {@link PvaServer.start} to listen.
   * @param options network settings and limits; all optional
   */
  constructor(options: PvaServerOptions = {}) {
    this.options = options;
    this.config = options.config ?? configFromEnv();
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

  /** Stops hosting `name`; its subscriptions end. */
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

  /** Starts listening; resolves once TCP and UDP are bound. */
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
   * Stops listening, closes every connection and stops discovery; resolves once the accept
   * loops and connections have ended. PVs stay open.
   */
  async close(): Promise<void> {
    for (const l of this.listeners) l.close();
    this.listeners = [];
    for (const c of this.connections) c.close();
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

  /** Serves each accepted socket until the listener closes. */
  private async acceptLoop(listener: Deno.TcpListener): Promise<void> {
    try {
      for await (const socket of listener) {
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
          maxMessageBytes: this.options.maxMessageBytes,
          littleEndian: this.options.byteOrder !== "big",
        }, (c, e) => {
          this.connections.delete(c);
          if (this.validated.has(c)) this.options.onDisconnect?.(c.describe(), e);
        });
        this.connections.add(conn);
        this.track(conn.run());
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.BadResource)) throw e;
    }
  }
}
