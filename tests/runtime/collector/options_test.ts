/** The collector's command line: PvaPy's options, names, short forms and defaults; errors name the option. */
import assert from "node:assert/strict";
import { helpText, UsageError } from "../../../runtime/cli/args.ts";
import {
  COLLECTOR_OPTIONS,
  type CollectorOptions,
  parseCollectorArgs,
} from "../../../runtime/collector/options.ts";

function parse(...argv: string[]): CollectorOptions {
  const o = parseCollectorArgs(argv);
  assert.notEqual(o, "help");
  return o as CollectorOptions;
}

Deno.test("collector options: PvaPy's defaults", () => {
  const o = parse("-ic", "pvapy:consumer:*:output");
  assert.deepEqual(
    [o.collectorId, o.producerIds, o.collectorCacheSize, o.oidOffset, o.oidField, o.skipInitialUpdates],
    [1, [1, 2], -1, 1, "uniqueId", 1],
  );
  assert.deepEqual([o.serverQueueSize, o.receiverQueueSize, o.runtime, o.reportPeriod], [0, -1, 0, 0]);
  assert.deepEqual([o.outputChannel, o.statusChannel, o.controlChannel], [undefined, undefined, undefined]);
  assert.equal(o.collectorIdleTime, 5);
  assert.equal(o.httpPort, -1);
});

Deno.test("collector options: PvaPy's short forms and id lists", () => {
  const o = parse(
    "-id",
    "3",
    "-pid",
    "range(1,7,2)",
    "-ic",
    "det:*:out",
    "-ifs",
    "02d",
    "-ccs",
    "50",
    "-rqs",
    "100",
    "-sqs",
    "8",
    "-oo",
    "2",
    "-siu",
    "0",
    "-oc",
    "_",
    "-sc",
    "_",
    "-cc",
    "_",
    "-pa",
    '{"x": 1}',
    "-rt",
    "30",
    "-rp",
    "5",
    "-ll",
    "warning",
    "-dc",
  );
  assert.deepEqual(o.producerIds, [1, 3, 5]);
  assert.deepEqual([o.collectorId, o.idFormatSpec, o.collectorCacheSize, o.receiverQueueSize], [
    3,
    "02d",
    50,
    100,
  ]);
  assert.deepEqual([o.serverQueueSize, o.oidOffset, o.skipInitialUpdates, o.runtime, o.reportPeriod], [
    8,
    2,
    0,
    30,
    5,
  ]);
  assert.deepEqual(o.processorArgs, { x: 1 });
  assert.equal(o.logLevel, "warn");
  assert.deepEqual(parse("-ic", "x", "-pid", "4,2,9").producerIds, [4, 2, 9]);
});

Deno.test("collector options: wrong command lines name the option", () => {
  const cases: [string[], RegExp][] = [
    [[], /--input-channel is required/],
    [["-ic", "x", "-pid", "1,1"], /names a producer twice/],
    [["-ic", "x", "-pid", "one"], /id list "one"/],
    [["-ic", "x", "-ccs", "big"], /--collector-cache-size needs a number/],
    [["-ic", "x", "--collector-idle-time", "0"], /--collector-idle-time must be/],
    [["-ic", "x", "--n-consumers", "2"], /n-consumers/],
    [["-ic", "x", "extra"], /unexpected argument "extra"/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(() => parseCollectorArgs(argv), (e) => {
      assert.ok(e instanceof UsageError, String(e));
      assert.match(e.message, message);
      return true;
    });
  }
  assert.equal(parseCollectorArgs(["--help"]), "help");
});

Deno.test("collector help lists every PvaPy collector option with its short form", () => {
  const text = helpText("collector", "", COLLECTOR_OPTIONS);
  const pvapy = [
    "-id, --collector-id",
    "-pid, --producer-id-list",
    "-ic, --input-channel",
    "-oc, --output-channel",
    "-sc, --status-channel",
    "-cc, --control-channel",
    "-ifs, --id-format-spec",
    "-sqs, --server-queue-size",
    "-rqs, --receiver-queue-size",
    "-ccs, --collector-cache-size",
    "-pf, --processor-file",
    "-pc, --processor-class",
    "-pa, --processor-args",
    "-of, --oid-field",
    "-oo, --oid-offset",
    "-fr, --field-request",
    "-siu, --skip-initial-updates",
    "-mc, --metadata-channels",
    "-rt, --runtime",
    "-rp, --report-period",
    "-rs, --report-stats",
    "-ll, --log-level",
    "-lf, --log-file",
    "-dc, --disable-curses",
  ];
  for (const option of pvapy) assert.ok(text.includes(option), option);
  assert.match(text, /pvapy:collector:<id>:output/);
});
