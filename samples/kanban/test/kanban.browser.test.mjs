// Browser test of samples/kanban: two people in two headless Chromium sessions (their own
// localStorage, so their own identities). Alice sees only the boards she collaborates on (the
// board table's visibility filter joins collaborator on :sender), and Bob's board appears on her
// screen the moment he invites her; the card she moves shows up in Bob's done column, and each sees
// the other in the board's viewers (board_viewer presence).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, openSession, screenshots, trace, waitForTexts } from '../../tools/browser.mjs';
import { Server } from '../../tools/meridian.mjs';
import { sampleDirs, serveStatic } from '../../tools/web.mjs';

const DATABASE = 'kanban';
let server, site, browser;
const sessions = [];

before(async () => {
  server = await Server.start();
  trace('server started');
  await server.publish('samples/kanban/module', DATABASE);
  trace('module published');
  site = await serveStatic(sampleDirs('kanban').web);
  browser = await launchBrowser();
  trace('browser launched');
});

after(async () => {
  await screenshots(sessions, 'kanban').catch(e => trace(`screenshots: ${e.message}`));
  await browser?.close();
  await site?.close();
  await server?.stop();
});

async function person(name) {
  const url = `${site.url}?server=${encodeURIComponent(server.wsUrl)}&db=${DATABASE}`;
  const session = await openSession(browser, url, name);
  sessions.push(session);
  trace(`${name}: page open`);
  const { page } = session;
  await page.locator('body[data-ready="true"]').waitFor();
  trace(`${name}: connected and subscribed`);
  await page.fill('#name-input', name);
  await page.click('#name-save');
  await page.locator('#status', { hasText: `signed in as ${name}` }).waitFor();
  return session;
}

async function createBoard(page, title) {
  await page.fill('#new-board-title', title);
  await page.click('#new-board-create');
  await page.locator('#boards .board-title', { hasText: title }).waitFor();
}

test('a user sees only the boards they collaborate on, and a board appears when they are invited', async () => {
  const alice = await person('alice');
  const bob = await person('bob');

  await createBoard(bob.page, 'Launch plan');
  await bob.page.click('#boards .board-title >> text=Launch plan');
  await bob.page.fill('#new-card-title', 'Write the announcement');
  await bob.page.click('#new-card-add');
  await waitForTexts(bob.page, '.column[data-state="todo"] .card-title', ['Write the announcement'], 'bob: his card in to do');

  // Alice's own board arrives after Bob's was committed, so had his board reached her cache it would be there by now.
  await createBoard(alice.page, 'Groceries');
  await waitForTexts(alice.page, '#boards .board-title', ['Groceries'], 'alice before the invite: only her own board');
  await waitForTexts(bob.page, '#boards .board-title', ['Launch plan'], 'bob: only his own board');

  // Bob invites Alice: his board appears in her list, with its card, without a reload.
  await bob.page.locator('#invite-user option', { hasText: 'alice' }).waitFor({ state: 'attached' });
  await bob.page.selectOption('#invite-user', { label: 'alice' });
  await bob.page.click('#invite');
  await waitForTexts(alice.page, '#boards .board-title', ['Launch plan', 'Groceries'], 'alice after the invite');

  await alice.page.click('#boards .board-title >> text=Launch plan');
  await waitForTexts(alice.page, '.column[data-state="todo"] .card-title', ['Write the announcement'], 'alice: the card of the board she joined');
  await waitForTexts(bob.page, '#viewers', ['alice, bob'], 'bob: both are viewing the board');

  // Alice moves the card twice; Bob sees it land in done.
  await alice.page.click('.column[data-state="todo"] .card .move-doing');
  await waitForTexts(alice.page, '.column[data-state="doing"] .card-title', ['Write the announcement'], 'alice: card in doing');
  await alice.page.click('.column[data-state="doing"] .card .move-done');
  await waitForTexts(bob.page, '.column[data-state="done"] .card-title', ['Write the announcement'], 'bob: card moved by alice');
  await waitForTexts(bob.page, '.column[data-state="todo"] .card-title', [], 'bob: to do is empty');

  // Bob still does not see Alice's own board.
  await waitForTexts(bob.page, '#boards .board-title', ['Launch plan'], 'bob: still only his board');

  const errors = sessions.flatMap(s => s.errors);
  assert.deepEqual(errors, [], 'no page or console errors');
});
