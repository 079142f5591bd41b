// Fees in the real Rollbook window: a fee head and a class's fee for the first term set up and
// applied; then at the counter, from the keyboard only, a student found, part of the fee taken
// and the receipt shown ready to print (A5 and 80 mm); the cursor back in the search for the
// next parent; a reprint from the statement marked DUPLICATE; a reversal; errors at the fields.
// Runs after foundation and import made "Green Valley School" (KES) and "Grade 5 B" with
// Wanjiru Kamau (GV-0042).
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

/** The first receipt taken: its number and verification code, checked at the end. */
let first = { no: '', code: '' };
const focusedTestId = () => browser.execute(() => document.activeElement?.getAttribute('data-testid') ?? '');



async function textOf(selector) {
  return (await shown(browser, selector)).getText();
}

async function waitText(selector, pattern, message) {
  await browser.waitUntil(
    async () => {
      const el = await browser.$(selector);
      return (await el.isExisting()) && pattern.test(await el.getText());
    },
    { timeoutMsg: `${message}: ${selector} shows ${pattern}` },
  );
}


test('a fee head and the class fee for the first term are set up and applied', async () => {
  await (await shown(browser, '[data-testid="nav-fees"]')).click();
  await shown(browser, '[data-testid="fee-counter"]');
  await waitFocus(browser, 'fee-search', 'the counter opens with the cursor in its search box');

  await (await shown(browser, '[data-testid="fees-tab-setup"]')).click();
  await shown(browser, '[data-testid="fee-setup"]');
  await type(browser, '#fee-head-name', 'Tuition');
  await (await browser.$('[data-testid="fee-head-add"]')).click();
  await browser.waitUntil(async () => (await textsOf(browser, '[data-testid="fee-head"]')).some((t) => t.includes('Tuition')), {
    timeoutMsg: 'Tuition is listed among the fee heads',
  });

  await (await shown(browser, '#fee-class')).selectByVisibleText('Grade 5 B');
  await (await shown(browser, '#fee-term')).selectByIndex(0);
  await type(browser, '#fee-amount-tuition', '1500');
  await browser.keys('Enter');
  await waitText('[data-testid="fee-structure-row"][data-head="Tuition"] [data-testid="fee-structure-state"]', /Saved/, 'Enter saves the row');
  assert.equal(await (await browser.$('#fee-amount-tuition')).getValue(), '1500.00', 'the amount is shown as saved');

  await (await browser.$('[data-testid="fee-apply"]')).click();
  await waitText('[data-testid="fee-applied"]', /Charged \d+ students?/, 'the class is charged');
  await screenshot(browser, '10-fees-setup');
});

