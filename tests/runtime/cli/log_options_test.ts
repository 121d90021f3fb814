import assert from "node:assert/strict";
import { OptionReader, parseToolArgs, UsageError } from "../../../runtime/cli/args.ts";
import { LOG_OPTION_SPECS, readLogSettings, toolLogger } from "../../../runtime/cli/log_options.ts";

const read = (argv: string[]) =>
  readLogSettings("tool", new OptionReader("tool", parseToolArgs("tool", LOG_OPTION_SPECS, argv).values));

Deno.test("log options: PvaPy's level names, text or json, and the errors name the option", () => {
  assert.deepEqual(read([]), { logLevel: "warn", logFormat: "text" });
  assert.equal(read(["-ll", "warning"]).logLevel, "warn");
  assert.equal(read(["--log-level", "critical"]).logLevel, "error");
  assert.deepEqual(read(["--log-format", "json", "-lf", "x.log"]), {
    logLevel: "warn",
    logFormat: "json",
    logFile: "x.log",
  });
  assert.throws(() => read(["-ll", "loud"]), (e) => e instanceof UsageError && /--log-level/.test(e.message));
  assert.throws(() => read(["--log-format", "xml"]), /--log-format must be one of text, json/);
});

Deno.test("log options: --log-file with --log-format json appends one JSON object per line", async () => {
  const file = await Deno.makeTempFile();
  try {
    await Deno.writeTextFile(file, "");
    const logger = await toolLogger("tool", { logLevel: "info", logFormat: "json", logFile: file });
    logger.info("first", { n: 1 });
    logger.debug("dropped");
    logger.warn("second");
    const lines = (await Deno.readTextFile(file)).trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(lines.length, 2);
    assert.equal(lines[0].msg ?? lines[0].message, "first");
    assert.equal(lines[1].level, "warn");
  } finally {
    await Deno.remove(file);
  }
});
