import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';

/** Where the browser tests look for Chromium (Debian's `chromium` package); `ES_CHROMIUM` overrides it. */
export const CHROMIUM_PATH = process.env.ES_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Decides whether the browser tests run. Chromium present: true. Missing outside CI: prints one
 * line saying which tests are skipped and why, and returns false. Missing with `CI=true`: throws,
 * so a missing browser fails the run instead of passing silently.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const message = `chromium is not installed at ${CHROMIUM_PATH}`;
  if (process.env.CI === 'true') {
    throw new Error(`${message}; CI requires it (apt-get install chromium, or set ES_CHROMIUM)`);
  }
  console.warn(`skipping browser tests: ${message} (install it with apt-get install chromium)`);
  return false;
}

/**
 * Starts headless Chromium with a fresh profile and without the background services that stall
 * it on a closed network.
 */
export async function launchChromium(): Promise<Browser> {
  const { launch } = await import('puppeteer-core');
  return launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    protocolTimeout: 30_000,
    timeout: 20_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${mkdtempSync(join(tmpdir(), 'es-gen-chromium-'))}`,
    ],
  });
}
