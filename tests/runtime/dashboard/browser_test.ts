/**
 * The dashboard in a real browser: the process page against a fake stage run as its own process (so that
 * stop is seen to end it), the workflow page over that stage, an in-process RGB stage and a stage that is
 * down. Set PVASTREAM_SCREENSHOT_DIR to a folder to keep screenshots of both pages there (dashboard.png,
 * workflow.png; docs/images/ is made so).
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { within } from "../../support/within.ts";
import { launchChromium, requireChromium } from "./browser.ts";
import { deadStageUrl, startFakeStage } from "./fake_stage.ts";
import { serveHttp } from "../../../runtime/http/mod.ts";
import { renderPreview } from "../../../runtime/preview/mod.ts";

// The callbacks given to page.evaluate and waitForFunction run in the page. What they use is declared here,
// in this module only: the DOM library would change the types of every other file checked with this one.
interface PageElement {
  id: string;
  textContent: string | null;
  nextElementSibling: PageElement | null;
  src: string;
  complete: boolean;
  naturalWidth: number;
  naturalHeight: number;
}
declare const document: {
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
  activeElement: PageElement | null;
  documentElement: PageElement;
};
declare class MutationObserver {
  constructor(callback: () => void);
  observe(target: PageElement | null, options: { childList: boolean }): void;
}
/** What the reset step records in the page: [missed, delivered] at each update. */
type Seen = { seen: number[][] };
declare class OffscreenCanvas {
  constructor(width: number, height: number);
  getContext(kind: "2d"): {
    drawImage(image: unknown, x: number, y: number): void;
    getImageData(x: number, y: number, width: number, height: number): { data: Uint8ClampedArray };
  };
}
declare function getComputedStyle(e: unknown): { fontSize: string; outlineStyle: string };

const screenshots = Deno.env.get("PVASTREAM_SCREENSHOT_DIR");
const FAKE_STAGE = new URL("./fake_stage.ts", import.meta.url).pathname;

/** Starts fake_stage.ts as a process and reads its URL from the READY line. */
async function spawnStage(): Promise<{ child: Deno.ChildProcess; url: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", FAKE_STAGE],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const ready = (async () => {
    for (;;) {
      const { done, value } = await lines.read();
      if (done) throw new Error(`fake stage exited before READY: ${text}`);
      text += value;
      const match = /^READY (\S+)$/m.exec(text);
      if (match) return match[1];
    }
  })();
  const url = await within(ready, 15_000, "the fake stage's READY line");
  lines.releaseLock();
  child.stdout.cancel().catch(() => {});
  return { child, url };
}

/** The text of the `<dd>` after the `<dt>` reading `term` in `list`, as a number (NaN when absent). */
function definition(page: Page, list: string, term: string): Promise<number> {
  return page.evaluate(([l, t]) => {
    const dt = [...document.querySelectorAll(`${l} dt`)].find((e) => e.textContent === t);
    return Number(dt?.nextElementSibling?.textContent ?? NaN);
  }, [list, term]);
}

/** Waits until the `<dd>` of `term` in `list` holds a positive number, checking every frame. */
function waitForPositive(page: Page, list: string, term: string) {
  return page.waitForFunction(
    ([l, t]) => {
      const dt = [...document.querySelectorAll(`${l} dt`)].find((e) => e.textContent === t);
      return Number(dt?.nextElementSibling?.textContent ?? NaN) > 0;
    },
    [list, term],
    { polling: "raf" },
  );
}