test('a payment is taken from the keyboard and its receipt is ready to print', async () => {
  await (await shown(browser, '[data-testid="fees-tab-counter"]')).click();
  await waitFocus(browser, 'fee-search', 'the counter tab puts the cursor in the search');
  await typeKeys(browser, 'Wanjiru');
  await browser.keys('Enter');
  await waitText('[data-testid="fee-balance"]', /1,500\.00/, 'Enter picks Wanjiru and shows what she owes');
  assert.match(await textOf('[data-testid="fee-student"]'), /Wanjiru Kamau/);
  assert.match(await textOf('[data-testid="fee-balance"]'), /owes/i);
  const dues = await textOf('[data-testid="fee-dues"]');
  assert.match(dues, /Tuition/);
  assert.match(dues, /1,500\.00/);

  // The amount owed is filled in and selected: typing replaces it.
  await waitFocus(browser, 'fee-amount', 'the amount box has the cursor');
  const amount = await browser.execute(() => {
    const el = document.getElementById('fee-amount');
    return { value: el.value, start: el.selectionStart, end: el.selectionEnd };
  });
  assert.deepEqual(amount, { value: '1500.00', start: 0, end: 7 }, 'the whole amount due, selected');
  await screenshot(browser, '11-fees-counter');

  await typeKeys(browser, '500');
  await browser.keys('Enter');
  const receipt = await shown(browser, '[data-testid="receipt"]');
  await browser.waitUntil(async () => (await focusedTestId()) === 'receipt-print', {
    timeoutMsg: 'Print has the focus: Enter prints',
  });
  const text = await receipt.getText();
  assert.match(await textOf('[data-testid="receipt-no"]'), /^[0-9A-Z]{5}-\d{4}-\d{6}$/, 'a receipt number from the device series');
  assert.match(await textOf('[data-testid="receipt-amount"]'), /500\.00/);
  assert.match(await textOf('[data-testid="receipt-words"]'), /Five hundred Kenyan shillings only/);
  assert.match(await textOf('[data-testid="receipt-balance"]'), /1,000\.00/, 'the balance left after this payment');
  assert.match(text, /Wanjiru Kamau/);
  assert.match(text, /GV-0042/);
  assert.match(text, /Grade 5 B/);
  assert.match(text, /Green Valley School/);
  assert.match(text, /Cash/);
  assert.match(await textOf('[data-testid="receipt-code"]'), /^[0-9A-F]{4}-[0-9A-F]{4}$/);
  first = { no: await textOf('[data-testid="receipt-no"]'), code: await textOf('[data-testid="receipt-code"]') };
  assert.equal(await (await browser.$('[data-testid="receipt-qr"] svg')).isExisting(), true, 'the QR code is drawn');
  assert.doesNotMatch(text, /DUPLICATE/, 'the first print is the original');

  // Both layouts, chosen with a key; the choice is remembered.
  await browser.keys('a');
  await browser.waitUntil(async () => (await receipt.getAttribute('data-layout')) === 'a5', { timeoutMsg: 'A chooses A5' });
  await screenshot(browser, '12-receipt-a5');
  await asPrinted(browser, async () => {
    for (const hidden of ['.nav', '.topbar', '[data-testid="fee-counter"]', '[data-testid="receipt-print"]']) {
      assert.equal(await (await browser.$(hidden)).isDisplayed(), false, `${hidden} does not print`);
    }
    assert.equal(await (await browser.$('[data-testid="receipt-paper"]')).isDisplayed(), true, 'the receipt prints');
    await screenshot(browser, '13-receipt-a5-print');
  });
  await browser.keys('t');
  await browser.waitUntil(async () => (await receipt.getAttribute('data-layout')) === 'thermal', { timeoutMsg: 'T chooses 80 mm' });
  assert.equal(await browser.execute(() => localStorage.getItem('rollbook.receipt-layout')), 'thermal', 'the layout is remembered');
  const pageRule = await browser.execute(() => document.getElementById('receipt-page')?.textContent ?? '');
  assert.match(pageRule, /size: 80mm \d+mm/, 'the roll is as long as the receipt');
  await screenshot(browser, '14-receipt-80mm');
  await asPrinted(browser, () => screenshot(browser, '15-receipt-80mm-print'));

  // S saves it as a PDF where the save dialog says.
  const pdf = await savedThroughDialog(browser, 'receipt.pdf', () => browser.keys('s'));
  assert.equal(readFileSync(pdf).subarray(0, 5).toString(), '%PDF-', 'a PDF file');

  // Esc closes; the cursor is back in the search box, empty, for the next parent.
  await browser.keys('Escape');
  await browser.waitUntil(async () => !(await browser.$('[data-testid="receipt"]').isExisting()), { timeoutMsg: 'Esc closes the receipt' });
  await waitFocus(browser, 'fee-search', 'the cursor is back in the search box');
  assert.equal(await (await browser.$('#fee-search')).getValue(), '', 'the search box is cleared');
  await waitText('[data-testid="fee-balance"]', /1,000\.00/, 'the balance shown is what is left');
});

