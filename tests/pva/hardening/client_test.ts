/**
 * The client under a hostile server: a server that declares a huge message before validation,
 * or floods empty segments after it, loses its connection; the client keeps serving gets from
 * a well-behaved server meanwhile.
 */
import assert from "node:assert/strict";
import { PvaClient } from "../../../protocol/pva/client/mod.ts";
import { loopbackConfig } from "../../../protocol/pva/config.ts";
import { encodeControl, encodeMessage } from "../../../protocol/pva/frame.ts";
import { Command, ControlCommand, Flag } from "../../../protocol/pva/header.ts";
import { writeValidationRequest } from "../../../protocol/pva/messages/mod.ts";
import { STATUS_OK, writeStatus } from "../../../protocol/pvdata/status.ts";
import type { Writer } from "../../../protocol/pvdata/writer.ts";
import { within } from "../../support/within.ts";
import { counterPv, startServer } from "../server/harness.ts";

const PV = "t:counter";

/** One server message as bytes. */
function fromServer(command: number, body: (w: Writer) => void, flags = 0): Uint8Array {
  const chunks = encodeMessage(command, "server", true, body);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  chunks.reduce((o, c) => (out.set(c, o), o + c.length), 0);
  out[2] |= flags;
  return out;
}

/**
 * A server on a free loopback port that greets each client, then runs `attack` on its socket;
 * `dropped` resolves once a client closes the connection.
 */
function hostileServer(attack: (socket: Deno.TcpConn) => Promise<void>) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let dropped!: () => void;
  const droppedByClient = new Promise<void>((resolve) => dropped = resolve);
  const serving = (async () => {
    for await (const socket of listener) {
      await socket.write(encodeControl(ControlCommand.SET_BYTE_ORDER, "server", true));
      await socket.write(
        fromServer(Command.CONNECTION_VALIDATION, (w) =>
          writeValidationRequest(w, {
            bufferSize: 0x10000,
            registrySize: 0x7fff,
            authMethods: ["anonymous"],
          })),
      );
      await attack(socket);
      const buf = new Uint8Array(65536);
      try {
        while (await socket.read(buf) !== null) { /* what the client sends */ }
      } catch {
        // reset
      }
      dropped();
      socket.close();
    }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    droppedByClient,
    async close() {
      listener.close();
      await serving.catch(() => {});
    },
  };
}

async function write(socket: Deno.TcpConn, bytes: Uint8Array): Promise<void> {
  try {
    for (let off = 0; off < bytes.length;) off += await socket.write(bytes.subarray(off));
  } catch {
    // The client closed the connection.
  }
}

const ATTACKS: [string, (socket: Deno.TcpConn) => Promise<void>][] = [
  ["a 512 MiB header before validation", async (socket) => {
    const head = fromServer(Command.ECHO, () => {});
    new DataView(head.buffer).setUint32(4, 512 << 20, true);
    await write(socket, head);
  }],
  ["a flood of empty middle segments after validation", async (socket) => {
    await write(socket, fromServer(Command.CONNECTION_VALIDATED, (w) => writeStatus(w, STATUS_OK)));
    const middle = fromServer(Command.MESSAGE, () => {}, Flag.SEGMENT_MIDDLE);
    const flood = new Uint8Array(middle.length * 100_000);
    for (let i = 0; i < 100_000; i++) flood.set(middle, i * middle.length);
    await write(socket, fromServer(Command.MESSAGE, (w) => w.u8(0), Flag.SEGMENT_FIRST));
    await write(socket, flood);
  }],
];

for (const [what, attack] of ATTACKS) {
  Deno.test(`the client drops a server sending ${what} and keeps using another`, async () => {
    using good = await startServer({ [PV]: counterPv(21) });
    const hostile = hostileServer(attack);
    const client = new PvaClient({
      config: loopbackConfig({ nameServers: [`127.0.0.1:${hostile.port}`, `127.0.0.1:${good.port}`] }),
    });
    try {
      assert.equal((await client.get(PV, { timeout: 3000 })).value.value, 21);
      await within(hostile.droppedByClient, 3000, "the client to drop the hostile server");
      assert.equal((await client.get(PV, { timeout: 3000 })).value.value, 21);
    } finally {
      client.close();
      await hostile.close();
    }
  });
}
