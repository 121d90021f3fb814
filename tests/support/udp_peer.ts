/**
 * A UDP socket a discovery test plays a peer with: it sends hand-made searches and beacons
 * and collects what arrives (search replies, searches, beacons), each message decoded by the
 * project's own datagram splitter and stamped with its arrival time.
 *
 * @module
 */
import { Inbox } from "./inbox.ts";
import assert from "node:assert/strict";
import { encodeMessage } from "../../protocol/pva/frame.ts";
import { Command } from "../../protocol/pva/header.ts";
import {
  type Beacon,
  readSearchResponse,
  type SearchRequest,
  type SearchResponse,
  writeBeacon,
  writeSearchRequest,
} from "../../protocol/pva/messages/discovery.ts";
import { datagram, type DatagramPart, splitDatagram } from "../../protocol/pva/udp.ts";

/**
 * A search datagram as a client sends it (no flags, protocol tcp, no names unless given).
 * @example
 * ```ts
 * import { searchDatagram } from "./udp_peer.ts";
 * searchDatagram({ sequenceId: 1, replyPort: 5000, channels: [{ id: 1, name: "pv" }] }).length; // 48
 * ```
 */
export function searchDatagram(
  search: Partial<SearchRequest> & { sequenceId: number },
  littleEndian = false,
): Uint8Array {
  const full: SearchRequest = {
    flags: 0,
    replyAddress: null,
    replyPort: 0,
    protocols: ["tcp"],
    channels: [],
    ...search,
  };
  return datagram(encodeMessage(Command.SEARCH, "client", littleEndian, (w) => writeSearchRequest(w, full)));
}

/**
 * A beacon datagram as a server sends it (big-endian, no status).
 * @example
 * ```ts
 * import { beaconDatagram } from "./udp_peer.ts";
 * beaconDatagram({ guid: new Uint8Array(12), serverPort: 5075 }).length; // 47
 * ```
 */
export function beaconDatagram(
  beacon: Partial<Beacon> & { guid: Uint8Array; serverPort: number },
): Uint8Array {
  const full: Beacon = {
    flags: 0,
    sequence: 0,
    changeCount: 0,
    serverAddress: null,
    protocol: "tcp",
    status: null,
    ...beacon,
  };
  return datagram(encodeMessage(Command.BEACON, "server", false, (w) => writeBeacon(w, full)));
}

/** A received datagram. */
export interface Received {
  /** Its messages, each with a reader over its payload. */
  parts: DatagramPart[];
  /** The sender. */
  from: Deno.NetAddr;
  /** performance.now() on arrival. */
  at: number;
}

/** Options of a {@link UdpPeer}. */
export interface UdpPeerOptions {
  /** Address to bind (default 127.0.0.1; 0.0.0.0 also receives loopback broadcasts). */
  hostname?: string;
  /** Port to bind (default 0: a free one). */
  port?: number;
  /** Share the port with servers and clients bound to it (their broadcasts then reach us too). */
  reuseAddress?: boolean;
}

/** A datagram as it arrived. */
interface Raw {
  bytes: Uint8Array;
  from: Deno.NetAddr;
  at: number;
}

/**
 * A test's UDP socket on loopback. Datagrams are read as they arrive and queued, so a wait
 * that timed out loses nothing.
 * @example
 * ```ts ignore
 * using peer = new UdpPeer();
 * await peer.search(serverUdpPort, { sequenceId: 1, channels: [{ id: 1, name: "pv" }] });
 * const reply = await peer.reply();
 * ```
 */
export class UdpPeer implements Disposable {
  /** The socket. */
  readonly socket: Deno.DatagramConn;
  /** The port it is bound to. */
  readonly port: number;
  private readonly inbox = new Inbox<Raw>();

  /**
   * Binds the socket and starts reading.
   * @param opts where to bind
   */
  constructor({ hostname = "127.0.0.1", port = 0, reuseAddress = false }: UdpPeerOptions = {}) {
    this.socket = Deno.listenDatagram({ hostname, port, transport: "udp", reuseAddress });
    this.port = (this.socket.addr as Deno.NetAddr).port;
    this.readLoop();
  }

  /** Sends a search whose replies come to this socket, to `hostname`:`port`. */
  async search(
    port: number,
    search: Partial<SearchRequest> & { sequenceId: number },
    littleEndian = false,
    hostname = "127.0.0.1",
  ): Promise<void> {
    await this.send(searchDatagram({ replyPort: this.port, ...search }, littleEndian), port, hostname);
  }

  /** Sends bytes as they are. */
  async send(bytes: Uint8Array, port: number, hostname = "127.0.0.1"): Promise<void> {
    await this.socket.send(bytes, { transport: "udp", hostname, port });
  }

  /** The next datagram, split into messages (a DecodeError if it is malformed); rejects after `ms`. */
  async receive(ms = 3000): Promise<Received> {
    const raw = await this.inbox.take(ms, "datagram");
    return { parts: splitDatagram(raw.bytes), from: raw.from, at: raw.at };
  }

  /** The next datagram, which must be one SEARCH_RESPONSE, with its header's byte order. */
  async reply(ms = 3000): Promise<SearchResponse & { littleEndian: boolean }> {
    const { parts } = await this.receive(ms);
    assert.equal(parts.length, 1);
    const [{ header, body }] = parts;
    assert.equal(header.command, Command.SEARCH_RESPONSE);
    return { ...readSearchResponse(body), littleEndian: body.littleEndian };
  }

  /** Every datagram that arrives within `ms` from now. */
  async collect(ms: number): Promise<Received[]> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    const out: Received[] = [];
    while (this.inbox.size > 0) out.push(await this.receive(0));
    return out;
  }

  /** Closes the socket. */
  close(): void {
    this.socket.close();
    this.inbox.end();
  }

  /** Closes the socket (`using`). */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Queues every datagram until the socket closes. */
  private async readLoop(): Promise<void> {
    for (;;) {
      let received: [Uint8Array, Deno.Addr];
      try {
        received = await this.socket.receive();
      } catch {
        return; // closed
      }
      this.inbox.push({ bytes: received[0], from: received[1] as Deno.NetAddr, at: performance.now() });
    }
  }
}
