// Whole flows under load (issue 18 item 5), for `cargo xtask bench`: a person signs up
// (the e-mail's link), sets up a phone (a code by text) and confirms it, over and over,
// from 8 concurrent clients for 10 s; on SQLite (one process) and PostgreSQL (one and
// three processes sharing the database), each on a fresh database. Prints and writes
// flows per second, p50 / p99 of a whole flow, failures, and the servers' peak resident
// memory (VmHWM).
//
//   SERVER_BINARY=target/server-release/phone-mfa-server PG_URL=postgres://... node tests/bench/flows.mjs
import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const BINARY = process.env.SERVER_BINARY ?? 'target/server-release/phone-mfa-server';
const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CLIENTS = Number(process.env.FLOW_CLIENTS ?? 8);
const SECONDS = Number(process.env.FLOW_SECONDS ?? 10);
const PASSWORD = 'correct horse battery staple';
const H = { 'content-type': 'application/json', 'x-phone-mfa': '1' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function startServers(name, count, env) {
  const servers = [];
  for (let i = 0; i < count; i++) {
    const port = 19400 + i;
    const child = spawn(BINARY, [], {
      env: {
        ...process.env,
        ...env,
        PHONE_MFA_ADDR: `127.0.0.1:${port}`,
        PHONE_MFA_PUBLIC_HOST: `127.0.0.1:${port}`,
        PHONE_MFA_DIST: path.join(os.tmpdir(), 'no-dist'),
        // Every client is 127.0.0.1: the per-IP limits would measure themselves.
        PHONE_MFA_IP_SENDS_PER_5_MIN: '1000000',
        PHONE_MFA_IP_SIGN_UPS_PER_HOUR: '1000000',
        PHONE_MFA_IP_PASSWORD_FAILURES: '1000000',
        RUST_LOG: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    servers.push({ child, base: `http://127.0.0.1:${port}` });
  }
  for (const s of servers) {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${s.base}/api/health`)).ok) break;
      } catch { /* not up yet */ }
      if (i > 300) throw new Error(`${name}: ${s.base} does not start`);
      await sleep(50);
    }
  }
  return servers;
}

function peakKiB(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmHWM:\s+(\d+) kB/)[1]);
}

async function outboxFind(base, pred) {
  for (let i = 0; i < 400; i++) {
    const found = (await (await fetch(`${base}/api/dev/outbox`)).json()).find(pred);
    if (found) return found;
    await sleep(10);
  }
  throw new Error('no message arrived');
}

let serial = 0;
async function oneFlow(base, tag) {
  const n = serial++;
  const email = `flow-${tag}-${process.pid}-${n}@example.com`;
  // Valid, distinct US numbers (201-2xx-xxxx), so no number's send limit is reached.
  const national = `201${String(2000000 + (n % 7999999)).padStart(7, '0')}`;
  const e164 = `+1${national}`;
  let r = await fetch(`${base}/api/auth/sign-up`, { method: 'POST', headers: H, body: JSON.stringify({ email, password: PASSWORD }) });
  if (r.status !== 202) throw new Error(`sign-up ${r.status}`);
  const mail = await outboxFind(base, (m) => m.to === email && m.kind === 'email');
  const token = mail.body.match(/#token=(\S+)/)[1];
  r = await fetch(`${base}/api/auth/sign-up/confirm`, { method: 'POST', headers: H, body: JSON.stringify({ token }) });
  if (r.status !== 201) throw new Error(`confirm ${r.status}`);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  r = await fetch(`${base}/api/challenges`, {
    method: 'POST',
    headers: { ...H, cookie },
    body: JSON.stringify({ purpose: 'setup', channel: 'sms', phone: { number: national, region: 'US' } }),
  });
  if (r.status !== 201) throw new Error(`send ${r.status} ${await r.text()}`);
  const { id } = await r.json();
  const text = await outboxFind(base, (m) => m.to === e164 && m.kind === 'sms');
  const code = text.body.match(/#(\d{6})\s*$/)[1];
  r = await fetch(`${base}/api/challenges/${id}/verify`, { method: 'POST', headers: { ...H, cookie }, body: JSON.stringify({ code }) });
  if (r.status !== 200) throw new Error(`verify ${r.status}`);
}

async function load(name, servers) {
  const times = [];
  const failures = {};
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, i) => {
      const base = servers[i % servers.length].base;
      while (Date.now() < until) {
        const started = performance.now();
        try {
          await oneFlow(base, name);
          times.push(performance.now() - started);
        } catch (e) {
          const why = String(e.message ?? e).split(' ').slice(0, 2).join(' ');
          failures[why] = (failures[why] ?? 0) + 1;
        }
      }
    }),
  );
  times.sort((a, b) => a - b);
  const at = (q) => (times.length ? times[Math.min(times.length - 1, Math.floor(q * times.length))] : 0);
  return {
    setup: name,
    processes: servers.length,
    flows: times.length,
    flows_per_s: times.length / SECONDS,
    p50_ms: at(0.5),
    p99_ms: at(0.99),
    failures,
    peak_rss_mib: servers.map((s) => peakKiB(s.child.pid) / 1024),
  };
}

async function run(name, count, env) {
  const servers = await startServers(name, count, env);
  try {
    return await load(name, servers);
  } finally {
    for (const s of servers) s.child.kill('SIGTERM');
    await Promise.all(servers.map((s) => new Promise((r) => (s.child.exitCode !== null ? r() : s.child.on('exit', r)))));
  }
}

const psql = (sql) => execFileSync('psql', [PG_URL, '-qAtc', sql], { stdio: 'pipe', env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' } });
const results = [];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flows-'));
results.push(await run('SQLite', 1, { PHONE_MFA_DB: path.join(dir, 'bench.sqlite3') }));
for (const count of [1, 3]) {
  const schema = `bench_${process.pid}_${count}`;
  psql(`CREATE SCHEMA ${schema}`);
  try {
    const sep = PG_URL.includes('?') ? '&' : '?';
    results.push(await run(`PostgreSQL`, count, { PHONE_MFA_DATABASE_URL: `${PG_URL}${sep}options[search_path]=${schema}` }));
  } finally {
    psql(`DROP SCHEMA ${schema} CASCADE`);
  }
}
fs.rmSync(dir, { recursive: true, force: true });

console.log(`Whole flows (sign-up link + text + verify), ${CLIENTS} clients, ${SECONDS} s each`);
console.log(`${'setup'.padEnd(24)} ${'flows/s'.padStart(8)} ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'failed'.padStart(7)}  peak RSS per process`);
for (const r of results) {
  const failed = Object.values(r.failures).reduce((a, b) => a + b, 0);
  const label = `${r.setup}, ${r.processes} process${r.processes > 1 ? 'es' : ''}`;
  console.log(
    `${label.padEnd(24)} ${r.flows_per_s.toFixed(1).padStart(8)} ${(r.p50_ms.toFixed(0) + ' ms').padStart(8)} ${(r.p99_ms.toFixed(0) + ' ms').padStart(8)} ${String(failed).padStart(7)}  ${r.peak_rss_mib.map((m) => m.toFixed(0) + ' MiB').join(', ')}`,
  );
  if (failed) console.log(`  failures: ${JSON.stringify(r.failures)}`);
}
fs.mkdirSync('target/bench', { recursive: true });
fs.writeFileSync('target/bench/flows.json', JSON.stringify(results, null, 2));
