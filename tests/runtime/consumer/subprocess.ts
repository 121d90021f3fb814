/**
 * Consumer tools in subprocesses against a server in the test: the server and client on free
 * loopback ports whose EPICS environment the tools get, the tool's process and output, and its
 * progress read from its status PV.
 *
 * @module
 */
import { configFromEnv } from "../../../protocol/pva/config.ts";
import { silentLogger } from "../../../protocol/log.ts";
import { PvaClient } from "../../../protocol/pva/client/client.ts";
import { PvaServer } from "../../../protocol/pva/server/server.ts";
import type { SharedPV } from "../../../protocol/pva/server/shared_pv.ts";
import { epicsEnv, freePorts } from "../../interop/peers.ts";
import { source } from "./harness.ts";

/** The repository root. */
export const ROOT = new URL("../../../", import.meta.url).pathname;

/** A running tool: its process and everything it printed so far. */
export interface Tool {
  proc: Deno.ChildProcess;
  /** Standard output and error so far. */
  output: () => string;
  /** Resolves with the exit code once the process ended and its output was read. */
  exited: Promise<number>;
}

/** Runs `deno run -A` with this repository's configuration on `args` (a script and its options). */
export function spawnTool(args: string[], env: Record<string, string>): Tool {
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

/** Kills the tool if it still runs (a failed test, or a kill on purpose) and waits for its end. */
export async function ended(tool: Tool): Promise<void> {
  try {
    tool.proc.kill("SIGKILL");
  } catch {
    // It has exited.
  }
  await tool.exited;
}

/** What {@link withSource} hands its body. */
export interface SourceContext {
  server: PvaServer;
  /** The source `det:image`. */
  pv: SharedPV;
  client: PvaClient;
  /** The EPICS environment that finds `server` (tools bind another port when its is taken). */
  env: Record<string, string>;
}

/** Runs `body` with a server hosting `det:image` and a client, both on free loopback ports. */
export async function withSource(body: (ctx: SourceContext) => Promise<void>): Promise<void> {
  const env = epicsEnv(freePorts());
  const config = configFromEnv(env);
  const server = new PvaServer({ config, logger: silentLogger });
  await server.start();
  const client = new PvaClient({ config, logger: silentLogger });
  try {
    await body({ server, pv: source(server), client, env });
  } finally {
    await client.close();
    await server.close();
  }
}

/** `nProcessed` on consumer `id`'s status PV (default name), or -1 while it cannot be read. */
export async function statusProcessed(client: PvaClient, id: number): Promise<number> {
  const s = await client.get(`pvapy:consumer:${id}:status`, { timeout: 2000 }).catch(() => null);
  return Number((s?.value as { processorStats?: { nProcessed: number } })?.processorStats?.nProcessed ?? -1);
}
