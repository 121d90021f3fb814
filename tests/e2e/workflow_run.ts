/**
 * What the end-to-end tests share: a workflow file run by `scripts/workflow.ts` in its own process on
 * loopback ports of its own, its output, and its summary (written with --summary-file).
 *
 * @module
 */
import type { ProcessAccount, StageAccount, WorkflowSummary } from "../../runtime/workflow/mod.ts";
import { epicsEnv, freePorts } from "../interop/peers.ts";

/** The repository root. */
export const ROOT = new URL("../../", import.meta.url).pathname;
/** The order-checking pass-through processor (fixtures/order_check.ts). */
export const ORDER_CHECK = new URL("fixtures/order_check.ts", import.meta.url).pathname;

/** A finished workflow run. */
export interface WorkflowRun {
  /** The runner's exit status. */
  code: number;
  /** Everything it printed (the stages' lines included). */
  output: string;
  /** Its summary (--summary-file), or null when it wrote none. */
  summary: WorkflowSummary | null;
}

/** A started runner: its process, output so far, and the end. */
export interface StartedWorkflow {
  proc: Deno.ChildProcess;
  output(): string;
  /** Resolves once it has exited and its summary (if any) was read. */
  finished: Promise<WorkflowRun>;
}

/**
 * Writes `yaml` to a temporary directory and starts `workflow run` on it, with an EPICS environment of
 * free loopback ports (so that runs in parallel do not find each other's channels).
 */
export function startWorkflow(yaml: string): StartedWorkflow {
  const dir = Deno.makeTempDirSync({ prefix: "workflow_" });
  Deno.writeTextFileSync(`${dir}/workflow.yaml`, yaml);
  const proc = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--config",
      `${ROOT}deno.json`,
      `${ROOT}scripts/workflow.ts`,
      "run",
      "--summary-file",
      `${dir}/summary.json`,
      `${dir}/workflow.yaml`,
    ],
    env: epicsEnv(freePorts()),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const read = async (s: ReadableStream<Uint8Array>) => {
    for await (const chunk of s.pipeThrough(new TextDecoderStream())) text += chunk;
  };
  const pipes = Promise.all([read(proc.stdout), read(proc.stderr)]);
  const finished = (async () => {
    const { code } = await proc.status;
    await pipes;
    let summary: WorkflowSummary | null = null;
    try {
      summary = JSON.parse(await Deno.readTextFile(`${dir}/summary.json`));
    } catch {
      // No summary: the run failed before it could sum up.
    }
    await Deno.remove(dir, { recursive: true });
    return { code, output: text, summary };
  })();
  return { proc, output: () => text, finished };
}

/**
 * Runs `yaml` to its end; after `timeoutMs` the runner gets SIGINT (it stops its stages), and the
 * test fails with what it printed.
 */
export async function runWorkflowYaml(yaml: string, { timeoutMs = 50_000 } = {}): Promise<WorkflowRun> {
  const run = startWorkflow(yaml);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    run.proc.kill("SIGINT");
  }, timeoutMs);
  const result = await run.finished;
  clearTimeout(timer);
  if (timedOut) throw new Error(`the workflow ran over ${timeoutMs} ms; it printed:\n${result.output}`);
  return result;
}

/** Waits until the runner printed a line matching `pattern`; fails after `ms` with its output. */
export async function untilPrinted(
  run: StartedWorkflow,
  pattern: RegExp,
  ms = 40_000,
): Promise<RegExpExecArray> {
  const end = performance.now() + ms;
  for (;;) {
    const m = pattern.exec(run.output());
    if (m) return m;
    if (performance.now() > end) throw new Error(`no ${pattern} within ${ms} ms; printed:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The stage named `name` of a summary; fails when there is none. */
export function stage(summary: WorkflowSummary | null, name: string): StageAccount {
  const found = summary?.stages.find((s) => s.name === name);
  if (!found) throw new Error(`no stage ${name} in ${JSON.stringify(summary)}`);
  return found;
}

/** A process's user statistic `name` (from its processor's stats). */
export function userStat(p: ProcessAccount, name: string): number {
  return Number((p.status?.userStats as Record<string, unknown> | undefined)?.[name]);
}

/**
 * A simulator stage for the tests: small frames, a short run, no per-frame lines; the runner makes it
 * hold its first frame until the stages reading it have subscribed.
 */
export function simulatorStage(
  name: string,
  channel: string,
  { frames = 60, rate = 30, startDelay = 0 }: { frames?: number; rate?: number; startDelay?: number } = {},
): string {
  return `  - name: ${name}
    kind: simulator
    options:
      channel-name: "${channel}"
      frame-rate: ${rate}
      n-x-pixels: 16
      n-y-pixels: 8
      runtime: ${frames / rate}
      start-delay: ${startDelay}
      shutdown-delay: 3
      report-period: 0
`;
}
