import { test, expect, emailTo, fresh, latestCode, expectAccessible, outbox, saveRecoveryCodes, signUpLink, PASSWORD } from './helpers';

// A browser set to Spanish: the app starts in Spanish, and the account it creates gets
// its texts and emails in Spanish too.
test.describe('in Spanish', () => {
  test.use({ locale: 'es-MX' });

  test('first-time setup by text message, in Spanish from the browser language', async ({ page, request }) => {
    const { email, national, last2 } = fresh();
    await page.goto('/create-account');
    await expect(page.locator('html')).toHaveAttribute('lang', 'es');
    await expect(page.getByRole('heading', { level: 1, name: 'Crea tu cuenta' })).toBeFocused();
    await expect(page).toHaveTitle('Crea tu cuenta - Phone MFA');
    await expectAccessible(page);
    // A mistake first: the errors are in Spanish too.
    await page.getByRole('button', { name: 'Crear cuenta' }).click();
    await expect(page.locator('.error-summary')).toBeFocused();
    await expect(page.locator('.error-summary')).toContainText('Hay un problema');
    await expect(page.getByRole('link', { name: 'Escribe un correo electrónico, como nombre@ejemplo.com' })).toBeVisible();
    await page.getByLabel('Correo electrónico').fill(email);
    await page.getByLabel('Crea una contraseña').fill(PASSWORD);
    await page.getByRole('button', { name: 'Crear cuenta' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Revisa tu correo electrónico' })).toBeFocused();
    await expect(page.getByText(`Enviamos un correo electrónico a ${email}.`)).toBeVisible();
    await expectAccessible(page);
    // The e-mail is in Spanish too, and its link continues in the app.
    const welcome = await emailTo(request, email);
    expect(welcome.body).toMatch(/^Termina de crear tu cuenta de Phone MFA/);
    await page.goto(await signUpLink(request, email));

    await expect(page.getByRole('heading', { level: 1, name: 'Protege tu cuenta' })).toBeVisible();
    await page.getByLabel('Mensaje de texto o llamada telefónica').check();
    await page.getByRole('button', { name: 'Continuar' }).click();

    await expect(page.getByRole('heading', { level: 1, name: 'Escribe tu número de teléfono' })).toBeFocused();
    // The country follows the browser's region (es-MX), named in Spanish.
    await expect(page.getByLabel('País')).toHaveValue('MX');
    await expect(page.getByLabel('País').locator('option:checked')).toHaveText('México (+52)');
    await page.getByLabel('País').selectOption({ label: 'Estados Unidos (+1)' });
    await page.getByLabel('Número de teléfono').fill(`${national} ext. 2`);
    await expect(page.getByText('No se admiten extensiones telefónicas. Escribe el número sin extensión')).toBeVisible();
    await page.getByLabel('Número de teléfono').fill(national);
    await expect(page.getByText(`Enviaremos el código al ${national}`)).toBeVisible();
    await page.getByLabel('Envíame un mensaje de texto').check();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Continuar' }).click();

    await expect(page.getByRole('heading', { level: 1, name: 'Revisa tu teléfono' })).toBeVisible();
    await expect(page.locator('.sent-to')).toContainText(`Enviamos un mensaje de texto con un código de 6 dígitos al +1 201-555-01${last2}.`);
    await expect(page.locator('#resend')).toHaveText(/^Enviar un código nuevo \(disponible en 0:[0-9]{2}\)$/);
    await expect(page.getByRole('button', { name: 'Enviar un código nuevo', exact: true })).toBeDisabled();
    await expectAccessible(page);
    const e164 = `+1201555${'01' + last2}`;
    const sent = (await outbox(request)).filter((m) => m.to === e164 && m.kind === 'sms');
    expect(sent.at(-1)!.body).toMatch(/^\d{6} es tu código de Phone MFA\. No lo compartas con nadie: nunca te lo pediremos\. Vence en 10 minutos\./);
    const { code } = await latestCode(request, e164);
    await page.getByLabel('Escribe el código de 6 dígitos').fill(code);

    await expect(page.getByRole('heading', { level: 1, name: 'Tu número de teléfono está confirmado' })).toBeVisible();
    await page.getByRole('button', { name: 'Continuar' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Guarda tus códigos de recuperación' })).toBeFocused();
    await saveRecoveryCodes(page, { scan: true, continueLabel: 'Continuar', saved: 'Guardé mis códigos de recuperación' });
    await expect(page.getByRole('heading', { level: 1, name: 'Tu cuenta ahora está protegida' })).toBeVisible();
    await expectAccessible(page);
    // Newest first: the notice of the new phone, after the sign-up e-mail.
    const mail = await emailTo(request, email, (m) => m.body.includes('/this-wasnt-me#token='));
    expect(mail.body).toContain('Se agregó un número de teléfono a tu cuenta');
  });

  test('the language can be switched on any screen, is remembered, and keeps what was typed', async ({ page }) => {
    await page.goto('/sign-in');
    await expect(page.getByRole('heading', { level: 1, name: 'Inicia sesión en Phone MFA' })).toBeVisible();
    await page.getByLabel('Correo electrónico').fill('pat@example.com');
    await page.getByLabel('Idioma').selectOption('en');
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Phone MFA' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByLabel('Email address')).toHaveValue('pat@example.com');
    await expect(page).toHaveTitle('Sign in to Phone MFA - Phone MFA');
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Phone MFA' })).toBeVisible();
    await page.getByLabel('Language').selectOption('es');
    await page.goto('/help/no-code');
    await expect(page.getByRole('heading', { level: 1, name: 'No recibí un mensaje de texto ni una llamada' })).toBeVisible();
    await expectAccessible(page);
  });
});

// Spanish runs longer than English: every screen state still fits a 320 px phone.
test('every screen state fits 320 px wide in Spanish without sideways scrolling', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 320, height: 640 }, locale: 'es-ES' });
  const page = await context.newPage();
  await page.goto('/gallery');
  const hrefs = await page.locator('nav.gallery-nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
  const tooWide: string[] = [];
  for (const href of hrefs) {
    await page.goto(href);
    await expect(page.locator('.gallery-stage h1')).toHaveCount(1);
    await expect(page.locator('html')).toHaveAttribute('lang', 'es');
    // The stage is the screen as a phone shows it; the gallery's own list sits elsewhere.
    const overflow = await page.locator('.gallery-stage').evaluate((stage) => {
      const limit = stage.getBoundingClientRect().right + 0.5;
      return [...stage.querySelectorAll('*')].filter((el) => el.getBoundingClientRect().right > limit).map((el) => el.tagName + (el.id ? '#' + el.id : ''));
    });
    if (overflow.length) tooWide.push(`${href}: ${overflow.join(', ')}`);
  }
  expect(tooWide).toEqual([]);
  await context.close();
});
