// Users, PINs and roles in the real Rollbook window: the administrator adds a clerk in
// Settings → Users; Ctrl+L locks the app, naming who locked it; the clerk is picked from
// "Switch user" with the keyboard, a wrong PIN is refused and, after the wait, the right one
// signs him in; at the fee counter the core refuses the clerk a reversal, with its reason,
// and the payment stays as it was.
// Runs last: after foundation (the school and its administrator) and receipts (Wanjiru Kamau
// of Grade 5 B with fees and payments).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ADMIN, openApp, savedThroughDialog, screenshot, shown, textsOf, type, typeKeys, waitFocus } from './session.mjs';

const CLERK = { name: 'Ravi', pin: '1357' };

let browser;

before(async () => {
  browser = await openApp();
  await shown(browser, '[data-testid="nav-settings"]');
});

after(async () => {
  await browser?.deleteSession();
});

const text = async (selector) => (await shown(browser, selector)).getText();

async function waitText(selector, pattern, message) {
  await browser.waitUntil(
    async () => {
      const el = await browser.$(selector);
      return (await el.isExisting()) && pattern.test(await el.getText());
    },
    { timeoutMsg: `${message}: ${selector} shows ${pattern}` },
  );
}

test('the administrator adds a clerk with a PIN in Settings → Users', async () => {
  assert.equal(await text('[data-testid="signed-in-name"]'), ADMIN.name, 'the administrator is signed in');
  await (await shown(browser, '[data-testid="nav-settings"]')).click();
  await shown(browser, '[data-testid="users-section"]');
  await browser.execute(() => document.querySelector('[data-testid="users-section"]').scrollIntoView({ block: 'start' }));
  await browser.waitUntil(async () => (await textsOf(browser, '[data-testid="user-row"]')).some((t) => t.includes(ADMIN.name)), {
    timeoutMsg: 'the administrator is listed',
  });

  await type(browser, '#user-new-name', CLERK.name);
  await (await browser.$('#user-new-role')).selectByAttribute('value', 'clerk');
  // Two different PINs are caught before anything is saved.
  await type(browser, '#user-new-pin', CLERK.pin);
  await type(browser, '#user-new-pin-again', '7531');
  await (await browser.$('[data-testid="user-add"]')).click();
  await waitText('#user-new-pin-again-error', /not the same/, 'the second PIN must match the first');
  await type(browser, '#user-new-pin-again', CLERK.pin);
  await (await browser.$('[data-testid="user-add"]')).click();
  await browser.waitUntil(async () => (await textsOf(browser, '[data-testid="user-row"]')).some((t) => t.includes(CLERK.name)), {
    timeoutMsg: 'Ravi is listed',
  });
  const ravi = (await textsOf(browser, '[data-testid="user-row"]')).find((t) => t.includes(CLERK.name));
  assert.match(ravi, /Clerk/);
  assert.equal(await (await browser.$('#user-new-name')).getValue(), '', 'the form is ready for the next person');
  assert.equal(await (await browser.$('#user-new-pin')).getValue(), '', 'the PIN is not kept on screen');
  await browser.execute(() => document.querySelector('[data-testid="users-section"]').scrollIntoView({ block: 'start' }));
  await screenshot(browser, '51-settings-users');
});

test('the audit report counts this month’s rows, for one user or one student, and exports them', async () => {
  await browser.execute(() => document.querySelector('[data-testid="audit-section"]').scrollIntoView({ block: 'start' }));
  /** The rows the report has (-1 while counting). */
  const count = async () => {
    const rows = await (await browser.$('[data-testid="audit-count"]')).getAttribute('data-rows');
    return rows ? Number(rows) : -1;
  };
  await browser.waitUntil(async () => (await count()) > 0, { timeoutMsg: 'this month has rows (the school was set up today)' });
  const all = await count();
  assert.match(await text('[data-testid="audit-count"]'), new RegExp(`The report has ${all.toLocaleString('en-US')} rows?`));

  // One student's records: fewer rows than everything.
  await (await shown(browser, '#audit-student')).click();
  await typeKeys(browser, 'Wanjiru');
  await browser.keys('Enter');
  await waitText('[data-testid="audit-student-chosen"]', /Wanjiru Kamau/, 'the student is chosen');
  await browser.waitUntil(async () => (await count()) > 0 && (await count()) < all, { timeoutMsg: 'Wanjiru’s rows are counted' });
  await (await browser.$('[data-testid="audit-student-clear"]')).click();
  await browser.waitUntil(async () => (await count()) === all, { timeoutMsg: 'any student again' });

  // One user's actions: Ravi has done nothing yet.
  await (await browser.$('#audit-user')).selectByVisibleText(`${CLERK.name} (clerk)`);
  await browser.waitUntil(async () => (await count()) === 0, { timeoutMsg: 'Ravi has no rows yet' });
  await (await browser.$('#audit-user')).selectByAttribute('value', '');
  await browser.waitUntil(async () => (await count()) >= all, { timeoutMsg: 'everyone again' });
  await screenshot(browser, '54-settings-audit');

  const out = await savedThroughDialog(browser, 'audit.xlsx', async () => (await browser.$('[data-testid="audit-export"]')).click());
  assert.equal(readFileSync(out).subarray(0, 2).toString(), 'PK', 'an xlsx (zip) file');
});

