/**
 * Our pvAccess client against the real p4p server (pvxs): every scalar and array type read exactly,
 * NTEnum, NTTable, NTNDArray images, nested structure, union, any and structure arrays (with a null
 * element), info, puts read back, a refused put, RPC and 10,000 pipelined monitor updates without a
 * loss. One p4p process serves the whole catalogue; the client finds it by unicast search on loopback.
 */
import { requirePeers } from "./peers.ts";
import {
  checkArrays,
  checkCounter,
  checkImages,
  checkInfo,
  checkNullElements,
  checkPuts,
  checkRefusedPut,
  checkRpc,
  checkScalars,
  checkStructured,
  NULL_ELEMENTS,
  PeerSession,
} from "./client_checks.ts";

/** p4p keeps every structure id: types are compared with their ids. */
const VIEW = {};

/** What p4p_server.py answers a put to `readonly` with. */
const REJECTION = "readonly: puts are rejected";

Deno.test(
  { name: "our client against the p4p server", ignore: !requirePeers("our client against p4p") },
  async (t) => {
    const s = await PeerSession.start("p4p_server.py", ["--spec", JSON.stringify(NULL_ELEMENTS)]);
    try {
      await t.step("get NTScalar of every scalar type", () => checkScalars(s, VIEW));
      await t.step("get NTScalarArray of every type and of 1,000,000 doubles", () => checkArrays(s, VIEW));
      await t.step(
        "get NTEnum, NTTable, nested, union, any, structure array",
        () => checkStructured(s, VIEW),
      );
      await t.step("get a structure array holding a null element", () => checkNullElements(s));
      await t.step("get NTNDArray 1024x1024 uint16 and 4096x4096 uint8", () => checkImages(s));
      await t.step("info equals the type of get", () => checkInfo(s));
      await t.step("put scalar, string, arrays, enum by name, structure members", () => checkPuts(s));
      await t.step(
        "a refused put is a PvaRemoteError with the server's message",
        () => checkRefusedPut(s, REJECTION),
      );
      await t.step("rpc", () => checkRpc(s));
      // pvxs squashes updates once a burst outgrows the subscription's queue: bursts of half the queue,
      // each taken before the next, so every update is sent and acknowledged.
      await t.step(
        "10,000 pipelined monitor updates, none lost",
        () => checkCounter(s, { count: 10_000, chunk: 32, queueSize: 64, pipeline: true }),
      );
    } finally {
      await s.close();
    }
  },
);
