import assert from "node:assert/strict";
import { Command, ControlCommand, Flag, headerBytes } from "../../protocol/pva/header.ts";
import { splitMessages } from "./pva_split.ts";

/** A message (header + payload) with the given flags. */
function msg(flags: number, command: number, payload: number[]): number[] {
  return [...headerBytes({ version: 2, flags, command, payloadSize: payload.length }), ...payload];
}

const setByteOrder = [...headerBytes({
  version: 2,
  flags: Flag.CONTROL | Flag.FROM_SERVER,
  command: ControlCommand.SET_BYTE_ORDER,
  payloadSize: 0,
})];

Deno.test("splitMessages: joins segments and passes interleaved control messages through", () => {
  const be = Flag.BIG_ENDIAN | Flag.FROM_SERVER;
  const bytes = new Uint8Array([
    ...msg(Flag.FROM_SERVER, Command.ECHO, [9]),
    ...msg(be | Flag.SEGMENT_FIRST, Command.MONITOR, [1, 2]),
    ...setByteOrder,
    ...msg(be | Flag.SEGMENT_MIDDLE, Command.MONITOR, []),
    ...msg(be | Flag.SEGMENT_MIDDLE, Command.MONITOR, [3]),
    ...msg(be | Flag.SEGMENT_LAST, Command.MONITOR, [4, 5]),
  ]);
  const { messages, error } = splitMessages(bytes);
  assert.equal(error, undefined);
  assert.deepEqual(messages.map((m) => [m.header.command, m.header.flags, [...m.payload], m.start, m.end]), [
    [Command.ECHO, Flag.FROM_SERVER, [9], 0, 9],
    [ControlCommand.SET_BYTE_ORDER, Flag.CONTROL | Flag.FROM_SERVER, [], 19, 27],
    [Command.MONITOR, be, [1, 2, 3, 4, 5], 9, bytes.length],
  ]);
});

Deno.test("splitMessages: framing errors keep the messages before them", () => {
  const echo = msg(0, Command.ECHO, []);
  const cases: [number[], RegExp][] = [
    [[...echo, ...msg(0, Command.ECHO, [1, 2]).slice(0, 9)], /cut off/],
    [[...echo, 0xcb, 2, 0, 2, 0, 0, 0, 0], /bad magic/],
    [[...echo, ...msg(Flag.SEGMENT_LAST, Command.GET, [])], /without a first segment/],
    [[...echo, ...msg(Flag.SEGMENT_FIRST, Command.GET, []), ...echo], /interrupts/],
    [
      [...echo, ...msg(Flag.SEGMENT_FIRST, Command.GET, []), ...msg(Flag.SEGMENT_LAST, Command.PUT, [])],
      /another/,
    ],
    [[...echo, ...msg(Flag.SEGMENT_FIRST, Command.GET, [])], /never ends/],
  ];
  for (const [bytes, reason] of cases) {
    const { messages, error } = splitMessages(new Uint8Array(bytes));
    assert.equal(messages.length, 1);
    assert.match(error?.message ?? "", reason);
  }
});
