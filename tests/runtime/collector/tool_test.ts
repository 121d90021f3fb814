/**
 * The collector tool as users run it (`scripts/collector.ts` in a subprocess) against producers the test
 * hosts: its HTTP API shows the missed ids, a stop put to its control PV ends it with the remaining cache
 * released, and its summary names the missed ids; a wrong command line exits 2 naming the option.
 */
import assert from "node:assert/strict";
import { SharedPV } from "../../../protocol/pva/server/shared_pv.ts";
import { within } from "../../support/within.ts";
import { frame, FRAME_TYPE, until } from "../consumer/harness.ts";
import { ended, ROOT, spawnTool, withSource } from "../consumer/subprocess.ts";

const TOOL = `${ROOT}scripts/collector.ts`;

Deno.test("collector tool: HTTP status names the missed ids; a stop put ends it and the summary names them", async () => {
  await withSource(async ({ server, client, env }) => {
    const producers = [1, 2].map((id) => {
      const pv = new SharedPV();
      pv.open({ type: FRAME_TYPE, value: frame(0) });
      server.addPV(`prod:${id}`, pv);
      return pv;
    });
    const tool = spawnTool([
      TOOL,
      "-ic",
      "prod:*",
      "-sc",
      "_",
      "-cc",
      "_",
      "-siu",
      "0",
      "--collector-idle-time",
      "0.5",
      "-rp",
      "1",
      "--http-port",
      "0",
    ], env);
    try {
      await until(
        "both producers monitored",
        () => producers.every((p) => p.subscribers().filter((s) => s.running).length === 1),
        90_000,
      )
        .catch((e) => {
          throw new Error(`${e.message}\n${tool.output()}`);
        });
      // Frame 5 never comes; with the initial values (id 0 from each) 9 updates arrive.
      for (const id of [1, 3, 7]) producers[0].post(frame(id));
      for (const id of [2, 4, 6, 8]) producers[1].post(frame(id));
      const url = /Dashboard: (\S+) /.exec(tool.output())?.[1];
      assert.ok(url, tool.output());
      let status: { collectorStats: Record<string, number>; missedIds: unknown } | undefined;
      await until("the idle time released everything", async () => {
        status = await (await fetch(new URL("api/status", url))).json();
        return status!.collectorStats.nCollected === 9;
      }, 20_000).catch((e) => {
        throw new Error(`${e.message}: ${JSON.stringify(status)}`);
      });
      assert.deepEqual(status!.missedIds, [{ first: 5, last: 5 }]);
      assert.deepEqual(
        [status!.collectorStats.nMissed, status!.collectorStats.nRejected, status!.collectorStats.nCached],
        [1, 0, 0],
      );
      const pvStatus = (await client.get("pvapy:collector:1:status")).value as {
        producerStats_2: { receiverStats: { nReceived: number } };
      };
      assert.equal(pvStatus.producerStats_2.receiverStats.nReceived, 5, "producerStats_2 on the status PV");
      await client.put("pvapy:collector:1:control", { command: "stop" });
      assert.equal(await within(tool.exited, 20_000, "the tool to exit"), 0, tool.output());
      assert.match(tool.output(), /input channel \(producer 2\): prod:2/);
      assert.match(
        tool.output(),
        /collector 1: 9 collected .* 9 processed, 1 missed \(ids 5\), 0 rejected, 0 cached/,
      );
    } finally {
      await ended(tool);
    }
  });
});

Deno.test("collector tool: a wrong option exits 2 naming it; --help exits 0", async () => {
  const run = async (...args: string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--config", `${ROOT}deno.json`, TOOL, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    return {
      code: out.code,
      text: new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr),
    };
  };
  const bad = await run("-ic", "x", "--collector-cache-size", "lots");
  assert.equal(bad.code, 2);
  assert.match(bad.text, /--collector-cache-size needs a number, not "lots"/);
  const help = await run("--help");
  assert.equal(help.code, 0);
  assert.match(help.text, /-ccs, --collector-cache-size/);
});
