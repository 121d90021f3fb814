import assert from "node:assert/strict";
import { checkAgainstSource, countsOf, summaryLines } from "../../../runtime/workflow/mod.ts";

Deno.test("summary: counts read from each kind's status document", () => {
  assert.deepEqual(
    countsOf("consumer", {
      receiverStats: { nReceived: 10, nRejected: 1, nOverruns: 2 },
      processorStats: { nProcessed: 8, nErrors: 1, nMissed: 3 },
      publisherStats: { nPublished: 8 },
    }),
    { received: 10, processed: 8, errors: 1, missed: 3, rejected: 1, overruns: 2, outputs: 8 },
  );
  assert.deepEqual(
    countsOf("collector", {
      collectorStats: { nCollected: 7, nMissed: 2, nRejected: 1 },
      producerStats_1: { receiverStats: { nReceived: 4 } },
      producerStats_2: { receiverStats: { nReceived: 5 } },
      processorStats: { nProcessed: 7, nErrors: 0 },
    }),
    { received: 9, collected: 7, missed: 2, rejected: 1, processed: 7, errors: 0 },
  );
  assert.deepEqual(
    countsOf("mirror", {
      channels: [{ nReceived: 3, nOverruns: 1, nSent: 6 }, { nReceived: 2, nOverruns: 0, nSent: 2 }],
    }),
    { received: 5, overruns: 1, sent: 8 },
  );
  assert.deepEqual(countsOf("simulator", null), {});
});

Deno.test("summary: a stage against its simulator, shared or each seeing every frame", () => {
  const p = (received: number, missed: number) => ({
    label: "c",
    status: null,
    counts: { received, missed },
  });
  const source = { name: "sim", published: 10 };
  assert.equal(checkAgainstSource([p(6, 0), p(3, 1)], source, { shared: true }).unaccounted, 0);
  assert.equal(checkAgainstSource([p(6, 0), p(3, 0)], source, { shared: true }).unaccounted, 1);
  assert.equal(checkAgainstSource([p(10, 0), p(9, 1)], source, { shared: false }).unaccounted, 0);
  assert.equal(checkAgainstSource([p(10, 0), p(8, 0)], source, { shared: false }).unaccounted, 2);
  const lines = summaryLines({
    workflow: "w",
    ended: "runtime",
    stages: [{
      name: "pair",
      kind: "consumer",
      exitCode: 0,
      counts: { received: 9 },
      processes: [{ label: "pair 1", status: null, counts: { received: 6 } }, {
        label: "pair 2",
        status: null,
        counts: { received: 3 },
      }],
      source: { stage: "sim", published: 10, unaccounted: 1 },
    }],
  });
  assert.deepEqual(lines, [
    "Summary of workflow w (runtime):",
    "  pair (consumer): received 9 [exit 0]",
    "    pair 1: received 6",
    "    pair 2: received 3",
    "    of 10 frames published by sim: 1 neither received nor named missed",
  ]);
});
