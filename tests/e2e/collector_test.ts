/** Workflows with a collector stage: the default workflow's check, and a collected run with exact counts. */
import assert from "node:assert/strict";
import { ORDER_CHECK, ROOT, runWorkflowYaml, simulatorStage, stage, userStat } from "./workflow_run.ts";

Deno.test({
  name: "e2e: simulator → two distributed consumers → collector, in order",
  fn: async () => {
    const run = await runWorkflowYaml(`name: collected
http-port: -1
stages:
${simulatorStage("sim", "e2e:collect")}
  - name: consumers
    kind: consumer
    options:
      input-channel: e2e:collect
      n-consumers: 2
      distributor-trigger: uniqueId
      distributor-updates: 1
      output-channel: e2e:part:*
  - name: collector
    kind: collector
    options:
      producer-id-list: "1,2"
      input-channel: e2e:part:*
      output-channel: e2e:collected
      skip-initial-updates: 0
      collector-idle-time: 0.5
      processor-file: ${ORDER_CHECK}
      processor-class: OrderCheck
`);
    assert.equal(run.code, 0, run.output);
    const published = stage(run.summary, "sim").counts.published;
    assert.ok(published > 0);
    const consumers = stage(run.summary, "consumers");
    assert.deepEqual([consumers.counts.processed, consumers.counts.outputs], [published, published]);
    const collector = stage(run.summary, "collector");
    assert.deepEqual(
      [collector.counts.collected, collector.counts.missed, collector.counts.rejected],
      [published, 0, 0],
      run.output,
    );
    // A producer that declares its output type serves a placeholder (no pixels, id 0) until its first
    // output; a collector connecting before then receives it, and does not collect it.
    const placeholders = collector.counts.received - published;
    assert.ok(
      placeholders >= 0 && placeholders <= 2,
      `received ${collector.counts.received} of ${published}`,
    );
    const [p] = collector.processes;
    assert.deepEqual([userStat(p, "outOfOrder"), userStat(p, "firstId"), userStat(p, "lastId")], [
      0,
      1,
      published,
    ]);
  },
});

Deno.test({
  name: "workflows/default.yaml passes its check",
  fn: async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${ROOT}scripts/workflow.ts`, "run", "--check", `${ROOT}workflows/default.yaml`],
      stdin: "null",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.match(new TextDecoder().decode(out.stdout), /collector \(collector\) after consumers/);
  },
});
