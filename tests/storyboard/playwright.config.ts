// The storyboard: walks the real flows against the real server and photographs every
// step on a phone (390 px) and a desktop (1280 px), light and dark. `cargo xtask
// storyboard` runs it and writes target/storyboard/index.html, the contact sheet.
import { defineConfig, devices } from '@playwright/test';
import { launchOptions, realServer } from '../playwright-shared';

const port = Number(process.env.STORYBOARD_PORT ?? 8091);
const variants = [
  { name: 'mobile-light', viewport: { width: 390, height: 844 }, colorScheme: 'light' as const },
  { name: 'mobile-dark', viewport: { width: 390, height: 844 }, colorScheme: 'dark' as const },
  { name: 'desktop-light', viewport: { width: 1280, height: 900 }, colorScheme: 'light' as const },
  { name: 'desktop-dark', viewport: { width: 1280, height: 900 }, colorScheme: 'dark' as const },
];

export default defineConfig({
  testDir: '.',
  workers: 1,
  timeout: 120_000,
  reporter: [['list']],
  use: { baseURL: `http://127.0.0.1:${port}`, browserName: 'chromium', launchOptions },
  projects: variants.map((v) => ({
    name: v.name,
    use: { ...devices['Desktop Chrome'], viewport: v.viewport, colorScheme: v.colorScheme, launchOptions },
  })),
  webServer: realServer(port, 'storyboard', { PHONE_MFA_IP_SENDS_PER_5_MIN: '1000', PHONE_MFA_IP_SIGN_UPS_PER_HOUR: '1000' }),
});
