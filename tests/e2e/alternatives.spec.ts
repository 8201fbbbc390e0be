// Never stuck with only a phone (issue 20): set up an authenticator app from scratch
// and sign in with it; lose the phone and get in with a recovery code; remember a
// browser, sign in without a code, then forget it. In Chromium against the real server.
import type { Page, APIRequestContext } from '@playwright/test';
import { advanceClock, createAccount, emailTo, expectAccessible, fresh, latestCode, saveRecoveryCodes, serverNow, signIn, totp, test, expect } from './helpers';

const e164 = (last2: string) => `+1201555${'01' + last2}`;

/** A new account whose first method is a phone, set up by text; returns its recovery codes. */
async function accountWithPhone(page: Page, request: APIRequestContext): Promise<{ email: string; last2: string; codes: string[] }> {
  const { email, national, last2 } = fresh();
  await createAccount(page, email);
  await page.getByLabel('Text Message or Phone Call').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Phone number').fill(national);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Enter the 6-digit code').fill((await latestCode(request, e164(last2))).code);
  await expect(page.getByRole('heading', { level: 1, name: 'Your phone number is confirmed' })).toBeVisible();
  await page.getByRole('button', { name: 'Continue' }).click();
  const codes = await saveRecoveryCodes(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Your account is now secure' })).toBeVisible();
  return { email, last2, codes };
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Phone MFA' })).toBeVisible();
}

