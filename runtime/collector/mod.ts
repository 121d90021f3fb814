/**
 * The collector: PvaPy's `pvapy-hpc-collector` on pvastream. It monitors several producers, puts their
 * updates in order by object id (PvaPy's release rule: runs from the lowest cached id when the cache is
 * full or idle), names the ids that never arrived, runs a sandboxed processor on each update and
 * publishes its outputs, with PvaPy's status and control PVs and the HTTP API. `scripts/collector.ts` is
 * its command line; docs/collector.md describes the behaviour.
 *
 * @example The release rule on its own
 * ```ts
 * import { Collection } from "./mod.ts";
 * const c = new Collection<string>({ capacity: 3 });
 * for (const id of [2, 1, 5]) c.add({ id, producerId: id % 2 + 1, item: `frame ${id}` });
 * c.releaseDue().map((r) => r.updates.map((u) => u.id)); // [[1, 2]]
 * c.releaseAll()[0].missed; // { first: 3, last: 4 }
 * ```
 *
 * @example A collector in a program
 * ```ts ignore
 * import { Collector, parseCollectorArgs } from "./mod.ts";
 * const opts = parseCollectorArgs(["-ic", "pvapy:consumer:*:output", "-pid", "1,2", "-sc", "_"]);
 * if (opts !== "help") {
 *   const collector = await Collector.start(opts, { server, client, logger, processor: { file: "processors/passthrough.ts" } });
 *   await collector.done;
 * }
 * ```
 *
 * @module
 */
export {
  type AddOutcome,
  cacheCapacity,
  type CachedUpdate,
  producerQueueSize,
  type Release,
  ReorderCache,
} from "./reorder_cache.ts";
export { Collection, type CollectionCounts, type CollectionOptions, DEFAULT_IDLE_MS } from "./collection.ts";
export {
  Collector,
  type CollectorChannels,
  type CollectorContext,
  type CollectorSnapshot,
} from "./collector.ts";
export { COLLECTOR_OPTIONS, type CollectorOptions, parseCollectorArgs } from "./options.ts";
export { Producer, type ProducerOptions, type ProducerSink } from "./producer.ts";
export { PeriodRates } from "./period_rates.ts";
export { type CollectorIo, collectorMain } from "./main.ts";
export type { Isolation, SystemOptions } from "../cli/system_options.ts";
export type { OptionSpec } from "../cli/args.ts";
export type { InputItem } from "../consumer/input.ts";
