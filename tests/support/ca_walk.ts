/**
 * Walks every Channel Access message of a capture: UDP datagrams and reassembled TCP streams
 * are split into messages, each is decoded by command (names, search replies, errors, DBR
 * payloads), and re-encoded with our encoders: the client's requests and every header to the
 * identical bytes, DBR payloads to identical bytes except the C structs' pad fields and the
 * alignment tail, which real servers do not zero.
 *
 * @module
 */
import {
  CaCommand,
  type CaHeader,
  encodeMessage,
  nulTerminated,
  readHeader,
  readNulTerminated,
} from "../../protocol/ca/header.ts";
import { type CaValue, DbrType, MAX_STRING_SIZE } from "../../protocol/ca/dbr.ts";
import { decodeDbr } from "../../protocol/ca/dbr_decode.ts";
import { encodeDbr } from "../../protocol/ca/dbr_encode.ts";
import {
  clearChannelMessage,
  clientNameMessage,
  createChannelMessage,
  echoMessage,
  eventAddMessage,
  eventCancelMessage,
  hostNameMessage,
  readErrorReport,
  readNotifyMessage,
  readSearchReply,
  searchMessage,
  searchVersionMessage,
  versionMessage,
} from "../../protocol/ca/messages.ts";
import { DecodeError } from "../../protocol/pvdata/errors.ts";
import type { Packet } from "./frames.ts";
import { tcpStreams } from "./tcp_streams.ts";

/** What walking one capture found. */
export interface CaWalkReport {
  /** Decoded messages per direction and command name, e.g. `server:READ_NOTIFY`. */
  counts: Record<string, number>;
  /** One line per message that could not be split, decoded, or re-encoded identically. */
  failures: string[];
  /** Messages re-encoded and found identical. */
  reencoded: number;
  /** Every DBR decoded from a server reply or a client write, in stream order. */
  values: { command: string; value: CaValue }[];
}

/** A message with its place in the byte stream. */
interface CaMessage {
  header: CaHeader;
  payload: Uint8Array;
  /** The whole message as received. */
  bytes: Uint8Array;
  start: number;
}

const COMMAND_NAMES = new Map<number, string>(Object.entries(CaCommand).map(([name, code]) => [code, name]));

/**
 * Decodes every CA message in the packets of a capture.
 * @example
 * ```ts
 * import { readPcapng } from "./pcapng.ts";
 * import { walkCaCapture } from "./ca_walk.ts";
 * const report = walkCaCapture(readPcapng(await Deno.readFile("ca_enum.pcapng")));
 * console.log(report.counts, report.failures);
 * ```
 */
export function walkCaCapture(packets: Packet[]): CaWalkReport {
  const report: CaWalkReport = { counts: {}, failures: [], reencoded: 0, values: [] };
  packets.forEach((p, index) => {
    if (p.proto !== "udp") return;
    const where = `udp ${p.src}:${p.srcPort}>${p.dst}:${p.dstPort} #${index}`;
    // Servers answer from the CA port; everything else is a client's search.
    const fromServer = p.srcPort === 5064;
    for (const m of split(p.payload, where, report)) decodeOne(m, { fromServer, udp: true }, where, report);
  });
  for (const s of tcpStreams(packets)) {
    const where = `tcp ${s.src}:${s.srcPort}>${s.dst}:${s.dstPort}`;
    if (s.gaps > 0) report.failures.push(`${where}: ${s.gaps} gaps in the captured stream`);
    for (const m of split(s.bytes, where, report)) {
      decodeOne(m, { fromServer: s.fromServer, udp: false }, where, report);
    }
  }
  return report;
}

/** Splits a stream or datagram into messages; bytes left over are a failure. */
function split(bytes: Uint8Array, where: string, report: CaWalkReport): CaMessage[] {
  const out: CaMessage[] = [];
  for (let at = 0; at < bytes.length;) {
    const h = readHeader(bytes, at);
    const end = h === undefined ? Infinity : at + h.size + h.header.payloadSize;
    if (h === undefined || end > bytes.length) {
      report.failures.push(`${where}: ${bytes.length - at} bytes at ${at} are not a whole message`);
      break;
    }
    out.push({
      header: h.header,
      payload: bytes.subarray(at + h.size, end),
      bytes: bytes.subarray(at, end),
      start: at,
    });
    at = end;
  }
  return out;
}

function decodeOne(
  m: CaMessage,
  side: { fromServer: boolean; udp: boolean },
  where: string,
  report: CaWalkReport,
): void {
  const h = m.header;
  const name = `${side.fromServer ? "server" : "client"}:${COMMAND_NAMES.get(h.command) ?? h.command}`;
  const fail = (reason: string) => report.failures.push(`${where} ${name} at ${m.start}: ${reason}`);
  let expected: Uint8Array | undefined;
  let pads: [number, number][] = [];
  try {
    ({ expected, pads } = reencode(m, side, name, report));
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return void fail(e.message);
  }
  report.counts[name] = (report.counts[name] ?? 0) + 1;
  if (expected === undefined) return void fail("no decoder for this message");
  const diff = firstDifference(m.bytes, expected, pads);
  if (diff !== undefined) return void fail(`re-encode differs at byte ${diff}`);
  report.reencoded++;
}

/**
 * The bytes our encoders produce for what the message decodes to, and the ranges (offsets
 * into the message) that may differ: the pad fields of DBR payloads.
 */
