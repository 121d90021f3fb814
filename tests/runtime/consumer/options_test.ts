import assert from "node:assert/strict";
import { UsageError } from "../../../runtime/cli/args.ts";
import {
  CONSUMER_OPTIONS,
  type ConsumerOptions,
  parseConsumerArgs,
} from "../../../runtime/consumer/options.ts";
import { derivedOidOffset, monitorRequest, usesDistributor } from "../../../runtime/consumer/request.ts";
import { parseRequest } from "../../../protocol/pvdata/pvrequest.ts";
import { parsePermissions } from "../../../runtime/processor/permissions.ts";

function parse(...argv: string[]): ConsumerOptions {
  const o = parseConsumerArgs(argv);
  assert.notEqual(o, "help");
  return o as ConsumerOptions;
}

Deno.test("consumer options: PvaPy's defaults", () => {
  const o = parse("--input-channel", "pvapy:image");
  assert.deepEqual(o.consumerIds, [1]);
  assert.equal(o.inputMode, "pva");
  assert.equal(o.outputMode, "pvas");
  assert.equal(o.serverQueueSize, 0);
  assert.equal(o.receiverQueueSize, -1);
  assert.equal(o.accumulateObjects, -1);
  assert.equal(o.accumulationTimeout, 1);
  assert.equal(o.oidField, "uniqueId");
  assert.equal(o.skipInitialUpdates, 1);
  assert.equal(o.distributorPluginName, "pydistributor");
  assert.equal(o.nDistributorSets, 1);
  assert.deepEqual(o.reportStats, ["receiver", "publisher", "queue", "processor", "user"]);
  assert.deepEqual(o.processorPermissions, []);
  assert.equal(o.processorIsolation, "worker");
});

Deno.test("consumer options: --processor-permissions keeps its grammar (a bare item continues the previous key)", () => {
  const o = parse("-ic", "x", "--processor-permissions", "read=/keys/a.pem,/keys/b.pem,write=/out,npm");
  const p = parsePermissions(o.processorPermissions, "/");
  assert.deepEqual([p.read, p.write, p.npm], [["/keys/a.pem", "/keys/b.pem"], ["/out"], true]);
});

Deno.test("consumer options: metadata channels (PvaPy's -mc) and the association settings", () => {
  assert.deepEqual(parse("-ic", "x").metadata.channels, []);
  const o = parse("-ic", "x", "-mc", "pva://sim:a,motor:b", "--metadata-timestamp-tolerance", "0.01");
  assert.deepEqual(o.metadata.channels, [{ provider: "pva", name: "sim:a" }, {
    provider: "ca",
    name: "motor:b",
  }]);
  assert.equal(o.metadata.tolerance, 0.01);
  assert.throws(() => parse("-ic", "x", "-mc", "ca://"), /^UsageError: consumer: --metadata-channels: /);
});

Deno.test("consumer options: PvaPy's short forms and id lists", () => {
  const o = parse("-ic", "in:*", "-oc", "_", "-sc", "_", "-cc", "_", "-id", "3", "-nc", "2", "-rqs", "100");
  assert.deepEqual(o.consumerIds, [3, 4]);
  assert.equal(o.receiverQueueSize, 100);
  assert.equal(o.outputChannel, "_");
  assert.deepEqual(parse("-ic", "x", "-cid", "range(2,8,3)", "-id", "9").consumerIds, [2, 5]);
  assert.equal(parseConsumerArgs(["-h"]), "help");
  // PvaPy's log level names are accepted.
  assert.equal(parse("-ic", "x", "-ll", "warning").logLevel, "warn");
});

