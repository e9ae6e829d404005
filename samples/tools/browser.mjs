// Headless Chromium (Debian's package, installed by scripts/ensure-chromium.sh) driven by
// Playwright; each session is its own browser context, so its own localStorage and identity.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { REPO_ROOT, TIMEOUTS } from './meridian.mjs';

/** The Chromium binary: $MERIDIAN_CHROMIUM, else the one scripts/ensure-chromium.sh finds (or installs). */
export function chromiumPath() {
  if (process.env.MERIDIAN_CHROMIUM) return process.env.MERIDIAN_CHROMIUM;
  // Debian's /usr/bin/chromium is a shell wrapper around this binary; Playwright passes its own flags.
  if (existsSync('/usr/lib/chromium/chromium')) return '/usr/lib/chromium/chromium';
  const out = execFileSync('bash', [`${REPO_ROOT}/scripts/ensure-chromium.sh`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out.trim().split('\n').at(-1);
}

/** Launches headless Chromium. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    timeout: TIMEOUTS.start,
    // As root (CI) Chromium refuses its sandbox; /dev/shm is small in containers.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

/**
 * A new browser session (context and page) at `url`. Every page error and console error is
 * collected in `errors`, so a test can insist there were none.
 */
export async function openSession(browser, url, label) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUTS.ui);
  const errors = [];
  page.on('pageerror', e => errors.push(`${label}: page error: ${e.message}`));
  page.on('console', m => {
    if (m.type() === 'error') errors.push(`${label}: console error: ${m.text()} (${m.location().url})`);
  });
  await page.goto(url);
  return { label, context, page, errors };
}

/** The text of every element matching `selector`, in document order. */
export function texts(page, selector) {
  return page.locator(selector).allTextContents();
}

/** Waits until `selector`'s texts equal `expected` (in order); the error shows the last texts seen. */
export async function waitForTexts(page, selector, expected, what) {
  const started = Date.now();
  try {
    await page.waitForFunction(
      ([sel, want]) => JSON.stringify([...document.querySelectorAll(sel)].map(e => e.textContent)) === JSON.stringify(want),
      [selector, expected],
      { timeout: TIMEOUTS.ui, polling: 100 }
    );
  } catch (e) {
    const seen = await texts(page, selector).catch(() => ['(page gone)']);
    throw new Error(`${what}: expected ${JSON.stringify(expected)} in ${selector}, saw ${JSON.stringify(seen)} (${e.message.split('\n')[0]})`);
  }
  trace(`${what}: ${Date.now() - started} ms`);
}

/** With MERIDIAN_SAMPLES_TRACE set, prints how long each step waited (to stderr). */
export function trace(line) {
  if (process.env.MERIDIAN_SAMPLES_TRACE) process.stderr.write(`[trace ${new Date().toISOString().slice(11, 23)}] ${line}\n`);
}

/** With MERIDIAN_SAMPLES_SCREENSHOTS=DIR, saves a PNG of every session's page into DIR (to look at what a person sees). */
export async function screenshots(sessions, prefix) {
  const dir = process.env.MERIDIAN_SAMPLES_SCREENSHOTS;
  if (!dir) return;
  for (const s of sessions) await s.page.screenshot({ path: `${dir}/${prefix}-${s.label}.png`, fullPage: true });
}
