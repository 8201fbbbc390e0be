import { test as base, expect, Page, APIRequestContext } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { createHmac } from 'node:crypto';

export const PASSWORD = 'correct horse battery staple';
export const DEMO_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

let counter = 0;
const start = Math.floor(Math.random() * 80);
/** A fresh email and US number for each call, so accounts and per-number send limits
 * do not collide. 201-555-0110..0189: fictional, valid, and clear of the demo number
 * (0100) and the never-arrives test numbers (0198, 0199). */
export function fresh(): { email: string; national: string; last2: string } {
  counter += 1;
  const two = String(10 + ((start + counter) % 80));
  return { email: `e2e-${Date.now()}-${counter}@example.com`, national: `(201) 555-01${two}`, last2: two };
}

/** Collects console errors (CSP violations among them) and uncaught exceptions. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (msg) => {
    // A failed request is logged by the browser as an error; the tests that cut the
    // network on purpose expect those.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(String(err)));
  return problems;
}

/** `test` for every spec: fails any test whose page logged an error or broke the CSP. */
export const test = base.extend<{ consoleClean: void }>({
  consoleClean: [
    async ({ page }, use) => {
      const problems = watchConsole(page);
      await use();
      expect(problems, 'console errors or CSP violations').toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`)).toEqual([]);
}

type OutboxMessage = { id: number; kind: 'sms' | 'voice' | 'email'; to: string; body: string; delivered: boolean };

export async function outbox(request: APIRequestContext): Promise<OutboxMessage[]> {
  const res = await request.get('/api/dev/outbox');
  expect(res.ok()).toBeTruthy();
  return res.json();
}

/** The newest e-mail to `to` that `which` accepts, waiting for it: e-mail leaves from
 * the server's delivery workers once the change that decided it is saved. */
export async function emailTo(request: APIRequestContext, to: string, which: (m: OutboxMessage) => boolean = () => true): Promise<OutboxMessage> {
  for (let i = 0; i < 50; i++) {
    const mail = (await outbox(request)).find((m) => m.to === to && m.kind === 'email' && which(m));
    if (mail) return mail;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no such e-mail to ${to}`);
}

/** The newest code sent to `e164` by text or call, read from the dev outbox. */
export async function latestCode(request: APIRequestContext, e164: string, afterId = 0): Promise<{ code: string; id: number; kind: string }> {
  for (let i = 0; i < 50; i++) {
    // Texts without a code (the notice to a number that left an account) are skipped.
    const hasCode = (m: OutboxMessage) => m.kind === 'voice' || /#\d{6}\s*$/.test(m.body);
    const msg = (await outbox(request)).find((m) => m.to === e164 && m.kind !== 'email' && m.id > afterId && hasCode(m));
    if (msg) {
      const digits = msg.kind === 'sms' ? msg.body.match(/#(\d{6})\s*$/)![1] : msg.body.match(/code is: ([\d, ]+?)\./)![1].replace(/\D/g, '');
      return { code: digits, id: msg.id, kind: msg.kind };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no code sent to ${e164}`);
}

/** Moves the dev server's clock `seconds` forward (instead of sleeping past a send
 * limit or a time step); returns the server's time now, in milliseconds. */
export async function advanceClock(request: APIRequestContext, seconds: number): Promise<number> {
  const res = await request.post('/api/dev/clock', { headers: { 'x-phone-mfa': '1' }, data: { advance_s: seconds } });
  expect(res.status()).toBe(200);
  return (await res.json()).now * 1000;
}

/** The dev server's time now, in milliseconds: what an authenticator app must use. */
export async function serverNow(request: APIRequestContext): Promise<number> {
  const res = await request.get('/api/dev/clock');
  expect(res.status()).toBe(200);
  return (await res.json()).now * 1000;
}

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s), as an authenticator app computes it. */
export function totp(secretBase32: string, at = Date.now()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretBase32.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}

/** The continue link of the newest sign-up e-mail to `email` (path and fragment: the
 * e-mail names the server's public host, which a test server need not be). */
export async function signUpLink(request: APIRequestContext, email: string): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const mail = (await outbox(request)).find((m) => m.to === email && m.kind === 'email' && m.body.includes('/create-account/continue#token='));
    if (mail) {
      const url = new URL(mail.body.match(/https?:\/\/\S+\/create-account\/continue#token=\S+/)![0]);
      return url.pathname + url.hash;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no sign-up link sent to ${email}`);
}

/** A new account as a person makes one: the form, "check your e-mail", the link. */
export async function createAccount(page: Page, email: string, { scan = false } = {}) {
  await page.goto('/create-account');
  await expect(page.getByRole('heading', { level: 1, name: 'Create your account' })).toBeFocused();
  if (scan) await expectAccessible(page);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Create a password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your email' })).toBeFocused();
  await expect(page.getByText(`We sent an email to ${email}.`)).toBeVisible();
  if (scan) await expectAccessible(page);
  await page.goto(await signUpLink(page.request, email));
  await expect(page.getByRole('heading', { level: 1, name: 'Secure your account' })).toBeVisible();
}

/** A new account made over the API (sign-up, then the e-mail's link), with the
 * session in the page's cookies. */
export async function createAccountByApi(page: Page, email: string) {
  const r = await page.request.post('/api/auth/sign-up', { headers: { 'x-phone-mfa': '1' }, data: { email, password: PASSWORD } });
  expect(r.status()).toBe(202);
  const token = (await signUpLink(page.request, email)).split('#token=')[1];
  const c = await page.request.post('/api/auth/sign-up/confirm', { headers: { 'x-phone-mfa': '1' }, data: { token } });
  expect(c.status()).toBe(201);
}

/** "Save your recovery codes", shown once after the account's first method: reads the
 * ten codes, says they are saved, continues. Returns the codes. */
export async function saveRecoveryCodes(page: Page, { scan = false, continueLabel = 'Continue', saved = 'I have saved my recovery codes' } = {}): Promise<string[]> {
  const items = page.locator('.recovery-codes li');
  await expect(items).toHaveCount(10);
  const codes = (await items.allInnerTexts()).map((c) => c.trim());
  for (const c of codes) expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{5}$/);
  if (scan) await expectAccessible(page);
  await page.getByLabel(saved).check();
  await page.getByRole('button', { name: continueLabel }).click();
  return codes;
}

export async function signIn(page: Page, email: string) {
  await page.goto('/sign-in');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The "this wasn't me" link of the newest account-change e-mail to `email` whose body
 * has `about` (path and fragment, as `signUpLink`). The e-mails leave from the delivery
 * workers, so the newest one present may be the change before the one awaited: say
 * which. */
export async function reportLink(request: APIRequestContext, email: string, about = ''): Promise<string> {
  const mail = await emailTo(request, email, (m) => m.body.includes('/this-wasnt-me#token=') && m.body.includes(about));
  const url = new URL(mail.body.match(/https?:\/\/\S+\/this-wasnt-me#token=\S+/)![0]);
  return url.pathname + url.hash;
}
