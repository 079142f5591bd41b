// Settings for attendance (the school week, a holiday, a renamed code, a staff member), a
// student's attendance box, and the attendance reports: in the real Rollbook window, after
// foundation and import made "Green Valley School", class "Grade 5 B" and its students.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN, openApp, rowsWith, savedThroughDialog, screenshot, shown, signIn, textsOf, type } from './session.mjs';

let browser;

before(async () => {
  browser = await openApp();
  await shown(browser, '[data-testid="nav-settings"]');
});

after(async () => {
  await browser?.deleteSession();
});

const textOf = async (selector) => (await browser.$(selector)).getText();

/** Scrolls an element to the top of the page so a screenshot shows it. */
async function scrollTo(selector) {
  await browser.execute((sel) => document.querySelector(sel)?.scrollIntoView({ block: 'start' }), selector);
}

/** Sets a date input as the date picker would (typing into one differs between web views). */
async function setDate(selector, iso) {
  await browser.execute(
    (sel, value) => {
      const el = document.querySelector(sel);
      el.value = value;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    },
    selector,
    iso,
  );
}

test('the school logo is chosen and shown', async () => {
  await (await shown(browser, '[data-testid="nav-settings"]')).click();
  await shown(browser, '[data-testid="school-logo"]');
  // A 2x2 PNG, written where the file chooser would pick it.
  const png = join(mkdtempSync(join(tmpdir(), 'rollbook-e2e-')), 'logo.png');
  writeFileSync(
    png,
    Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAEUlEQVR4nGMQCVjwH4QZYAwAQlwIDX93kXMAAAAASUVORK5CYII=', 'base64'),
  );
  // The WebDriver command itself: file inputs take a path whatever their styling.
  const input = await browser.$('#school-logo-file');
  await browser.elementSendKeys(input.elementId, png);
  await shown(browser, '[data-testid="school-logo-file-image"]');
});

test('every day of the week is made a school day', async () => {
  await (await shown(browser, '[data-testid="nav-settings"]')).click();
  const section = await shown(browser, '[data-testid="calendar-section"]');
  await shown(browser, '[data-testid="working-day-1"]');
  for (let n = 1; n <= 7; n++) {
    const box = await browser.$(`[data-testid="working-day-${n}"]`);
    if (!(await box.isSelected())) await box.click();
  }
  await screenshot(browser, '19-settings-top');
  await (await browser.$('[data-testid="working-days-save"]')).click();
  await browser.waitUntil(async () => (await section.getText()).includes('Saved'), {
    timeoutMsg: 'the calendar section says the school days were saved',
  });
  for (let n = 1; n <= 7; n++) {
    assert.equal(await (await browser.$(`[data-testid="working-day-${n}"]`)).isSelected(), true, `day ${n} is a school day`);
  }
});

test('a holiday is added to the current year', async () => {
  // Two weeks from today, or the year's last day if it ends sooner.
  const { min, max } = await browser.execute(() => {
    const el = document.querySelector('[data-testid="holiday-start"]');
    return { min: el.min, max: el.max };
  });
  const inTwoWeeks = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  const day = inTwoWeeks > max ? max : inTwoWeeks < min ? min : inTwoWeeks;
  await type(browser, '#holiday-name', 'Sports day');
  await setDate('#holiday-start', day);
  await (await browser.$('[data-testid="holiday-add"]')).click();
  await browser.waitUntil(async () => (await rowsWith(browser, '[data-testid="holiday-row"]', 'Sports day')).length === 1, {
    timeoutMsg: 'the holiday is listed',
  });
  // A last day before the first is refused beside the field, and nothing is added.
  await type(browser, '#holiday-name', 'Backwards');
  await setDate('#holiday-start', day);
  await setDate('#holiday-end', min);
  await browser.keys('Enter');
  if (day !== min) {
    await browser.waitUntil(async () => (await textOf('[data-testid="holiday-form"]')).includes('must not be before'), {
      timeoutMsg: 'the end-date error is shown at the field',
    });
    assert.equal((await rowsWith(browser, '[data-testid="holiday-row"]', 'Backwards')).length, 0);
  }
  await scrollTo('[data-testid="calendar-section"]');
  await screenshot(browser, '20-settings-calendar');
});

