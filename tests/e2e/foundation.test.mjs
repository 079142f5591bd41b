// First run, a class, a student, and finding the student by typing part of the name: in the
// real Rollbook window, on a fresh data folder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, openApp, shown, type, screenshot, rowsWith, textsOf } from './session.mjs';

let browser;

before(async () => {
  browser = await openApp();
});

after(async () => {
  await browser?.deleteSession();
});

test('first-run setup creates the school', async () => {
  await shown(browser, '[data-testid="setup-form"]');
  // The school name field has the focus: typing goes straight into it.
  const focusedId = await browser.execute(() => document.activeElement?.id);
  assert.equal(focusedId, 'setup-name');
  await type(browser, '#setup-name', 'Green Valley School');
  await (await browser.$('#setup-country')).selectByAttribute('value', 'KE');
  await browser.waitUntil(async () => (await (await browser.$('#setup-currency')).getValue()) === 'KES', {
    timeoutMsg: 'the currency follows the country',
  });
  await screenshot(browser, '01-setup');
  // Last, the administrator: a PIN typed twice that does not match is caught at its field.
  await type(browser, '#setup-admin-name', ADMIN.name);
  await type(browser, '#setup-admin-pin', ADMIN.pin);
  await type(browser, '#setup-admin-pin-again', '1111');
  await (await browser.$('[data-testid="setup-submit"]')).click();
  await shown(browser, '#setup-admin-pin-again-error');
  assert.match(await (await browser.$('#setup-admin-pin-again-error')).getText(), /not the same/);
  assert.equal(await (await browser.$('[data-testid="nav-students"]')).isExisting(), false, 'setup is not finished');
  await type(browser, '#setup-admin-pin-again', ADMIN.pin);
  await browser.execute(() => document.querySelector('[data-testid="setup-admin"]')?.scrollIntoView());
  await screenshot(browser, '01-setup-admin');
  await (await browser.$('[data-testid="setup-submit"]')).click();
  // The recovery key is shown once, before the app opens.
  const key = await (await shown(browser, '[data-testid="recovery-key-text"]')).getText();
  assert.match(key, /^([A-Z2-7]{4}-){12}[A-Z2-7]{4}$/, key);
  await screenshot(browser, '01-setup-recovery-key');
  await (await browser.$('[data-testid="recovery-done"]')).click();
  await shown(browser, '[data-testid="nav-students"]');
  const title = await browser.$('body').getText();
  assert.match(title, /Green Valley School/);
  // The administrator is signed in, named at the top with Lock and Sign out.
  assert.equal(await (await shown(browser, '[data-testid="signed-in-name"]')).getText(), ADMIN.name);
  assert.match(await (await browser.$('[data-testid="signed-in-role"]')).getText(), /administrator/);
  assert.equal(await (await browser.$('[data-testid="open-banner"]')).isExisting(), false, 'no "anyone can use it" banner');
});

test('a class is added and listed', async () => {
  await (await shown(browser, '[data-testid="nav-classes"]')).click();
  await (await shown(browser, '[data-testid="class-new"]')).click();
  await type(browser, '#class-grade', '5');
  await type(browser, '#class-section', 'B');
  await type(browser, '#class-teacher', 'Ms. Achieng');
  await browser.keys('Enter');
  await browser.waitUntil(async () => (await rowsWith(browser, '[data-testid="class-row"]', 'Grade 5 B')).length === 1, {
    timeoutMsg: 'Grade 5 B appears in the class list',
  });
  await screenshot(browser, '02-classes');
});

test('a student with a guardian is added', async () => {
  await (await shown(browser, '[data-testid="nav-students"]')).click();
  await (await shown(browser, '[data-testid="student-new"]')).click();
  await shown(browser, '[data-testid="student-form"]');
  await type(browser, '#student-admission-no', 'GV-0042');
  await type(browser, '#student-given-name', 'Wanjiru');
  await type(browser, '#student-family-name', 'Kamau');
  await (await browser.$('#student-class')).selectByVisibleText('Grade 5 B');
  await type(browser, '#guardian-0-name', 'Grace Kamau');
  await type(browser, '#guardian-0-phone', '0712 345678');
  await screenshot(browser, '03-student-form');
  await (await browser.$('[data-testid="student-save"]')).click();
  await browser.waitUntil(async () => (await rowsWith(browser, '[data-testid="student-row"]', 'Wanjiru')).length === 1, {
    timeoutMsg: 'the new student is listed',
  });
});

test('a wrong phone number is shown beside its field and nothing is saved', async () => {
  await (await shown(browser, '[data-testid="student-new"]')).click();
  await type(browser, '#student-admission-no', 'GV-0043');
  await type(browser, '#student-given-name', 'Otieno');
  await type(browser, '#guardian-0-name', 'Parent');
  await type(browser, '#guardian-0-phone', '12345');
  await browser.keys('Enter');
  await browser.waitUntil(async () => (await browser.$('[data-testid="student-form"]').getText()).includes('is not a phone number'), {
    timeoutMsg: 'the phone error is shown',
  });
  await browser.keys('Escape');
  await shown(browser, '[data-testid="student-search"]');
});

test('the student is found by typing part of the name', async () => {
  await browser.keys('/');
  const focusedTestId = await browser.execute(() => document.activeElement?.getAttribute('data-testid'));
  assert.equal(focusedTestId, 'student-search', '/ focuses the search box');
  await browser.keys(['w', 'a', 'n', 'j']);
  await browser.waitUntil(async () => {
    const rows = await textsOf(browser, '[data-testid="student-row"]');
    return rows.length === 1 && rows[0].includes('Wanjiru Kamau');
  }, { timeoutMsg: 'typing "wanj" finds exactly Wanjiru Kamau' });
  const [row] = await textsOf(browser, '[data-testid="student-row"]');
  assert.match(row, /GV-0042/);
  assert.match(row, /\+254712345678/, 'the phone is stored and shown in E.164');
  await screenshot(browser, '04-search');
});
