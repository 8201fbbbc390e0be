// End-to-end tests: Playwright drives Debian's Chromium against the real server
// (started here, on its own port and a fresh SQLite file) serving the built SPA.
// Run with `cargo xtask test` (which builds first) or `npx playwright test -c tests/e2e`.
import { defineConfig } from '@playwright/test';
import { launchOptions, realServer } from '../playwright-shared';

const port = Number(process.env.E2E_PORT ?? 8090);

export default defineConfig({
  testDir: '.',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: { baseURL: `http://127.0.0.1:${port}`, browserName: 'chromium', launchOptions, trace: 'off' },
  // Every test signs up from 127.0.0.1: the per-IP send and sign-up limits would trip
  // across the suite. The limits themselves are covered by the server's integration tests.
  webServer: realServer(port, 'e2e', { PHONE_MFA_IP_SENDS_PER_5_MIN: '1000', PHONE_MFA_IP_SIGN_UPS_PER_HOUR: '1000', PHONE_MFA_SUPPORT_EMAIL: 'help@example.com' }),
});
