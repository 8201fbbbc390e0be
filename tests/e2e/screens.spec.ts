// How every screen behaves for the person using it, beyond the flows: where focus
// lands, what is said (and how often), which field is marked, how the chrome looks.
import type { Page } from '@playwright/test';
import { advanceClock, createAccount, expectAccessible, fresh, latestCode, test, expect } from './helpers';

const e164 = (last2: string) => `+1201555${'01' + last2}`;

/** WCAG relative-luminance contrast of two CSS colours, resolved by the page itself. */
async function contrast(page: Page, a: string, b: string): Promise<number> {
  return page.evaluate(([a, b]) => {
    const rgb = (color: string) => {
      const probe = document.createElement('div');
      probe.style.color = color;
      document.body.append(probe);
      const [r, g, bl] = getComputedStyle(probe).color.match(/[\d.]+/g)!.map(Number);
      probe.remove();
      return [r, g, bl];
    };
    const lum = (c: number[]) => {
      const [r, g, bl] = c.map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
    };
    const [l1, l2] = [lum(rgb(a)), lum(rgb(b))].sort((x, y) => y - x);
    return (l1 + 0.05) / (l2 + 0.05);
  }, [a, b]);
}

/** Counts what a screen reader would announce: each time a live region's visible words
 * change to something non-empty. Installed before the page's scripts run. */
async function countAnnouncements(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { announced: string[] };
    w.announced = [];
    const said = new Map<Element, string>();
    const spoken = (el: Element) => {
      const h = el as HTMLElement;
      if (h.closest('[aria-hidden="true"]') || h.closest('[hidden]')) return '';
      return (h.innerText ?? '').trim();
    };
    const look = () => {
      for (const el of document.querySelectorAll('[role="alert"], [role="status"], [aria-live]:not([aria-live="off"])')) {
        const now = spoken(el);
        if (now !== (said.get(el) ?? '') && now !== '') w.announced.push(now);
        said.set(el, now);
      }
    };
    new MutationObserver(look).observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['hidden', 'aria-hidden'] });
  });
}
const announced = (page: Page) => page.evaluate(() => (window as unknown as { announced: string[] }).announced.splice(0));

