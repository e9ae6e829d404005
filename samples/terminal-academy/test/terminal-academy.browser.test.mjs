// Browser test of samples/terminal-academy: two learners in two headless Chromium sessions.
// One completes a lab and the other's live leaderboard (a top-N subscription) reorders; the
// completer's level, XP and streak follow; both see each other online, and chat goes through.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, openSession, screenshots, trace, waitForTexts } from '../../tools/browser.mjs';
import { Server } from '../../tools/meridian.mjs';
import { sampleDirs, serveStatic } from '../../tools/web.mjs';

const DATABASE = 'terminal-academy';
let server, site, browser;
const sessions = [];

before(async () => {
  server = await Server.start();
  trace('server started');
  await server.publish('samples/terminal-academy/module', DATABASE);
  trace('module published');
  site = await serveStatic(sampleDirs('terminal-academy').web);
  browser = await launchBrowser();
  trace('browser launched');
});

after(async () => {
  await screenshots(sessions, 'terminal-academy').catch(e => trace(`screenshots: ${e.message}`));
  await browser?.close();
  await site?.close();
  await server?.stop();
});

async function learner(name) {
  const url = `${site.url}?server=${encodeURIComponent(server.wsUrl)}&db=${DATABASE}`;
  const session = await openSession(browser, url, name);
  sessions.push(session);
  const { page } = session;
  await page.locator('body[data-ready="true"]').waitFor();
  await page.fill('#username', name);
  await page.click('#register-button');
  await page.locator('#status', { hasText: `logged in as ${name}` }).waitFor();
  return session;
}

async function complete(page, labId) {
  await page.click(`.lab[data-lab-id="${labId}"] button.complete`);
  await page.locator(`.lab[data-lab-id="${labId}"] button.complete:disabled`).waitFor();
}

test('one learner completes a lab and the other sees the leaderboard move', async () => {
  const alice = await learner('alice');
  const bob = await learner('bob');

  // Equal XP: registration order breaks the tie.
  await waitForTexts(bob.page, '#leaderboard .lb-name', ['alice', 'bob'], 'bob: both on the board');
  await waitForTexts(alice.page, '#leaderboard .lb-name', ['alice', 'bob'], 'alice: both on the board');

  await complete(bob.page, 'nav-2'); // 150 XP
  await waitForTexts(alice.page, '#leaderboard .lb-name', ['bob', 'alice'], 'alice: bob moved up');
  await waitForTexts(alice.page, '#leaderboard .lb-xp', ['150 XP', '0 XP'], 'alice: bob\'s XP');

  await complete(alice.page, 'nav-1'); // 100 XP
  await complete(alice.page, 'text-1'); // 200 XP: 300 in all, level 3
  await waitForTexts(bob.page, '#leaderboard .lb-name', ['alice', 'bob'], 'bob: alice overtook him');
  await waitForTexts(bob.page, '#leaderboard .lb-xp', ['300 XP', '150 XP'], 'bob: the XP after alice\'s labs');
  await waitForTexts(alice.page, '#level', ['3'], 'alice: level 3 at 300 XP');
  await waitForTexts(alice.page, '#streak', ['1'], 'alice: a streak of one day');

  await waitForTexts(bob.page, '#online .who', ['alice', 'bob'], 'bob: presence');
  await alice.page.fill('#chat-input', 'hello from alice');
  await alice.page.click('#chat-send');
  await waitForTexts(bob.page, '#messages .text', ['hello from alice'], 'bob: alice\'s message');

  assert.deepEqual(sessions.flatMap(s => s.errors), [], 'no page or console errors');
});
