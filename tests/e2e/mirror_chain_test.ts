import assert from "node:assert/strict";
import { ORDER_CHECK, runWorkflowYaml, simulatorStage, stage, userStat } from "./workflow_run.ts";

Deno.test("e2e: a chain through a mirror: the consumer of the mirror processes every frame, in order", async () => {
  const run = await runWorkflowYaml(`name: mirror-chain
http-port: -1
stages:
  - name: consumer
    kind: consumer
    options:
      input-channel: e2e:mirrored
      processor-file: ${ORDER_CHECK}
      processor-class: OrderCheck
  - name: mirror
    kind: mirror
    options:
      channel-map: "(e2e:mirrored,e2e:source,pva,100)"
${simulatorStage("sim", "e2e:source")}
`);
  assert.equal(run.code, 0, run.output);
  // Started in dependency order whatever the file's order.
  const order = [...run.output.matchAll(/^Stage (\S+) /gm)].map((m) => m[1]);
  assert.deepEqual(order, ["sim", "mirror", "consumer"]);
  const sim = stage(run.summary, "sim").counts;
  assert.ok(sim.published > 0);
  const mirror = stage(run.summary, "mirror").counts;
  // Every frame, and the source's current value when the mirror connected.
  assert.deepEqual([mirror.received, mirror.overruns], [sim.published + 1, 0]);
  const consumer = stage(run.summary, "consumer");
  assert.deepEqual(
    [consumer.counts.received, consumer.counts.processed, consumer.counts.missed],
    [sim.published, sim.published, 0],
  );
  const [p] = consumer.processes;
  assert.deepEqual([userStat(p, "outOfOrder"), userStat(p, "firstId"), userStat(p, "lastId")], [
    0,
    1,
    sim.published,
  ]);
});
