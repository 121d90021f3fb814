/**
 * Process isolation: the processor runs in a child Deno process with the granted `--allow-*`
 * flags and its own heap limit; messages cross its standard input and output in the framing of
 * `wire.ts`. Pipes need no permission in the child, where a socket back to the host would need
 * a network or file grant the processor could then use.
 *
 * @module
 */
import { entryUrl } from "./entry.ts";
import type { LinkEvents, LinkSpec, SandboxLink } from "./link.ts";
import { permissionFlags } from "./permissions.ts";
import { isSandboxReply } from "./messages.ts";
import { encodeMessage, MessageReader } from "./wire.ts";

/** Terminal colour codes, which Deno may put around "error" (built here: lint refuses the escape in a literal). */
const COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

/** Largest reply accepted from a child. */
const MAX_REPLY = 2 ** 32 - 1;
/** Reply bytes that may always be allocated before they arrive. */
const MIN_UPFRONT = 1 << 20;

/** Starts a processor in a child Deno process. */
export function openProcessLink(spec: LinkSpec, events: LinkEvents): SandboxLink {
  const v8 = spec.memoryMb ? [`--v8-flags=--max-old-space-size=${spec.memoryMb}`] : [];
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...configFlag(spec.processorUrl),
      // Without it, a processor's attempt at a Worker ends the process instead of being denied.
      "--unstable-worker-options",
      ...permissionFlags(spec.permissions),
      ...v8,
      entryUrl(spec, "process"),
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  let open = true;
  const end = (reason: string) => {
    if (!open) return;
    open = false;
    kill();
    events.exit(reason);
  };
  const kill = () => {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  };
  // Replies come from untrusted code: only about as much as the last request carried is
  // allocated before it arrives.
  let upfront = MIN_UPFRONT;
  (async () => {
    const stdout = child.stdout.getReader({ mode: "byob" });
    const reader = new MessageReader(async (view) => {
      // At the end a BYOB read still hands back the (empty) view, with done set.
      const { value, done } = await stdout.read(view);
      return done || !value ? null : { bytes: value.byteLength, buffer: value.buffer as ArrayBuffer };
    }, MAX_REPLY);
    try {
      for (let m = await reader.next(upfront); m !== null; m = await reader.next(upfront)) {
        if (!isSandboxReply(m)) return end("it sent a malformed message");
        events.reply(m);
      }
    } catch (e) {
      end(`unreadable output: ${e instanceof Error ? e.message : e}`);
    }
  })();
  // Deno prints an uncaught error on standard error as "error: Uncaught ..."; the last such line
  // says why the child died, which its exit code alone does not.
  let uncaught = "";
  const stderrDone = logLines(child.stderr, (line) => {
    const plain = line.replace(COLOUR, "");
    if (plain.startsWith("error: ")) uncaught = plain.slice("error: ".length);
    spec.logger.info("processor output", { line, processor: spec.processorUrl });
  });
  Promise.all([child.status, stderrDone.catch(() => {})]).then(([s]) =>
    end(
      `${s.signal ? `killed by ${s.signal}` : `exited with code ${s.code}`}${
        uncaught ? `: ${uncaught}` : ""
      }`,
    )
  );
  return {
    send: (req) => {
      const chunks = encodeMessage(req);
      upfront = Math.max(MIN_UPFRONT, 2 * chunks.reduce((n, c) => n + c.length, 0));
      for (const c of chunks) writer.write(c).catch(() => end("its input closed"));
    },
    close: async () => {
      open = false;
      kill();
      await child.status;
    },
  };
}

async function logLines(stream: ReadableStream<Uint8Array>, line: (text: string) => void): Promise<void> {
  let rest = "";
  for await (const text of stream.pipeThrough(new TextDecoderStream())) {
    const lines = (rest + text).split("\n");
    rest = lines.pop()!;
    for (const l of lines) line(l);
  }
  if (rest) line(rest);
}

/**
 * The processor's own deno.json (the nearest one above it), for its import map: a `data:`
 * entry module finds no configuration by itself.
 */
function configFlag(processorUrl: string): string[] {
  if (!processorUrl.startsWith("file:")) return ["--no-config"];
  for (let dir = new URL(".", processorUrl); dir.pathname !== "/"; dir = new URL("..", dir)) {
    for (const name of ["deno.json", "deno.jsonc"]) {
      const path = new URL(name, dir).pathname;
      try {
        if (Deno.statSync(path).isFile) return ["--config", path];
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
    }
  }
  return ["--no-config"];
}
