// Fee reports in the real Rollbook window: the day book with today's receipts and the cash
// expected; closing the cash short; the defaulters (whoever the data makes overdue, or none);
// collection by class with its chart and totals; the day book saved as Excel.
// Runs after foundation, import and receipts: "Green Valley School" (KES), "Grade 5 B" with
// students, a class fee applied and payments taken today at the counter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { asPrinted, focusedId, openApp, savedThroughDialog, screenshot, shown, textsOf, type, typeKeys, waitFocus } from './session.mjs';

let browser;

before(async () => {
  browser = await openApp();
  await shown(browser, '[data-testid="nav-fees"]');
});

after(async () => {
  await browser?.deleteSession();
});




/** "1,250.50" (KES: 2 minor digits) → 125050, exactly; "-20.00" → -2000. */
function minorOf(text) {
  const m = /(-)?\D*?([\d,]+)\.(\d{2})/.exec(text);
  assert.ok(m, `an amount in "${text}"`);
  const v = Number(m[2].replace(/,/g, '')) * 100 + Number(m[3]);
  return m[1] ? -v : v;
}

/** 125050 → "1250.50": an amount as the clerk types it. */
function typed(minor) {
  return `${Math.trunc(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
}

/** 125050 → "1,250.50". */
function grouped(minor) {
  return `${Math.trunc(minor / 100).toLocaleString('en-US')}.${String(minor % 100).padStart(2, '0')}`;
}

async function openReports() {
  await (await shown(browser, '[data-testid="nav-fees"]')).click();
  await (await shown(browser, '[data-testid="fees-tab-reports"]')).click();
  await shown(browser, '[data-testid="fee-reports"]');
}

async function cashExpected() {
  const el = await shown(browser, '[data-testid="daybook-cash-expected"]');
  return Number(await el.getAttribute('data-minor'));
}

/** The day book's receipts as the page shows them. */
async function receiptRows() {
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid="daybook-row"]')].map((tr) => ({
      receipt: tr.getAttribute('data-receipt'),
      void: tr.classList.contains('void'),
      text: tr.innerText,
      method: tr.children[5]?.textContent?.trim() ?? '',
      amount: tr.children[7]?.textContent?.trim() ?? '',
    })),
  );
}


test('the day book lists today’s receipts and the cash expected', async () => {
  await openReports();
  await shown(browser, '[data-testid="daybook"]');
  assert.equal(await (await browser.$('[data-testid="fee-report-daybook"]')).getAttribute('aria-pressed'), 'true', 'the day book comes first');

  // The counter's payments today may all have been reversed: take one in cash so the drawer
  // has something to count.
  if ((await cashExpected()) <= 0) {
    await (await shown(browser, '[data-testid="fees-tab-counter"]')).click();
    await waitFocus(browser, 'fee-search', 'the counter puts the cursor in its search');
    await typeKeys(browser, 'Wanjiru');
    await browser.keys('Enter');
    await waitFocus(browser, 'fee-amount', 'Enter picks the student');
    await browser.keys(['Control', 'a']);
    await typeKeys(browser, '250');
    await browser.keys('Enter');
    await shown(browser, '[data-testid="receipt"]');
    await browser.keys('Escape');
    await browser.waitUntil(async () => !(await browser.$('[data-testid="receipt"]').isExisting()), { timeoutMsg: 'the receipt closes' });
    await openReports();
    await browser.waitUntil(async () => (await cashExpected()) > 0, { timeoutMsg: 'the cash payment is in the day book' });
  }

  const rows = await receiptRows();
  assert.ok(rows.length >= 1, 'today’s receipts are listed');
  for (const r of rows) {
    assert.match(r.receipt, /^[0-9A-Z]{5}-\d{4}-\d{6}$/, 'each with its receipt number');
    if (r.void) assert.match(r.text, /VOID/, `${r.receipt} is marked VOID`);
  }
  assert.ok(rows.some((r) => !r.void), 'at least one receipt stands');

  // The cash expected is the cash receipts that stand (no earlier receipts were reversed today).
  const expected = await cashExpected();
  const cashIn = rows.filter((r) => !r.void && r.method === 'Cash').reduce((sum, r) => sum + minorOf(r.amount), 0);
  assert.equal(expected, cashIn, 'the cash expected is the cash receipts not void');
  assert.match(await (await browser.$('[data-testid="daybook-cash-expected"]')).getText(), new RegExp(`KSh\\s${grouped(expected).replace(/\./g, '\\.')}`, 'i'));
  const total = rows.filter((r) => !r.void).reduce((sum, r) => sum + minorOf(r.amount), 0);
  assert.equal(Number(await (await browser.$('[data-testid="daybook-total"]')).getAttribute('data-minor')), total, 'the total is the receipts not void');
  assert.match(await (await shown(browser, '[data-testid="daybook-total-row"]')).getText(), new RegExp(grouped(total).replace(/\./g, '\\.')));

  if (rows.some((r) => r.void)) {
    const deco = await browser.execute(
      () => getComputedStyle(document.querySelector('[data-testid="daybook-row"].void .struck')).textDecorationLine,
    );
    assert.match(deco, /line-through/, 'a void receipt is struck through');
  }
  await screenshot(browser, '40-fees-daybook');
});

test('closing the cash short by 20.00 says so, in red, and is listed', async () => {
  const expected = await cashExpected();
  assert.ok(expected > 2000, 'there is more than 20.00 to count');
  const before = (await textsOf(browser, '[data-testid="cash-closing"]')).length;

  await type(browser, '#cash-counted', typed(expected - 2000));
  await type(browser, '#cash-note', 'One note missing');
  await (await browser.$('#cash-counted')).click();
  await browser.keys('Enter');

  const result = await shown(browser, '[data-testid="cash-result"]');
  const text = await result.getText();
  assert.match(text, /short by 20\.00/, 'the difference in words');
  assert.match(text, new RegExp(grouped(expected).replace(/\./g, '\\.')), 'the expected amount');
  assert.match(text, new RegExp(grouped(expected - 2000).replace(/\./g, '\\.')), 'the counted amount');
  const diff = await browser.$('[data-testid="cash-result"] [data-testid="cash-difference"]');
  assert.equal(await diff.getAttribute('data-kind'), 'short');
  const color = await browser.execute(() => getComputedStyle(document.querySelector('[data-testid="cash-result"] .cash-diff')).color);
  const [r, g, b] = color.match(/\d+/g).map(Number);
  assert.ok(r > 120 && g < 80 && b < 80, `short is shown in red (${color})`);

  await browser.waitUntil(async () => (await textsOf(browser, '[data-testid="cash-closing"]')).length === before + 1, {
    timeoutMsg: 'the closing is listed',
  });
  const closings = await textsOf(browser, '[data-testid="cash-closing"]');
  assert.match(closings[closings.length - 1], /short by 20\.00/);
  assert.match(closings[closings.length - 1], /One note missing/);
  assert.equal(await (await browser.$('#cash-counted')).getValue(), '', 'the count box is cleared for another count');

  // A count that is not an amount is refused at its field.
  await type(browser, '#cash-counted', 'abc');
  await browser.keys('Enter');
  await shown(browser, '#cash-counted-error');
  assert.equal(await (await browser.$('#cash-counted')).getAttribute('aria-invalid'), 'true');
  assert.equal((await textsOf(browser, '[data-testid="cash-closing"]')).length, before + 1, 'nothing more is recorded');
  await (await browser.$('#cash-counted')).clearValue();
  await screenshot(browser, '41-fees-cash-closed');

  await asPrinted(browser, async () => {
    for (const hidden of ['.nav', '.topbar', '[data-testid="fee-report-daybook"]', '[data-testid="daybook-print"]', '#cash-counted', '[data-testid="fees-tab-reports"]']) {
      assert.equal(await (await browser.$(hidden)).isDisplayed(), false, `${hidden} does not print`);
    }
    for (const printed of ['[data-testid="daybook-receipts"]', '[data-testid="cash-closings"]', '[data-testid="daybook-cash-expected"]']) {
      assert.equal(await (await browser.$(printed)).isDisplayed(), true, `${printed} prints`);
    }
    await screenshot(browser, '42-fees-daybook-print');
  });
  const page = await browser.execute(() => document.getElementById('fee-report-page')?.textContent ?? '');
  assert.match(page, /size: A4/, 'reports print on A4');
});

test('the defaulters are those owing past a due date, or none', async () => {
  await (await shown(browser, '[data-testid="fee-report-defaulters"]')).click();
  await shown(browser, '[data-testid="defaulters"]');
  await browser.waitUntil(
    async () =>
      (await browser.$('[data-testid="defaulters-table"]').isExisting()) || (await browser.$('[data-testid="defaulters-none"]').isExisting()),
    { timeoutMsg: 'the defaulters, or that there are none' },
  );
  assert.equal(await (await browser.$('#defaulters-class')).getValue(), '', 'all classes to start with');

  const rows = await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="defaulter-row"]')].map((tr) => ({
      overdue: Number(tr.getAttribute('data-overdue')),
      days: Number(tr.children[5]?.textContent ?? 'NaN'),
      text: tr.innerText,
    })),
  );
  if (rows.length === 0) {
    assert.match(await (await shown(browser, '[data-testid="defaulters-none"]')).getText(), /No one is overdue/);
  } else {
    for (const r of rows) assert.ok(r.overdue > 0, `each owes something overdue: ${r.text}`);
    const sum = rows.reduce((s, r) => s + r.overdue, 0);
    const totalRow = await (await shown(browser, '[data-testid="defaulters-total"]')).getText();
    assert.match(totalRow, new RegExp(grouped(sum).replace(/\./g, '\\.')), 'the total is the sum of what is overdue');
    assert.equal(await (await browser.$('[data-testid="defaulters-count"]')).getText(), String(rows.length));

    await (await browser.$('[data-testid="defaulters-sort-overdue"]')).click();
    const sorted = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="defaulter-row"]')].map((tr) => Number(tr.getAttribute('data-overdue'))),
    );
    assert.deepEqual(sorted, [...sorted].sort((a, b) => b - a), 'the most overdue first');
    await (await browser.$('[data-testid="defaulters-sort-days"]')).click();
    const days = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="defaulter-row"]')].map((tr) => Number(tr.children[5]?.textContent)),
    );
    assert.deepEqual(days, [...days].sort((a, b) => b - a), 'the longest overdue first');
  }
  await screenshot(browser, '43-fees-defaulters');
  await asPrinted(browser, async () => {
    assert.equal(await (await browser.$('#defaulters-class')).isDisplayed(), false, 'the class filter does not print');
    await screenshot(browser, '44-fees-defaulters-print');
  });

  // One class only.
  await (await browser.$('#defaulters-class')).selectByVisibleText('Grade 5 B');
  await browser.waitUntil(async () => /Grade 5 B/.test(await (await browser.$('#defaulters-title')).getText()), {
    timeoutMsg: 'the title names the class',
  });
  const classes = await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="defaulter-row"]')].map((tr) => tr.children[0]?.textContent?.trim()),
  );
  assert.ok(classes.every((c) => c === 'Grade 5 B'), 'only Grade 5 B');
  await (await browser.$('#defaulters-class')).selectByIndex(0);
});

test('collection shows a chart per class and the totals', async () => {
  await (await shown(browser, '[data-testid="fee-report-collection"]')).click();
  await shown(browser, '[data-testid="collection"]');
  await shown(browser, '[data-testid="collection-chart"] canvas');
  const total = await shown(browser, '[data-testid="collection-total"]');
  const totalText = await total.getText();
  assert.match(totalText, /All classes/);

  const rows = await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="collection-row"]')].map((tr) => [...tr.children].map((td) => td.textContent.trim())),
  );
  assert.ok(rows.some((r) => r[0] === 'Grade 5 B'), 'Grade 5 B was charged this term');
  const expected = rows.reduce((s, r) => s + minorOf(r[1]), 0);
  const collected = rows.reduce((s, r) => s + minorOf(r[2]), 0);
  const cells = await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="collection-total"] > *')].map((td) => td.textContent.trim()),
  );
  assert.equal(minorOf(cells[1]), expected, 'the expected total is the classes’ sum');
  assert.equal(minorOf(cells[2]), collected, 'the collected total is the classes’ sum');
  assert.match(cells[4], /^\d+\.\d\s%$/, 'a percentage with one decimal');

  // The chart is also said in words.
  const summary = await (await shown(browser, '[data-testid="collection-summary"]')).getText();
  assert.match(summary, /collected of KSh/i);
  const canvasSize = await browser.execute(() => {
    const c = document.querySelector('[data-testid="collection-chart"] canvas');
    return { w: c.clientWidth, h: c.clientHeight };
  });
  assert.ok(canvasSize.w > 300 && canvasSize.h > 100, `the chart is drawn (${canvasSize.w}×${canvasSize.h})`);
  // The pointer off the chart, so no tooltip hides the bars.
  await browser.action('pointer').move({ x: 5, y: 5 }).perform();
  await screenshot(browser, '45-fees-collection');
  await asPrinted(browser, () => screenshot(browser, '46-fees-collection-print'));
});

test('the day book is saved as Excel where the save dialog says', async () => {
  await (await shown(browser, '[data-testid="fee-report-daybook"]')).click();
  await shown(browser, '[data-testid="daybook-receipts"]');
  const out = await savedThroughDialog(browser, 'daybook.xlsx', async () =>
    (await browser.$('[data-testid="daybook-export"]')).click(),
  );
  assert.equal(readFileSync(out).subarray(0, 2).toString(), 'PK', 'an xlsx (zip) file');
});