test('a built-in code is renamed and a school code added', async () => {
  await scrollTo('[data-testid="attendance-settings"]');
  await type(browser, '[data-testid="code-name-E"]', 'Leave (with letter)');
  await browser.keys('Enter');
  await browser.waitUntil(
    async () => !(await browser.$('[data-testid="code-save-E"]').isExisting()),
    { timeoutMsg: 'the renamed code is saved' },
  );
  assert.equal(await (await browser.$('[data-testid="code-name-E"]')).getValue(), 'Leave (with letter)');

  await type(browser, '[data-testid="code-new-letter"]', 's');
  await type(browser, '[data-testid="code-new-name"]', 'Sick');
  await browser.keys('Enter');
  await browser.waitUntil(async () => (await textsOf(browser, '[data-testid="code-row"][data-letter="S"]')).length === 1, {
    timeoutMsg: 'the new code S is listed',
  });
  // The same letter again is refused at the letter field.
  await type(browser, '[data-testid="code-new-letter"]', 'S');
  await type(browser, '[data-testid="code-new-name"]', 'Suspended');
  await browser.keys('Enter');
  await browser.waitUntil(async () => (await textOf('[data-testid="code-add-form"]')).includes('already'), {
    timeoutMsg: 'the letter in use is refused',
  });

  // The late cut-off is tidied to HH:MM when saved.
  await type(browser, '[data-testid="att-late-after"]', '8:15');
  await (await browser.$('[data-testid="attendance-settings-save"]')).click();
  await browser.waitUntil(async () => (await (await browser.$('[data-testid="att-late-after"]')).getValue()) === '08:15', {
    timeoutMsg: 'the late cut-off is saved',
  });
  await scrollTo('[data-testid="attendance-settings"]');
  await screenshot(browser, '21-settings-attendance');
});

test('a staff member is added and shown as not in yet', async () => {
  await scrollTo('[data-testid="staff-section"]');
  await type(browser, '#staff-new-name', 'Joseph Kiprono');
  await type(browser, '#staff-new-role', 'Teacher');
  await browser.keys('Enter');
  await browser.waitUntil(async () => (await rowsWith(browser, '[data-testid="staff-row"]', 'Joseph Kiprono')).length === 1, {
    timeoutMsg: 'the staff member is listed',
  });
  const [row] = await rowsWith(browser, '[data-testid="staff-row"]', 'Joseph Kiprono');
  assert.match(row, /Teacher/);
  assert.match(row, /Not in yet/);
  await scrollTo('[data-testid="staff-section"]');
  await screenshot(browser, '22-settings-staff');
});

/** Opens Wanjiru's page and waits for the attendance box; gives the dates of her marks. */
async function openWanjiru() {
  await (await shown(browser, '[data-testid="nav-students"]')).click();
  await type(browser, '[data-testid="student-search"]', 'Wanjiru');
  await browser.waitUntil(async () => (await rowsWith(browser, '[data-testid="student-row"]', 'Wanjiru')).length === 1, {
    timeoutMsg: 'Wanjiru is found',
  });
  await (await browser.$('[data-testid="student-row"] button.link')).click();
  const box = await shown(browser, '[data-testid="student-attendance"]');
  await browser.waitUntil(async () => (await box.getText()).includes('Present'), { timeoutMsg: 'the attendance box loads' });
  await scrollTo('[data-testid="student-attendance"]');
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid="student-mark"]')].map((r) => ({
      date: r.getAttribute('data-date'),
      counted: r.getAttribute('data-counted') === 'true',
    })),
  );
}

let markedDay = null;

test("a student's page shows their attendance", async () => {
  const marks = await openWanjiru();
  markedDay = marks[0]?.date ?? null;
  await screenshot(browser, '23-student-attendance');
  await browser.keys('Escape');
});

