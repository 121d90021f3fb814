/**
 * `deno task compile` cannot be run to the end here (no denort runtime can be downloaded), so this
 * checks everything before that step: each tool's entry point and included files exist, the
 * permission and unstable flags are ones deno compile accepts, and the module graph resolves.
 * With DENORT_BIN set to a real runtime it builds each binary and runs its --help.
 */
import assert from "node:assert/strict";
import { compileArgs, toolCommand, TOOLS, V8_FLAGS } from "../../runtime/cli/tools.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));

Deno.test("the compile task builds every tool through scripts/compile.ts", () => {
  assert.match(config.tasks.compile.command, /scripts\/compile\.ts/);
  const names = TOOLS.map((t) => t.name);
  assert.equal(new Set(names).size, names.length, "tool names are unique");
  // The unstable features the tools are built with are the ones deno.json runs them with.
  for (const u of config.unstable as string[]) {
    for (const t of TOOLS) assert.ok(compileArgs(t, "dist").includes(`--unstable-${u}`), `${t.name}: ${u}`);
  }
});

Deno.test("every way of starting a tool gives it the same V8 settings: binary, task, another tool", () => {
  const root = new URL(`file://${ROOT}`);
  for (const tool of TOOLS) {
    for (const flag of V8_FLAGS) {
      assert.ok(compileArgs(tool, "dist").includes(flag), `compile ${tool.name}`);
      assert.ok(toolCommand(tool, [], root).args.includes(flag), `started by another tool: ${tool.name}`);
    }
  }
  const tasks = Object.values(config.tasks as Record<string, string | { command: string }>)
    .map((t) => typeof t === "string" ? t : t.command);
  for (const tool of TOOLS) {
    const task = tasks.find((t) => t.startsWith("deno run") && t.endsWith(tool.entry));
    assert.ok(task, `a task runs ${tool.entry}`);
    for (const flag of V8_FLAGS) {
      assert.ok(task.split(" ").includes(flag), `the task of ${tool.name}: ${task}`);
    }
  }
});

for (const tool of TOOLS) {
  Deno.test(`deno compile accepts the configuration of ${tool.name}`, async () => {
    for (const f of [tool.entry, ...tool.include]) await Deno.stat(`${ROOT}${f}`);
    const out = await Deno.makeTempDir();
    try {
      const args = compileArgs(tool, out);
      const denort = Deno.env.get("DENORT_BIN");
      const run = await new Deno.Command(Deno.execPath(), {
        args: [args[0], "--no-check", ...args.slice(1)],
        cwd: ROOT,
        env: { DENORT_BIN: denort ?? `${out}/no-denort-here` },
      }).output();
      const stderr = new TextDecoder().decode(run.stderr);
      if (denort === undefined) {
        // Flags parsed and the graph resolved: the only thing missing is the runtime binary.
        assert.equal(run.code, 1, stderr);
        assert.match(stderr, /Could not find denort/, stderr);
      } else {
        assert.equal(run.code, 0, stderr);
        const help = await new Deno.Command(`${out}/${tool.name}`, { args: [...tool.helpArgs[0]] }).output();
        assert.equal(help.code, 0, new TextDecoder().decode(help.stderr));
      }
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  });
}
