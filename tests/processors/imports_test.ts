/**
 * The built-in processors use the public processor API and nothing else of the library: the
 * processor folder's module (runtime/processor/mod.ts), pvData, the normative types and the codecs,
 * their own helpers beside them, and npm packages from the import map. Not the root mod.ts, which
 * pulls in the HTTP API's npm packages that a child-process sandbox without the npm grant cannot load.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);
const ALLOWED = [
  "runtime/processor/mod.ts",
  "protocol/pvdata/mod.ts",
  "protocol/nt/mod.ts",
  "protocol/codecs/mod.ts",
];
const importMap = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT))).imports as Record<
  string,
  string
>;

async function* sources(dir: URL): AsyncGenerator<URL> {
  for await (const e of Deno.readDir(dir)) {
    if (e.isDirectory) yield* sources(new URL(`${e.name}/`, dir));
    else if (e.name.endsWith(".ts")) yield new URL(e.name, dir);
  }
}

Deno.test("processors import only the processor API, pvData, NT, codecs, their own helpers and mapped npm packages", async () => {
  const processors = new URL("processors/", ROOT);
  const wrong: string[] = [];
  let files = 0;
  for await (const file of sources(processors)) {
    files++;
    const text = await Deno.readTextFile(file);
    // Code only: the examples in JSDoc comments show users the root module, which is right for them.
    const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
    for (const m of code.matchAll(/(?:^|\n)\s*(?:import|export)\b[^"']*?from\s+["']([^"']+)["']/g)) {
      const spec = m[1];
      if (spec in importMap) continue;
      const target = new URL(spec, file).href;
      const inside = target.startsWith(processors.href);
      const allowed = ALLOWED.some((a) => target === new URL(a, ROOT).href);
      if (!inside && !allowed) wrong.push(`${file.pathname.slice(ROOT.pathname.length)} imports ${spec}`);
    }
  }
  assert.ok(files > 20, `${files} processor files`);
  assert.deepEqual(wrong, []);
});
