/**
 * scripts/ad-sim-server.ts as a subprocess: its final summary, report lines, a clean stop on SIGINT,
 * and exit status 2 for a bad command line.
 */
import assert from "node:assert/strict";
import { epicsEnv, freePorts } from "../../interop/peers.ts";
import { within } from "../../support/within.ts";

const ROOT = new URL("../../../", import.meta.url).pathname;

function simCommand(args: string[], opts: { stdout?: "piped" | "null" } = {}): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/ad-sim-server.ts", ...args],
    env: epicsEnv(freePorts()),
    cwd: ROOT,
    stdin: "null",
    stdout: opts.stdout ?? "piped",
    stderr: "piped",
  });
}

Deno.test("a 1 s run at 50 frames/s prints report lines and the summary", async () => {
  const out = await within(
    simCommand([
      "-cn",
      "cli:image",
      "-fps",
      "50",
      "-rt",
      "1",
      "-std",
      "0",
      "-shd",
      "0",
      "-nx",
      "16",
      "-ny",
      "8",
      "-rp",
      "10",
    ])
      .output(),
    60_000,
    "the simulator",
  );
  const stdout = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const reports = stdout.split("\n").filter((l) => l.startsWith("Published frame id"));
  assert.deepEqual(reports.map((l) => Number(/id +(\d+)/.exec(l)![1])), [10, 20, 30, 40, 50]);
  assert.match(stdout, /^Serving cli:image on TCP port \d+; first frame in 0 s at 50 fps$/m);
  assert.match(stdout, /^Published frames: +51 @ (\d+\.\d{4}) fps$/m);
  const fps = Number(/^Published frames: +51 @ (\S+) fps$/m.exec(stdout)![1]);
  // Never faster than asked (within the timer slack); a loaded machine may be late.
  assert.ok(fps > 30 && fps <= 50.1, `${fps} fps\n${stdout}`);
  const mbps = Number(/^Data rate: (\S+) MBps$/m.exec(stdout)![1]);
  assert.ok(Math.abs(mbps - fps * 128 / 1e6) < 1e-4, `${mbps} MB/s for 128-byte frames at ${fps} fps`);
  assert.match(stdout, /^Not delivered: 51 \(no subscriber: 51, all subscriber queues full: 0\)$/m);
  const runtime = Number(/^Server runtime: (\S+) seconds$/m.exec(stdout)![1]);
  assert.ok(Math.abs(runtime - 50 / fps) < 0.01, `${runtime} s for 50 intervals at ${fps} fps`);
});

Deno.test("SIGINT ends publishing, the summary is printed, exit status 0", async () => {
  const child = simCommand([
    "-fps",
    "100",
    "-rt",
    "0",
    "-std",
    "0",
    "-shd",
    "0",
    "-nx",
    "8",
    "-ny",
    "8",
    "-rp",
    "20",
  ])
    .spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  try {
    await within(
      (async () => {
        while (!text.includes("Published frame id     20")) {
          const { value, done } = await reader.read();
          if (done) throw new Error(`exited early:\n${text}`);
          text += value;
        }
      })(),
      60_000,
      "20 frames",
    );
    child.kill("SIGINT");
    for (;;) {
      const { value, done } = await within(reader.read(), 10_000, "the summary");
      if (done) break;
      text += value;
    }
  } finally {
    reader.releaseLock();
  }
  const status = await within(child.status, 10_000, "exit");
  await child.stderr.cancel();
  assert.equal(status.code, 0);
  const published = Number(/^Published frames: +(\d+) @/m.exec(text)![1]);
  assert.ok(published >= 20, text);
});

Deno.test("a bad command line exits with status 2 and names the option", async () => {
  for (
    const [args, pattern] of [
      [["--frame-rat", "5"], /unknown option '--frame-rat'/],
      [["--datatype", "int64"], /--datatype wants one of int8, .*, not 'int64'/],
      [["-fps", "-1"], /--frame-rate wants a number >= 0, not '-1'/],
    ] as const
  ) {
    const out = await simCommand([...args], { stdout: "null" }).output();
    assert.equal(out.code, 2, args.join(" "));
    assert.match(new TextDecoder().decode(out.stderr), pattern);
  }
});

Deno.test("--help prints every option and exits 0", async () => {
  const out = await simCommand(["--help"]).output();
  assert.equal(out.code, 0);
  const text = new TextDecoder().decode(out.stdout);
  assert.match(text, /^usage: ad-sim-server/);
  assert.match(text, /-fps, --frame-rate VALUE +frames per second; 0 = unpaced \(default: 20\)/);
});

Deno.test("an input file that cannot be read exits with status 1 naming it", async () => {
  const out = await simCommand(["--input-file", "/nonexistent/frames.npy", "-std", "0"], { stdout: "null" })
    .output();
  assert.equal(out.code, 1);
  assert.match(new TextDecoder().decode(out.stderr), /\/nonexistent\/frames\.npy: cannot read/);
});