function reencode(
  m: CaMessage,
  side: { fromServer: boolean; udp: boolean },
  name: string,
  report: CaWalkReport,
): { expected?: Uint8Array; pads: [number, number][] } {
  const h = m.header;
  const none: [number, number][] = [];
  const text = () => readNulTerminated(m.payload);
  if (side.fromServer) {
    switch (h.command) {
      case CaCommand.SEARCH: {
        const r = readSearchReply(h, m.payload);
        const minor = new Uint8Array(2);
        new DataView(minor.buffer).setUint16(0, r.minorVersion ?? 0);
        return { expected: encodeMessage(h, minor), pads: none };
      }
      case CaCommand.READ_NOTIFY:
      case CaCommand.EVENT_ADD:
        if (h.payloadSize === 0) return { expected: encodeMessage(h), pads: none };
        return dbrMessage(m, name, report);
      case CaCommand.ERROR: {
        const e = readErrorReport(h, m.payload);
        const request = encodeMessage(e.request).subarray(0, 16);
        const payload = new Uint8Array([...request, ...nulTerminated(e.message)]);
        return { expected: encodeMessage(h, payload), pads: none };
      }
      default:
        if (h.payloadSize !== 0) throw new DecodeError(m.start, `unexpected payload on ${name}`);
        return { expected: encodeMessage(h), pads: none };
    }
  }
  switch (h.command) {
    case CaCommand.VERSION:
      return {
        expected: side.udp ? searchVersionMessage(h.parameter1) : versionMessage(h.dataType),
        pads: none,
      };
    case CaCommand.SEARCH:
      return { expected: searchMessage(h.parameter1, text()), pads: none };
    case CaCommand.CLIENT_NAME:
      return { expected: clientNameMessage(text()), pads: none };
    case CaCommand.HOST_NAME:
      return { expected: hostNameMessage(text()), pads: none };
    case CaCommand.CREATE_CHAN:
      return { expected: createChannelMessage(h.parameter1, text()), pads: none };
    case CaCommand.READ_NOTIFY:
      return { expected: readNotifyMessage(h.parameter1, h.parameter2, h.dataType, h.dataCount), pads: none };
    case CaCommand.EVENT_ADD: {
      const mask = new DataView(m.payload.buffer, m.payload.byteOffset).getUint16(12);
      return {
        expected: eventAddMessage(h.parameter1, h.parameter2, h.dataType, h.dataCount, mask),
        pads: none,
      };
    }
    case CaCommand.EVENT_CANCEL:
      return {
        expected: eventCancelMessage(h.parameter1, h.parameter2, h.dataType, h.dataCount),
        pads: none,
      };
    case CaCommand.CLEAR_CHANNEL:
      return { expected: clearChannelMessage(h.parameter1, h.parameter2), pads: none };
    case CaCommand.ECHO:
      return { expected: echoMessage(), pads: none };
    case CaCommand.WRITE:
    case CaCommand.WRITE_NOTIFY:
      return dbrMessage(m, name, report);
    default:
      return { pads: none };
  }
}

/** A message carrying a DBR: decoded, recorded, re-encoded; its RISC_pad field may differ. */
function dbrMessage(
  m: CaMessage,
  name: string,
  report: CaWalkReport,
): { expected: Uint8Array; pads: [number, number][] } {
  const h = m.header;
  const value = decodeDbr(h.dataType, h.dataCount, m.payload);
  report.values.push({ command: name, value });
  // CA clients write one DBR_STRING as just its text and NUL, not the whole 40-byte field.
  const short = h.dataType === DbrType.STRING && h.dataCount === 1 && m.payload.length < MAX_STRING_SIZE;
  const expected = encodeMessage(h, short ? nulTerminated(value.value as string) : encodeDbr(value));
  const headerSize = m.bytes.length - m.payload.length;
  const pads = padFields(h.dataType).map(([a, b]): [number, number] => [headerSize + a, headerSize + b]);
  if (expected.length !== m.bytes.length) {
    throw new DecodeError(m.start, `re-encoded to ${expected.length} bytes, received ${m.bytes.length}`);
  }
  return { expected, pads };
}

/** The RISC_pad fields of db_access.h's structs, as payload offsets. */
function padFields(type: number): [number, number][] {
  const pads: Record<number, [number, number][]> = {
    11: [[4, 5]], // STS_CHAR
    13: [[4, 8]], // STS_DOUBLE
    15: [[12, 14]], // TIME_SHORT
    17: [[12, 14]], // TIME_ENUM
    18: [[12, 15]], // TIME_CHAR
    20: [[12, 16]], // TIME_DOUBLE
    23: [[6, 8]], // GR_FLOAT
    25: [[18, 19]], // GR_CHAR
    27: [[6, 8]], // GR_DOUBLE
    30: [[6, 8]], // CTRL_FLOAT
    32: [[20, 21]], // CTRL_CHAR
    34: [[6, 8]], // CTRL_DOUBLE
  };
  return pads[type] ?? [];
}

/** The first byte where `a` and `b` differ outside `ignore`, or undefined. */
function firstDifference(a: Uint8Array, b: Uint8Array, ignore: [number, number][]): number | undefined {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i] || ignore.some(([from, to]) => i >= from && i < to)) continue;
    return i;
  }
  return undefined;
}
