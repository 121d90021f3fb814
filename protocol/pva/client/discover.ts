/**
 * Finding channels: SEARCH over UDP to the address list (and interface broadcasts) and over
 * TCP to name servers, retried with a growing delay (10 ms batching, then 1 s, 2 s ... 30 s),
 * hurried along by beacons from servers not seen before.
 * @module
 */
import type { Logger } from "../../log.ts";
import { DecodeError } from "../../pvdata/errors.ts";
import type { Reader } from "../../pvdata/reader.ts";
import { parseHostPort, type PvaConfig } from "../config.ts";
import { encodeMessage } from "../frame.ts";
import { Command } from "../header.ts";
import {
  readBeacon,
  readSearchRequest,
  readSearchResponse,
  type SearchedChannel,
  SearchFlag,
  type SearchRequest,
  type SearchResponse,
  writeSearchRequest,
} from "../messages/mod.ts";
import type { Channel } from "./channel.ts";
import type { ClientConnection } from "./conn.ts";
import { SearchSchedule } from "../../search_schedule.ts";
import { SearchForwarder } from "./udp.ts";
import {
  datagram,
  ipv4Interfaces,
  type SearchDestination,
  searchDestinations,
  splitDatagram,
} from "../udp.ts";

/** What discovery needs from the client. */
export interface DiscoverContext {
  /** Where discovery reports missing sockets and duplicate PVs. */
  readonly logger: Logger;
  /** The channel with this cid, if it still exists. */
  channel(cid: number): Channel | undefined;
  /** The shared connection to a server (name servers are ordinary connections). */
  connect(host: string, port: number): Promise<ClientConnection>;
}

/** pvxs's search sequence id: "find". */
const SEQUENCE_ID = 0x66696e64;
/** Channel names packed into one SEARCH stay under this many payload bytes (pvxs). */
const MAX_SEARCH_PAYLOAD = 1400;
/** Delay before the first search of a new channel, so that channels created together share a packet. */
const FIRST_SEARCH_MS = 10;
/** The retry delay grows by a second per attempt up to this many seconds. */
const MAX_RETRY_S = 30;
/** A name server that dropped is dialled again after this long. */
const NAME_SERVER_RETRY_MS = 10_000;

interface NameServer {
  host: string;
  port: number;
  conn: ClientConnection | null;
  dialling: boolean;
  nextDial: number;
  /** Why the name server is of no use now (unreachable, broke the protocol, silent), if it is not. */
  problem: string | null;
}

/**
 * The client's search engine.
 * @example
 * ```ts ignore
 * const d = new Discoverer(configFromEnv(), context);
 * d.add(channel); // searched until d.remove(channel)
 * ```
 */
export class Discoverer {
  private readonly config: PvaConfig;
  private readonly ctx: DiscoverContext;
  private readonly udp: Deno.DatagramConn;
  private readonly beacons: Deno.DatagramConn | null;
  private readonly forwarder: SearchForwarder;
  private readonly targets: SearchDestination[];
  private readonly nameServers: NameServer[];
  private readonly schedule = new SearchSchedule<Channel>({
    retryMs: (attempt) => Math.min(attempt, MAX_RETRY_S) * 1000,
    onDue: (due, now) => this.searchNow(due, now),
  });
  private readonly knownServers = new Set<string>();
  private readonly warnedDuplicates = new Set<string>();

  /**
   * @param config addresses, ports and the name servers
   * @param ctx channel lookup and connections
   */
  constructor(config: PvaConfig, ctx: DiscoverContext) {
    this.config = config;
    this.ctx = ctx;
    this.udp = Deno.listenDatagram({ transport: "udp", hostname: "0.0.0.0", port: 0 });
    this.beacons = this.listenBeacons();
    const local = ipv4Interfaces((e) => {
      if (config.autoAddrList) ctx.logger.warn(`pva search: no interface broadcasts (${e.message})`);
    });
    this.forwarder = new SearchForwarder(config.broadcastPort, local);
    this.targets = searchDestinations(config, local);
    this.nameServers = config.nameServers.map((s) => ({
      ...parseHostPort(s, config.serverPort),
      conn: null,
      dialling: false,
      nextDial: 0,
      problem: null,
    }));
    this.receive(this.udp);
    if (this.beacons) this.receive(this.beacons);
  }

  /** Starts searching for a channel, the first search after `delayMs` (default about 10 ms). */
  add(ch: Channel, delayMs = FIRST_SEARCH_MS): void {
    this.schedule.add(ch.cid, ch, delayMs);
  }

  /** What is wrong with the name servers, when none of them is usable, or undefined. */
  problem(): string | undefined {
    const failing = this.nameServers.filter((ns) => ns.problem !== null);
    if (failing.length === 0 || failing.length < this.nameServers.length) return undefined;
    return failing.map((ns) => ns.problem).join("; ");
  }

  /** Stops searching for a channel. */
  remove(ch: Channel): void {
    this.schedule.remove(ch.cid);
  }

  /** A SEARCH_RESPONSE from a name server's connection. */
  onTcpResponse(conn: ClientConnection, res: SearchResponse): void {
    this.onResponse(res, conn.host, conn.port);
  }

  /** Closes the sockets and stops searching. */
  close(): void {
    this.schedule.close();
    this.udp.close();
    this.beacons?.close();
    this.forwarder.close();
  }

  private listenBeacons(): Deno.DatagramConn | null {
    try {
      return Deno.listenDatagram({
        transport: "udp",
        hostname: "0.0.0.0",
        port: this.config.broadcastPort,
        reuseAddress: true,
      });
    } catch (e) {
      this.ctx.logger.warn(
        `pva search: not listening for beacons on ${this.config.broadcastPort}: ${(e as Error).message}`,
      );
      return null;
    }
  }

