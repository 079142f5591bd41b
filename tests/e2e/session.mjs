// One WebDriver session on the real app window, and small helpers for the tests.
import { remote } from 'webdriverio';
import { existsSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/** The id of the focused element ('' when none). */
export async function focusedId(browser) {
  return browser.execute(() => document.activeElement?.id ?? '');
}

/** Waits until the element with `id` has the focus. */
export async function waitFocus(browser, id, message) {
  await browser.waitUntil(async () => (await focusedId(browser)) === id, {
    timeoutMsg: `${message} (the focus is on "${await focusedId(browser)}")`,
  });
}

/** Types `text` one key at a time (`browser.keys` holds every key of one call down together,
 * so a repeated character would be pressed once). */
export async function typeKeys(browser, text) {
  for (const ch of text) await browser.keys(ch);
}

/** Applies the page's print rules on screen while `fn` runs, to see (and screenshot) what
 * would print. */
export async function asPrinted(browser, fn) {
  await browser.execute(() => {
    const style = document.createElement('style');
    style.id = 'e2e-print-view';
    document.head.appendChild(style);
    for (const sheet of [...document.styleSheets]) {
      if (sheet.ownerNode === style) continue;
      for (const rule of [...sheet.cssRules]) {
        if (rule instanceof CSSMediaRule && rule.media.mediaText.includes('print')) {
          for (const inner of [...rule.cssRules]) style.sheet.insertRule(inner.cssText, style.sheet.cssRules.length);
        }
      }
    }
    window.scrollTo(0, 0);
  });
  try {
    await fn();
  } finally {
    await browser.execute(() => document.getElementById('e2e-print-view')?.remove());
  }
}

/**
 * Runs `action` (a click or key that saves a file) with the save dialog answered by a new
 * path named `fileName`, waits for the file to be written, and returns its path.
 */
export async function savedThroughDialog(browser, fileName, action) {
  const out = join(mkdtempSync(join(tmpdir(), 'rollbook-e2e-')), fileName);
  await browser.execute((p) => {
    window.__ROLLBOOK_E2E_SAVE_PATH__ = p;
  }, out);
  try {
    await action();
    await browser.waitUntil(async () => existsSync(out) && statSync(out).size > 0, {
      timeoutMsg: `${fileName} is written where the save dialog said`,
    });
  } finally {
    await browser.execute(() => {
      delete window.__ROLLBOOK_E2E_SAVE_PATH__;
    });
  }
  return out;
}
