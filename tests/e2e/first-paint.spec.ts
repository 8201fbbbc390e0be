// Issue 21: a screen's words paint with its page, before the app's code has arrived, in
// the language the app then shows, exactly where the app then draws them, so the swap
// moves nothing and paints nothing larger (Lighthouse's LCP stays at the first paint).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { root } from '../playwright-shared';
import type { Page } from '@playwright/test';
import { createAccountByApi, fresh, test, expect, PASSWORD } from './helpers';

const words = (lang: string) => JSON.parse(fs.readFileSync(path.join(root, `locales/${lang}.json`), 'utf8'));
const en = words('en');
const es = words('es');

/** Holds every wasm download until `release()`: the page alone is on screen till then. */
async function holdTheCode(page: Page) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  await page.route(/\.wasm$/, async (route) => {
    await released;
    await route.continue();
  });
  await page.addInitScript(() => {
    const w = window as any;
    w.__shift = 0;
    w.__lcp = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as any[]) if (!e.hadRecentInput) w.__shift += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as any[]) w.__lcp.push(e.element?.closest('#boot') ? 'first paint' : e.element?.outerHTML.slice(0, 80));
    }).observe({ type: 'largest-contentful-paint', buffered: true });
  });
  return release;
}

const box = (page: Page, selector: string) =>
  page.locator(selector).first().evaluate((e) => {
    const r = e.getBoundingClientRect();
    return { text: e.textContent?.trim(), x: r.x, y: r.y, width: r.width, height: r.height };
  });

/** Opens `address` with its code held back, checks the words painted first, then lets the
 *  app take over and checks it drew the same words in the same places. */
async function paintsFirst(page: Page, address: string, title: string, intro?: string) {
  await page.setViewportSize({ width: 412, height: 823 });
  const release = await holdTheCode(page);
  await page.goto(address);
  const firstTitle = page.locator('#boot .boot-card h1').filter({ visible: true });
  await expect(firstTitle).toHaveText(title);
  // Styled by the CSS that came inside the page (allowed by the CSP's hashes): no other
  // request was needed for this paint.
  const card = await page.locator('#boot .boot-card:visible').evaluate((e) => getComputedStyle(e).boxShadow);
  expect(card, 'the card has its style before any other file arrives').not.toBe('none');
  const before = [await box(page, '#boot .boot-card:visible h1')];
  if (intro) {
    await expect(page.locator('#boot .boot-card:visible p')).toHaveText(intro);
    before.push(await box(page, '#boot .boot-card:visible p'));
  }
  release();
  const heading = page.getByRole('heading', { level: 1, name: title });
  await expect(heading).toBeFocused();
  const after = [await box(page, '#main h1[tabindex]')];
  if (intro) after.push(await box(page, '#main h1[tabindex] ~ p'));
  expect(after, `${address}: the app drew the first words where the page had painted them`).toEqual(before);
  await expect(page.locator('.boot-card'), 'the first-paint card is gone once the screen is there').toHaveCount(0);
  expect(await page.evaluate(() => (window as any).__shift), `${address}: layout shift`).toBe(0);
  return page.evaluate(() => (window as any).__lcp as string[]);
}

for (const [address, title, intro] of [
  ['/sign-in', en.sign_in.title, undefined],
  ['/', en.sign_in.title, undefined],
  ['/help/no-code', en.no_code.title, en.no_code.intro],
]) {
  test(`signed out: ${address} paints its words with the page`, async ({ page }) => {
    const lcp = await paintsFirst(page, address, title, intro);
    expect(lcp, 'the largest paint is the first one').toEqual(['first paint']);
  });
}

test('setting up: the phone screen paints its heading, with the line of its way back kept', async ({ page }) => {
  const { email } = fresh();
  await createAccountByApi(page, email);
  const lcp = await paintsFirst(page, '/setup/phone', en.phone.title);
  expect(lcp).toEqual(['first paint']);
  await expect(page.getByRole('link', { name: en.app.back })).toBeVisible();
});

test('signed in: a screen after sign-in paints its words while its chunk and the session load', async ({ page }) => {
  const { email } = fresh();
  await createAccountByApi(page, email);
  const skip = await page.request.post('/api/mfa/skip', { headers: { 'x-phone-mfa': '1' }, data: {} });
  expect(skip.status()).toBe(200);
  // A way back above the heading: its line is kept while its words wait for the session.
  const lcp = await paintsFirst(page, '/account/confirm', en.current_method.title_reauth, en.current_method.intro_reauth);
  expect(lcp).toEqual(['first paint']);
  await expect(page.getByRole('link', { name: en.app.cancel })).toBeVisible();
});

test('a password-only session: "Complete your sign-in" paints its words first', async ({ page }) => {
  const r = await page.request.post('/api/auth/sign-in', { headers: { 'x-phone-mfa': '1' }, data: { email: 'secure@example.com', password: PASSWORD } });
  expect(r.status()).toBe(200);
  await paintsFirst(page, '/sign-in/verify', en.current_method.title_sign_in, en.current_method.intro_sign_in);
});

test.describe('the first paint is in the language the app then shows', () => {
  for (const { name, locale, stored, lang } of [
    { name: 'a Spanish browser', locale: 'es-MX', stored: null, lang: 'es' },
    { name: 'a French browser (English, the app falls back to it)', locale: 'fr-FR', stored: null, lang: 'en' },
    { name: 'Spanish chosen before, in an English browser', locale: 'en-US', stored: 'es', lang: 'es' },
    { name: 'English chosen before, in a Spanish browser', locale: 'es-ES', stored: 'en', lang: 'en' },
  ]) {
    test(name, async ({ browser }) => {
      const context = await browser.newContext({ locale });
      const page = await context.newPage();
      if (stored) await page.addInitScript((l) => localStorage.setItem('phone_mfa_lang', l), stored);
      const title = (lang === 'es' ? es : en).no_code.title;
      await paintsFirst(page, '/help/no-code', title, (lang === 'es' ? es : en).no_code.intro);
      await expect(page.locator('html')).toHaveAttribute('lang', lang);
      await context.close();
    });
  }
});

test('an address without words of its own keeps the neutral frame until its screen renders', async ({ page }) => {
  const release = await holdTheCode(page);
  await page.goto('/no-such-page');
  await expect(page.locator('#boot .boot-title')).toBeVisible();
  await expect(page.locator('#boot h1')).toHaveCount(0);
  release();
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await expect(page.locator('.boot-card')).toHaveCount(0);
});
