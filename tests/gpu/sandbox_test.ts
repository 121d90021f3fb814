import assert from "node:assert/strict";
import { type Isolation, parsePermissions, type ProcessorError } from "../../mod.ts";
import { testFrame, withHost } from "../runtime/processor/helpers.ts";
import { noGpu } from "./adapter.ts";

const PROBE = new URL("./fixtures/probe.ts", import.meta.url).pathname;
const ISOLATIONS: Isolation[] = ["worker", "process"];

const answer = async (outputs: Promise<readonly unknown[]>) =>
  ((await outputs)[0] as { value: string }).value;

for (const isolation of ISOLATIONS) {
  Deno.test(`${isolation}: without the gpu grant a processor sees no navigator.gpu`, async () => {
    await withHost({ file: PROBE, isolation }, async (host) => {
      assert.equal(await answer(host.process(testFrame())), "none");
      assert.equal(host.gpuAdapter, undefined);
    });
  });

  Deno.test({
    name:
      `${isolation}: with the gpu grant it gets an adapter (--gpu-adapter fallback), reported to the host`,
    ignore: noGpu,
    fn: async () => {
      const permissions = parsePermissions(["gpu"]);
      await withHost({ file: PROBE, isolation, permissions, gpuAdapter: "fallback" }, async (host) => {
        const got = await answer(host.process(testFrame({}, undefined, 7)));
        const adapter = host.gpuAdapter;
        assert.ok(adapter, "the host learnt the adapter");
        assert.ok(adapter.description.length > 0);
        assert.equal(adapter.isFallbackAdapter, true);
        assert.equal(got, `${adapter.description} fallback=true id=7`);
      });
    },
  });

  Deno.test({
    name:
      `${isolation}: a lost device fails the frame in flight and restarts the processor with a new device`,
    ignore: noGpu,
    fn: async () => {
      const permissions = parsePermissions(["gpu"]);
      const events: string[] = [];
      await withHost({
        file: PROBE,
        isolation,
        permissions,
        onEvent: (e) =>
          events.push(e.kind === "restart" ? `restart: ${e.message}` : `error: ${e.error.message}`),
      }, async (host) => {
        assert.match(await answer(host.process(testFrame({}, undefined, 1))), /id=1$/);
        await assert.rejects(
          host.process(testFrame({ lose: "1" }, undefined, 2)),
          (e: ProcessorError) => e.kind === "crash" && /GpuDeviceLostError/.test(e.message),
        );
        assert.match(await answer(host.process(testFrame({}, undefined, 3))), /id=3$/);
        assert.equal(host.counters.restarts, 1);
        assert.equal(host.counters.crashes, 1);
      });
      assert.ok(
        events.some((e) => /restart: the sandbox died: .*GPU device was lost/.test(e)),
        events.join("\n"),
      );
    },
  });
}
