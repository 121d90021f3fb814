/**
 * The collector: PvaPy's `pvapy-hpc-collector` on pvastream. It monitors several producers, puts their
 * updates in order by object id (PvaPy's release rule: runs from the lowest cached id when the cache is
 * full or idle), names the ids that never arrived, runs a sandboxed processor on each update and
 * publishes its outputs, with PvaPy's status and control PVs and the HTTP API.
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
