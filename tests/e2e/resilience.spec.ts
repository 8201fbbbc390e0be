// What people on real devices meet: a dropped connection, a 320 px wide phone, 200 % zoom.
import { test as plainTest } from '@playwright/test';
import { createAccount, createAccountByApi, expectAccessible, fresh, latestCode, saveRecoveryCodes, watchConsole, test, expect, PASSWORD } from './helpers';

// Not the console-checking `test`: the chunk loader reports the failed download to the
// console on purpose. What else reaches the console is checked below.
plainTest('a screen whose code cannot be downloaded says so, and Try again loads it', async ({ page }) => {
  const problems = watchConsole(page);
  const { email } = fresh();
  await createAccountByApi(page, email);
  const chunks = /\/(split|chunk)_[^/]*-[0-9a-f]{16}\.wasm$/;
  await page.route(chunks, (route) => route.abort('internetdisconnected'));
  await page.goto('/setup/phone');
  await expect(page.getByRole('heading', { level: 1, name: 'This page did not load' })).toBeFocused();
  await expect(page).toHaveTitle('This page did not load - Phone MFA');
  await expectAccessible(page);
  // The app is still alive: the language switch still works.
  await page.getByLabel('Language').selectOption('es');
  await expect(page.getByRole('heading', { level: 1, name: 'Esta página no se cargó' })).toBeVisible();
  await page.getByLabel('Idioma').selectOption('en');
  await page.unroute(chunks);
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Enter your phone number' })).toBeFocused();
  await page.getByLabel('Phone number').fill('(201) 555-0123');
  await expect(page.locator('#phone-hint')).toContainText('(201) 555-0123');
  expect(problems.filter((p) => !/Failed to fetch|wasm|split/i.test(p))).toEqual([]);
});

