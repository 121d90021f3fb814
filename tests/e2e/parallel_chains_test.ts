import assert from "node:assert/strict";
import { ORDER_CHECK, runWorkflowYaml, simulatorStage, stage, userStat } from "./workflow_run.ts";

Deno.test("e2e: two parallel chains in one workflow, each consumer with exactly its simulator's frames", async () => {
  const consumer = (name: string, channel: string) =>
    `  - name: ${name}
    kind: consumer
    options:
      input-channel: ${channel}
      output-channel: ${channel}:out
      processor-file: ${ORDER_CHECK}
      processor-class: OrderCheck
`;
  const run = await runWorkflowYaml(`name: parallel
http-port: -1
stages:
${simulatorStage("simA", "e2e:a", { frames: 40, rate: 20 })}
${simulatorStage("simB", "e2e:b", { frames: 60, rate: 30 })}
${consumer("consumerA", "e2e:a")}
${consumer("consumerB", "e2e:b")}
`);
  assert.equal(run.code, 0, run.output);
  assert.equal(run.summary?.ended, "simulators finished");
  for (const [sim, name] of [["simA", "consumerA"], ["simB", "consumerB"]] as const) {
    const published: number = stage(run.summary, sim).counts.published;
    assert.ok(published > 0);
    const c = stage(run.summary, name);
    assert.equal(c.source?.stage, sim);
    assert.deepEqual(
      [c.counts.processed, c.counts.missed, c.counts.outputs],
      [published, 0, published],
      name,
    );
    assert.deepEqual([userStat(c.processes[0], "outOfOrder"), userStat(c.processes[0], "lastId")], [
      0,
      published,
    ]);
  }
});
