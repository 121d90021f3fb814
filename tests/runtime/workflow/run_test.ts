import assert from "node:assert/strict";
import {
  ROOT,
  simulatorStage,
  type StartedWorkflow,
  startWorkflow,
  untilPrinted,
} from "../../e2e/workflow_run.ts";

/** The HTTP APIs of every stage, from the runner's "Stage X (kind) up: URL, URL" lines. */
function stageUrls(output: string): string[] {
  return [...output.matchAll(/^Stage \S+ \(\w+\) up: ([^;\n]+)/gm)].flatMap((m) => m[1].split(", "));
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(new URL("api/health", url), { signal: AbortSignal.timeout(1000) });
    await res.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

/** A simulator that runs until stopped, and two consumers (the consumer tool's own child processes). */
const ENDLESS = `name: endless
stages:
${simulatorStage("sim", "run:image", { frames: 0, rate: 20 })}
  - name: pair
    kind: consumer
    options: { input-channel: "run:image", n-consumers: 2 }
`;

async function upAndRunning(run: StartedWorkflow): Promise<{ page: string; stages: string[] }> {
  const [, page] = await untilPrinted(run, /^Workflow endless: (http:\S+)/m);
  const stages = stageUrls(run.output());
  assert.equal(stages.length, 3, run.output());
  for (const url of stages) assert.ok(await answers(url), url);
  return { page, stages };
}

async function finishedWithin(run: StartedWorkflow, ms: number) {
  const timer = setTimeout(() => run.proc.kill("SIGKILL"), ms);
  const result = await run.finished;
  clearTimeout(timer);
  return result;
}

Deno.test("workflow run: SIGINT to the runner stops every stage, the consumers' own children too", async () => {
  const run = startWorkflow(ENDLESS);
  const { stages } = await upAndRunning(run);
  run.proc.kill("SIGINT");
  const result = await finishedWithin(run, 30_000);
  assert.equal(result.code, 0, result.output);
  assert.equal(result.summary?.ended, "stop requested");
  assert.match(result.output, /^Summary of workflow endless \(stop requested\):/m);
  assert.deepEqual(result.summary?.stages.map((s) => [s.name, s.exitCode]), [["sim", 0], ["pair", 0]]);
  for (const url of stages) assert.equal(await answers(url), false, `${url} still answers`);
});

Deno.test("workflow run: the workflow page lists the stages, and its stop ends the run", async () => {
  const run = startWorkflow(ENDLESS);
  const { page, stages } = await upAndRunning(run);
  const listed = await (await fetch(new URL("api/workflow", page))).json();
  assert.deepEqual(
    listed.stages.map((s: { name: string; kind: string; url: string }) => [s.name, s.kind, s.url]),
    [["sim", "simulator", stages[0]], ["pair 1", "consumer", stages[1]], ["pair 2", "consumer", stages[2]]],
  );
  // The page's own status is the first stage's, kept current.
  const pageStatus = async () => await (await fetch(new URL("api/status", page))).json();
  assert.equal((await pageStatus()).channelName, "run:image");
  const end = performance.now() + 10_000;
  while ((await pageStatus()).framesPublished === 0) {
    assert.ok(performance.now() < end, "the page's status never moved");
    await new Promise((r) => setTimeout(r, 200));
  }
  const stop = await fetch(new URL("api/stop", page), { method: "POST" });
  assert.deepEqual(await stop.json(), { ok: true, statusMessage: "Stop flag set" });
  const result = await finishedWithin(run, 30_000);
  assert.equal(result.code, 0, result.output);
  assert.equal(result.summary?.ended, "stop requested");
  const sim = result.summary!.stages[0].counts;
  const pair = result.summary!.stages[1];
  // The simulator held its first frame for the pair; it stopped publishing first, frames in flight
  // arrived, and the statuses were read before the stages stopped: exact.
  assert.ok(sim.published > 0);
  assert.equal(pair.source?.unaccounted, 0, result.output);
  for (const url of stages) assert.equal(await answers(url), false, `${url} still answers`);
});

Deno.test("workflow run: a stage that fails to start stops the ones started, exit 1 naming it", async () => {
  const run = startWorkflow(`name: broken
stages:
${simulatorStage("sim", "broken:image", { frames: 0, rate: 10 })}
  - name: bad
    kind: consumer
    options: { input-channel: "broken:image", processor-file: /nonexistent/processor.ts }
`);
  const result = await finishedWithin(run, 40_000);
  assert.equal(result.code, 1, result.output);
  assert.match(result.output, /workflow: stage bad exited \(code 1\) before it was up/);
  assert.match(result.output, /^\[bad\] consumer: .*nonexistent/m);
  for (const url of stageUrls(result.output)) assert.equal(await answers(url), false, `${url} still answers`);
});

Deno.test("workflow tool: a wrong file exits 2 with the path and line; --check prints the start order", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const tool = async (...args: string[]) => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--config", `${ROOT}deno.json`, `${ROOT}scripts/workflow.ts`, ...args],
        stdin: "null",
      }).output();
      const text = (b: Uint8Array) => new TextDecoder().decode(b);
      return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
    };
    await Deno.writeTextFile(
      `${dir}/bad.yaml`,
      `stages:\n${simulatorStage("sim", "x")}`.replace("30", "fast"),
    );
    const bad = await tool("run", `${dir}/bad.yaml`);
    assert.equal(bad.code, 2);
    assert.equal(
      bad.stderr.trim(),
      `${dir}/bad.yaml:6: stages[0].options.frame-rate: --frame-rate wants a number, not 'fast'`,
    );
    await Deno.writeTextFile(`${dir}/ok.yaml`, ENDLESS);
    const check = await tool("run", "--check", `${dir}/ok.yaml`);
    assert.equal(check.code, 0, check.stderr);
    assert.equal(check.stdout, "sim (simulator)\npair (consumer) after sim\n");
    const usage = await tool("start", `${dir}/ok.yaml`);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /usage: workflow run FILE\.yaml/);
    const missing = await tool("run", `${dir}/none.yaml`);
    assert.deepEqual([missing.code, missing.stderr.trim()], [2, `workflow: no file ${dir}/none.yaml`]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
