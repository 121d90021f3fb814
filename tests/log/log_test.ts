import assert from "node:assert/strict";
import { createLogger, parseLogLevel } from "../../protocol/log.ts";

Deno.test("logger: drops records below its level, formats text with fields", () => {
  const lines: string[] = [];
  const log = createLogger({ level: "info", name: "pva", write: (l) => lines.push(l) });
  log.debug("hidden");
  log.info("connected", { peer: "127.0.0.1:5075", n: 2n });
  log.error("failed");
  assert.deepEqual(lines, ['INFO pva: connected peer="127.0.0.1:5075" n="2"', "ERROR pva: failed"]);
});

Deno.test("logger: json records carry level, name, message and fields", () => {
  const lines: string[] = [];
  const log = createLogger({ format: "json", name: "consumer", write: (l) => lines.push(l) });
  log.warn("overrun", { count: 3, cause: new Error("slow") });
  const rec = JSON.parse(lines[0]);
  assert.equal(rec.level, "warn");
  assert.equal(rec.name, "consumer");
  assert.equal(rec.message, "overrun");
  assert.equal(rec.count, 3);
  assert.equal(rec.cause, "slow");
  assert.ok(!Number.isNaN(Date.parse(rec.time)));
});

Deno.test("parseLogLevel: accepts the four levels in any case, names them when wrong", () => {
  assert.equal(parseLogLevel("DEBUG"), "debug");
  assert.throws(() => parseLogLevel("verbose"), /not one of debug, info, warn, error/);
});
