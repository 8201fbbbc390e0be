// The browser half of `cargo xtask bench`: headless Chromium (the test setup) against
// the real server and the production build xtask makes (BENCH_DIST). Results go to
// target/bench/browser.json.
import { defineConfig } from '@playwright/test';
import { launchOptions, realServer } from '../playwright-shared';

const port = Number(process.env.BENCH_PORT ?? 8092);

export default defineConfig({
  testDir: '.',
  workers: 1,
  timeout: 180_000,
  reporter: [['list']],
  use: { baseURL: `http://127.0.0.1:${port}`, browserName: 'chromium', launchOptions },
  webServer: realServer(port, 'bench', {}, process.env.BENCH_DIST ?? 'dist'),
});
