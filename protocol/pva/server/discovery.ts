/**
 * The server side of UDP discovery: answers SEARCH datagrams for the names this server hosts.
 *
 * Several servers on one host share the search port (address reuse). Broadcasts reach all
 * of them, but a unicast datagram reaches only one, so whoever receives a search flagged
 * "unicast" resends it, prefixed by an ORIGIN_TAG, to the multicast group 224.0.0.128 on
 * loopback, where every server on the host (pvxs ones too) receives and answers it.
 *
 * Sockets, since Deno does not say which address a datagram was sent to:
 * - one per configured interface address at the search port (plus the interface's broadcast
 *   address when it is not the wildcard: a socket bound to a unicast address misses broadcasts);
 * - one bound to the group address itself and joined on loopback: only datagrams really sent
 *   to the group arrive there, so it is the only place an ORIGIN_TAG is believed;
 * - one bound to 127.0.0.1 that sends forwarded searches: Linux sends a multicast out of
 *   the interface owning the socket's address, here loopback (TTL stays at the default 1).
 *
 * @module
 */
import { DecodeError } from "../../pvdata/errors.ts";
import { parseHostPort, type PvaConfig } from "../config.ts";
import { encodeMessage } from "../frame.ts";
import { Command, isLittleEndian } from "../header.ts";
import {
  datagram,
  type DatagramPart,
  forwardedSearch,
  ipv4Interfaces,
  LOCAL_MULTICAST_GROUP,
  splitDatagram,
} from "../udp.ts";
import {
  readOriginTag,
  readSearchRequest,
  SearchFlag,
  type SearchRequest,
  type SearchResponse,
  writeSearchResponse,
} from "../messages/discovery.ts";

/** Replies go to IPv4 addresses only: all our sockets are IPv4. */
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Options of {@link SearchResponder.start}. */
export interface SearchResponderOptions {
  /** `broadcastPort` (0 picks a free port) and `interfaces` are used. */
  config: PvaConfig;
  /** The server's 12-byte GUID. */
  guid: Uint8Array;
  /** The server's actual TCP port, advertised in replies. */
  tcpPort: () => number;
  /** Whether this server hosts the PV `name` (it may have to ask a dynamic source first). */
  claims: (name: string) => boolean | Promise<boolean>;
  /** Told about failures that are not the sender's fault (a failed send, a throwing `claims`). */
  onError?: (e: Error) => void;
}

/** A socket that receives searches and the socket its replies leave from. */
interface Endpoint {
  rx: Deno.DatagramConn;
  tx: Deno.DatagramConn;
  /** The interface address; null for the wildcard. */
  host: string | null;
}

/** The sockets of the local group: one receiving what is sent to it, one sending to it. */
interface LocalGroup {
  rx: Deno.DatagramConn;
  forwarder: Deno.DatagramConn;
}

/** Binds the group address at `port`, joins the group on loopback and opens the forwarder. */
async function openLocalGroup(port: number): Promise<LocalGroup> {
  const rx = Deno.listenDatagram({
    hostname: LOCAL_MULTICAST_GROUP,
    port,
    transport: "udp",
    reuseAddress: true,
  });
  try {
    await rx.joinMulticastV4(LOCAL_MULTICAST_GROUP, "127.0.0.1");
    const forwarder = Deno.listenDatagram({
      hostname: "127.0.0.1",
      port: 0,
      transport: "udp",
      loopback: true,
    });
    return { rx, forwarder };
  } catch (e) {
    rx.close();
    throw e;
  }
}

/**
 * What a server answers to `search` (over UDP or TCP): the ids of the names it claims, or
 * found = 0 for a discovery ping (must-reply); null when it owes no answer (nothing claimed,
 * or only transports other than "tcp" asked for).
 */
export async function searchResponse(
  search: SearchRequest,
  guid: Uint8Array,
  tcpPort: number,
  claims: (name: string) => boolean | Promise<boolean>,
): Promise<SearchResponse | null> {
  if (search.protocols.length > 0 && !search.protocols.includes("tcp")) return null;
  const claimed = await Promise.all(search.channels.map((c) => claims(c.name)));
  const ids = search.channels.filter((_, i) => claimed[i]).map((c) => c.id);
  if (ids.length === 0 && (search.flags & SearchFlag.MUST_REPLY) === 0) return null;
  return {
    guid,
    sequenceId: search.sequenceId,
    serverAddress: null,
    serverPort: tcpPort,
    protocol: "tcp",
    found: ids.length > 0,
    ids,
  };
}

/**
 * Answers UDP searches until closed. Malformed datagrams are counted and ignored.
 * @example
 * ```ts ignore
 * const responder = await SearchResponder.start({
 *   config: configFromEnv(),
 *   guid: newGuid(),
 *   tcpPort: () => 5075,
 *   claims: (name) => name === "demo:image",
 * });
 * responder.close();
 * ```
 */
export class SearchResponder {
  /** The UDP port searches are received on. */
  readonly port: number;
  readonly #opts: SearchResponderOptions;
  readonly #endpoints: Endpoint[];
  /** The endpoints bound to interface addresses (they also send every reply). */
  readonly #interfaces: Endpoint[];
  /** Null when the local group is unavailable: unicast searches are then answered directly. */
  readonly #group: LocalGroup | null;
  #malformed = 0;
  #closed = false;

  private constructor(
    opts: SearchResponderOptions,
    port: number,
    endpoints: Endpoint[],
    group: LocalGroup | null,
  ) {
    this.#opts = opts;
    this.port = port;
    this.#endpoints = endpoints;
    this.#interfaces = endpoints.filter((e) => e.rx === e.tx);
    this.#group = group;
    for (const e of endpoints) this.#listen(e.rx, e);
    if (group) this.#listen(group.rx, null);
  }

