/**
 * A YAML document read with its line numbers, so that every complaint about a value can say where the
 * value is (`stages[2].options.frame-rate`, line 14).
 *
 * @module
 */
import { isMap, isSeq, LineCounter, type Node, parseDocument } from "yaml";

/** A path into a YAML document: mapping keys and sequence indexes. */
export type YamlPath = readonly (string | number)[];

/** One problem in a YAML file: where it is and what is wrong. */
export interface YamlIssue {
  /** Path of the value at fault, e.g. `stages[2].options.frame-rate`; empty for the whole file. */
  path: string;
  /** 1-based line of that value (of its key, for a mapping entry), when known. */
  line?: number;
  /** What is wrong. */
  message: string;
}

/** A parsed YAML file: its plain value, and the line of any path in it. */
export interface YamlSource {
  /** The document as plain JavaScript (mappings as objects, sequences as arrays). */
  value: unknown;
  /** The 1-based line where `path` is written, or the nearest enclosing value's line. */
  lineOf(path: YamlPath): number | undefined;
}

/**
 * Formats a path as it is written in messages: `stages[2].options.frame-rate`.
 * @example
 * ```ts
 * import { formatPath } from "./yaml_source.ts";
 * formatPath(["stages", 2, "options", "frame-rate"]); // "stages[2].options.frame-rate"
 * ```
 */
export function formatPath(path: YamlPath): string {
  return path.map((p, i) => typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`).join("");
}

/**
 * Parses `text`; syntax errors come back as issues with their line, nothing is thrown.
 * @example
 * ```ts
 * import { readYaml } from "./yaml_source.ts";
 * const r = readYaml("stages:\n  - name: sim\n");
 * "source" in r && r.source.lineOf(["stages", 0, "name"]); // 2
 * ```
 */
export function readYaml(text: string): { source: YamlSource } | { issues: YamlIssue[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      // The message's first line, without the position (given as the line) or the excerpt after it.
      issues: doc.errors.map((e) => ({
        path: "",
        line: e.linePos?.[0].line,
        message: e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, ""),
      })),
    };
  }
  const lineOf = (path: YamlPath): number | undefined => {
    let node = doc.contents as Node | null;
    let offset = node?.range?.[0];
    for (const step of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === step);
        if (!pair) break;
        offset = (pair.key as Node).range?.[0] ?? offset;
        node = pair.value as Node | null;
      } else if (isSeq(node) && typeof step === "number" && step < node.items.length) {
        node = node.items[step] as Node | null;
        offset = node?.range?.[0] ?? offset;
      } else break;
    }
    return offset === undefined ? undefined : lines.linePos(offset).line;
  };
  return { source: { value: doc.toJS(), lineOf } };
}