async function toCodeScreen(page: Page, request: Parameters<typeof latestCode>[0]) {
  const { email, national, last2 } = fresh();
  await createAccount(page, email);
  await page.goto('/setup/phone');
  await page.getByLabel('Phone number').fill(national);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your phone' })).toBeVisible();
  const { code } = await latestCode(request, e164(last2));
  return { national, last2, code, wrong: code.slice(0, 5) + String((Number(code[5]) + 1) % 10) };
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`the focus ring is at least 3:1 against every background it sits on (${colorScheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    await page.goto('/sign-in');
    await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
    // Keyboard focus on a button (box-shadow ring) and on a link (outline).
    await page.getByLabel('Password').focus();
    await page.keyboard.press('Tab');
    const button = page.getByRole('button', { name: 'Sign in' });
    await expect(button).toBeFocused();
    // The ring is the outer shadow; the inner one is a gap of the card's colour, so the
    // ring never sits against the button's own fill.
    const shadows = await button.evaluate((b) => getComputedStyle(b).boxShadow.match(/rgba?\([^)]+\)/g)!);
    const ring = shadows.at(-1)!;
    const surface = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--color-surface').trim());
    expect(await contrast(page, shadows[0], surface), 'the gap is the card colour').toBeLessThan(1.01);
    await page.keyboard.press('Tab');
    const link = page.getByRole('link', { name: 'Create an account' });
    await expect(link).toBeFocused();
    const outline = await link.evaluate((a) => getComputedStyle(a).outlineColor);
    const backgrounds = await page.evaluate(() => {
      const root = getComputedStyle(document.documentElement);
      return ['--color-bg', '--color-surface', '--color-error-bg', '--color-warning-bg', '--color-success-bg', '--color-info-bg'].map((v) => [v, root.getPropertyValue(v).trim()]);
    });
    for (const [name, background] of backgrounds) {
      for (const [what, color] of [['button ring', ring], ['link outline', outline]]) {
        expect(await contrast(page, color, background), `${what} ${color} on ${name} ${background}`).toBeGreaterThanOrEqual(3);
      }
    }
  });
}

test('only the field in error is marked, and the error summary says what the fields say', async ({ page }) => {
  const { email } = fresh();
  await createAccount(page, email);
  await page.goto('/setup/phone');
  const field = page.getByLabel('Phone number');
  const summary = page.locator('.error-summary');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('link')).toHaveText(['Enter a phone number']);
  // The summary follows the field as it is corrected, without pulling focus from it.
  await field.fill('201-555-0123 ext');
  await expect(summary.getByRole('link')).toHaveText([/extensions are not supported/]);
  await expect(field).toBeFocused();
  const border = (selector: string) => page.locator(selector).evaluate((e) => getComputedStyle(e).borderTopColor);
  const error = await page.evaluate(() => {
    const probe = document.createElement('div');
    probe.style.color = 'var(--color-error)';
    document.body.append(probe);
    const c = getComputedStyle(probe).color;
    probe.remove();
    return c;
  });
  expect(await border('#phone'), 'the number field is marked').toBe(error);
  expect(await border('#country'), 'the valid country select is not').not.toBe(error);
  await field.fill('201-555-0123');
  await expect(summary).toBeHidden();
  expect(await border('#phone')).not.toBe(error);
});

test('a wrong code is announced once, stays selected for correction, and seven digits are pointed out', async ({ page, request }) => {
  await countAnnouncements(page);
  const { wrong } = await toCodeScreen(page, request);
  await expect(page.getByRole('status').filter({ hasText: 'Your phone received the text.' })).toBeVisible();
  await announced(page);
  const field = page.getByLabel('Enter the 6-digit code');
  await field.fill(wrong);
  await expect(page.locator('#code-error')).toContainText('not right');
  await expect.poll(() => field.evaluate((f: HTMLInputElement) => [f.selectionStart, f.selectionEnd, document.activeElement === f])).toEqual([0, 6, true]);
  // Whatever else would be said comes within a frame or two: give it time, on purpose.
  await page.waitForTimeout(500);
  const said = await announced(page);
  expect(said, 'one announcement for one wrong code').toHaveLength(1);
  expect(said[0]).toContain('not right');
  // A seventh digit is not cut off and sent: it is pointed out, and nothing is checked.
  let checks = 0;
  page.on('request', (r) => { if (r.url().endsWith('/verify')) checks += 1; });
  await field.fill(`${wrong}4`);
  await expect(page.locator('#code-error')).toContainText('The code has only 6 digits');
  await expect(field).toHaveValue(`${wrong}4`);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.locator('#code-error')).toContainText('The code has only 6 digits');
  expect(checks).toBe(0);
  await field.fill('12345');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.locator('#code-error')).toContainText('Enter all 6 digits of the code');
  expect(checks).toBe(0);
});

test('after "Send a new code" and "Call me instead" focus is in the code field, with one announcement each', async ({ page, request }) => {
  await page.clock.install();
  await countAnnouncements(page);
  await toCodeScreen(page, request);
  await expect(page.getByRole('status').filter({ hasText: 'Your phone received the text.' })).toBeVisible();
  // The wait before a new code, on the server's clock and the page's.
  await advanceClock(request, 31);
  await page.clock.fastForward(31_000);
  const resend = page.getByRole('button', { name: 'Send a new code' });
  await expect(resend).toBeEnabled();
  await announced(page);
  await resend.click();
  await expect(page.getByLabel('Enter the 6-digit code')).toBeFocused();
  await expect(page.getByText('We sent a new code by text message.')).toBeVisible();
  await advanceClock(request, 31);
  await page.clock.fastForward(31_000);
  await page.getByRole('button', { name: 'Call me instead' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Answer your phone' })).toBeVisible();
  await expect(page.getByLabel('Enter the 6-digit code')).toBeFocused();
  const said = await announced(page);
  expect(said.filter((s) => s.includes('new code by text')), said.join(' | ')).toHaveLength(1);
  expect(said.filter((s) => s.includes("calling you with a new code")), said.join(' | ')).toHaveLength(1);
});

test('every setup step has a way back and a way out; "Change" and "Use a different number" keep the number', async ({ page, request }) => {
  const { email, national, last2 } = fresh();
  await createAccount(page, email);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await page.getByLabel('Text Message or Phone Call').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Enter your phone number' })).toBeFocused();
  await page.getByRole('link', { name: 'Back' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Secure your account' })).toBeVisible();
  await page.goto('/setup/phone');
  await page.getByLabel('Phone number').fill(national);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your phone' })).toBeVisible();
  await latestCode(request, e164(last2));
  await page.locator('.sent-to').getByRole('link', { name: 'Change phone number' }).click();
  await expect(page.getByLabel('Phone number')).toHaveValue(national);
  await page.goBack();
  await page.getByRole('link', { name: 'Use a different number' }).click();
  await expect(page.getByLabel('Phone number')).toHaveValue(national);
  await page.goBack();
  await page.getByRole('link', { name: 'Back' }).click();
  await expect(page.getByLabel('Phone number')).toHaveValue(national);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Phone MFA' })).toBeVisible();
  await expect(page.getByText('Sign in to continue.'), 'signed out on purpose: nothing to explain').toHaveCount(0);
  await page.goto('/setup/phone');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Phone MFA' })).toBeVisible();
  expect(await page.evaluate(() => sessionStorage.getItem('phone-mfa.pending-code')), 'the typed number is gone').toBeNull();
});

test('a session that ended elsewhere sends to sign in, saying why', async ({ page }) => {
  const { email } = fresh();
  await createAccount(page, email);
  // The session ends on the server (as after 30 idle minutes), not through this tab.
  const r = await page.request.post('/api/auth/sign-out', { headers: { 'x-phone-mfa': '1' }, data: {} });
  expect(r.status()).toBe(204);
  await page.goto('/setup/phone');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Phone MFA' })).toBeVisible();
  await expect(page.getByText('Sign in to continue. For your security, we sign you out after 30 minutes without activity.')).toBeVisible();
});

test('the dashboard offers only methods the account can use', async ({ page }) => {
  // A prescriber's session says phone_allowed: false (server test sessions.rs); the
  // dashboard then offers no phone, and says why.
  await page.goto('/gallery/dashboard-prescriber');
  await expect(page.locator('.gallery-stage h1')).toHaveText('Sign in & Security');
  await expect(page.locator('#setup-phone')).toHaveCount(0);
  await expect(page.locator('#phone-not-allowed')).toContainText('prescribe controlled substances');
  await page.goto('/gallery/dashboard-one');
  await expect(page.locator('#setup-phone')).toBeVisible();
});

test('the header is one compact line and the footer offers help, not the server status', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto('/sign-in');
  const header = await page.locator('header').boundingBox();
  expect(header!.height, 'one line: the brand and the language switch').toBeLessThanOrEqual(64);
  const select = await page.locator('#language').boundingBox();
  expect(select!.width, 'the select is sized to its words').toBeLessThan(200);
  await expect(page.locator('footer').getByRole('link', { name: 'Help: not getting a code?' })).toHaveAttribute('href', '/help/no-code');
  await expect(page.locator('footer')).not.toContainText('Server');
});

test('a gallery state can be shared with its language, theme and width; its buttons reach no server', async ({ page }) => {
  const api: string[] = [];
  page.on('request', (r) => { if (new URL(r.url()).pathname.startsWith('/api/')) api.push(r.url()); });
  await page.goto('/gallery/code-locked?lang=es&theme=dark&width=320');
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await expect(page.locator('.gallery-stage h1')).toHaveText('Revisa tu teléfono');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(bg, 'the dark page colour, whatever the system says').toBe('rgb(15, 20, 25)');
  const stage = await page.locator('.gallery-stage').boundingBox();
  expect(Math.round(stage!.width)).toBe(320);
  // The list keeps the view on every link.
  await expect(page.locator('.gallery-nav a[href^="/gallery/code-fresh"]')).toHaveAttribute('href', '/gallery/code-fresh?lang=es&theme=dark&width=320');
  await expectAccessible(page);
  // Buttons act, but say what would be sent instead of sending it.
  await page.goto('/gallery/code-fresh?lang=en&theme=light');
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(245, 247, 250)');
  await page.getByLabel('Enter the 6-digit code').fill('123456');
  await expect(page.locator('.gallery-notice')).toHaveText('Nothing was sent: this is the gallery. The app would now send POST /api/challenges/gallery/verify.');
  await page.goto('/gallery/dashboard-one');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.locator('.gallery-notice')).toContainText('POST /api/auth/sign-out');
  expect(api).toEqual([]);
});
