import assert from "node:assert/strict";
import { createLogger } from "../../../protocol/log.ts";
import { FrameAccounting, StatsReporter } from "../../../runtime/stats/mod.ts";
import {
  CollectorStatusBuilder,
  ConsumerStatusBuilder,
  type MetadataStats,
  type SourceStats,
  StatusFeed,
} from "../../../runtime/status/mod.ts";

const SOURCE: SourceStats = {
  producerId: 1,
  channel: "p:1",
  receiverStats: {
    nReceived: 3,
    receivedRate: 1,
    nRejected: 0,
    rejectedRate: 0,
    nOverruns: 0,
    overrunRate: 0,
  },
  queueStats: { nReceived: 3, nRejected: 0, nDelivered: 3, nQueued: 0 },
};

const METADATA: MetadataStats = {
  ...SOURCE,
  associationStats: { nMatched: 3, nUnmatched: 1, nDiscarded: 2 },
};

Deno.test("consumer status: stamped, numbered, user statistics checked against their declaration, each problem told once", () => {
  const lines: string[] = [];
  const logger = createLogger({ write: (line) => lines.push(line) });
  const builder = new ConsumerStatusBuilder({
    consumerId: 2,
    inputChannel: "in",
    userStats: { nFrames: "uint", label: "string" },
    metadataChannels: 1,
    logger,
  });
  const stats = new StatsReporter().report(new FrameAccounting().snapshot(), { now: 10 });
  const first = builder.build(stats, {
    userStats: { nFrames: 4, label: "a" },
    metadataStats: [METADATA],
    now: 1.25,
  });
  assert.deepEqual(Object.keys(first), [
    "consumerId",
    "inputChannel",
    "objectId",
    "objectTime",
    "objectTimestamp",
    "receiverStats",
    "publisherStats",
    "queueStats",
    "processorStats",
    "userStats",
    "metadataStats_1",
  ]);
  assert.deepEqual(first.objectTimestamp, { secondsPastEpoch: 1, nanoseconds: 250_000_000, userTag: 0 });
  assert.deepEqual(first.userStats, { nFrames: 4, label: "a" });
  const second = builder.build(stats, { userStats: { nFrames: 5, label: "b", extra: 2 } });
  assert.equal(second.objectId, 2);
  assert.deepEqual(
    second.userStats,
    { nFrames: 0, label: "" },
    "a report that breaks the declaration shows zeros",
  );
  builder.build(stats, { userStats: { nFrames: 5, label: "b", extra: 3 } });
  const third = builder.build(stats, { userStats: { nFrames: "five", label: "ok" } });
  assert.deepEqual(third.userStats, { nFrames: 0, label: "" });
  assert.equal(lines.length, 2, "each problem is told once");
  assert.match(lines[0], /stats key extra: not declared/);
  assert.match(lines[1], /stats key nFrames: expected uint/);
  const plain = new ConsumerStatusBuilder({ consumerId: 1, inputChannel: "in" });
  assert.equal("userStats" in plain.build(stats), false);
  assert.equal(plain.type.fields.some((f) => f.name === "userStats"), false);
});

Deno.test("collector status: PvaPy's members, one producer block per producer id", () => {
  const builder = new CollectorStatusBuilder({ collectorId: 3, producerIds: [2, 5] });
  const stats = new StatsReporter().report(new FrameAccounting().snapshot());
  const collectorStats = {
    nCollected: 1,
    collectedRate: 0,
    nRejected: 0,
    rejectedRate: 0,
    nMissed: 0,
    missedRate: 0,
    nCached: 0,
  };
  const doc = builder.build({
    collectorStats,
    processorStats: stats.processorStats,
    producerStats: [SOURCE, { ...SOURCE, producerId: 5 }],
  });
  assert.deepEqual(builder.type.fields.map((f) => f.name), Object.keys(doc));
  assert.deepEqual(Object.keys(doc).slice(-2), ["producerStats_2", "producerStats_5"]);
  assert.throws(
    () => builder.build({ collectorStats, processorStats: stats.processorStats, producerStats: [SOURCE] }),
    /needs 2 producer blocks, got 1/,
  );
});

Deno.test("status feed: every report period, at most every 10 s, and on refresh", async () => {
  const builder = new ConsumerStatusBuilder({ consumerId: 1, inputChannel: "in" });
  const stats = new StatsReporter().report(new FrameAccounting().snapshot());
  const build = () => builder.build(stats);
  assert.equal(new StatusFeed({ build }).periodMs, 10_000);
  assert.equal(new StatusFeed({ build, reportPeriod: 60 }).periodMs, 10_000);
  assert.throws(() => new StatusFeed({ build, reportPeriod: -1 }), /report period/);
  const feed = new StatusFeed({ build, reportPeriod: 0.02 });
  const seen: number[] = [];
  const stop = feed.subscribe((s) => seen.push(s.objectId));
  feed.start();
  await new Promise((resolve) => setTimeout(resolve, 150));
  feed.stop();
  assert.ok(seen.length >= 2, `periodic updates: ${seen.length}`);
  const count = seen.length;
  const last = seen.at(-1)!;
  assert.equal(feed.refresh().objectId, last + 1); // refresh announces at once
  assert.equal(seen.length, count + 1);
  stop();
  feed.refresh();
  assert.equal(seen.length, count + 1);
  assert.deepEqual(seen, [...seen].sort((a, b) => a - b));
});
