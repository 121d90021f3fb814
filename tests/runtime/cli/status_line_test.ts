import assert from "node:assert/strict";
import { StatusLine } from "../../../runtime/cli/status_line.ts";

Deno.test("status line: rewritten in place on a terminal, cut to its width, ended by done()", () => {
  const out: string[] = [];
  const line = new StatusLine({ write: (t) => out.push(t), isTerminal: true, columns: 12 });
  line.show("10 frames/s");
  line.show("a much longer status text");
  line.done();
  line.done();
  assert.deepEqual(out, ["\r10 frames/s\x1b[K", "\ra much lon…\x1b[K", "\n"]);
});

Deno.test("status line: plain lines when not a terminal", () => {
  const out: string[] = [];
  const line = new StatusLine({ write: (t) => out.push(t), isTerminal: false });
  line.show("one");
  line.show("two");
  line.done();
  assert.deepEqual(out, ["one\n", "two\n"]);
});
