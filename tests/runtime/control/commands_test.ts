import assert from "node:assert/strict";
import { parseConfigureArgs, parseConfigureText, runCommand } from "../../../runtime/control/mod.ts";
import { RecordingTarget } from "./recording_target.ts";

Deno.test("commands: PvaPy's status messages and the target's methods", async () => {
  const target = new RecordingTarget();
  assert.deepEqual(await runCommand(target, "configure", '{"receiverQueueSize": 5, "gain": 2}'), {
    ok: true,
    statusMessage: "Configuration successful",
  });
  assert.deepEqual(await runCommand(target, "reset_stats", ""), {
    ok: true,
    statusMessage: "Stats reset successful",
  });
  assert.deepEqual(await runCommand(target, "get_stats", ""), {
    ok: true,
    statusMessage: "Stats update successful",
  });
  assert.deepEqual(await runCommand(target, "stop", ""), { ok: true, statusMessage: "Stop flag set" });
  assert.deepEqual(target.calls, [
    { method: "configure", args: { receiverQueueSize: 5, gain: 2 } },
    { method: "resetStats" },
    { method: "getStats" },
    { method: "stop" },
  ]);
});

Deno.test("commands: unknown commands and bad args are explained, never thrown", async () => {
  const target = new RecordingTarget();
  const unknown = await runCommand(target, "restart", "");
  assert.equal(unknown.ok, false);
  assert.match(
    unknown.statusMessage,
    /unrecognized command "restart".*configure, reset_stats, get_stats, stop/,
  );
  assert.match((await runCommand(target, "", "")).statusMessage, /no command specified/);
  const notJson = await runCommand(target, "configure", "{receiverQueueSize: 5");
  assert.match(notJson.statusMessage, /^Configuration failed: args is not JSON/);
  const negative = await runCommand(target, "configure", '{"receiverQueueSize": -3}');
  assert.match(negative.statusMessage, /^Configuration failed: receiverQueueSize: /);
  const array = await runCommand(target, "configure", "[1, 2]");
  assert.match(array.statusMessage, /^Configuration failed: body: /);
  const refused = await runCommand(target, "configure", '{"refuse": "threshold out of range"}');
  assert.deepEqual(refused, { ok: false, statusMessage: "Configuration failed: threshold out of range" });
  assert.deepEqual(target.calls, []);
});

Deno.test("configure args: runtime keys validated, other keys passed on", () => {
  assert.deepEqual(parseConfigureText(""), {});
  assert.deepEqual(parseConfigureArgs({ nSequentialUpdates: 2, collectorCacheSize: -1, x: "y" }), {
    nSequentialUpdates: 2,
    collectorCacheSize: -1,
    x: "y",
  });
  assert.throws(() => parseConfigureArgs({ nSequentialUpdates: 0 }), /nSequentialUpdates/);
  assert.throws(() => parseConfigureArgs({ skipInitialUpdates: 1.5 }), /skipInitialUpdates/);
  assert.throws(() => parseConfigureArgs({ objectIdOffset: "3" }), /objectIdOffset/);
  assert.throws(() => parseConfigureArgs({ collectorCacheSize: -2 }), /collectorCacheSize/);
});
