// Each flow is a test; each step a screenshot named <flow>/<NN>-<step>.<variant>.png.
// STORYBOARD_FLOWS=setup (comma-separated) limits which flows run.
import { test, expect, Page, APIRequestContext, TestInfo } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { advanceClock, createAccount, fresh, latestCode, outbox, reportLink, saveRecoveryCodes, signIn, signUpLink, totp, serverNow, PASSWORD } from '../e2e/helpers';

const out = path.resolve(__dirname, '../../target/storyboard');
const only = (process.env.STORYBOARD_FLOWS ?? '').split(',').filter(Boolean);
type Step = { shot: (step: string) => Promise<void>; page: Page; request: APIRequestContext };
const flow = (name: string, body: (step: Step) => Promise<void>) =>
  test(name, async ({ page, request }, info: TestInfo) => {
    test.skip(only.length > 0 && !only.includes(name), 'not selected');
    let n = 0;
    const dir = path.join(out, name);
    fs.mkdirSync(dir, { recursive: true });
    const shot = async (step: string) => {
      n += 1;
      await page.waitForLoadState('networkidle');
      const file = path.join(dir, `${String(n).padStart(2, '0')}-${step}.${info.project.name}.png`);
      await page.screenshot({ path: file, fullPage: true });
    };
    await body({ shot, page, request });
  });

