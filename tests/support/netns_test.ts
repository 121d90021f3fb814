/**
 * The namespace lab itself: hosts reach each other across the bridge, a cut link and an impaired one
 * behave as such, and disposal removes everything even when the test body throws.
 */
import assert from "node:assert/strict";
import { type LabHost, NetnsLab, requireNetns } from "./netns.ts";
import { ProcessLines } from "./process_lines.ts";

const IGNORE = !(await requireNetns("the namespace lab's own tests"));

/** Namespaces that exist now. */
async function namespaces(): Promise<string[]> {
  const out = await new Deno.Command("ip", { args: ["netns", "list"], stderr: "null" }).output();
  return new TextDecoder().decode(out.stdout).split("\n").map((line) => line.split(" ")[0]).filter(Boolean);
}

/**
 * Milliseconds for a TCP connection from `from` to `to` to be set up (python3's standard library is enough
 * for both ends), or null when none could be made within `timeoutMs`.
 */
async function connectTime(lab: NetnsLab, from: LabHost, to: LabHost, timeoutMs: number) {
  const listen =
    "import socket; s = socket.create_server(('', 7000)); print('READY', flush=True); s.accept()";
  const listener = lab.spawn(to, "python3", { args: ["-c", listen] });
  await new ProcessLines(listener, "listener").until(/^READY$/, 10_000);
  const connect =
    "import socket, sys, time; t = time.monotonic(); socket.create_connection((sys.argv[1], 7000), " +
    `timeout=${timeoutMs / 1000}); print((time.monotonic() - t) * 1000)`;
  const out = await new ProcessLines(
    lab.spawn(from, "python3", { args: ["-c", connect, to.address] }),
    "connect",
  )
    .finished(timeoutMs + 5_000);
  if (out.code !== 0) {
    listener.kill(); // still waiting for a connection that never came
    await listener.status;
    return null;
  }
  await listener.status;
  return Number(out.stdout.trim());
}

Deno.test({
  name: "hosts connect across the bridge; a cut link does not; an impaired link adds its delay",
  ignore: IGNORE,
  fn: async () => {
    await using lab = await NetnsLab.create({ hosts: 3 });
    const [a, b, c] = lab.hosts;
    assert.deepEqual(lab.hosts.map((h) => h.address), ["10.77.0.1", "10.77.0.2", "10.77.0.3"]);
    const clean = await connectTime(lab, a, b, 5_000);
    assert.ok(clean !== null && clean < 100, `clean connection took ${clean} ms`);

    await lab.cut(c);
    assert.equal(await connectTime(lab, a, c, 1_000), null, "connected over a cut link");
    await lab.restore(c);
    assert.notEqual(await connectTime(lab, a, c, 5_000), null, "no connection after the link was restored");

    // A connection takes one round trip: the delay is added each way.
    const by = await lab.impair(b, { delayMs: 50 });
    const slow = await connectTime(lab, a, b, 5_000);
    assert.ok(slow !== null && slow >= 100, `connection over a 50 ms link (${by}) took ${slow} ms`);
    await lab.clearImpairment(b);
    const again = await connectTime(lab, a, b, 5_000);
    assert.ok(again !== null && again < 100, `after clearing the impairment a connection took ${again} ms`);
  },
});

Deno.test({
  name: "disposing the lab ends its processes and removes its namespaces, also after a failure",
  ignore: IGNORE,
  fn: async () => {
    let names: string[] = [];
    let sleeper: Deno.ChildProcess | undefined;
    await assert.rejects(async () => {
      await using lab = await NetnsLab.create({ hosts: 2 });
      names = lab.hosts.map((h) => h.namespace);
      sleeper = lab.spawn(lab.hosts[0], "sleep", { args: ["60"], stdout: "null", stderr: "null" });
      await lab.impair(lab.hosts[1], { lossPercent: 1, delayMs: 1 });
      await lab.cut(lab.hosts[0]);
      throw new Error("the test failed");
    }, /the test failed/);
    assert.equal((await sleeper!.status).signal, "SIGKILL");
    const tag = names[0].replace(/-h1$/, "");
    assert.deepEqual((await namespaces()).filter((n) => n.startsWith(tag)), []);
  },
});
