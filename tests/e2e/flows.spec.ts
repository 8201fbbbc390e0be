// Every flow of the help article, as a person does it, in Chromium against the real server.
import { advanceClock, createAccount, emailTo, expectAccessible, fresh, latestCode, outbox, saveRecoveryCodes, serverNow, signIn, signUpLink, totp, DEMO_TOTP_SECRET, PASSWORD, test, expect } from './helpers';

test('the app loads under a strict CSP', async ({ page }) => {
  const response = await page.goto('/');
  const csp = response!.headers()['content-security-policy'];
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval' 'sha256-");
  expect(csp).not.toContain("'unsafe-inline'");
  expect(csp).not.toMatch(/'unsafe-eval'/);
  await expect(page).toHaveTitle('Sign in to Phone MFA - Phone MFA');
  // The server's status is the operators' (/api/health/ready), not in the page.
  await expect(page.locator('footer')).not.toContainText(/Server|version/);
  await expectAccessible(page);
});

test('the sign-in screen loads neither the phone validator nor the later screens\' code', async ({ page }) => {
  const fetched: string[] = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  const chunks = () => fetched.filter((p) => /^\/(split|chunk)_.*-[0-9a-f]{16}\.wasm$/.test(p));
  await page.goto('/sign-in');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Phone MFA' })).toBeVisible();
  await page.getByLabel('Email address').fill('someone@example.com');
  expect(fetched.filter((p) => p.startsWith('/validator'))).toEqual([]);
  // The release build is split (xtask/src/split.rs): later screens are chunks.
  expect(chunks()).toEqual([]);
  const { email } = fresh();
  await createAccount(page, email);
  const afterSignUp = chunks().length;
  expect(afterSignUp, 'the method screen comes as a chunk').toBeGreaterThan(0);
  await page.goto('/setup/phone');
  await page.getByLabel('Phone number').fill('(201) 555-0123');
  await expect(page.locator('#phone-hint')).toContainText('(201) 555-0123');
  expect(fetched).toContain('/validator_bg.wasm');
  expect(chunks().some((p) => p.startsWith('/split_phone-')), 'the phone screens come as a chunk of their own').toBe(true);
});

test('sign-up tells no one which addresses have accounts; its link works once', async ({ page, request }) => {
  // An address with an account gets the very same screen; its owner gets a notice.
  await page.goto('/create-account');
  await page.getByLabel('Email address').fill('secure@example.com');
  await page.getByLabel('Create a password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your email' })).toBeFocused();
  await expect(page.getByText('We sent an email to secure@example.com.')).toBeVisible();
  const notice = await emailTo(request, 'secure@example.com');
  expect(notice.body).toContain('Someone tried to create a Phone MFA account with this e-mail address');
  expect(notice.body).not.toContain('#token=');
  // "Use a different email address" goes back to the form.
  await page.getByRole('button', { name: 'Use a different email address' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Create your account' })).toBeFocused();

  const { email } = fresh();
  await createAccount(page, email);
  const link = await signUpLink(request, email);
  // The token leaves the address bar once read.
  expect(new URL(page.url()).hash).toBe('');
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1, name: "This link can't be used" })).toBeFocused();
  await expect(page.getByText('This link has expired or was already used')).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Create your account again' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Create your account' })).toBeFocused();
});

test('wrong passwords: after five the sign-in screen says when to try again', async ({ page }) => {
  // An address with no account, so no other test's account is held; it is throttled
  // exactly like one with an account.
  const { email } = fresh();
  await page.goto('/sign-in');
  await page.getByLabel('Email address').fill(email);
  for (let i = 0; i < 5; i++) {
    await page.getByLabel('Password').fill(`wrong guess ${i}`);
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/auth/sign-in'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect((await answered).status()).toBe(401);
    await expect(page.getByRole('link', { name: 'The email or password is not right. Check them and try again' })).toBeVisible();
  }
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('link', { name: 'Too many sign-in attempts. For your security, try again in 1 minute' })).toBeVisible();
  await expect(page.getByLabel('Email address')).toHaveValue(email);
  await expectAccessible(page);
});

