// End-to-end tests: Playwright drives Debian's Chromium against the real server
// (started here, on its own port and a fresh SQLite file) serving the built SPA.
// Run with `cargo xtask test` (which builds first) or `npx playwright test -c tests/e2e`.
import { defineConfig } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';

const port = Number(process.env.E2E_PORT ?? 8090);
const root = path.resolve(__dirname, '../..');
const db = path.join(os.tmpdir(), `phone-mfa-e2e-${process.pid}-${Date.now()}.sqlite3`);
const chromiumFlags = [
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export default defineConfig({
  testDir: '.',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    launchOptions: { executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: chromiumFlags },
    trace: 'off',
  },
  webServer: {
    command: path.join(root, 'target/debug/phone-mfa-server'),
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      PHONE_MFA_ADDR: `127.0.0.1:${port}`,
      PHONE_MFA_DB: db,
      PHONE_MFA_DIST: path.join(root, 'dist'),
      // Every test signs up from 127.0.0.1: the per-IP send limit would trip across the
      // suite. The limit itself is covered by the server's integration tests.
      PHONE_MFA_IP_SENDS_PER_5_MIN: '1000',
      RUST_LOG: 'warn',
    },
  },
});
