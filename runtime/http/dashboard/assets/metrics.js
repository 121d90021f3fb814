/**
 * What the pages read from a status document, whatever object sent it: counters found by path (the first
 * path present wins), and rates computed from the change of those counters between two documents. Consumer,
 * collector and simulator documents name their counters differently; the tables below are the whole mapping.
 *
 * @module
 */

/** Cumulative frame counters: consumer, collector, simulator. */
export const FRAME_COUNTERS = ["receiverStats.nReceived", "collectorStats.nCollected", "framesPublished"];

/** Cumulative byte counters (the simulator's); without one, MB/s is frames/s times the previewed frame's size. */
export const BYTE_COUNTERS = ["bytesPublished"];

/** The counters shown as numbers: each is the sum of the paths present. */
export const EVENT_COUNTERS = [
  { label: "missed", paths: ["processorStats.nMissed", "collectorStats.nMissed"] },
  { label: "overruns", paths: ["receiverStats.nOverruns", "notDeliveredQueuesFull"] },
  { label: "rejected", paths: ["receiverStats.nRejected", "collectorStats.nRejected"] },
  { label: "errors", paths: ["receiverStats.nErrors", "processorStats.nErrors", "publisherStats.nErrors"] },
];

/** Id members that name an object, with the word shown for each. */
const IDENTITIES = [["consumerId", "consumer"], ["collectorId", "collector"], ["simulatorId", "simulator"]];

/**
 * The number at a dotted `path` of `doc`, or undefined.
 * @param {unknown} doc
 * @param {string} path
 * @returns {number | undefined}
 */
export function readNumber(doc, path) {
  let at = doc;
  for (const key of path.split(".")) {
    if (at === null || typeof at !== "object") return undefined;
    at = at[key];
  }
  return typeof at === "number" && Number.isFinite(at) ? at : undefined;
}

/**
 * The first of `paths` present in `doc`.
 * @param {unknown} doc
 * @param {readonly string[]} paths
 */
export function firstNumber(doc, paths) {
  for (const path of paths) {
    const v = readNumber(doc, path);
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * The event counters present in `doc`, as `{ label, value }`.
 * @param {unknown} doc
 */
export function eventCounts(doc) {
  return EVENT_COUNTERS.flatMap(({ label, paths }) => {
    const values = paths.map((p) => readNumber(doc, p)).filter((v) => v !== undefined);
    return values.length === 0 ? [] : [{ label, value: values.reduce((a, b) => a + b, 0) }];
  });
}

/**
 * The receiver queue's counters, or null when the document has none.
 * @param {unknown} doc
 */
export function queueFill(doc) {
  const queued = readNumber(doc, "queueStats.nQueued");
  if (queued === undefined) return null;
  return {
    queued,
    delivered: readNumber(doc, "queueStats.nDelivered") ?? 0,
    rejected: readNumber(doc, "queueStats.nRejected") ?? 0,
  };
}

/**
 * A name for the object that sent `doc`, e.g. "consumer 4 · sim:image".
 * @param {object} doc
 */
export function describe(doc) {
  const found = IDENTITIES.find(([key]) => typeof doc[key] === "number");
  const who = found ? `${found[1]} ${doc[found[0]]}` : "pvastream";
  const channel = doc.inputChannel ?? doc.channelName;
  return typeof channel === "string" && channel !== "" ? `${who} · ${channel}` : who;
}

/** Frames/s and MB/s from successive status documents of one object. */
export class RateMeter {
  /** @type {{ time: number, frames: number, bytes: number | undefined } | null} */
  #last = null;

  /**
   * Takes the next document; answers the rates since the previous one, or null for the first document
   * and after counters went backwards (a reset: the next document measures from here).
   * @param {unknown} doc
   * @param {{ receivedAt?: number, bytesPerFrame?: number }} [options] seconds the document arrived at
   *   (used when it has no objectTime); size of a frame (used when it has no byte counter)
   * @returns {{ time: number, framesPerSecond: number, megabytesPerSecond: number | null } | null}
   */
  update(doc, { receivedAt = Date.now() / 1000, bytesPerFrame } = {}) {
    const frames = firstNumber(doc, FRAME_COUNTERS);
    if (frames === undefined) return null;
    const time = readNumber(doc, "objectTime") ?? receivedAt;
    const bytes = firstNumber(doc, BYTE_COUNTERS);
    const last = this.#last;
    this.#last = { time, frames, bytes };
    if (last === null || frames < last.frames || time <= last.time) return null;
    const dt = time - last.time;
    const framesPerSecond = (frames - last.frames) / dt;
    const megabytesPerSecond = bytes !== undefined && last.bytes !== undefined
      ? (bytes - last.bytes) / dt / 1e6
      : bytesPerFrame !== undefined
      ? (framesPerSecond * bytesPerFrame) / 1e6
      : null;
    return { time, framesPerSecond, megabytesPerSecond };
  }
}

/**
 * A number for people: 1234567 → "1.23 M", 12.345 → "12.3".
 * @param {number | null | undefined} v
 */
export function formatNumber(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toPrecision(3)} G`;
  if (a >= 1e6) return `${(v / 1e6).toPrecision(3)} M`;
  if (a >= 1e4) return `${(v / 1e3).toPrecision(3)} k`;
  if (Number.isInteger(v)) return String(v);
  return a >= 100 ? v.toFixed(0) : v.toPrecision(3);
}
