// `cargo xtask bench`'s Lighthouse half (issue 21): every screen of the production build
// (BENCH_DIST) as a new user meets it, on Lighthouse's mobile preset (slow 4G, 4x CPU
// slowdown, simulated), signed in where the screen needs it (a real session cookie in
// the request headers). Three runs a screen; the run with the median performance score
// is reported, and one more run with the throttling applied in Chromium instead
// (LIGHTHOUSE_APPLIED=0 skips it). Results: target/bench/lighthouse.json.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const root = path.resolve(import.meta.dirname, '../..');
const port = Number(process.env.LIGHTHOUSE_PORT ?? 8093);
const base = `http://127.0.0.1:${port}`;
const runs = Number(process.env.LIGHTHOUSE_RUNS ?? 3);
const password = 'correct horse battery staple';
const json = { 'content-type': 'application/json', 'x-phone-mfa': '1' };

const server = spawn(path.join(root, process.env.SERVER_BINARY ?? 'target/debug/phone-mfa-server'), [], {
  env: {
    ...process.env,
    PHONE_MFA_ADDR: `127.0.0.1:${port}`,
    PHONE_MFA_DB: path.join(os.tmpdir(), `phone-mfa-lighthouse-${process.pid}.sqlite3`),
    PHONE_MFA_DIST: path.resolve(root, process.env.BENCH_DIST ?? 'dist'),
    RUST_LOG: 'warn',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});

async function up() {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not start');
}

const cookieOf = (res) => res.headers.get('set-cookie').split(';')[0];

/** A new account at "Secure your account": sign-up, then the e-mail's link. */
async function newAccount() {
  const email = `lighthouse-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
  const r = await fetch(`${base}/api/auth/sign-up`, { method: 'POST', headers: json, body: JSON.stringify({ email, password }) });
  if (r.status !== 202) throw new Error(`sign-up: ${r.status}`);
  for (let i = 0; i < 100; i++) {
    const mail = (await (await fetch(`${base}/api/dev/outbox`)).json()).find((m) => m.to === email && m.body.includes('#token='));
    if (mail) {
      const token = mail.body.match(/#token=(\S+)/)[1];
      const c = await fetch(`${base}/api/auth/sign-up/confirm`, { method: 'POST', headers: json, body: JSON.stringify({ token }) });
      return cookieOf(c);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no sign-up e-mail');
}

/** Signed in with no method yet ("Skip for now"). */
async function signedIn() {
  const setup = await newAccount();
  const r = await fetch(`${base}/api/mfa/skip`, { method: 'POST', headers: { ...json, cookie: setup }, body: '{}' });
  return cookieOf(r);
}

/** A password accepted, the second factor owed (a demo account with a phone and an app). */
async function passwordOnly() {
  const r = await fetch(`${base}/api/auth/sign-in`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ email: 'secure@example.com', password }),
  });
  return cookieOf(r);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  await up();
  const screens = [
    ['sign-in', '/sign-in', null],
    ['create account', '/create-account', null],
    ['choose method', '/setup', await newAccount()],
    ['phone', '/setup/phone', await newAccount()],
    ['code (none on its way)', '/verify', await newAccount()],
    ['success', '/setup/secure', await signedIn()],
    ['sign-in method', '/sign-in/verify', await passwordOnly()],
    ['dashboard', '/account', await signedIn()],
    ['re-authenticate', '/account/confirm', await signedIn()],
    ['troubleshooting', '/help/no-code', null],
  ];
  // LIGHTHOUSE_SCREENS=phone,dashboard (names or paths) measures only those.
  const only = process.env.LIGHTHOUSE_SCREENS?.split(',').map((s) => s.trim());
  if (only) screens.splice(0, screens.length, ...screens.filter(([name, url]) => only.includes(name) || only.includes(url)));
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-quic'],
  });
  const results = [];
  try {
    for (const [name, url, cookie] of screens) {
      const tries = [];
      for (let i = 0; i < runs; i++) {
        const { lhr } = await lighthouse(`${base}${url}`, {
          port: chrome.port,
          output: 'json',
          logLevel: 'error',
          onlyCategories: ['performance'],
          extraHeaders: cookie ? { Cookie: cookie } : undefined,
        });
        // LIGHTHOUSE_SAVE=dir keeps each whole report, to see where a screen's seconds go.
        if (process.env.LIGHTHOUSE_SAVE) {
          fs.mkdirSync(process.env.LIGHTHOUSE_SAVE, { recursive: true });
          fs.writeFileSync(path.join(process.env.LIGHTHOUSE_SAVE, `${name.replace(/\W+/g, '-')}-${i + 1}.json`), JSON.stringify(lhr));
        }
        const a = lhr.audits;
        if (lhr.runtimeError) console.log(`${name}: Lighthouse could not measure it: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
        tries.push({
          performance: lhr.categories.performance.score ?? 0,
          fcp_ms: a['first-contentful-paint'].numericValue,
          lcp_ms: a['largest-contentful-paint'].numericValue,
          tbt_ms: a['total-blocking-time'].numericValue,
          cls: a['cumulative-layout-shift'].numericValue,
          bytes: a['total-byte-weight'].numericValue,
          shifts: (a['layout-shifts']?.details?.items ?? []).map((s) => ({ score: s.score, node: s.node?.selector ?? s.node?.snippet ?? '?' })),
          lcp_element: a['largest-contentful-paint-element']?.details?.items?.[0]?.items?.[0]?.node?.snippet,
        });
      }
      // Once more with the throttling applied in Chromium (DevTools' slow 4G and 4x CPU,
      // the same preset) instead of simulated: the paints as they happen, rather than
      // Lantern's estimate from a fast load. The simulation counts every download that
      // ended before a paint in the fast load as needed for it, so a page whose words come
      // with it can still be given the wasm's seconds (README, Performance).
      let applied = null;
      if (process.env.LIGHTHOUSE_APPLIED !== '0') {
        const { lhr } = await lighthouse(`${base}${url}`, {
          port: chrome.port,
          output: 'json',
          logLevel: 'error',
          onlyCategories: ['performance'],
          throttlingMethod: 'devtools',
          extraHeaders: cookie ? { Cookie: cookie } : undefined,
        });
        const a = lhr.audits;
        applied = {
          fcp_ms: a['first-contentful-paint'].numericValue,
          lcp_ms: a['largest-contentful-paint'].numericValue,
          lcp_element: a['largest-contentful-paint-element']?.details?.items?.[0]?.items?.[0]?.node?.snippet,
        };
      }
      // What moved, and what the largest paint was: where a screen misses the goal.
      const shifts = (tries.at(-1).shifts ?? []).filter((s) => s.score >= 0.005);
      for (const s of shifts) console.log(`  ${name}: layout shift ${s.score.toFixed(3)} of ${s.node}`);
      const mid = median(tries.map((t) => t.performance));
      const row = { screen: name, path: url, ...tries.find((t) => t.performance === mid), applied, runs: tries };
      results.push(row);
      const f = (v, digits, scale = 1) => (typeof v === 'number' ? (v / scale).toFixed(digits) : 'n/a');
      console.log(
        `${name.padEnd(24)} perf ${f(row.performance, 2)}  FCP ${f(row.fcp_ms, 1, 1000)} s  LCP ${f(row.lcp_ms, 1, 1000)} s  TBT ${f(row.tbt_ms, 0)} ms  CLS ${f(row.cls, 3)}  ${f(row.bytes, 0, 1024)} KiB` +
          (applied ? `  | applied: FCP ${f(applied.fcp_ms, 1, 1000)} s  LCP ${f(applied.lcp_ms, 1, 1000)} s` : ''),
      );
    }
  } finally {
    await chrome.kill();
  }
  fs.mkdirSync(path.join(root, 'target/bench'), { recursive: true });
  fs.writeFileSync(path.join(root, 'target/bench/lighthouse.json'), JSON.stringify(results, null, 2) + '\n');
} finally {
  server.kill();
}
