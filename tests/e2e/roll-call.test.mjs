// Attendance in the real Rollbook window: a class's register taken from the keyboard (all
// present, an absentee keyed in by roll number, a late student with minutes), saved, reloaded
// and re-marked; then the class's ID cards, and their tokens scanned at the check-in desk.
// Runs after foundation and import made "Green Valley School" and "Grade 5 B" with students.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, openApp, shown, type, screenshot, textsOf } from './session.mjs';

let browser;
/** The students of Grade 5 B on the roll, by roll number: { name, code }. */
let roll = [];

before(async () => {
  browser = await openApp();
  await shown(browser, '[data-testid="nav-attendance"]');
});

after(async () => {
  await browser?.deleteSession();
});

/** The rows of the roll as { rollNo, name, code, text }, read in one step. */
async function rows() {
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid="roll-row"]')].map((r) => ({
      rollNo: Number(r.getAttribute('data-roll-no')),
      code: r.querySelector('[data-testid="roll-code"]')?.textContent?.trim() ?? '',
      name: r.querySelector('.roll-name')?.textContent?.trim() ?? '',
      text: r.innerText,
    })),
  );
}

const focusedTestId = () => browser.execute(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.id);

async function waitForCodes(expected, message) {
  await browser.waitUntil(async () => JSON.stringify((await rows()).map((r) => r.code)) === JSON.stringify(expected), {
    timeoutMsg: `${message}: expected ${expected.join(' ')}, saw ${(await rows()).map((r) => r.code).join(' ')}`,
  });
}

async function openRollOf(className) {
  await (await shown(browser, '[data-testid="att-tab-roll"]')).click();
  await (await shown(browser, '#roll-class')).selectByVisibleText(className);
  await browser.waitUntil(async () => (await browser.$('#roll-title').isExisting()) && (await browser.$('#roll-title').getText()).includes(className), {
    timeoutMsg: `the roll of ${className} opens`,
  });
  await browser.waitUntil(async () => (await rows()).length > 0, { timeoutMsg: 'the students are listed' });
}

test('every day is made a school day, so a register can be taken today', async () => {
  await (await shown(browser, '[data-testid="nav-settings"]')).click();
  const section = await shown(browser, '[data-testid="calendar-section"]');
  await shown(browser, '[data-testid="working-day-1"]');
  let changed = false;
  for (let n = 1; n <= 7; n++) {
    const box = await browser.$(`[data-testid="working-day-${n}"]`);
    if (!(await box.isSelected())) {
      await box.click();
      changed = true;
    }
  }
  if (changed) {
    await (await browser.$('[data-testid="working-days-save"]')).click();
    await browser.waitUntil(async () => (await section.getText()).includes('Saved'), {
      timeoutMsg: 'the school days are saved',
    });
  }
  // A teacher who takes rolls.
  await type(browser, '#staff-new-name', 'Grace Wanjiku');
  await type(browser, '#staff-new-role', 'Class teacher');
  await browser.keys('Enter');
  await browser.waitUntil(async () => (await textsOf(browser, '[data-testid="staff-row"]')).some((t) => t.includes('Grace Wanjiku')), {
    timeoutMsg: 'the teacher is on the staff list',
  });
});

