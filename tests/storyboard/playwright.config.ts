// The storyboard: walks the real flows against the real server and photographs every
// step on a phone (390 px) and a desktop (1280 px), light and dark. `cargo xtask
// storyboard` runs it and writes target/storyboard/index.html, the contact sheet.
import { defineConfig, devices } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';

const port = Number(process.env.STORYBOARD_PORT ?? 8091);
const root = path.resolve(__dirname, '../..');
const args = ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const launchOptions = { executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args };
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
  webServer: {
    command: path.join(root, 'target/debug/phone-mfa-server'),
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: false,
    env: {
      PHONE_MFA_ADDR: `127.0.0.1:${port}`,
      PHONE_MFA_DB: path.join(os.tmpdir(), `phone-mfa-storyboard-${process.pid}-${Date.now()}.sqlite3`),
      PHONE_MFA_DIST: path.join(root, 'dist'),
      PHONE_MFA_IP_SENDS_PER_5_MIN: '1000',
      RUST_LOG: 'warn',
    },
  },
});
