/** CA configuration from the environment, read once into one plain object. */
import assert from "node:assert/strict";
import { caConfigFromEnv, caLoopbackConfig, DEFAULT_CA_CONFIG } from "../../protocol/ca/config.ts";

Deno.test("ca config: EPICS_CA_* variables", () => {
  const c = caConfigFromEnv({
    EPICS_CA_ADDR_LIST: " 127.0.0.1:15064  10.1.2.255 ",
    EPICS_CA_AUTO_ADDR_LIST: "NO",
    EPICS_CA_SERVER_PORT: "15064",
    EPICS_CA_MAX_ARRAY_BYTES: "10000000",
    EPICS_CA_CONN_TMO: "5",
    EPICS_CA_REPEATER_PORT: "15065",
    USER: "operator",
    HOSTNAME: "beamline",
  });
  assert.deepEqual(c, {
    addrList: ["127.0.0.1:15064", "10.1.2.255"],
    autoAddrList: false,
    serverPort: 15064,
    maxArrayBytes: 10_000_000,
    connectionTimeout: 5,
    userName: "operator",
    hostName: "beamline",
  });
});

Deno.test("ca config: defaults, the 16384-byte floor, overrides, bad numbers", () => {
  const c = caConfigFromEnv({ HOSTNAME: "h", USER: "u" });
  assert.deepEqual(c, { ...DEFAULT_CA_CONFIG, hostName: "h", userName: "u" });
  assert.equal(caConfigFromEnv({ EPICS_CA_MAX_ARRAY_BYTES: "100" }).maxArrayBytes, 16384);
  assert.equal(caConfigFromEnv({ EPICS_CA_AUTO_ADDR_LIST: "yes" }).autoAddrList, true);
  assert.equal(caConfigFromEnv({}, { serverPort: 1 }).serverPort, 1);
  assert.throws(() => caConfigFromEnv({ EPICS_CA_SERVER_PORT: "70000" }), /EPICS_CA_SERVER_PORT=70000/);
  assert.throws(() => caConfigFromEnv({ EPICS_CA_MAX_ARRAY_BYTES: "lots" }), RangeError);
});

Deno.test("ca config: the loopback configuration searches only where it is told", () => {
  const c = caLoopbackConfig({ addrList: ["127.0.0.1:15064"] });
  assert.equal(c.autoAddrList, false);
  assert.deepEqual(c.addrList, ["127.0.0.1:15064"]);
  assert.deepEqual(caLoopbackConfig().addrList, ["127.0.0.1"]);
});
