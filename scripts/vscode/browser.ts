/**
 * Headless Chromium (the system's, driven by playwright-core) for the VS Code tests, with a
 * fresh profile each time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { BROWSER_REQUIREMENTS, chromiumPath, ensureSystemPackages } from './systemPackages';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface HeadlessBrowser {
  context: BrowserContext;
  /** Closes the browser and deletes its profile. */
  close(): Promise<void>;
}

/** Launches headless Chromium with a new, empty profile and a window of `width`×`height`. */
export async function launchBrowser(width = 1400, height = 900): Promise<HeadlessBrowser> {
  ensureSystemPackages(BROWSER_REQUIREMENTS);
  const profile = mkdtempSync(join(tmpdir(), 'rnn-lab-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width, height },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