test('first-time setup by text message: choose, phone, Text me, code, Continue, secure', async ({ page, request }) => {
  const { email, national, last2 } = fresh();
  await createAccount(page, email, { scan: true });
  await expectAccessible(page);
  await page.getByLabel('Text Message or Phone Call').check();
  await page.getByRole('button', { name: 'Continue' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Enter your phone number' })).toBeFocused();
  await page.getByLabel('Phone number').fill(`+1 ${national}`);
  await expect(page.getByText(`We'll send the code to ${national}`)).toBeVisible();
  await page.getByLabel('Text me').check();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Continue' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Check your phone' })).toBeVisible();
  // The number just typed, whole, with a way to correct it (GOV.UK).
  await expect(page.locator('.sent-to')).toContainText(`+1 201-555-01${last2}`);
  await expect(page.locator('.sent-to').getByRole('link', { name: 'Change phone number' })).toBeVisible();
  await expect(page.getByText("We will never ask you for this code. Do not share it with anyone.")).toBeVisible();
  // The wait is on screen; the button's name stays still (it is not read every second).
  await expect(page.locator('#resend')).toHaveText(/^Send a new code \(available in 0:[0-9]{2}\)$/);
  await expect(page.getByRole('button', { name: 'Send a new code', exact: true })).toBeDisabled();
  await expectAccessible(page);
  const { code } = await latestCode(request, `+1201555${'01' + last2}`);
  // Pasted with a space, as people do: the field accepts it and submits at six digits.
  await page.getByLabel('Enter the 6-digit code').fill(`${code.slice(0, 3)} ${code.slice(3)}`);

  await expect(page.getByRole('heading', { level: 1, name: 'Your phone number is confirmed' })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Continue' }).click();
  // The first method brings ten recovery codes, shown once.
  await expect(page.getByRole('heading', { level: 1, name: 'Save your recovery codes' })).toBeVisible();
  await saveRecoveryCodes(page, { scan: true });
  await expect(page.getByRole('heading', { level: 1, name: 'Your account is now secure' })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Go to Sign in & Security' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in & Security' })).toBeVisible();
  await expect(page.getByText(`•••-•••-01${last2}`, { exact: true })).toBeVisible();
  await expectAccessible(page);
  // The account was told by e-mail, with the number masked.
  const mail = await emailTo(request, email, (m) => m.body.includes('/this-wasnt-me#token='));
  expect(mail.body).toContain(`•••-•••-01${last2}`);
});

test('first-time setup by phone call, keyboard only', async ({ page, request }) => {
  const { email, national, last2 } = fresh();
  await createAccount(page, email);
  await page.getByLabel('Text Message or Phone Call').focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Enter your phone number' })).toBeFocused();
  await page.getByLabel('Phone number').focus();
  await page.keyboard.type(national);
  await page.getByLabel('Call me').focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Answer your phone' })).toBeVisible();
  const { code, kind } = await latestCode(request, `+1201555${'01' + last2}`);
  expect(kind).toBe('voice');
  await page.getByLabel('Enter the 6-digit code').focus();
  await page.keyboard.type(code);
  await expect(page.getByRole('heading', { level: 1, name: 'Your phone number is confirmed' })).toBeVisible();
});

test('sign in with a text, and with a call', async ({ page, request }) => {
  for (const [button, kind] of [['Text me', 'sms'], ['Call me', 'voice']] as const) {
    await signIn(page, 'secure@example.com');
    await expect(page.getByRole('heading', { level: 1, name: 'Complete your sign-in' })).toBeVisible();
    await expectAccessible(page);
    const before = Math.max(0, ...(await outbox(request)).map((m) => m.id));
    await page.getByRole('button', { name: `${button} at •••-•••-0100` }).click();
    const sent = await latestCode(request, '+12015550100', before);
    expect(sent.kind).toBe(kind);
    await page.getByLabel('Enter the 6-digit code').fill(sent.code);
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in & Security' })).toBeVisible();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Phone MFA' })).toBeVisible();
    await advanceClock(request, 11); // the 2-per-10-s burst limit per number
  }
});

