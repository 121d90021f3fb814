/**
 * The consumer starts without the HTTP API (Hono, the dashboard), the configure schema (zod) and
 * the codecs (Blosc's npm packages) in memory: they are loaded when `--http-port`, a `configure`
 * or a compressed frame asks for them. Statically imported, they made up about 25 MiB of an idle
 * consumer's resident memory (docs/performance.md).
 */
import assert from "node:assert/strict";

interface GraphModule {
  specifier: string;
  dependencies?: { isDynamic?: boolean; code?: { specifier?: string } }[];
}

/** Every module reachable from `root` through static imports. */
async function staticGraph(root: string): Promise<Set<string>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", root],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    roots: string[];
    modules: GraphModule[];
  };
  const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const todo = [...info.roots];
  for (let s = todo.pop(); s !== undefined; s = todo.pop()) {
    if (seen.has(s)) continue;
    seen.add(s);
    for (const d of bySpecifier.get(s)?.dependencies ?? []) {
      if (!d.isDynamic && d.code?.specifier) todo.push(d.code.specifier);
    }
  }
  return seen;
}

Deno.test("consumer: the HTTP API and npm packages (Hono, zod, Blosc's zlib and zstd) are not in the static module graph", async () => {
  const root = new URL("../../../scripts/consumer.ts", import.meta.url).href;
  const graph = await staticGraph(root);
  assert.ok(graph.has(new URL("../../../runtime/consumer/consumer.ts", import.meta.url).href));
  const heavy = [...graph].filter((s) =>
    s.startsWith("npm:") || s.includes("/runtime/http/") ||
    s === new URL("../../../mod.ts", import.meta.url).href
  );
  assert.deepEqual(heavy, []);
});