test('a register is taken from the keyboard and saved', async () => {
  await (await shown(browser, '[data-testid="nav-attendance"]')).click();
  await shown(browser, '[data-testid="roll-call"]');
  // The class has no marks today: it is listed as not taken.
  const notTaken = await shown(browser, '[data-testid="not-taken"]');
  await browser.waitUntil(async () => (await notTaken.getText()).includes('Grade 5 B'), {
    timeoutMsg: 'Grade 5 B is among the registers not taken today',
  });

  await openRollOf('Grade 5 B');
  roll = await rows();
  assert.ok(roll.length >= 3, 'Grade 5 B has its students');
  assert.deepEqual(roll.map((r) => r.rollNo), roll.map((_, i) => i + 1), 'roll numbers run 1, 2, 3…');
  assert.ok(roll.every((r) => r.code === '–'), 'everyone starts as not marked');
  assert.equal(await browser.$('[data-testid="roll-closed"]').isExisting(), false, 'today is a school day');
  const n = roll.length;

  // Enter on the class list moves to the students; Shift+P marks everyone present.
  await browser.execute(() => document.querySelector('#roll-class')?.focus());
  await browser.keys('Enter');
  await browser.waitUntil(async () => (await focusedTestId()) === 'roll-grid', { timeoutMsg: 'Enter moves to the students' });
  await browser.keys(['Shift', 'P']);
  await waitForCodes(Array(n).fill('P'), 'Shift+P marks all present');

  // An absentee keyed in by roll number: a digit jumps into the find box.
  await browser.keys('2');
  await browser.waitUntil(async () => (await focusedTestId()) === 'roll-find', { timeoutMsg: 'a digit moves to the find box' });
  assert.equal(await (await browser.$('#roll-find')).getValue(), '2');
  await browser.keys('Enter');
  const expected = Array(n).fill('P');
  expected[1] = 'A';
  await waitForCodes(expected, 'roll number 2 is absent');
  assert.match(await (await browser.$('[data-testid="roll-find-note"]')).getText(), new RegExp(`2\\. ${roll[1].name}: absent`));

  // The third student is late by 12 minutes: Esc back to the students, ↓ to them, L, minutes.
  await browser.keys('Escape');
  await browser.waitUntil(async () => (await focusedTestId()) === 'roll-grid', { timeoutMsg: 'Esc goes back to the students' });
  await browser.keys('Home');
  await browser.keys('ArrowDown');
  await browser.keys('ArrowDown');
  await browser.keys('l');
  // The minutes box takes the focus with its suggestion selected: typing replaces it. (Typed
  // as a person would: WebDriver's "clear" blurs the box, which closes it.)
  await shown(browser, '#roll-late-minutes');
  await browser.waitUntil(async () => (await focusedTestId()) === 'roll-late-minutes', { timeoutMsg: 'the minutes box has the cursor' });
  await browser.keys(['Control', 'a']);
  await browser.keys(['1', '2']);
  await browser.keys('Enter');
  expected[2] = 'L';
  await waitForCodes(expected, 'the third student is late');
  const late = (await rows())[2];
  assert.match(late.text, /12 min/);
  await screenshot(browser, '30-roll-call-marked');

  // Ctrl+S saves.
  await browser.keys(['Control', 's']);
  const saved = await shown(browser, '[data-testid="roll-saved"]');
  await browser.waitUntil(async () => (await saved.getText()).includes(`Saved: ${n} marked, 0 changed`), {
    timeoutMsg: 'the save is confirmed with its counts',
  });
  await browser.waitUntil(async () => !(await browser.$('[data-testid="roll-dirty"]').isExisting()), {
    timeoutMsg: 'nothing is left unsaved',
  });
  await browser.waitUntil(async () => !(await (await browser.$('[data-testid="not-taken"]')).getText()).includes('Grade 5 B'), {
    timeoutMsg: 'Grade 5 B is no longer listed as not taken',
  });
});

test('the saved register reloads, and a changed mark is saved as a change', async () => {
  // Away and back: the roll is read again from the store.
  await (await shown(browser, '[data-testid="nav-students"]')).click();
  await shown(browser, '[data-testid="student-search"]');
  await (await shown(browser, '[data-testid="nav-attendance"]')).click();
  await shown(browser, '[data-testid="roll-call"]');
  const n = roll.length;
  const expected = Array(n).fill('P');
  expected[1] = 'A';
  expected[2] = 'L';
  await waitForCodes(expected, 'the saved codes come back');
  assert.match((await rows())[2].text, /12 min/, 'with the minutes late');
  assert.ok(await (await browser.$('[data-testid="roll-taken"]')).isDisplayed(), 'the register is shown as taken');

  // Roll number 1 was present; they were excused after all.
  await browser.execute(() => document.querySelector('[data-testid="roll-grid"]')?.focus());
  await browser.keys('Home');
  await browser.keys('e');
  expected[0] = 'E';
  await waitForCodes(expected, 'roll number 1 is excused');
  assert.match(await (await browser.$('[data-testid="roll-dirty"]')).getText(), /1 not saved/);

  // Moving to another class with the change unsaved asks first; Esc stays.
  await (await browser.$('#roll-class')).selectByVisibleText('Grade 6 A');
  await shown(browser, '[data-testid="roll-unsaved"]');
  assert.equal(await focusedTestId(), 'roll-pending-save', 'the question has the focus');
  await browser.keys('Escape');
  await browser.waitUntil(async () => !(await browser.$('[data-testid="roll-unsaved"]').isExisting()), { timeoutMsg: 'Esc stays' });
  assert.match(await (await browser.$('#roll-title')).getText(), /Grade 5 B/);
  assert.equal(await browser.execute(() => document.querySelector('#roll-class').selectedOptions[0].textContent), 'Grade 5 B');
  await waitForCodes(expected, 'the unsaved change is still there');
  // The roll is taken by whoever is signed in: their name stands where a staff member was chosen.
  assert.equal(await (await shown(browser, '[data-testid="roll-taken-by-user"]')).getText(), ADMIN.name);
  assert.equal(await (await browser.$('#roll-taken-by')).isExisting(), false, 'no staff to choose while signed in');
  await (await browser.$('[data-testid="roll-save"]')).click();
  const saved = await browser.$('[data-testid="roll-saved"]');
  await browser.waitUntil(async () => (await saved.getText()).includes('Saved: 0 marked, 1 changed'), {
    timeoutMsg: 'the re-mark is counted as a change',
  });
  await waitForCodes(expected, 'the codes after the second save');
  assert.equal((await rows()).length, n, 'a re-mark updates the mark: no extra row');

  // The mark's history shows the change: E now, P before.
  await browser.execute(() => document.querySelector('[data-testid="roll-grid"]')?.focus());
  await browser.keys('Home');
  await browser.keys(['Shift', 'H']);
  const history = await shown(browser, '[data-testid="roll-history"]');
  await browser.waitUntil(async () => (await textsOf(browser, '[data-testid="roll-history-row"]')).length === 2, {
    timeoutMsg: 'the history lists the two values',
  });
  const [now, before] = await textsOf(browser, '[data-testid="roll-history-row"]');
  assert.match(now, /^E/);
  assert.ok(now.includes(ADMIN.name), `who gave the new mark, the person signed in: ${now}`);
  assert.match(before, /^P/);
  assert.match(await history.getText(), /this PC/);
  await screenshot(browser, '31-roll-call-history');
  await browser.keys('Escape');
});

