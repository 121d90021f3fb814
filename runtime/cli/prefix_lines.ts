/**
 * A child process's output as lines with a prefix (`[consumer 2] `, `[sim] `), so that several
 * processes can share one terminal and every line says whose it is.
 *
 * @module
 */

/**
 * Reads `stream` to its end and hands each line, prefixed, to `write` (a last line without a newline
 * included).
 * @example
 * ```ts ignore
 * const child = new Deno.Command("deno", { args: ["--version"], stdout: "piped" }).spawn();
 * await prefixLines(child.stdout, "[deno] ", (line) => console.log(line));
 * ```
 */
export async function prefixLines(
  stream: ReadableStream<Uint8Array>,
  prefix: string,
  write: (line: string) => void,
): Promise<void> {
  let rest = "";
  for await (const text of stream.pipeThrough(new TextDecoderStream())) {
    const lines = (rest + text).split("\n");
    rest = lines.pop()!;
    for (const line of lines) write(prefix + line);
  }
  if (rest !== "") write(prefix + rest);
}
