import assert from "node:assert/strict";
import { ControlPV } from "../../../runtime/control/mod.ts";
import { clientOf, startServer } from "../../pva/server/harness.ts";
import { RecordingTarget } from "./recording_target.ts";

Deno.test("control PV: only the members a put wrote count; the PV then holds the outcome", async () => {
  const target = new RecordingTarget();
  const control = new ControlPV({ kind: "collector", id: 2, target });
  using s = await startServer({ "c:control": control.pv });
  const client = clientOf(s.server);
  try {
    await client.put("c:control", { command: "configure", args: '{"collectorCacheSize": 20}' });
    // A configure without args is a configure with none, not a repeat of the previous args.
    await client.put("c:control", { command: "configure" });
    await client.put("c:control", { args: "{}" });
    assert.deepEqual(target.calls, [
      { method: "configure", args: { collectorCacheSize: 20 } },
      { method: "configure", args: {} },
    ]);
    const { value } = await client.get("c:control");
    assert.equal(value.collectorId, 2);
    assert.equal(value.command, "");
    assert.equal(value.args, "{}");
    assert.match(value.statusMessage as string, /no command specified/);
    assert.ok((value.objectTimestamp as { secondsPastEpoch: bigint }).secondsPastEpoch > 1_600_000_000n);
  } finally {
    client.close();
    control.close();
  }
});
