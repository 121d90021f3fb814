import assert from "node:assert/strict";
import { ORDER_CHECK, runWorkflowYaml, simulatorStage, stage, userStat } from "./workflow_run.ts";

Deno.test("e2e: three consumers without a distributor each process every frame, in order", async () => {
  const run = await runWorkflowYaml(`name: many
http-port: -1
stages:
${simulatorStage("sim", "e2e:many")}
  - name: all
    kind: consumer
    options:
      input-channel: e2e:many
      n-consumers: 3
      processor-file: ${ORDER_CHECK}
      processor-class: OrderCheck
`);
  assert.equal(run.code, 0, run.output);
  const sim = stage(run.summary, "sim").counts;
  assert.ok(sim.published > 0);
  assert.equal(sim.notDeliveredNoSubscriber, 0);
  const all = stage(run.summary, "all");
  assert.equal(all.processes.length, 3);
  for (const p of all.processes) {
    assert.deepEqual([p.counts.received, p.counts.processed, p.counts.missed], [
      sim.published,
      sim.published,
      0,
    ]);
    assert.deepEqual(
      [userStat(p, "frames"), userStat(p, "outOfOrder"), userStat(p, "firstId"), userStat(p, "lastId")],
      [sim.published, 0, 1, sim.published],
      p.label,
    );
  }
  assert.equal(all.source?.unaccounted, 0);
});
