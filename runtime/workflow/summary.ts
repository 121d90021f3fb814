/**
 * The end-to-end accounting of a workflow run, from each stage's last status: what the simulators
 * published, what every consumer received, processed and missed, what collectors collected and mirrors
 * forwarded; per process and summed per stage.
 *
 * @module
 */
import type { StageKind } from "./spec.ts";

/** One process's counts, by name (see {@link countsOf} for the names of each kind). */
export type Counts = Record<string, number>;

/** One process of a stage at the end of the run. */
export interface ProcessAccount {
  /** Its label (`consumers 2`, or the stage's name). */
  label: string;
  /** Its last status as its HTTP API gave it (null if it never answered). */
  status: Record<string, unknown> | null;
  /** Counts read from that status. */
  counts: Counts;
}

/** One stage at the end of the run. */
export interface StageAccount {
  /** The stage's name. */
  name: string;
  /** Its tool. */
  kind: StageKind;
  /** Its exit code (143 or 130 after a signal are normal). */
  exitCode: number | null;
  /** Counts summed over its processes. */
  counts: Counts;
  /** Each process. */
  processes: ProcessAccount[];
  /** For a consumer stage reading a simulator's frames: the end-to-end check against what it published. */
  source?: SourceCheck;
}

/** A consumer stage's frames against the simulator's count. */
export interface SourceCheck {
  /** The simulator stage. */
  stage: string;
  /** Frames it published. */
  published: number;
  /**
   * Published frames neither received nor named missed: by the stage as a whole when its consumers
   * share the frames, else summed over its consumers (each should see every frame). 0 is an exact run.
   */
  unaccounted: number;
}

/**
 * Checks a consumer stage against the simulator feeding it.
 * @param shared whether the stage's consumers share the frames (distributor) or each sees all
 * @example
 * ```ts
 * import { checkAgainstSource } from "./summary.ts";
 * const counts = { received: 5, missed: 1 };
 * checkAgainstSource([{ label: "c", status: null, counts }], { name: "sim", published: 6 }, { shared: false })
 *   .unaccounted; // 0
 * ```
 */
export function checkAgainstSource(
  processes: readonly ProcessAccount[],
  source: { name: string; published: number },
  { shared }: { shared: boolean },
): SourceCheck {
  const seen = (c: Counts) => (c.received ?? 0) + (c.missed ?? 0);
  const unaccounted = shared
    ? source.published - processes.reduce((n, p) => n + seen(p.counts), 0)
    : processes.reduce((n, p) => n + source.published - seen(p.counts), 0);
  return { stage: source.name, published: source.published, unaccounted };
}

/** What a run did, stage by stage in start order. */
export interface WorkflowSummary {
  /** The workflow's name. */
  workflow: string;
  /** Why it ended: "simulators finished", "runtime", "stop requested", "stage X exited (code N)". */
  ended: string;
  /** Each stage. */
  stages: StageAccount[];
}

const num = (v: unknown): number => typeof v === "number" ? v : 0;
const block = (status: Record<string, unknown>, name: string) =>
  (status[name] ?? {}) as Record<string, unknown>;

/**
 * The counts of one status document:
 * - simulator: `published`, `notDeliveredNoSubscriber`, `notDeliveredQueuesFull`;
 * - consumer: `received`, `processed`, `errors`, `missed`, `rejected`, `overruns`, `outputs`;
 * - collector: `received` (over producers, placeholders included), `collected`, `missed`, `rejected`, `processed`,
 *   `errors` (its status, as PvaPy's, has no publisher block);
 * - mirror: `received`, `overruns`, `sent` (over channels).
 * @example
 * ```ts
 * import { countsOf } from "./summary.ts";
 * countsOf("simulator", { framesPublished: 10, notDeliveredNoSubscriber: 0, notDeliveredQueuesFull: 0 }).published; // 10
 * ```
 */
export function countsOf(kind: StageKind, status: Record<string, unknown> | null): Counts {
  if (status === null) return {};
  const processor = block(status, "processorStats");
  const publisher = block(status, "publisherStats");
  switch (kind) {
    case "simulator":
      return {
        published: num(status.framesPublished),
        notDeliveredNoSubscriber: num(status.notDeliveredNoSubscriber),
        notDeliveredQueuesFull: num(status.notDeliveredQueuesFull),
      };
    case "consumer": {
      const receiver = block(status, "receiverStats");
      return {
        received: num(receiver.nReceived),
        processed: num(processor.nProcessed),
        errors: num(processor.nErrors),
        missed: num(processor.nMissed),
        rejected: num(receiver.nRejected),
        overruns: num(receiver.nOverruns),
        outputs: num(publisher.nPublished),
      };
    }
    case "collector": {
      const collector = block(status, "collectorStats");
      const producers = Object.keys(status).filter((k) => k.startsWith("producerStats_"));
      return {
        received: producers.reduce((n, k) => n + num(block(block(status, k), "receiverStats").nReceived), 0),
        collected: num(collector.nCollected),
        missed: num(collector.nMissed),
        rejected: num(collector.nRejected),
        processed: num(processor.nProcessed),
        errors: num(processor.nErrors),
      };
    }
    case "mirror": {
      const channels = (status.channels ?? []) as Record<string, unknown>[];
      const sum = (k: string) => channels.reduce((n, c) => n + num(c[k]), 0);
      return { received: sum("nReceived"), overruns: sum("nOverruns"), sent: sum("nSent") };
    }
  }
}

/** Counts summed by name. */
export function addCounts(all: readonly Counts[]): Counts {
  const total: Counts = {};
  for (const counts of all) for (const [k, v] of Object.entries(counts)) total[k] = (total[k] ?? 0) + v;
  return total;
}

/** The summary as lines for people: one per stage, its processes' counts after it when it has several. */
export function summaryLines(summary: WorkflowSummary): string[] {
  const text = (c: Counts) => Object.entries(c).map(([k, v]) => `${k} ${v}`).join(", ") || "no status";
  const lines = [`Summary of workflow ${summary.workflow} (${summary.ended}):`];
  for (const s of summary.stages) {
    const exit = s.exitCode === null ? "" : ` [exit ${s.exitCode}]`;
    lines.push(`  ${s.name} (${s.kind}): ${text(s.counts)}${exit}`);
    if (s.processes.length > 1) {
      for (const p of s.processes) lines.push(`    ${p.label}: ${text(p.counts)}`);
    }
    if (s.source) {
      lines.push(
        `    of ${s.source.published} frames published by ${s.source.stage}: ` +
          `${s.source.unaccounted} neither received nor named missed`,
      );
    }
  }
  return lines;
}
