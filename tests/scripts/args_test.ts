import assert from "node:assert/strict";
import { commandHelp, parseCommandLine, UsageError } from "../../scripts/lib/args.ts";

function usageMessage(argv: string[]): string {
  try {
    parseCommandLine(argv);
  } catch (e) {
    assert.ok(e instanceof UsageError, `expected a UsageError, got ${e}`);
    return e.message;
  }
  assert.fail(`${argv.join(" ")} parsed without error`);
}

Deno.test("an unknown long or short option is an error naming it", () => {
  assert.match(usageMessage(["get", "--bogus", "pv:x"]), /^pva get: unknown option '--bogus'$/);
  assert.match(usageMessage(["monitor", "-x", "pv:x"]), /^pva monitor: unknown option '-x'$/);
  // -r exists for get but not for info.
  assert.match(usageMessage(["info", "-r", "field()", "pv:x"]), /unknown option '-r'/);
});

Deno.test("bad option values and argument counts are usage errors", () => {
  assert.match(usageMessage(["get", "-w"]), /pva get: .*argument missing/);
  assert.match(usageMessage(["get", "-w", "0", "pv:x"]), /-w wants a positive number, not '0'/);
  assert.match(usageMessage(["monitor", "-n", "1.5", "pv:x"]), /-n wants a positive integer, not '1.5'/);
  assert.match(usageMessage(["get"]), /^pva get: expected NAME/);
  assert.match(usageMessage(["list", "extra"]), /^pva list: unexpected argument 'extra'$/);
  assert.match(usageMessage(["frobnicate"]), /^pva: unknown command 'frobnicate'/);
  assert.match(usageMessage(["get", "-r", "field(value", "pv:x"]), /^pva get: bad --request: /);
  assert.match(usageMessage([]), /^usage: pva COMMAND/);
});

Deno.test("a valid command line gives the subcommand, words and options", () => {
  assert.deepEqual(parseCommandLine(["get", "-w", "2.5", "--json", "-r", "field(value)", "a", "b"]), {
    command: "get",
    args: ["a", "b"],
    timeoutMs: 2500,
    json: true,
    request: "field(value)",
  });
  assert.deepEqual(parseCommandLine(["monitor", "-n", "3", "pv:x"]), {
    command: "monitor",
    args: ["pv:x"],
    timeoutMs: 5000,
    json: false,
    count: 3,
  });
  // list waits 2 s by default; a negative put value goes after --.
  assert.equal((parseCommandLine(["list"]) as { timeoutMs: number }).timeoutMs, 2000);
  assert.deepEqual((parseCommandLine(["put", "pv:x", "--", "-5"]) as { args: string[] }).args, [
    "pv:x",
    "-5",
  ]);
});

Deno.test("-h prints the help of the subcommand, listing only its options", () => {
  const inv = parseCommandLine(["monitor", "-h"]);
  assert.deepEqual(inv, { help: commandHelp("monitor") });
  const help = (inv as { help: string }).help;
  assert.match(help, /^usage: pva monitor /);
  assert.match(help, /--count/);
  assert.doesNotMatch(help, /--timeout/);
  assert.match((parseCommandLine(["--help"]) as { help: string }).help, /serve/);
});