test('Ctrl+L locks the app, naming who is signed in; the same person unlocks to their work as it was', async () => {
  // Something typed and not saved, to find again after the lock.
  await type(browser, '#user-new-name', 'Half-typed');
  await browser.keys(['Control', 'l']);
  await shown(browser, '[data-testid="lock-screen"]');
  assert.equal(await text('[data-testid="lock-user"]'), `Locked — ${ADMIN.name}, administrator`);
  assert.equal(await text('[data-testid="lock-school"]'), 'Green Valley School');
  await waitFocus(browser, 'lock-pin', 'the PIN box has the cursor');
  const pin = await browser.$('#lock-pin');
  assert.equal(await pin.getAttribute('type'), 'password');
  assert.equal(await pin.getAttribute('inputmode'), 'numeric');
  assert.equal(await pin.getAttribute('autocomplete'), 'off');
  // The app underneath stays, out of reach.
  const frame = await browser.execute(() => {
    const f = document.querySelector('.frame');
    return { inert: f?.inert ?? null, hidden: f?.getAttribute('aria-hidden') ?? null };
  });
  assert.deepEqual(frame, { inert: true, hidden: 'true' });
  await screenshot(browser, '50-lock-screen');
  // Keys go to the lock screen only: Alt+1 does not change the page underneath.
  await browser.keys(['Alt', '1']);
  await browser.pause(200);
  assert.equal(await browser.execute(() => document.querySelector('[data-testid="nav-settings"]')?.getAttribute('aria-current')), 'page');

  await (await browser.$('#lock-pin')).click();
  await browser.keys(['Control', 'a']);
  await browser.keys('Backspace');
  await typeKeys(browser, ADMIN.pin);
  await browser.keys('Enter');
  await browser.waitUntil(async () => !(await browser.$('[data-testid="lock-screen"]').isExisting()), {
    timeout: 20000,
    timeoutMsg: 'the PIN unlocks',
  });
  assert.equal(await (await browser.$('#user-new-name')).getValue(), 'Half-typed', 'the unsaved text is still there');
  await waitFocus(browser, 'user-new-name', 'the cursor is back where it was');
  await browser.keys(['Control', 'a']);
  await browser.keys('Backspace');
});

test('the clerk is picked from Switch user; a wrong PIN is refused, the right one signs him in', async () => {
  await browser.keys(['Control', 'l']);
  await shown(browser, '[data-testid="lock-screen"]');
  await (await shown(browser, '[data-testid="lock-switch"]')).click();
  await browser.waitUntil(async () => (await browser.execute(() => document.activeElement?.getAttribute('data-testid'))) === 'lock-user-list', {
    timeoutMsg: 'the list of people has the cursor',
  });
  const names = await textsOf(browser, '[data-testid="lock-user-option"]');
  assert.ok(names.some((n) => n.includes(ADMIN.name)) && names.some((n) => n.includes(CLERK.name)), `both are listed: ${names}`);
  // Keyboard only: to Ravi with the arrows, then Enter.
  const at = names.findIndex((n) => n.includes(CLERK.name));
  const from = await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="lock-user-option"]')].findIndex((o) => o.getAttribute('aria-selected') === 'true'),
  );
  for (let i = from; i < at; i++) await browser.keys('ArrowDown');
  for (let i = from; i > at; i--) await browser.keys('ArrowUp');
  await browser.keys('Enter');
  await waitText('[data-testid="lock-user"]', /Ravi, clerk/, 'the PIN asked for is Ravi’s');
  await waitFocus(browser, 'lock-pin', 'the PIN box has the cursor');

  await typeKeys(browser, '0000');
  await browser.keys('Enter');
  await waitText('[data-testid="lock-error"]', /Wrong PIN/, 'a wrong PIN is refused');
  assert.match(await text('[data-testid="lock-error"]'), /4 tries left/);
  await waitFocus(browser, 'lock-pin', 'the cursor is back in the PIN box');
  assert.equal(await (await browser.$('#lock-pin')).getValue(), '', 'the wrong PIN is cleared');
  await screenshot(browser, '52-lock-wrong-pin');

  // One wrong PIN: wait a second before the next try.
  await browser.pause(1200);
  await typeKeys(browser, CLERK.pin);
  await browser.keys('Enter');
  await browser.waitUntil(async () => !(await browser.$('[data-testid="lock-screen"]').isExisting()), {
    timeout: 20000,
    timeoutMsg: 'the right PIN signs Ravi in',
  });
  assert.equal(await text('[data-testid="signed-in-name"]'), CLERK.name, 'the header names Ravi');
  assert.match(await text('[data-testid="signed-in-role"]'), /clerk/);
});

