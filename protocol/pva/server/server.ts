/**
 * PvaServer: hosts SharedPVs over pvAccess. It listens on TCP (falling back to a free port
 * when the configured one is taken, and advertising the real one), answers UDP searches
 * (shared port, local forwarding) and sends beacons.
 * @module
 */
import { configFromEnv, type PvaConfig } from "../config.ts";
import { BeaconEmitter, newGuid } from "./beacon.ts";
import { SearchResponder } from "./discovery.ts";
import { ServerConnection } from "./conn.ts";
import type { SharedPV } from "./shared_pv.ts";

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

  /** Serves each accepted socket until the listener closes. */
  private async acceptLoop(listener: Deno.TcpListener): Promise<void> {
    try {
      for await (const socket of listener) {
        const conn = new ServerConnection(socket, {
          lookup: (name) => this.pvs.get(name),
          guid: this.guid,
          tcpPort: this.port,
          idleTimeout: this.config.idleTimeout,
          maxMessageBytes: this.options.maxMessageBytes,
          littleEndian: this.options.byteOrder !== "big",
        }, (c) => this.connections.delete(c));
        this.connections.add(conn);
        conn.run();
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.BadResource)) throw e;
    }
  }
}
