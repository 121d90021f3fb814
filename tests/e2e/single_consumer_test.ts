import assert from "node:assert/strict";
import { ORDER_CHECK, runWorkflowYaml, simulatorStage, stage, userStat } from "./workflow_run.ts";

Deno.test("e2e: a single consumer processes every frame the simulator published, in order", async () => {
  const run = await runWorkflowYaml(`name: single
http-port: -1
stages:
${simulatorStage("sim", "e2e:single")}
  - name: consumer
    kind: consumer
    options:
      input-channel: e2e:single
      processor-file: ${ORDER_CHECK}
      processor-class: OrderCheck
`);
  assert.equal(run.code, 0, run.output);
  assert.equal(run.summary?.ended, "simulators finished");
  const sim = stage(run.summary, "sim").counts;
  assert.ok(sim.published > 0, run.output);
  assert.equal(sim.notDeliveredNoSubscriber, 0, "the consumer subscribed before the first frame");
  const consumer = stage(run.summary, "consumer");
  assert.deepEqual(
    [consumer.counts.received, consumer.counts.processed, consumer.counts.missed, consumer.counts.errors],
    [sim.published, sim.published, 0, 0],
  );
  assert.equal(consumer.source?.unaccounted, 0);
  const [p] = consumer.processes;
  assert.deepEqual(
    [userStat(p, "frames"), userStat(p, "outOfOrder"), userStat(p, "firstId"), userStat(p, "lastId")],
    [sim.published, 0, 1, sim.published],
  );
});
