/** The frame path end to end on our own server and client: monitor → frame → sandbox → NTNDArray → post. */
import assert from "node:assert/strict";
import { frameFromNTNDArray, frameToNTNDArray, isFrame, ntNDArray, SharedPV } from "../../../mod.ts";
import { clientOf, nextData, startServer } from "../../pva/server/harness.ts";
import { withHost } from "./helpers.ts";

const passthrough = new URL("../../../processors/passthrough.ts", import.meta.url).pathname;

function image(uniqueId: number) {
  return ntNDArray({
    data: new Uint16Array(64 * 32).map((_, i) => i * uniqueId),
    dims: [64, 32],
    uniqueId,
    timeStamp: { secondsPastEpoch: 1_700_000_000n + BigInt(uniqueId), nanoseconds: uniqueId, userTag: 0 },
    dataTimeStamp: { secondsPastEpoch: 1_600_000_000n, nanoseconds: uniqueId, userTag: 0 },
  });
}

Deno.test("received frames cross the sandbox without copies and are published with their own id and stamps", async () => {
  const input = new SharedPV();
  input.open(image(1));
  const output = new SharedPV();
  using srv = await startServer({ "test:in": input, "test:out": output });
  const client = clientOf(srv.server);
  try {
    await withHost({ file: passthrough }, async (host) => {
      const inSub = client.monitor("test:in");
      let outSub: ReturnType<typeof client.monitor> | undefined;
      for (let id = 1; id <= 3; id++) {
        if (id > 1) input.post(image(id).value);
        const ev = await nextData(inSub);
        const frame = frameFromNTNDArray({ type: ev.type, value: ev.value });
        const received = frame.data.buffer;
        const [out] = await host.process(frame);
        assert.equal(received.byteLength, 0, "the received message's buffer moved to the worker");
        assert.ok(isFrame(out));
        const nt = frameToNTNDArray(out);
        if (id === 1) {
          output.open(nt);
          outSub = client.monitor("test:out");
        } else output.post(nt.value);
        const published = frameFromNTNDArray(
          await nextData(outSub!).then((e) => ({ type: e.type, value: e.value })),
        );
        const want = frameFromNTNDArray(image(id));
        assert.deepEqual(published.data, want.data);
        assert.deepEqual(published.shape, [64, 32]);
        assert.equal(published.uniqueId, id);
        assert.deepEqual(published.timeStamp, want.timeStamp);
        assert.deepEqual(published.dataTimeStamp, want.dataTimeStamp);
      }
      inSub.close();
      outSub?.close();
    });
  } finally {
    client.close();
  }
});
