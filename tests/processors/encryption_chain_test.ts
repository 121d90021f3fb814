/**
 * The encryption chain end to end through real consumers: simulator → consumer running
 * encrypt.ts (output channel enc:image) → consumer running decrypt.ts (input enc:image, output
 * plain:image), linked by a monitor of the first one's output or by its puts into the second
 * one's input. Every frame on plain:image equals the simulator's frame of the same uniqueId:
 * pixels, dtype, shape, colour mode, attributes with their types, time stamps.
 */
import assert from "node:assert/strict";
import {
  type Frame,
  frameFromNTNDArray,
  parsePermissions,
  silentLogger,
  type StructValue,
} from "../../mod.ts";
import { Consumer } from "../../runtime/consumer/consumer.ts";
import { type ConsumerOptions, parseConsumerArgs } from "../../runtime/consumer/options.ts";
import { Simulator } from "../../runtime/simulator/mod.ts";
import { nextData } from "../support/monitor_events.ts";
import { withServerAndClient } from "../runtime/support.ts";
import { ENVELOPE_ATTRIBUTES as A } from "../../processors/support/mod.ts";
import { processorFile } from "./helpers.ts";
import { testKeys } from "./keys.ts";

const FRAMES = 20;

/** The frame of an NTNDArray update, or undefined for a channel's empty value before its first frame. */
function frameOf(value: StructValue): Frame | undefined {
  return typeof (value.value as { name?: unknown }).name === "string" ? frameFromNTNDArray(value) : undefined;
}

/** How the two consumers are linked: their command lines, in the order they start. */
const CHAINS = [
  {
    name: "the decrypting consumer monitors the encrypting one's output (-om pvas)",
    sealer: ["-ic", "sim:image", "-oc", "enc:image"],
    opener: ["-ic", "enc:image", "-oc", "plain:image"],
    openerFirst: false,
    /** enc:image holds the latest encrypted frame (a pvas input keeps none). */
    sealedReadable: true,
  },
  {
    name: "the encrypting consumer puts into the decrypting one's input (-om pva into -im pvas)",
    sealer: ["-ic", "sim:image", "-om", "pva", "-oc", "enc:image"],
    opener: ["-im", "pvas", "-ic", "enc:image", "-siu", "0", "-oc", "plain:image"],
    openerFirst: true,
    sealedReadable: false,
  },
];

for (const chain of CHAINS) {
  Deno.test(`simulator → consumer(encrypt) → consumer(decrypt), ${chain.name}: every frame equals the original`, async () => {
    const keys = await testKeys();
    await withServerAndClient(async (server, client) => {
      const permissions = parsePermissions([`read=${keys.dir}`]);
      const consumer = (id: number, argv: string[], file: string, args: Record<string, string>) =>
        Consumer.start(
          id,
          parseConsumerArgs([...argv, "--processor-args", JSON.stringify(args)]) as ConsumerOptions,
          {
            server,
            client,
            logger: silentLogger,
            processor: { file: processorFile(file), permissions, startLimitMs: 120_000 },
          },
        );
      const startSealer = () =>
        consumer(1, chain.sealer, "encrypt.ts", {
          publicKeyFile: keys.recipient.publicKey,
          signingKeyFile: keys.ecSigner.privateKey,
          signatureAlgorithm: "ECDSA",
        });
      const startOpener = () =>
        consumer(2, chain.opener, "decrypt.ts", {
          privateKeyFile: keys.recipient.privateKey,
          verifyKeyFile: keys.ecSigner.publicKey,
          signatureAlgorithm: "ECDSA",
        });
      const opener = chain.openerFirst ? await startOpener() : undefined;
      const sealer = await startSealer();
      const consumers = [sealer, opener ?? await startOpener()];
      const originals = new Map<number, Frame>();
      const sourceSub = client.monitor("sim:image", { queueSize: 256 });
      const plainSub = client.monitor("plain:image", { queueSize: 256 });
      const sim = new Simulator({
        server,
        channelName: "sim:image",
        nx: 16,
        ny: 8,
        datatype: "uint16",
        colorMode: 2,
        frameRate: 20,
        runtime: 0,
        startDelay: 0,
        shutdownDelay: 0,
        reportPeriod: 0,
      });
      try {
        await sim.start();
        const reading = (async () => {
          for (;;) {
            const f = frameOf((await nextData(sourceSub, 60_000)).value as StructValue);
            if (f !== undefined) originals.set(f.uniqueId, f);
          }
        })();
        reading.catch(() => {}); // ends with the subscription
        let compared = 0;
        while (compared < FRAMES) {
          const plain = frameOf((await nextData(plainSub, 60_000)).value as StructValue);
          if (plain === undefined) continue;
          const original = originals.get(plain.uniqueId);
          assert.ok(original, `frame ${plain.uniqueId} was published by the simulator`);
          assert.deepEqual(plain, original, `frame ${plain.uniqueId}`);
          assert.equal(plain.colorMode, 2);
          compared++;
        }
        if (chain.sealedReadable) {
          const sealed = frameFromNTNDArray((await client.get("enc:image")).value);
          assert.equal(sealed.dtype, "uint8");
          assert.equal(sealed.shape.length, 1);
          assert.equal(sealed.attributes[A.signatureAlgorithm], "ECDSA");
          assert.equal(sealed.attributes.ColorMode, undefined, "the original attributes travel encrypted");
        }
        await consumers[1].getStats();
        assert.equal(consumers[1].status.processorStats.nErrors, 0);
        assert.ok(consumers[1].status.processorStats.nProcessed >= FRAMES);
      } finally {
        sourceSub.close();
        plainSub.close();
        await sim.stop();
        for (const c of consumers) c.stop();
        await Promise.all(consumers.map((c) => c.done));
        await Deno.remove(keys.dir, { recursive: true });
      }
    });
  });
}
