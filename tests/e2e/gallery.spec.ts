// The design gallery: every state renders from fixtures, calls no server, logs no
// error, and passes axe-core.
import { expectAccessible, test, expect } from './helpers';

for (const [colorScheme, language] of [['light', 'en'], ['dark', 'en'], ['light', 'es']] as const) {
  test(`every gallery state renders without server calls or accessibility problems (${colorScheme}, ${language})`, async ({ page }) => {
    // Over 50 states, each checked by axe-core (about 1.5 s each on 2 cores).
    test.setTimeout(300_000);
    await page.emulateMedia({ colorScheme });
    await page.goto('/gallery');
    // The header's language switch renders every state in the chosen language.
    await page.locator('#language').selectOption(language);
    await expect(page.locator('html')).toHaveAttribute('lang', language);
    // The gallery's own list is in the chosen language too.
    await expect(page.locator('nav.gallery-nav')).toContainText(language === 'es' ? 'Escribir el código' : 'Enter code');
    const links = page.locator('nav.gallery-nav').getByRole('link');
    const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
    expect(hrefs.length).toBeGreaterThanOrEqual(50);
    // What an address that is no state shows: every real state must show something else.
    await page.goto('/gallery/no-such-state');
    const notFound = (await page.locator('.gallery-stage h1').textContent())!;
    expect(notFound).toBe(language === 'es' ? 'No se encontró la página' : 'Page not found');
    const apiCalls: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/')) apiCalls.push(r.url());
    });
    for (const href of hrefs) {
      await page.goto(href);
      await expect(page.locator('.gallery-stage h1')).toHaveCount(1);
      if (!href.endsWith('/not-found')) await expect(page.locator('.gallery-stage h1')).not.toHaveText(notFound);
      await expect(page.locator('html')).toHaveAttribute('lang', language);
      await expect(page.locator('.gallery-nav a[aria-current="page"]')).toHaveAttribute('href', href);
      await expectAccessible(page);
    }
    expect(apiCalls).toEqual([]);
  });
}

test('gallery states link to each other and render the real components', async ({ page }) => {
  await page.goto('/gallery/phone-extension');
  await expect(page.locator('#phone-error')).toContainText('extensions are not supported');
  await page.getByRole('link', { name: 'Wrong code, 3 attempts left' }).click();
  await expect(page).toHaveURL(/\/gallery\/code-wrong-3-left$/);
  await expect(page.locator('#code-error')).toContainText('You have 3 attempts left');
  await page.getByRole('link', { name: 'Medical provider (text/phone unavailable)' }).click();
  await expect(page.getByLabel('Text Message or Phone Call')).toBeDisabled();
  await page.getByRole('link', { name: 'Five phones and an app' }).click();
  await expect(page.locator('.methods > li')).toHaveCount(6);
});
