// What the Playwright configs share: Debian's Chromium with the flags this closed
// network needs, and the real server on its own port with a fresh SQLite file.
import * as os from 'node:os';
import * as path from 'node:path';

export const root = path.resolve(__dirname, '..');

export const launchOptions = {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
};

/** Playwright's `webServer` for the real server on `port`, serving `dist`. */
export function realServer(port: number, name: string, env: Record<string, string> = {}, dist = 'dist') {
  return {
    command: path.join(root, process.env.SERVER_BINARY ?? 'target/debug/phone-mfa-server'),
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      PHONE_MFA_ADDR: `127.0.0.1:${port}`,
      PHONE_MFA_DB: path.join(os.tmpdir(), `phone-mfa-${name}-${process.pid}-${Date.now()}.sqlite3`),
      PHONE_MFA_DIST: path.resolve(root, dist),
      RUST_LOG: 'warn',
      ...env,
    },
  };
}
