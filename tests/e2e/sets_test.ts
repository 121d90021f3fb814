import assert from "node:assert/strict";
import { ORDER_CHECK, runWorkflowYaml, simulatorStage, stage, userStat } from "./workflow_run.ts";

Deno.test("e2e: distributor sets take turns; every member of a set gets the set's frames", async () => {
  const consumers = (name: string, ids: string, set: string) =>
    `  - name: ${name}
    kind: consumer
    options:
      input-channel: e2e:sets
      consumer-id-list: "${ids}"
      distributor-set: ${set}
      distributor-trigger: uniqueId
      distributor-updates: 1
      processor-file: ${ORDER_CHECK}
      processor-class: OrderCheck
`;
  const run = await runWorkflowYaml(`name: sets
http-port: -1
stages:
${simulatorStage("sim", "e2e:sets")}
${consumers("setA", "1,2", "A")}
${consumers("setB", "3,4", "B")}
`);
  assert.equal(run.code, 0, run.output);
  const sim = stage(run.summary, "sim").counts;
  assert.ok(sim.published > 0);
  assert.equal(sim.notDeliveredNoSubscriber, 0);
  const [a1, a2] = stage(run.summary, "setA").processes;
  const [b1, b2] = stage(run.summary, "setB").processes;
  for (const p of [a1, a2, b1, b2]) {
    assert.deepEqual([p.counts.missed, userStat(p, "outOfOrder")], [0, 0], p.label);
    assert.equal(userStat(p, "frames"), p.counts.processed, p.label);
  }
  // Members of a set see the same frames; the two sets together see each frame once.
  assert.equal(a1.counts.processed, a2.counts.processed);
  assert.equal(b1.counts.processed, b2.counts.processed);
  assert.deepEqual([userStat(a1, "firstId"), userStat(a1, "lastId")], [
    userStat(a2, "firstId"),
    userStat(a2, "lastId"),
  ]);
  assert.equal(a1.counts.processed + b1.counts.processed, sim.published);
  assert.deepEqual([userStat(a1, "firstId"), userStat(b1, "firstId")].sort(), [1, 2]);
});
