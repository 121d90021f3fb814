/**
 * The consumer tool as users run it, in subprocesses against our server in the test: two
 * consumers as child processes (one `stop` on one control channel ends both, Ctrl-C ends all),
 * and a built-in processor run as a consumer on its own (`deno run -A processors/passthrough.ts`).
 */
import assert from "node:assert/strict";
import { configFromEnv } from "../../../protocol/pva/config.ts";
import { silentLogger } from "../../../protocol/log.ts";
import { PvaClient } from "../../../protocol/pva/client/client.ts";
import { PvaServer } from "../../../protocol/pva/server/server.ts";
import type { SharedPV } from "../../../protocol/pva/server/shared_pv.ts";
import { epicsEnv, freePorts } from "../../interop/peers.ts";
import { within } from "../../support/within.ts";
import { publish, source, subscribed, until } from "./harness.ts";

const ROOT = new URL("../../../", import.meta.url).pathname;

/** A running tool: its process and everything it printed so far. */
interface Tool {
  proc: Deno.ChildProcess;
  output: () => string;
  /** Resolves with the exit code once the process ended and its output was read. */
  exited: Promise<number>;
}

function spawnTool(args: string[], env: Record<string, string>): Tool {
  const proc = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", `${ROOT}deno.json`, ...args],
    cwd: ROOT,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const read = (s: ReadableStream<Uint8Array>) =>
    (async () => {
      for await (const chunk of s.pipeThrough(new TextDecoderStream())) text += chunk;
    })();
  const pipes = Promise.all([read(proc.stdout), read(proc.stderr)]);
  const exited = (async () => {
    const { code } = await proc.status;
    await pipes;
    return code;
  })();
  return { proc, output: () => text, exited };
}

/** Kills the tool if it still runs (a failed test) and waits for its end. */
async function ended(tool: Tool): Promise<void> {
  try {
    tool.proc.kill("SIGKILL");
  } catch {
    // It has exited.
  }
  await tool.exited;
}

/** A loopback server hosting the source `det:image`, a client, and the environment for tools. */
async function withSource(
  body: (ctx: { pv: SharedPV; client: PvaClient; env: Record<string, string> }) => Promise<void>,
): Promise<void> {
  const env = epicsEnv(freePorts());
  const config = configFromEnv(env);
  const server = new PvaServer({ config, logger: silentLogger });
  await server.start();
  const client = new PvaClient({ config, logger: silentLogger });
  try {
    await body({ pv: source(server), client, env });
  } finally {
    await client.close();
    await server.close();
  }
}

async function nProcessed(client: PvaClient, id: number): Promise<number> {
  const s = await client.get(`pvapy:consumer:${id}:status`, { timeout: 2000 }).catch(() => null);
  return Number((s?.value as { processorStats?: { nProcessed: number } })?.processorStats?.nProcessed ?? -1);
}

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
        const [a, b] = [await nProcessed(client, 1), await nProcessed(client, 2)];
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
