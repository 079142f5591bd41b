// One WebDriver session on the real app window, and small helpers for the tests.
import { remote } from 'webdriverio';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const artifacts = join(here, 'artifacts');

export async function openApp() {
  const browser = await remote({
    hostname: '127.0.0.1',
    port: Number(process.env.WEBDRIVER_PORT ?? 4444),
    logLevel: 'error',
    capabilities: { 'tauri:options': { application: process.env.ROLLBOOK_APP } },
    waitforTimeout: 15000,
  });
  return browser;
}

/** Waits for `selector` to be displayed and returns it. */
export async function shown(browser, selector, timeout = 15000) {
  const el = await browser.$(selector);
  await el.waitForDisplayed({ timeout });
  return el;
}

/** Replaces the value of an input, as a person selecting all and typing would. */
export async function type(browser, selector, text) {
  const el = await shown(browser, selector);
  await el.click();
  await el.clearValue();
  await el.addValue(text);
  return el;
}

/** Saves a screenshot after the frame has settled. */
export async function screenshot(browser, name) {
  mkdirSync(artifacts, { recursive: true });
  await browser.pause(400);
  await browser.saveScreenshot(join(artifacts, `${name}.png`));
}

/**
 * The text of every element matching `selector`, read in one step inside the page: a list
 * that re-renders while it is read (as-you-type search) cannot leave a stale element behind
 * for WebDriver to wait on.
 */
export async function textsOf(browser, selector) {
  return browser.execute((sel) => [...document.querySelectorAll(sel)].map((e) => e.innerText), selector);
}

/** The texts of the elements matching `selector` that include `text`. */
export async function rowsWith(browser, selector, text) {
  return (await textsOf(browser, selector)).filter((t) => t.includes(text));
}
