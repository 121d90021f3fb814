/**
 * Metadata with a collector: the simulator's `--metadata-pv` channel, matched by time stamp to the
 * frames the collector puts back in order after two distributed consumers, each collected frame
 * carrying exactly its own value.
 */
import assert from "node:assert/strict";
import { metadataValue } from "../../../runtime/simulator/metadata_pvs.ts";
import { simulatedRun } from "./simulated_run.ts";

Deno.test("collector --metadata-channels: every collected frame carries its own value", async () => {
  const seen: { id: number; value: unknown }[] = [];
  const { stats, collector: c } = await simulatedRun(
    { metadataPv: "pva://sim:meta:a", runtime: 5 },
    ["-siu", "0", "-sqs", "200", "-mc", "pva://sim:meta:a"],
    (f) => seen.push({ id: f.uniqueId, value: f.attributes["sim:meta:a"] }),
  );
  const published = stats.framesPublished;
  assert.ok(seen.length > published / 2, `${seen.length} of ${published} frames collected`);
  // The collector joins mid-stream: its first frames may be older than the first metadata value
  // it receives, and go unmatched; from the first match on, every frame carries its own value.
  const first = seen.findIndex((f) => f.value !== undefined);
  assert.ok(first >= 0 && first <= 3, `frames before the first match: ${first}`);
  for (const { id, value } of seen.slice(first)) assert.equal(value, metadataValue(id, 1), `frame ${id}`);
  const block = c.status.metadataStats_1 as unknown as {
    channel: string;
    associationStats: { nMatched: number; nUnmatched: number };
  };
  assert.equal(block.channel, "sim:meta:a");
  assert.equal(block.associationStats.nMatched, seen.length - first);
  assert.equal(block.associationStats.nUnmatched, first);
});
