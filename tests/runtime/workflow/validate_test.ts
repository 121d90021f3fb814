import assert from "node:assert/strict";
import fc from "fast-check";
import { parseWorkflow, WorkflowError } from "../../../runtime/workflow/mod.ts";

/** The issues of an invalid file as "line path: message" strings. */
function problems(text: string, root?: URL): string[] {
  try {
    parseWorkflow(text, { file: "w.yaml", root });
  } catch (e) {
    if (!(e instanceof WorkflowError)) throw e;
    assert.match(e.message, /^w\.yaml:/);
    return e.issues.map((i) => `${i.line} ${i.path}: ${i.message}`);
  }
  throw new Error("the file was accepted");
}

const SIM = `  - name: sim
    kind: simulator
    options: { channel-name: "w:image" }
`;

Deno.test("workflow file: YAML syntax errors give their line", () => {
  const [p] = problems("stages:\n  - name: sim\n    options: [1, 2\n");
  assert.equal(p, "4 : Flow sequence in block collection must be sufficiently indented and end with a ]");
});

Deno.test("workflow file: every problem named by its YAML path and line, all at once", () => {
  const text = `name: w
colour: blue
stages:
${SIM}  - name: consumer
    kind: consumer
    after: [nobody]
    options:
      input-channel: w:image
      receiver-queue-size: many
      bogus-option: 3
  - name: odd
    kind: detector
  - name: sim
    kind: mirror
    options: { channel-map: "(m,w:image)", http-port: -1 }
`;
  assert.deepEqual(problems(text), [
    "2 colour: unknown key (known: name, http-port, runtime, stop-grace, start-timeout, settle, stages)",
    // The tool's parser stops at the first bad option of a stage.
    "13 stages[1].options.bogus-option: Unknown option '--bogus-option'",
    '15 stages[2].kind: expected one of simulator, consumer, collector, mirror, not "detector"',
    '16 stages[3].name: "sim" is taken',
    "18 stages[3].options.http-port: expected an integer 0..65535, not -1",
  ]);
  // With the first bad option gone, the next one; and the names in `after`, once the stage reads well.
  const second = text.replace("      bogus-option: 3\n", "");
  assert.equal(
    problems(second)[1],
    '12 stages[1].options.receiver-queue-size: --receiver-queue-size needs a number, not "many"',
  );
  assert.equal(problems(second.replace("many", "4"))[1], '9 stages[1].after[0]: no stage is named "nobody"');
  // A channel served by two stages.
  const twice =
    `stages:\n${SIM}  - name: m\n    kind: mirror\n    options: { channel-map: "(w:image,elsewhere)" }\n`;
  assert.deepEqual(problems(twice), ['5 stages[1]: serves w:image, which stage "sim" serves too']);
});

Deno.test("workflow file: an unknown option's path and line, wherever the stage is (property)", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 5 }), fc.constantFrom("fast", "1e", "[x]"), (before, bad) => {
      const filler = Array.from({ length: before }, (_, i) =>
        `  - name: s${i}\n    kind: simulator\n` +
        `    options: { channel-name: "c${i}" }\n`).join("");
      const text = `stages:\n${filler}  - name: late\n    kind: simulator\n    options:\n` +
        `      channel-name: late\n      frame-rate: "${bad}"\n`;
      const [p] = problems(text);
      const line = 2 + 3 * before + 4;
      assert.equal(
        p,
        `${line} stages[${before}].options.frame-rate: --frame-rate wants a number, not '${bad}'`,
      );
    }),
    { numRuns: 30 },
  );
});

Deno.test("workflow file: stages start after what serves their inputs, whatever the file's order", () => {
  const spec = parseWorkflow(`stages:
  - name: pusher
    kind: consumer
    options: { input-channel: m:image, output-mode: pva, output-channel: sink:in }
  - name: sink
    kind: consumer
    options: { input-channel: sink:in, input-mode: pvas, processor-permissions: [read=/tmp, env=HOME] }
  - name: mirror
    kind: mirror
    options: { channel-map: "(m:image,w:image)" }
${SIM}  - name: pair
    kind: consumer
    options: { input-channel: w:image, n-consumers: 2, distributor-updates: 1, output-channel: "out:*" }
`);
  assert.deepEqual(spec.stages.map((s) => s.name), ["sink", "sim", "mirror", "pusher", "pair"]);
  const byName = Object.fromEntries(spec.stages.map((s) => [s.name, s]));
  assert.deepEqual(byName.pusher.dependsOn.toSorted(), ["mirror", "sink"]);
  assert.deepEqual(byName.sink.argv, [
    "--input-channel=sink:in",
    "--input-mode=pvas",
    "--processor-permissions=read=/tmp,env=HOME",
  ]);
  // The simulator holds its first frame until the mirror's monitor, the pair's two and the runner's have started.
  assert.deepEqual(byName.sim.argv, ["--channel-name=w:image", "--wait-for-subscribers=4"]);
  assert.equal(byName.sim.releasedByRunner, true);
  assert.deepEqual(byName.pair.labels, ["pair 1", "pair 2"]);
  assert.deepEqual(byName.pair.serves, ["out:1", "out:2"]);
  assert.equal(byName.pair.distribution, "shared");
  assert.deepEqual([spec.httpPort, spec.runtime, spec.stopGrace, spec.startTimeout, spec.settle], [
    0,
    0,
    5,
    60,
    5,
  ]);
});

Deno.test("workflow file: a simulator's own --wait-for-subscribers is kept", () => {
  const spec = parseWorkflow(`stages:
  - { name: sim, kind: simulator, options: { channel-name: w:image, wait-for-subscribers: 0 } }
  - { name: c, kind: consumer, options: { input-channel: w:image } }
`);
  assert.deepEqual(spec.stages[0].argv, ["--channel-name=w:image", "--wait-for-subscribers=0"]);
  assert.equal(spec.stages[0].releasedByRunner, false);
});

Deno.test("workflow file: stages waiting for each other in a circle are refused", () => {
  const [p] = problems(`stages:
  - { name: a, kind: mirror, options: { channel-map: "(a:out,b:out)" } }
  - { name: b, kind: mirror, options: { channel-map: "(b:out,a:out)" } }
`);
  assert.equal(p, "1 stages: stages wait for each other in a circle: a, b");
});

Deno.test("workflow file: a kind whose tool this checkout lacks is named with the script it needs", () => {
  const empty = new URL(`file://${Deno.makeTempDirSync()}/`);
  try {
    assert.deepEqual(problems(`stages:\n${SIM}`, empty), [
      "3 stages[0].kind: simulator stages need scripts/ad-sim-server.ts, which is not here",
    ]);
  } finally {
    Deno.removeSync(empty, { recursive: true });
  }
});