Deno.test({
  name: "dashboard in chromium: rates move, the preview changes, configure, reset, stop, workflow page",
  ignore: !requireChromium("the dashboard browser tests"),
}, async (t) => {
  const { child, url } = await spawnStage();
  await using rgb = await startFakeStage({ id: 2, colorMode: 2 });
  await using workflow = await startFakeStage({
    id: 9,
    stages: [
      { name: "detector", kind: "consumer", url },
      { name: "colour", kind: "collector", url: rgb.http.url.href },
      { name: "gone", kind: "collector", url: deadStageUrl() },
    ],
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    // The refused configurations below are answered 400 and 422, which chromium reports on the console.
    const refused = /Failed to load resource: .* status of (400|422) /;
    page.on("console", (m) => {
      if (m.type() === "error" && !refused.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    page.setDefaultTimeout(8000);

    await t.step("the page loads and the rates move", async () => {
      await page.goto(url);
      await page.locator("#connection", { hasText: "live" }).waitFor();
      await page.waitForFunction(() => Number(document.querySelector("#fps")?.textContent) > 0);
      const first = await page.locator("#fps").textContent();
      await page.waitForFunction((before) => document.querySelector("#fps")?.textContent !== before, first);
      assert.ok(
        Number(await page.locator("#mbps").textContent()) > 0,
        "MB/s from the previewed frame's size",
      );
      assert.match(await page.locator("#title").textContent() ?? "", /^consumer 1 · fake:1:image$/);
      assert.equal(await page.locator("#fps-chart canvas").count(), 1);
      assert.ok(await definition(page, "#user-stats", "frames") > 0);
    });

    await t.step("the preview shows a frame whose pixels change", async () => {
      const img = page.locator("#preview");
      await page.waitForFunction(() => document.querySelector("#preview")!.naturalWidth > 0);
      assert.deepEqual(
        await img.evaluate((e: PageElement) => [e.naturalWidth, e.naturalHeight]),
        [256, 192],
      );
      assert.match(await page.locator("#preview-caption").textContent() ?? "", /^640x480 uint16 mono, scale/);
      const before = await img.screenshot();
      const src = await img.getAttribute("src");
      await page.waitForFunction(
        (s) => document.querySelector("#preview")!.src !== s,
        src,
      );
      await page.waitForFunction(() => document.querySelector("#preview")!.complete);
      const after = await img.screenshot();
      assert.notDeepEqual(new Uint8Array(after), new Uint8Array(before));
    });

    if (screenshots !== undefined) {
      // A few seconds of history make the charts worth a picture.
      await page.waitForFunction(() => {
        const dt = [...document.querySelectorAll("#user-stats dt")].find((e) => e.textContent === "frames");
        return Number(dt?.nextElementSibling?.textContent) > 400;
      });
      await page.screenshot({ path: `${screenshots}/dashboard.png`, fullPage: true });
    }

    await t.step("configure checks its JSON, from the keyboard", async () => {
      const message = page.locator("#message");
      await page.locator("#args").fill('{"receiverQueueSize": ');
      await page.locator("#args").focus();
      await page.keyboard.press("Tab");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "configure");
      assert.equal(
        await page.locator("#configure").evaluate((e) => getComputedStyle(e).outlineStyle),
        "solid",
        "keyboard focus is visible",
      );
      await page.keyboard.press("Enter");
      await message.filter({ hasText: /^not JSON: / }).waitFor();
      assert.equal(await page.locator("#args").getAttribute("aria-invalid"), "true");
      await page.locator("#args").fill("[1, 2]");
      await page.locator("#configure").press("Enter");
      await message.filter({ hasText: /must be a JSON object/ }).waitFor();
      await page.locator("#args").fill('{"receiverQueueSize": -1}');
      await page.locator("#configure").press("Enter");
      await message.filter({ hasText: /^receiverQueueSize: / }).waitFor();
      await page.locator("#args").fill('{"refuse": "gain out of range"}');
      await page.locator("#configure").press("Enter");
      await message.filter({ hasText: "Configuration failed: gain out of range" }).waitFor();
      await page.locator("#args").fill('{"receiverQueueSize": 5, "gain": 2}');
      await page.locator("#configure").press("Enter");
      await message.filter({ hasText: "Configuration successful" }).waitFor();
    });

    await t.step("reset zeroes the counters", async () => {
      await waitForPositive(page, "#counters", "missed");
      await waitForPositive(page, "#queue", "delivered");
      await page.evaluate(() => {
        const read = (list: string, term: string) => {
          const dt = [...document.querySelectorAll(`${list} dt`)].find((e) => e.textContent === term);
          return Number(dt?.nextElementSibling?.textContent ?? NaN);
        };
        const seen: number[][] = [];
        (globalThis as unknown as Seen).seen = seen;
        // The queue list is filled after the counters, in the same task.
        new MutationObserver(() => seen.push([read("#counters", "missed"), read("#queue", "delivered")]))
          .observe(document.querySelector("#queue"), { childList: true });
      });
      await page.locator("#reset").click();
      await page.locator("#message", { hasText: "Stats reset successful" }).waitFor();
      // The stage sends a status right after the reset, zeros until frames arrive again: every list the
      // page fills is recorded, so that no update can slip between two looks.
      await page.waitForFunction(() =>
        (globalThis as unknown as Seen).seen.some(([m, d]) => m === 0 && d === 0)
      );
    });

    await t.step("large numbers, from the keyboard and on wide screens", async () => {
      const toggle = page.locator("#large-toggle");
      await toggle.focus();
      await page.keyboard.press("Space");
      assert.equal(await toggle.getAttribute("aria-pressed"), "true");
      assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize), "26px");
      await page.keyboard.press("Space");
      assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize), "16px");
      // A wall screen starts large without the toggle.
      await page.setViewportSize({ width: 2400, height: 900 });
      assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize), "24px");
      await page.setViewportSize({ width: 1400, height: 900 });
    });

    await t.step("the workflow page shows every stage with its rates and a link", async () => {
      const flow = await browser.newPage({ viewport: { width: 1400, height: 700 } });
      flow.on("pageerror", (e) => problems.push(`workflow page error: ${e.message}`));
      await flow.goto(workflow.http.url.href);
      await flow.locator(".stage").nth(2).waitFor();
      assert.deepEqual(
        await flow.locator(".column").evaluateAll((c) => c.map((e) => e.getAttribute("aria-label"))),
        [
          "consumer stage",
          "collector stages",
        ],
      );
      for (const name of ["detector", "colour"]) {
        await waitForPositive(flow, `.stage[data-stage="${name}"]`, "frames/s");
        assert.equal(await flow.locator(`.stage[data-stage="${name}"]`).getAttribute("data-state"), "up");
      }
      assert.equal(await flow.locator('.stage[data-stage="detector"] a').getAttribute("href"), url);
      const gone = flow.locator('.stage[data-stage="gone"]');
      assert.equal(await gone.getAttribute("data-state"), "down");
      assert.match(await gone.locator(".stage-error").textContent() ?? "", /\S/);
      if (screenshots !== undefined) await flow.screenshot({ path: `${screenshots}/workflow.png` });
      await flow.close();
    });

    await t.step("chromium decodes the preview PNG to exactly the pixels rendered", async () => {
      // A still frame on its own server, so that the pixels to expect are known.
      const frame = {
        data: Uint16Array.from({ length: 300 * 200 }, (_, i) => (i * 7919) % 65536),
        shape: [300, 200],
      };
      await using still = await serveHttp({
        port: 0,
        target: { configure() {}, resetStats() {}, getStats() {}, stop() {} },
        status: rgb.feed,
        preview: { latest: () => frame },
      });
      const expected = renderPreview(frame);
      const tab = await browser.newPage();
      await tab.goto(new URL("/api/openapi.json", still.url).href);
      // Hex travels back from the page far faster than an array of numbers.
      const decoded = await tab.evaluate(async () => {
        const bitmap = await createImageBitmap(await (await fetch("/api/preview.png")).blob());
        const context = new OffscreenCanvas(bitmap.width, bitmap.height).getContext("2d");
        context.drawImage(bitmap, 0, 0);
        const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
        return {
          width: bitmap.width,
          height: bitmap.height,
          hex: Array.from(data, (b) => b.toString(16).padStart(2, "0")).join(""),
        };
      });
      await tab.close();
      assert.deepEqual([decoded.width, decoded.height], [expected.width, expected.height]);
      const hex = Array.from(expected.rgba, (b) => b.toString(16).padStart(2, "0")).join("");
      const differs = [...hex].findIndex((c, i) => c !== decoded.hex[i]);
      assert.ok(hex === decoded.hex, `decoded pixels differ from byte ${differs >> 1} on`);
    });

    // Once the stage stops, the page's requests fail, as they should: check for problems before.
    assert.deepEqual(problems, []);

    await t.step("stop stops the process", async () => {
      page.once("dialog", (d) => d.accept());
      await page.locator("#stop").click();
      await page.locator("#message", { hasText: "Stop flag set" }).waitFor();
      const status = await within(child.status, 10_000, "the stopped stage to exit");
      assert.equal(status.code, 0);
      await page.locator("#connection", { hasText: "disconnected" }).waitFor();
    });
  } finally {
    await browser.close();
    try {
      child.kill();
    } catch {
      // Already exited, as it should after stop.
    }
    await child.status;
  }
});
