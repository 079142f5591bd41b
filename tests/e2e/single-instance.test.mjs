// One Rollbook at a time: opening a backup file while Rollbook runs starts the app a second
// time, which hands the file to the running window and exits; the running window then
// offers to restore it, as it does when the app is started with the file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, screenshot, shown } from './session.mjs';

let browser;

before(async () => {
  browser = await openApp();
  await shown(browser, '[data-testid="nav-students"]');
});

after(async () => {
  await browser?.deleteSession();
});

/**
 * Starts the app again as a file manager would, in `cwd`; resolves with its exit code.
 * `args` is a list, or a shell script that ends by running the app as "$0" (for bytes a
 * JavaScript string cannot carry).
 */
function launchAgain(args, cwd) {
  const [program, argv] = typeof args === 'string'
    ? ['/bin/sh', ['-c', args, process.env.ROLLBOOK_APP]]
    : [process.env.ROLLBOOK_APP, args];
  return new Promise((resolve, reject) => {
    const child = spawn(program, argv, {
      cwd,
      env: { ...process.env, ROLLBOOK_DATA_DIR: process.env.ROLLBOOK_E2E_DATA },
      stdio: 'ignore',
    });
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('the second launch is still running after 30 s: it did not hand over'));
    }, 30000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

test('a backup opened while Rollbook runs is offered for restoring in the running window', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollbook-e2e-'));
  const name = 'rollbook-20261122-090000.rbk';
  writeFileSync(join(dir, name), 'not opened: the test dismisses the offer');
  assert.equal(await browser.$('[data-testid="opened-backup"]').isExisting(), false, 'nothing offered yet');

  // Named relative to the folder the second launch starts in, as a terminal would.
  assert.equal(await launchAgain([name], dir), 0, 'the second launch exits at once');

  const offer = await shown(browser, '[data-testid="opened-backup"]');
  const text = await offer.getText();
  assert.ok(text.includes(`You opened the backup ${name}`), text);
  assert.ok(text.includes(join(dir, name)), `the full path is shown: ${text}`);
  await browser.execute(() => document.querySelector('[data-testid="opened-backup"]')?.scrollIntoView({ block: 'center' }));
  await screenshot(browser, '60-second-launch-backup-offer');
  assert.equal((await browser.getWindowHandles()).length, 1, 'still one window');

  await (await shown(browser, '[data-testid="opened-backup-dismiss"]')).click();
  await browser.waitUntil(async () => !(await browser.$('[data-testid="opened-backup"]').isExisting()), {
    timeoutMsg: 'the offer goes on "Not now"',
  });
});

test('starting Rollbook again with nothing to open only brings the window forward', async () => {
  assert.equal(await launchAgain([], tmpdir()), 0, 'the second launch exits at once');
  await browser.pause(500);
  assert.equal(await browser.$('[data-testid="opened-backup"]').isExisting(), false, 'nothing offered');
  await shown(browser, '[data-testid="nav-students"]');
});

test('a file whose name is not UTF-8 does not stop the hand-over or the running window', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollbook-e2e-'));
  // "backup-\xff.rbk": Linux allows any bytes but / in a name; the text the hand-over
  // carries cannot hold this one, so it arrives altered and names no file.
  const script = `name="$(printf 'backup-\\377.rbk')"; echo x > "$name"; exec "$0" "$name"`;
  assert.equal(await launchAgain(script, dir), 0, 'the second launch exits at once');
  await browser.pause(500);
  assert.equal(await browser.$('[data-testid="opened-backup"]').isExisting(), false, 'nothing offered');
  await shown(browser, '[data-testid="nav-students"]');
});
