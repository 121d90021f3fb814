/**
 * `deno task compile [TOOL...]`: builds each tool (all of them by default) into `dist/` as a
 * single executable with the permissions and unstable features it needs (runtime/cli/tools.ts).
 * Processors are still loaded from files at run time and still sandboxed.
 *
 * `deno compile` needs a runtime binary (denort) for the target; without network access to
 * dl.deno.land, point DENORT_BIN at one you copied in.
 *
 * @module
 */
import { compileArgs, TOOLS } from "../runtime/cli/tools.ts";

async function main(names: string[]): Promise<number> {
  const unknown = names.filter((n) => !TOOLS.some((t) => t.name === n));
  if (unknown.length > 0) {
    console.error(
      `compile: unknown tool ${unknown.join(", ")} (tools: ${TOOLS.map((t) => t.name).join(", ")})`,
    );
    return 2;
  }
  const root = new URL("../", import.meta.url).pathname;
  for (const tool of TOOLS.filter((t) => names.length === 0 || names.includes(t.name))) {
    const args = compileArgs(tool, "dist");
    console.error(`deno ${args.join(" ")}`);
    const { code } = await new Deno.Command(Deno.execPath(), { args, cwd: root }).output();
    if (code !== 0) {
      console.error(
        `compile: building ${tool.name} failed (exit ${code}). Without network access to dl.deno.land, ` +
          "set DENORT_BIN to a denort binary of the same Deno version.",
      );
      return 1;
    }
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
