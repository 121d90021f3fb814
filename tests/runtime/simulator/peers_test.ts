/**
 * Real clients reading our simulator: p4p (pvxs) and pvapy (pvAccessCPP) monitor the frames channel on
 * loopback and must see PvaPy's dimension order, the pixel type and values, ColorMode, uniqueIds in
 * sequence and timeStamp == dataTimeStamp; PvaPy's own pvapy-hpc-consumer must process every frame.
 */
import assert from "node:assert/strict";
import { configFromEnv, NDARRAY_MEMBERS } from "../../../mod.ts";
import { frameDims } from "../../../runtime/simulator/frame.ts";
import { generatedFrames } from "../../../runtime/simulator/generated.ts";
import { type SimColorMode, type SimDatatype, Simulator } from "../../../runtime/simulator/mod.ts";
import { dirname } from "node:path";
import { epicsEnv, freePorts, peerPython, requirePeers, runPython } from "../../interop/peers.ts";

const IGNORE = !requirePeers("simulator read by p4p and pvapy");

interface PeerFrame {
  value: { name: string; value: number[] };
  dimension: { size: number }[];
  uniqueId: number;
  attribute: { name: string; value: { type: string; value: number } }[];
  timeStamp: unknown;
  dataTimeStamp: unknown;
  compressedSize: number | bigint;
}

async function readWith(script: string, datatype: SimDatatype, colorMode: SimColorMode): Promise<void> {
  const ports = freePorts();
  const env = epicsEnv(ports);
  const settings = { nx: 5, ny: 3, datatype, colorMode, minimum: 0, maximum: 100, nFrames: 4 } as const;
  const sim = new Simulator({
    ...settings,
    channelName: "sim:peer",
    frameRate: 50,
    runtime: 0,
    startDelay: 0,
    shutdownDelay: 0,
    reportPeriod: 0,
    config: configFromEnv(env),
  });
  await sim.start();
  try {
    const what = `${script} ${datatype} mode ${colorMode}`;
    const result = await runPython(script, ["monitor", "sim:peer", "--count", "4", "--timeout", "15"], {
      env,
    });
    assert.equal(result.code, 0, `${what}: ${result.stdout}${result.stderr}`);
    const frames = result.documents.map((d) => (d as { value: PeerFrame }).value).filter((f) =>
      f.uniqueId > 0
    );
    assert.ok(frames.length >= 3, `${what}: ${frames.length} frames`);
    const expected = generatedFrames({ ...settings, count: 4 });
    const elements = 5 * 3 * (colorMode === 0 ? 1 : 3);
    frames.forEach((f, i) => {
      assert.equal(f.uniqueId, frames[0].uniqueId + i, `${what}: uniqueIds in sequence`);
      assert.deepEqual(f.dimension.map((d) => d.size), frameDims(5, 3, colorMode), what);
      assert.equal(f.value.name, NDARRAY_MEMBERS[datatype], what);
      assert.deepEqual(f.value.value, [...expected.frame((f.uniqueId - 1) % 4).data], `${what}: pixels`);
      assert.equal(Number(f.compressedSize), elements * expected.frame(0).data.BYTES_PER_ELEMENT);
      assert.deepEqual(f.timeStamp, f.dataTimeStamp, what);
      assert.equal(f.attribute.length, 1);
      assert.equal(f.attribute[0].name, "ColorMode");
      assert.equal(f.attribute[0].value.value, colorMode, what);
      // p4p hides the type inside an any (its client script infers "l" for every int); pvapy shows it.
      if (script === "pvapy_client.py") assert.equal(f.attribute[0].value.type, "i", `${what}: int32`);
    });
  } finally {
    await sim.stop();
  }
}

for (const script of ["p4p_client.py", "pvapy_client.py"]) {
  Deno.test({ name: `${script} reads frames from our simulator`, ignore: IGNORE }, async () => {
    await readWith(script, "uint8", 0);
    await readWith(script, "int16", 2);
    await readWith(script, "float32", 3);
    await readWith(script, "uint32", 4);
  });
}

/** The last value of `key` in the consumer's printed stats (`'nProcessed': 401`). */
function lastStat(text: string, key: string): number {
  const all = [...text.matchAll(new RegExp(`'${key}': (\\d+)`, "g"))];
  assert.ok(all.length > 0, `no ${key} in:\n${text}`);
  return Number(all[all.length - 1][1]);
}

Deno.test({ name: "pvapy-hpc-consumer processes every frame of our simulator", ignore: IGNORE }, async () => {
  const ports = freePorts();
  const env = epicsEnv(ports);
  const sim = new Simulator({
    channelName: "sim:consumed",
    frameRate: 200,
    runtime: 1,
    nx: 64,
    ny: 64,
    nFrames: 10,
    startDelay: 2,
    shutdownDelay: 2,
    reportPeriod: 0,
    config: configFromEnv(env),
  });
  await sim.start();
  const consumerBin = `${dirname(peerPython()!)}/pvapy-hpc-consumer`;
  // The consumer hosts its own status and output channels: give its server another TCP port.
  const consumer = new Deno.Command(consumerBin, {
    args: ["-ic", "sim:consumed", "-rt", "5", "-rp", "10", "-dc"],
    env: { ...env, EPICS_PVAS_SERVER_PORT: String(freePorts().tcp) },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
  const [out, stats] = await Promise.all([consumer.output(), sim.finished]);
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, text + new TextDecoder().decode(out.stderr));
  assert.equal(stats.framesPublished, 201);
  assert.equal(stats.notDeliveredQueuesFull, 0);
  // The consumer may connect after the first frames; from then on it must see every one.
  const first = lastStat(text, "firstObjectId");
  assert.equal(first, stats.notDeliveredNoSubscriber + 1);
  assert.equal(lastStat(text, "lastObjectId"), 201);
  assert.equal(lastStat(text, "nProcessed"), 201 - first + 1);
  assert.equal(lastStat(text, "nMissed"), 0);
});
