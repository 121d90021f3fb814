/** docs/migration.md names only options our tools accept: each is checked against the tool's --help in docs/cli.md. */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);
const migration = await Deno.readTextFile(new URL("docs/migration.md", ROOT));
const cli = await Deno.readTextFile(new URL("docs/cli.md", ROOT));

/** The text of a `## heading` section of a markdown file. */
function section(text: string, heading: string): string {
  const start = text.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `no section ${heading}`);
  const end = text.indexOf("\n## ", start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

const options = (text: string) => new Set([...text.matchAll(/--[a-z][a-z-]*[a-z]/g)].map((m) => m[0]));

const SECTIONS = [
  ["Consumer options", "consumer"],
  ["Collector options", "collector"],
  ["Simulator options", "ad-sim-server"],
  ["Mirror options", "mirror"],
];
for (const [guide, tool] of SECTIONS) {
  Deno.test(`docs/migration.md "${guide}": every option named is one ${tool} accepts`, () => {
    const named = options(section(migration, guide));
    const accepted = options(section(cli, tool));
    assert.ok(named.size >= 3);
    const unknown = [...named].filter((o) => !accepted.has(o));
    assert.deepEqual(unknown, [], `${tool} does not accept ${unknown.join(", ")}`);
  });
}
