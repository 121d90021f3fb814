/**
 * A real headless browser for the dashboard tests: Debian's chromium driven by playwright-core, which
 * never downloads a browser of its own. Without chromium the tests are ignored with a message, except
 * under CI (`CI` set), where that is a failure: .ci/run installs it.
 *
 * @module
 */
import { type Browser, chromium } from "playwright-core";

const INSTALL_HINT = "install it with `apt-get install chromium` or set PVASTREAM_CHROMIUM";

/** The chromium binary: `PVASTREAM_CHROMIUM`, else /usr/bin/chromium, else null. */
export function chromiumPath(): string | null {
  const path = Deno.env.get("PVASTREAM_CHROMIUM") ?? "/usr/bin/chromium";
  try {
    return Deno.statSync(path).isFile ? path : null;
  } catch {
    return null;
  }
}

/**
 * Whether browser tests can run; for use as a test's `ignore` condition.
 * @throws {Error} under CI when chromium is missing
 */
export function requireChromium(what: string): boolean {
  if (chromiumPath() !== null) return true;
  if (Deno.env.get("CI")) throw new Error(`chromium missing for ${what}: ${INSTALL_HINT}`);
  console.log(`%cignoring ${what}: chromium missing; ${INSTALL_HINT}`, "color: yellow");
  return false;
}

/** Launches headless chromium (no sandbox: CI containers run as root). */
export function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (executablePath === null) throw new Error(`chromium missing: ${INSTALL_HINT}`);
  return chromium.launch({ executablePath, args: ["--no-sandbox"], timeout: 15_000 });
}