Deno.test("consumer options: every PvaPy long option is known", () => {
  const pvapy = [
    "consumer-id",
    "n-consumers",
    "consumer-id-list",
    "input-channel",
    "input-mode",
    "input-args",
    "output-channel",
    "output-mode",
    "output-args",
    "status-channel",
    "control-channel",
    "id-format-spec",
    "server-queue-size",
    "receiver-queue-size",
    "accumulate-objects",
    "accumulation-timeout",
    "processor-file",
    "processor-class",
    "processor-args",
    "oid-field",
    "oid-offset",
    "field-request",
    "skip-initial-updates",
    "distributor-plugin-name",
    "distributor-group",
    "distributor-set",
    "distributor-trigger",
    "distributor-updates",
    "n-distributor-sets",
    "metadata-channels",
    "runtime",
    "report-period",
    "report-stats",
    "log-level",
    "log-file",
    "disable-curses",
  ];
  const known = new Set(CONSUMER_OPTIONS.map((s) => s.long));
  assert.deepEqual(pvapy.filter((n) => !known.has(n)), []);
});

Deno.test("consumer options: bad input is an error naming the option", () => {
  const cases: [string[], RegExp][] = [
    [[], /--input-channel is required/],
    [["-ic", "x", "--no-such-option"], /--no-such-option/],
    [["-ic", "x", "-im", "ejfat"], /--input-mode must be one of pva, pvas, rpc, not "ejfat"/],
    [["-ic", "x", "-rqs", "-2"], /--receiver-queue-size must be at least -1, not -2/],
    [["-ic", "x", "-pa", "{bad"], /--processor-args is not valid JSON/],
    [["-ic", "x", "-rs", "receiver,bogus"], /--report-stats "bogus"/],
    [["-ic", "x", "-ll", "loud"], /--log-level/],
    [["-ic", "x", "-cid", "1;2"], /id list "1;2"/],
    [["-ic", "x", "stray"], /unexpected argument "stray"/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(
      () => parseConsumerArgs(argv),
      (e) => e instanceof UsageError && message.test(e.message),
      argv.join(" "),
    );
  }
});

Deno.test("monitor request: PvaPy's form, with the field request kept beside the distributor", () => {
  const base = parse("-ic", "x");
  assert.equal(monitorRequest(base), "field()");
  assert.equal(usesDistributor(base), false);
  const dist = parse("-ic", "x", "-sqs", "10", "-dt", "uniqueId", "-du", "2", "-dg", "g1", "-ds", "s1");
  assert.equal(
    monitorRequest(dist),
    "record[queueSize=10]field(_[pydistributor=group:g1;set:s1;trigger:uniqueId;updates:2])",
  );
  const both = parse("-ic", "x", "-fr", "field(value,dimension)", "-dt", "uniqueId", "-dpn", "distributor");
  const text = monitorRequest(both);
  assert.equal(text, "field(uniqueId,value,dimension,_[distributor=trigger:uniqueId])");
  // Our own parser accepts every form we produce.
  for (const o of [base, dist, both]) parseRequest(monitorRequest(o));
});

Deno.test("oid offset: PvaPy's derivation from the distributor settings", () => {
  assert.equal(derivedOidOffset(parse("-ic", "x")), 1);
  assert.equal(derivedOidOffset(parse("-ic", "x", "-nc", "3", "-du", "2")), 5);
  assert.equal(derivedOidOffset(parse("-ic", "x", "-nds", "4", "-ds", "a", "-du", "1")), 4);
  assert.equal(derivedOidOffset(parse("-ic", "x", "-oo", "7", "-du", "2")), 7);
});

Deno.test("consumer options: --gpu-adapter takes high-performance, low-power or fallback", () => {
  assert.equal(parse("-ic", "x").gpuAdapter, undefined);
  assert.equal(parse("-ic", "x", "--gpu-adapter", "fallback").gpuAdapter, "fallback");
  assert.equal(parse("-ic", "x", "--gpu-adapter", "low-power").gpuAdapter, "low-power");
  assert.throws(
    () => parse("-ic", "x", "--gpu-adapter", "fast"),
    /--gpu-adapter.*high-performance, low-power, fallback/,
  );
});
