// Test support: Debian's Chromium for browser tests, or a plain message saying why they were skipped.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

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
