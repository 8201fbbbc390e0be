// The browser half of `cargo xtask bench`: headless Chromium (the test setup) against
// the real server and the release build. Results go to target/bench/browser.json.
import { defineConfig } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';

const port = Number(process.env.BENCH_PORT ?? 8092);
const root = path.resolve(__dirname, '../..');
const args = ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export default defineConfig({
  testDir: '.',
  workers: 1,
  timeout: 180_000,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    launchOptions: { executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args },
  },
  webServer: {
    command: path.join(root, 'target/debug/phone-mfa-server'),
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: false,
    env: {
      PHONE_MFA_ADDR: `127.0.0.1:${port}`,
      PHONE_MFA_DB: path.join(os.tmpdir(), `phone-mfa-bench-${process.pid}-${Date.now()}.sqlite3`),
      // The production build (no gallery) that `cargo xtask bench` makes.
      PHONE_MFA_DIST: path.resolve(root, process.env.BENCH_DIST ?? 'dist'),
      RUST_LOG: 'warn',
    },
  },
});
