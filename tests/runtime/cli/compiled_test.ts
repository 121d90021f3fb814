import assert from "node:assert/strict";
import { isCompiledBinary } from "../../../runtime/cli/compiled.ts";

Deno.test("isCompiledBinary tells a deno compile binary's main module from a script's", () => {
  assert.equal(isCompiledBinary("file:///tmp/deno-compile-consumer/scripts/consumer.ts"), true);
  assert.equal(isCompiledBinary("file:///work/main/scripts/consumer.ts"), false);
  assert.equal(isCompiledBinary(), false, "these tests run as scripts");
});