flow('setup', async ({ shot, page, request }) => {
  const { email, national, last2 } = fresh();
  await page.goto('/create-account');
  await shot('create-account');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Create a password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your email' })).toBeVisible();
  await shot('check-email');
  await page.goto(await signUpLink(request, email));
  await expect(page.getByRole('heading', { level: 1, name: 'Secure your account' })).toBeVisible();
  await shot('choose-method');
  await page.getByLabel('Text Message or Phone Call').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Phone number').fill(national);
  await shot('phone-number');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your phone' })).toBeVisible();
  await shot('enter-code');
  const { code } = await latestCode(request, `+1201555${'01' + last2}`);
  await page.getByLabel('Enter the 6-digit code').fill(code);
  await expect(page.getByRole('heading', { level: 1, name: /confirmed/ })).toBeVisible();
  await shot('phone-confirmed');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Save your recovery codes' })).toBeVisible();
  await shot('recovery-codes');
  await saveRecoveryCodes(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Your account is now secure' })).toBeVisible();
  await shot('account-secure');
  await page.getByRole('link', { name: 'Go to Sign in & Security' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in & Security' })).toBeVisible();
  await shot('dashboard');
});

// The same setup in Spanish (a browser set to es-MX), for reviewing the translation.
test.describe('in Spanish', () => {
  test.use({ locale: 'es-MX' });
  flow('setup-es', async ({ shot, page, request }) => {
    const { email, national, last2 } = fresh();
    await page.goto('/create-account');
    await shot('create-account');
    await page.getByLabel('Correo electrónico').fill(email);
    await page.getByLabel('Crea una contraseña').fill(PASSWORD);
    await page.getByRole('button', { name: 'Crear cuenta' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Revisa tu correo electrónico' })).toBeVisible();
    await shot('check-email');
    await page.goto(await signUpLink(request, email));
    await expect(page.getByRole('heading', { level: 1, name: 'Protege tu cuenta' })).toBeVisible();
    await shot('choose-method');
    await page.getByLabel('Mensaje de texto o llamada telefónica').check();
    await page.getByRole('button', { name: 'Continuar' }).click();
    await page.getByLabel('País').selectOption('US');
    await page.getByLabel('Número de teléfono').fill(national);
    await shot('phone-number');
    await page.getByRole('button', { name: 'Continuar' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Revisa tu teléfono' })).toBeVisible();
    await shot('enter-code');
    const { code } = await latestCode(request, `+1201555${'01' + last2}`);
    await page.getByLabel('Escribe el código de 6 dígitos').fill(code);
    await expect(page.getByRole('heading', { level: 1, name: /confirmado/ })).toBeVisible();
    await shot('phone-confirmed');
    await page.getByRole('button', { name: 'Continuar' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Guarda tus códigos de recuperación' })).toBeVisible();
    await shot('recovery-codes');
    await saveRecoveryCodes(page, { continueLabel: 'Continuar', saved: 'Guardé mis códigos de recuperación' });
    await expect(page.getByRole('heading', { level: 1, name: 'Tu cuenta ahora está protegida' })).toBeVisible();
    await shot('account-secure');
    await page.getByRole('link', { name: 'Ir a Inicio de sesión y seguridad' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Inicio de sesión y seguridad' })).toBeVisible();
    await shot('dashboard');
  });
});

flow('sign-in-by-call', async ({ shot, page, request }) => {
  await signIn(page, 'secure@example.com');
  await expect(page.getByRole('heading', { level: 1, name: 'Complete your sign-in' })).toBeVisible();
  await shot('choose-method');
  // Only a code sent from now on: each variant calls the same number.
  const before = Math.max(0, ...(await outbox(request)).map((m) => m.id));
  await page.getByRole('button', { name: 'Call me at •••-•••-0100' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Answer your phone' })).toBeVisible();
  await shot('enter-code');
  const { code } = await latestCode(request, '+12015550100', before);
  await page.getByLabel('Enter the 6-digit code').fill(code);
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in & Security' })).toBeVisible();
  await shot('dashboard');
  await advanceClock(request, 11); // the next variant calls the same number: past its 10 s burst limit
});

flow('troubleshooting', async ({ shot, page }) => {
  const { email } = fresh();
  await createAccount(page, email);
  await page.goto('/setup/phone');
  await page.getByLabel('Phone number').fill('201-555-0199');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your phone' })).toBeVisible();
  await shot('code-never-arrives');
  await page.getByRole('link', { name: "I didn't receive a text message or phone call" }).click();
  await shot('checklist');
});

// The e-mail about a change, opened by someone who did not make it.
flow('this-wasnt-me', async ({ shot, page, request }) => {
  const { email, national, last2 } = fresh();
  await createAccount(page, email);
  await page.goto('/setup/phone');
  await page.getByLabel('Phone number').fill(national);
  await page.getByRole('button', { name: 'Continue' }).click();
  const { code } = await latestCode(request, `+1201555${'01' + last2}`);
  await page.getByLabel('Enter the 6-digit code').fill(code);
  await expect(page.getByRole('heading', { level: 1, name: /confirmed/ })).toBeVisible();
  await page.goto(await reportLink(request, email));
  await expect(page.getByRole('heading', { level: 1, name: 'Did you make this change?' })).toBeVisible();
  await shot('did-you-make-this-change');
  await page.getByRole('button', { name: "I didn't make this change: undo it" }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'We secured your account' })).toBeVisible();
  await shot('account-secured');
});

// Changing a number from Sign in & Security: it ends on its own confirmation.
flow('number-change', async ({ shot, page, request }) => {
  const first = fresh();
  await createAccount(page, first.email);
  await page.goto('/setup/phone');
  await page.getByLabel('Phone number').fill(first.national);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Enter the 6-digit code').fill((await latestCode(request, `+1201555${'01' + first.last2}`)).code);
  await expect(page.getByRole('heading', { level: 1, name: /confirmed/ })).toBeVisible();
  await page.goto('/account');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in & Security' })).toBeVisible();
  await shot('dashboard');
  await page.getByRole('button', { name: 'Change number' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Enter your new phone number' })).toBeVisible();
  const second = fresh();
  await page.getByLabel('Phone number').fill(second.national);
  await shot('new-number');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your phone' })).toBeVisible();
  await shot('enter-code');
  await page.getByLabel('Enter the 6-digit code').fill((await latestCode(request, `+1201555${'01' + second.last2}`)).code);
  await expect(page.getByRole('heading', { level: 1, name: 'Your new number is confirmed' })).toBeVisible();
  await shot('number-changed');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in & Security' })).toBeVisible();
  await shot('dashboard-after');
});

// Wrong codes, the last-attempt warning, then the lockout.
flow('lockout', async ({ shot, page, request }) => {
  const { email, national, last2 } = fresh();
  await createAccount(page, email);
  await page.goto('/setup/phone');
  await page.getByLabel('Phone number').fill(national);
  await page.getByRole('button', { name: 'Continue' }).click();
  const { code } = await latestCode(request, `+1201555${'01' + last2}`);
  const wrong = code.slice(0, 5) + String((Number(code[5]) + 1) % 10);
  const field = page.getByLabel('Enter the 6-digit code');
  await field.fill(wrong);
  await expect(page.locator('#code-error')).toContainText('not right');
  await shot('wrong-code');
  for (let i = 2; i <= 9; i++) {
    await field.fill(wrong);
    await expect(page.locator('#code-error')).toContainText(i >= 7 ? `You have ${10 - i} attempt` : 'not right');
  }
  await shot('last-attempt');
  await field.fill(wrong);
  await expect(field).toBeDisabled();
  await shot('locked');
});

// Issue 20: an authenticator app as the first method, from the choice to the dashboard.
flow('authenticator-app', async ({ shot, page, request }) => {
  const { email } = fresh();
  await createAccount(page, email);
  await page.getByLabel('Authenticator app').check();
  await shot('choose-method');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Set up an authenticator app' })).toBeVisible();
  await expect(page.locator('#key')).toBeVisible();
  await shot('scan-or-type-the-key');
  const key = (await page.locator('#key').innerText()).replace(/\s/g, '');
  await page.getByLabel('Enter the 6-digit code').fill(totp(key, await serverNow(request)));
  await expect(page.getByRole('heading', { level: 1, name: 'Save your recovery codes' })).toBeVisible();
  await shot('recovery-codes');
  await saveRecoveryCodes(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Your account is now secure' })).toBeVisible();
  await shot('account-secure');
  await page.getByRole('link', { name: 'Go to Sign in & Security' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in & Security' })).toBeVisible();
  await shot('dashboard');
});

// Issue 20: the phone is lost; a recovery code, then "Don't ask again" on the next sign-in.
flow('lost-phone', async ({ shot, page, request }) => {
  const { email, national, last2 } = fresh();
  await createAccount(page, email);
  await page.goto('/setup/phone');
  await page.getByLabel('Phone number').fill(national);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Enter the 6-digit code').fill((await latestCode(request, `+1201555${'01' + last2}`)).code);
  await page.getByRole('button', { name: 'Continue' }).click();
  const codes = await saveRecoveryCodes(page);
  await page.goto('/account');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, email);
  await expect(page.getByRole('heading', { level: 1, name: 'Complete your sign-in' })).toBeVisible();
  await shot('complete-sign-in');
  await page.getByRole('link', { name: 'I do not have access to my phone' }).click();
  await page.getByLabel('Recovery code').fill(codes[0]);
  await shot('recovery-code');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in & Security' })).toBeVisible();
  await shot('signed-in-with-a-recovery-code');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await advanceClock(request, 11);
  await signIn(page, email);
  await page.getByRole('button', { name: `Text me at •••-•••-01${last2}` }).click();
  await page.getByLabel("Don't ask again on this browser for 30 days").check();
  await shot('remember-this-browser');
  await page.getByLabel('Enter the 6-digit code').fill((await latestCode(request, `+1201555${'01' + last2}`)).code);
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in & Security' })).toBeVisible();
  await shot('dashboard-remembered-browser');
});
