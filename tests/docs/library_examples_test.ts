/**
 * Every ```ts block of docs/pvaccess-library.md runs as a program (type-checked, on loopback), so the
 * guide's examples cannot drift from the library.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);
const doc = await Deno.readTextFile(new URL("docs/pvaccess-library.md", ROOT));
const blocks = [...doc.matchAll(/^## (.+)$|^```ts\n([\s\S]*?)^```$/gm)];

let heading = "";
for (const m of blocks) {
  if (m[1] !== undefined) {
    heading = m[1];
    continue;
  }
  const code = m[2].replaceAll('from "./mod.ts"', `from "${new URL("mod.ts", ROOT).href}"`);
  Deno.test(`docs/pvaccess-library.md example runs: ${heading}`, async () => {
    const file = await Deno.makeTempFile({ suffix: ".ts" });
    try {
      await Deno.writeTextFile(file, code);
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--config", new URL("deno.json", ROOT).pathname, "-A", file],
        stdin: "null",
      }).output();
      const text = new TextDecoder();
      assert.equal(out.code, 0, `${text.decode(out.stdout)}\n${text.decode(out.stderr)}`);
      assert.notEqual(text.decode(out.stdout).trim(), "", "the example prints what it shows");
    } finally {
      await Deno.remove(file);
    }
  });
}

Deno.test("docs/pvaccess-library.md has examples", () => {
  assert.ok(blocks.filter((m) => m[2] !== undefined).length >= 5);
});