test('a reprint from the statement is marked DUPLICATE, and a reversal voids the payment', async () => {
  await (await shown(browser, '[data-testid="fee-statement-toggle"]')).click();
  const payment = '[data-testid="fee-statement-row"][data-kind="payment"]';
  await shown(browser, payment);
  const rows = await textsOf(browser, '[data-testid="fee-statement-row"]');
  assert.equal(rows.length, 2, 'the charge and the payment');
  assert.match(rows[0], /Charge/);
  assert.match(rows[1], /Payment/);
  assert.match(rows[1], /1,000\.00/, 'the running balance after the payment');

  await (await browser.$(`${payment} [data-testid="fee-reprint"]`)).click();
  await waitText('[data-testid="receipt"]', /DUPLICATE/, 'the reprint says DUPLICATE');
  assert.equal(await (await browser.$('[data-testid="receipt"]')).getAttribute('data-duplicate'), 'true');
  await screenshot(browser, '16-receipt-duplicate');
  await browser.keys('Escape');
  await browser.waitUntil(async () => !(await browser.$('[data-testid="receipt"]').isExisting()), { timeoutMsg: 'Esc closes the reprint' });

  // A reversal needs a reason.
  await (await browser.$(`${payment} [data-testid="fee-reverse"]`)).click();
  await waitFocus(browser, 'fee-reverse-reason', 'the reason box has the cursor');
  await browser.keys('Enter');
  await shown(browser, '#fee-reverse-reason-error');
  assert.equal(await (await browser.$('#fee-reverse-reason')).getAttribute('aria-invalid'), 'true');
  await typeKeys(browser, 'Cheque bounced');
  await browser.keys('Enter');
  await browser.waitUntil(async () => (await textsOf(browser, '[data-testid="fee-statement-row"]')).length === 3, {
    timeoutMsg: 'the reversal is on the statement',
  });
  await browser.waitUntil(async () => (await (await browser.$(payment)).getAttribute('class'))?.includes('void'), {
    timeoutMsg: 'the payment is struck through, void',
  });
  assert.match(await textOf(payment), /VOID/);
  assert.equal(await (await browser.$(`${payment} [data-testid="fee-reverse"]`)).isExisting(), false, 'a void payment cannot be reversed again');
  await waitText('[data-testid="fee-balance"]', /1,500\.00/, 'the amount is owed again');
  await screenshot(browser, '17-fees-statement');

  await (await browser.$(`${payment} [data-testid="fee-reprint"]`)).click();
  await waitText('[data-testid="receipt"]', /VOID/, 'a reversed payment reprints VOID');
  await browser.keys('Escape');
  await browser.waitUntil(async () => (await focusedTestId()) === 'fee-reprint', {
    timeoutMsg: 'closing a reprint puts the cursor back on its Reprint button',
  });

  // The statement is saved as Excel where the save dialog says.
  const out = await savedThroughDialog(browser, 'statement.xlsx', async () =>
    (await browser.$('[data-testid="fee-statement-export"]')).click(),
  );
  assert.equal(readFileSync(out).subarray(0, 2).toString(), 'PK', 'an xlsx (zip) file');
});

test('mistakes are shown at the fields and nothing is taken', async () => {
  await (await shown(browser, '#fee-search')).click();
  await typeKeys(browser, 'GV-0042');
  await browser.waitUntil(async () => (await textsOf(browser, '[data-testid="fee-hit"]')).some((t) => t.includes('Wanjiru Kamau')), {
    timeoutMsg: 'the admission number (with its dash) lists the student',
  });
  await screenshot(browser, '18-fees-search');
  await browser.keys('Enter');
  await waitFocus(browser, 'fee-amount', 'the admission number finds the student');
  await typeKeys(browser, '999999');
  await browser.keys('Enter');
  await waitText('#fee-amount-error', /more than/, 'paying more than is owed is refused at the amount');
  assert.equal(await (await browser.$('#fee-amount')).getAttribute('aria-invalid'), 'true');
  await waitFocus(browser, 'fee-amount', 'the cursor goes to the field with the problem');

  // Q (in the amount box) is a cheque: its number and bank are asked for.
  await browser.keys(['Control', 'a']);
  await typeKeys(browser, '100');
  await browser.keys('q');
  await waitFocus(browser, 'fee-reference', 'a cheque asks for its number next');
  assert.equal(await (await browser.$('#fee-method')).getValue(), 'cheque');
  await browser.keys('Enter');
  await waitText('#fee-reference-error', /cheque number/i, 'the cheque number is asked for at its field');
  assert.equal(await (await browser.$('#fee-bank')).getAttribute('aria-invalid'), 'true', 'and the bank');
  assert.equal(await browser.$('[data-testid="receipt"]').isExisting(), false, 'no receipt');
  await screenshot(browser, '18-fees-field-errors');
  await waitText('[data-testid="fee-balance"]', /1,500\.00/, 'nothing was taken');
  await browser.keys('Escape');
  await waitFocus(browser, 'fee-search', 'Esc goes back to the search');
});