test('a day outside the school year takes no register', async () => {
  await browser.execute(() => {
    const el = document.querySelector('#roll-date');
    el.value = '2001-03-05';
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
  const closed = await shown(browser, '[data-testid="roll-closed"]');
  assert.match(await closed.getText(), /outside the academic year/);
  assert.equal(await (await browser.$('[data-testid="roll-save"]')).isEnabled(), false, 'saving is off');
  assert.equal(await (await browser.$('[data-testid="roll-all-present"]')).isEnabled(), false);
  assert.ok((await rows()).every((r) => r.code === '–'), 'nobody is marked on that day');
  await screenshot(browser, '32-roll-call-closed');
  // "Today" goes back to the register just taken.
  await (await browser.$('button=Today')).click();
  await browser.waitUntil(async () => !(await browser.$('[data-testid="roll-closed"]').isExisting()), { timeoutMsg: 'back to today' });
  const expected = Array(roll.length).fill('P');
  [expected[0], expected[1], expected[2]] = ['E', 'A', 'L'];
  await waitForCodes(expected, "today's marks are back");
});

test('the ID cards of the class show a QR code each', async () => {
  await (await shown(browser, '[data-testid="att-tab-cards"]')).click();
  await (await shown(browser, '#cards-class')).selectByVisibleText('Grade 5 B');
  await browser.waitUntil(async () => (await browser.$$('[data-testid="id-card"]')).length === roll.length, {
    timeoutMsg: 'a card for every student',
  });
  const cards = await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="id-card"]')].map((c) => ({
      token: c.getAttribute('data-token'),
      text: c.innerText,
      svg: !!c.querySelector('[data-testid="id-card-qr"] svg'),
    })),
  );
  for (const [i, c] of cards.entries()) {
    assert.match(c.token, /^RB[0-9A-Z]{20}$/, 'an opaque token');
    assert.ok(c.svg, 'a QR code');
    assert.ok(c.text.includes(c.token), 'the token is printed under the QR');
    assert.ok(c.text.includes('Green Valley School'));
    assert.ok(c.text.includes('Grade 5 B'));
    assert.ok(c.text.includes(roll[i].name), `card ${i + 1} is ${roll[i].name}'s`);
  }
  assert.ok(await (await browser.$('[data-testid="cards-print"]')).isDisplayed(), 'a Print button');
  await screenshot(browser, '33-id-cards');

  // The print view (the page's print rules applied on screen): the cards and nothing else.
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
  });
  try {
    for (const hidden of ['.nav', '.topbar', '[data-testid="att-tab-roll"]', '[data-testid="cards-print"]', '#cards-class', '[data-testid="card-replace"]', '.content > .print-only']) {
      assert.equal(await (await browser.$(hidden)).isDisplayed(), false, `${hidden} does not print`);
    }
    assert.equal(await browser.execute(() => document.querySelectorAll('[data-testid="id-card"] svg').length), roll.length);
    await screenshot(browser, '34-id-cards-print');
  } finally {
    await browser.execute(() => document.getElementById('e2e-print-view')?.remove());
  }
});

