import assert from "node:assert/strict";
import { ORDER_CHECK, runWorkflowYaml, simulatorStage, stage, userStat } from "./workflow_run.ts";

Deno.test("e2e: output mode pva puts every frame into a consumer whose input mode is pvas", async () => {
  const run = await runWorkflowYaml(`name: pva-output
http-port: -1
stages:
${simulatorStage("sim", "e2e:raw")}
  - name: pusher
    kind: consumer
    options:
      input-channel: e2e:raw
      output-mode: pva
      output-channel: e2e:sink
  - name: sink
    kind: consumer
    options:
      input-channel: e2e:sink
      input-mode: pvas
      # Puts have no current value to skip: every one is a frame.
      skip-initial-updates: 0
      processor-file: ${ORDER_CHECK}
      processor-class: OrderCheck
`);
  assert.equal(run.code, 0, run.output);
  // The sink serves the channel the pusher writes to, so it starts first.
  const order = [...run.output.matchAll(/^Stage (\S+) /gm)].map((m) => m[1]);
  assert.deepEqual(order, ["sim", "sink", "pusher"]);
  const published = stage(run.summary, "sim").counts.published;
  assert.ok(published > 0);
  const pusher = stage(run.summary, "pusher").counts;
  assert.deepEqual([pusher.processed, pusher.outputs, pusher.missed], [published, published, 0]);
  const sink = stage(run.summary, "sink");
  assert.deepEqual([sink.counts.received, sink.counts.processed, sink.counts.missed], [
    published,
    published,
    0,
  ]);
  const [p] = sink.processes;
  assert.deepEqual([userStat(p, "outOfOrder"), userStat(p, "firstId"), userStat(p, "lastId")], [
    0,
    1,
    published,
  ]);
});
