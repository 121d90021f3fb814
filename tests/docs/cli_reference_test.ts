/** docs/cli.md is what the tools print for --help today: regenerate with `deno task docs:cli`. */
import assert from "node:assert/strict";
import { cliReference } from "../../scripts/cli-reference.ts";
import { TOOLS } from "../../runtime/cli/tools.ts";

Deno.test("docs/cli.md matches every tool's --help (run deno task docs:cli after changing an option)", async () => {
  const file = await Deno.readTextFile(new URL("../../docs/cli.md", import.meta.url));
  const generated = await cliReference();
  if (file !== generated) {
    const a = file.split("\n"), b = generated.split("\n");
    const line = a.findIndex((l, i) => l !== b[i]);
    assert.fail(
      `docs/cli.md is stale from line ${line + 1}: "${a[line]}" vs "${b[line]}"; run deno task docs:cli`,
    );
  }
  for (const tool of TOOLS) assert.match(file, new RegExp(`^## ${tool.name}$`, "m"));
  // Every tool's help shows examples, as issue 11 asks of the command line.
  const sections = file.split(/^## /m).slice(1);
  for (const s of sections) {
    assert.match(s, /^examples:$/im, `no examples in the help of ${s.split("\n")[0]}`);
  }
});

Deno.test("docs/cli.md names no path of this checkout (it must read the same in every clone)", async () => {
  const file = await Deno.readTextFile(new URL("../../docs/cli.md", import.meta.url));
  const root = new URL("../../", import.meta.url).pathname;
  assert.equal(file.includes(root), false, `docs/cli.md mentions ${root}`);
});