test('add text/phone as a secondary method after confirming with the authenticator app', async ({ page, request }) => {
  const { national, last2 } = fresh();
  await signIn(page, 'app-only@example.com');
  await page.getByRole('button', { name: 'Use my authenticator app' }).click();
  await page.getByLabel('Enter the 6-digit code').fill(totp(DEMO_TOTP_SECRET, await serverNow(request)));
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in & Security' })).toBeVisible();
  await page.getByRole('button', { name: 'Set up' }).click();
  await expect(page.getByRole('heading', { level: 1, name: "Confirm it's you" })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Use my authenticator app' }).click();
  // A new 30-second step, so the sign-in code is not replayed: the server's clock moves
  // on instead of the test waiting for it.
  const later = await advanceClock(request, 30);
  await page.getByLabel('Enter the 6-digit code').fill(totp(DEMO_TOTP_SECRET, later));
  await expect(page.getByRole('heading', { level: 1, name: 'Enter your phone number' })).toBeVisible();
  await page.getByLabel('Phone number').fill(national);
  await page.getByRole('button', { name: 'Continue' }).click();
  const { code } = await latestCode(request, `+1201555${'01' + last2}`);
  await page.getByLabel('Enter the 6-digit code').fill(code);
  // A phone added beside the app: confirmed, then straight back to Sign in & Security
  // (not "Your account is now secure": it already was).
  await expect(page.getByRole('heading', { level: 1, name: 'Your phone number is confirmed' })).toBeVisible();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in & Security' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 3, name: /Authenticator app/ })).toBeVisible();
  await expect(page.getByText(`•••-•••-01${last2}`, { exact: true })).toBeVisible();
});

test('an extension is refused as soon as it is typed, without losing the number', async ({ page }) => {
  const { email } = fresh();
  await createAccount(page, email);
  await page.goto('/setup/phone');
  const field = page.getByLabel('Phone number');
  await field.fill('201-555-0123 ext');
  await expect(page.locator('#phone-error')).toContainText('extensions are not supported');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toHaveValue('201-555-0123 ext');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.locator('.error-summary')).toBeFocused();
  await expect(page.locator('.error-summary')).toContainText('There is a problem');
});

test('the phone screen reads numbers the ways people write and paste them (the real validator worker)', async ({ page }) => {
  const { email } = fresh();
  await createAccount(page, email);
  await page.goto('/setup/phone');
  const field = page.getByLabel('Phone number');
  // Seven digits after +1 are too short: never the Northern Mariana Islands' 670 670 2345.
  await field.fill('+1 670 2345');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.locator('#phone-error')).toContainText('too short');
  await field.fill('tel:+1-201-555-0123');
  await expect(page.locator('#phone-hint')).toContainText('(201) 555-0123');
  await field.fill('(+44) 20 7946 0018');
  await expect(page.locator('#phone-hint')).toContainText('landline');
  for (const typed of ['201-555-0123 ~2', '201-555-0123 ＃2', '201-555-0123 доб 2']) {
    await field.fill(typed);
    await expect(page.locator('#phone-error')).toContainText('extensions are not supported');
  }
  await field.fill('1-800-TAXICAB');
  await expect(page.locator('#phone-error')).toContainText('only the numbers 0 to 9');
  await expectAccessible(page);
});

