/**
 * End to end: builds the page with Vite, serves it on localhost, drives Debian's Chromium
 * headless through playwright-core with WebGPU on SwiftShader, waits for a few training
 * steps, and checks that the loss fell, tokens/s is shown and the screenshot is not empty.
 * Needs `chromium` (the binary starts) and `webgpu` (the page gets an adapter): skips, saying
 * why, without them, and fails where GFT_REQUIRE declares them.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumPath, type Need, needs } from '@gft/core/testing';
import { type BrowserContext, chromium } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GftProgress } from './main.js';
import { type StaticServer, serveStatic } from './static-server.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = chromiumPath();
const STEPS = 4;
const FLAGS = [
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const PROBE_PAGE = `<!doctype html><script>
  window.probe = (async () => {
    if (!navigator.gpu) return 'navigator.gpu is undefined';
    const adapter = await navigator.gpu.requestAdapter();
    return adapter ? '' : 'navigator.gpu.requestAdapter() returned null';
  })();
</script>`;

let context: BrowserContext | undefined;
let server: StaticServer | undefined;
let profile: string | undefined;

async function cleanup(): Promise<void> {
  await context?.close();
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
}

/**
 * Launches Chromium and asks a localhost page for an adapter: why the browser did not start,
 * or why it has no adapter ('' each when fine).
 */
async function probe(): Promise<{ browser: string; adapter: string }> {
  if (!existsSync(CHROMIUM)) return { browser: `no Chromium at ${CHROMIUM}`, adapter: '' };
  try {
    profile = mkdtempSync(join(tmpdir(), 'gft-chromium-'));
    server = await serveStatic(join(ROOT, 'dist'), { '/__probe': PROBE_PAGE });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/__probe`);
    const reason = await page.evaluate(
      () => (window as unknown as { probe: Promise<string> }).probe,
    );
    await page.close();
    return { browser: '', adapter: reason ? `Chromium has no WebGPU adapter: ${reason}` : '' };
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return { browser: `Chromium could not be started: ${why}`, adapter: '' };
  }
}

const found = await probe();
if (found.browser || found.adapter) await cleanup();
const need: Need = [
  needs('chromium', () => found.browser || undefined),
  needs('webgpu', () => found.adapter || undefined),
].find((n) => !n.ok) ?? { ok: true, reason: '', title: (title) => title };

describe.skipIf(!need.ok)(need.title('browser example'), () => {
  beforeAll(async () => {
    await build({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
  });
  afterAll(cleanup);

  it(`fine-tunes tiny with LoRA in the tab: the loss falls over ${STEPS} steps`, async () => {
    if (!context || !server) throw new Error('probe left no browser');
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    // An uncaught error in the page ends the wait at once instead of at the timeout.
    const pageFailed = new Promise<never>((_, reject) =>
      page.on('pageerror', (e) => {
        consoleErrors.push(e.message);
        reject(new Error(`page error: ${e.message}`));
      }),
    );
    pageFailed.catch(() => undefined);
    await page.goto(`${server.url}/?steps=${STEPS}`);
    const progressed = page.waitForFunction(
      (n) => {
        const p = (window as unknown as { gftProgress?: GftProgress }).gftProgress;
        return p !== undefined && (p.error !== undefined || p.steps.length >= n);
      },
      STEPS,
      { timeout: 240_000, polling: 500 },
    );
    await Promise.race([progressed, pageFailed]);
    const progress = await page.evaluate(
      () => (window as unknown as { gftProgress: GftProgress }).gftProgress,
    );
    const stats = await page.textContent('#stats');
    const shot = await page.screenshot({ fullPage: true });
    mkdirSync(join(ROOT, '.vitest'), { recursive: true });
    writeFileSync(join(ROOT, '.vitest', 'browser-example.png'), shot);
    const losses = progress.steps.map((s) => s.loss);
    console.log(`adapter: ${progress.adapter}`);
    console.log(`losses: ${losses.map((l) => l.toFixed(4)).join(' -> ')}`);
    console.log(`stats: ${stats}`);
    console.log(`screenshot: ${shot.length} bytes (.vitest/browser-example.png)`);
    expect(progress.error).toBeUndefined();
    expect(consoleErrors).toEqual([]);
    expect(progress.adapter).toMatch(/swiftshader|google/i);
    expect(losses.length).toBeGreaterThanOrEqual(STEPS);
    // Batches alternate between two fixed groups: compare the same batch a cycle apart.
    expect(losses[2]).toBeLessThan(losses[0]);
    expect(losses[3]).toBeLessThan(losses[1]);
    expect(stats).toMatch(/tokens\/s/);
    // A PNG of a rendered page: signature, and far more than an empty image's few hundred bytes.
    expect(shot.subarray(1, 4).toString()).toBe('PNG');
    expect(shot.length).toBeGreaterThan(5000);
    await page.close();
  });
});