// Issue 21: the page is not blank while the app's code downloads, and the app takes the
// frame's place without moving anything.
plainTest('the page frame shows before the app arrives, and the app replaces it without a shift', async ({ page }) => {
  await page.route(/\/phone-mfa-[0-9a-f]{16}_bg\.wasm$/, () => {}); // never answered: the app never runs
  await page.goto('/sign-in', { waitUntil: 'domcontentloaded' });
  await expect(page.locator('#boot .brand')).toHaveText('Phone MFA');
  await expect(page.locator('#boot .card').filter({ visible: true })).toHaveCount(1);
  await page.unrouteAll({ behavior: 'ignoreErrors' });

  const app = await page.context().newPage();
  const problems = watchConsole(app);
  await app.addInitScript(() => {
    (window as any).__shift = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as any[]) if (!e.hadRecentInput) (window as any).__shift += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await app.goto('/sign-in');
  await expect(app.getByRole('heading', { level: 1, name: 'Sign in to Phone MFA' })).toBeVisible();
  await expect(app.locator('#boot')).toHaveCount(0);
  await expect(app.locator('.site-header')).toHaveCount(1);
  const shift = await app.evaluate(() => (window as any).__shift);
  expect(shift, 'cumulative layout shift while the app mounts').toBeLessThanOrEqual(0.02);
  expect(problems).toEqual([]);
});

// Issue 21: a screen opened directly does not move when its content arrives after its
// first paint ("Sign out" under the content used to jump down: CLS 0.10-0.13).
test('a screen opened directly keeps still while its content loads', async ({ page }) => {
  await page.addInitScript(() => {
    (window as any).__shift = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as any[]) if (!e.hadRecentInput) (window as any).__shift += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  const slowly = (path: string) =>
    page.route(path, async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue();
    });
  const { email } = fresh();
  await createAccountByApi(page, email);
  await slowly('**/api/mfa/options');
  await page.goto('/setup');
  await expect(page.locator('.loading')).toBeVisible();
  await expect(page.getByLabel('Text Message or Phone Call')).toBeVisible();
  expect(await page.evaluate(() => (window as any).__shift), 'layout shift on "Secure your account"').toBeLessThanOrEqual(0.02);

  const skip = await page.request.post('/api/mfa/skip', { headers: { 'x-phone-mfa': '1' }, data: {} });
  expect(skip.status()).toBe(200);
  await slowly('**/api/session');
  await page.goto('/account');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in & Security' })).toBeVisible();
  await expect(page.locator('#setup-app')).toBeVisible();
  await expect(page.locator('.loading')).toHaveCount(0);
  await expect(page.locator('#sign-out')).toBeVisible();
  expect(await page.evaluate(() => (window as any).__shift), 'layout shift on "Sign in & Security"').toBeLessThanOrEqual(0.02);

  // Sign-in's second step lists the methods the session brings.
  await page.context().clearCookies();
  const signIn = await page.request.post('/api/auth/sign-in', { headers: { 'x-phone-mfa': '1' }, data: { email: 'secure@example.com', password: PASSWORD } });
  expect(signIn.status()).toBe(200);
  await page.goto('/sign-in/verify');
  await expect(page.locator('.loading')).toBeVisible();
  await expect(page.locator('#methods .method').first()).toBeVisible();
  await expect(page.locator('#sign-out')).toBeVisible();
  expect(await page.evaluate(() => (window as any).__shift), 'layout shift on "Complete your sign-in"').toBeLessThanOrEqual(0.02);
});

test('a screen opened directly keeps still while its code downloads', async ({ page }) => {
  // A phone's screen, as Lighthouse's mobile run has it: the footer starts in view.
  await page.setViewportSize({ width: 412, height: 823 });
  await page.addInitScript(() => {
    (window as any).__shift = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as any[]) if (!e.hadRecentInput) (window as any).__shift += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  const { email } = fresh();
  await createAccountByApi(page, email);
  const skip = await page.request.post('/api/mfa/skip', { headers: { 'x-phone-mfa': '1' }, data: {} });
  expect(skip.status()).toBe(200);
  // The session is known long before the screen's chunks have come: the app is mounted
  // with nothing in <main> for a while.
  let delayed = 0;
  await page.route(/\/(split|chunk)_[^/]*\.wasm$/, async (route) => {
    delayed++;
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  await page.goto('/account');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in & Security' })).toBeVisible();
  await expect(page.locator('.site-footer')).toBeVisible();
  expect(delayed, 'the dashboard comes in chunks').toBeGreaterThan(0);
  expect(await page.evaluate(() => (window as any).__shift), 'layout shift on "Sign in & Security"').toBeLessThanOrEqual(0.02);
});

// Issue 21, item 5: the validator's download starts once the phone field is on screen,
// not at the first number typed, so the first number does not wait for it.
test('the phone screen starts its validator as soon as its field is on screen, before anything is typed', async ({ page }) => {
  const { email } = fresh();
  await createAccountByApi(page, email);
  const validator = page.waitForRequest(/\/validator[^/]*_bg\.wasm$/, { timeout: 10_000 });
  await page.goto('/setup/phone');
  await expect(page.getByLabel('Phone number')).toBeVisible();
  await validator;
  await expect(page.getByLabel('Phone number')).toHaveValue('');
});

test('a lost connection is explained, nothing typed is lost, and Continue retries', async ({ page, request }) => {
  const { email, national, last2 } = fresh();
  await createAccount(page, email);
  await page.goto('/setup/phone');
  await page.getByLabel('Phone number').fill(national);
  await page.route('**/api/challenges', (route) => route.abort('internetdisconnected'));
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.locator('#phone-error')).toContainText("We couldn't reach Phone MFA");
  await expect(page.getByLabel('Phone number')).toHaveValue(national);
  await page.unroute('**/api/challenges');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your phone' })).toBeVisible();

  const { code } = await latestCode(request, `+1201555${'01' + last2}`);
  await page.route('**/api/challenges/*/verify', (route) => route.abort('internetdisconnected'));
  await page.getByLabel('Enter the 6-digit code').fill(code);
  await expect(page.locator('#code-error')).toContainText("We couldn't reach Phone MFA");
  await page.unroute('**/api/challenges/*/verify');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your phone number is confirmed' })).toBeVisible();
});

for (const { name, width, height, zoom } of [
  { name: '320 px wide', width: 320, height: 640, zoom: 1 },
  { name: '200 % zoom of a 640 px window', width: 640, height: 800, zoom: 2 },
]) {
  test(`every setup screen fits ${name} without sideways scrolling`, async ({ browser, request }) => {
    const context = await browser.newContext({ viewport: { width: width / zoom, height: height / zoom }, deviceScaleFactor: zoom });
    const page = await context.newPage();
    const fits = async () => {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    };
    const { email, national, last2 } = fresh();
    await page.goto('/sign-in');
    await fits();
    await createAccount(page, email);
    await fits();
    await page.getByLabel('Text Message or Phone Call').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Phone number').fill(national);
    await fits();
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Check your phone' })).toBeVisible();
    await fits();
    await expectAccessible(page);
    const { code } = await latestCode(request, `+1201555${'01' + last2}`);
    await page.getByLabel('Enter the 6-digit code').fill(code);
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Save your recovery codes' })).toBeVisible();
    await fits();
    await saveRecoveryCodes(page);
    await page.getByRole('link', { name: 'Go to Sign in & Security' }).click();
    await fits();
    // The authenticator app's setup: QR code and key fit too.
    await page.locator('#setup-app').click();
    await expect(page.locator('#key')).toBeVisible();
    await fits();
    await expectAccessible(page);
    await context.close();
  });
}

test('dark mode passes the same accessibility checks', async ({ browser }) => {
  const context = await browser.newContext({ colorScheme: 'dark' });
  const page = await context.newPage();
  const { email } = fresh();
  await createAccount(page, email);
  await expectAccessible(page);
  await page.goto('/setup/phone');
  await page.getByLabel('Phone number').fill('201-555-0123 ext 4');
  await expect(page.locator('#phone-error')).toBeVisible();
  await expectAccessible(page);
  await context.close();
});

// A request of a screen the person has left is cancelled (issue 16 item 5): nobody
// waits for its answer, and it cannot act on the screen that replaced it.
test("leaving a screen cancels its unanswered request; the app's own requests run on", async ({ page }) => {
  // Records every fetch the page makes that ends as aborted (the browser's AbortError),
  // as the app saw it.
  await page.addInitScript(() => {
    const w = window as unknown as { aborted: string[]; fetch: typeof fetch };
    w.aborted = [];
    const original = w.fetch.bind(window);
    w.fetch = (input: RequestInfo | URL, init?: RequestInit) =>
      original(input, init).catch((e: unknown) => {
        if (e instanceof DOMException && e.name === 'AbortError') {
          w.aborted.push(input instanceof Request ? input.url : String(input));
        }
        throw e;
      });
  });
  const aborted = () => page.evaluate(() => (window as unknown as { aborted: string[] }).aborted);
  const { email } = fresh();
  await createAccount(page, email);
  await page.goto('/setup/phone');
  // The test number whose texts never arrive.
  await page.getByLabel('Phone number').fill('201-555-0199');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your phone' })).toBeVisible();
  // The server never answers this code's check.
  let held = 0;
  await page.route('**/api/challenges/*/verify', () => {
    held += 1;
  });
  await page.getByLabel('Enter the 6-digit code').fill('123456');
  await expect.poll(() => held).toBe(1);
  expect(await aborted()).toEqual([]);
  await page.getByRole('link', { name: "I didn't receive a text message or phone call" }).click();
  await expect(page.getByRole('heading', { level: 1, name: "I didn't receive a text message or phone call" })).toBeFocused();
  await expect.poll(aborted).toEqual([expect.stringMatching(/\/api\/challenges\/[^/]+\/verify$/)]);
});
