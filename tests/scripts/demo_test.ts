import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test("the demo runs with the permissions of `deno task demo` and finds every pixel right", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", "--allow-read", "scripts/demo.ts"],
    cwd: ROOT,
    stdin: "null",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, text + new TextDecoder().decode(out.stderr));
  assert.match(text, /get {6}frame 0 in [\d.]+ ms: every pixel matches/);
  assert.match(text, /monitor {2}6 updates \(frames 0\.\.5\)/);
  assert.match(text, /^OK$/m);
});
