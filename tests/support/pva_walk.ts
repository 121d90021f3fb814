/**
 * Walks every pvAccess message of a capture: UDP datagrams and reassembled TCP streams are
 * split into messages, which are decoded in capture order with per-connection state (one
 * type cache per direction, operations by ioid), checked to end exactly at the payload end,
 * and re-encoded where the sender did not use the type cache.
 *
 * Every message must be consumed to its last byte. pvxs would skip unread trailing bytes
 * (forward compatibility), but no message in the captures needs that leniency, so none is
 * granted here.
 *
 * @module
 */
import { Command, ControlCommand, isControl, isFromServer } from "../../protocol/pva/header.ts";
import { DecodeError } from "../../protocol/pvdata/errors.ts";
import type { Packet } from "./frames.ts";
import { MessageContext, type Operation, TracingCache } from "./pva_context.ts";
import { DECODERS } from "./pva_decoders.ts";
import { type PvaMessage, splitMessages } from "./pva_split.ts";
import { type Stream, tcpStreams } from "./tcp_streams.ts";

/** What walking one capture found. */
export interface WalkReport {
  /** Decoded messages per command name (control messages as `control:NAME`). */
  counts: Record<string, number>;
  /** One line per message that could not be split, decoded, or re-encoded identically. */
  failures: string[];
  /** FieldDescs, full values and partial values re-encoded and found identical. */
  reencoded: number;
}

/** Decoding state shared by the messages of one TCP connection (or one UDP datagram). */
interface Connection {
  /** Receive-side type caches of what the client and the server send. */
  fromClient: TracingCache;
  fromServer: TracingCache;
  ops: Map<number, Operation>;
}

/** A message with where it came from and when it was complete. */
interface Located {
  message: PvaMessage;
  connection: Connection;
  /** Index in the capture of the packet that completed the message. */
  packet: number;
  where: string;
  /** For TCP: whether the stream's sender is the server. */
  streamFromServer?: boolean;
}

const COMMAND_NAMES = nameTable(Command);
const CONTROL_NAMES = nameTable(ControlCommand);

/**
 * Decodes every pvAccess message in the packets of a capture.
 * @example
 * ```ts
 * import { readPcapng } from "./pcapng.ts";
 * import { walkCapture } from "./pva_walk.ts";
 * const report = walkCapture(readPcapng(await Deno.readFile("pva-ops.pcapng")));
 * console.log(report.counts, report.failures);
 * ```
 */
export function walkCapture(packets: Packet[]): WalkReport {
  const report: WalkReport = { counts: {}, failures: [], reencoded: 0 };
  const located: Located[] = [];
  packets.forEach((p, index) => {
    if (p.proto !== "udp") return;
    const where = `udp ${p.src}:${p.srcPort}>${p.dst}:${p.dstPort} #${index}`;
    // UDP carries no type cache and no operations: each datagram stands alone.
    const connection = newConnection();
    for (const message of split(p.payload, where, report)) {
      located.push({ message, connection, packet: index, where });
    }
  });
  const connections = new Map<string, Connection>();
  for (const s of tcpStreams(packets)) {
    let connection = connections.get(s.connection);
    if (connection === undefined) connections.set(s.connection, connection = newConnection());
    const where = `tcp ${s.src}:${s.srcPort}>${s.dst}:${s.dstPort}`;
    if (s.gaps > 0) report.failures.push(`${where}: ${s.gaps} gaps in the captured stream`);
    for (const message of split(s.bytes, where, report)) {
      const packet = packetAt(s, message.end - 1);
      located.push({ message, connection, packet, where, streamFromServer: s.fromServer });
    }
  }
  // Stable sort: messages completed by the same packet keep their stream order.
  located.sort((a, b) => a.packet - b.packet);
  for (const l of located) decodeOne(l, report);
  return report;
}

function newConnection(): Connection {
  return { fromClient: new TracingCache(), fromServer: new TracingCache(), ops: new Map() };
}

function split(bytes: Uint8Array, where: string, report: WalkReport): PvaMessage[] {
  const { messages, error } = splitMessages(bytes);
  if (error !== undefined) report.failures.push(`${where}: framing: ${error.message}`);
  return messages;
}

/** The capture index of the packet holding stream byte `offset`. */
function packetAt(s: Stream, offset: number): number {
  let found = s.segments[0].packet;
  for (const seg of s.segments) {
    if (seg.offset > offset) break;
    found = seg.packet;
  }
  return found;
}

function decodeOne({ message, connection, where, streamFromServer }: Located, report: WalkReport): void {
  const h = message.header;
  const name = isControl(h)
    ? `control:${CONTROL_NAMES.get(h.command) ?? h.command}`
    : COMMAND_NAMES.get(h.command) ??
      `0x${h.command.toString(16)}`;
  const fail = (reason: string) => report.failures.push(`${where} ${name} at ${message.start}: ${reason}`);
  if (streamFromServer !== undefined && isFromServer(h) !== streamFromServer) {
    return void fail("direction flag disagrees with the TCP stream direction");
  }
  if (isControl(h)) return void count(report, name);
  const decoder = DECODERS.get(h.command);
  if (decoder === undefined) return void fail("no decoder for this command");
  const cache = isFromServer(h) ? connection.fromServer : connection.fromClient;
  const m = new MessageContext(h, message.payload, cache, connection.ops);
  try {
    decoder(m);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return void fail(e.message);
  }
  if (m.r.remaining > 0) return void fail(`${m.r.remaining} bytes left after decoding`);
  count(report, name);
  const re = m.reencode();
  if (re === undefined) return;
  report.reencoded += re.checked - re.mismatches.length;
  for (const x of re.mismatches) fail(`re-encode differs: ${x}`);
}

function count(report: WalkReport, name: string): void {
  report.counts[name] = (report.counts[name] ?? 0) + 1;
}

function nameTable(codes: Record<string, number>): Map<number, string> {
  return new Map(Object.entries(codes).map(([name, code]) => [code, name]));
}
