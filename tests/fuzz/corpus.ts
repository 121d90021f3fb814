/**
 * The fuzz corpus: real pvAccess traffic to mutate. Two sources: the shared packet captures
 * (pvAccessCPP and pvxs traffic, `shared/vectors`) and the exchanges recorded here with p4p and
 * pvapy (`corpus/`, made by `record.ts`). TCP traffic becomes sessions (the messages one end
 * of a connection sent, in order, segments joined), UDP traffic datagrams.
 *
 * @module
 */
import { isFromServer } from "../../protocol/pva/header.ts";
import { readPcapng } from "../support/pcapng.ts";
import { splitMessages } from "../support/pva_split.ts";
import { tcpStreams } from "../support/tcp_streams.ts";
import { withPayload } from "./mutate.ts";

/** The messages one end of one TCP connection sent, each a whole wire message. */
export interface Session {
  /** File and connection it came from. */
  source: string;
  /** True when a server sent them. */
  fromServer: boolean;
  messages: Uint8Array[];
}

/** One UDP datagram as captured or recorded. */
export interface Datagram {
  source: string;
  bytes: Uint8Array;
}

/** Everything the fuzz targets start from. */
export interface Corpus {
  /** What clients sent to servers. */
  toServer: Session[];
  /** What servers sent to clients. */
  toClient: Session[];
  datagrams: Datagram[];
}

/** The recorded exchanges beside this file. */
export const RECORDED = new URL("./corpus/", import.meta.url);

/** The shared captures: `PVASTREAM_VECTORS`, else `shared/vectors` beside the repository. */
export function vectorsDir(): URL {
  return new URL(Deno.env.get("PVASTREAM_VECTORS") ?? "../../../shared/vectors/", import.meta.url);
}

/**
 * Reads the captures in `vectors` (pvAccess ones only; skipped if the folder is missing) and the
 * recorded exchanges in `recorded`.
 * @example
 * ```ts ignore
 * const corpus = loadCorpus();
 * console.log(corpus.toServer.length, corpus.datagrams.length);
 * ```
 */
export function loadCorpus(vectors = vectorsDir(), recorded = RECORDED): Corpus {
  const corpus: Corpus = { toServer: [], toClient: [], datagrams: [] };
  for (const name of listDir(vectors).filter((n) => /^pv(a|xs)-.*\.pcap/.test(n))) {
    addCapture(corpus, name, Deno.readFileSync(new URL(name, vectors)));
  }
  for (const name of listDir(recorded)) {
    const bytes = Deno.readFileSync(new URL(name, recorded));
    if (name.endsWith(".tcp")) addStream(corpus, name, bytes);
    else if (name.endsWith(".udp")) {
      for (const d of readRecords(bytes)) corpus.datagrams.push({ source: name, bytes: d });
    }
  }
  return corpus;
}

function listDir(dir: URL): string[] {
  try {
    return [...Deno.readDirSync(dir)].filter((e) => e.isFile).map((e) => e.name).sort();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
}

function addCapture(corpus: Corpus, name: string, file: Uint8Array): void {
  const packets = readPcapng(file);
  for (const p of packets) {
    if (p.proto === "udp" && p.payload[0] === 0xca) corpus.datagrams.push({ source: name, bytes: p.payload });
  }
  for (const s of tcpStreams(packets)) {
    addStream(corpus, `${name} ${s.src}:${s.srcPort}>${s.dst}:${s.dstPort}`, s.bytes);
  }
}

/** Adds the messages of one direction of a TCP connection; its first header says which direction. */
function addStream(corpus: Corpus, source: string, bytes: Uint8Array): void {
  const { messages } = splitMessages(bytes);
  if (messages.length === 0) return;
  const wire = messages.map((m) =>
    m.end - m.start === 8
      ? bytes.slice(m.start, m.end)
      : withPayload(bytes.subarray(m.start), m.payload, m.header.flags)
  );
  const fromServer = isFromServer(messages[0].header);
  (fromServer ? corpus.toClient : corpus.toServer).push({ source, fromServer, messages: wire });
}

/**
 * Length-prefixed records (u32 little-endian length, then the bytes): how recorded datagrams are kept.
 * @example
 * ```ts
 * import { readRecords, writeRecords } from "./corpus.ts";
 * readRecords(writeRecords([new Uint8Array([1, 2])])); // [Uint8Array [1, 2]]
 * ```
 */
export function readRecords(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Uint8Array[] = [];
  for (let at = 0; at + 4 <= bytes.length;) {
    const n = view.getUint32(at, true);
    out.push(bytes.slice(at + 4, at + 4 + n));
    at += 4 + n;
  }
  return out;
}

/** The inverse of {@link readRecords}. */
export function writeRecords(records: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(records.reduce((n, r) => n + 4 + r.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const r of records) {
    view.setUint32(at, r.length, true);
    out.set(r, at + 4);
    at += 4 + r.length;
  }
  return out;
}
