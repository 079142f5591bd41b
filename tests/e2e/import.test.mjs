// The import wizard in the real window: a class list saved by LibreOffice (title rows, a bad
// date and a bad phone in one row) is previewed, imported with "create classes" and "skip
// bad rows", and the students are then found by search.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { openApp, shown, type, screenshot, rowsWith } from './session.mjs';

const fixture = fileURLToPath(new URL('./fixtures/class-list.xlsx', import.meta.url));
let browser;

before(async () => {
  browser = await openApp();
  // This file may run on a fresh data folder: set the school up if asked.
  await browser.waitUntil(async () => (await browser.$('[data-testid="setup-form"]').isDisplayed()) ||
    (await browser.$('[data-testid="nav-students"]').isDisplayed()), { timeout: 15000 });
  if (await browser.$('[data-testid="setup-form"]').isDisplayed()) {
    await type(browser, '#setup-name', 'Green Valley School');
    await (await browser.$('#setup-country')).selectByAttribute('value', 'KE');
    await (await browser.$('[data-testid="setup-submit"]')).click();
    await shown(browser, '[data-testid="nav-students"]');
  }
});

after(async () => {
  await browser?.deleteSession();
});

async function text(selector) {
  return (await shown(browser, selector)).getText();
}

test('a class list is previewed with its problems and imported', async () => {
  await (await shown(browser, '[data-testid="nav-import-export"]')).click();
  await (await shown(browser, '[data-testid="import-start"]')).click();
  await shown(browser, '[data-testid="import-wizard"]');
  // The native open dialog cannot be driven; the wizard takes the path from this hook.
  await browser.execute((p) => { window.__ROLLBOOK_E2E_IMPORT_PATH__ = p; }, fixture);
  await (await shown(browser, '[data-testid="import-choose"]')).click();

  await shown(browser, '[data-testid="import-columns"]');
  const fieldOf = async (letter) =>
    (await browser.$(`[data-testid="import-column-field"][data-column="${letter}"]`)).getValue();
  assert.equal(await fieldOf('A'), 'admission_no', '"Adm. No." is the admission number');
  assert.equal(await fieldOf('B'), 'full_name');
  assert.equal(await fieldOf('F'), 'guardian_phone', '"Mobile No." is a phone');
  await screenshot(browser, '05-import-columns');
  await (await shown(browser, '[data-testid="import-next"]')).click();

  await shown(browser, '[data-testid="import-counts"]');
  assert.match(await text('[data-testid="import-count-insert"]'), /3/);
  assert.match(await text('[data-testid="import-count-error"]'), /1/);
  assert.match(await text('[data-testid="import-missing-classes"]'), /Grade 6 A/);
  const bad = await rowsWith(browser, '[data-testid="import-row"]', 'GV-0104');
  assert.equal(bad.length, 1);
  const badText = bad[0];
  assert.match(badText, /31\/02\/2016/);
  assert.match(badText, /not a phone number/);
  await (await browser.$('#import-create-classes')).click();
  await (await browser.$('#import-skip-bad')).click();
  await screenshot(browser, '06-import-preview');
  const next = await browser.$('[data-testid="import-next"]');
  await next.waitForEnabled({ timeout: 15000 });
  await next.click();

  await (await shown(browser, '[data-testid="import-run"]')).click();
  const summary = await shown(browser, '[data-testid="import-summary"]');
  await browser.waitUntil(async () => (await summary.getAttribute('data-committed')) === 'true', {
    timeoutMsg: 'the import committed',
  });
  assert.match(await text('[data-testid="import-summary-inserted"]'), /3/);
  assert.match(await text('[data-testid="import-summary-skipped"]'), /1/);
  await screenshot(browser, '07-import-summary');
});

test('the imported students are found and the import is in the history', async () => {
  await (await shown(browser, '[data-testid="nav-students"]')).click();
  await type(browser, '[data-testid="student-search"]', 'achi');
  await browser.waitUntil(async () => (await rowsWith(browser, '[data-testid="student-row"]', 'Achieng Otieno')).length === 1, {
    timeoutMsg: 'Achieng Otieno is found',
  });
  const [row] = await rowsWith(browser, '[data-testid="student-row"]', 'Achieng Otieno');
  assert.match(row, /Grade 5 B/);
  assert.match(row, /Peter Otieno/, 'the father named in the file, not another parent with that phone');

  // The wizard keeps its summary until it is closed.
  await (await shown(browser, '[data-testid="nav-import-export"]')).click();
  await (await shown(browser, '[data-testid="import-close"]')).click();
  await browser.waitUntil(async () => (await rowsWith(browser, '[data-testid="import-history-row"]', 'class-list.xlsx')).length === 1, {
    timeoutMsg: 'the import is in the history',
  });
  await screenshot(browser, '08-import-history');
});