  /** Sends the searches that are due, and dials name servers while anything is searched for. */
  private searchNow(due: Channel[], now: number): void {
    for (const batch of batches(due.map((ch) => ({ id: ch.cid, name: ch.name })))) this.send(batch);
    if (this.schedule.size > 0) this.dialNameServers(now);
  }

  private send(channels: SearchedChannel[]): void {
    const search = (flags: number, replyPort: number): SearchRequest => ({
      sequenceId: SEQUENCE_ID,
      flags,
      replyAddress: null,
      replyPort,
      protocols: ["tcp"],
      channels,
    });
    // One encoding per flag value, not per destination.
    const udpPort = (this.udp.addr as Deno.NetAddr).port;
    const encoded = new Map<number, Uint8Array>();
    for (const t of this.targets) {
      const flags = t.unicast ? SearchFlag.UNICAST : 0;
      let bytes = encoded.get(flags);
      if (!bytes) {
        bytes = datagram(
          encodeMessage(Command.SEARCH, "client", true, (w) => writeSearchRequest(w, search(flags, udpPort))),
        );
        encoded.set(flags, bytes);
      }
      this.udp.send(bytes, { transport: "udp", hostname: t.hostname, port: t.port }).catch(() => {
        // An unreachable destination must not stop the others; the next retry tries again.
      });
    }
    for (const ns of this.nameServers) {
      if (!ns.conn || ns.conn.isClosed) continue;
      ns.conn.send(Command.SEARCH, (w) => writeSearchRequest(w, search(SearchFlag.UNICAST, 0)));
    }
  }

  /** Dials name servers that are down (at most every 10 s each); a new connection gets a search at once. */
  private dialNameServers(now: number): void {
    for (const ns of this.nameServers) {
      if (ns.conn?.isClosed) ns.conn = null;
      if (ns.conn || ns.dialling || now < ns.nextDial) continue;
      ns.dialling = true;
      ns.nextDial = now + NAME_SERVER_RETRY_MS;
      // Until the handshake ends, a silent name server is the likely reason for no answers.
      ns.problem ??= `name server ${ns.host}:${ns.port} has not completed the connection handshake`;
      this.ctx.connect(ns.host, ns.port).then((conn) => {
        ns.conn = conn;
        ns.problem = null;
        this.schedule.hurry();
      }, (e: Error) => {
        ns.problem = `name server ${e.message}`; // "host:port ..." (ClientConnection.open)
      }).finally(() => ns.dialling = false);
    }
  }

  private async receive(sock: Deno.DatagramConn): Promise<void> {
    for (;;) {
      let data: Uint8Array;
      let from: Deno.NetAddr;
      try {
        const [d, addr] = await sock.receive();
        data = d;
        from = addr as Deno.NetAddr;
      } catch {
        return; // closed
      }
      try {
        for (const m of splitDatagram(data)) this.onDatagramMessage(m.header.command, m.body, from, sock);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        // A malformed datagram is dropped; UDP peers are not trusted.
      }
    }
  }

  private onDatagramMessage(command: number, r: Reader, from: Deno.NetAddr, sock: Deno.DatagramConn): void {
    if (command === Command.SEARCH_RESPONSE) {
      this.onResponse(readSearchResponse(r), from.hostname, 0);
    } else if (command === Command.BEACON) {
      const b = readBeacon(r);
      const key = `${hex(b.guid)}@${b.serverAddress ?? from.hostname}:${b.serverPort}`;
      if (!this.knownServers.has(key)) {
        this.knownServers.add(key);
        this.schedule.hurry();
      }
    } else if (command === Command.SEARCH && sock === this.beacons) {
      this.forwarder.forward(readSearchRequest(r), from.hostname, r.littleEndian);
    }
  }

  /** A positive answer connects the channels it names; a second server for one name is a duplicate PV. */
  private onResponse(res: SearchResponse, sourceHost: string, sourcePort: number): void {
    if (!res.found || res.protocol !== "tcp") return;
    const host = res.serverAddress ?? sourceHost;
    const port = res.serverPort === 0 ? sourcePort : res.serverPort;
    const guid = hex(res.guid);
    for (const cid of res.ids) {
      const ch = this.ctx.channel(cid);
      if (!ch) continue;
      if (ch.state === "searching") ch.found(host, port, guid);
      else if (ch.guid !== guid && !this.warnedDuplicates.has(ch.name)) {
        this.warnedDuplicates.add(ch.name);
        this.ctx.logger.warn(
          `duplicate PV ${ch.name}: served by GUID ${ch.guid} and by ${guid} at ${host}:${port}`,
        );
      }
    }
  }
}

/** Splits channels into SEARCH payloads of at most {@link MAX_SEARCH_PAYLOAD} bytes. */
function batches(channels: SearchedChannel[]): SearchedChannel[][] {
  const out: SearchedChannel[][] = [];
  // The fixed part: sequence, flags, address, port, protocol list, count.
  const head = 4 + 4 + 16 + 2 + 5 + 2;
  let cur: SearchedChannel[] = [];
  let size = head;
  for (const c of channels) {
    const n = 4 + 5 + new TextEncoder().encode(c.name).length;
    if (cur.length > 0 && size + n > MAX_SEARCH_PAYLOAD) {
      out.push(cur);
      cur = [];
      size = head;
    }
    cur.push(c);
    size += n;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}
