/**
 * `consumer --access-rules FILE`: the control channel takes commands only from the users the rules name,
 * the status and output channels stay read-only whatever the rules grant, and a wrong rules file stops
 * the tool (the consumer, and the collector, which reads the same option) with its line. Real p4p and pvapy clients present the users daemon and nobody.
 */
import assert from "node:assert/strict";
import { requirePeers, runPython } from "../../interop/peers.ts";
import { within } from "../../support/within.ts";
import { subscribed } from "./harness.ts";
import { ended, ROOT, spawnTool, withSource } from "./subprocess.ts";

/** Everyone may write by DEFAULT (to show that outputs stay read-only); only daemon may command. */
const RULES = `
UAG(operators) { daemon }
ASG(DEFAULT) { RULE(1, WRITE) }
ASG(control) {
  CHANNEL("*:control")
  RULE(1, READ)
  RULE(1, WRITE) { UAG(operators) }
}
`;
const DAEMON = 1;
const NOBODY = 65534;
const CONTROL = "pvapy:consumer:1:control";

/** Runs `body` with the rules in a temporary file, removed afterwards. */
async function withRulesFile(text: string, body: (path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "pvastream-acf-" });
  try {
    await Deno.writeTextFile(`${dir}/rules.acf`, text);
    await body(`${dir}/rules.acf`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const consumerArgs = (rules: string) => [
  `${ROOT}scripts/consumer.ts`,
  ...["-ic", "det:image", "-sc", "_", "-cc", "_", "-oc", "_", "--access-rules", rules],
];

/** The error a peer script reported, or "" when it succeeded. */
const errorOf = (r: { documents: unknown[] }) => String((r.documents[0] as { error?: string })?.error ?? "");

Deno.test({
  name:
    "consumer --access-rules: nobody's stop is refused, outputs stay read-only, daemon's stop ends the run",
  ignore: !requirePeers("consumer access rules with p4p and pvapy"),
  fn: async () => {
    await withRulesFile(RULES, async (rules) => {
      await withSource(async ({ pv, env }) => {
        const tool = spawnTool(consumerArgs(rules), env);
        try {
          await subscribed(pv, 1);
          const command = JSON.stringify({ command: "stop" });
          const refused = await runPython("p4p_client.py", ["put", CONTROL, command], { env, uid: NOBODY });
          assert.match(errorOf(refused), /put access to pvapy:consumer:1:control denied for nobody@/);
          const status = await runPython("p4p_client.py", ["put", "pvapy:consumer:1:status", "{}"], {
            env,
            uid: DAEMON,
          });
          assert.match(errorOf(status), /pvapy:consumer:1:status is read-only/);
          const output = await runPython("pvapy_client.py", ["put", "pvapy:consumer:1:output", "1"], {
            env,
            uid: DAEMON,
          });
          assert.match(errorOf(output), /pvapy:consumer:1:output is read-only/);
          assert.equal(pv.subscribers().length, 1, "the consumer still runs after the refused stop");

          const stopped = await runPython("pvapy_client.py", ["put", CONTROL, command], { env, uid: DAEMON });
          assert.equal(errorOf(stopped), "", stopped.stderr);
          assert.equal(await within(tool.exited, 20_000, "the consumer to stop"), 0, tool.output());
        } finally {
          await ended(tool);
        }
      });
    });
  },
});

const collectorArgs = (rules: string) => [
  `${ROOT}scripts/collector.ts`,
  ...["-ic", "det:*:output", "-sc", "_", "-cc", "_", "--access-rules", rules],
];

Deno.test("consumer and collector --access-rules with a mistake exit at once naming the file and the line", async () => {
  await withRulesFile("ASG(DEFAULT) {\n  RULE(1, EVERYTHING)\n}\n", async (rules) => {
    await withSource(async ({ env }) => {
      for (const [name, args] of [["consumer", consumerArgs], ["collector", collectorArgs]] as const) {
        const tool = spawnTool(args(rules), env);
        try {
          assert.equal(await within(tool.exited, 20_000, `the ${name} to exit`), 1, name);
          assert.match(
            tool.output(),
            /--access-rules .*rules\.acf: access rules line 2: rule access must be/,
          );
        } finally {
          await ended(tool);
        }
      }
    });
  });
});