test('set up an authenticator app from scratch and sign in with it', async ({ page, request }) => {
  const { email } = fresh();
  await createAccount(page, email);
  // The stronger method is offered first; text and call say why they are weaker.
  const choices = page.locator('.choice label');
  await expect(choices.first()).toHaveText('Authenticator app');
  await expect(page.getByText('codes sent to a phone can be intercepted, so an authenticator app is safer')).toBeVisible();
  await page.getByLabel('Authenticator app').check();
  await page.getByRole('button', { name: 'Continue' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Set up an authenticator app' })).toBeFocused();
  await expect(page.getByRole('img', { name: 'QR code for adding Phone MFA to your authenticator app' })).toBeVisible();
  const shown = await page.locator('#key').innerText();
  expect(shown).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
  const key = shown.replace(/\s/g, '');
  await expectAccessible(page);

  // A wrong code: said once, the field keeps it for correction.
  const right = totp(key, await serverNow(request));
  const wrong = right.slice(0, 5) + String((Number(right[5]) + 1) % 10);
  const field = page.getByLabel('Enter the 6-digit code');
  await field.fill(wrong);
  await expect(page.locator('#code-error')).toContainText('not right');
  await expect(field).toBeFocused();
  await expect(field).toHaveValue(wrong);
  await field.fill(totp(key, await serverNow(request)));

  // The first method brings the recovery codes, then the ending says what sign-in asks.
  await expect(page.getByRole('heading', { level: 1, name: 'Save your recovery codes' })).toBeFocused();
  // Continue without saying they are saved: told, nothing lost.
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.locator('.error-summary')).toBeFocused();
  await expect(page.getByRole('link', { name: 'Confirm that you have saved your recovery codes' })).toBeVisible();
  await expect(page.locator('.recovery-codes li')).toHaveCount(10);
  await saveRecoveryCodes(page, { scan: true });
  await expect(page.getByRole('heading', { level: 1, name: 'Your account is now secure' })).toBeVisible();
  await expect(page.getByText("we'll ask for a code from your authenticator app")).toBeVisible();
  await page.getByRole('link', { name: 'Go to Sign in & Security' }).click();
  await expect(page.getByRole('heading', { level: 3, name: /Authenticator app/ })).toBeVisible();
  await expect(page.locator('#recovery-left')).toHaveText(/You have 10 recovery codes left/);
  const mail = await emailTo(request, email, (m) => m.body.includes('authenticator app was added'));
  expect(mail.body).not.toContain(key);
  await expectAccessible(page);

  // Sign in with it (the next time step: the code that confirmed it is used).
  await signOut(page);
  await signIn(page, email);
  await expect(page.getByRole('heading', { level: 1, name: 'Complete your sign-in' })).toBeVisible();
  await page.getByRole('button', { name: 'Use my authenticator app' }).click();
  const now = await advanceClock(request, 30);
  await page.getByLabel('Enter the 6-digit code').fill(totp(key, now));
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in & Security' })).toBeVisible();
});

test('lose the phone and get in with a recovery code', async ({ page, request }) => {
  const { email, codes } = await accountWithPhone(page, request);
  await page.goto('/account');
  await signOut(page);
  await signIn(page, email);
  await expect(page.getByRole('heading', { level: 1, name: 'Complete your sign-in' })).toBeVisible();
  await page.getByRole('link', { name: 'I do not have access to my phone' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Use a recovery code' })).toBeFocused();
  await expectAccessible(page);
  // Not a recovery code: said before anything is sent.
  const field = page.getByLabel('Recovery code');
  await field.fill('ABCD-EFGH');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.locator('.error-summary')).toBeFocused();
  await expect(page.getByRole('link', { name: /A recovery code has 13 letters and numbers/ })).toBeVisible();
  await expect(field).toHaveValue('ABCD-EFGH');
  // Typed as people type from paper: lower case, spaces for hyphens.
  await field.fill(codes[0].replace(/-/g, ' ').toLowerCase());
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in & Security' })).toBeVisible();
  await expect(page.locator('#dashboard-status')).toHaveText(/You signed in with a recovery code. You have 9 left/);
  await expect(page.locator('#recovery-left')).toHaveText(/You have 9 recovery codes left/);
  const notice = await emailTo(request, email, (m) => m.body.includes('recovery code'));
  expect(notice.body).toContain('9 recovery codes left');
  await expectAccessible(page);

  // New codes at once (the recovery code was the second factor just passed).
  await page.getByRole('button', { name: 'Get new recovery codes' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Save your recovery codes' })).toBeVisible();
  const fresh10 = await saveRecoveryCodes(page);
  expect(fresh10.filter((c) => codes.includes(c))).toEqual([]);
  await expect(page.locator('#recovery-left')).toHaveText(/You have 10 recovery codes left/);

  // An old code no longer works.
  await signOut(page);
  await signIn(page, email);
  await page.getByRole('link', { name: 'I do not have access to my phone' }).click();
  await page.getByLabel('Recovery code').fill(codes[1]);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.locator('.error-summary')).toBeFocused();
  await expect(page.getByRole('link', { name: /not right/ })).toBeVisible();
});

test('remember a browser, sign in without a code, then forget it', async ({ page, request }) => {
  const { email, last2 } = await accountWithPhone(page, request);
  await page.goto('/account');
  await signOut(page);
  await advanceClock(request, 11); // the number's 2-per-10-s burst limit
  await signIn(page, email);
  await page.getByRole('button', { name: `Text me at •••-•••-01${last2}` }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your phone' })).toBeVisible();
  const remember = page.getByLabel("Don't ask again on this browser for 30 days");
  await expect(remember).not.toBeChecked();
  await expect(remember).toHaveAccessibleDescription("Don't choose this on a shared or public computer.");
  await remember.check();
  await expectAccessible(page);
  await page.getByLabel('Enter the 6-digit code').fill((await latestCode(request, e164(last2))).code);
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in & Security' })).toBeVisible();
  await expect(page.locator('#remembered-browsers li')).toHaveCount(1);
  await expectAccessible(page);

  // Signed out and in again: the password alone, no code.
  await signOut(page);
  await signIn(page, email);
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in & Security' })).toBeVisible();
  // Never for a change of methods: that still asks for a code.
  await page.locator('#setup-app').click();
  await expect(page.getByRole('heading', { level: 1, name: "Confirm it's you" })).toBeVisible();
  await page.getByRole('link', { name: 'Cancel' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in & Security' })).toBeVisible();

  // Forgotten (from this very browser): it asks for a code now, and next time.
  await page.getByRole('button', { name: 'Forget all browsers' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Complete your sign-in' })).toBeVisible();
  await signOut(page);
  await signIn(page, email);
  await expect(page.getByRole('heading', { level: 1, name: 'Complete your sign-in' })).toBeVisible();
});
