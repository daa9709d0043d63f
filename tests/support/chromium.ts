// Test support: Debian's Chromium for browser tests, or a plain message saying why they were skipped.
import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Whether the browser tests can run here. CI sets REQUIRE_BROWSER_TESTS: there a missing browser is a failure. */
export const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  if (process.env.REQUIRE_BROWSER_TESTS) throw new Error(`browser tests required but Chromium was not found at ${CHROMIUM}`);
  console.warn(`browser tests skipped: Chromium not found at ${CHROMIUM} (install Debian's chromium; .ci/run does)`);
}

/** Headless Chromium that stays off the network except for the pages a test opens. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface TrackedPage {
  page: Page;
  /** Console errors and uncaught page errors, and (if asked) responses of 400 and above. */
  errors: string[];
}

/**
 * A page in a fresh context (its own storage), pushed onto `contexts` for the suite to close, with errors collected.
 * `httpErrors` also records failed responses, by path or by whole URL.
 */
export async function openTrackedPage(
  browser: Browser,
  contexts: BrowserContext[],
  options: { width: number; height: number; timeoutMs: number; httpErrors?: 'path' | 'url' },
): Promise<TrackedPage> {
  const context = await browser.newContext({ viewport: { width: options.width, height: options.height } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(options.timeoutMs);
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  const mode = options.httpErrors;
  if (mode)
    page.on('response', (r) => {
      if (r.status() >= 400) errors.push(`${r.status()} ${mode === 'path' ? new URL(r.url()).pathname : r.url()}`);
    });
  return { page, errors };
}