test('a late fine and a concession show in the dues and the balance', async () => {
  await (await shown(browser, '[data-testid="fees-tab-setup"]')).click();
  await type(browser, '#fee-head-name', 'Exam');
  await browser.keys('Enter');
  await shown(browser, '#fee-amount-exam');
  await (await browser.$('#fee-class')).selectByVisibleText('Grade 5 B');
  await (await browser.$('#fee-term')).selectByIndex(0);
  await type(browser, '#fee-amount-exam', '800');
  // Due on the term's first day, so it is overdue whatever today is (after that day).
  await browser.execute(() => {
    const due = document.getElementById('fee-due-exam');
    due.value = due.min;
    due.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await (await browser.$('#fee-fine-kind-exam')).selectByAttribute('value', 'per_day');
  await type(browser, '#fee-fine-exam', '10');
  await type(browser, '#fee-fine-cap-exam', '200');
  await browser.keys('Enter');
  await waitText('[data-testid="fee-structure-row"][data-head="Exam"] [data-testid="fee-structure-state"]', /Saved/, 'the Exam row is saved');
  await (await browser.$('[data-testid="fee-apply"]')).click();
  await waitText('[data-testid="fee-applied"]', /Charged \d+ students?/, 'the new head is charged');

  await (await shown(browser, '#fee-conc-search')).click();
  await typeKeys(browser, 'Wanjiru');
  await browser.keys('Enter');
  await waitFocus(browser, 'fee-conc-head', 'picking the student moves on to the head');
  await (await browser.$('#fee-conc-head')).selectByVisibleText('Tuition');
  await type(browser, '#fee-conc-value', '10');
  await type(browser, '#fee-conc-reason', 'Sibling');
  await (await browser.$('[data-testid="fee-conc-add"]')).click();
  await waitText('[data-testid="fee-conc-done"]', /10% off Tuition for Wanjiru Kamau/, 'the concession is added');
  await browser.execute(() => document.querySelector('[data-testid="fee-concession"]').scrollIntoView());
  await screenshot(browser, '18-fees-setup-concession');

  await (await shown(browser, '[data-testid="fees-tab-counter"]')).click();
  await waitFocus(browser, 'fee-search', 'back at the counter');
  await typeKeys(browser, 'Wanjiru');
  await browser.keys('Enter');
  await waitFocus(browser, 'fee-amount', 'Wanjiru is picked');
  const exam = (await textsOf(browser, '[data-testid="fee-due"]')).find((t) => t.includes('Exam'));
  assert.ok(exam, 'the Exam due is listed');
  const days = Number(/(\d+) days?/.exec(exam)?.[1] ?? 0);
  const fine = Math.min(10 * days, 200);
  const tuition = (await textsOf(browser, '[data-testid="fee-due"]')).find((t) => t.includes('Tuition'));
  assert.match(tuition, /150\.00/, '10% of the tuition is conceded');
  // 1,500 - 150 + 800 + the fine to today.
  const total = (1500 - 150 + 800 + fine).toLocaleString('en-US', { minimumFractionDigits: 2 });
  await waitText('[data-testid="fee-balance"]', new RegExp(total.replace(/[.,]/g, '\\$&')), `the balance is ${total}`);
  if (days > 0) {
    assert.equal(await (await browser.$('[data-testid="fee-due"].overdue')).isExisting(), true, 'the overdue due is highlighted');
    assert.match(await textOf('[data-testid="fee-balance"]'), /late fine/);
  }
  assert.equal(await (await browser.$('#fee-amount')).getValue(), total.replace(/,/g, ''), 'the amount box holds it all');
  await screenshot(browser, '18-fees-counter-fines');
});

test('a receipt is checked against the ledger by its number and code', async () => {
  await (await shown(browser, '[data-testid="fees-tab-verify"]')).click();
  await waitFocus(browser, 'verify-receipt', 'the receipt box has the cursor');
  await typeKeys(browser, first.no);
  await type(browser, '#verify-code', first.code);
  await browser.keys('Enter');
  // The first payment was reversed above: the ledger says its receipt is void.
  await waitText('[data-testid="verify-result"]', /void/i, 'a reversed payment is reported void');
  assert.match(await textOf('[data-testid="verify-result"]'), /Does not match/);
  await (await browser.$('#verify-code')).setValue('0000-0000');
  await browser.keys('Enter');
  await waitText('[data-testid="verify-result"]', /verification code does not match/, 'a wrong code is named');
  await screenshot(browser, '18-fees-verify');
});