test('wrong codes warn at three attempts left, then lock with a countdown', async ({ page, request }) => {
  const { email, national, last2 } = fresh();
  await createAccount(page, email);
  await page.goto('/setup/phone');
  await page.getByLabel('Phone number').fill(national);
  await page.getByRole('button', { name: 'Continue' }).click();
  const { code } = await latestCode(request, `+1201555${'01' + last2}`);
  const wrong = code.slice(0, 5) + String((Number(code[5]) + 1) % 10);
  const field = page.getByLabel('Enter the 6-digit code');
  // A wrong code stays in the field, selected, so typing replaces it.
  const selected = () => field.evaluate((f: HTMLInputElement) => [f.selectionStart, f.selectionEnd, document.activeElement === f]);
  for (let i = 1; i <= 7; i++) {
    await field.fill(wrong);
    await expect(page.locator('#code-error')).toContainText('not right');
    await expect(field).toHaveValue(wrong);
    await expect.poll(selected).toEqual([0, 6, true]);
  }
  // One message, beside the field: what went wrong and how many tries are left.
  await expect(page.locator('#code-error')).toContainText('You have 3 attempts left');
  await expectAccessible(page);
  for (let i = 8; i <= 10; i++) await field.fill(wrong), await expect(field).toHaveValue(wrong);
  // Locked: one message (still words; the countdown beside it is not read out).
  await expect(page.locator('#code-alert')).toContainText(/you can try again at \d/);
  await expect(page.getByText(/Try again in (9:5\d|10:00)/)).toBeVisible();
  await expect(page.locator('#code-error')).toBeHidden();
  await expect(page.locator('.card .alert:visible')).toHaveCount(1);
  await expect(field).toBeDisabled();
  await expectAccessible(page);
});

