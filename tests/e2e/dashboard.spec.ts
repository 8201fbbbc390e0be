// "Sign in & Security": choose text or call, add a second phone after confirming it's
// you, change a number (confirmed by a code first), remove a method (never the last).
import type { Page, APIRequestContext } from '@playwright/test';
import { advanceClock, createAccount, expectAccessible, fresh, latestCode, outbox, reportLink, saveRecoveryCodes, signIn, test, expect } from './helpers';

const e164 = (last2: string) => `+1201555${'01' + last2}`;

async function setUpPhone(page: Page, request: APIRequestContext, national: string, last2: string, first = true) {
  await page.getByLabel('Phone number').fill(national);
  await page.getByRole('button', { name: 'Continue' }).click();
  const { code } = await latestCode(request, e164(last2));
  await page.getByLabel('Enter the 6-digit code').fill(code);
  await expect(page.getByRole('heading', { level: 1, name: /confirmed/ })).toBeVisible();
  await page.getByRole('button', { name: 'Continue' }).click();
  // The first phone ends on "Your account is now secure"; one added beside it goes
  // straight back to Sign in & Security.
  if (first) {
    await expect(page.getByRole('heading', { level: 1, name: 'Save your recovery codes' })).toBeVisible();
    await saveRecoveryCodes(page);
    await expect(page.getByRole('heading', { level: 1, name: 'Your account is now secure' })).toBeVisible();
    await page.getByRole('link', { name: 'Go to Sign in & Security' }).click();
  }
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in & Security' })).toBeVisible();
}

test('choose call, add a second phone, change a number, remove a method', async ({ page, request }) => {
  const first = fresh();
  await createAccount(page, first.email);
  await page.goto('/setup/phone');
  await setUpPhone(page, request, first.national, first.last2);
  await expectAccessible(page);

  // The only method cannot be removed.
  await expect(page.getByRole('button', { name: 'Remove' })).toBeDisabled();

  // Text or call.
  await page.getByRole('radio', { name: 'Phone call' }).check();
  await expect(page.getByText('Saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByRole('radio', { name: 'Phone call' })).toBeChecked();

  // Add a second phone: confirm it's you with the current phone first.
  // The phone's "Set up" (the authenticator app's comes first).
  await page.locator('#setup-phone').click();
  await expect(page.getByRole('heading', { level: 1, name: "Confirm it's you" })).toBeVisible();
  await advanceClock(request, 11); // at most 2 codes per number per 10 s
  // Only a code sent from now on: the setup code went to the same number.
  const before = Math.max(0, ...(await outbox(request)).map((m) => m.id));
  await page.getByRole('button', { name: `Text me at •••-•••-01${first.last2}` }).click();
  const reauth = await latestCode(request, e164(first.last2), before);
  await page.getByLabel('Enter the 6-digit code').fill(reauth.code);
  await expect(page.getByRole('heading', { level: 1, name: 'Enter your phone number' })).toBeVisible();
  const second = fresh();
  await setUpPhone(page, request, second.national, second.last2, false);
  await expect(page.locator('.methods > li')).toHaveCount(2);

  // Change the second number: the old one stays until the new one is confirmed.
  const third = fresh();
  await page.locator('.methods > li').nth(1).getByRole('button', { name: 'Change number' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Enter your new phone number' })).toBeVisible();
  await page.getByLabel('Phone number').fill(third.national);
  await page.getByRole('button', { name: 'Continue' }).click();
  const change = await latestCode(request, e164(third.last2));
  await page.getByLabel('Enter the 6-digit code').fill(change.code);
  // A change ends on its own confirmation, not on "Your account is now secure".
  await expect(page.getByRole('heading', { level: 1, name: 'Your new number is confirmed' })).toBeFocused();
  await expect(page.getByText("We've told you by e-mail, and sent a text to your old number")).toBeVisible();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in & Security' })).toBeVisible();
  await expect(page.getByText(`•••-•••-01${third.last2}`, { exact: true })).toBeVisible();
  await expect(page.getByText(`•••-•••-01${second.last2}`, { exact: true })).toHaveCount(0);

  // Remove it again, with a confirmation step: a modal dialog that focus enters (on its
  // safe choice), that Escape closes (focus back on "Remove"), and after which focus
  // lands on the banner that says it was done.
  const remove = page.locator('.methods > li').nth(1).getByRole('button', { name: 'Remove' });
  await remove.click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await expectAccessible(page);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(remove).toBeFocused();
  await remove.click();
  await dialog.getByRole('button', { name: 'Yes, remove' }).click();
  await expect(page.getByText('The method was removed')).toBeFocused();
  await expect(page.locator('.methods > li')).toHaveCount(1);
});

test("this wasn't me: the e-mail's link undoes a number change and signs everyone out", async ({ page, request }) => {
  const owner = fresh();
  await createAccount(page, owner.email);
  await page.goto('/setup/phone');
  await setUpPhone(page, request, owner.national, owner.last2);
  // Someone with the session changes the number.
  const intruder = fresh();
  await page.locator('.methods > li').first().getByRole('button', { name: 'Change number' }).click();
  await page.getByLabel('Phone number').fill(intruder.national);
  await page.getByRole('button', { name: 'Continue' }).click();
  const change = await latestCode(request, e164(intruder.last2));
  await page.getByLabel('Enter the 6-digit code').fill(change.code);
  await expect(page.getByRole('heading', { level: 1, name: 'Your new number is confirmed' })).toBeVisible();

  // The owner opens the link in the e-mail about it.
  const link = await reportLink(request, owner.email, 'was changed');
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1, name: 'Did you make this change?' })).toBeFocused();
  await expect(page.getByText(`changed from •••-•••-01${owner.last2} to •••-•••-01${intruder.last2}`)).toBeVisible();
  expect(new URL(page.url()).hash, 'the token leaves the address bar').toBe('');
  await expectAccessible(page);
  await page.getByRole('button', { name: "I didn't make this change: undo it" }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'We secured your account' })).toBeFocused();
  await expect(page.getByText('We undid the change.')).toBeVisible();
  await expect(page.getByText(/can't be added, changed or removed until/)).toBeVisible();
  await expectAccessible(page);

  // Signed out here too; signing in again, the owner's number is the one asked for.
  await page.goto('/account');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Phone MFA' })).toBeVisible();
  await signIn(page, owner.email);
  await expect(page.getByRole('heading', { level: 1, name: 'Complete your sign-in' })).toBeVisible();
  await expect(page.getByRole('button', { name: `Text me at •••-•••-01${owner.last2}` })).toBeVisible();
  await expect(page.getByText(`•••-•••-01${intruder.last2}`)).toHaveCount(0);

  // The link works once.
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1, name: "We can't use this link" })).toBeFocused();
  await expect(page.getByText('This link has already been used')).toBeVisible();
});
