import assert from "node:assert/strict";
import { silentLogger } from "../../../protocol/log.ts";
import { runChildren } from "../../../runtime/consumer/multi.ts";

const deno = Deno.execPath();
const child = (id: number, code: string) => ({ id, command: deno, args: ["eval", code] });
const FOREVER = `Deno.addSignalListener("SIGTERM", () => { console.log("told to stop"); Deno.exit(0); });
console.log("up");
setInterval(() => {}, 1000);`;

Deno.test("children: output is prefixed by id; one child ending well stops the others", async () => {
  const lines: string[] = [];
  const t0 = performance.now();
  const status = await runChildren([
    child(1, `console.log("a\\nb"); await new Promise((r) => setTimeout(r, 1500)); console.log("stop");`),
    child(2, FOREVER),
  ], { logger: silentLogger, write: (l) => lines.push(l) });
  assert.equal(status, 0);
  assert.ok(performance.now() - t0 < 10_000);
  for (
    const l of [
      "[consumer 1] a",
      "[consumer 1] b",
      "[consumer 1] stop",
      "[consumer 2] up",
      "[consumer 2] told to stop",
    ]
  ) {
    assert.ok(lines.includes(l), `${l} in ${JSON.stringify(lines)}`);
  }
});

Deno.test("children: a crash is reported and does not stop the others; abort stops all", async () => {
  const errors: string[] = [];
  const logger = {
    ...silentLogger,
    error: (m: string, f?: Record<string, unknown>) => errors.push(`${m} ${JSON.stringify(f)}`),
  };
  const ctl = new AbortController();
  const lines: string[] = [];
  const done = runChildren([child(1, "Deno.exit(3)"), child(2, FOREVER)], {
    logger,
    signal: ctl.signal,
    write: (l) => lines.push(l),
  });
  while (!lines.includes("[consumer 2] up") || errors.length === 0) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.match(errors[0], /consumer exited .*"consumer":1,"code":3/);
  ctl.abort();
  assert.equal(await done, 3);
  assert.ok(lines.includes("[consumer 2] told to stop"));
});