test('troubleshooting when the text never arrives', async ({ page, request }) => {
  const { email } = fresh();
  await createAccount(page, email);
  await page.goto('/setup/phone');
  await page.getByLabel('Phone number').fill('201-555-0199'); // documented: texts never arrive
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your phone' })).toBeVisible();
  const sent = (await outbox(request)).find((m) => m.to === '+12015550199');
  expect(sent?.delivered).toBe(false);
  await page.getByRole('link', { name: "I didn't receive a text message or phone call" }).click();
  await expect(page.getByRole('heading', { level: 1, name: "I didn't receive a text message or phone call" })).toBeFocused();
  await expect(page.getByText('Restart your phone.')).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Try again' }).click();
  await expect(page.getByRole('button', { name: 'Call me instead' })).toBeVisible();
  await page.getByRole('link', { name: 'Use a different number' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Enter your phone number' })).toBeVisible();
});

test('a medical provider who prescribes controlled substances cannot choose text or phone, and is steered to the app', async ({ page }) => {
  await signIn(page, 'prescriber@example.com');
  await expect(page.getByRole('heading', { level: 1, name: 'Secure your account' })).toBeVisible();
  await expect(page.getByLabel('Text Message or Phone Call')).toBeDisabled();
  await expect(page.getByText(/not available to medical providers who prescribe controlled substances/).last()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Skip for now' })).toHaveCount(0);
  // The one method they may use is offered first and already chosen.
  await expect(page.getByLabel('Authenticator app')).toBeChecked();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Set up an authenticator app' })).toBeFocused();
  await page.getByRole('link', { name: 'Back' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Secure your account' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Phone MFA' })).toBeVisible();
  // Signed out for real: the setup screen now sends to sign in.
  await page.goto('/setup');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Phone MFA' })).toBeVisible();
});

test('an unknown address shows a helpful page', async ({ page }) => {
  await page.goto('/no/such/page');
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
  await expectAccessible(page);
});

test('skip for now is offered only where MFA is recommended, not required', async ({ page }) => {
  await signIn(page, 'required@example.com');
  await expect(page.getByRole('heading', { level: 1, name: 'Secure your account' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Skip for now' })).toHaveCount(0);
  const { email } = fresh();
  await createAccount(page, email);
  await expect(page.getByText('we recommend it')).toBeVisible();
  await page.getByRole('button', { name: 'Skip for now' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in & Security' })).toBeVisible();
  await expect(page.getByText("isn't protected by multi-factor authentication")).toBeVisible();
});

test('reload and back keep the code screen working', async ({ page, request }) => {
  const { email, national, last2 } = fresh();
  await createAccount(page, email);
  await page.goto('/setup/phone');
  await page.getByLabel('Phone number').fill(national);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your phone' })).toBeVisible();
  await page.reload();
  await expect(page.locator('.sent-to')).toContainText(`+1 201-555-01${last2}`);
  // Back to the number, then forward again: the code on its way is still there.
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1, name: 'Enter your phone number' })).toBeVisible();
  await expect(page.getByLabel('Phone number'), 'what was typed is there again').toHaveValue(national);
  await page.goForward();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your phone' })).toBeVisible();
  await expect(page.locator('.sent-to')).toContainText(`+1 201-555-01${last2}`);
  const { code } = await latestCode(request, `+1201555${'01' + last2}`);
  await page.getByLabel('Enter the 6-digit code').fill(`#${code}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Your phone number is confirmed' })).toBeVisible();
});

test('the code screen says when a text arrived, and why one did not, with the next step', async ({ page, request }) => {
  // Past the per-IP send window of the tests before: this test sends eight codes.
  await advanceClock(request, 301);
  const { email, national } = fresh();
  await createAccount(page, email);
  await page.goto('/setup/phone');
  await page.getByLabel('Phone number').fill(national);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your phone' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Your phone received the text.' })).toBeVisible();

  // The dev outbox's test numbers act out each failure a provider reports.
  const failures: [string, RegExp][] = [
    ['201-555-0196', /can't receive texts. It may be a landline/],
    ['201-555-0195', /couldn't reach this phone/],
    ['201-555-0194', /phone company blocked our text/],
    ['201-555-0197', /replied STOP\). To get texts again, reply START/],
  ];
  for (const [number, says] of failures) {
    await page.getByRole('link', { name: 'Use a different number' }).click();
    await page.getByLabel('Phone number').fill(number);
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByRole('alert').filter({ hasText: says })).toBeVisible();
  }
  await expectAccessible(page);
  // The next step is there at once: no resend wait after a failed text.
  await page.getByRole('button', { name: 'Call me instead' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Answer your phone' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'The call went through.' })).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: 'STOP' })).toBeHidden();
  // A phone that is off: neither the text nor the call gets through.
  await page.getByRole('link', { name: 'Use a different number' }).click();
  await page.getByLabel('Phone number').fill('201-555-0195');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('alert').filter({ hasText: "couldn't reach this phone" })).toBeVisible();
  await advanceClock(request, 11); // the number's second text this test: past its 10 s burst limit
  await page.getByRole('button', { name: 'Call me instead' }).click();
  await expect(page.getByRole('alert').filter({ hasText: "The call wasn't answered." })).toBeVisible();
});

test('the code screen follows a text the provider has not settled, and stops once it has', async ({ page }) => {
  const { email } = fresh();
  await createAccount(page, email);
  // The page's timers run on a clock the test moves: the screen asks every 3 s.
  await page.clock.install();
  let asked = 0;
  await page.route('**/api/challenges/*/delivery', (route) => {
    asked += 1;
    // The provider's later word: the phone was off.
    return route.fulfill({ json: { status: 'undelivered', problem: 'unreachable', error_code: 30003 } });
  });
  await page.goto('/setup/phone');
  // The test number whose texts are sent but never arrive: no final word at first.
  await page.getByLabel('Phone number').fill('201-555-0199');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your phone' })).toBeVisible();
  expect(asked).toBe(0);
  await page.clock.runFor(3_100);
  await expect(page.getByRole('alert').filter({ hasText: "couldn't reach this phone" })).toBeVisible();
  expect(asked).toBe(1);
  // The other channel at once; the same one waits as always.
  await expect(page.getByRole('button', { name: 'Call me instead' })).toBeEnabled();
  await expect(page.getByRole('button', { name: /Send a new code/ })).toBeDisabled();
  // Final: no more questions, however long the screen stays open.
  await page.clock.runFor(60_000);
  expect(asked).toBe(1);
});
