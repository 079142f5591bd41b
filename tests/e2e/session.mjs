// One WebDriver session on the real app window, and small helpers for the tests.
import { remote } from 'webdriverio';
import { existsSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const artifacts = join(here, 'artifacts');

/** The school's administrator, added at first-run setup (foundation.test.mjs). */
export const ADMIN = { name: 'Mrs. Iyer', pin: '4829' };

/**
 * Opens the app in a new window. Once the school has users the app starts at the sign-in
 * screen: the administrator signs in, so each test file starts in the app as before.
 */
export async function openApp() {
  const browser = await remote({
    hostname: '127.0.0.1',
    port: Number(process.env.WEBDRIVER_PORT ?? 4444),
    logLevel: 'error',
    capabilities: { 'tauri:options': { application: process.env.ROLLBOOK_APP } },
    waitforTimeout: 15000,
  });
  const first = ['[data-testid="setup-form"]', '[data-testid="lock-screen"]', '[data-testid="nav-students"]'];
  let showing = '';
  await browser.waitUntil(
    async () => {
      for (const sel of first) {
        const el = await browser.$(sel);
        if ((await el.isExisting()) && (await el.isDisplayed())) {
          showing = sel;
          return true;
        }
      }
      return false;
    },
    { timeout: 30000, timeoutMsg: 'the app shows setup, the sign-in screen or its pages' },
  );
  if (showing.includes('lock-screen')) await signIn(browser, ADMIN.name, ADMIN.pin);
  return browser;
}

/**
 * Signs `name` in on the lock screen with `pin` (picking them from "Switch user" when
 * someone else is asked for), and waits for the app to show.
 */
export async function signIn(browser, name, pin) {
  await shown(browser, '[data-testid="lock-screen"]');
  const heading = await (await shown(browser, '[data-testid="lock-user"]')).getText();
  if (!heading.includes(name)) {
    const list = await browser.$('[data-testid="lock-user-list"]');
    if (!(await list.isExisting())) await (await shown(browser, '[data-testid="lock-switch"]')).click();
    const options = await browser.$$('[data-testid="lock-user-option"]');
    let picked = false;
    for (const option of options) {
      if ((await option.getText()).includes(name)) {
        await option.click();
        picked = true;
        break;
      }
    }
    if (!picked) throw new Error(`${name} is not on the sign-in list`);
    await browser.waitUntil(async () => (await (await browser.$('[data-testid="lock-user"]')).getText()).includes(name), {
      timeoutMsg: `the sign-in screen asks for ${name}'s PIN`,
    });
  }
  await waitFocus(browser, 'lock-pin', 'the PIN box has the cursor');
  await typeKeys(browser, pin);
  await browser.keys('Enter');
  await browser.waitUntil(async () => !(await browser.$('[data-testid="lock-screen"]').isExisting()), {
    timeout: 20000,
    timeoutMsg: `${name} is signed in`,
  });
  await shown(browser, '[data-testid="nav-students"]');
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