test('the clerk sees only his own PIN in Settings → Users', async () => {
  await (await shown(browser, '[data-testid="nav-settings"]')).click();
  await shown(browser, '[data-testid="users-section"]');
  await shown(browser, '[data-testid="own-pin-form"]');
  assert.equal(await (await browser.$('[data-testid="user-add-form"]')).isExisting(), false, 'no adding users');
  assert.equal((await textsOf(browser, '[data-testid="user-row"]')).length, 0, 'no list of users');
  assert.equal(await (await browser.$('[data-testid="audit-section"]')).isExisting(), false, 'no audit report');
  assert.equal(await (await browser.$('#user-new-name')).isExisting(), false);
  // Settings → Sync: where sync stands, but no enrolling, Sync now or marking refusals.
  await shown(browser, '[data-testid="sync-section"]');
  for (const testId of ['sync-enrol-form', 'sync-now', 'sync-enrol-again', 'sync-resolve']) {
    assert.equal(await (await browser.$(`[data-testid="${testId}"]`)).isExisting(), false, `no ${testId} for a clerk`);
  }
});

test('a clerk is refused a reversal by the core, and the payment stays', async () => {
  await (await shown(browser, '[data-testid="nav-fees"]')).click();
  await (await shown(browser, '[data-testid="fees-tab-counter"]')).click();
  await waitFocus(browser, 'fee-search', 'the counter puts the cursor in its search');
  await typeKeys(browser, 'Wanjiru');
  await browser.keys('Enter');
  await waitFocus(browser, 'fee-amount', 'Enter picks Wanjiru');
  assert.equal(await text('[data-testid="fee-cashier-user"]'), CLERK.name, 'Ravi is the cashier');

  await (await shown(browser, '[data-testid="fee-statement-toggle"]')).click();
  await shown(browser, '[data-testid="fee-statement"] table');
  const standing = '[data-testid="fee-statement-row"][data-kind="payment"]:not(.void)';
  if (!(await (await browser.$(standing)).isExisting())) {
    // Every earlier payment may have been reversed: a clerk may take one.
    await (await browser.$('#fee-amount')).click();
    await browser.keys(['Control', 'a']);
    await typeKeys(browser, '100');
    await browser.keys('Enter');
    await shown(browser, '[data-testid="receipt"]');
    await browser.keys('Escape');
    await browser.waitUntil(async () => !(await browser.$('[data-testid="receipt"]').isExisting()), { timeoutMsg: 'the receipt closes' });
    await shown(browser, standing);
  }
  const payment = await browser.$(standing);
  const receiptNo = await payment.getAttribute('data-receipt');
  const row = `[data-testid="fee-statement-row"][data-receipt="${receiptNo}"]`;
  const before = (await textsOf(browser, '[data-testid="fee-statement-row"]')).length;

  // The Reverse button is there for everyone: the refusal comes from the core.
  await (await browser.$(`${row} [data-testid="fee-reverse"]`)).click();
  await waitFocus(browser, 'fee-reverse-reason', 'the reason box has the cursor');
  await typeKeys(browser, 'Wrong student');
  await (await browser.$('[data-testid="fee-reverse-confirm"]')).click();
  await browser.waitUntil(
    async () => (await textsOf(browser, '.fee-reverse [role="alert"]')).some((t) => /clerk may not reverse payments/.test(t)),
    { timeoutMsg: 'the core’s refusal is shown' },
  );
  const [refusal] = await textsOf(browser, '.fee-reverse [role="alert"]');
  assert.match(refusal, /A clerk may not reverse payments \(signed in as Ravi\)/);
  assert.match(refusal, /administrator or accountant/);
  await screenshot(browser, '53-clerk-reversal-refused');

  // Nothing changed: the payment is not void and no reversal was added.
  assert.equal((await textsOf(browser, '[data-testid="fee-statement-row"]')).length, before, 'no reversal entry');
  const cls = (await (await browser.$(row)).getAttribute('class')) ?? '';
  assert.ok(!cls.includes('void'), 'the payment is not void');
  assert.doesNotMatch(await (await browser.$(row)).getText(), /VOID/);
  // Esc keeps it; the Reverse button is still there.
  await browser.keys('Escape');
  await shown(browser, `${row} [data-testid="fee-reverse"]`);
  assert.ok(!(((await (await browser.$(row)).getAttribute('class')) ?? '').includes('void')), 'still not void');
});
