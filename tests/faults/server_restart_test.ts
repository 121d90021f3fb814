/**
 * A server killed (SIGKILL) and restarted under a running consumer: our PvaServer in a child process
 * (tests/faults/frame_server.ts), our PvaClient and a Consumer monitoring it. After every restart the
 * consumer receives again within 5 s, and the frames "published" while the server was down (ids the
 * restarted source skips) are exactly the consumer's missed ids. `PVASTREAM_RESTARTS` sets the number of
 * restarts: 10 by default (CI), 100 with `deno task faults`.
 */
import assert from "node:assert/strict";
import { silentLogger } from "../../protocol/log.ts";
import { PvaClient } from "../../protocol/pva/client/client.ts";
import { configFromEnv, loopbackConfig } from "../../protocol/pva/config.ts";
import { PvaServer } from "../../protocol/pva/server/server.ts";
import type { Consumer } from "../../runtime/consumer/consumer.ts";
import type { IdRange } from "../../runtime/stats/mod.ts";
import { epicsEnv, freePorts } from "../interop/peers.ts";
import { ProcessLines } from "../support/process_lines.ts";
import { startConsumer, until } from "../runtime/consumer/harness.ts";

const RESTARTS = Number(Deno.env.get("PVASTREAM_RESTARTS") ?? "10");
const FRAMES = 5;
/** Ids the source moves on by while it is down: these frames are lost. */
const LOST = 3;
/** How soon after a restart the consumer must receive again. */
const RESUME_MS = 5_000;
const FIXTURE = new URL("frame_server.ts", import.meta.url).pathname;

/** Starts the source with frames `first` .. `first + FRAMES - 1`; resolves once it serves. */
async function startSource(env: Record<string, string>, first: number) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", FIXTURE, "--first", String(first), "--count", String(FRAMES)],
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines = new ProcessLines(child, "frame server");
  await lines.until(/^READY \d+/, 30_000);
  return { child, lines };
}

Deno.test({
  name:
    `a server killed and restarted ${RESTARTS} times under a consumer: resumed within 5 s, lost ids missed`,
  fn: async () => {
    const env = epicsEnv(freePorts());
    const client = new PvaClient({ config: configFromEnv(env), logger: silentLogger });
    const own = new PvaServer({ config: loopbackConfig(), tcpOnly: true, logger: silentLogger });
    await own.start();
    let consumer: Consumer | undefined;
    let source = await startSource(env, 1);
    try {
      consumer = await startConsumer(1, own, client, { argv: ["--skip-initial-updates", "0"] });
      const c = consumer;
      const lost: IdRange[] = [];
      let first = 1;
      let slowest = 0;
      for (let round = 0; round <= RESTARTS; round++) {
        if (round > 0) {
          source.child.kill("SIGKILL");
          await source.child.status;
          lost.push({ first, last: first + LOST - 1 });
          first += LOST;
          const started = performance.now();
          source = await startSource(env, first);
          const ready = performance.now();
          await until(`frame ${first} after restart ${round}`, () =>
            c.accounting().received > 0 &&
            c.accounting().lastObjectId >= first, RESUME_MS);
          slowest = Math.max(slowest, performance.now() - ready);
          assert.ok(performance.now() - started < 30_000);
        }
        const last = first + FRAMES - 1;
        await source.lines.until(new RegExp(`^SENT ${last}$`), 20_000);
        await until(`frame ${last} processed`, () => c.accounting().lastObjectId === last, 10_000);
        first = last + 1;
      }
      const s = c.accounting();
      assert.equal(s.processed, (RESTARTS + 1) * FRAMES, "every frame the servers sent was processed");
      assert.deepEqual(s.missedIds, lost, "exactly the ids skipped while the server was down are missed");
      assert.equal(s.missed, RESTARTS * LOST);
      assert.ok(slowest < RESUME_MS, `slowest resume ${Math.round(slowest)} ms`);
      console.log(`${RESTARTS} restarts, slowest resume ${Math.round(slowest)} ms after the server was up`);
    } finally {
      source.child.kill("SIGKILL");
      await source.child.status;
      consumer?.stop();
      await consumer?.done;
      await client.close();
      await own.close();
    }
  },
});
