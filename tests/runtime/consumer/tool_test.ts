/**
 * The consumer tool as users run it, in subprocesses against our server in the test: two
 * consumers as child processes (one `stop` on one control channel ends both, Ctrl-C ends all),
 * and a built-in processor run as a consumer on its own (`deno run -A processors/passthrough.ts`).
 */
import assert from "node:assert/strict";
import { within } from "../../support/within.ts";
import { publish, subscribed, until } from "./harness.ts";
import { ended, ROOT, spawnTool, statusProcessed, withSource } from "./subprocess.ts";

const GROUP = [
  `${ROOT}scripts/consumer.ts`,
  "-ic",
  "det:image",
  "-nc",
  "2",
  "-sc",
  "_",
  "-cc",
  "_",
  "-dt",
  "uniqueId",
  "-du",
  "1",
  "-rp",
  "1",
];

Deno.test("tool: --n-consumers 2 runs two child processes; a stop put to one control channel stops both", async () => {
  await withSource(async ({ pv, client, env }) => {
    const tool = spawnTool(GROUP, env);
    try {
      await subscribed(pv, 2);
      if (Deno.build.os === "linux") {
        const children = await Deno.readTextFile(`/proc/${tool.proc.pid}/task/${tool.proc.pid}/children`);
        assert.equal(children.trim().split(/\s+/).length, 2, "one child process per consumer");
      }
      await publish(pv, 1, 40);
      await until("40 processed by the two children", async () => {
        const [a, b] = [await statusProcessed(client, 1), await statusProcessed(client, 2)];
        return a > 0 && b > 0 && a + b === 40;
      }, 30_000);
      await client.put("pvapy:consumer:2:control", { command: "stop" });
      assert.equal(await within(tool.exited, 20_000, "the tool to exit"), 0, tool.output());
      await until("both monitors gone", () => pv.subscribers().length === 0, 5_000);
      assert.match(tool.output(), /\[consumer 1\] consumer 1: \d+ processed/);
      assert.match(tool.output(), /\[consumer 2\] consumer 2: \d+ processed/);
    } finally {
      await ended(tool);
    }
  });
});

Deno.test("tool: --n-consumers 2, Ctrl-C (SIGINT) to the parent stops every child", async () => {
  await withSource(async ({ pv, env }) => {
    const tool = spawnTool(GROUP, env);
    try {
      await subscribed(pv, 2);
      tool.proc.kill("SIGINT");
      assert.equal(await within(tool.exited, 20_000, "the tool to exit"), 0, tool.output());
      await until("both monitors gone", () => pv.subscribers().length === 0, 5_000);
      assert.match(tool.output(), /\[consumer 1\] consumer 1: 0 processed/);
      assert.match(tool.output(), /\[consumer 2\] consumer 2: 0 processed/);
    } finally {
      await ended(tool);
    }
  });
});

Deno.test("tool: deno run -A processors/passthrough.ts runs a full consumer with that processor", async () => {
  await withSource(async ({ pv, client, env }) => {
    const tool = spawnTool([
      `${ROOT}processors/passthrough.ts`,
      "--input-channel",
      "det:image",
      "--runtime",
      "3",
      "-oc",
      "_",
    ], env);
    try {
      await subscribed(pv, 1);
      await publish(pv, 1, 10);
      await until("frame 10 published by the consumer", async () => {
        const out = await client.get("pvapy:consumer:1:output", { timeout: 1000 }).catch(() => null);
        return (out?.value as { uniqueId?: number })?.uniqueId === 10;
      }, 10_000);
      assert.equal(await within(tool.exited, 20_000, "the end of --runtime 3"), 0, tool.output());
      assert.match(tool.output(), /consumer 1: 10 processed/);
    } finally {
      await ended(tool);
    }
  });
});
