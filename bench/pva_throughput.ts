/**
 * `deno task bench:pva`: monitor throughput of NTNDArray updates over loopback, measured
 * side by side with a raw TCP stream of the same message size in the same run, for one
 * client and for four. Where p4p is installed, its figures are printed beside ours.
 *
 * Sources run in their own process (as a detector IOC would); receivers run here.
 * @module
 */
import { PvaClient } from "../protocol/pva/client/mod.ts";
import { loopbackConfig } from "../protocol/pva/config.ts";
import { peerPython } from "../tests/interop/peers.ts";
import { frameArray, isViewOntoMessage } from "./support/frame_sources.ts";
import { type Source, startSource } from "./support/source_process.ts";

const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? 3);
// Element type of the frames (uint8, uint16, float32): wider types show the payload placement.
const TYPE = Deno.env.get("BENCH_TYPE") ?? "uint8";
const WARMUP = 0.5;
// Monitor queue (pipeline window) of our client; the client acks every half queue.
const QUEUE_SIZE = Number(Deno.env.get("BENCH_QUEUE") ?? 16);
// A short run measures one case, e.g. BENCH_FRAMES="256 KiB" BENCH_CLIENTS=4.
const SIZES = [{ label: "16 MiB", bytes: 4096 * 4096 }, { label: "256 KiB", bytes: 512 * 512 }]
  .filter((s) => listed("BENCH_FRAMES", s.label));
const CLIENTS = [1, 4].filter((n) => listed("BENCH_CLIENTS", String(n)));

/** True when the comma-separated list in environment variable `name` holds `item`, or is unset. */
function listed(name: string, item: string): boolean {
  const list = Deno.env.get(name);
  return list === undefined || list.split(",").map((s) => s.trim()).includes(item);
}

interface Rate {
  updates: number;
  /** Updates whose frame array our client had to copy (misaligned); 0 for other receivers. */
  copied: number;
  bytes: number;
  seconds: number;
  /** CPU seconds the source process used in the window (NaN where /proc is not readable). */
  sourceCpu: number;
}

/** Counts one received message of `bytes` (`copied`: its array was copied on decoding). */
type Count = (bytes: number, copied?: boolean) => void;

/** Counts what `receive` delivers during the measuring window, and what `source` spends on it. */
async function measure(
  receive: (count: Count, signal: AbortSignal) => Promise<void>,
  source: Source,
): Promise<Rate> {
  const rate = { updates: 0, copied: 0, bytes: 0, seconds: SECONDS, sourceCpu: NaN };
  let on = false;
  const stop = new AbortController();
  const running = receive((bytes, copied = false) => {
    if (!on) return;
    rate.updates++;
    rate.bytes += bytes;
    if (copied) rate.copied++;
  }, stop.signal);
  await delay(WARMUP * 1000);
  on = true;
  const t0 = performance.now();
  const cpu0 = source.cpuSeconds();
  await delay(SECONDS * 1000);
  on = false;
  rate.seconds = (performance.now() - t0) / 1000;
  rate.sourceCpu = source.cpuSeconds() - cpu0;
  stop.abort();
  await running.catch(() => {});
  return rate;
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Receives length-prefixed raw messages into a fresh buffer each (as our client does). */
async function rawReceiver(port: number, count: Count, signal: AbortSignal): Promise<void> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  signal.addEventListener("abort", () => conn.close());
  const head = new Uint8Array(8);
  const readFull = async (buf: Uint8Array) => {
    for (let off = 0; off < buf.length;) {
      const n = await conn.read(buf.subarray(off));
      if (n === null) throw new Error("closed");
      off += n;
    }
  };
  try {
    for (;;) {
      await readFull(head);
      const size = new DataView(head.buffer).getUint32(4, true);
      await readFull(new Uint8Array(size));
      count(size);
    }
  } catch {
    // Closed by the abort.
  }
}

