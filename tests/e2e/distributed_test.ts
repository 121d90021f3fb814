import assert from "node:assert/strict";
import { ORDER_CHECK, runWorkflowYaml, simulatorStage, stage, userStat } from "./workflow_run.ts";

Deno.test("e2e: two distributed consumers share the frames, each frame processed once, each in order", async () => {
  const run = await runWorkflowYaml(`name: distributed
http-port: -1
stages:
${simulatorStage("sim", "e2e:shared")}
  - name: shared
    kind: consumer
    options:
      input-channel: e2e:shared
      n-consumers: 2
      distributor-trigger: uniqueId
      distributor-updates: 1
      processor-file: ${ORDER_CHECK}
      processor-class: OrderCheck
`);
  assert.equal(run.code, 0, run.output);
  const sim = stage(run.summary, "sim").counts;
  assert.ok(sim.published > 0);
  assert.equal(sim.notDeliveredNoSubscriber, 0);
  const shared = stage(run.summary, "shared");
  assert.deepEqual([shared.counts.processed, shared.counts.missed], [sim.published, 0]);
  assert.equal(shared.source?.unaccounted, 0);
  const [a, b] = shared.processes;
  // Round-robin, one update each: the halves differ by at most one frame and start at ids 1 and 2.
  assert.ok(Math.abs(a.counts.processed - b.counts.processed) <= 1, JSON.stringify(shared.counts));
  assert.deepEqual([userStat(a, "firstId"), userStat(b, "firstId")].sort(), [1, 2]);
  for (const p of shared.processes) assert.equal(userStat(p, "outOfOrder"), 0, p.label);
  assert.equal(Math.max(userStat(a, "lastId"), userStat(b, "lastId")), sim.published);
});
