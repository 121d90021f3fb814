/** /proc readings: a child is part of its parent's tree, and a loopback connection is counted. */
import assert from "node:assert/strict";
import { connectionsTo, processTree, treeUsage } from "../../../bench/stream/proc.ts";

const LINUX = Deno.build.os === "linux";

Deno.test({ name: "a child process belongs to the tree and adds its memory", ignore: !LINUX }, async () => {
  const alone = treeUsage(Deno.pid);
  const child = new Deno.Command("sleep", { args: ["5"] }).spawn();
  try {
    assert.ok(processTree(Deno.pid).includes(child.pid));
    const both = treeUsage(Deno.pid);
    assert.ok(both.rssBytes > alone.rssBytes, `${both.rssBytes} <= ${alone.rssBytes}`);
    assert.ok(both.cpuSeconds >= alone.cpuSeconds);
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
});

Deno.test({ name: "established connections to a port are counted", ignore: !LINUX }, async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  assert.equal(connectionsTo(port), 0);
  const conns = await Promise.all([
    Deno.connect({ hostname: "127.0.0.1", port }),
    Deno.connect({ hostname: "127.0.0.1", port }),
  ]);
  const accepted = [await listener.accept(), await listener.accept()];
  try {
    assert.equal(connectionsTo(port), 2);
  } finally {
    for (const c of [...conns, ...accepted]) c.close();
    listener.close();
  }
});
