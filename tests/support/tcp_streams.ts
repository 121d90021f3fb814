/**
 * Reassembly of captured TCP connections into one byte stream per direction.
 *
 * @module
 */
import { Writer } from "../../protocol/pvdata/writer.ts";
import { type Packet, TcpFlag } from "./frames.ts";

/** Ports on which EPICS servers listen: pvAccess and Channel Access. */
const SERVER_PORTS: ReadonlySet<number> = new Set([5075, 5064]);

/** The bytes one end of a TCP connection sent, in sequence order. */
export interface Stream {
  /** Identifies the connection; both directions share it. */
  connection: string;
  /** Sender address. */
  src: string;
  /** Sender port. */
  srcPort: number;
  /** Receiver address. */
  dst: string;
  /** Receiver port. */
  dstPort: number;
  /** True when the sender is the server end of the connection. */
  fromServer: boolean;
  /** The reassembled payload bytes. */
  bytes: Uint8Array;
  /** Where each kept segment starts, by increasing offset, with its capture time and packet index. */
  segments: { offset: number; time: number; packet: number }[];
  /** Holes left by segments missing from the capture (the bytes around them are joined). */
  gaps: number;
}

interface Direction {
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  /** Payload-carrying segments in capture order, with their index in the capture. */
  packets: { p: Packet; index: number }[];
  /** Sequence number of the first payload byte, once a SYN showed it. */
  start?: number;
  /** True when this end sent the opening SYN (without ACK). */
  opened: boolean;
}

/**
 * Reassembles each direction of each TCP connection: payload segments are ordered by sequence
 * number and retransmitted bytes are dropped. The server end is the one that received the
 * opening SYN; without one, the end on a well-known server port; failing that, the end whose
 * first bytes are a pvAccess message flagged as sent by a server (a PVA server opens with a
 * Set Byte Order control message, `CA xx 41/C1 02`), or whose peer's are flagged as from a client.
 * @example
 * ```ts
 * import { readPcapng, tcpStreams } from "./pcapng.ts";
 * const streams = tcpStreams(readPcapng(await Deno.readFile("capture.pcapng")));
 * ```
 */
export function tcpStreams(packets: Packet[]): Stream[] {
  const directions = new Map<string, Direction>();
  for (const [index, p] of packets.entries()) {
    if (p.proto !== "tcp") continue;
    const key = endpoints(p.src, p.srcPort, p.dst, p.dstPort);
    let d = directions.get(key);
    if (d === undefined) {
      const { src, srcPort, dst, dstPort } = p;
      directions.set(key, d = { src, srcPort, dst, dstPort, packets: [], opened: false });
    }
    const flags = p.tcpFlags ?? 0;
    if (flags & TcpFlag.SYN) {
      d.start = (p.seq! + 1) >>> 0;
      d.opened ||= (flags & TcpFlag.ACK) === 0;
    }
    if (p.payload.length > 0) d.packets.push({ p, index });
  }
  const streams = new Map([...directions].map(([key, d]) => [key, reassemble(d)]));
  for (const [key, s] of streams) {
    const peerKey = endpoints(s.dst, s.dstPort, s.src, s.srcPort);
    s.fromServer = isServer(s, directions.get(key)!, streams.get(peerKey), directions.get(peerKey));
  }
  return [...streams.values()];
}

function endpoints(src: string, srcPort: number, dst: string, dstPort: number): string {
  return `${src}:${srcPort}>${dst}:${dstPort}`;
}

function reassemble(d: Direction): Stream {
  const base = d.start ?? d.packets[0]?.p.seq ?? 0;
  // Signed 32-bit distances from the base survive sequence wrap-around and early segments.
  const placed = d.packets
    .map(({ p, index }) => ({ p, index, rel: (p.seq! - base) | 0 }))
    .sort((x, y) => x.rel - y.rel || x.index - y.index);
  const joined = new Writer(true);
  const segments: Stream["segments"] = [];
  let cursor = placed[0]?.rel ?? 0;
  let gaps = 0;
  for (const { p, index, rel } of placed) {
    const end = rel + p.payload.length;
    if (end <= cursor) continue;
    if (rel > cursor) gaps++;
    const fresh = p.payload.subarray(Math.max(0, cursor - rel));
    segments.push({ offset: joined.length, time: p.time, packet: index });
    joined.bytes(fresh);
    cursor = end;
  }
  const bytes = joined.toBytes();
  const ends = [`${d.src}:${d.srcPort}`, `${d.dst}:${d.dstPort}`].sort();
  const { src, srcPort, dst, dstPort } = d;
  return {
    connection: ends.join("<>"),
    src,
    srcPort,
    dst,
    dstPort,
    fromServer: false,
    bytes,
    segments,
    gaps,
  };
}

function isServer(
  s: Stream,
  own: Direction,
  peer: Stream | undefined,
  peerDir: Direction | undefined,
): boolean {
  if (own.opened || peerDir?.opened) return !own.opened;
  if (SERVER_PORTS.has(s.srcPort) !== SERVER_PORTS.has(s.dstPort)) return SERVER_PORTS.has(s.srcPort);
  const flagged = pvaDirection(s.bytes);
  if (flagged !== undefined) return flagged;
  return peer !== undefined && pvaDirection(peer.bytes) === false;
}

/** The server flag of a pvAccess header at the start of the bytes, or undefined without one. */
function pvaDirection(bytes: Uint8Array): boolean | undefined {
  return bytes.length >= 8 && bytes[0] === 0xca ? (bytes[2] & 0x40) !== 0 : undefined;
}
