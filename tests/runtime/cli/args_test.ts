import assert from "node:assert/strict";
import {
  helpText,
  OptionReader,
  type OptionSpec,
  parseToolArgs,
  UsageError,
} from "../../../runtime/cli/args.ts";

const SPECS: OptionSpec[] = [
  { long: "input-channel", short: "ic", type: "string", value: "NAME", help: "input" },
  { long: "receiver-queue-size", short: "rqs", type: "string", default: "-1", help: "queue" },
  { long: "disable-curses", short: "dc", type: "boolean", help: "no screen" },
];

Deno.test("parseToolArgs: PvaPy's multi-letter short forms and long forms", () => {
  const { values } = parseToolArgs("t", SPECS, ["-ic", "a:b", "--receiver-queue-size=5", "-dc"]);
  assert.deepEqual(values, { "input-channel": "a:b", "receiver-queue-size": "5", "disable-curses": true });
});

Deno.test("parseToolArgs: an unknown option is an error naming it", () => {
  assert.throws(
    () => parseToolArgs("consumer", SPECS, ["--input-chanel", "x"]),
    (e) =>
      e instanceof UsageError && e.message.startsWith("consumer: ") && e.message.includes("--input-chanel"),
  );
  assert.throws(() => parseToolArgs("consumer", SPECS, ["--input-channel"]), /--input-channel/);
});

Deno.test("OptionReader: numbers, choices and JSON with errors naming option and value", () => {
  const r = new OptionReader("c", { n: "12", bad: "1.5", word: "x", json: '{"a":1}', notobj: "[1]" });
  assert.equal(r.number("n", 0, { integer: true, min: 0 }), 12);
  assert.equal(r.number("absent", 7), 7);
  assert.throws(() => r.number("bad", 0, { integer: true }), /c: --bad needs a whole number, not "1.5"/);
  assert.throws(() => r.number("word", 0), /--word needs a number, not "x"/);
  assert.throws(() => r.number("n", 0, { max: 10 }), /--n must be at most 10, not 12/);
  assert.throws(() => r.choice("word", ["pva", "pvas"], "pva"), /--word must be one of pva, pvas, not "x"/);
  assert.deepEqual(r.jsonObject("json"), { a: 1 });
  assert.throws(() => r.jsonObject("word"), /--word is not valid JSON/);
  assert.throws(() => r.jsonObject("notobj"), /--notobj must be a JSON object/);
  assert.throws(() => r.required("absent"), /--absent is required/);
});

Deno.test("helpText: every option with its short form and default, and the examples", () => {
  const text = helpText("consumer", "Consumes.", SPECS, ["consumer -ic pv"]);
  assert.match(text, /-ic, --input-channel NAME +input/);
  assert.match(text, /-rqs, --receiver-queue-size VALUE +queue \(default: -1\)/);
  assert.match(text, /-dc, --disable-curses +no screen/);
  assert.match(text, /examples:\n {2}consumer -ic pv/);
});

Deno.test("parseToolArgs: a negative number after an option is its value, as argparse takes it", () => {
  const { values } = parseToolArgs("t", SPECS, ["-rqs", "-1", "--input-channel", "-5"]);
  assert.equal(values["receiver-queue-size"], "-1");
  assert.equal(values["input-channel"], "-5");
});