/** Monitors bench:frame through a TCP name server at `port`. */
async function pvaReceiver(port: number, count: Count, signal: AbortSignal): Promise<void> {
  const client = new PvaClient({
    config: loopbackConfig({ nameServers: [`127.0.0.1:${port}`] }),
  });
  try {
    const sub = client.monitor("bench:frame", { queueSize: QUEUE_SIZE, pipeline: true, signal });
    for await (const ev of sub) {
      if (ev.kind !== "data") continue;
      const frame = frameArray(ev);
      count(frame.byteLength, !isViewOntoMessage(frame));
    }
  } catch (e) {
    if (!signal.aborted) throw e;
  } finally {
    client.close();
  }
}

async function together(
  n: number,
  source: Source,
  one: (c: Count, s: AbortSignal) => Promise<void>,
): Promise<Rate> {
  return await measure(
    (count, signal) => Promise.all(Array.from({ length: n }, () => one(count, signal))).then(() => {}),
    source,
  );
}

const mbps = (r: Rate) => r.bytes / r.seconds / 1e6;
const ups = (r: Rate) => r.updates / r.seconds;
/** Source CPU per update delivered to a client, in microseconds. */
const cpuPerUpdate = (r: Rate) =>
  Number.isNaN(r.sourceCpu) ? "" : `${(1e6 * r.sourceCpu / r.updates).toFixed(0)} us`;
const copiedShare = (r: Rate) => `${(100 * r.copied / Math.max(1, r.updates)).toFixed(0)}%`;
const deno = Deno.execPath();
const here = new URL(".", import.meta.url).pathname;
const python = peerPython();
const rows: string[][] = [];

for (const { label, bytes } of SIZES) {
  for (const clients of CLIENTS) {
    const raw = await startSource(deno, ["run", "-A", `${here}support/raw_source.ts`, String(bytes)]);
    const rawRate = await together(clients, raw, (c, s) => rawReceiver(raw.port, c, s));
    await raw.stop();
    const ours = await startSource(deno, ["run", "-A", `${here}support/pva_source.ts`, String(bytes), TYPE]);
    const oursRate = await together(clients, ours, (c, s) => pvaReceiver(ours.port, c, s));
    let p4pClient = "";
    if (python && clients === 1) {
      const out = await new Deno.Command(python, {
        args: [`${here}py/p4p_sink.py`, String(ours.port), String(SECONDS), String(WARMUP)],
        stdout: "piped",
      }).output();
      const r = JSON.parse(new TextDecoder().decode(out.stdout)) as Rate;
      p4pClient = `${mbps(r).toFixed(0)} MB/s`;
    }
    await ours.stop();
    let p4pServer = "";
    if (python && clients === 1) {
      const src = await startSource(python, [`${here}py/p4p_source.py`, String(bytes), TYPE]);
      const r = await together(1, src, (c, s) => pvaReceiver(src.port, c, s));
      p4pServer = `${mbps(r).toFixed(0)} MB/s (${copiedShare(r)} copied)`;
      await src.stop();
    }
    rows.push([
      label,
      String(clients),
      `${mbps(rawRate).toFixed(0)} MB/s`,
      `${mbps(oursRate).toFixed(0)} MB/s`,
      `${ups(oursRate).toFixed(0)}/s`,
      copiedShare(oursRate),
      `${(100 * mbps(oursRate) / mbps(rawRate)).toFixed(0)}%`,
      cpuPerUpdate(rawRate),
      cpuPerUpdate(oursRate),
      p4pClient,
      p4pServer,
    ]);
  }
}

const header = [
  "frame",
  "clients",
  "raw TCP",
  "pvastream",
  "updates",
  "copied",
  "of raw",
  "raw src CPU/update",
  "our src CPU/update",
  "p4p client<-ours",
  "ours<-p4p server",
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join("  ");
console.log(`${TYPE} frames`);
console.log(line(header));
for (const r of rows) console.log(line(r));
console.log(
  "Targets: >= 70% of raw at 16 MiB; >= 10,000 updates/s at 256 KiB; 4 clients >= 70% of 4 raw streams.",
);
