/**
 * What the consumer and collector tests share: a source channel of small NTNDArray frames on our
 * server, a paced publisher, consumers and collectors started in process with a processor module,
 * and polling helpers.
 *
 * @module
 */
import { ntAttribute, ntNDArray } from "../../../protocol/nt/mod.ts";
import { silentLogger } from "../../../protocol/log.ts";
import type { PvaClient } from "../../../protocol/pva/client/client.ts";
import type { PvaServer } from "../../../protocol/pva/server/server.ts";
import { SharedPV } from "../../../protocol/pva/server/shared_pv.ts";
import { scalar, type StructValue } from "../../../protocol/pvdata/types.ts";
import { Collector } from "../../../runtime/collector/collector.ts";
import { type CollectorOptions, parseCollectorArgs } from "../../../runtime/collector/options.ts";
import { Consumer, type ConsumerContext } from "../../../runtime/consumer/consumer.ts";
import type { Frame } from "../../../runtime/processor/mod.ts";
import { type ConsumerOptions, parseConsumerArgs } from "../../../runtime/consumer/options.ts";

/** The built-in processors. */
export const PROCESSORS = new URL("../../../processors/", import.meta.url);
/** The pass-through processor's module. */
export const PASSTHROUGH = new URL("passthrough.ts", PROCESSORS).href;
/** The processor fixture that throws, hangs ... when a frame's `do` attribute says so. */
export const MISBEHAVE = new URL("../processor/fixtures/misbehave.ts", import.meta.url).href;
/** The processor fixture that reports what it saw of each frame (fixtures/probe.ts). */
export const PROBE = new URL("fixtures/probe.ts", import.meta.url).href;

/** Consumer options for the input channel `det:image` plus `argv`. */
export function options(...argv: string[]): ConsumerOptions {
  return parseConsumerArgs(["--input-channel", "det:image", ...argv]) as ConsumerOptions;
}

/** A consumer context on `server` and `client` running the processor `file` (export `className`). */
export function context(
  server: PvaServer,
  client: PvaClient,
  file: string,
  className?: string,
): ConsumerContext {
  // Under deno test a sandbox type-checks its module graph on first load: allow for it.
  return { server, client, logger: silentLogger, processor: { file, className, startLimitMs: 120_000 } };
}

/** How {@link startConsumer} starts a consumer. */
export interface StartOptions {
  /** The processor module (pass-through by default) and its export. */
  file?: string;
  className?: string;
  /** Command line after the input channel. */
  argv?: string[];
  /** Sees the id of every frame before it goes to the processor. */
  onFrameId?: (id: number) => void;
}

/** Starts consumer `id` with `argv` (after the input channel) and the processor `file`. */
export function startConsumer(
  id: number,
  server: PvaServer,
  client: PvaClient,
  { file = PASSTHROUGH, className, argv = [], onFrameId }: StartOptions = {},
): Promise<Consumer> {
  const ctx = context(server, client, file, className);
  if (onFrameId) ctx.onFrame = (f) => onFrameId(f.uniqueId);
  return Consumer.start(id, options(...argv), ctx);
}

/** Starts a pass-through collector with `argv`; `onFrame` sees each frame in processing order. */
export function startCollector(
  server: PvaServer,
  client: PvaClient,
  argv: string[],
  onFrame: (frame: Frame) => void,
): Promise<Collector> {
  const opts = parseCollectorArgs(argv) as CollectorOptions;
  return Collector.start(opts, { ...context(server, client, PASSTHROUGH), onFrame });
}

/** Producer `p`'s received count on collector `c`'s status (refreshed). */
export async function producerReceived(c: Collector, p: number): Promise<number> {
  await c.getStats();
  return c.status[`producerStats_${p}`].receiverStats.nReceived;
}

/**
 * 4x3 uint16 frames whose pixels are their id plus the pixel's index, with string `attributes`
 * (misbehave reads `do`).
 */
export function frame(
  id: number,
  { attributes = {} }: { attributes?: Record<string, string> } = {},
): StructValue {
  const data = Uint16Array.from({ length: 12 }, (_, i) => id + i);
  const list = Object.entries(attributes).map(([name, value]) =>
    ntAttribute(name, { type: scalar("string"), value })
  );
  return ntNDArray({ data, dims: [4, 3], uniqueId: id, attributes: list }).value as StructValue;
}

/** The NTNDArray type of {@link frame}. */
export const FRAME_TYPE = ntNDArray({ data: new Uint16Array(12), dims: [4, 3] }).type;

/** The source channel `det:image` on `server`, holding frame 0. */
export function source(server: PvaServer): SharedPV {
  const pv = new SharedPV();
  pv.open({ type: FRAME_TYPE, value: frame(0) });
  server.addPV("det:image", pv);
  return pv;
}

/**
 * Posts frames `first..last`, each once every subscriber has room (nothing is folded);
 * `attributes(id)` gives a frame its attributes.
 */
export async function publish(
  pv: SharedPV,
  first: number,
  last: number,
  { attributes }: { attributes?: (id: number) => Record<string, string> } = {},
): Promise<void> {
  for (let id = first; id <= last; id++) {
    await pv.waitForRoom();
    pv.post(frame(id, { attributes: attributes?.(id) }));
  }
}

/** Polls `ok` every 20 ms; throws naming `what` after `ms`. */
export async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = performance.now() + ms;
  while (!await ok()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until `n` monitors of the source are started (posts before that fold into the first value). */
export function subscribed(pv: SharedPV, n: number): Promise<void> {
  return until(`${n} running monitors`, () => pv.subscribers().filter((s) => s.running).length === n);
}

/** The consumer's processed count, after refreshing its status. */
export async function processed(c: Consumer): Promise<number> {
  await c.getStats();
  return c.status.processorStats.nProcessed;
}

/** The processed counts of `consumers` summed, after refreshing their status. */
export async function sumProcessed(consumers: readonly Consumer[]): Promise<number> {
  let n = 0;
  for (const c of consumers) n += await processed(c);
  return n;
}

/** Stops the consumers and waits until they are done. */
export async function stopAll(consumers: readonly Consumer[]): Promise<void> {
  for (const c of consumers) c.stop();
  await Promise.all(consumers.map((c) => c.done));
}
