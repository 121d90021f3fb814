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
import { ServerConnection } from "./conn.ts";
import type { SharedPV } from "./shared_pv.ts";

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

  /** Hosts `pv` under `name` (replacing any PV of that name). */
  addPV(name: string, pv: SharedPV): void {
    this.pvs.set(name, pv);
  }

  /** Stops hosting `name`; its subscriptions end. */
  removePV(name: string): void {
    this.pvs.get(name)?.close();
    this.pvs.delete(name);
  }

  /** The PV hosted under `name`. */
  getPV(name: string): SharedPV | undefined {
    return this.pvs.get(name);
  }

  /** Names of hosted PVs. */
  names(): string[] {
    return [...this.pvs.keys()];
  }

  /** Starts listening; resolves once TCP and UDP are bound. */
  async start(): Promise<void> {
    for (const hostname of this.config.interfaces) this.listeners.push(this.listen(hostname));
    this.port = this.listeners[0].addr.port;
    for (const l of this.listeners) this.acceptLoop(l);
    if (this.options.tcpOnly) return;
    this.responder = await SearchResponder.start({
      config: this.config,
      guid: this.guid,
      tcpPort: () => this.port,
      claims: (name) => this.pvs.get(name)?.isOpen === true,
    });
    this.beacons = BeaconEmitter.start({ config: this.config, guid: this.guid, tcpPort: () => this.port });
  }

  /** Stops listening, closes every connection and stops discovery. PVs stay open. */
  close(): void {
    for (const l of this.listeners) l.close();
    this.listeners = [];
    for (const c of this.connections) c.close();
    for (const wake of this.#backoffs) wake();
    this.responder?.close();
    this.beacons?.close();
    this.responder = this.beacons = null;
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
      lookup: (name) => this.pvs.get(name),
      guid: this.guid,
      tcpPort: this.port,
      idleTimeout: this.config.idleTimeout,
      limits: this.config.limits,
      littleEndian: this.options.byteOrder !== "big",
    }, (c, e) => {
      this.connections.delete(c);
      const left = (this.#perAddress.get(remote.hostname) ?? 1) - 1;
      if (left > 0) this.#perAddress.set(remote.hostname, left);
      else this.#perAddress.delete(remote.hostname);
      this.#logClose(peer, e);
    });
    this.#perAddress.set(remote.hostname, fromAddress + 1);
    this.connections.add(conn);
    conn.run();
  }

  /** Peers that broke a limit or the protocol are warnings; anything else is routine. */
  #logClose(peer: string, error?: Error): void {
    if (error === undefined) this.#logger.debug(`connection from ${peer} closed`, { peer });
    else if (error instanceof PvaLimitError || error instanceof DecodeError) {
      this.#logger.warn(`closed connection from ${peer}: ${error.message}`, { peer });
    } else this.#logger.info(`connection from ${peer} closed: ${error.message}`, { peer });
  }
}