  /** Binds the sockets and starts answering. */
  static async start(opts: SearchResponderOptions): Promise<SearchResponder> {
    const sockets: Deno.DatagramConn[] = [];
    let port = opts.config.broadcastPort;
    const bind = (hostname: string) => {
      const conn = Deno.listenDatagram({ hostname, port, transport: "udp", reuseAddress: true });
      sockets.push(conn);
      port = (conn.addr as Deno.NetAddr).port;
      return conn;
    };
    try {
      const hosts = opts.config.interfaces.map((entry) => parseHostPort(entry, port).host);
      const broadcasts = hosts.some((h) => h !== "0.0.0.0")
        ? ipv4Interfaces().filter((i) => !i.loopback)
        : [];
      const endpoints: Endpoint[] = [];
      for (const host of hosts) {
        const conn = bind(host);
        const wildcard = host === "0.0.0.0";
        endpoints.push({ rx: conn, tx: conn, host: wildcard ? null : host });
        if (wildcard) continue;
        for (const b of broadcasts.filter((b) => b.address === host)) {
          endpoints.push({ rx: bind(b.broadcast), tx: conn, host });
        }
      }
      let group = null;
      try {
        group = await openLocalGroup(port);
      } catch (e) {
        opts.onError?.(
          new Error(`local multicast unavailable, unicast searches reach one server only: ${e}`),
        );
      }
      return new SearchResponder(opts, port, endpoints, group);
    } catch (e) {
      for (const s of sockets) s.close();
      throw e;
    }
  }

  /** Datagrams ignored so far because they could not be decoded. */
  get malformed(): number {
    return this.#malformed;
  }

  /** Stops answering and closes the sockets. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const e of this.#endpoints) e.rx.close();
    this.#group?.rx.close();
    this.#group?.forwarder.close();
  }

  /** Handles datagrams arriving on `conn`; `at` is null for the group socket. */
  async #listen(conn: Deno.DatagramConn, at: Endpoint | null): Promise<void> {
    while (!this.#closed) {
      let received: [Uint8Array, Deno.Addr];
      try {
        received = await conn.receive();
      } catch (e) {
        if (!this.#closed) this.#opts.onError?.(e as Error);
        return;
      }
      const [data, from] = received as [Uint8Array, Deno.NetAddr];
      try {
        if (at) await this.#onDirect(splitDatagram(data), from, at);
        else await this.#onGroup(splitDatagram(data), from);
      } catch (e) {
        if (e instanceof DecodeError) this.#malformed++;
        else if (!this.#closed) this.#opts.onError?.(e as Error);
      }
    }
  }

  /** A datagram sent to one of our interfaces (or broadcast, or multicast seen by a wildcard socket). */
  async #onDirect(parts: DatagramPart[], from: Deno.NetAddr, at: Endpoint): Promise<void> {
    for (const { header, body } of parts) {
      // A tagged search is the group's business; here it could have been sent by anyone.
      if (header.command === Command.ORIGIN_TAG) return;
      if (header.command !== Command.SEARCH) continue;
      const search = readSearchRequest(body);
      const replyHost = search.replyAddress ?? from.hostname;
      if (!IPV4.test(replyHost)) continue;
      if ((search.flags & SearchFlag.UNICAST) !== 0 && this.#group) {
        await this.#forward({ ...search, replyAddress: replyHost }, isLittleEndian(header), at);
      } else {
        await this.#answer(search, replyHost, at);
      }
    }
  }

  /** A datagram sent to the group: only forwarded searches (ORIGIN_TAG first) from this host count. */
  async #onGroup(parts: DatagramPart[], from: Deno.NetAddr): Promise<void> {
    if (parts[0]?.header.command !== Command.ORIGIN_TAG || !from.hostname.startsWith("127.")) return;
    const origin = readOriginTag(parts[0].body).address;
    const at = this.#interfaces.find((e) => origin === null || e.host === null || e.host === origin);
    if (!at) return;
    for (const { header, body } of parts.slice(1)) {
      if (header.command !== Command.SEARCH) continue;
      const search = readSearchRequest(body);
      // The forwarder fills in the reply address: the datagram's source is the forwarder.
      if (search.replyAddress !== null && IPV4.test(search.replyAddress)) {
        await this.#answer(search, search.replyAddress, at);
      }
    }
  }

  /** Resends a unicast search (reply address filled in) to the local group, tagged with its interface. */
  async #forward(search: SearchRequest, littleEndian: boolean, at: Endpoint): Promise<void> {
    await this.#group!.forwarder.send(forwardedSearch(search, at.host, littleEndian), {
      transport: "udp",
      hostname: LOCAL_MULTICAST_GROUP,
      port: this.port,
    });
  }

  /** Replies when a name is claimed or a reply is demanded (the discovery ping). */
  async #answer(search: SearchRequest, replyHost: string, at: Endpoint): Promise<void> {
    // Port 0 cannot be answered; saying so for every such datagram would let anyone flood onError.
    if (search.replyPort === 0) return;
    const response = await searchResponse(search, this.#opts.guid, this.#opts.tcpPort(), this.#opts.claims);
    if (!response) return;
    const reply = encodeMessage(
      Command.SEARCH_RESPONSE,
      "server",
      false,
      (w) => writeSearchResponse(w, response),
    );
    await at.tx.send(datagram(reply), { transport: "udp", hostname: replyHost, port: search.replyPort });
  }
}
