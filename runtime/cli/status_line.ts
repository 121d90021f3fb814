/**
 * A tool's running status: on a terminal one line rewritten in place (so a scientist sees
 * rates move without a scrolling wall of text); elsewhere (a log file, a pipe, CI) plain
 * lines at each report.
 *
 * @module
 */

/** Where the status goes and whether it is a terminal. */
export interface StatusTarget {
  /** Writes text as it is (no newline added). */
  write(text: string): void;
  /** True when the target is a terminal. */
  isTerminal: boolean;
  /** Terminal width in columns (lines are cut to fit). */
  columns?: number;
}

/** Standard output as a {@link StatusTarget}. */
export function stdoutTarget(): StatusTarget {
  const encoder = new TextEncoder();
  const isTerminal = Deno.stdout.isTerminal();
  let columns: number | undefined;
  try {
    columns = isTerminal ? Deno.consoleSize().columns : undefined;
  } catch {
    columns = undefined;
  }
  return { write: (t) => Deno.stdout.writeSync(encoder.encode(t)), isTerminal, columns };
}

/**
 * One status line.
 * @example
 * ```ts
 * import { StatusLine } from "./status_line.ts";
 * const out: string[] = [];
 * const line = new StatusLine({ write: (t) => out.push(t), isTerminal: false });
 * line.show("received 10 frames");
 * out; // ["received 10 frames\n"]
 * ```
 */
export class StatusLine {
  readonly #target: StatusTarget;
  #shown = false;

  /** @param target where to write; standard output by default */
  constructor(target: StatusTarget = stdoutTarget()) {
    this.#target = target;
  }

  /** Shows `text`: replaces the line on a terminal, appends a line elsewhere. */
  show(text: string): void {
    if (!this.#target.isTerminal) {
      this.#target.write(`${text}\n`);
      return;
    }
    const width = this.#target.columns ?? 200;
    const cut = text.length > width - 1 ? `${text.slice(0, width - 2)}…` : text;
    // Carriage return, then erase to the end of the line: no colours, so NO_COLOR needs nothing.
    this.#target.write(`\r${cut}\x1b[K`);
    this.#shown = true;
  }

  /** Ends the line so that what follows starts on a fresh one. */
  done(): void {
    if (this.#shown) this.#target.write("\n");
    this.#shown = false;
  }
}
