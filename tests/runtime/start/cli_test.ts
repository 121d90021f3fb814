import assert from "node:assert/strict";

const SCRIPT = new URL("../../../scripts/start.ts", import.meta.url).pathname;

async function start(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), { args: ["run", "-A", SCRIPT, ...args], stdin: "null" })
    .output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("deno task start: --help lists the options; bad options exit 2 naming the option and value", async () => {
  const help = await start("--help");
  assert.equal(help.code, 0);
  for (const option of ["--runtime", "--frame-rate", "--n-x-pixels", "--n-y-pixels", "--http-port"]) {
    assert.match(help.stdout, new RegExp(option));
  }
  const unknown = await start("--bogus");
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /start: Unknown option '--bogus'/);
  const bad = await start("--frame-rate", "fast");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /start: --frame-rate needs a number, not "fast"/);
  const format = await start("--log-format", "xml");
  assert.equal(format.code, 2);
  assert.match(format.stderr, /start: --log-format must be one of text, json, not "xml"/);
  const stray = await start("extra");
  assert.equal(stray.code, 2);
  assert.match(stray.stderr, /unexpected argument "extra"/);
});