test('a mark on a day that becomes a closure is struck through, and counts again when it is removed', async (t) => {
  if (!markedDay) {
    t.skip('no register was taken for Wanjiru (roll-call tests did not run)');
    return;
  }
  await (await shown(browser, '[data-testid="nav-settings"]')).click();
  await shown(browser, '[data-testid="holiday-form"]');
  await type(browser, '#holiday-name', 'Burst water pipe');
  await setDate('#holiday-start', markedDay);
  await setDate('#holiday-end', '');
  await (await browser.$('[data-testid="holiday-add"]')).click();
  await browser.waitUntil(async () => (await rowsWith(browser, '[data-testid="holiday-row"]', 'Burst water pipe')).length === 1, {
    timeoutMsg: 'the closure is listed',
  });

  const marks = await openWanjiru();
  assert.equal(marks.find((m) => m.date === markedDay)?.counted, false, 'the mark is no longer counted');
  await screenshot(browser, '26-student-attendance-closure');
  await browser.keys('Escape');

  await (await shown(browser, '[data-testid="nav-settings"]')).click();
  await shown(browser, '[data-testid="holiday-row"]');
  const index = (await textsOf(browser, '[data-testid="holiday-row"]')).findIndex((r) => r.includes('Burst water pipe'));
  const row = (await browser.$$('[data-testid="holiday-row"]'))[index];
  await (await row.$('[data-testid="holiday-remove"]')).click();
  await (await row.$('[data-testid="holiday-remove-confirm"]')).click();
  await browser.waitUntil(async () => (await rowsWith(browser, '[data-testid="holiday-row"]', 'Burst water pipe')).length === 0, {
    timeoutMsg: 'the closure is removed',
  });
});

test('the attendance reports show the class month and chronic absentees', async () => {
  await (await shown(browser, '[data-testid="nav-attendance"]')).click();
  await (await shown(browser, '[data-testid="att-tab-reports"]')).click();
  await shown(browser, '[data-testid="att-reports"]');
  await (await browser.$('[data-testid="report-class"]')).selectByVisibleText('Grade 5 B');
  await shown(browser, '[data-testid="att-chart"]');
  await browser.waitUntil(async () => (await textsOf(browser, '[data-testid="report-student-row"]')).length > 0, {
    timeoutMsg: 'the students of Grade 5 B are listed',
  });
  assert.ok((await textOf('[data-testid="att-chart-summary"]')).length > 0, 'the chart is described in words');
  await (await browser.$('[data-testid="sort-percentage"]')).click();
  await screenshot(browser, '24-attendance-reports');
  await scrollTo('[data-testid="chronic-section"]');
  await screenshot(browser, '25-attendance-chronic');

  // The print view: the page's print rules applied on screen, about as wide as A4 paper.
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
    style.sheet.insertRule('.content { width: 180mm !important; }', style.sheet.cssRules.length);
    window.dispatchEvent(new Event('beforeprint'));
    window.scrollTo(0, 0);
  });
  try {
    for (const hidden of ['.nav', '.topbar', '[data-testid="report-print"]', '#report-class', '[data-testid="chronic-threshold"]']) {
      assert.equal(await (await browser.$(hidden)).isDisplayed(), false, `${hidden} does not print`);
    }
    for (const printed of ['[data-testid="att-chart"] canvas', '[data-testid="report-students"]', '[data-testid="chronic-section"]']) {
      assert.equal(await (await browser.$(printed)).isDisplayed(), true, `${printed} prints`);
    }
    await screenshot(browser, '27-attendance-reports-print');
    await browser.execute(() => window.scrollTo(0, document.body.scrollHeight));
    await screenshot(browser, '28-attendance-reports-print-end');
  } finally {
    await browser.execute(() => {
      document.getElementById('e2e-print-view')?.remove();
      window.dispatchEvent(new Event('afterprint'));
    });
  }

  // The next month (with the sports day added above when it falls then).
  const title = await textOf('#att-report-title');
  await (await browser.$('[data-testid="report-month-next"]')).click();
  await browser.waitUntil(async () => (await textOf('#att-report-title')) !== title, { timeoutMsg: 'the next month is shown' });
  await scrollTo('[data-testid="att-reports"]');
  await screenshot(browser, '29-attendance-reports-next-month');

  // The month's register is saved as Excel where the save dialog says.
  const out = await savedThroughDialog(browser, 'register.xlsx', async () =>
    (await browser.$('[data-testid="report-export-register"]')).click(),
  );
  assert.equal(readFileSync(out).subarray(0, 2).toString(), 'PK', 'an xlsx (zip) file');
});

