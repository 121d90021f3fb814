/**
 * The pvastream demo: a pvAccess server and client in one process, on 127.0.0.1 only.
 *
 * The server hosts an NTNDArray (a 512x512 uint16 test pattern with attributes) on a free
 * TCP port, without UDP; the client finds it through its name-server list. The client reads
 * the image back (info, get, then monitor while new frames are posted), checks every pixel
 * against the pattern, prints a short report and exits 0, or 1 on any mismatch.
 *
 * ```sh
 * deno task demo
 * ```
 *
 * @module
 */
import { isNT, ntAttribute, ntNDArray, readNTNDArray } from "../protocol/nt/mod.ts";
import { PvaClient } from "../protocol/pva/client/mod.ts";
import { loopbackConfig } from "../protocol/pva/config.ts";
import { PvaServer, SharedPV } from "../protocol/pva/server/mod.ts";
import { scalar, type StructValue, type Typed } from "../protocol/pvdata/types.ts";

const PV = "demo:image";
const WIDTH = 512;
const HEIGHT = 512;
const FRAMES = 5;

/** Frame `n` of the pattern: diagonal ramps that move with the frame number. */
function pattern(n: number): Uint16Array {
  const out = new Uint16Array(WIDTH * HEIGHT);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) out[y * WIDTH + x] = (x * 7 + y * 13 + n * 101) & 0xffff;
  }
  return out;
}

function frame(n: number): Typed {
  return ntNDArray({
    data: pattern(n),
    dims: [WIDTH, HEIGHT],
    uniqueId: n,
    attributes: [
      ntAttribute("ColorMode", { type: scalar("int32"), value: 0 }, "mono"),
      ntAttribute("Exposure", { type: scalar("float64"), value: 0.01 }, "seconds"),
      ntAttribute("Camera", { type: scalar("string"), value: "pvastream test pattern" }),
    ],
  });
}

/** "" when `value` is frame `n` of the pattern, else what differs. */
function check(value: StructValue, n: number): string {
  const f = readNTNDArray(value);
  if (f.uniqueId !== n) return `uniqueId ${f.uniqueId}, expected ${n}`;
  if (f.dims.join("x") !== `${WIDTH}x${HEIGHT}`) return `dims ${f.dims.join("x")}`;
  if (!(f.data instanceof Uint16Array)) return `data is ${f.data.constructor.name}, not Uint16Array`;
  if (f.attributes.get("Camera") !== "pvastream test pattern") return "attribute Camera is missing or wrong";
  const want = pattern(n);
  const bad = f.data.findIndex((v, i) => v !== want[i]);
  return bad < 0
    ? ""
    : `pixel (${bad % WIDTH}, ${Math.floor(bad / WIDTH)}) is ${f.data[bad]}, expected ${want[bad]}`;
}

// Loopback only, nothing from the environment: the demo must behave the same everywhere.
const server = new PvaServer({ config: loopbackConfig(), tcpOnly: true });
const pv = new SharedPV();
pv.open(frame(0));
server.addPV(PV, pv);
await server.start();
// broadcastPort 0: the client's beacon listener takes a free port instead of 5076.
const client = new PvaClient({ config: loopbackConfig({ nameServers: [`127.0.0.1:${server.tcpPort}`] }) });

const problems: string[] = [];
const report = (what: string, text: string) => console.log(`  ${what.padEnd(8)} ${text}`);
console.log(
  `pvastream demo: ${PV} (NTNDArray ${WIDTH}x${HEIGHT} uint16) on 127.0.0.1:${server.tcpPort}, TCP only`,
);
try {
  const type = await client.info(PV);
  if (!isNT(type, "NTNDArray")) problems.push(`info: type is not NTNDArray`);
  report("info", type.kind === "structure" ? `${type.id}, ${type.fields.length} fields` : type.kind);

  let t0 = performance.now();
  const got = await client.get(PV);
  const bad = check(got.value, 0);
  if (bad) problems.push(`get: ${bad}`);
  report("get", `frame 0 in ${(performance.now() - t0).toFixed(1)} ms: ${bad || "every pixel matches"}`);

  const sub = client.monitor(PV, { queueSize: 4, signal: AbortSignal.timeout(20_000) });
  let seen = 0;
  let next = 1;
  t0 = performance.now();
  for await (const ev of sub) {
    if (ev.kind !== "data") continue;
    const id = readNTNDArray(ev.value).uniqueId;
    const wrong = check(ev.value, id);
    if (wrong) problems.push(`monitor frame ${id}: ${wrong}`);
    seen++;
    if (id === FRAMES) break;
    if (next <= FRAMES) pv.post(frame(next++).value);
  }
  sub.close();
  const ms = performance.now() - t0;
  report(
    "monitor",
    `${seen} updates (frames 0..${FRAMES}) in ${ms.toFixed(1)} ms, each checked pixel by pixel`,
  );
} catch (e) {
  problems.push((e as Error).message);
} finally {
  await client.close();
  server.close();
  pv.close();
}
for (const p of problems) console.log(`  FAILED   ${p}`);
console.log(problems.length === 0 ? "OK" : `${problems.length} problem(s)`);
Deno.exit(problems.length === 0 ? 0 : 1);