test('scanned cards check students in; unknown cards are refused', async () => {
  const tokens = await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="id-card"]')].map((c) => c.getAttribute('data-token')),
  );
  await (await shown(browser, '[data-testid="att-tab-checkin"]')).click();
  await shown(browser, '[data-testid="check-in"]');
  await browser.waitUntil(async () => (await focusedTestId()) === 'checkin-code', { timeoutMsg: 'the scan box has the focus' });
  const result = await browser.$('[data-testid="checkin-result"]');

  /** Types a code and Enter into the focused box, as a USB scanner does. */
  async function scan(code) {
    const before = (await textsOf(browser, '[data-testid="checkin-line"]')).length;
    await (await browser.$('#checkin-code')).addValue(code);
    await browser.keys('Enter');
    await browser.waitUntil(async () => (await textsOf(browser, '[data-testid="checkin-line"]')).length === before + 1, {
      timeoutMsg: `the scan of ${code} is answered`,
    });
    return { text: await result.getText(), tone: await result.getAttribute('data-tone') };
  }

  // Roll number 2 was marked absent: their scan turns them present, or late after the cut-off.
  const absent = await scan(tokens[1]);
  assert.ok(absent.text.includes(roll[1].name), absent.text);
  assert.match(absent.text, /present|late by \d+ min/);
  assert.ok(['ok', 'warn'].includes(absent.tone));

  // Roll number 3 was marked late by the roll call: already in.
  const repeat = await scan(tokens[2]);
  assert.ok(repeat.text.includes(roll[2].name));
  assert.match(repeat.text, /already/);
  assert.equal(repeat.tone, 'quiet');

  // A card Rollbook never issued.
  const unknown = await scan('RB0000000000000000000');
  assert.match(unknown.text, /not recognised|not known/i);
  assert.equal(unknown.tone, 'error');
  assert.equal(await focusedTestId(), 'checkin-code', 'the box keeps the focus');

  const lines = await textsOf(browser, '[data-testid="checkin-line"]');
  assert.equal(lines.length, 3);
  assert.match(lines[0], /not recognised/i, 'newest first');
  assert.ok(lines[2].includes(roll[1].name));
  await screenshot(browser, '35-check-in');

  // The roll call shows the scan: roll number 2 is no longer absent.
  await (await browser.$('[data-testid="att-tab-roll"]')).click();
  await browser.waitUntil(async () => ['P', 'L'].includes((await rows())[1]?.code), {
    timeoutMsg: 'the scanned absentee is marked present or late on the roll',
  });
});

test('a lost card is replaced: the old one is refused, the new one works', async () => {
  await (await shown(browser, '[data-testid="att-tab-cards"]')).click();
  await browser.waitUntil(async () => (await browser.$$('[data-testid="id-card"]')).length === roll.length, {
    timeoutMsg: 'the cards of Grade 5 B are shown again',
  });
  const oldToken = await (await browser.$$('[data-testid="id-card"]'))[0].getAttribute('data-token');
  await (await browser.$$('[data-testid="card-replace"]'))[0].click();
  const confirm = await shown(browser, '[data-testid="card-replace-confirm"]');
  assert.equal(await focusedTestId(), 'card-replace-confirm', 'the confirmation has the focus');
  await confirm.click();
  await browser.waitUntil(async () => (await (await browser.$$('[data-testid="id-card"]'))[0].getAttribute('data-token')) !== oldToken, {
    timeoutMsg: 'a new token is shown',
  });
  const newToken = await (await browser.$$('[data-testid="id-card"]'))[0].getAttribute('data-token');
  assert.match(newToken, /^RB[0-9A-Z]{20}$/);

  await (await browser.$('[data-testid="att-tab-checkin"]')).click();
  await browser.waitUntil(async () => (await focusedTestId()) === 'checkin-code', { timeoutMsg: 'the scan box has the focus' });
  const result = await browser.$('[data-testid="checkin-result"]');
  await (await browser.$('#checkin-code')).addValue(oldToken.toLowerCase());
  await browser.keys('Enter');
  await browser.waitUntil(async () => /withdrawn/i.test(await result.getText()), { timeoutMsg: 'the old card is refused as withdrawn' });
  assert.equal(await result.getAttribute('data-tone'), 'error');
  await (await browser.$('#checkin-code')).addValue(newToken);
  await browser.keys('Enter');
  await browser.waitUntil(async () => (await result.getText()).includes(roll[0].name), { timeoutMsg: 'the new card is read' });
  assert.notEqual(await result.getAttribute('data-tone'), 'error');
});