test('the cashier at the fee counter, the person signed in, is printed on the receipt', async () => {
  await (await shown(browser, '[data-testid="nav-fees"]')).click();
  await (await shown(browser, '[data-testid="fees-tab-counter"]')).click();
  // Once people sign in, the cashier is whoever is signed in: no staff member to choose.
  assert.equal(await (await shown(browser, '[data-testid="fee-cashier-user"]')).getText(), ADMIN.name);
  assert.equal(await (await browser.$('#fee-cashier')).isExisting(), false, 'no cashier to choose');
  await type(browser, '#fee-search', 'Wanjiru');
  await browser.keys('Enter');
  await shown(browser, '[data-testid="fee-balance"]');
  await type(browser, '#fee-amount', '10');
  await browser.keys('Enter');
  const receipt = await shown(browser, '[data-testid="receipt"]');
  await browser.waitUntil(async () => (await receipt.getText()).includes(ADMIN.name), {
    timeoutMsg: 'the receipt names the cashier',
  });
  await browser.keys('Escape');
});

test('a backup is taken, and restoring it brings the data back as it was', async () => {
  await (await shown(browser, '[data-testid="nav-settings"]')).click();
  await scrollTo('[data-testid="backup-section"]');
  // The app took the day's backup when it started; a backup taken now is the day's newest
  // (one a day is kept), listed first.
  const newest = async () => (await textsOf(browser, '[data-testid="backup-row"]'))[0] ?? '';
  const before = await newest();
  await (await browser.$('[data-testid="backup-now"]')).click();
  await browser.waitUntil(async () => (await newest()) !== before && (await newest()) !== '', {
    timeoutMsg: 'the new backup is listed first',
  });
  await screenshot(browser, '36-settings-backups');

  // A class added after the backup...
  await (await shown(browser, '[data-testid="nav-classes"]')).click();
  await (await shown(browser, '[data-testid="class-new"]')).click();
  await type(browser, '#class-grade', '9');
  await type(browser, '#class-section', 'Z');
  await browser.keys('Enter');
  await browser.waitUntil(async () => (await rowsWith(browser, '[data-testid="class-row"]', 'Grade 9 Z')).length === 1, {
    timeoutMsg: 'Grade 9 Z is added',
  });

  // ...is gone once the backup (the newest, listed first) is restored.
  await (await shown(browser, '[data-testid="nav-settings"]')).click();
  await scrollTo('[data-testid="backup-section"]');
  await (await shown(browser, '[data-testid="backup-restore"]')).click();
  await (await shown(browser, '[data-testid="backup-restore-confirm"]')).click();
  await browser.waitUntil(async () => !(await browser.$('[data-testid="backup-restore-confirm"]').isExisting()), {
    timeoutMsg: 'the restore finishes',
  });
  // The restored database is opened afresh: nobody is signed in to it until they give their PIN.
  await signIn(browser, ADMIN.name, ADMIN.pin);
  await (await shown(browser, '[data-testid="nav-classes"]')).click();
  await browser.waitUntil(async () => (await rowsWith(browser, '[data-testid="class-row"]', 'Grade 5 B')).length === 1, {
    timeoutMsg: 'the classes are listed again',
  });
  assert.equal((await rowsWith(browser, '[data-testid="class-row"]', 'Grade 9 Z')).length, 0, 'the later class is gone');
});
