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
  // list waits 2 s by default.
  assert.equal((parseCommandLine(["list"]) as { timeoutMs: number }).timeoutMs, 2000);
});

Deno.test("a negative number after the PV name is a put value, with or without --", () => {
  const args = (argv: string[]) => (parseCommandLine(argv) as { args: string[] }).args;
  for (const value of ["-5", "-0.5", "-.5", "-1e3", "-Infinity"]) {
    assert.deepEqual(args(["put", "pv:x", value]), ["pv:x", value]);
    assert.deepEqual(args(["put", "pv:x", "--", value]), ["pv:x", value]);
  }
  const withOptions = parseCommandLine(["put", "-w", "2", "pv:x", "-5", "-r", "field(value)"]);
  assert.deepEqual(withOptions, {
    command: "put",
    args: ["pv:x", "-5"],
    timeoutMs: 2000,
    json: false,
    request: "field(value)",
  });
  // Anything else starting with a dash is still an option.
  assert.match(usageMessage(["put", "pv:x", "-x"]), /unknown option '-x'/);
  assert.match(usageMessage(["put", "pv:x", "-5x"]), /unknown option/);
  // Only put takes values this way: a get of "-5" is an unknown option.
  assert.match(usageMessage(["get", "-5"]), /unknown option '-5'/);
});

Deno.test("--log-level and --log-format are parsed and checked", () => {
  assert.deepEqual(parseCommandLine(["get", "--log-level", "DEBUG", "--log-format", "json", "pv:x"]), {
    command: "get",
    args: ["pv:x"],
    timeoutMs: 5000,
    json: false,
    logLevel: "debug",
    logFormat: "json",
  });
  assert.match(usageMessage(["get", "--log-level", "loud", "pv:x"]), /^pva get: --log-level: .*"loud"/);
  assert.match(
    usageMessage(["monitor", "--log-format", "xml", "pv:x"]),
    /--log-format wants text or json, not 'xml'/,
  );
  assert.match(commandHelp("put"), /--log-level/);
  assert.match(commandHelp("put"), /A negative number is a value/);
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
