/** Setting the limits: defaults, PVASTREAM_* variables, configuration overrides and `pva serve`. */
import assert from "node:assert/strict";
import { configFromEnv, loopbackConfig } from "../../../protocol/pva/config.ts";
import { DEFAULT_PVA_LIMITS, limitEnvName, limitsFromEnv } from "../../../protocol/pva/limits.ts";
import { parseCommandLine, UsageError } from "../../../scripts/lib/args.ts";

Deno.test("limits come from PVASTREAM_* variables, and overrides win over them", () => {
  assert.equal(limitEnvName("maxMessageBytes"), "PVASTREAM_MAX_MESSAGE_BYTES");
  assert.equal(limitEnvName("maxConnectionsPerPeer"), "PVASTREAM_MAX_CONNECTIONS_PER_PEER");
  const env = { PVASTREAM_MAX_MESSAGE_BYTES: "1048576", PVASTREAM_MESSAGE_TIMEOUT: "2.5" };
  const limits = limitsFromEnv(env);
  assert.equal(limits.maxMessageBytes, 1048576);
  assert.equal(limits.messageTimeout, 2.5);
  assert.equal(limits.maxSegments, DEFAULT_PVA_LIMITS.maxSegments);
  const config = configFromEnv(env, { limits: { maxSegments: 7 } });
  assert.equal(config.limits.maxMessageBytes, 1048576);
  assert.equal(config.limits.maxSegments, 7);
  assert.equal(
    loopbackConfig({ limits: { maxConnections: 2 } }).limits.maxUnvalidatedMessageBytes,
    64 * 1024,
  );
  assert.throws(() => limitsFromEnv({ PVASTREAM_MAX_SEGMENTS: "-1" }), /PVASTREAM_MAX_SEGMENTS=-1/);
  assert.throws(() => limitsFromEnv({ PVASTREAM_MAX_CONNECTIONS: "1.5" }), RangeError);
});

Deno.test("pva serve --max-message-bytes sets the limit; other commands refuse the option", () => {
  const inv = parseCommandLine(["serve", "--max-message-bytes", "65536", "pvs.yaml"]);
  assert.equal("command" in inv && inv.maxMessageBytes, 65536);
  assert.throws(() => parseCommandLine(["serve", "--max-message-bytes", "0", "pvs.yaml"]), UsageError);
  assert.throws(() => parseCommandLine(["get", "--max-message-bytes", "10", "pv"]), /unknown option/);
});
