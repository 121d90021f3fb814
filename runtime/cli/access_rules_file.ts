/**
 * `--access-rules FILE`, which every tool that hosts channels takes: the file read and parsed once at
 * start, a mistake in it reported with the file's name and the line.
 *
 * @module
 */
import { AccessRules, AccessRulesError } from "../../protocol/pva/server/access_rules.ts";
import { UsageError } from "./args.ts";

/**
 * Reads and parses the access rules file at `path`.
 * @throws UsageError naming the file (and the line) when it cannot be read or is wrong
 * @example
 * ```ts ignore
 * const server = new PvaServer({ access: await readAccessRules("beamline.acf") });
 * ```
 */
export async function readAccessRules(path: string): Promise<AccessRules> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new UsageError(`--access-rules ${path}: ${(e as Error).message}`);
  }
  try {
    return AccessRules.parse(text);
  } catch (e) {
    if (e instanceof AccessRulesError) throw new UsageError(`--access-rules ${path}: ${e.message}`);
    throw e;
  }
}
